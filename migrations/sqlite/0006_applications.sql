-- 0006 applications (SQLite). Same numbering and meaning as migrations/postgres.
-- Applications (办件): a draft until submitted, then a case with its 办件编号. The answers and the
-- material choices are JSON documents (domain::form::Answers, domain::prereview::MaterialChoice);
-- submission freezes them together with the guide version they were filed under.

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    owner_citizen_id TEXT NOT NULL REFERENCES citizens (id),
    file_name TEXT NOT NULL,                    -- sanitised display name, never a path
    file_type TEXT NOT NULL CHECK (file_type IN ('pdf', 'jpeg', 'png', 'ofd')),
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,                  -- object_store path, written and synced first
    licence_type TEXT,                          -- set for issued e-licences (营业执照 …)
    created_at TEXT NOT NULL
);

CREATE INDEX documents_owner ON documents (owner_citizen_id, created_at);

CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,               -- opaque draft id, kept after submission
    case_no TEXT,                               -- 办件编号, from submission on
    owner_citizen_id TEXT NOT NULL REFERENCES citizens (id),
    business_id TEXT REFERENCES businesses (id), -- filed by a 经办人 in this business's name
    item_code TEXT NOT NULL REFERENCES items (code),
    item_version INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'withdrawn')),
    answers TEXT NOT NULL,
    materials TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    draft_expires_at TEXT NOT NULL,
    CONSTRAINT applications_case_no_key UNIQUE (case_no)
);

CREATE INDEX applications_owner ON applications (owner_citizen_id, updated_at);

-- The daily sequence of each item's case numbers; one conditional upsert per submission.
CREATE TABLE case_sequences (
    item_code TEXT NOT NULL,
    day TEXT NOT NULL,                          -- yyyyMMdd, China time
    last BIGINT NOT NULL,
    PRIMARY KEY (item_code, day)
);

-- The case's timeline, with texts written for the applicant.
CREATE TABLE case_events (
    application_id TEXT NOT NULL REFERENCES applications (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);

-- Idempotency-Key: the first request's fingerprint and, once done, its answer (kept >= 24 h).
CREATE TABLE idempotency_keys (
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
    response TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (owner, key)
);
