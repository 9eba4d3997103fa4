-- Groundgame server schema, version 16: the campaign's map, read from an OpenStreetMap
-- extract. Append-only: never edit once released; add a new numbered file instead.
--
-- Named streets (one row per OSM way; `points` is JSON [[lat, lon], ...]) and mapped
-- addresses (nodes and buildings with a house number and street). `street_key` is the
-- street's name normalised the way voter-file addresses are, so "North Elm Street" finds
-- the households of "N ELM ST". Loading an extract replaces the campaign's whole map.
-- A street's box (min/max lat/lon of its points) finds the streets around a turf for the
-- map its page carries; the highest street id of a campaign names the map as loaded.
CREATE TABLE map_streets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name TEXT NOT NULL,
    street_key TEXT NOT NULL,
    class TEXT NOT NULL,
    points TEXT NOT NULL,
    min_lat REAL NOT NULL,
    min_lon REAL NOT NULL,
    max_lat REAL NOT NULL,
    max_lon REAL NOT NULL
);
CREATE INDEX map_streets_key ON map_streets (campaign_id, street_key);
CREATE INDEX map_streets_box ON map_streets (campaign_id, min_lat, max_lat);
-- The map as loaded (its highest street id), found in one step on every pull.
CREATE INDEX map_streets_newest ON map_streets (campaign_id, id);
CREATE TABLE map_address_points (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    street_key TEXT NOT NULL,
    number TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL
);
CREATE INDEX map_address_points_key ON map_address_points (campaign_id, street_key);
