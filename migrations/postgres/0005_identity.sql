-- 0005 identity (PostgreSQL). Same numbering and meaning as migrations/sqlite.
-- Accounts: citizens (自然人), businesses (法人) acting through 经办人 citizens, and staff.
-- Identity numbers are stored whole because login and duplicate checks need them; every read
-- path masks them (domain::identity), and the full value leaves only through the audited reveal.
-- Unique constraints are named: service maps them to 409 answers by name, not by message text.

CREATE TABLE citizens (
    id TEXT PRIMARY KEY NOT NULL,
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    password_hash TEXT NOT NULL,                -- argon2id PHC string
    address TEXT NOT NULL DEFAULT '',           -- 一人一档
    postal_code TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,                          -- RFC 3339 UTC; NULL when not locked
    created_at TEXT NOT NULL,
    CONSTRAINT citizens_id_number_key UNIQUE (id_number),
    CONSTRAINT citizens_phone_key UNIQUE (phone)
);

CREATE TABLE businesses (
    id TEXT PRIMARY KEY NOT NULL,
    credit_code TEXT NOT NULL,
    org_name TEXT NOT NULL,
    legal_rep_name TEXT NOT NULL,
    registered_address TEXT NOT NULL DEFAULT '', -- 一企一档
    registered_capital_fen BIGINT,
    business_scope TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CONSTRAINT businesses_credit_code_key UNIQUE (credit_code)
);

-- Which citizens may act for which business; a revoked grant stays as history.
CREATE TABLE business_agents (
    business_id TEXT NOT NULL REFERENCES businesses (id),
    citizen_id TEXT NOT NULL REFERENCES citizens (id),
    agent_role TEXT NOT NULL CHECK (agent_role IN ('admin', 'agent')),
    granted_by TEXT NOT NULL,                   -- citizen id, or 'registration'
    granted_at TEXT NOT NULL,
    revoked_at TEXT,
    PRIMARY KEY (business_id, citizen_id)
);

CREATE INDEX business_agents_citizen ON business_agents (citizen_id);

CREATE TABLE staff (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'approver', 'issuer', 'supervisor', 'admin')),
    hall_id TEXT REFERENCES halls (id),
    zone TEXT CHECK (zone IN ('economic', 'construction', 'social', 'real_estate')),
    department_code TEXT REFERENCES departments (code),
    password_hash TEXT NOT NULL,
    totp_secret TEXT,                           -- base32; NULL until enrolled
    totp_last_step BIGINT,                      -- last accepted time step, against replay
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    created_at TEXT NOT NULL,
    CONSTRAINT staff_username_key UNIQUE (username)
);

-- Web sessions (cookie) and API tokens (Bearer) alike; only a SHA-256 of the secret is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'api')),
    account_kind TEXT NOT NULL CHECK (account_kind IN ('citizen', 'staff')),
    account_id TEXT NOT NULL,
    acting_for TEXT REFERENCES businesses (id), -- the business a 经办人 acts for
    stage TEXT NOT NULL CHECK (stage IN ('active', 'totp_enrolment')),
    csrf_token TEXT NOT NULL,
    totp_pending TEXT,                          -- base32 secret shown during enrolment
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,                   -- absolute end, whatever the activity
    revoked_at TEXT
);

CREATE INDEX sessions_account ON sessions (account_kind, account_id);

-- Per-address login attempts in fixed windows, shared by every instance.
CREATE TABLE login_throttle (
    address TEXT PRIMARY KEY NOT NULL,
    window_start TEXT NOT NULL,
    attempts BIGINT NOT NULL
);

-- 谁查看了我的信息 reads a citizen's entries by subject.
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
