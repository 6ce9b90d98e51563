-- 0014 department approval (issue 13). Same numbering and meaning on both engines.
--   applications.department_code   the department whose approvers review the case: the item's
--                                  department, for a package case the lead department (一家牵头);
--                                  set at acceptance;
--   applications.reminded_at       the latest 催办 by a supervisor; the responsible staff see it
--                                  until the case moves on (updated_at passes it);
--   applications.reminder_text     what that 催办 asked, for staff only (the applicant's timeline
--                                  says only that the case was urged on).
-- case_suspensions: 特别程序 that stop the clock, one running at a time per case (the partial
-- unique index), from the day it starts to the day before it ends (the start day is not counted).
-- inspections: 一车勘验, one joint site inspection for every case it covers (inspection_cases),
-- with the 双随机 draw: the seed, the pool of each department and the inspectors drawn, so the draw
-- can be re-run and shown to be fair.
-- case_supplements: a 容缺 material handed in after acceptance (online with a document, or at the
-- window on paper) and the clerk's confirmation; the commitment is kept once confirmed.
ALTER TABLE applications ADD COLUMN department_code TEXT;
ALTER TABLE applications ADD COLUMN reminded_at TEXT;
ALTER TABLE applications ADD COLUMN reminder_text TEXT;

CREATE TABLE inspections (
    id TEXT PRIMARY KEY NOT NULL,
    scheduled_on TEXT NOT NULL,                 -- YYYY-MM-DD
    expected_end TEXT NOT NULL,                 -- YYYY-MM-DD
    place TEXT NOT NULL,
    seed TEXT NOT NULL,                         -- the draw's seed, 16 hex digits
    draw TEXT NOT NULL,                         -- domain::review::Draw as JSON (pools and drawn)
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    result TEXT,
    recorded_by TEXT,
    recorded_at TEXT
);

CREATE TABLE inspection_cases (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    application_id TEXT NOT NULL REFERENCES applications (id),
    PRIMARY KEY (inspection_id, application_id)
);

CREATE TABLE case_suspensions (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL CHECK (kind IN ('inspection', 'expert_review', 'hearing', 'supplement')),
    reason TEXT NOT NULL,
    started_on TEXT NOT NULL,                   -- YYYY-MM-DD, not counted
    expected_end TEXT NOT NULL,                 -- YYYY-MM-DD
    ended_on TEXT,                              -- YYYY-MM-DD, counted again; NULL while running
    inspection_id TEXT REFERENCES inspections (id),
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL
);
CREATE UNIQUE INDEX case_suspensions_running ON case_suspensions (application_id)
    WHERE ended_on IS NULL;
CREATE INDEX case_suspensions_case ON case_suspensions (application_id, started_on);

CREATE TABLE case_supplements (
    application_id TEXT NOT NULL REFERENCES applications (id),
    material_code TEXT NOT NULL,
    document_id TEXT,                           -- NULL: the paper original, at the window
    handed_in_at TEXT NOT NULL,
    confirmed_at TEXT,
    confirmed_by TEXT,
    PRIMARY KEY (application_id, material_code)
);

CREATE INDEX applications_department ON applications (department_code, state);

-- Cases accepted before this migration go to the department acceptance now routes them to.
UPDATE applications SET department_code = COALESCE(
    (SELECT p.lead_department FROM packages p WHERE p.id = applications.package_id),
    (SELECT i.department_code FROM items i WHERE i.code = applications.item_code))
WHERE accepted_at IS NOT NULL;

-- The child cases of a 一件事 accepted before this migration waited in 'submitted': they are
-- accepted with their package, as acceptance now does, each at its item's department.
UPDATE applications SET
    state = 'accepted',
    accepted_at = (SELECT p.accepted_at FROM applications p WHERE p.id = applications.parent_id),
    accepted_by = (SELECT p.accepted_by FROM applications p WHERE p.id = applications.parent_id),
    hall_id = (SELECT p.hall_id FROM applications p WHERE p.id = applications.parent_id),
    zone = (SELECT p.zone FROM applications p WHERE p.id = applications.parent_id),
    department_code = (SELECT i.department_code FROM items i WHERE i.code = applications.item_code)
WHERE state = 'submitted' AND parent_id IN
    (SELECT p.id FROM applications p WHERE p.accepted_at IS NOT NULL AND p.package_id IS NOT NULL);
