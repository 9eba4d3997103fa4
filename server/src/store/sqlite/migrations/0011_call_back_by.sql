-- Groundgame server schema, version 11: who promised a call-back.
-- Append-only: never edit once released; add a new numbered file instead.
--
-- "Call me back at six" was said to one caller: when the call-back falls due it waits a
-- while for that volunteer (`claims::CALL_BACK_HOLD_MS`), then goes to anyone calling the
-- list. NULL for every other round, and for call-backs recorded before this version.

ALTER TABLE call_list_members ADD COLUMN call_back_by INTEGER;
