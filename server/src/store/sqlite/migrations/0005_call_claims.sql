-- Groundgame server schema, version 5: phone banking. Append-only: never edit once
-- released; add a new numbered file instead.
--
-- Who calls which list (with history, like turf assignments), which device holds which
-- contact for now (a lease that runs out, so an offline phone never blocks a list), and
-- each list entry's place in the calling rounds, kept up to date by the push that accepts a
-- phone result.

-- Who calls which list: a row is active while `unassigned_at` is NULL. A list that was ever
-- assigned to a volunteer still accepts their phone results (flagged stale).
CREATE TABLE call_list_assignments (
    call_list_id INTEGER NOT NULL REFERENCES call_lists (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    assigned_at INTEGER NOT NULL,
    unassigned_at INTEGER
);
CREATE INDEX call_list_assignments_volunteer ON call_list_assignments (volunteer_id, call_list_id);
CREATE INDEX call_list_assignments_list ON call_list_assignments (call_list_id);

-- A contact handed to a device until `expires_at` (ms since the epoch). One holder per
-- person campaign-wide; `phone` is kept so a number shared across lists is held once too.
CREATE TABLE call_claims (
    person_id BLOB PRIMARY KEY,
    call_list_id INTEGER NOT NULL,
    phone TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX call_claims_phone ON call_claims (phone);
CREATE INDEX call_claims_device ON call_claims (device_id);
CREATE INDEX call_claims_list ON call_claims (call_list_id);

-- Each entry's place in the rounds: `round` 0 = a call-back that is due at `due_at`,
-- 1 = never called, 2 = try again in a later round (from `due_at`); NULL = retired (talked,
-- refused, wrong number, do not call...). `last_call_at` is the latest phone result's time,
-- so a result pushed late never undoes a newer one.
ALTER TABLE call_list_members ADD COLUMN round INTEGER DEFAULT 1;
ALTER TABLE call_list_members ADD COLUMN due_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE call_list_members ADD COLUMN last_call_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX call_list_members_next ON call_list_members (call_list_id, round, position);
CREATE INDEX call_list_members_phone ON call_list_members (phone);
