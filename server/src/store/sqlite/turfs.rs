//! Turfs and who is assigned to them. Assignments keep their history: ending one sets
//! `unassigned_at`, so the server can still accept what a canvasser recorded before a
//! reassignment reached their phone.

use std::collections::{HashMap, HashSet};

use groundgame_core::{CampaignId, Turf, TurfId, VolunteerId};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{campaigns, devices, StoreError};
use crate::sync::push::Tenure;

pub use groundgame_core::protocol::lead::TurfItem;

pub(crate) fn create(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    name: &str,
    now_ms: u64,
) -> Result<TurfId, StoreError> {
    if !campaigns::exists(tx, campaign)? {
        return Err(StoreError::NotFound("campaign"));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "a turf needs a name of 1 to 200 characters".into(),
        ));
    }
    tx.prepare_cached("INSERT INTO turfs (campaign_id, name, created_at) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![campaign.0, name, now_ms])?;
    Ok(TurfId(tx.last_insert_rowid()))
}

pub(crate) fn campaign_of(
    conn: &Connection,
    turf: TurfId,
) -> Result<Option<CampaignId>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT campaign_id FROM turfs WHERE id = ?1")?
        .query_row([turf.0], |r| Ok(CampaignId(r.get(0)?)))
        .optional()?)
}

pub(crate) fn assignees(conn: &Connection, turf: TurfId) -> Result<Vec<VolunteerId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT volunteer_id FROM assignments
         WHERE turf_id = ?1 AND unassigned_at IS NULL
         ORDER BY volunteer_id",
    )?;
    let ids = stmt
        .query_map([turf.0], |r| Ok(VolunteerId(r.get(0)?)))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

pub(crate) fn set_assignees(
    tx: &Transaction<'_>,
    turf: TurfId,
    volunteers: &[VolunteerId],
    now_ms: u64,
) -> Result<(), StoreError> {
    let campaign = campaign_of(tx, turf)?.ok_or(StoreError::NotFound("turf"))?;
    let wanted: HashSet<VolunteerId> = volunteers.iter().copied().collect();
    for volunteer in &wanted {
        if devices::campaign_of_volunteer(tx, *volunteer)? != Some(campaign) {
            return Err(StoreError::Invalid(format!(
                "there is no volunteer {volunteer} in this turf's campaign; choose one of its \
                 volunteers (listed at /api/v1/volunteers)"
            )));
        }
    }
    let current: HashSet<VolunteerId> = assignees(tx, turf)?.into_iter().collect();
    let mut end = tx.prepare_cached(
        "UPDATE assignments SET unassigned_at = ?3
         WHERE turf_id = ?1 AND volunteer_id = ?2 AND unassigned_at IS NULL",
    )?;
    for gone in current.difference(&wanted) {
        end.execute(rusqlite::params![turf.0, gone.0, now_ms])?;
    }
    let mut add = tx.prepare_cached(
        "INSERT INTO assignments (turf_id, volunteer_id, assigned_at) VALUES (?1, ?2, ?3)",
    )?;
    for new in wanted.difference(&current) {
        add.execute(rusqlite::params![turf.0, new.0, now_ms])?;
    }
    Ok(())
}

/// Every turf of the campaign, by id.
pub(crate) fn of_campaign(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<Turf>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name FROM turfs WHERE campaign_id = ?1 ORDER BY id")?;
    let turfs = stmt
        .query_map([campaign.0], |r| {
            Ok(Turf {
                id: TurfId(r.get(0)?),
                campaign,
                name: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(turfs)
}

/// The turfs currently assigned to a volunteer, by id.
pub(crate) fn assigned_to(
    conn: &Connection,
    volunteer: VolunteerId,
) -> Result<Vec<Turf>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT t.id, t.campaign_id, t.name
         FROM assignments a JOIN turfs t ON t.id = a.turf_id
         WHERE a.volunteer_id = ?1 AND a.unassigned_at IS NULL
         ORDER BY t.id",
    )?;
    let turfs = stmt
        .query_map([volunteer.0], |r| {
            Ok(Turf {
                id: TurfId(r.get(0)?),
                campaign: CampaignId(r.get(1)?),
                name: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(turfs)
}

/// Every turf ever assigned to a volunteer, with whether the assignment is current (and
/// when the last one ended, when none is).
pub(crate) fn ever_assigned(
    conn: &Connection,
    volunteer: VolunteerId,
) -> Result<HashMap<TurfId, Tenure>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT turf_id, MAX(unassigned_at IS NULL), MAX(unassigned_at) FROM assignments
         WHERE volunteer_id = ?1 GROUP BY turf_id",
    )?;
    let map = stmt
        .query_map([volunteer.0], |r| {
            Ok((TurfId(r.get(0)?), Tenure::of(r.get(1)?, r.get(2)?)))
        })?
        .collect::<Result<_, _>>()?;
    Ok(map)
}

pub(crate) fn summaries(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<TurfItem>, StoreError> {
    let mut out: Vec<TurfItem> = conn
        .prepare_cached(
            "SELECT t.id, t.name, (SELECT COUNT(*) FROM households h WHERE h.turf_id = t.id)
             FROM turfs t WHERE t.campaign_id = ?1 ORDER BY t.id",
        )?
        .query_map([campaign.0], |r| {
            Ok(TurfItem {
                id: TurfId(r.get(0)?),
                name: r.get(1)?,
                household_count: r.get(2)?,
                assignees: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT a.turf_id, a.volunteer_id
         FROM assignments a JOIN turfs t ON t.id = a.turf_id
         WHERE t.campaign_id = ?1 AND a.unassigned_at IS NULL
         ORDER BY a.turf_id, a.volunteer_id",
    )?;
    let rows = stmt.query_map([campaign.0], |r| {
        Ok((TurfId(r.get(0)?), VolunteerId(r.get(1)?)))
    })?;
    for row in rows {
        let (turf, volunteer) = row?;
        if let Ok(i) = out.binary_search_by_key(&turf, |t| t.id) {
            out[i].assignees.push(volunteer);
        }
    }
    Ok(out)
}
