-- no-transaction
-- 0012 window intake and notices (SQLite). Same numbering and meaning as migrations/postgres.
--
-- Offline person records (线下登记): someone who comes to a hall's window without an account,
-- often an elderly person, is recorded by the clerk with name, ID number and a contact phone,
-- and has no login. A later registration with the same ID number and name takes the record over:
-- the row becomes the account and keeps its cases and messages. So a citizen row may now lack a
-- login phone and a password, and says who recorded it:
--   phone / password_hash   NULL together, for an offline record (nobody can log in as it);
--   contact_phone           the phone given at the window, for an offline record;
--   recorded_by             the staff id of the clerk who made the offline record;
--   taken_over_at           when a registration took the offline record over.
-- SQLite cannot relax NOT NULL in place: citizens is rebuilt.
-- The table is rebuilt the way SQLite documents (https://sqlite.org/lang_altertable.html, the
-- twelve steps): with foreign keys off, so that the tables pointing at citizens keep pointing at
-- the name while the new table takes it (every row is copied, so none of them breaks). Foreign
-- keys can only be switched outside a transaction, so this migration runs without sqlx's and
-- opens its own. (0007's rebuild of applications deferred the checks instead, which counts every
-- reference to a dropped table as broken for good: fine for a table nothing pointed at with rows
-- then, not for citizens.)
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE citizens_next (
    id TEXT PRIMARY KEY NOT NULL,
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    password_hash TEXT,                         -- argon2id PHC string
    address TEXT NOT NULL DEFAULT '',           -- 一人一档
    postal_code TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,                          -- RFC 3339 UTC; NULL when not locked
    created_at TEXT NOT NULL,
    contact_phone TEXT,
    recorded_by TEXT,
    taken_over_at TEXT,
    CONSTRAINT citizens_id_number_key UNIQUE (id_number),
    CONSTRAINT citizens_phone_key UNIQUE (phone),
    CONSTRAINT citizens_account_or_offline CHECK ((phone IS NULL) = (password_hash IS NULL))
);

INSERT INTO citizens_next (id, id_number, name, phone, password_hash, address, postal_code,
                           email, failed_logins, locked_until, created_at)
SELECT id, id_number, name, phone, password_hash, address, postal_code, email, failed_logins,
       locked_until, created_at
FROM citizens;

DROP TABLE citizens;
ALTER TABLE citizens_next RENAME TO citizens;

-- The clerk who registered a case at the window (channel 'window'); NULL for online cases.
ALTER TABLE applications ADD COLUMN registered_by TEXT;

-- The notices a case produces (受理通知书, 不予受理通知书; later decisions add their own kinds),
-- each frozen as issued: `document` is the JSON of domain::notice::CaseNotice, so a later change
-- of the catalog or of a hall's name never rewrites a notice already handed out. Kinds are
-- checked in domain, so that a new kind is not a table rebuild.
CREATE TABLE case_notices (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    document TEXT NOT NULL,
    CONSTRAINT case_notices_once UNIQUE (application_id, kind)
);

COMMIT;
PRAGMA foreign_keys = ON;
