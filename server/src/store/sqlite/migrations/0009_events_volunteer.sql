-- Groundgame server schema, version 9: a volunteer's events by sequence.
-- Append-only: never edit once released; add a new numbered file instead.
--
-- Quarantining or releasing a volunteer takes their events out of (or back into) the lead's
-- progress figures. With this index that reads only their events
-- (`volunteer_id = ? AND seq <= ?`) instead of the whole campaign's.

CREATE INDEX events_volunteer_seq ON events (volunteer_id, seq);
