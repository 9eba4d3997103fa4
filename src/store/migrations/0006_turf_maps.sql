-- Device schema, version 6: each turf's map (its streets, as the server's page sent them),
-- drawn on the canvasser's map screen with no network. Leaves with its turf.
CREATE TABLE turf_maps (
    turf INTEGER PRIMARY KEY,
    -- The server's tag for this map; sent back with each pull so it comes again only
    -- when it changed.
    tag INTEGER NOT NULL,
    -- The map as JSON (street names once, lines as encoded polylines).
    map TEXT NOT NULL
);
