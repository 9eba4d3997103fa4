//! Codes that add another device to the same volunteer ("use Groundgame on my laptop
//! too"). A registered device makes one; it is valid for [`LINK_TTL_MS`] and one use, and
//! void as soon as the device that made it is revoked (a lost phone cannot hand its owner's
//! campaign to a new device). Codes look like invite codes, are typed in the same Join
//! field, and, like them, are stored only as a hash and never logged.

use groundgame_core::{CampaignId, DeviceId, Role, VolunteerId};
use rusqlite::{OptionalExtension, Transaction};

use super::{invites, StoreError};

/// How long a device-link code can be used.
pub const LINK_TTL_MS: u64 = 15 * 60_000;

/// Make a code for the volunteer of `device` (which must not be revoked). Returns the code
/// and when it expires. The volunteer's expired and used codes are cleared first.
pub(crate) fn create(
    tx: &Transaction<'_>,
    key: &invites::CodeKey,
    device: DeviceId,
    now_ms: u64,
) -> Result<(String, u64), StoreError> {
    let volunteer: i64 = tx
        .prepare_cached("SELECT volunteer_id FROM devices WHERE id = ?1 AND revoked_at IS NULL")?
        .query_row([device.0], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NotFound("device"))?;
    tx.prepare_cached(
        "DELETE FROM device_links
         WHERE volunteer_id = ?1 AND (expires_at <= ?2 OR used_at IS NOT NULL)",
    )?
    .execute(rusqlite::params![volunteer, now_ms])?;
    let expires_at = now_ms + LINK_TTL_MS;
    loop {
        let code = invites::generate(crate::store::codes::SHORT_CODE);
        let hash = key.hash(&code);
        // Never the same text as an invite: the Join field takes either.
        if invites::exists(tx, key, &code)? {
            continue;
        }
        let inserted = tx
            .prepare_cached(
                "INSERT INTO device_links (code_hash, volunteer_id, created_by, created_at,
                                           expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code_hash) DO NOTHING",
            )?
            .execute(rusqlite::params![
                hash.as_slice(),
                volunteer,
                device.0,
                now_ms,
                expires_at
            ])?;
        if inserted == 1 {
            return Ok((code, expires_at));
        }
    }
}

/// The volunteer a link code adds a device to, using the code up; `None` when no such code
/// exists (or the device that made it has been revoked since).
pub(crate) fn redeem(
    tx: &Transaction<'_>,
    key: &invites::CodeKey,
    code: &str,
    now_ms: u64,
) -> Result<Option<(VolunteerId, CampaignId, Role)>, StoreError> {
    let hash = key.hash(code);
    let row: Option<(i64, i64, Option<i64>, i64, String)> = tx
        .prepare_cached(
            "SELECT l.volunteer_id, l.expires_at, l.used_at, v.campaign_id, v.role
             FROM device_links l
             JOIN volunteers v ON v.id = l.volunteer_id
             JOIN devices d ON d.id = l.created_by AND d.revoked_at IS NULL
             WHERE l.code_hash = ?1",
        )?
        .query_row([hash.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((volunteer, expires_at, used_at, campaign, role)) = row else {
        return Ok(None);
    };
    if used_at.is_some() {
        return Err(StoreError::InviteUsedUp);
    }
    if expires_at <= now_ms as i64 {
        return Err(StoreError::InviteExpired);
    }
    tx.prepare_cached("UPDATE device_links SET used_at = ?2 WHERE code_hash = ?1")?
        .execute(rusqlite::params![hash.as_slice(), now_ms])?;
    let role = Role::parse(&role)
        .ok_or_else(|| StoreError::Corrupt(format!("volunteer has unknown role {role:?}")))?;
    Ok(Some((VolunteerId(volunteer), CampaignId(campaign), role)))
}

/// Note the device that joined with a code (after [`redeem`], in its transaction).
pub(crate) fn record_use(
    tx: &Transaction<'_>,
    key: &invites::CodeKey,
    code: &str,
    device: DeviceId,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE device_links SET used_by = ?2 WHERE code_hash = ?1")?
        .execute(rusqlite::params![key.hash(code).as_slice(), device.0])?;
    Ok(())
}
