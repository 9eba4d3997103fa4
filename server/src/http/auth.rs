//! Device authentication. A device proves itself with `Authorization: Bearer gg_<64 hex>`;
//! the token is 32 random bytes shown once at registration, and the server keeps only its
//! SHA-256. A handler that needs a device takes an [`AuthDevice`] argument, so the type
//! signature says who may call it. Tokens are never logged.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use groundgame_core::{CampaignId, DeviceId, Role, VolunteerId};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

const TOKEN_PREFIX: &str = "gg_";
const TOKEN_BYTES: usize = 32;

/// A fresh bearer token and the hash to store for it.
pub fn new_token() -> (String, [u8; 32]) {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
    let hash = hash_token(&token);
    (token, hash)
}

fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The hash of a well-formed token; None for anything that cannot be one of ours.
fn parse_token(token: &str) -> Option<[u8; 32]> {
    let hex_part = token.strip_prefix(TOKEN_PREFIX)?;
    let well_formed = hex_part.len() == TOKEN_BYTES * 2
        && hex_part
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| hash_token(token))
}

/// The registered, unrevoked device that sent this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthDevice {
    pub device: DeviceId,
    pub volunteer: VolunteerId,
    pub campaign: CampaignId,
    pub role: Role,
    /// When the server last noted this device syncing (ms since the epoch).
    pub last_seen_at: u64,
    /// When the device registered (ms since the epoch): its records cannot be older, as
    /// its clock took the server's time then (see `sync::push`, backdated records).
    pub registered_at: u64,
}

impl AuthDevice {
    /// Leads and admins of `campaign` may manage it; anyone else is forbidden.
    pub fn require_lead_of(&self, campaign: CampaignId) -> Result<(), ApiError> {
        if self.role.sees_whole_campaign() && self.campaign == campaign {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl AuthDevice {
    /// A target (a turf, a device, a volunteer, a call list) of `campaign`, for a caller
    /// already known to lead their own: one of another campaign is answered `missing`, the
    /// same answer as an id that does not exist, so a lead cannot count another campaign's
    /// ids by telling 403 from 404.
    pub fn owns(&self, campaign: CampaignId, missing: ApiError) -> Result<(), ApiError> {
        if self.campaign == campaign {
            Ok(())
        } else {
            Err(missing)
        }
    }
}

impl FromRequestParts<AppState> for AuthDevice {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized)?
            .to_str()
            .map_err(|_| ApiError::Unauthorized)?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or(ApiError::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::Unauthorized);
        }
        let hash = parse_token(token.trim()).ok_or(ApiError::Unauthorized)?;
        let found = state
            .read(move |store| store.device_by_token(&hash))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if found.revoked {
            return Err(ApiError::DeviceRevoked);
        }
        Ok(AuthDevice {
            device: found.device,
            volunteer: found.volunteer,
            campaign: found.campaign,
            role: found.role,
            last_seen_at: found.last_seen_at,
            registered_at: found.registered_at,
        })
    }
}

/// A lead or admin of their campaign, checked before anything else of the request is read
/// (its query string, its body): anyone else gets 403 and learns nothing about what the
/// endpoint would have wanted.
pub struct AuthLead(pub AuthDevice);

impl FromRequestParts<AppState> for AuthLead {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let device = AuthDevice::from_request_parts(parts, state).await?;
        device.require_lead_of(device.campaign)?;
        Ok(AuthLead(device))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_and_hash_consistently() {
        let (token, hash) = new_token();
        assert!(token.starts_with("gg_") && token.len() == 3 + 64);
        assert_eq!(parse_token(&token), Some(hash));
        assert_eq!(parse_token(&token.to_uppercase()), None);
        assert_eq!(parse_token(&token[..60]), None);
        assert_eq!(parse_token("gg_zz"), None);
    }
}
