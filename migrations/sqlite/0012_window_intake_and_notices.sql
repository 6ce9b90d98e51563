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
-- SQLite cannot relax NOT NULL in place: citizens is rebuilt the documented way, as 0007 did
-- for applications (new table, copy, drop, rename; deferred foreign keys let the references
-- point at the new table once it has the old name).
PRAGMA defer_foreign_keys = ON;

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
