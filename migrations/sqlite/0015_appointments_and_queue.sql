-- 0015 预约 and 取号叫号 (issue 14). Same numbering and meaning on both engines.
-- booking_slots: one row per slot once it is first booked or closed; the capacity is the one the
--   hall's hours gave when the row was written. `booked` only moves through one conditional
--   statement (`booked < capacity`), and the CHECK makes overbooking impossible even for a bug.
-- booking_holders: one row per person who ever booked; a booking, a cancellation and a check-in
--   touch it first, so one person's concurrent requests queue up behind its row lock and the
--   per-person limits (one per item per day, at most N active) hold on both engines.
-- appointments: the bookings; booking codes are unique; a booking refers to its slot.
-- hall_closures: 停止服务 periods an admin declared (a power cut), with the reason people read.
-- queue_tickets: tickets of a hall's day, numbered per zone and kind (SB012, SA031), unique per
--   hall and day; a booked ticket remembers its booking and slot.
-- devices: kiosks and hall displays an admin provisioned; only a digest of the token is kept.
-- hall_secrets: the key of each hall's rotating entrance check-in code.
CREATE TABLE booking_slots (
    id TEXT PRIMARY KEY NOT NULL,               -- domain::appointment::SlotId, e.g. city.social.2026-12-07.0900
    hall_id TEXT NOT NULL REFERENCES halls (id),
    zone TEXT NOT NULL,
    day TEXT NOT NULL,                          -- YYYY-MM-DD
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    booked INTEGER NOT NULL DEFAULT 0,
    closure_id TEXT,
    CHECK (booked >= 0 AND booked <= capacity)
);
CREATE INDEX booking_slots_by_day ON booking_slots (hall_id, zone, day);

CREATE TABLE booking_holders (
    citizen_id TEXT PRIMARY KEY NOT NULL REFERENCES citizens (id),
    touched_at TEXT NOT NULL
);

CREATE TABLE hall_closures (
    id TEXT PRIMARY KEY NOT NULL,
    hall_id TEXT NOT NULL REFERENCES halls (id),
    zone TEXT,                                  -- NULL: every zone
    day TEXT NOT NULL,
    period TEXT NOT NULL,                       -- HH:MM-HH:MM
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    booking_code TEXT NOT NULL UNIQUE,
    citizen_id TEXT NOT NULL REFERENCES citizens (id),
    business_id TEXT,                           -- the business a 经办人 booked for, if any
    slot_id TEXT NOT NULL REFERENCES booking_slots (id),
    hall_id TEXT NOT NULL,
    zone TEXT NOT NULL,
    day TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    item_code TEXT,
    limit_key TEXT NOT NULL,                    -- the item, or zone:<zone> without one
    state TEXT NOT NULL CHECK (state IN ('booked', 'checked_in', 'cancelled', 'closed_by_hall', 'no_show')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closure_id TEXT REFERENCES hall_closures (id),
    reminded_at TEXT
);
CREATE INDEX appointments_by_holder ON appointments (citizen_id, state, day);
CREATE INDEX appointments_by_slot ON appointments (slot_id, state);
CREATE INDEX appointments_by_start ON appointments (state, starts_at);

CREATE TABLE queue_tickets (
    id TEXT PRIMARY KEY NOT NULL,
    hall_id TEXT NOT NULL REFERENCES halls (id),
    day TEXT NOT NULL,
    zone TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('booked', 'walk_in')),
    number TEXT NOT NULL,
    appointment_id TEXT UNIQUE REFERENCES appointments (id),
    slot_starts_at TEXT,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'served', 'no_show')),
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,                    -- device:<id> or citizen:<id>
    window_no INTEGER,
    first_called_at TEXT,
    called_at TEXT,
    call_count INTEGER NOT NULL DEFAULT 0,
    started_at TEXT,
    finished_at TEXT,
    clerk_id TEXT,
    application_id TEXT REFERENCES applications (id),
    UNIQUE (hall_id, day, number)
);
CREATE INDEX queue_tickets_waiting ON queue_tickets (hall_id, day, zone, state);

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    hall_id TEXT NOT NULL REFERENCES halls (id),
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'display')),
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE hall_secrets (
    hall_id TEXT PRIMARY KEY NOT NULL REFERENCES halls (id),
    secret TEXT NOT NULL
);
