-- Groundgame server schema, version 3: which import last saw each voter. Append-only:
-- never edit once released; add a new numbered file instead.
--
-- `people.import_id` is the import that last created or changed a person; `seen_import` is
-- the last import whose file contained them, changed or not. A full-file import marks
-- removed the people an earlier import of the same format saw and it did not, and a second
-- row with an id the running import has already seen is a duplicate. Keeping this in the
-- table (not in memory) is what lets a statewide file import in flat memory.

ALTER TABLE people ADD COLUMN seen_import INTEGER;
