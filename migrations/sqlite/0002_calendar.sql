-- 0002 working-day calendar (SQLite). Same numbering and meaning as migrations/postgres.

-- Years for which holiday data exists; other years count weekends only (and the API says so).
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY NOT NULL,
    source TEXT NOT NULL
);

-- Days that break the weekday rule: statutory holidays and 调休 make-up working days.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY NOT NULL,            -- YYYY-MM-DD
    year INTEGER NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);
