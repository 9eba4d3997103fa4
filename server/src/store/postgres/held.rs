//! Records held for a lead on PostgreSQL (see `sqlite::held` for what they are): the
//! lead's list and decision. A decision locks the campaign's feed row like a push does
//! ([`push::release`] through `spine::release`), so an accepted record's feed number
//! follows every commit before it on every replica.

use groundgame_core::protocol::lead::{HeldDecisionResponse, HeldRecord, HeldStatus};
use groundgame_core::{
    CampaignId, DeviceId, Event, EventBody, EventId, Hlc, HouseholdId, PersonId, TurfId,
    VolunteerId,
};

use super::{rows, spine, PgStore};
use crate::store::sqlite::held::{result_of, status_of};
use crate::store::StoreError;
use crate::sync::push::{self, HeldEvent};

/// What a decision applies to (see `sqlite::held`): the record, then the records still
/// held about the person it added.
fn group(
    tx: &mut postgres::Transaction<'_>,
    campaign: CampaignId,
    id: EventId,
) -> Result<Vec<HeldEvent>, StoreError> {
    let first = tx.query_opt(
        "SELECT status, CASE WHEN kind = 'person_added' THEN person_id END
         FROM held_events WHERE id = $1 AND campaign_id = $2 FOR UPDATE",
        &[&id.0, &campaign.0],
    )?;
    let Some(first) = first else {
        return Err(StoreError::NotFound("held record"));
    };
    let status: String = first.get(0);
    let added: Option<uuid::Uuid> = first.get(1);
    if status != "held" {
        return Err(StoreError::Invalid(format!(
            "this record was already {status} by a lead"
        )));
    }
    let rows = tx.query(
        "SELECT id, household_id, person_id, device_at, body, device_id, volunteer_id
         FROM held_events
         WHERE campaign_id = $1 AND status = 'held' AND (id = $2 OR person_id = $3)
         ORDER BY id = $2 DESC, at, id
         FOR UPDATE",
        &[&campaign.0, &id.0, &added],
    )?;
    rows.iter()
        .map(|r| {
            let body: String = r.get(4);
            let body: EventBody = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("held event body: {e}")))?;
            Ok(HeldEvent {
                event: Event {
                    id: EventId(r.get(0)),
                    at: Hlc(r.get::<_, i64>(3) as u64),
                    household: HouseholdId(r.get(1)),
                    person: r.get::<_, Option<uuid::Uuid>>(2).map(PersonId),
                    body,
                },
                device: DeviceId(r.get(5)),
                volunteer: VolunteerId(r.get(6)),
            })
        })
        .collect()
}

impl PgStore {
    pub(super) fn held_records(&self, campaign: CampaignId) -> Result<Vec<HeldRecord>, StoreError> {
        self.read(move |tx| {
            let rows = tx.query(
                "SELECT h.id, h.kind, h.body, h.volunteer_id, COALESCE(v.name, ''), h.turf_id,
                        COALESCE(t.name, ''), COALESCE(hh.number || ' ' || hh.street, ''),
                        h.at, h.received_at, h.status, h.decided_by, h.decided_at
                 FROM held_events h
                 LEFT JOIN volunteers v ON v.id = h.volunteer_id
                 LEFT JOIN turfs t ON t.id = h.turf_id
                 LEFT JOIN households hh ON hh.id = h.household_id
                 WHERE h.campaign_id = $1
                 ORDER BY h.status <> 'held', h.received_at, h.id",
                &[&campaign.0],
            )?;
            rows.iter()
                .map(|r| {
                    let body: String = r.get(2);
                    Ok(HeldRecord {
                        event: EventId(r.get(0)),
                        kind: r.get(1),
                        result: result_of(&body),
                        volunteer: VolunteerId(r.get(3)),
                        volunteer_name: r.get(4),
                        turf: r.get::<_, Option<i64>>(5).map(TurfId),
                        turf_name: r.get(6),
                        address: r.get(7),
                        at: Hlc(r.get::<_, i64>(8) as u64).ms(),
                        received_at: r.get::<_, i64>(9).max(0) as u64,
                        status: status_of(r.get(10))?,
                        decided_by: r.get::<_, Option<i64>>(11).map(VolunteerId),
                        decided_at: r.get::<_, Option<i64>>(12).map(|t| t.max(0) as u64),
                    })
                })
                .collect()
        })
    }

    pub(super) fn decide_held(
        &self,
        campaign: CampaignId,
        id: EventId,
        accept: bool,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<HeldDecisionResponse, StoreError> {
        let mut clock = *self.clock();
        let (status, text) = if accept {
            (HeldStatus::Accepted, "accepted")
        } else {
            (HeldStatus::Dismissed, "dismissed")
        };
        let decided = self.write(|tx| {
            let held = group(tx, campaign, id)?;
            if accept {
                let outcomes = spine::release(tx, campaign, &held, now_ms, &mut clock)?;
                push::refused_release(&outcomes)?;
            } else {
                // Each dismissed record leaves a tombstone in its door's turf, so the phone
                // that made it (which holds it as delivered) drops it.
                let mut feed = rows::Feed::begin(tx, campaign)?;
                for h in &held {
                    rows::dismissed_tombstone(tx, &mut feed, h.event.household, h.event.id)?;
                }
                feed.finish(tx)?;
            }
            let ids: Vec<uuid::Uuid> = held.iter().map(|h| h.event.id.0).collect();
            tx.execute(
                "UPDATE held_events SET status = $2, decided_by = $3, decided_at = $4
                 WHERE id = ANY($1)",
                &[&ids, &text, &by.0, &(now_ms as i64)],
            )?;
            Ok(held.iter().map(|h| h.event.id).collect::<Vec<_>>())
        })?;
        self.clock().observe(clock.last());
        Ok(HeldDecisionResponse { decided, status })
    }
}
