-- 0007: a door save writes fewer pages (issue 15, "a door save at the disk's pace"). A save
-- commits an event, its outbox row and the clock; every b-tree it touches is a page more
-- for the WAL to write and fsync (and, encrypted, to encrypt and sign).
--
-- Events are kept in their id's order (WITHOUT ROWID): the id was already the primary key,
-- held in a second b-tree beside the rowid table; now the table is that b-tree.
CREATE TABLE events_by_id (
    id         BLOB PRIMARY KEY NOT NULL,
    household  INTEGER NOT NULL,
    person     BLOB,
    at         INTEGER NOT NULL,
    json       TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO events_by_id (id, household, person, at, json)
    SELECT id, household, person, at, json FROM events;
DROP TABLE events;
ALTER TABLE events_by_id RENAME TO events;
CREATE INDEX events_by_household ON events (household, at, id);
CREATE INDEX events_by_order ON events (at, id);
CREATE INDEX events_by_person ON events (person) WHERE person IS NOT NULL;

-- An outbox row's number is now its event's hybrid logical timestamp, which is strictly
-- increasing on this device and kept on disk in the same transaction as every event (and
-- never reset, not even by a wipe): numbers still only ever grow, as the push's
-- acknowledgement (`DELETE ... WHERE seq BETWEEN first AND last`) needs, without
-- AUTOINCREMENT's sqlite_sequence page. Rows already waiting keep their small numbers,
-- below every timestamp. The event id's unique index goes too: the events table's primary
-- key already makes ids unique, and the outbox is read by number.
CREATE TABLE outbox_by_hlc (
    seq       INTEGER PRIMARY KEY,
    event_id  BLOB NOT NULL,
    json      TEXT NOT NULL
);
INSERT INTO outbox_by_hlc (seq, event_id, json) SELECT seq, event_id, json FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_by_hlc RENAME TO outbox;
DELETE FROM sqlite_sequence WHERE name = 'outbox';
