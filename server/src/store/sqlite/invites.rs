//! Invite codes: short, human-typable codes (`KX4P-7MQ2`) from an alphabet without look-alike
//! characters. Only a keyed hash of the normalised code is stored (`store::codes`), and
//! codes are never logged.

use groundgame_core::{CampaignId, DeviceId, Role, VolunteerId};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{campaigns, Registration, StoreError};

pub(crate) use crate::store::codes::{generate, CodeKey};

/// Whether an invite with this code exists (used up or expired ones included).
pub(crate) fn exists(tx: &Transaction<'_>, key: &CodeKey, code: &str) -> Result<bool, StoreError> {
    Ok(stored_hash(tx, key, code)?.is_some())
}

/// The hash an invite with this code is stored under (keyed, or unkeyed for an invite made
/// before codes were keyed), if there is one.
fn stored_hash(
    tx: &Transaction<'_>,
    key: &CodeKey,
    code: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let [keyed, unkeyed] = key.lookups(code);
    Ok(tx
        .prepare_cached("SELECT code_hash FROM invites WHERE code_hash IN (?1, ?2)")?
        .query_row([keyed.as_slice(), unkeyed.as_slice()], |r| r.get(0))
        .optional()?)
}

pub(crate) fn create(
    tx: &Transaction<'_>,
    key: &CodeKey,
    campaign: CampaignId,
    role: Role,
    uses: u32,
    expires_at_ms: u64,
    now_ms: u64,
) -> Result<String, StoreError> {
    if !campaigns::exists(tx, campaign)? {
        return Err(StoreError::NotFound("campaign"));
    }
    if uses == 0 {
        return Err(StoreError::Invalid(
            "an invite needs at least one use".into(),
        ));
    }
    loop {
        let code = generate(crate::store::codes::length_for(role));
        let inserted = tx.execute(
            "INSERT INTO invites (code_hash, campaign_id, role, uses_left, expires_at, created_at,
                                  id, max_uses)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT COALESCE(MAX(id), 0) + 1 FROM invites), ?4)
             ON CONFLICT (code_hash) DO NOTHING",
            rusqlite::params![
                key.hash(&code).as_slice(),
                campaign.0,
                role.as_str(),
                uses,
                expires_at_ms,
                now_ms
            ],
        )?;
        if inserted == 1 {
            return Ok(code);
        }
    }
}

/// Use one registration of an invite: its campaign and role, or why it cannot be used.
pub(crate) fn redeem(
    tx: &Transaction<'_>,
    key: &CodeKey,
    code: &str,
    now_ms: u64,
) -> Result<(CampaignId, Role), StoreError> {
    let code_hash = stored_hash(tx, key, code)?.ok_or(StoreError::InviteUnknown)?;
    let row: Option<(i64, String, i64, i64)> = tx
        .prepare_cached(
            "SELECT campaign_id, role, uses_left, expires_at FROM invites WHERE code_hash = ?1",
        )?
        .query_row([code_hash.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let (campaign, role, uses_left, expires_at) = row.ok_or(StoreError::InviteUnknown)?;
    if expires_at <= now_ms as i64 {
        return Err(StoreError::InviteExpired);
    }
    if uses_left <= 0 {
        return Err(StoreError::InviteUsedUp);
    }
    tx.prepare_cached("UPDATE invites SET uses_left = uses_left - 1 WHERE code_hash = ?1")?
        .execute([code_hash.as_slice()])?;
    let role = Role::parse(&role)
        .ok_or_else(|| StoreError::Corrupt(format!("invite has unknown role {role:?}")))?;
    Ok((CampaignId(campaign), role))
}

/// Note who registered with an invite (after [`redeem`] accepted it, in its transaction).
pub(crate) fn record_join(
    tx: &Transaction<'_>,
    key: &CodeKey,
    code: &str,
    registration: &Registration,
    now_ms: u64,
) -> Result<(), StoreError> {
    let Some(code_hash) = stored_hash(tx, key, code)? else {
        return Ok(());
    };
    tx.prepare_cached(
        "INSERT INTO invite_joins (invite_id, volunteer_id, device_id, joined_at)
         SELECT id, ?2, ?3, ?4 FROM invites WHERE code_hash = ?1 AND id IS NOT NULL",
    )?
    .execute(rusqlite::params![
        code_hash,
        registration.volunteer.0,
        registration.device.0,
        now_ms
    ])?;
    Ok(())
}

pub use groundgame_core::protocol::lead::InviteJoin;

/// An invite as the lead lists it: never its code (only a hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteSummary {
    pub id: i64,
    pub role: Role,
    pub created_at: u64,
    pub expires_at: u64,
    pub max_uses: u32,
    pub uses_left: u32,
    pub joined: Vec<InviteJoin>,
}

/// The campaign's invites, newest first, each with who joined with it.
pub(crate) fn of_campaign(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<InviteSummary>, StoreError> {
    let mut out: Vec<InviteSummary> = conn
        .prepare_cached(
            "SELECT id, role, created_at, expires_at, max_uses, uses_left FROM invites
             WHERE campaign_id = ?1 AND id IS NOT NULL ORDER BY id DESC",
        )?
        .query_map([campaign.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?
        .map(|row| {
            let (id, role, created_at, expires_at, max_uses, uses_left) = row?;
            Ok(InviteSummary {
                id,
                role: Role::parse(&role).ok_or_else(|| {
                    StoreError::Corrupt(format!("invite has unknown role {role:?}"))
                })?,
                created_at: created_at.max(0) as u64,
                expires_at: expires_at.max(0) as u64,
                max_uses: max_uses.clamp(0, i64::from(u32::MAX)) as u32,
                uses_left: uses_left.clamp(0, i64::from(u32::MAX)) as u32,
                joined: Vec::new(),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT j.invite_id, j.volunteer_id, v.name, j.device_id, d.name, j.joined_at
         FROM invite_joins j
         JOIN invites i ON i.id = j.invite_id
         JOIN volunteers v ON v.id = j.volunteer_id
         JOIN devices d ON d.id = j.device_id
         WHERE i.campaign_id = ?1
         ORDER BY j.joined_at, j.device_id",
    )?;
    let rows = stmt.query_map([campaign.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            InviteJoin {
                volunteer: VolunteerId(r.get(1)?),
                volunteer_name: r.get(2)?,
                device: DeviceId(r.get(3)?),
                device_name: r.get(4)?,
                joined_at: r.get(5)?,
            },
        ))
    })?;
    for row in rows {
        let (invite, join) = row?;
        // `out` is sorted by id, descending.
        if let Ok(i) = out.binary_search_by(|s| invite.cmp(&s.id)) {
            out[i].joined.push(join);
        }
    }
    Ok(out)
}
