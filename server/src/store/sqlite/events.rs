//! Field events as the server holds them. `seq` is the rowid (events are append-only);
//! the event id is a UNIQUE 16-byte BLOB, so a replayed insert is a no-op that the push
//! recognises without a query of its own.

use groundgame_core::{CampaignId, Event, EventBody, EventId, Hlc, HouseholdId, TurfId};
use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::store::StoreError;
use crate::sync::push::{NewEvent, StoredEvent};

/// Store the event unless its id is already stored; true when it was stored now.
pub(crate) fn insert(tx: &Transaction<'_>, e: &NewEvent<'_>) -> Result<bool, StoreError> {
    let changed = tx
        .prepare_cached(
            "INSERT INTO events (seq, id, campaign_id, turf_id, household_id, person_id,
                                 device_id, volunteer_id, at, device_at, kind, body,
                                 stale_assignment, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (id) DO NOTHING",
        )?
        .execute(rusqlite::params![
            e.seq,
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
            e.stale_assignment,
            e.received_at
        ])?;
    Ok(changed == 1)
}

pub(crate) fn stored(conn: &Connection, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
    stored_in(conn, "events", id)
}

/// What identifies the content of the row under `id` in `table` (`events` or
/// `held_events`), to tell a replay from a reused id.
pub(crate) fn stored_in(
    conn: &Connection,
    table: &str,
    id: EventId,
) -> Result<Option<StoredEvent>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT household_id, person_id, device_at, body FROM {table} WHERE id = ?1"
        ))?
        .query_row([id], |r| {
            Ok(StoredEvent {
                household: HouseholdId(r.get(0)?),
                person: r.get(1)?,
                device_at: Hlc(r.get::<_, i64>(2)? as u64),
                body: r.get(3)?,
            })
        })
        .optional()?)
}

/// Read events from a statement whose columns are id, at, household_id, person_id, body.
fn collect(mut rows: rusqlite::Rows<'_>) -> Result<Vec<Event>, StoreError> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let body: EventBody =
            serde_json::from_str(r.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?)
                .map_err(|e| StoreError::Corrupt(format!("event body: {e}")))?;
        out.push(Event {
            id: r.get(0)?,
            at: Hlc(r.get::<_, i64>(1)? as u64),
            household: HouseholdId(r.get(2)?),
            person: r.get(3)?,
            body,
        });
    }
    Ok(out)
}

/// The turf's events with `after < seq <= upto`, in sequence order.
pub(crate) fn page(
    conn: &Connection,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, household_id, person_id, body FROM events
         WHERE turf_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
    )?;
    let rows = collect(stmt.query(rusqlite::params![turf.0, after, upto])?);
    rows
}

pub(crate) fn of_campaign(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, household_id, person_id, body FROM events
         WHERE campaign_id = ?1 ORDER BY seq",
    )?;
    let rows = collect(stmt.query([campaign.0])?);
    rows
}

pub(crate) fn count(conn: &Connection, campaign: CampaignId) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM events WHERE campaign_id = ?1")?
        .query_row([campaign.0], |r| r.get(0))?)
}

/// Ids of the campaign's events recorded under an assignment that had ended.
pub(crate) fn stale_ids(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<EventId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM events WHERE campaign_id = ?1 AND stale_assignment ORDER BY seq",
    )?;
    let ids = stmt
        .query_map([campaign.0], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}
