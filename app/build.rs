// The migrations are embedded by `sqlx::migrate!`, which cannot tell Cargo that it read them;
// rebuild when they change so a new migration is never left out of a binary.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
