-- Groundgame PostgreSQL schema, version 3: records held for a lead.
-- Append-only: never edit once released; add a new numbered file instead.
--
-- Pushed by a volunteer after their turf or call list was taken from them (within the
-- server's grace window) that would change what the campaign shares — a person added, a
-- phone result moving the calling rounds, a do-not-contact. They are in no feed, figure,
-- round or do-not-call list until a lead accepts one (then it is stored as an event,
-- flagged stale, with its effects) or dismisses it; the row stays, as the record of who
-- decided and when. `id` is the event's id, so a replay is still a duplicate.

CREATE TABLE held_events (
    id UUID PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    turf_id BIGINT,
    household_id BIGINT NOT NULL,
    person_id UUID,
    device_id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    device_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    -- core::EventBody as compact JSON.
    body TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    -- 'held' until a lead decides: then 'accepted' or 'dismissed'.
    status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'accepted', 'dismissed')),
    decided_by BIGINT,
    decided_at BIGINT
);
CREATE INDEX held_events_campaign ON held_events (campaign_id, status, received_at);
CREATE INDEX held_events_person ON held_events (person_id) WHERE person_id IS NOT NULL;
