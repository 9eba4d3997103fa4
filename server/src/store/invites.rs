//! Invite codes: short, human-typable codes (`KX4P-7MQ2`) from an alphabet without look-alike
//! characters. Only a hash of the normalised code is stored, and codes are never logged.

use groundgame_core::{CampaignId, Role};
use rand::Rng;
use rusqlite::{OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::{campaigns, StoreError};

/// No 0/O, 1/I/L or U/V pairs to confuse on a phone keyboard or a handwritten note.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
const CODE_CHARS: usize = 8;

/// Uppercase, without spaces or dashes: what a volunteer meant to type.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn hash(code: &str) -> [u8; 32] {
    Sha256::digest(normalise(code).as_bytes()).into()
}

fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..CODE_CHARS)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

pub(crate) fn create(
    tx: &Transaction<'_>,
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
        let code = generate();
        let inserted = tx.execute(
            "INSERT INTO invites (code_hash, campaign_id, role, uses_left, expires_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (code_hash) DO NOTHING",
            rusqlite::params![
                hash(&code).as_slice(),
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
    code: &str,
    now_ms: u64,
) -> Result<(CampaignId, Role), StoreError> {
    let code_hash = hash(code);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typable_and_normalised() {
        let code = generate();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(code.replace('-', "").bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(hash(&code), hash(&code.to_lowercase().replace('-', " ")));
    }
}
