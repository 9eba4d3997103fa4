-- Groundgame server schema, version 8: the turf feed indexes hold placed rows only.
-- Append-only: never edit once released; add a new numbered file instead.
--
-- `households_turf_seq` and `people_turf_seq` serve the pull feed (`turf_id = ?1 AND seq
-- > ?2`), which never asks for rows in no turf. A voter-file import creates every new
-- household and person unplaced (`turf_id` NULL), so the full indexes took one entry per
-- imported row that no query could use: two of the eight index writes per voter. As
-- partial indexes they skip them (SQLite uses a `WHERE turf_id IS NOT NULL` index for any
-- query with `turf_id = ...`, which implies it).

DROP INDEX households_turf_seq;
CREATE INDEX households_turf_seq ON households (turf_id, seq) WHERE turf_id IS NOT NULL;
DROP INDEX people_turf_seq;
CREATE INDEX people_turf_seq ON people (turf_id, seq) WHERE turf_id IS NOT NULL;
