-- Groundgame server schema, version 7: my network (relational organizing). Append-only:
-- never edit once released; add a new numbered file instead.
--
-- Each volunteer's private log of network records (their own contacts, asks, answers and
-- gifts). Kept apart from `events` on purpose: nothing here is ever part of a turf's feed,
-- so no other device can pull it. `seq` is the pull cursor; a device pulls only the rows of
-- its own volunteer. Leads read only aggregates computed from `body`.
CREATE TABLE network_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    device_id INTEGER NOT NULL REFERENCES devices (id),
    contact_id BLOB NOT NULL,
    -- The server's timestamp (the device's, unless it was clamped), and the device's.
    at INTEGER NOT NULL,
    device_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    -- `NetworkBody` as compact JSON.
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX network_records_volunteer ON network_records (volunteer_id, seq);
CREATE INDEX network_records_campaign ON network_records (campaign_id, volunteer_id);
