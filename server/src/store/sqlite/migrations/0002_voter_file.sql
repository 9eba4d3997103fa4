-- Groundgame server schema, version 2: the voter file. Append-only: never edit once
-- released; add a new numbered file instead.
--
-- Households and people now belong to a campaign first and to a turf second: an import
-- creates them with no turf (`turf_id` NULL, `seq` 0, never pulled by any device), and
-- cutting turfs places them. A household is identified inside its campaign by its
-- normalised address (`address_key`, unit-aware); a voter by the id of the source file
-- (`source_id`, e.g. North Carolina's `ncid`), so re-importing a newer file updates people
-- instead of duplicating them.
--
-- Rebuilding a table that others reference is done with foreign keys off (the migration
-- runner turns them off around every migration and runs `foreign_key_check` before commit).

CREATE TABLE households_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    -- NULL until turfs are cut: such a household is in no device's scope.
    turf_id INTEGER REFERENCES turfs (id),
    seq INTEGER NOT NULL,
    street TEXT NOT NULL,
    number TEXT NOT NULL,
    unit TEXT NOT NULL,
    city TEXT NOT NULL,
    zip TEXT NOT NULL,
    lat REAL,
    lon REAL,
    walk_order INTEGER NOT NULL,
    -- Normalised "number|street|unit|city|zip"; empty for households made before version 2.
    address_key TEXT NOT NULL DEFAULT '',
    precinct TEXT NOT NULL DEFAULT ''
);
INSERT INTO households_v2 (id, campaign_id, turf_id, seq, street, number, unit, city, zip,
                           lat, lon, walk_order)
    SELECT h.id, t.campaign_id, h.turf_id, h.seq, h.street, h.number, h.unit, h.city, h.zip,
           h.lat, h.lon, h.walk_order
    FROM households h JOIN turfs t ON t.id = h.turf_id;
DROP TABLE households;
ALTER TABLE households_v2 RENAME TO households;
CREATE INDEX households_turf_seq ON households (turf_id, seq);
CREATE UNIQUE INDEX households_address ON households (campaign_id, address_key)
    WHERE address_key <> '';
CREATE INDEX households_unplaced ON households (campaign_id) WHERE turf_id IS NULL;

CREATE TABLE people_v2 (
    id BLOB PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    -- The household's turf while the person is active there; NULL otherwise.
    turf_id INTEGER,
    seq INTEGER NOT NULL,
    source_id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_year INTEGER,
    party TEXT,
    -- E.164 (`+19195550123`) or NULL; never the raw text of the file.
    phone TEXT,
    language TEXT,
    -- 'active' or 'inactive' (both are voters and are walked), or 'removed' (no longer in
    -- the voter file: kept for the history of events, out of every turf and list).
    status TEXT NOT NULL DEFAULT 'active',
    -- The import that last created or changed this person; NULL for demo and door-added.
    import_id INTEGER
) WITHOUT ROWID;
INSERT INTO people_v2 (id, campaign_id, household_id, turf_id, seq, source_id, first_name,
                       last_name, birth_year, party, phone, language)
    SELECT p.id, h.campaign_id, p.household_id, p.turf_id, p.seq, p.source_id, p.first_name,
           p.last_name, p.birth_year, p.party, p.phone, p.language
    FROM people p JOIN households h ON h.id = p.household_id;
DROP TABLE people;
ALTER TABLE people_v2 RENAME TO people;
CREATE INDEX people_turf_seq ON people (turf_id, seq);
CREATE INDEX people_household ON people (household_id);
CREATE UNIQUE INDEX people_source ON people (campaign_id, source_id) WHERE source_id <> '';

-- One row per voter-file import: what was asked and what came of it.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    -- 'ncvoter', 'van' or 'mapped'.
    format TEXT NOT NULL,
    -- The file's name only (no directories), for the lead's history.
    file_name TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    -- The import's summary as JSON (counts by outcome); NULL while running or if it failed.
    summary TEXT
);

-- Scripts, versioned: storing a changed script under the same key makes a new version and
-- keeps the old ones, so a device keeps answering the version it had.
CREATE TABLE scripts (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- core's script model as JSON.
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, key, version)
) WITHOUT ROWID;

-- Phone-bank call lists: people with a valid phone, minus do-not-call, in calling order.
CREATE TABLE call_lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name TEXT NOT NULL,
    script_key TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX call_lists_campaign ON call_lists (campaign_id);

CREATE TABLE call_list_members (
    call_list_id INTEGER NOT NULL REFERENCES call_lists (id),
    position INTEGER NOT NULL,
    person_id BLOB NOT NULL,
    -- E.164, copied when the list was made (the number the caller dials).
    phone TEXT NOT NULL,
    PRIMARY KEY (call_list_id, position)
) WITHOUT ROWID;
CREATE INDEX call_list_members_person ON call_list_members (person_id);

-- Numbers nobody may call again, campaign-wide (E.164).
CREATE TABLE do_not_call (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    phone TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, phone)
) WITHOUT ROWID;
