#!/usr/bin/env bash
# Installs what is missing and runs every test tier:
#   1. formatting and clippy (server and WASM feature sets), warnings denied
#   2. domain unit and property tests
#   3. service/repository and in-process API tests, on SQLite and on a throw-away PostgreSQL
#   4. release build (size-optimised WASM); the API contract fuzzed by schemathesis; Playwright
#      journeys in Debian's Chromium on a test deployment whose clock stands on a working morning
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# Disk, not time, is what runs out first on CI (a run stopped with "No space left on device").
# Incremental caches of the workspace's crates take gigabytes and speed up nothing in one pass
# from a clean checkout.
export CARGO_INCREMENTAL=0

ensure_build_tools
ensure_chromium
ensure_postgresql
ensure_end2end_packages
ensure_schemathesis
command -v curl >/dev/null 2>&1 || apt_install curl

step "Tier 0: cargo fmt --check, and no import loops between source files"
cargo fmt --all -- --check
python3 scripts/check-import-cycles.py

step "Tier 0: clippy, warnings denied (server features, then the browser's WASM features)"
cargo clippy --locked -p domain -p service -p server --all-targets --features service/testing -- -D warnings
cargo clippy --locked -p app --features ssr --all-targets -- -D warnings
cargo clippy --locked -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
cargo clippy --locked -p domain --target wasm32-unknown-unknown -- -D warnings

# A throw-away PostgreSQL cluster on a private socket directory, stopped whatever happens.
PG_BIN="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")"
PG_DIR="$(mktemp -d)"
PG_PORT="$(free_port)"
PORTAL_PID=""
FUZZ_PID=""
cleanup() {
  local pid
  for pid in $PORTAL_PID $FUZZ_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
pg_as_owner() {
  # PostgreSQL refuses to run as root: run it as the postgres user then.
  if [ "$(id -u)" -eq 0 ]; then
    local quoted
    quoted="$(printf '%q ' "$@")"
    su postgres -s /bin/sh -c "$quoted"
  else
    "$@"
  fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR"; fi
step "Starting a throw-away PostgreSQL ($("$PG_BIN/postgres" --version)) on port $PG_PORT"
pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >/dev/null
pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses= -c fsync=off -c max_connections=200" start >/dev/null
export PORTAL_TEST_POSTGRES_URL="postgres://postgres@localhost:$PG_PORT/postgres?host=$PG_DIR"

step "Tier 1: domain unit and property tests"
cargo test --locked -p domain

step "Tier 2: service and repository tests (SQLite and PostgreSQL)"
cargo test --locked -p service

step "Tier 3: API and page tests through the real router (SQLite and PostgreSQL)"
cargo test --locked -p app --features ssr
cargo test --locked -p server

step "Tier 4: release build and browser tests"
make_room_for_the_release_build
build_release
report_wasm_size

step "Tier 4: the API contract, fuzzed by schemathesis against a throw-away portal"
FUZZ_PORT="$(free_port)"
FUZZ_URL="http://127.0.0.1:$FUZZ_PORT"
FUZZ_DIR="$(mktemp -d)"
PORTAL_DATA_DIR="$FUZZ_DIR" target/release/server seed >/dev/null
# The fuzzer logs in and registers far more often than any person: no per-address limit here.
PORTAL_DATA_DIR="$FUZZ_DIR" PORTAL_LISTEN="127.0.0.1:$FUZZ_PORT" PORTAL_LOG__FORMAT=json \
  PORTAL_AUTH__ATTEMPTS_PER_ADDRESS=100000000 PORTAL_DEPLOYMENT=test \
  target/release/server serve >"$FUZZ_DIR/server.log" 2>&1 &
FUZZ_PID=$!
wait_ready "$FUZZ_URL"
run_contract_fuzzing "$FUZZ_URL"
kill "$FUZZ_PID"; wait "$FUZZ_PID" 2>/dev/null || true; FUZZ_PID=""
rm -rf "$FUZZ_DIR"

step "Tier 4: browser journeys (Playwright) on a test deployment"
PORT="$(free_port)"
BASE_URL="http://127.0.0.1:$PORT"
DATA_DIR="$(mktemp -d)"
# Journeys that depend on the time of day or on working days run on a working morning, whenever
# and wherever the command runs: the portal's clock is moved there (a test deployment only), and
# the journeys move their own clock (authenticator codes) by the same amount.
CLOCK_AT="${PORTAL_TEST_CLOCK_AT:-2026-12-07T10:00:00+08:00}"
CLOCK_OFFSET_SECS=$(($(date -d "$CLOCK_AT" +%s) - $(date +%s)))
PORTAL_DATA_DIR="$DATA_DIR" target/release/server seed
# Every journey logs in and registers from this one address, dozens of times in a few minutes:
# far more than the per-address limit allows one person (the API tests cover that limit).
PORTAL_DATA_DIR="$DATA_DIR" PORTAL_LISTEN="127.0.0.1:$PORT" PORTAL_LOG__FORMAT=json \
  PORTAL_DEPLOYMENT=test PORTAL_TEST_CLOCK__OFFSET_SECS="$CLOCK_OFFSET_SECS" \
  PORTAL_AUTH__ATTEMPTS_PER_ADDRESS=100000 \
  target/release/server serve >"$DATA_DIR/server.log" 2>&1 &
PORTAL_PID=$!
wait_ready "$BASE_URL"
(cd end2end && BASE_URL="$BASE_URL" PORTAL_CLOCK_OFFSET_SECS="$CLOCK_OFFSET_SECS" \
  PORTAL_CLOCK_DATE="${CLOCK_AT:0:10}" npx playwright test)

step "Privacy check: no full ID number in the server log of the browser journeys"
# Shape of a GB 11643 number: region, a 19xx/20xx birth date, sequence, check digit.
if grep -En '(^|[^0-9])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-3][0-9][0-9]{3}[0-9Xx]([^0-9]|$)' \
  "$DATA_DIR/server.log"; then
  echo "A full ID number reached the server log (lines above)." >&2
  exit 1
fi
echo "server log: $(wc -l <"$DATA_DIR/server.log") lines, no ID numbers"

step "All test tiers passed"
