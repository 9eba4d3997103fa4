-- Groundgame server schema, version 12: each campaign's time zone.
-- Append-only: never edit once released; add a new numbered file instead.
--
-- An IANA name (`America/New_York`), set when the campaign is made: the lead's figures by
-- hour and day, the export's dates and which follow-ups are due are in it, right across a
-- daylight-saving change. Campaigns made before this version are in UTC until a lead sets
-- theirs (`groundgame-server campaign --name NAME --time-zone ZONE`).

ALTER TABLE campaigns ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
