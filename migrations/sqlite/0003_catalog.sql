-- 0003 catalog (SQLite). Same numbering and meaning as migrations/postgres.
-- Guides are versioned JSON documents (domain::catalog::ItemGuide): a case keeps the version it
-- was filed under, so a version is written once and never edited. The columns beside the
-- documents are what lists filter and sort on.

CREATE TABLE departments (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE halls (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('city', 'district', 'town')),
    position INTEGER NOT NULL,
    document TEXT NOT NULL                      -- domain::catalog::Hall as JSON
);

CREATE TABLE items (
    code TEXT PRIMARY KEY NOT NULL,             -- 实施编码
    name TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments (code),
    zone TEXT NOT NULL CHECK (zone IN ('economic', 'construction', 'social', 'real_estate')),
    applicant_type TEXT NOT NULL CHECK (applicant_type IN ('person', 'business', 'both')),
    current_version INTEGER NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE item_versions (
    item_code TEXT NOT NULL REFERENCES items (code),
    version INTEGER NOT NULL,
    document TEXT NOT NULL,                     -- domain::catalog::ItemGuide as JSON
    published_at TEXT NOT NULL,                 -- RFC 3339 UTC
    PRIMARY KEY (item_code, version)
);

CREATE TABLE packages (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    topic TEXT NOT NULL,
    lead_department TEXT NOT NULL REFERENCES departments (code),
    position INTEGER NOT NULL,
    document TEXT NOT NULL                      -- domain::catalog::Package as JSON
);

CREATE TABLE package_items (
    package_id TEXT NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    item_code TEXT NOT NULL REFERENCES items (code),
    position INTEGER NOT NULL,
    PRIMARY KEY (package_id, item_code)
);
