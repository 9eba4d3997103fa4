-- 0002: unsaved door forms, so a form survives the app being closed or killed. Local
-- only: a draft never enters the outbox, and it holds voter data, so it goes with the
-- household (turf removal) and with every wipe. Append-only: never edit a released
-- migration; add the next numbered file instead.

-- One draft per household: the UI's form as JSON (the store does not read it).
CREATE TABLE drafts (
    household   INTEGER PRIMARY KEY,
    form        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
