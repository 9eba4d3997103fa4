//! Tombstones: households and people that left a turf, sequenced like everything else so
//! devices learn of removals through the same cursor.

use groundgame_core::{EventId, HouseholdId, PersonId, TurfId};
use rusqlite::{Connection, Transaction};

use super::StoreError;
use crate::sync::pull::Removed;

pub(crate) fn person(
    tx: &Transaction<'_>,
    seq: i64,
    turf: TurfId,
    person: PersonId,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO tombstones (seq, turf_id, person_id) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![seq, turf.0, person])?;
    Ok(())
}

pub(crate) fn household(
    tx: &Transaction<'_>,
    seq: i64,
    turf: TurfId,
    household: HouseholdId,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO tombstones (seq, turf_id, household_id) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![seq, turf.0, household.0])?;
    Ok(())
}

/// A held record a lead dismissed, for the phone that holds it as delivered.
pub(crate) fn event(
    tx: &Transaction<'_>,
    seq: i64,
    turf: TurfId,
    event: EventId,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO tombstones (seq, turf_id, event_id) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![seq, turf.0, event])?;
    Ok(())
}

/// What left the turf with `after < seq <= upto`.
pub(crate) fn page(
    conn: &Connection,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<Removed, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT household_id, person_id, event_id FROM tombstones
         WHERE turf_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
    )?;
    let mut rows = stmt.query(rusqlite::params![turf.0, after, upto])?;
    let mut removed = Removed::default();
    while let Some(r) = rows.next()? {
        if let Some(h) = r.get::<_, Option<i64>>(0)? {
            removed.households.push(HouseholdId(h));
        }
        if let Some(p) = r.get::<_, Option<PersonId>>(1)? {
            removed.people.push(p);
        }
        if let Some(e) = r.get::<_, Option<EventId>>(2)? {
            removed.events.push(e);
        }
    }
    Ok(removed)
}
