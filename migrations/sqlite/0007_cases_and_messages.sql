-- 0007 cases and messages (SQLite). Same numbering and meaning as migrations/postgres.
-- Applications learn every state of DESIGN.md §4 (so later steps add transitions, not schema),
-- 一件事 packages (a parent case with one child per item), the 补正 notice that reopens a case's
-- form, and who a document belongs to when it is a business's e-licence. Messages are the
-- in-app message centre (站内信).

-- SQLite cannot change a CHECK constraint in place: the applications table is rebuilt the
-- documented way (new table, copy, drop, rename). Deferring foreign keys lets the old table go
-- while case_events still point at it; the rename makes those references point at the new one.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE applications_next (
    id TEXT PRIMARY KEY NOT NULL,
    case_no TEXT,
    owner_citizen_id TEXT NOT NULL REFERENCES citizens (id),
    business_id TEXT REFERENCES businesses (id),
    item_code TEXT NOT NULL REFERENCES items (code), -- a package's lead item for a package case
    item_version INTEGER NOT NULL,
    package_id TEXT REFERENCES packages (id),    -- set on a 一件事 parent case
    package_members TEXT,                        -- JSON: the member items' versions, frozen at start
    parent_id TEXT REFERENCES applications (id), -- set on each child case of a package
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'needs_supplement', 'refused',
        'accepted', 'in_review', 'suspended', 'approved', 'denied', 'issuing', 'completed',
        'withdrawn', 'revoked')),
    answers TEXT NOT NULL,
    materials TEXT NOT NULL,
    supplement_notice TEXT,                      -- JSON: the clerk's one-time notice (一次性告知)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    draft_expires_at TEXT NOT NULL,
    CONSTRAINT applications_case_no_key UNIQUE (case_no)
);

INSERT INTO applications_next (id, case_no, owner_citizen_id, business_id, item_code, item_version,
    state, answers, materials, created_at, updated_at, submitted_at, draft_expires_at)
SELECT id, case_no, owner_citizen_id, business_id, item_code, item_version, state, answers,
    materials, created_at, updated_at, submitted_at, draft_expires_at
FROM applications;

DROP TABLE applications;
ALTER TABLE applications_next RENAME TO applications;
CREATE INDEX applications_owner ON applications (owner_citizen_id, updated_at);
CREATE INDEX applications_parent ON applications (parent_id);
CREATE INDEX applications_draft_expiry ON applications (state, draft_expires_at);

-- A business's e-licences (营业执照 …) belong to the business, whichever 经办人 acts for it.
ALTER TABLE documents ADD COLUMN owner_business_id TEXT REFERENCES businesses (id);

CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,                     -- order of writing (timestamps tie within a second)
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
