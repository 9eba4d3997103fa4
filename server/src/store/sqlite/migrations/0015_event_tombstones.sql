-- Groundgame server schema, version 15: a record a lead dismissed leaves a tombstone in its
-- door's turf. Append-only: never edit once released; add a new numbered file instead.
--
-- A held record was answered `accepted` (its phone delivered it), so the phone that made it
-- holds it as one of the door's events. Once a lead dismisses it, it is in no feed or
-- figure; this tombstone tells that phone, through the turf's cursor like every removal,
-- to drop it, so its door shows what the campaign's does.
ALTER TABLE tombstones ADD COLUMN event_id BLOB;
