-- 0004: the field lead's figures as last fetched, so they stay readable offline. One row:
-- the whole snapshot (JSON, the server's lead views) and when it was fetched. It holds
-- volunteers' names and counts, no voter data, and is wiped with the rest on revocation.
-- Append-only: never edit a released migration; add the next numbered file instead.

CREATE TABLE lead_cache (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    snapshot    TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL
);
