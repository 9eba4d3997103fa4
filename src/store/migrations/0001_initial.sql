-- 0001: the device's first schema. Append-only: never edit a released migration; add the
-- next numbered file instead.

-- Who this device is. One row once joined; the token goes when the device is signed out
-- or revoked.
CREATE TABLE identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    device      INTEGER NOT NULL,
    volunteer   INTEGER NOT NULL,
    campaign    INTEGER NOT NULL,
    role        TEXT NOT NULL,
    server_url  TEXT NOT NULL,
    token       TEXT,
    state       TEXT NOT NULL DEFAULT 'active'
                CHECK (state IN ('active', 'signed_out', 'revoked'))
);

-- The last hybrid logical timestamp this device issued or observed.
CREATE TABLE hlc (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    last  INTEGER NOT NULL
);
INSERT INTO hlc (id, last) VALUES (1, 0);

-- The campaign's result codes and survey questions, as the server last sent them (JSON).
CREATE TABLE campaign (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    config  TEXT NOT NULL
);

-- Turfs in this device's scope, each with its pull cursor.
CREATE TABLE turfs (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    cursor           INTEGER NOT NULL,
    household_total  INTEGER NOT NULL
);

-- Doors, under the turf whose scope they arrived through.
CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    turf        INTEGER NOT NULL REFERENCES turfs (id),
    street      TEXT NOT NULL,
    number      TEXT NOT NULL,
    unit        TEXT NOT NULL,
    city        TEXT NOT NULL,
    zip         TEXT NOT NULL,
    lat         REAL,
    lon         REAL,
    walk_order  INTEGER NOT NULL
);
CREATE INDEX households_by_turf ON households (turf, walk_order);

CREATE TABLE people (
    id          BLOB PRIMARY KEY,
    household   INTEGER NOT NULL,
    source_id   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    birth_year  INTEGER,
    party       TEXT,
    phone       TEXT,
    language    TEXT
);
CREATE INDEX people_by_household ON people (household);

-- Every event held: pulled from the server or recorded here (the exact JSON pushed).
CREATE TABLE events (
    id         BLOB PRIMARY KEY,
    household  INTEGER NOT NULL,
    person     BLOB,
    at         INTEGER NOT NULL,
    json       TEXT NOT NULL
);
CREATE INDEX events_by_household ON events (household, at, id);
CREATE INDEX events_by_order ON events (at, id);
CREATE INDEX events_by_person ON events (person) WHERE person IS NOT NULL;

-- Events recorded here and not yet acknowledged by the server, oldest first. The JSON is
-- kept here too, so pending events survive their turf leaving the device's scope.
CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id  BLOB NOT NULL UNIQUE,
    json      TEXT NOT NULL
);

-- Dead letters: events the server refused, with its reason. Never retried.
CREATE TABLE rejected (
    event_id     BLOB PRIMARY KEY,
    json         TEXT NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    rejected_at  INTEGER NOT NULL
);
