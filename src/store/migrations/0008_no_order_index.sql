-- 0008: a door save writes three pages, not four (issue 15, "a door save at the disk's
-- pace"). The index of every event by (at, id) was a page more on every save, to be
-- encrypted, signed and fsynced, for one reader: `Store::all_events`, which the paper walk
-- list and the simulations call and which reads every row anyway. It now sorts what it
-- read in memory. A household's events still come in order from `events_by_household`.
DROP INDEX events_by_order;
