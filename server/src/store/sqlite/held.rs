//! Records held for a lead (`held_events`): what a volunteer pushed after their turf or
//! call list was taken from them that would change shared state. The push rules decide
//! what is held (`sync::push`); here are its rows, the lead's list and the lead's decision.

use groundgame_core::protocol::lead::{HeldDecisionResponse, HeldRecord, HeldStatus};
use groundgame_core::{
    CampaignId, DeviceId, Event, EventBody, EventId, Hlc, HouseholdId, PersonId, TurfId,
    VolunteerId,
};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::SqliteStore;
use crate::store::StoreError;
use crate::sync::push::{self, HeldEvent, NewEvent, StoredEvent};

pub(crate) fn insert(tx: &Transaction<'_>, e: &NewEvent<'_>) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO held_events (id, campaign_id, turf_id, household_id, person_id, device_id,
                                  volunteer_id, at, device_at, kind, body, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        e.id,
        e.campaign.0,
        e.turf.map(|t| t.0),
        e.household.0,
        e.person,
        e.device.0,
        e.volunteer.0,
        e.at.0 as i64,
        e.device_at.0 as i64,
        e.kind,
        e.body,
        e.received_at
    ])?;
    Ok(())
}

/// The held record under this id, whatever its status (a replay is a duplicate of it).
pub(crate) fn stored(conn: &Connection, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
    super::events::stored_in(conn, "held_events", id)
}

/// The household of a person added by a record still held.
pub(crate) fn person_household(
    conn: &Connection,
    person: PersonId,
) -> Result<Option<HouseholdId>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT household_id FROM held_events
             WHERE person_id = ?1 AND kind = 'person_added' AND status = 'held'",
        )?
        .query_row([person], |r| Ok(HouseholdId(r.get(0)?)))
        .optional()?)
}

pub(crate) fn status_of(text: &str) -> Result<HeldStatus, StoreError> {
    match text {
        "held" => Ok(HeldStatus::Held),
        "accepted" => Ok(HeldStatus::Accepted),
        "dismissed" => Ok(HeldStatus::Dismissed),
        other => Err(StoreError::Corrupt(format!("held record status {other:?}"))),
    }
}

fn status_text(status: HeldStatus) -> &'static str {
    match status {
        HeldStatus::Held => "held",
        HeldStatus::Accepted => "accepted",
        HeldStatus::Dismissed => "dismissed",
    }
}

/// The campaign's held records, held ones first, each group by arrival.
pub(crate) fn list(conn: &Connection, campaign: CampaignId) -> Result<Vec<HeldRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.kind, h.body, h.volunteer_id, COALESCE(v.name, ''), h.turf_id,
                COALESCE(t.name, ''), COALESCE(hh.number || ' ' || hh.street, ''), h.at,
                h.received_at, h.status, h.decided_by, h.decided_at
         FROM held_events h
         LEFT JOIN volunteers v ON v.id = h.volunteer_id
         LEFT JOIN turfs t ON t.id = h.turf_id
         LEFT JOIN households hh ON hh.id = h.household_id
         WHERE h.campaign_id = ?1
         ORDER BY h.status <> 'held', h.received_at, h.id",
    )?;
    let rows = stmt.query_map([campaign.0], |r| {
        let body: String = r.get(2)?;
        let record = HeldRecord {
            event: r.get(0)?,
            kind: r.get(1)?,
            result: result_of(&body),
            volunteer: VolunteerId(r.get(3)?),
            volunteer_name: r.get(4)?,
            turf: r.get::<_, Option<i64>>(5)?.map(TurfId),
            turf_name: r.get(6)?,
            address: r.get(7)?,
            at: Hlc(r.get::<_, i64>(8)? as u64).ms(),
            received_at: r.get::<_, i64>(9)?.max(0) as u64,
            status: HeldStatus::Held,
            decided_by: r.get::<_, Option<i64>>(11)?.map(VolunteerId),
            decided_at: r.get::<_, Option<i64>>(12)?.map(|t| t.max(0) as u64),
        };
        Ok((record, r.get::<_, String>(10)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut record, status) = row?;
        record.status = status_of(&status)?;
        out.push(record);
    }
    Ok(out)
}

/// A phone result's code, for the lead's list.
pub(crate) fn result_of(body: &str) -> Option<String> {
    match serde_json::from_str::<EventBody>(body).ok()? {
        EventBody::Contact { result, .. } => Some(result),
        _ => None,
    }
}

/// What a decision applies to: the record, and when it added a person, the records about
/// that person still held (in the order they were recorded, the person first).
fn group(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    id: EventId,
) -> Result<Vec<HeldEvent>, StoreError> {
    let first: Option<(String, Option<PersonId>)> = tx
        .prepare_cached(
            "SELECT status, CASE WHEN kind = 'person_added' THEN person_id END
             FROM held_events WHERE id = ?1 AND campaign_id = ?2",
        )?
        .query_row(rusqlite::params![id, campaign.0], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((status, added)) = first else {
        return Err(StoreError::NotFound("held record"));
    };
    if status != "held" {
        return Err(StoreError::Invalid(format!(
            "this record was already {status} by a lead"
        )));
    }
    let mut stmt = tx.prepare_cached(
        "SELECT id, household_id, person_id, device_at, body, device_id, volunteer_id
         FROM held_events
         WHERE campaign_id = ?1 AND status = 'held' AND (id = ?2 OR person_id = ?3)
         ORDER BY id = ?2 DESC, at, id",
    )?;
    let rows = stmt.query_map(rusqlite::params![campaign.0, id, added], |r| {
        Ok((
            r.get::<_, EventId>(0)?,
            HouseholdId(r.get(1)?),
            r.get::<_, Option<PersonId>>(2)?,
            Hlc(r.get::<_, i64>(3)? as u64),
            r.get::<_, String>(4)?,
            DeviceId(r.get(5)?),
            VolunteerId(r.get(6)?),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, household, person, at, body, device, volunteer) = row?;
        let body: EventBody = serde_json::from_str(&body)
            .map_err(|e| StoreError::Corrupt(format!("held event body: {e}")))?;
        out.push(HeldEvent {
            event: Event {
                id,
                at,
                household,
                person,
                body,
            },
            device,
            volunteer,
        });
    }
    Ok(out)
}

fn mark(
    tx: &Transaction<'_>,
    ids: &[EventId],
    status: HeldStatus,
    by: VolunteerId,
    now_ms: u64,
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "UPDATE held_events SET status = ?2, decided_by = ?3, decided_at = ?4 WHERE id = ?1",
    )?;
    for id in ids {
        stmt.execute(rusqlite::params![id, status_text(status), by.0, now_ms])?;
    }
    Ok(())
}

/// Each dismissed record leaves a tombstone in its door's turf (a door in no turf has
/// none), so the phone that made it — which holds it as delivered — drops it.
fn dismissed_tombstones(tx: &Transaction<'_>, held: &[HeldEvent]) -> Result<(), StoreError> {
    let mut seq = super::sequence::Sequence::begin(tx)?;
    for h in held {
        let turf: Option<i64> = tx
            .prepare_cached("SELECT turf_id FROM households WHERE id = ?1")?
            .query_row([h.event.household.0], |r| r.get(0))
            .optional()?
            .flatten();
        if let Some(turf) = turf {
            super::tombstones::event(tx, seq.take(), TurfId(turf), h.event.id)?;
        }
    }
    seq.finish(tx)
}

impl SqliteStore {
    pub fn held_records(&self, campaign: CampaignId) -> Result<Vec<HeldRecord>, StoreError> {
        self.read(|tx| list(tx, campaign))
    }

    /// A lead's decision on a held record (and those about the person it added): accepted
    /// ones are stored as events with their effects, in one transaction with the decision.
    pub fn decide_held(
        &self,
        campaign: CampaignId,
        id: EventId,
        accept: bool,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<HeldDecisionResponse, StoreError> {
        let mut clock = self.clock_snapshot();
        let status = if accept {
            HeldStatus::Accepted
        } else {
            HeldStatus::Dismissed
        };
        let decided = self.write(|tx| {
            let held = group(tx, campaign, id)?;
            if accept {
                let outcomes = push::release(
                    &mut super::spine::rows(tx),
                    campaign,
                    &held,
                    now_ms,
                    &mut clock,
                )?;
                push::refused_release(&outcomes)?;
            } else {
                dismissed_tombstones(tx, &held)?;
            }
            let ids: Vec<EventId> = held.iter().map(|h| h.event.id).collect();
            mark(tx, &ids, status, by, now_ms)?;
            Ok(ids)
        })?;
        self.clock_merge(clock.last());
        Ok(HeldDecisionResponse { decided, status })
    }
}
