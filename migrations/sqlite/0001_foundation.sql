-- 0001 foundation (SQLite). Keep the numbering and meaning identical to migrations/postgres.

-- Named counters (case-number sequences per item and day, queue tickets per zone and day).
-- Incremented by one upsert statement; see service/src/counters.rs.
CREATE TABLE counters (
    scope TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL CHECK (value > 0)
);
