//! Campaigns and their configuration (result codes and survey questions, kept as JSON so
//! they stay campaign data rather than code).

use groundgame_core::{CampaignConfig, CampaignId, TimeZone};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::StoreError;

pub(crate) fn create(
    tx: &Transaction<'_>,
    name: &str,
    time_zone: TimeZone,
    now_ms: u64,
) -> Result<CampaignId, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "a campaign needs a name of 1 to 200 characters".into(),
        ));
    }
    tx.execute(
        "INSERT INTO campaigns (name, config, created_at, time_zone) VALUES (?1, '{}', ?2, ?3)",
        rusqlite::params![name, now_ms, time_zone.name()],
    )?;
    let id = CampaignId(tx.last_insert_rowid());
    let config = CampaignConfig::with_defaults(id, name);
    let json = serde_json::to_string(&config)
        .map_err(|e| StoreError::Corrupt(format!("campaign config: {e}")))?;
    tx.execute(
        "UPDATE campaigns SET config = ?1 WHERE id = ?2",
        rusqlite::params![json, id.0],
    )?;
    Ok(id)
}

/// The campaign's configuration as devices receive it: the stored codes and questions, and
/// the latest version of each script.
pub(crate) fn config_with_scripts(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<CampaignConfig, StoreError> {
    let mut config = config(conn, campaign)?;
    config.scripts = super::script_versions::all_latest(conn, campaign)?;
    config.time_zone = time_zone(conn, campaign)?;
    Ok(config)
}

/// The campaign's time zone.
pub(crate) fn time_zone(conn: &Connection, campaign: CampaignId) -> Result<TimeZone, StoreError> {
    let name: Option<String> = conn
        .prepare_cached("SELECT time_zone FROM campaigns WHERE id = ?1")?
        .query_row([campaign.0], |r| r.get(0))
        .optional()?;
    let name = name.ok_or(StoreError::NotFound("campaign"))?;
    TimeZone::parse(&name).map_err(|e| StoreError::Corrupt(format!("campaign time zone: {e}")))
}

/// Set the campaign's time zone.
pub(crate) fn set_time_zone(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    zone: TimeZone,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE campaigns SET time_zone = ?1 WHERE id = ?2",
        rusqlite::params![zone.name(), campaign.0],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound("campaign"));
    }
    Ok(())
}

/// The stored configuration (codes and questions; no scripts).
pub(crate) fn config(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<CampaignConfig, StoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT config FROM campaigns WHERE id = ?1")?
        .query_row([campaign.0], |r| r.get(0))
        .optional()?;
    let json = json.ok_or(StoreError::NotFound("campaign"))?;
    serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("campaign config: {e}")))
}

pub(crate) fn exists(conn: &Connection, campaign: CampaignId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM campaigns WHERE id = ?1")?
        .exists([campaign.0])?)
}
