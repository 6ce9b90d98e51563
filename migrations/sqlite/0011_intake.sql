-- 一窗受理 (issue 12): where a case is handled and how it came in, when it was accepted and by
-- whom (the clock starts then), and who acted on each timeline event.
--   channel   online (the portal or the mini-program) or window (registered at a hall's window);
--   hall_id   the hall that handles it: the guide's place of handling online, the accepting hall
--             at the window (就近办); with zone, the clerks who see it;
--   accepted_at / accepted_by   the acceptance (受理), its instant and the clerk's staff id.
-- Cases submitted before this migration take the hall and zone of the guide version they were
-- filed under, as submission does from now on.
ALTER TABLE applications ADD COLUMN channel TEXT NOT NULL DEFAULT 'online'
    CHECK (channel IN ('online', 'window'));
ALTER TABLE applications ADD COLUMN hall_id TEXT;
ALTER TABLE applications ADD COLUMN zone TEXT;
ALTER TABLE applications ADD COLUMN accepted_at TEXT;
ALTER TABLE applications ADD COLUMN accepted_by TEXT;
ALTER TABLE case_events ADD COLUMN actor TEXT;

UPDATE applications SET
    zone = (SELECT json_extract(v.document, '$.zone') FROM item_versions v
            WHERE v.item_code = applications.item_code AND v.version = applications.item_version),
    hall_id = (SELECT json_extract(v.document, '$.hall') FROM item_versions v
               WHERE v.item_code = applications.item_code AND v.version = applications.item_version)
WHERE case_no IS NOT NULL;

CREATE INDEX applications_queue ON applications (hall_id, zone, state, submitted_at);
