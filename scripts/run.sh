#!/usr/bin/env bash
# Installs what is missing, builds the portal, creates/migrates/seeds the SQLite database in the
# data directory and serves the portal (default http://127.0.0.1:3000).
#
#   PORTAL_LISTEN=0.0.0.0:8080   listen elsewhere
#   PORTAL_DATA_DIR=/srv/portal  keep the database elsewhere (default ./data)
#   DATABASE_URL=postgres://…    use PostgreSQL instead of SQLite
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_build_tools
build_release

export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-$ROOT/data}"
step "Preparing the database (migrate and load demo data)"
target/release/server seed

step "Starting the portal — Ctrl-C stops it"
exec target/release/server serve
