//! The sync engine: moves the outbox to the server and the volunteer's scope to the
//! device, whenever the network allows, without ever making the volunteer wait.
//!
//! - [`plan`]: pure decisions (request shapes, answer checks, pull again or not, what a
//!   failure means). Unit-tested without I/O.
//! - [`transport`]: the wire (the [`Transport`] trait; [`HttpTransport`] over reqwest).
//! - [`engine`]: the [`Engine`] that runs a sync (push, my network, pull, call-list
//!   claims: [`calls`], [`network`]), retries and publishes [`SyncStatus`].
//! - [`client`]: the [`ApiClient`] every request goes through, and the requests a lead or
//!   caller makes from a screen (the lead's views and actions, campaign data in and out).
//! - [`backoff`]: exponential backoff with full jitter.
//! - [`status`]: what the UI and benchmarks read.
//!
//! Safety under faults rests on three facts: every outbox row is applied only from the
//! server's answer for it (a lost answer means the same events are pushed again and
//! answered `duplicate`); each pull response is applied in one transaction with the new
//! cursors (a crash re-pulls it; re-applying is harmless); and nothing here decides an
//! order by the wall clock.

pub mod backoff;
pub mod calls;
pub mod client;
pub mod engine;
pub mod network;
pub mod plan;
pub mod status;
pub mod transport;

#[cfg(test)]
mod tests;

use groundgame_core::{DeviceId, TurfId};

use crate::store::StoreError;

pub use backoff::{BackoffPolicy, RetryPolicy};
pub use client::ApiClient;
pub use engine::Engine;
pub use status::{SyncReport, SyncState, SyncStatus, WireStats};
pub use transport::{HttpTransport, RawResponse, Transport, TransportError};

/// Lead: replace a turf's assignees (`PUT`, body `{"volunteers":[..]}`).
pub fn assignees_path(turf: TurfId) -> String {
    groundgame_core::paths::with_id(groundgame_core::paths::TURF_ASSIGNEES_PATH, turf)
}

/// Lead: revoke a device (`POST`).
pub fn revoke_path(device: DeviceId) -> String {
    groundgame_core::paths::with_id(groundgame_core::paths::DEVICE_REVOKE_PATH, device)
}

/// Why a sync did not complete. Messages say what to do next.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No answer from the server: retry later.
    #[error(
        "no connection to the campaign server ({0}); your records are saved on this device \
         and will sync when the connection is back"
    )]
    Transport(#[from] TransportError),
    /// The server answered with an error.
    #[error("the campaign server refused the request ({status} {code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
        /// How long the server asked the device to wait (`Retry-After`).
        retry_after: Option<std::time::Duration>,
    },
    #[error(
        "a lead signed this device out and its campaign data was removed; ask your lead for \
         a new invite code to join again"
    )]
    Revoked,
    #[error("this device has not joined a campaign yet; join with an invite code from your lead")]
    NotJoined,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the campaign server sent an answer this app does not understand ({0}); update the \
         app, and tell your lead if it keeps happening"
    )]
    Protocol(String),
}

impl SyncError {
    /// Worth retrying soon by itself: no connection, or the server failing or overloaded.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Transport(_) => true,
            SyncError::Server { status, code, .. } => {
                plan::classify(*status, code) == plan::Failure::Transient
            }
            _ => false,
        }
    }

    /// How long the server asked to be left alone before the next try, if it did.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            SyncError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Nothing changes until the volunteer acts (joins again): don't retry on a timer.
    pub fn needs_the_volunteer(&self) -> bool {
        match self {
            SyncError::Revoked | SyncError::NotJoined => true,
            SyncError::Server { status, code, .. } => {
                plan::classify(*status, code) == plan::Failure::SignedOut
            }
            _ => false,
        }
    }
}

impl From<plan::PlanError> for SyncError {
    fn from(e: plan::PlanError) -> Self {
        SyncError::Protocol(e.to_string())
    }
}
