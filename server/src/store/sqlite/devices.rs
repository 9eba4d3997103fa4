//! Volunteers and their devices: registration, bearer-token look-up (by hash only),
//! revocation, and what the lead sees of them.

use groundgame_core::{CampaignId, DeviceId, Role, VolunteerId};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::StoreError;

/// What a registration created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registration {
    pub device: DeviceId,
    pub volunteer: VolunteerId,
    pub campaign: CampaignId,
    pub role: Role,
}

/// The device a bearer token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device: DeviceId,
    pub volunteer: VolunteerId,
    pub campaign: CampaignId,
    pub role: Role,
    pub revoked: bool,
    pub last_seen_at: u64,
    pub registered_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSummary {
    pub id: DeviceId,
    pub name: String,
    pub last_seen_at: u64,
    pub pending: u32,
    pub app_version: String,
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolunteerSummary {
    pub id: VolunteerId,
    pub name: String,
    pub role: Role,
    pub devices: Vec<DeviceSummary>,
}

fn parse_role(role: &str) -> rusqlite::Result<Role> {
    Role::parse(role).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown role {role:?}").into(),
        )
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn register(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    role: Role,
    volunteer_name: &str,
    device_name: &str,
    app_version: &str,
    token_hash: &[u8; 32],
    now_ms: u64,
) -> Result<Registration, StoreError> {
    tx.prepare_cached(
        "INSERT INTO volunteers (campaign_id, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![
        campaign.0,
        volunteer_name,
        role.as_str(),
        now_ms
    ])?;
    let volunteer = VolunteerId(tx.last_insert_rowid());
    let device = add(tx, volunteer, device_name, app_version, token_hash, now_ms)?;
    Ok(Registration {
        device,
        volunteer,
        campaign,
        role,
    })
}

/// A new device of an existing volunteer.
pub(crate) fn add(
    tx: &Transaction<'_>,
    volunteer: VolunteerId,
    device_name: &str,
    app_version: &str,
    token_hash: &[u8; 32],
    now_ms: u64,
) -> Result<DeviceId, StoreError> {
    tx.prepare_cached(
        "INSERT INTO devices (volunteer_id, name, token_hash, app_version, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(rusqlite::params![
        volunteer.0,
        device_name,
        token_hash.as_slice(),
        app_version,
        now_ms
    ])?;
    Ok(DeviceId(tx.last_insert_rowid()))
}

pub(crate) fn by_token(
    conn: &Connection,
    token_hash: &[u8; 32],
) -> Result<Option<DeviceAuth>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT d.id, v.id, v.campaign_id, v.role, d.revoked_at IS NOT NULL, d.last_seen_at,
                    d.created_at
             FROM devices d JOIN volunteers v ON v.id = d.volunteer_id
             WHERE d.token_hash = ?1",
        )?
        .query_row([token_hash.as_slice()], |r| {
            Ok(DeviceAuth {
                device: DeviceId(r.get(0)?),
                volunteer: VolunteerId(r.get(1)?),
                campaign: CampaignId(r.get(2)?),
                role: parse_role(&r.get::<_, String>(3)?)?,
                revoked: r.get(4)?,
                last_seen_at: r.get(5)?,
                registered_at: r.get(6)?,
            })
        })
        .optional()?;
    Ok(found)
}

pub(crate) fn touch(tx: &Transaction<'_>, device: DeviceId, now_ms: u64) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE devices SET last_seen_at = MAX(last_seen_at, ?2) WHERE id = ?1")?
        .execute(rusqlite::params![device.0, now_ms])?;
    Ok(())
}

/// What a push tells about the device: it was seen now, with this many events waiting, and
/// (when it said) this app version.
pub(crate) fn record_push(
    tx: &Transaction<'_>,
    device: DeviceId,
    now_ms: u64,
    pending: u32,
    app_version: Option<&str>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE devices SET last_seen_at = MAX(last_seen_at, ?2), pending = ?3,
             app_version = COALESCE(?4, app_version)
         WHERE id = ?1",
    )?
    .execute(rusqlite::params![device.0, now_ms, pending, app_version])?;
    Ok(())
}

pub(crate) fn revoke(
    tx: &Transaction<'_>,
    device: DeviceId,
    now_ms: u64,
) -> Result<(), StoreError> {
    let found = tx
        .prepare_cached("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1")?
        .execute(rusqlite::params![device.0, now_ms])?;
    if found == 0 {
        return Err(StoreError::NotFound("device"));
    }
    Ok(())
}

pub(crate) fn campaign_of(
    conn: &Connection,
    device: DeviceId,
) -> Result<Option<CampaignId>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT v.campaign_id FROM devices d JOIN volunteers v ON v.id = d.volunteer_id
             WHERE d.id = ?1",
        )?
        .query_row([device.0], |r| Ok(CampaignId(r.get(0)?)))
        .optional()?)
}

/// The campaign of a volunteer (None when there is no such volunteer).
pub(crate) fn campaign_of_volunteer(
    conn: &Connection,
    volunteer: VolunteerId,
) -> Result<Option<CampaignId>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT campaign_id FROM volunteers WHERE id = ?1")?
        .query_row([volunteer.0], |r| Ok(CampaignId(r.get(0)?)))
        .optional()?)
}

pub(crate) fn volunteer_summaries(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<VolunteerSummary>, StoreError> {
    let mut out: Vec<VolunteerSummary> = conn
        .prepare_cached("SELECT id, name, role FROM volunteers WHERE campaign_id = ?1 ORDER BY id")?
        .query_map([campaign.0], |r| {
            Ok(VolunteerSummary {
                id: VolunteerId(r.get(0)?),
                name: r.get(1)?,
                role: parse_role(&r.get::<_, String>(2)?)?,
                devices: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT d.volunteer_id, d.id, d.name, d.last_seen_at, d.pending, d.app_version,
                d.revoked_at IS NOT NULL
         FROM devices d JOIN volunteers v ON v.id = d.volunteer_id
         WHERE v.campaign_id = ?1
         ORDER BY d.id",
    )?;
    let rows = stmt.query_map([campaign.0], |r| {
        Ok((
            VolunteerId(r.get(0)?),
            DeviceSummary {
                id: DeviceId(r.get(1)?),
                name: r.get(2)?,
                last_seen_at: r.get(3)?,
                pending: r.get(4)?,
                app_version: r.get(5)?,
                revoked: r.get(6)?,
            },
        ))
    })?;
    for row in rows {
        let (volunteer, device) = row?;
        if let Ok(i) = out.binary_search_by_key(&volunteer, |v| v.id) {
            out[i].devices.push(device);
        }
    }
    Ok(out)
}
