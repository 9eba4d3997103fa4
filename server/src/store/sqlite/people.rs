//! People living at households: from the voter file, or added at the door by a
//! `PersonAdded` event (empty `source_id`), so every device in the turf learns of them.

use groundgame_core::{CampaignId, HouseholdId, Person, PersonId, TurfId};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{NewPerson, StoreError};

pub(crate) fn insert(
    tx: &Transaction<'_>,
    seq: i64,
    id: PersonId,
    campaign: CampaignId,
    household: HouseholdId,
    turf: TurfId,
    p: &NewPerson,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO people (id, household_id, turf_id, seq, source_id, first_name, last_name,
                             birth_year, party, phone, language, campaign_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        id,
        household.0,
        turf.0,
        seq,
        p.source_id,
        p.first_name,
        p.last_name,
        p.birth_year,
        p.party,
        p.phone,
        p.language,
        campaign.0
    ])?;
    Ok(())
}

/// The household a person lives at.
pub(crate) fn household_of(
    conn: &Connection,
    person: PersonId,
) -> Result<Option<HouseholdId>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT household_id FROM people WHERE id = ?1")?
        .query_row([person], |r| Ok(HouseholdId(r.get(0)?)))
        .optional()?)
}

pub(crate) fn ids_of_household(
    conn: &Connection,
    household: HouseholdId,
) -> Result<Vec<PersonId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM people WHERE household_id = ?1")?;
    let ids = stmt
        .query_map([household.0], |r| r.get::<_, PersonId>(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

pub(crate) fn delete_household(
    tx: &Transaction<'_>,
    household: HouseholdId,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM people WHERE household_id = ?1")?
        .execute([household.0])?;
    Ok(())
}

/// The turf's people with `after < seq <= upto`, in sequence order.
pub(crate) fn page(
    conn: &Connection,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<Vec<Person>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, household_id, source_id, first_name, last_name, birth_year, party, phone,
                language
         FROM people WHERE turf_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![turf.0, after, upto], |r| {
            Ok(Person {
                id: r.get::<_, PersonId>(0)?,
                household: HouseholdId(r.get(1)?),
                source_id: r.get(2)?,
                first_name: r.get(3)?,
                last_name: r.get(4)?,
                birth_year: r.get(5)?,
                party: r.get(6)?,
                phone: r.get(7)?,
                language: r.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
