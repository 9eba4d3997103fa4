-- 0003: phone banking on the device: the call lists this volunteer calls and the contacts
-- the device holds from them (claimed from the server under a lease). Contacts are voter
-- data: they go with their list and with every wipe. Append-only: never edit a released
-- migration; add the next numbered file instead.

-- The lists this volunteer calls, as the server last listed them. `active`: the caller
-- opened the list on this device, so the sync keeps a few contacts claimed for it.
-- `exhausted`: the last claim got fewer contacts than asked (nobody else to call now).
CREATE TABLE call_lists (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    script       TEXT,
    total        INTEGER NOT NULL,
    left_count   INTEGER NOT NULL,
    call_backs   INTEGER NOT NULL,
    active       INTEGER NOT NULL DEFAULT 0,
    exhausted    INTEGER NOT NULL DEFAULT 0,
    refreshed_at INTEGER NOT NULL
);

-- Contacts held on this device. `state`: 'open' (to call), 'skipped' (to give back at
-- the next sync), 'done' (reached: never shown again unless the server hands it out in a
-- later round once the result has synced), 'call_back' (shown again at `due_at`).
-- `result_event`: the contact event recorded here (still in the outbox until pushed).
CREATE TABLE call_contacts (
    list          INTEGER NOT NULL REFERENCES call_lists (id) ON DELETE CASCADE,
    person        BLOB NOT NULL,
    household     INTEGER NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    language      TEXT,
    phone         TEXT NOT NULL,
    street        TEXT NOT NULL,
    number        TEXT NOT NULL,
    unit          TEXT NOT NULL,
    city          TEXT NOT NULL,
    zip           TEXT NOT NULL,
    position      INTEGER NOT NULL,
    retry         INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    state         TEXT NOT NULL DEFAULT 'open'
                  CHECK (state IN ('open', 'skipped', 'done', 'call_back')),
    due_at        INTEGER,
    result_event  BLOB,
    -- The call screen's unsaved form for this contact (JSON the store does not read), so
    -- a call survives the app being closed; cleared when the call is recorded or skipped.
    draft         TEXT,
    PRIMARY KEY (list, person)
) WITHOUT ROWID;
CREATE INDEX call_contacts_next ON call_contacts (list, state, position);
-- Call-backs by when they are due (the call screen looks for a due one first).
CREATE INDEX call_contacts_due ON call_contacts (list, state, due_at) WHERE state = 'call_back';
CREATE INDEX call_contacts_phone ON call_contacts (phone);
