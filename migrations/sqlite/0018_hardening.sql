-- 0018 hardening (SQLite). Same numbering and meaning as migrations/postgres.

-- An initial password set by an admin or the command line is one-time: the first login must
-- replace it before the authenticator can be bound. 1 = must change.
ALTER TABLE staff ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;

-- Failed logins naming an account that does not exist, counted like a real account's, so that a
-- lockout answer cannot tell who has an account. Keyed by a SHA-256 of the normalised login
-- name (never the ID number or phone itself); purged once the lock and its window are over.
CREATE TABLE unknown_login_failures (
    name_hash TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    locked_until TEXT,
    last_failed_at TEXT NOT NULL
);

-- The hourly housekeeping forgets finished throttle windows.
CREATE INDEX login_throttle_window ON login_throttle (window_start);
