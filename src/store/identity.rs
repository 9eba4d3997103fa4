//! Who this device is: the ids the server gave it when it joined with an invite code, the
//! server's address, the bearer token and whether the device is still signed in. The token
//! is never logged and is dropped when the device is revoked.

use std::sync::atomic::Ordering;

use groundgame_core::{CampaignId, DeviceId, Hlc, Role, VolunteerId};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{hlc, wipe_voter_data, Store, StoreError};

/// This device's registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub device: DeviceId,
    pub volunteer: VolunteerId,
    pub campaign: CampaignId,
    pub role: Role,
    pub server_url: String,
}

/// Whether the device may still sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    /// Joined, with a token.
    Active,
    /// The server no longer accepts the token; local data is kept. Join again to resume.
    SignedOut,
    /// A lead revoked the device; its voter data and token were wiped.
    Revoked,
}

impl DeviceState {
    fn as_str(self) -> &'static str {
        match self {
            DeviceState::Active => "active",
            DeviceState::SignedOut => "signed_out",
            DeviceState::Revoked => "revoked",
        }
    }
    fn parse(s: &str) -> DeviceState {
        match s {
            "active" => DeviceState::Active,
            "signed_out" => DeviceState::SignedOut,
            _ => DeviceState::Revoked,
        }
    }
}

pub(super) fn load_state(conn: &Connection) -> Result<Option<DeviceState>, StoreError> {
    let state: Option<String> = conn
        .query_row("SELECT state FROM identity WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    Ok(state.as_deref().map(DeviceState::parse))
}

/// The identity row as stored (a wipe carries it into the new database).
pub(super) struct IdentityRow {
    device: i64,
    volunteer: i64,
    campaign: i64,
    role: String,
    server_url: String,
}

pub(super) fn read_row(conn: &Connection) -> Result<Option<IdentityRow>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT device, volunteer, campaign, role, server_url FROM identity WHERE id = 1",
            [],
            |r| {
                Ok(IdentityRow {
                    device: r.get(0)?,
                    volunteer: r.get(1)?,
                    campaign: r.get(2)?,
                    role: r.get(3)?,
                    server_url: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// The identity of a revoked device, with no token.
pub(super) fn insert_revoked(tx: &Transaction, row: &IdentityRow) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO identity (id, device, volunteer, campaign, role, server_url, token, state)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, NULL, 'revoked')",
        (
            row.device,
            row.volunteer,
            row.campaign,
            &row.role,
            &row.server_url,
        ),
    )?;
    Ok(())
}

/// Mark the device signed out or revoked. Leaving the active state drops the token only
/// on revocation; a signed-out device keeps it in case the server recovers.
pub(super) fn set_state(tx: &Transaction, state: DeviceState) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE identity SET state = ?1,
                token = CASE WHEN ?1 = 'revoked' THEN NULL ELSE token END
         WHERE id = 1",
        [state.as_str()],
    )?;
    Ok(())
}

impl Store {
    /// This device's registration, once it has joined a campaign.
    pub fn identity(&self) -> Result<Option<Identity>, StoreError> {
        let row = read_row(&self.lock().conn)?;
        Ok(row.map(|r| Identity {
            device: DeviceId(r.device),
            volunteer: VolunteerId(r.volunteer),
            campaign: CampaignId(r.campaign),
            // An unknown role can only come from a newer app: treat it as the least power.
            role: Role::parse(&r.role).unwrap_or(Role::Volunteer),
            server_url: r.server_url,
        }))
    }

    /// Whether the device is joined, signed out or revoked (`None`: never joined).
    pub fn device_state(&self) -> Option<DeviceState> {
        self.lock().state
    }

    /// The bearer token, while the device is not revoked. Never log it.
    pub fn token(&self) -> Result<Option<String>, StoreError> {
        let inner = self.lock();
        let token: Option<Option<String>> = inner
            .conn
            .query_row("SELECT token FROM identity WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        Ok(token.flatten())
    }

    /// Keep a fresh registration (join): identity, token, and the server's clock. Joining
    /// another campaign clears the previous campaign's voter data first, but never while
    /// events of it still wait to be pushed.
    pub fn save_registration(
        &self,
        identity: &Identity,
        token: &str,
        server_time: Hlc,
    ) -> Result<(), StoreError> {
        let previous = self.identity()?;
        let mut inner = self.lock();
        let other_campaign = previous.is_some_and(|p| p.campaign != identity.campaign);
        let pending = self.pending.load(Ordering::SeqCst);
        if other_campaign && pending > 0 {
            return Err(StoreError::PendingForOtherCampaign(pending));
        }
        let mut clock = inner.hlc;
        clock.observe(server_time);
        let tx = inner.conn.transaction()?;
        if other_campaign {
            wipe_voter_data(&tx)?;
        }
        tx.execute(
            "INSERT INTO identity (id, device, volunteer, campaign, role, server_url, token, state)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, 'active')
             ON CONFLICT (id) DO UPDATE SET
                device = excluded.device, volunteer = excluded.volunteer,
                campaign = excluded.campaign, role = excluded.role,
                server_url = excluded.server_url, token = excluded.token, state = 'active'",
            rusqlite::params![
                identity.device.0,
                identity.volunteer.0,
                identity.campaign.0,
                identity.role.as_str(),
                identity.server_url,
                token,
            ],
        )?;
        hlc::save(&tx, clock.last())?;
        tx.commit()?;
        inner.hlc = clock;
        inner.state = Some(DeviceState::Active);
        if other_campaign {
            inner.campaign = None;
            self.rejected.store(0, Ordering::SeqCst);
        }
        Ok(())
    }

    /// The server refused the token (not a revocation): keep the data, stop syncing until
    /// the volunteer joins again.
    pub fn mark_signed_out(&self) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if inner.state != Some(DeviceState::Active) {
            return Ok(());
        }
        let tx = inner.conn.transaction()?;
        set_state(&tx, DeviceState::SignedOut)?;
        tx.commit()?;
        inner.state = Some(DeviceState::SignedOut);
        Ok(())
    }
}

impl Store {
    /// A signed-out device's token was accepted again: back to active.
    pub fn mark_active(&self) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if inner.state != Some(DeviceState::SignedOut) {
            return Ok(());
        }
        let tx = inner.conn.transaction()?;
        set_state(&tx, DeviceState::Active)?;
        tx.commit()?;
        inner.state = Some(DeviceState::Active);
        Ok(())
    }
}
