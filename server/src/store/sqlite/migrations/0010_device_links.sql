-- Groundgame server schema, version 10: codes that add another device to a volunteer.
-- Append-only: never edit once released; add a new numbered file instead.
--
-- A volunteer who calls from a laptop and knocks with a phone is one person: a device of
-- theirs makes a short code (valid 15 minutes, one use), and the other device joins with it
-- as the same volunteer, so assignments, call lists and their private network reach both.
-- As for invites, only the hash of the code is stored.

CREATE TABLE device_links (
    code_hash BLOB PRIMARY KEY,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    -- The device that made the code; a code is void once that device is revoked.
    created_by INTEGER NOT NULL REFERENCES devices (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_by INTEGER REFERENCES devices (id)
) WITHOUT ROWID;
CREATE INDEX device_links_volunteer ON device_links (volunteer_id);
