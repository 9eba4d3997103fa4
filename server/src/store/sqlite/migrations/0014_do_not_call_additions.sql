-- Groundgame server schema, version 14: who put each number on the do-not-call list.
-- Append-only: never edit once released; add a new numbered file instead.
--
-- A number a volunteer's record put on the campaign's do-not-call list, with the record,
-- the volunteer, the device and the time, so a lead sees every addition and can undo one.
-- `retired` holds the call-list entries the addition took out of the rounds (other voters
-- sharing the number), as JSON `[[list, position, round, due_at], ...]`: an undo gives
-- them back. Numbers a lead loads from a file are not listed here.
CREATE TABLE do_not_call_additions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    phone TEXT NOT NULL,
    person_id BLOB,
    event_id BLOB,
    volunteer_id INTEGER,
    device_id INTEGER,
    created_at INTEGER NOT NULL,
    retired TEXT NOT NULL DEFAULT '[]',
    undone_by INTEGER,
    undone_at INTEGER
);
CREATE INDEX do_not_call_additions_campaign ON do_not_call_additions (campaign_id, created_at);
