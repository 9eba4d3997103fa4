//! Placing imported households into turfs. An import leaves households with no turf (in
//! no device's scope); cutting turfs creates the turfs and places the households, and the
//! turf's feed then carries each household followed by its people, in walking order.

use groundgame_core::{CampaignId, HouseholdId, TurfId};
use rusqlite::{Connection, Transaction};

use super::sequence::Sequence;
use super::{households, turfs, StoreError};

/// A household waiting for a turf, with what cutting needs to know of it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnplacedHousehold {
    pub id: HouseholdId,
    pub street: String,
    pub number: String,
    pub unit: String,
    pub precinct: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// The campaign's households with no turf that still have someone to visit (a household
/// whose people were all removed from the voter file is left out), in id order.
pub(crate) fn unplaced(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<UnplacedHousehold>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.street, h.number, h.unit, h.precinct, h.lat, h.lon
         FROM households h
         WHERE h.campaign_id = ?1 AND h.turf_id IS NULL
           AND EXISTS (SELECT 1 FROM people p
                       WHERE p.household_id = h.id AND p.status <> 'removed')
         ORDER BY h.id",
    )?;
    let rows = stmt
        .query_map([campaign.0], |r| {
            Ok(UnplacedHousehold {
                id: HouseholdId(r.get(0)?),
                street: r.get(1)?,
                number: r.get(2)?,
                unit: r.get(3)?,
                precinct: r.get(4)?,
                lat: r.get(5)?,
                lon: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Create one turf per `(name, households)` and place the households there. Every
/// household must belong to the campaign and have no turf yet; otherwise nothing is placed.
pub(crate) fn place_all(
    tx: &Transaction<'_>,
    seq: &mut Sequence,
    campaign: CampaignId,
    plan: &[(String, Vec<HouseholdId>)],
    now_ms: u64,
) -> Result<Vec<TurfId>, StoreError> {
    let mut made = Vec::with_capacity(plan.len());
    for (name, members) in plan {
        if members.is_empty() {
            return Err(StoreError::Invalid(format!(
                "turf \"{name}\" would have no doors; leave it out of the plan"
            )));
        }
        let turf = turfs::create(tx, campaign, name, now_ms)?;
        place(tx, seq, campaign, turf, members)?;
        made.push(turf);
    }
    Ok(made)
}

/// Place unplaced households of the campaign into `turf`, then sequence the turf: each
/// placed household gets its walking position and a number in the feed, and its active
/// people follow it.
pub(crate) fn place(
    tx: &Transaction<'_>,
    seq: &mut Sequence,
    campaign: CampaignId,
    turf: TurfId,
    members: &[HouseholdId],
) -> Result<(), StoreError> {
    if turfs::campaign_of(tx, turf)? != Some(campaign) {
        return Err(StoreError::NotFound("turf"));
    }
    {
        let mut claim = tx.prepare_cached(
            "UPDATE households SET turf_id = ?3, seq = 0, walk_order = 0
             WHERE id = ?1 AND campaign_id = ?2 AND turf_id IS NULL",
        )?;
        for household in members {
            if claim.execute(rusqlite::params![household.0, campaign.0, turf.0])? != 1 {
                return Err(StoreError::Invalid(format!(
                    "household {} is not an unplaced household of this campaign (it may \
                     already be in a turf); cut turfs again from the current data",
                    household.0
                )));
            }
        }
    }
    households::resequence(tx, seq, turf)?;
    let mut order: Vec<(u32, HouseholdId)> = {
        let mut walk = tx.prepare_cached("SELECT walk_order FROM households WHERE id = ?1")?;
        members
            .iter()
            .map(|h| Ok((walk.query_row([h.0], |r| r.get(0))?, *h)))
            .collect::<Result<_, StoreError>>()?
    };
    order.sort();
    let mut people = tx.prepare_cached(
        "SELECT id FROM people WHERE household_id = ?1 AND status <> 'removed' ORDER BY id",
    )?;
    let mut set = tx.prepare_cached("UPDATE people SET turf_id = ?2, seq = ?3 WHERE id = ?1")?;
    for (_, household) in order {
        let ids: Vec<Vec<u8>> = people
            .query_map([household.0], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ids {
            set.execute(rusqlite::params![id, turf.0, seq.take()])?;
        }
    }
    Ok(())
}

impl super::SqliteStore {
    /// The campaign's imported households that are in no turf yet (see [`unplaced`]).
    pub fn unplaced_households(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<UnplacedHousehold>, StoreError> {
        self.read(|tx| unplaced(tx, campaign))
    }

    /// Create the planned turfs and place their households, all in one transaction: either
    /// every turf is made or none is.
    pub fn place_households(
        &self,
        campaign: CampaignId,
        plan: &[(String, Vec<HouseholdId>)],
    ) -> Result<Vec<TurfId>, StoreError> {
        self.write(|tx| {
            let mut seq = Sequence::begin(tx)?;
            let made = place_all(tx, &mut seq, campaign, plan, crate::clock::system_ms())?;
            seq.finish(tx)?;
            Ok(made)
        })
    }
}
