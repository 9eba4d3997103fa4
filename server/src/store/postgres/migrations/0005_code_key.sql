-- Groundgame PostgreSQL schema, version 5: which key invite and device-link codes are
-- hashed under. Append-only: never edit once released; add a new numbered file instead.
--
-- One row. `fingerprint` names the key (an HMAC of a fixed label, never the key): every
-- replica started with `--code-key-file` checks its key against it and refuses to serve
-- with another. `secret` is the key itself only when no replica was ever given a key file
-- (a database made by tests or a trial run); with a key file it stays NULL, so a dump of
-- the database alone cannot be used to test guessed codes.

CREATE TABLE code_key (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    secret BYTEA CHECK (secret IS NULL OR length(secret) = 32)
);
