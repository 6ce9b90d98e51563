-- 0007 cases and messages (PostgreSQL). Same numbering and meaning as migrations/sqlite.
-- Applications learn every state of DESIGN.md §4 (so later steps add transitions, not schema),
-- 一件事 packages (a parent case with one child per item), the 补正 notice that reopens a case's
-- form, and who a document belongs to when it is a business's e-licence. Messages are the
-- in-app message centre (站内信).

ALTER TABLE applications DROP CONSTRAINT applications_state_check;
ALTER TABLE applications ADD CONSTRAINT applications_state_check CHECK (state IN ('draft',
    'submitted', 'needs_supplement', 'refused', 'accepted', 'in_review', 'suspended', 'approved',
    'denied', 'issuing', 'completed', 'withdrawn', 'revoked'));
-- A package's lead item stays in item_code for a package case.
ALTER TABLE applications ADD COLUMN package_id TEXT REFERENCES packages (id);
ALTER TABLE applications ADD COLUMN package_members TEXT;   -- JSON: member versions, frozen at start
ALTER TABLE applications ADD COLUMN parent_id TEXT REFERENCES applications (id);
ALTER TABLE applications ADD COLUMN supplement_notice TEXT; -- JSON: the clerk's one-time notice
CREATE INDEX applications_parent ON applications (parent_id);
CREATE INDEX applications_draft_expiry ON applications (state, draft_expires_at);

-- A business's e-licences (营业执照 …) belong to the business, whichever 经办人 acts for it.
ALTER TABLE documents ADD COLUMN owner_business_id TEXT REFERENCES businesses (id);

CREATE TABLE messages (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- order of writing (timestamps tie within a second)
    id TEXT NOT NULL UNIQUE,
    citizen_id TEXT NOT NULL REFERENCES citizens (id),
    kind TEXT NOT NULL,                          -- case_submitted, draft_expiring …
    title TEXT NOT NULL,
    body TEXT NOT NULL,                          -- masked name and case number at most
    link TEXT,                                   -- a path inside the portal
    dedup_key TEXT NOT NULL,                     -- one message per event, however often it is seen
    created_at TEXT NOT NULL,
    read_at TEXT,
    CONSTRAINT messages_dedup_key UNIQUE (dedup_key)
);

CREATE INDEX messages_citizen ON messages (citizen_id, seq);
