-- Groundgame server schema, version 4: quarantined volunteers, and the index the lead's
-- progress figures read by. Append-only: never edit once released; add a new numbered
-- file instead.
--
-- A lead may quarantine a volunteer whose records look implausible: their events are kept
-- and still synced to devices (nothing is ever lost), but left out of progress figures and
-- of the results export until released. A row is one quarantine; it is in force while
-- `released_at` is NULL, and kept afterwards as the history of who decided what, when.

CREATE TABLE quarantines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    started_at INTEGER NOT NULL,
    -- The lead's device that quarantined and released.
    started_by INTEGER NOT NULL REFERENCES devices (id),
    released_at INTEGER,
    released_by INTEGER REFERENCES devices (id)
);
-- At most one quarantine in force per volunteer.
CREATE UNIQUE INDEX quarantines_active ON quarantines (volunteer_id) WHERE released_at IS NULL;
CREATE INDEX quarantines_campaign ON quarantines (campaign_id, volunteer_id);

-- Progress reads a campaign's events in sequence order, from a cursor.
CREATE INDEX events_campaign_seq ON events (campaign_id, seq);
