-- 0009: a door save writes two b-trees, as a one-row insert with a primary key does
-- (issue 15, "a door save at the disk's pace"). An event recorded here now lives only in
-- the outbox until the server acknowledges it; the acknowledgement moves it into `events`
-- in the push's own transaction (off the volunteer's path, and batched). Readers see the
-- union: `events`, then the outbox rows still shown whose id `events` lacks (a pulled copy
-- of a pending event, the server's, wins).
--
-- `shown` is what `events` holding the row meant before: cleared when the event leaves
-- this phone's view (its household or person left the scope, a lead dismissed it, the
-- server refused it) while the row still waits to be pushed, so the knock is not lost and
-- not shown. `at` is the event's timestamp (rows from before 0007 are numbered apart
-- from it); `household` and `person` let a scope change find its rows.
CREATE TABLE outbox_v9 (
    seq        INTEGER PRIMARY KEY,
    event_id   BLOB NOT NULL,
    household  INTEGER NOT NULL,
    person     BLOB,
    at         INTEGER NOT NULL,
    shown      INTEGER NOT NULL CHECK (shown IN (0, 1)),
    json       TEXT NOT NULL
);
-- A waiting row whose event `events` still holds takes its columns from there; one whose
-- household already left (its event deleted, the row kept) reads them from its JSON.
INSERT INTO outbox_v9 (seq, event_id, household, person, at, shown, json)
    SELECT o.seq, o.event_id,
           coalesce(e.household, json_extract(o.json, '$.household')),
           CASE WHEN e.id IS NOT NULL THEN e.person
                ELSE unhex(replace(json_extract(o.json, '$.person'), '-', '')) END,
           coalesce(e.at, json_extract(o.json, '$.at')),
           e.id IS NOT NULL,
           o.json
    FROM outbox o LEFT JOIN events e ON e.id = o.event_id;
DROP TABLE outbox;
ALTER TABLE outbox_v9 RENAME TO outbox;
-- A door's pending events, for the door's screen: entries of a few bytes, so a save
-- seldom splits a page of it.
CREATE INDEX outbox_by_household ON outbox (household);
