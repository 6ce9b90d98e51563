#!/usr/bin/env bash
# The flash-crowd benchmark of 预约 (docs/performance.md): releases SEATS seats of one slot to
# PEOPLE clients at once, each pressing 预约 twice, on SQLite and on PostgreSQL, against the
# release build; reports exact counts (booked must equal SEATS, nobody holds two), throughput and
# latency percentiles. People are written straight into the database (no registration).
#
#   scripts/bench-booking.sh            # 2000 people, 500 seats
#   PEOPLE=200 SEATS=50 scripts/bench-booking.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
PEOPLE="${PEOPLE:-2000}"
SEATS="${SEATS:-500}"
SERVER="$ROOT/target/release/server"
[ -x "$SERVER" ] || { ensure_build_tools; build_release; }
# One connection per person, plus the server's own files.
ulimit -n "$(( PEOPLE * 2 + 1024 ))"

WORK="$(mktemp -d)"
chmod 755 "$WORK"  # PostgreSQL runs as its own user below it
PG_BIN="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")"
PORTAL_PID=""
cleanup() {
  [ -n "$PORTAL_PID" ] && kill "$PORTAL_PID" 2>/dev/null && wait "$PORTAL_PID" 2>/dev/null || true
  if [ -d "$WORK/pg" ]; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $WORK/pg/data -m fast stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$ROOT/scripts/bench_booking.py" prepare --people "$PEOPLE" --seats "$SEATS" \
  --tokens "$WORK/tokens" > "$WORK/crowd.sql"

# Runs one engine: $1 = sqlite | postgres, with DATABASE_URL set for postgres.
bench() {
  local engine="$1" port
  port="$(free_port)"
  step "$engine: $PEOPLE people, $SEATS seats"
  (cd "$ROOT" && PORTAL_DATA_DIR="$WORK/$engine" "$SERVER" seed >/dev/null)
  case "$engine" in
    sqlite) python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read())" \
              "$WORK/$engine/portal.db" "$WORK/crowd.sql" ;;
    postgres) "$PG_BIN/psql" -q "$DATABASE_URL" -f "$WORK/crowd.sql" >/dev/null ;;
  esac
  (cd "$ROOT" && PORTAL_DATA_DIR="$WORK/$engine" PORTAL_LISTEN="127.0.0.1:$port" \
    PORTAL_DEPLOYMENT=test PORTAL_TEST_CLOCK__AT=2026-12-07T08:00:00+08:00 \
    PORTAL_DATABASE__MAX_CONNECTIONS="${MAX_CONNECTIONS:-16}" PORTAL_LOG__FILTER=warn \
    PORTAL_HTTP__REQUEST_TIMEOUT_SECS=50 "$SERVER" serve > "$WORK/$engine.log" 2>&1) &
  PORTAL_PID=$!
  wait_ready "http://127.0.0.1:$port"
  python3 "$ROOT/scripts/bench_booking.py" fire --port "$port" --tokens "$WORK/tokens" | tee "$WORK/$engine.json"
  kill "$PORTAL_PID"; wait "$PORTAL_PID" 2>/dev/null || true; PORTAL_PID=""
  local counts="SELECT (SELECT COUNT(*) FROM appointments WHERE state = 'booked'), \
    (SELECT booked FROM booking_slots WHERE id = 'city.social.2026-12-08.0900'), \
    (SELECT COUNT(*) FROM (SELECT citizen_id FROM appointments GROUP BY citizen_id HAVING COUNT(*) > 1) AS d)"
  local result
  case "$engine" in
    sqlite) result="$(python3 -c "import sqlite3,sys; print('|'.join(map(str, sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone())))" \
              "$WORK/$engine/portal.db" "$counts")" ;;
    postgres) result="$("$PG_BIN/psql" -At "$DATABASE_URL" -c "$counts")" ;;
  esac
  IFS='|' read -r booked seats doubles <<< "$result"
  note "booked $booked, slot counter $seats, people holding two: $doubles"
  if [ "$booked" != "$SEATS" ] || [ "$seats" != "$SEATS" ] || [ "$doubles" != 0 ]; then
    echo "FAILED: overbooked, underbooked or double-booked" >&2
    exit 1
  fi
}

unset DATABASE_URL
bench sqlite

mkdir -p "$WORK/pg"; chown postgres "$WORK/pg"
PG_PORT="$(free_port)"
su postgres -s /bin/sh -c "$PG_BIN/initdb -D $WORK/pg/data -A trust -U postgres" >/dev/null
su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $WORK/pg/data -l $WORK/pg/log -w -o '-p $PG_PORT -k $WORK/pg -c listen_addresses= -c max_connections=200' start" >/dev/null
export DATABASE_URL="postgres://postgres@localhost:$PG_PORT/postgres?host=$WORK/pg"
bench postgres
