-- Groundgame server schema, version 6: what the lead's screens list. Append-only: never
-- edit once released; add a new numbered file instead.
--
-- Invites get a public number (`id`, never derived from the code) and the number of uses
-- they were made with (`max_uses`), so a lead can list them without the code, which is
-- stored only as a hash. Invites made before this version count their remaining uses as
-- their maximum (the original number was not kept). `invite_joins` says who registered with
-- which invite from now on.

ALTER TABLE invites ADD COLUMN id INTEGER;
ALTER TABLE invites ADD COLUMN max_uses INTEGER;
UPDATE invites SET max_uses = uses_left;
UPDATE invites SET id = (
    SELECT n FROM (
        SELECT code_hash AS h, ROW_NUMBER() OVER (ORDER BY created_at, code_hash) AS n
        FROM invites
    ) WHERE h = invites.code_hash
);
CREATE UNIQUE INDEX invites_id ON invites (id);
CREATE INDEX invites_campaign ON invites (campaign_id, id);

CREATE TABLE invite_joins (
    invite_id INTEGER NOT NULL,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    device_id INTEGER NOT NULL REFERENCES devices (id),
    joined_at INTEGER NOT NULL
);
CREATE INDEX invite_joins_invite ON invite_joins (invite_id);
