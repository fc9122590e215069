# Shared by Chipin's scripts: install what is missing, idempotently. Source it; do not run it.
# Everything comes from crates.io, npm or Debian; nothing is downloaded from elsewhere.

CHIPIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
PG_BIN=/usr/lib/postgresql/15/bin
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-leptos sets this while building; setting it for every cargo command keeps one build.
export LEPTOS_OUTPUT_NAME=chipin

say() { printf '\n==> %s\n' "$*"; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "need root to install Debian packages: $*" >&2
    return 1
  fi
  if [ -z "${CHIPIN_APT_UPDATED:-}" ]; then
    apt-get update -qq
    CHIPIN_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Installs the wasm target, wasm-bindgen-cli and cargo-leptos if missing. The two tools build
# side by side in the background, and the command given as arguments (if any) runs meanwhile
# (it runs whether or not anything was missing):
# on a fresh 2-core machine a lone `cargo install` leaves a core idle for a third of its time
# (while one large crate compiles, or the binary links), which the other work fills.
ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  local pids=() logs=() names=()
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    names+=("wasm-bindgen-cli $WASM_BINDGEN_VERSION")
    logs+=("$(mktemp /tmp/chipin-install.XXXXXX)")
    # Not --locked: one of its locked dependencies is missing from the registry. Without its
    # default TLS client, which only its test runner uses to download browser drivers.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --no-default-features \
      --force >"${logs[-1]}" 2>&1 &
    pids+=($!)
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$LEPTOS_VERSION"; then
    # Its project generator asks for OpenSSL built from C (about 4 CPU-minutes, 2 m 10 s here);
    # Debian's library does the same job.
    if ! dpkg -s libssl-dev pkg-config >/dev/null 2>&1; then
      say "installing Debian's OpenSSL headers for cargo-leptos"
      apt_install libssl-dev pkg-config
    fi
    names+=("cargo-leptos $LEPTOS_VERSION")
    logs+=("$(mktemp /tmp/chipin-install.XXXXXX)")
    # An unoptimised build without debug information: 8.5 minutes on a fresh 2-core machine
    # against 16.8 for the release profile (whole-program LTO, one codegen unit). The heavy work
    # of a build is cargo's and wasm-bindgen's; its own part stays small (a build with nothing
    # to do takes 2.4 s, and one after a style change 2.6 s).
    OPENSSL_NO_VENDOR=1 CARGO_PROFILE_DEV_DEBUG=0 \
      cargo install cargo-leptos --version "$LEPTOS_VERSION" --locked --debug --force \
      >"${logs[-1]}" 2>&1 &
    pids+=($!)
  fi
  if [ ${#pids[@]} -gt 0 ]; then
    say "installing ${names[*]} in the background (once per machine; logs in ${logs[*]})"
  fi
  local status=0 i
  if [ $# -gt 0 ]; then
    "$@" || status=$?
  fi
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      say "installed ${names[$i]}"
      rm -f "${logs[$i]}"
    else
      tail -n 40 "${logs[$i]}" >&2
      echo "installing ${names[$i]} failed; its whole log is ${logs[$i]}" >&2
      status=1
    fi
  done
  return "$status"
}

# Builds the site's two halves exactly as `cargo leptos build` (0.3.10, debug) asks cargo to,
# so that its own build finds them done: the same packages, features, target folders and
# environment (cargo-leptos passes its settings and `--cfg erase_components` to both builds).
# Run beside the tool installs on a fresh machine; any difference would only cost a rebuild.
prebuild_site() {
  say "building Chipin's server and WebAssembly"
  local target="${CARGO_TARGET_DIR:-$CHIPIN_ROOT/target}"
  local -a leptos_env=(
    LEPTOS_OUTPUT_NAME=chipin LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
    LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app
    LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
    "RUSTFLAGS=--cfg erase_components"
  )
  # One after the other: side by side as well, the first run took 1,011 s against 951.
  env "${leptos_env[@]}" cargo build --package=server --bin=server --no-default-features &&
    env "${leptos_env[@]}" cargo build --package=app --lib --target-dir="$target/front" \
      --target=wasm32-unknown-unknown --no-default-features --features=hydrate
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    say "installing Debian's Chromium"
    apt_install chromium
  fi
  # Korean pages are measured and screenshotted with real Hangul glyphs, not empty boxes.
  if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    say "installing Noto CJK fonts for Korean pages"
    apt_install fonts-noto-cjk
  fi
}

ensure_postgres() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    say "installing PostgreSQL 15"
    apt_install postgresql-15
  fi
}

ensure_node_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    say "installing Node.js and npm"
    apt_install nodejs npm
  fi
  local stamp="$CHIPIN_ROOT/end2end/node_modules/.chipin-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$CHIPIN_ROOT/end2end/package-lock.json"; then
    say "installing the browser-test packages from npm"
    (cd "$CHIPIN_ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$CHIPIN_ROOT/end2end/package-lock.json" "$stamp"
  fi
}

# The webhook tests check signatures with an independent implementation of Standard Webhooks:
# the `standardwebhooks` package from PyPI, in a virtual environment kept beside the build cache.
STANDARDWEBHOOKS_VERSION=1.3.0
ensure_webhook_verifier() {
  local venv="$HOME/.cache/chipin/standardwebhooks-venv"
  if ! "$venv/bin/python" -c "import standardwebhooks" 2>/dev/null; then
    say "installing the standardwebhooks package from PyPI"
    command -v python3 >/dev/null 2>&1 || apt_install python3
    python3 -c "import ensurepip" 2>/dev/null || apt_install python3-venv
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "standardwebhooks==$STANDARDWEBHOOKS_VERSION"
  fi
  export CHIPIN_STANDARDWEBHOOKS_PYTHON="$venv/bin/python"
}

# Starts a throw-away PostgreSQL cluster owned by the postgres user on a free port and sets
# CHIPIN_TEST_POSTGRES_URL. stop_postgres removes it again.
start_postgres() {
  CHIPIN_PG_DIR="$(mktemp -d /tmp/chipin-pg.XXXXXX)"
  chown postgres:postgres "$CHIPIN_PG_DIR"
  CHIPIN_PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$CHIPIN_PG_DIR/data" --auth=trust -U postgres -E UTF8 >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CHIPIN_PG_DIR/data" -l "$CHIPIN_PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $CHIPIN_PG_PORT -c unix_socket_directories=$CHIPIN_PG_DIR -c fsync=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  export CHIPIN_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$CHIPIN_PG_PORT"
  say "PostgreSQL 15 is running on port $CHIPIN_PG_PORT"
}

stop_postgres() {
  if [ -n "${CHIPIN_PG_DIR:-}" ] && [ -d "$CHIPIN_PG_DIR/data" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CHIPIN_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$CHIPIN_PG_DIR"
  fi
}
