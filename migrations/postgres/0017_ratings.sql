-- 0017 好差评 (issue 15). Same numbering and meaning on both engines.
-- devices: a third kind, the window rating tablet (评价器), which stands at one window.
-- ratings: one per case (一事一评) or served ticket (一次一评), by the unique columns, so a second
--   rating is refused by the database under any concurrency; never updated except `excluded`.
-- rectifications: the loop a 差评 opens, its due dates fixed on the working-day calendar when
--   it opens, and whether each step was done in time (what the callback and rectification rates
--   count).
-- rectification_events: every step of the loop, in order (the rectification row is updated
--   first, so its lock orders the events).
ALTER TABLE devices DROP CONSTRAINT devices_kind_check;
ALTER TABLE devices ADD CONSTRAINT devices_kind_check CHECK (kind IN ('kiosk', 'display', 'rater'));
ALTER TABLE devices ADD COLUMN window_no INTEGER;

CREATE TABLE ratings (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'hall')),
    application_id TEXT UNIQUE REFERENCES applications (id),  -- 一事一评: one per case
    ticket_id TEXT UNIQUE REFERENCES queue_tickets (id),      -- 一次一评: one per served ticket
    citizen_id TEXT REFERENCES citizens (id),   -- the rater; NULL for a window rating of a walk-in ticket
    source TEXT NOT NULL CHECK (source IN ('citizen', 'window_device')),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    indicators TEXT NOT NULL,                   -- JSON {code: 1..5}
    reasons TEXT NOT NULL,                      -- JSON ["indicator.reason", …]
    comment TEXT,
    department_code TEXT,                       -- what the figures are published by
    hall_id TEXT,
    zone TEXT,
    window_no INTEGER,
    staff_id TEXT,
    item_code TEXT,
    rated_at TEXT NOT NULL,
    rated_month TEXT NOT NULL,                  -- YYYY-MM in China time
    excluded INTEGER NOT NULL DEFAULT 0,        -- 1 once a 复核 found it false or malicious
    CHECK ((application_id IS NULL) <> (ticket_id IS NULL))
);
CREATE INDEX ratings_by_month ON ratings (rated_month, excluded);
CREATE INDEX ratings_by_rater ON ratings (citizen_id, rated_at);

CREATE TABLE rectifications (
    id TEXT PRIMARY KEY NOT NULL,
    rating_id TEXT NOT NULL UNIQUE REFERENCES ratings (id),
    state TEXT NOT NULL CHECK (state IN ('callback_pending', 'rectifying', 'answered', 'reopened',
        'closed', 'excluded')),
    department_code TEXT,                       -- the responsible office: a department …
    hall_id TEXT,                               -- … or a hall zone
    zone TEXT,
    callback_due TEXT NOT NULL,                 -- YYYY-MM-DD
    answer_due TEXT NOT NULL,
    called_back_on TEXT,
    callback_on_time INTEGER NOT NULL DEFAULT 0,
    callback_result TEXT,
    answered_on TEXT,                           -- the first answer's day
    answer_on_time INTEGER NOT NULL DEFAULT 0,
    answer TEXT,                                -- the latest answer
    answered_at TEXT,
    reopened INTEGER NOT NULL DEFAULT 0,
    reopen_due TEXT,
    re_rating TEXT CHECK (re_rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    appeal TEXT CHECK (appeal IN ('pending', 'upheld', 'excluded')),
    appeal_reason TEXT,
    appeal_evidence TEXT,
    review_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX rectifications_by_state ON rectifications (state, answer_due);

CREATE TABLE rectification_events (
    rectification_id TEXT NOT NULL REFERENCES rectifications (id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,                        -- masked, with the role
    text TEXT NOT NULL,
    PRIMARY KEY (rectification_id, seq)
);
