//! Is this really the account's owner? Two-factor sign-in with time-based one-time codes
//! (RFC 6238: six digits, 30-second steps, one step of clock drift either way) and ten
//! single-use recovery codes.
//!
//! - A code is accepted once: the newest step accepted is remembered per account, and a code
//!   for that step or an older one is refused, even within its window.
//! - Between a right password and a right code the browser holds only a *challenge*
//!   (`login_challenges`), which can do nothing but answer the second step for five minutes.
//!   Wrong codes count as failed logins of the account in the login throttle, and a right
//!   password does not wipe them while the code is still owed.
//! - Sensitive changes (password, payout settings) ask again unless the session passed a
//!   second-factor check in the last ten minutes ([`STEP_UP_SECS`]).
//! - The shared secret is sealed with AES-256-GCM under a key derived from `TWO_FACTOR_KEY`
//!   when the installation sets one, bound to its account, so a database dump alone does not
//!   reveal it. Recovery codes are random 80-bit strings kept only as SHA-256 digests.

use super::throttle;
use super::{AccountError, FieldProblem, SessionUser};
use crate::domain::platform::clock::now;
use crate::domain::platform::settings::TwoFactorKey;
use crate::domain::platform::tokens;
use crate::domain::{AppState, Db, Settings};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;

/// A sensitive change needs a second-factor check this recent (seconds).
pub const STEP_UP_SECS: i64 = 600;
/// How long the half-state between password and code lasts (seconds).
pub const CHALLENGE_SECS: i64 = 300;
/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;
/// Seconds per time step.
const STEP: u64 = 30;
/// Steps of drift tolerated either way.
const SKEW: i64 = 1;

/// What the account page shows about two-factor sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: i64,
}

/// An enrolment waiting for its first code: what the person copies into their app.
#[derive(Clone, Debug)]
pub struct Enrolment {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` address the QR code carries.
    pub url: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}

fn sealing_key(key: &TwoFactorKey) -> ring::aead::LessSafeKey {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key.expose())
        .expect("HMAC takes a key of any length");
    mac.update(b"chipin/two-factor-secrets/v1");
    let bytes = mac.finalize().into_bytes();
    let unbound = ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &bytes)
        .expect("a 32-byte AES-256 key");
    ring::aead::LessSafeKey::new(unbound)
}

fn aad(user_id: i64, what: &str) -> String {
    format!("chipin two-factor {what} of user {user_id}")
}

/// Seals `plain` for the database: `v1:` and base64 of nonce and ciphertext when the
/// installation has a key, otherwise `plain:` and the text itself.
fn seal(settings: &Settings, user_id: i64, what: &str, plain: &str) -> String {
    let Some(key) = &settings.two_factor_key else {
        return format!("plain:{plain}");
    };
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let mut data = plain.as_bytes().to_vec();
    sealing_key(key)
        .seal_in_place_append_tag(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::from(aad(user_id, what).as_bytes()),
            &mut data,
        )
        .expect("sealing a short text cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&data);
    format!("v1:{}", STANDARD.encode(out))
}

/// Opens what [`seal`] stored; `None` if it was sealed under another key or another account.
fn open(settings: &Settings, user_id: i64, what: &str, stored: &str) -> Option<String> {
    if let Some(plain) = stored.strip_prefix("plain:") {
        return Some(plain.to_owned());
    }
    let raw = STANDARD.decode(stored.strip_prefix("v1:")?).ok()?;
    if raw.len() < 12 {
        return None;
    }
    let (nonce, sealed) = raw.split_at(12);
    let mut data = sealed.to_vec();
    let plain = sealing_key(settings.two_factor_key.as_ref()?)
        .open_in_place(
            ring::aead::Nonce::try_assume_unique_for_key(nonce).ok()?,
            ring::aead::Aad::from(aad(user_id, what).as_bytes()),
            &mut data,
        )
        .ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

fn totp(secret_base32: &str, account: &str) -> Option<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret_base32).ok()?;
    totp_rs::Builder::new()
        .with_secret(secret.as_bytes().to_vec())
        .with_skew(0)
        .with_step_duration(STEP)
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some("Chipin"))
        .build()
        .ok()
}

/// The newest step within ±[`SKEW`] of `at` whose code is `code`, if any.
pub fn matching_step(totp: &totp_rs::Totp, code: &str, at: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (-SKEW..=SKEW)
        .rev()
        .map(|d| at + d * STEP as i64)
        .filter(|&t| t >= 0)
        .find_map(|t| totp.check(&code, t as u64).map(|s| s as i64))
}

/// Whether the account has two-factor sign-in on.
pub async fn is_enabled(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("select 1 from two_factor where user_id = $1 and enabled_at is not null")
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.is_some())
}

/// What the account page shows.
pub async fn status(db: &Db, user_id: i64) -> Result<Status, sqlx::Error> {
    let enabled = is_enabled(db, user_id).await?;
    let (left,): (i64,) = sqlx::query_as(
        "select count(*) from recovery_codes where user_id = $1 and used_at is null",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(Status {
        enabled,
        recovery_codes_left: left,
    })
}

/// Starts (or restarts) an enrolment with a fresh secret. Refused while two-factor sign-in is
/// on: turning it off first needs a current code.
pub async fn begin(state: &AppState, user: &SessionUser) -> Result<(), AccountError> {
    if is_enabled(&state.db, user.user_id).await? {
        return Err(AccountError::Field(
            "code",
            FieldProblem::TwoFactorAlreadyOn,
        ));
    }
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = totp_rs::Secret::from(bytes.to_vec()).to_base32();
    let sealed = seal(&state.settings, user.user_id, "secret", &secret);
    let mut tx = state.db.begin_write().await?;
    sqlx::query("delete from two_factor where user_id = $1 and enabled_at is null")
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into two_factor (user_id, secret, created_at) values ($1, $2, $3) \
         on conflict (user_id) do nothing",
    )
    .bind(user.user_id)
    .bind(&sealed)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn secret_of(
    state: &AppState,
    user_id: i64,
    enabled: bool,
) -> Result<Option<(String, i64)>, AccountError> {
    let sql = if enabled {
        "select secret, last_step from two_factor where user_id = $1 and enabled_at is not null"
    } else {
        "select secret, last_step from two_factor where user_id = $1 and enabled_at is null"
    };
    let row: Option<(String, i64)> = sqlx::query_as(sql)
        .bind(user_id)
        .fetch_optional(state.db.pool())
        .await?;
    let Some((stored, last_step)) = row else {
        return Ok(None);
    };
    match open(&state.settings, user_id, "secret", &stored) {
        Some(secret) => Ok(Some((secret, last_step))),
        None => {
            tracing::error!(
                user_id,
                "a two-factor secret cannot be opened: was TWO_FACTOR_KEY changed?"
            );
            Err(AccountError::Field(
                "code",
                FieldProblem::TwoFactorUnreadable,
            ))
        }
    }
}

/// The pending enrolment of `user`, if one was started and not yet confirmed.
pub async fn enrolment(
    state: &AppState,
    user: &SessionUser,
) -> Result<Option<Enrolment>, AccountError> {
    let Some((secret, _)) = secret_of(state, user.user_id, false).await? else {
        return Ok(None);
    };
    let Some(url) = totp(&secret, &user.email).and_then(|t| t.to_url().ok()) else {
        return Ok(None);
    };
    let qr = qrcode::QrCode::new(url.as_bytes())
        .map_err(|_| AccountError::Field("code", FieldProblem::QrCodeFailed))?;
    let qr_svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(Some(Enrolment {
        secret,
        url,
        qr_svg,
    }))
}

fn wrong_code() -> AccountError {
    AccountError::Field("code", FieldProblem::CodeWrong)
}

/// Counts a code attempt against the account (and the client) in the login throttle.
async fn reserve(
    db: &Db,
    email: &str,
    client: Option<&str>,
) -> Result<throttle::Attempt, AccountError> {
    let mut keys = vec![(throttle::Scope::Account, email, throttle::ACCOUNT)];
    if let Some(ip) = client {
        keys.push((throttle::Scope::Ip, ip, throttle::IP));
    }
    match throttle::reserve(db, &keys).await? {
        throttle::Admission::Admitted(a) => Ok(a),
        throttle::Admission::Wait(secs) => Err(AccountError::Throttled(secs)),
    }
}

/// Uses up a time step for the account if `code` matches one newer than the last used.
async fn accept_totp(
    state: &AppState,
    user_id: i64,
    email: &str,
    code: &str,
    enabled: bool,
) -> Result<bool, AccountError> {
    let Some((secret, last_step)) = secret_of(state, user_id, enabled).await? else {
        return Ok(false);
    };
    let Some(totp) = totp(&secret, email) else {
        return Ok(false);
    };
    let Some(step) = matching_step(&totp, code, now()) else {
        return Ok(false);
    };
    if step <= last_step {
        return Ok(false);
    }
    // Compare-and-set: of two requests with the same code, one wins.
    let done =
        sqlx::query("update two_factor set last_step = $1 where user_id = $2 and last_step < $1")
            .bind(step)
            .bind(user_id)
            .execute(state.db.pool())
            .await?;
    Ok(done.rows_affected() == 1)
}

fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn recovery_digest(user_id: i64, code: &str) -> String {
    tokens::digest(&format!("{user_id}:{}", normalise_recovery(code)))
}

/// Uses up a recovery code of the account if `code` is one still unused.
async fn accept_recovery(state: &AppState, user_id: i64, code: &str) -> Result<bool, AccountError> {
    if normalise_recovery(code).len() != 16 {
        return Ok(false);
    }
    let done = sqlx::query(
        "update recovery_codes set used_at = $1 where user_id = $2 and code_hash = $3 and used_at is null",
    )
    .bind(now())
    .bind(user_id)
    .bind(recovery_digest(user_id, code))
    .execute(state.db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Checks a code from the app or a recovery code for an account with two-factor sign-in on,
/// counting wrong ones as failed logins. `Ok(())` used the code up.
async fn check(
    state: &AppState,
    user_id: i64,
    email: &str,
    code: &str,
    client: Option<&str>,
) -> Result<(), AccountError> {
    if code.trim().is_empty() {
        return Err(AccountError::Field("code", FieldProblem::CodeMissing));
    }
    let attempt = reserve(&state.db, email, client).await?;
    let ok = accept_totp(state, user_id, email, code, true).await?
        || accept_recovery(state, user_id, code).await?;
    if !ok {
        attempt.failed();
        return Err(wrong_code());
    }
    attempt.succeeded(&state.db).await?;
    throttle::clear(&state.db, throttle::Scope::Account, email).await?;
    Ok(())
}

fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    // 31 symbols, 16 of them: about 79 bits; the tiny bias of `% 31` costs a fraction of one.
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Confirms an enrolment with a first code: two-factor sign-in is on, ten recovery codes are
/// made (to be shown once, by [`take_recovery_codes`]), this session counts as freshly
/// checked and the account's other sessions end.
pub async fn confirm(
    state: &AppState,
    user: &SessionUser,
    session_token: &str,
    code: &str,
    client: Option<&str>,
) -> Result<(), AccountError> {
    if secret_of(state, user.user_id, false).await?.is_none() {
        return Err(AccountError::Field("code", FieldProblem::SetUpExpired));
    }
    let attempt = reserve(&state.db, &user.email, client).await?;
    if !accept_totp(state, user.user_id, &user.email, code, false).await? {
        attempt.failed();
        return Err(wrong_code());
    }
    attempt.succeeded(&state.db).await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let at = now();
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "update two_factor set enabled_at = $1, recovery_reveal = $2 \
         where user_id = $3 and enabled_at is null",
    )
    .bind(at)
    .bind(seal(
        &state.settings,
        user.user_id,
        "recovery",
        &codes.join(" "),
    ))
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(wrong_code());
    }
    sqlx::query("delete from recovery_codes where user_id = $1")
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    for c in &codes {
        sqlx::query("insert into recovery_codes (user_id, code_hash) values ($1, $2)")
            .bind(user.user_id)
            .bind(recovery_digest(user.user_id, c))
            .execute(&mut *tx)
            .await?;
    }
    let digest = tokens::digest(session_token);
    sqlx::query("delete from sessions where user_id = $1 and token_hash <> $2")
        .bind(user.user_id)
        .bind(&digest)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update sessions set second_factor_at = $1 where token_hash = $2")
        .bind(at)
        .bind(&digest)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The recovery codes made by the last confirmation, once: the sealed copy is erased as it is
/// read, and only their digests remain.
pub async fn take_recovery_codes(
    state: &AppState,
    user_id: i64,
) -> Result<Option<Vec<String>>, AccountError> {
    let row: Option<(String,)> = sqlx::query_as(
        "select recovery_reveal from two_factor where user_id = $1 and recovery_reveal is not null",
    )
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some((sealed,)) = row else {
        return Ok(None);
    };
    // Cleared only if still the same: of two pages opened at once, one shows the codes.
    let done = sqlx::query(
        "update two_factor set recovery_reveal = null where user_id = $1 and recovery_reveal = $2",
    )
    .bind(user_id)
    .bind(&sealed)
    .execute(state.db.pool())
    .await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(open(&state.settings, user_id, "recovery", &sealed)
        .map(|codes| codes.split(' ').map(str::to_owned).collect()))
}

/// Turns two-factor sign-in off, with a current code or a recovery code.
pub async fn disable(
    state: &AppState,
    user: &SessionUser,
    code: &str,
    client: Option<&str>,
) -> Result<(), AccountError> {
    if !is_enabled(&state.db, user.user_id).await? {
        return Ok(());
    }
    check(state, user.user_id, &user.email, code, client).await?;
    remove(&state.db, user.user_id).await
}

async fn remove(db: &Db, user_id: i64) -> Result<(), AccountError> {
    let mut tx = db.begin_write().await?;
    for sql in [
        "delete from two_factor where user_id = $1",
        "delete from recovery_codes where user_id = $1",
        "delete from login_challenges where user_id = $1",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The operator's reset for a person who lost their device and their recovery codes: turns
/// two-factor sign-in off for the account with this address. False if there is no such account.
pub async fn reset(db: &Db, email: &str) -> Result<bool, AccountError> {
    let row: Option<(i64,)> = sqlx::query_as("select id from users where email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(db.pool())
        .await?;
    let Some((user_id,)) = row else {
        return Ok(false);
    };
    remove(db, user_id).await?;
    Ok(true)
}

/// Starts the half-state after a right password; returns the token for the challenge cookie.
pub(super) async fn start_challenge(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
    let token = tokens::generate();
    let at = now();
    sqlx::query("delete from login_challenges where created_at < $1")
        .bind(at - CHALLENGE_SECS)
        .execute(db.pool())
        .await?;
    sqlx::query(
        "insert into login_challenges (token_hash, user_id, created_at) values ($1, $2, $3)",
    )
    .bind(tokens::digest(&token))
    .bind(user_id)
    .bind(at)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Finishes a login whose password was right: checks the code (or a recovery code) for the
/// challenge's account and starts a session that counts as freshly checked. The challenge is
/// used up on success; a wrong code leaves it for another try, throttled.
pub async fn complete_login(
    state: &AppState,
    challenge: &str,
    code: &str,
    client: Option<&str>,
) -> Result<String, AccountError> {
    let expired = AccountError::Field("code", FieldProblem::SignInExpired);
    if !tokens::is_well_formed(challenge) {
        return Err(expired);
    }
    let digest = tokens::digest(challenge);
    let row: Option<(i64, String)> = sqlx::query_as(
        "select u.id, u.email from login_challenges c join users u on u.id = c.user_id \
         where c.token_hash = $1 and c.created_at > $2",
    )
    .bind(&digest)
    .bind(now() - CHALLENGE_SECS)
    .fetch_optional(state.db.pool())
    .await?;
    let Some((user_id, email)) = row else {
        return Err(expired);
    };
    check(state, user_id, &email, code, client).await?;
    let done = sqlx::query("delete from login_challenges where token_hash = $1")
        .bind(&digest)
        .execute(state.db.pool())
        .await?;
    if done.rows_affected() != 1 {
        return Err(expired);
    }
    Ok(super::sessions::create_checked(&state.db, user_id).await?)
}

/// True if the session behind `session_token` passed a second-factor check in the last
/// [`STEP_UP_SECS`] seconds.
pub async fn session_is_fresh(db: &Db, session_token: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("select second_factor_at from sessions where token_hash = $1")
            .bind(tokens::digest(session_token))
            .fetch_optional(db.pool())
            .await?;
    Ok(row
        .and_then(|(at,)| at)
        .is_some_and(|at| at > now() - STEP_UP_SECS))
}

/// Asks again before a sensitive change: passes when the account has no second factor or the
/// session was checked recently; otherwise `code` must be a current or recovery code, which
/// then refreshes the session. An empty `code` is refused with a field error on `code`.
pub async fn step_up(
    state: &AppState,
    user: &SessionUser,
    session_token: &str,
    code: Option<&str>,
    client: Option<&str>,
) -> Result<(), AccountError> {
    if !is_enabled(&state.db, user.user_id).await?
        || session_is_fresh(&state.db, session_token).await?
    {
        return Ok(());
    }
    check(
        state,
        user.user_id,
        &user.email,
        code.unwrap_or_default(),
        client,
    )
    .await?;
    sqlx::query("update sessions set second_factor_at = $1 where token_hash = $2")
        .bind(now())
        .bind(tokens::digest(session_token))
        .execute(state.db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn settings(key: Option<&str>) -> Settings {
        let mut s = Settings::with_base_url(Url::parse("http://localhost").unwrap());
        s.two_factor_key = key.map(|k| TwoFactorKey::parse(k).unwrap());
        s
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_for_its_account() {
        let with = settings(Some("0123456789abcdef0123456789abcdef"));
        let other = settings(Some("fedcba9876543210fedcba9876543210"));
        let sealed = seal(&with, 7, "secret", "JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with("v1:") && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            open(&with, 7, "secret", &sealed).as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        assert_eq!(open(&with, 8, "secret", &sealed), None);
        assert_eq!(open(&with, 7, "recovery", &sealed), None);
        assert_eq!(open(&other, 7, "secret", &sealed), None);
        assert_eq!(open(&settings(None), 7, "secret", &sealed), None);
        // Two seals of one text differ (fresh nonce each time).
        assert_ne!(sealed, seal(&with, 7, "secret", "JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn codes_one_step_off_pass_and_two_steps_off_do_not() {
        let t = totp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "a@example.org").unwrap();
        let at = 1_800_000_015;
        let step = at / 30;
        for d in [-1, 0, 1] {
            let code = t.generate(((step + d) * 30) as u64).to_string();
            assert_eq!(matching_step(&t, &code, at), Some(step + d), "{d}");
        }
        for d in [-2, 2] {
            let code = t.generate(((step + d) * 30) as u64).to_string();
            assert_eq!(matching_step(&t, &code, at), None, "{d}");
        }
        assert_eq!(matching_step(&t, "12345", at), None);
        assert_eq!(matching_step(&t, "abcdef", at), None);
    }

    #[test]
    fn recovery_codes_are_long_random_and_forgiving_to_type() {
        let a = recovery_code();
        assert_eq!(a.len(), 19);
        assert_eq!(normalise_recovery(&a).len(), 16);
        assert_ne!(a, recovery_code());
        assert_eq!(
            recovery_digest(1, &a),
            recovery_digest(1, &format!(" {} ", a.to_uppercase().replace('-', " ")))
        );
        assert_ne!(recovery_digest(1, &a), recovery_digest(2, &a));
    }
}
