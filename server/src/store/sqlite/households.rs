//! Households (doors) of a turf, in walking order. Adding households re-sequences every
//! household whose walking position changed, so devices receive the new order on their
//! next pull.

use std::collections::HashMap;

use groundgame_core::{CampaignId, Household, HouseholdId, PersonId, TurfId};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::sequence::Sequence;
use super::{people, tombstones, turfs, StoreError};
use crate::turfs::route;

/// A door to import into a turf.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewHousehold {
    pub street: String,
    pub number: String,
    pub unit: String,
    pub city: String,
    pub zip: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// A person to import, living at the household they are given with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewPerson {
    pub source_id: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_year: Option<u16>,
    pub party: Option<String>,
    pub phone: Option<String>,
    pub language: Option<String>,
}

/// Insert the households and their people (ids from `new_person_id`), then recompute the
/// turf's walking order.
pub(crate) fn add(
    tx: &Transaction<'_>,
    seq: &mut Sequence,
    turf: TurfId,
    households: &[(NewHousehold, Vec<NewPerson>)],
    new_person_id: &mut dyn FnMut(&NewPerson) -> PersonId,
) -> Result<Vec<HouseholdId>, StoreError> {
    let campaign = turfs::campaign_of(tx, turf)?.ok_or(StoreError::NotFound("turf"))?;
    let mut ids = Vec::with_capacity(households.len());
    {
        // seq 0 marks a household not yet sequenced; `resequence` gives it its number.
        let mut insert = tx.prepare_cached(
            "INSERT INTO households (campaign_id, turf_id, seq, street, number, unit, city, zip,
                                     lat, lon, walk_order)
             VALUES (?9, ?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
        )?;
        for (h, _) in households {
            insert.execute(rusqlite::params![
                turf.0, h.street, h.number, h.unit, h.city, h.zip, h.lat, h.lon, campaign.0
            ])?;
            ids.push(HouseholdId(tx.last_insert_rowid()));
        }
    }
    resequence(tx, seq, turf)?;
    for (id, (_, persons)) in ids.iter().zip(households) {
        for p in persons {
            people::insert(tx, seq.take(), new_person_id(p), campaign, *id, turf, p)?;
        }
    }
    Ok(ids)
}

/// Recompute the walking order of a turf. Households that are new or whose position changed
/// get a new `seq`; a moved household's people and events move with it, right after it, so
/// in every turf's feed a row always comes after the household it belongs to.
pub(crate) fn resequence(
    tx: &Transaction<'_>,
    seq: &mut Sequence,
    turf: TurfId,
) -> Result<(), StoreError> {
    struct Row {
        id: i64,
        seq: i64,
        walk_order: u32,
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut doors: Vec<route::Doorstep> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, seq, walk_order, street, number, unit, lat, lon
             FROM households WHERE turf_id = ?1",
        )?;
        let mut found = stmt.query([turf.0])?;
        while let Some(r) = found.next()? {
            rows.push(Row {
                id: r.get(0)?,
                seq: r.get(1)?,
                walk_order: r.get(2)?,
            });
            doors.push(route::Doorstep {
                id: r.get(0)?,
                street: r.get(3)?,
                number: r.get(4)?,
                unit: r.get(5)?,
                lat: r.get(6)?,
                lon: r.get(7)?,
            });
        }
    }
    // Along the campaign's streets where it has a map and the doors have places.
    let streets = match route::frame(&doors) {
        Some(area) => {
            let campaign: i64 = tx.query_row(
                "SELECT campaign_id FROM turfs WHERE id = ?1",
                [turf.0],
                |r| r.get(0),
            )?;
            super::map::streets_within(tx, CampaignId(campaign), &area)?
        }
        None => Vec::new(),
    };
    let position: HashMap<i64, usize> = route::walking_order(doors, &streets)
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    rows.sort_by_key(|r| position.get(&r.id).copied().unwrap_or(usize::MAX));
    let moved = rows
        .iter()
        .enumerate()
        .any(|(i, r)| r.seq != 0 && r.walk_order != i as u32 + 1);
    let children = if moved {
        children_by_household(tx, turf)?
    } else {
        HashMap::new()
    };
    let mut update =
        tx.prepare_cached("UPDATE households SET walk_order = ?2, seq = ?3 WHERE id = ?1")?;
    let mut move_person = tx.prepare_cached("UPDATE people SET seq = ?2 WHERE id = ?1")?;
    let mut move_event = tx.prepare_cached("UPDATE events SET seq = ?2 WHERE seq = ?1")?;
    for (position, row) in rows.iter().enumerate() {
        let walk_order = position as u32 + 1;
        if row.seq != 0 && row.walk_order == walk_order {
            continue;
        }
        update.execute(rusqlite::params![row.id, walk_order, seq.take()])?;
        if let Some((persons, events)) = children.get(&row.id) {
            for person in persons {
                move_person.execute(rusqlite::params![person.as_slice(), seq.take()])?;
            }
            for event_seq in events {
                move_event.execute([*event_seq, seq.take()])?;
            }
        }
    }
    Ok(())
}

/// Each household's people (ids) and events (seqs) in the turf, in sequence order.
#[allow(clippy::type_complexity)]
fn children_by_household(
    tx: &Transaction<'_>,
    turf: TurfId,
) -> Result<HashMap<i64, (Vec<Vec<u8>>, Vec<i64>)>, StoreError> {
    let mut out: HashMap<i64, (Vec<Vec<u8>>, Vec<i64>)> = HashMap::new();
    let mut people =
        tx.prepare_cached("SELECT household_id, id FROM people WHERE turf_id = ?1 ORDER BY seq")?;
    let mut rows = people.query([turf.0])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().0.push(r.get(1)?);
    }
    let mut events =
        tx.prepare_cached("SELECT household_id, seq FROM events WHERE turf_id = ?1 ORDER BY seq")?;
    let mut rows = events.query([turf.0])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().1.push(r.get(1)?);
    }
    Ok(out)
}

/// Take a household and its people out of its turf, leaving tombstones for devices.
pub(crate) fn remove(
    tx: &Transaction<'_>,
    seq: &mut Sequence,
    household: HouseholdId,
) -> Result<(), StoreError> {
    let turf = lookup(tx, household)?
        .ok_or(StoreError::NotFound("household"))?
        .0;
    for person in people::ids_of_household(tx, household)? {
        tombstones::person(tx, seq.take(), turf, person)?;
    }
    people::delete_household(tx, household)?;
    tombstones::household(tx, seq.take(), turf, household)?;
    tx.prepare_cached("UPDATE events SET turf_id = NULL WHERE turf_id = ?1 AND household_id = ?2")?
        .execute([turf.0, household.0])?;
    tx.prepare_cached("DELETE FROM households WHERE id = ?1")?
        .execute([household.0])?;
    Ok(())
}

/// The turf and campaign of a household; `None` for an unknown household and for one not
/// placed in any turf yet (no device may record there).
pub(crate) fn lookup(
    conn: &Connection,
    household: HouseholdId,
) -> Result<Option<(TurfId, CampaignId)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT turf_id, campaign_id FROM households
             WHERE id = ?1 AND turf_id IS NOT NULL",
        )?
        .query_row([household.0], |r| {
            Ok((TurfId(r.get(0)?), CampaignId(r.get(1)?)))
        })
        .optional()?)
}

pub(crate) fn count(conn: &Connection, turf: TurfId) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM households WHERE turf_id = ?1")?
        .query_row([turf.0], |r| r.get(0))?)
}

/// The turf's households with `after < seq <= upto`, in sequence order.
pub(crate) fn page(
    conn: &Connection,
    turf: TurfId,
    after: i64,
    upto: i64,
) -> Result<Vec<Household>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, street, number, unit, city, zip, lat, lon, walk_order FROM households
         WHERE turf_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![turf.0, after, upto], |r| {
            Ok(Household {
                id: HouseholdId(r.get(0)?),
                turf,
                street: r.get(1)?,
                number: r.get(2)?,
                unit: r.get(3)?,
                city: r.get(4)?,
                zip: r.get(5)?,
                lat: r.get(6)?,
                lon: r.get(7)?,
                walk_order: r.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
