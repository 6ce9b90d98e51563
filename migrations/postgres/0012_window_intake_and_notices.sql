-- 0012 window intake and notices (PostgreSQL). Same numbering and meaning as migrations/sqlite.
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
ALTER TABLE citizens ALTER COLUMN phone DROP NOT NULL;
ALTER TABLE citizens ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE citizens ADD COLUMN contact_phone TEXT;
ALTER TABLE citizens ADD COLUMN recorded_by TEXT;
ALTER TABLE citizens ADD COLUMN taken_over_at TEXT;
ALTER TABLE citizens ADD CONSTRAINT citizens_account_or_offline
    CHECK ((phone IS NULL) = (password_hash IS NULL));

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
