//! Quarantined volunteers. A lead who doubts a volunteer's records (an implausible contact
//! rate, doors logged seconds apart) quarantines them: their events stay stored and keep
//! syncing to devices, but progress figures and the results export leave them out until
//! the lead releases them. Each quarantine is a row with its start and release, so the
//! history of who decided what is kept.

use groundgame_core::{CampaignId, DeviceId, VolunteerId};
use rusqlite::{Connection, Transaction};

use super::{devices, SqliteStore, StoreError};

/// The volunteers of the campaign under quarantine now, by id.
pub(crate) fn active(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<VolunteerId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT volunteer_id FROM quarantines
         WHERE campaign_id = ?1 AND released_at IS NULL
         ORDER BY volunteer_id",
    )?;
    let ids = stmt
        .query_map([campaign.0], |r| Ok(VolunteerId(r.get(0)?)))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// How many of the campaign's events were recorded by volunteers under quarantine now.
pub(crate) fn event_count(conn: &Connection, campaign: CampaignId) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM events
             WHERE campaign_id = ?1
               AND volunteer_id IN (SELECT volunteer_id FROM quarantines
                                    WHERE campaign_id = ?1 AND released_at IS NULL)",
        )?
        .query_row([campaign.0], |r| r.get(0))?)
}

/// How many events a volunteer recorded.
fn events_of(conn: &Connection, volunteer: VolunteerId) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM events WHERE volunteer_id = ?1")?
        .query_row([volunteer.0], |r| r.get(0))?)
}

/// Start a quarantine (a no-op when one is in force). Returns the volunteer's event count.
pub(crate) fn start(
    tx: &Transaction<'_>,
    volunteer: VolunteerId,
    by: DeviceId,
    now_ms: u64,
) -> Result<u64, StoreError> {
    let campaign =
        devices::campaign_of_volunteer(tx, volunteer)?.ok_or(StoreError::NotFound("volunteer"))?;
    tx.prepare_cached(
        "INSERT INTO quarantines (campaign_id, volunteer_id, started_at, started_by)
         SELECT ?1, ?2, ?3, ?4
         WHERE NOT EXISTS (SELECT 1 FROM quarantines
                           WHERE volunteer_id = ?2 AND released_at IS NULL)",
    )?
    .execute(rusqlite::params![campaign.0, volunteer.0, now_ms, by.0])?;
    events_of(tx, volunteer)
}

/// End the quarantine in force (a no-op when there is none). Returns the volunteer's
/// event count.
pub(crate) fn release(
    tx: &Transaction<'_>,
    volunteer: VolunteerId,
    by: DeviceId,
    now_ms: u64,
) -> Result<u64, StoreError> {
    if devices::campaign_of_volunteer(tx, volunteer)?.is_none() {
        return Err(StoreError::NotFound("volunteer"));
    }
    tx.prepare_cached(
        "UPDATE quarantines SET released_at = ?2, released_by = ?3
         WHERE volunteer_id = ?1 AND released_at IS NULL",
    )?
    .execute(rusqlite::params![volunteer.0, now_ms, by.0])?;
    events_of(tx, volunteer)
}

impl SqliteStore {
    /// The campaign a volunteer belongs to (None when there is no such volunteer).
    pub fn volunteer_campaign(
        &self,
        volunteer: VolunteerId,
    ) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| devices::campaign_of_volunteer(tx, volunteer))
    }

    /// Quarantine a volunteer: their events are kept and synced, but left out of progress
    /// figures and exports until released. Returns how many events they recorded.
    pub fn quarantine_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        self.write(|tx| start(tx, volunteer, by, now_ms))
    }

    /// Release a volunteer from quarantine: their events count again.
    pub fn release_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        self.write(|tx| release(tx, volunteer, by, now_ms))
    }

    /// The campaign's volunteers under quarantine now.
    pub fn quarantined(&self, campaign: CampaignId) -> Result<Vec<VolunteerId>, StoreError> {
        self.read(|tx| active(tx, campaign))
    }

    /// How many of the campaign's events are left out of figures and exports by quarantine.
    pub fn quarantined_event_count(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        self.read(|tx| event_count(tx, campaign))
    }
}
