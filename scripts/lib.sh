# Shared by scripts/run.sh and scripts/test.sh: say what happens, install what is missing.
# Every ensure_* function is idempotent and returns at once when its tool is already present.
# shellcheck shell=bash

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
CARGO_LEPTOS_VERSION="0.3.11"
BINARYEN_VERSION="132.0.0"
export PATH="$TOOLS/binaryen/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Installing the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then return; fi
  step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (first time only: about 22 minutes on 2 cores)"
  # --ignore-rust-version: its lock pins a crate that declares a newer rust-version than it needs.
  # no_downloads: it must use the wasm-bindgen and wasm-opt installed here, never fetch binaries.
  cargo install --locked "cargo-leptos@$CARGO_LEPTOS_VERSION" --ignore-rust-version --features no_downloads
}

ensure_wasm_bindgen() {
  local version
  version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if wasm-bindgen --version 2>/dev/null | grep -q " $version\$"; then return; fi
  step "Installing wasm-bindgen-cli $version (must equal Cargo.lock; about 4 minutes)"
  # Not --locked: its lock pins a yanked webpki-roots.
  cargo install wasm-bindgen-cli --version "$version"
}

ensure_wasm_opt() {
  if [ -x "$TOOLS/binaryen/node_modules/.bin/wasm-opt" ]; then return; fi
  step "Installing wasm-opt (binaryen $BINARYEN_VERSION from npm; Debian's older binaryen breaks hydration)"
  ensure_node
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/binaryen" "binaryen@$BINARYEN_VERSION"
}

ensure_node() {
  if command -v npm >/dev/null 2>&1; then return; fi
  step "Installing Node.js and npm (Debian packages)"
  apt_install nodejs npm
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return; fi
  step "Installing Chromium (Debian package) for the browser tests"
  apt_install chromium
}

ensure_postgresql() {
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then return; fi
  step "Installing PostgreSQL (Debian package) for the database tests"
  apt_install postgresql
}

ensure_end2end_packages() {
  local lock="$ROOT/end2end/package-lock.json" stamp="$ROOT/end2end/node_modules/.installed-lock"
  if [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then return; fi
  step "Installing the end-to-end test packages (npm ci; no browser download)"
  ensure_node
  (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  cp "$lock" "$stamp"
}

SCHEMATHESIS_VERSION="4.32.5"

# schemathesis (PyPI) in its own virtualenv under .tools, for the API contract run.
ensure_schemathesis() {
  local st="$TOOLS/schemathesis/bin/schemathesis"
  if [ -x "$st" ] && "$st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then return; fi
  step "Installing schemathesis $SCHEMATHESIS_VERSION (PyPI, into .tools/schemathesis)"
  python3 -m venv "$TOOLS/schemathesis"
  "$TOOLS/schemathesis/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
}

# Fuzzes the running portal's API against its own OpenAPI document: every check, once anonymous
# and once as a demo citizen (end2end/contract/hooks.py fetches fresh tokens). Fails on any 5xx,
# undocumented status, schema violation, or accepted invalid input. PORTAL_FUZZ_EXAMPLES bounds
# the generated cases per operation (default 20).
run_contract_fuzzing() {
  local base_url="$1" examples="${PORTAL_FUZZ_EXAMPLES:-20}" who
  local st="$TOOLS/schemathesis/bin/schemathesis"
  for who in anonymous citizen; do
    note "schemathesis as $who, $examples examples per operation"
    # Logging out would only cut the citizen run short; the token's refusal is tested elsewhere.
    (cd "$ROOT/end2end/contract" &&
      PORTAL_BASE_URL="$base_url" PORTAL_FUZZ_AS="$who" SCHEMATHESIS_HOOKS=hooks \
        "$st" --config-file schemathesis.toml run "$base_url/api/v1/openapi.json" \
        --url "$base_url" --checks all --max-examples "$examples" --workers 2 \
        --exclude-path /auth/logout --no-color)
  done
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_wasm_opt
}

# Release build of the server and the size-optimised WASM, with br/gzip copies of static assets.
# The release build needs several gigabytes of its own. When the disk has less than that free,
# the debug builds of the earlier tiers (done with by then) make way; with room to spare they
# stay, so that the next run on this machine starts from them.
make_room_for_the_release_build() {
  local free_mb
  free_mb="$(df -Pm "$ROOT" | awk 'NR == 2 { print $4 }')"
  if [ "$free_mb" -lt "${PORTAL_TEST_MIN_FREE_MB:-12000}" ]; then
    step "Only ${free_mb} MB free: removing the debug builds before the release build"
    rm -rf "$ROOT/target/debug" "$ROOT/target/wasm32-unknown-unknown/debug"
    echo "now $(df -Pm "$ROOT" | awk 'NR == 2 { print $4 }') MB free"
  fi
}

build_release() {
  step "Building the portal (release; the first build takes several minutes)"
  (cd "$ROOT" && cargo leptos build --release --precompress)
}

free_port() {
  local port
  for port in $(seq 3100 3999); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port between 3100 and 3999" >&2
  return 1
}

wait_ready() {
  local url="$1" tries=120
  until curl -fsS "$url/readyz" >/dev/null 2>&1; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      echo "the portal did not become ready at $url" >&2
      return 1
    fi
    sleep 0.5
  done
}

# Prints the release WASM's size raw, gzip and brotli (the precompressed copies the build wrote).
report_wasm_size() {
  local wasm
  wasm="$(ls -t "$ROOT"/target/site/pkg/*.wasm | head -n 1)"
  step "Release WASM size"
  note "raw:    $(stat -c %s "$wasm") bytes ($(basename "$wasm"))"
  [ -f "$wasm.gz" ] && note "gzip:   $(stat -c %s "$wasm.gz") bytes"
  [ -f "$wasm.br" ] && note "brotli: $(stat -c %s "$wasm.br") bytes"
  return 0
}
