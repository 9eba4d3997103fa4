-- 0005: my network (relational organizing): the volunteer's own contacts and asks, as a
-- private log of immutable records, apart from the campaign's events. Each record is
-- written with its network-outbox row in one transaction; pulled records (from this
-- volunteer's other devices) carry the server's timestamp. Wiped when a lead revokes the
-- device (the server keeps them, so nothing is lost). Append-only: never edit a released
-- migration; add the next numbered file instead.

-- Every network record held: recorded here or pulled.
CREATE TABLE network_records (
    id       BLOB PRIMARY KEY,
    contact  BLOB NOT NULL,
    at       INTEGER NOT NULL,
    json     TEXT NOT NULL
);
CREATE INDEX network_records_contact ON network_records (contact);

-- Records recorded here and not yet acknowledged by the server, oldest first.
CREATE TABLE network_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id  BLOB NOT NULL UNIQUE,
    json       TEXT NOT NULL
);

-- Records the server refused, with its reason. Never retried.
CREATE TABLE network_rejected (
    record_id    BLOB PRIMARY KEY,
    json         TEXT NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    rejected_at  INTEGER NOT NULL
);

-- Where this device stands in its volunteer's network feed on the server.
CREATE TABLE network_cursor (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    cursor  INTEGER NOT NULL
);
INSERT INTO network_cursor (id, cursor) VALUES (1, 0);
