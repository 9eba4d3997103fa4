-- Groundgame server schema, version 1. Append-only: never edit once released; add a new
-- numbered file instead.
--
-- Every row a device pulls (households, people, events, tombstones) carries the turf it
-- belongs to and `seq`, its position in one gapless, server-wide sequence kept in
-- `sync_state`. A device's cursor for a turf is the last `seq` it holds there.

CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL,
    -- The server's hybrid logical clock, so it never runs backwards across restarts.
    last_hlc INTEGER NOT NULL
);
INSERT INTO sync_state (id, last_seq, last_hlc) VALUES (1, 0, 0);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    -- core::CampaignConfig as JSON: result codes and survey questions are data.
    config TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE invites (
    -- sha256 of the normalised code: the code itself is never stored.
    code_hash BLOB PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    role TEXT NOT NULL,
    uses_left INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX volunteers_campaign ON volunteers (campaign_id);

CREATE TABLE devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    name TEXT NOT NULL,
    -- sha256 of the bearer token: the token itself is never stored.
    token_hash BLOB NOT NULL UNIQUE,
    app_version TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    -- Events waiting on the device at its last push.
    pending INTEGER NOT NULL DEFAULT 0,
    revoked_at INTEGER
);
CREATE INDEX devices_volunteer ON devices (volunteer_id);

CREATE TABLE turfs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX turfs_campaign ON turfs (campaign_id);

-- Who walks which turf, with history: a row is active while `unassigned_at` is NULL.
-- A turf that was ever assigned to a volunteer still accepts their events (flagged stale).
CREATE TABLE assignments (
    turf_id INTEGER NOT NULL REFERENCES turfs (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    assigned_at INTEGER NOT NULL,
    unassigned_at INTEGER
);
CREATE INDEX assignments_volunteer ON assignments (volunteer_id, turf_id);
CREATE INDEX assignments_turf ON assignments (turf_id);

CREATE TABLE households (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    turf_id INTEGER NOT NULL REFERENCES turfs (id),
    seq INTEGER NOT NULL,
    street TEXT NOT NULL,
    number TEXT NOT NULL,
    unit TEXT NOT NULL,
    city TEXT NOT NULL,
    zip TEXT NOT NULL,
    lat REAL,
    lon REAL,
    walk_order INTEGER NOT NULL
);
CREATE INDEX households_turf_seq ON households (turf_id, seq);

-- People from the voter file, and people added at the door (empty source_id).
CREATE TABLE people (
    id BLOB PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    turf_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    source_id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_year INTEGER,
    party TEXT,
    phone TEXT,
    language TEXT
) WITHOUT ROWID;
CREATE INDEX people_turf_seq ON people (turf_id, seq);
CREATE INDEX people_household ON people (household_id);

-- Field events. `seq` is the rowid: events are immutable and appended in sequence order.
-- `at` is the server's view of the time (clamped when the device clock ran ahead);
-- `device_at` is what the device sent, used to recognise a replay.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL,
    -- NULL once the household left its turf (the event is kept, but no longer pulled).
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
    -- Recorded by a volunteer whose assignment to the turf had ended: for the lead to review.
    stale_assignment INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX events_turf_seq ON events (turf_id, seq);

-- Households and people that left a turf: devices delete them when they pull.
CREATE TABLE tombstones (
    seq INTEGER PRIMARY KEY,
    turf_id INTEGER NOT NULL,
    household_id INTEGER,
    person_id BLOB
);
CREATE INDEX tombstones_turf_seq ON tombstones (turf_id, seq);
