-- Overlapping saves of one draft (an autosave, an upload's save, a submit) must not lose each
-- other's answers (issue 11). Each save merges its keys into the row it read and writes only if
-- the row is still at the revision it read; otherwise it merges again onto the newer row.
ALTER TABLE applications ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
