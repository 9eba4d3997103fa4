-- Records held for a lead: pushed by a volunteer after their turf or call list was taken
-- from them (within the server's grace window) that would change what the campaign shares
-- — a person added, a phone result moving the calling rounds, a do-not-contact. They are in
-- no feed, figure, round or do-not-call list until a lead accepts one (then it is stored as
-- an event, flagged stale, with its effects) or dismisses it; the row stays, as the record
-- of who decided and when. `id` is the event's id, so a replay is still a duplicate.
CREATE TABLE held_events (
    id BLOB PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    turf_id INTEGER,
    household_id INTEGER NOT NULL,
    person_id BLOB,
    device_id INTEGER NOT NULL,
    volunteer_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    device_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    -- core::EventBody as compact JSON.
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    -- 'held' until a lead decides: then 'accepted' or 'dismissed'.
    status TEXT NOT NULL DEFAULT 'held',
    decided_by INTEGER,
    decided_at INTEGER
) WITHOUT ROWID;
CREATE INDEX held_events_campaign ON held_events (campaign_id, status, received_at);
CREATE INDEX held_events_person ON held_events (person_id) WHERE person_id IS NOT NULL;
