//! What the sync engine tells the UI: a [`SyncStatus`] published on a watch channel (state,
//! how many records wait, dead letters, the last success and, in plain words, the last
//! problem and what to do about it), a [`SyncReport`] per sync, and [`WireStats`] for
//! benchmarks.

/// Where syncing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncState {
    /// This device has not joined a campaign.
    NotJoined,
    /// Joined; nothing in progress.
    Idle,
    /// A sync is running.
    Syncing,
    /// The server could not be reached (or is failing); retrying with backoff.
    Offline,
    /// A lead revoked this device; its voter data was wiped.
    Revoked,
    /// The server no longer accepts this device's token; local data is kept.
    SignedOut,
}

/// The status shown in the app's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    pub state: SyncState,
    /// Records waiting to be pushed: field events and my-network records
    /// ([`crate::store::Store::waiting_count`]).
    pub pending: u64,
    /// Records the server refused (shown to the volunteer; never retried).
    pub rejected: u64,
    /// Wall-clock ms of the last complete sync.
    pub last_success_ms: Option<u64>,
    /// The last problem, in plain words, with what to do next.
    pub last_error: Option<String>,
    /// During a download: households held / households in scope, for a progress bar.
    pub download: Option<(u64, u64)>,
}

impl SyncStatus {
    pub fn new(state: SyncState, pending: u64, rejected: u64) -> Self {
        SyncStatus {
            state,
            pending,
            rejected,
            last_success_ms: None,
            last_error: None,
            download: None,
        }
    }
}

/// What one sync (or a run of them) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Events sent in push requests that were answered.
    pub pushed: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Households, people and events applied from pulls (upserts and removals).
    pub pulled_rows: u64,
    /// Pull answers applied.
    pub pulled_pages: u64,
    pub removed_turfs: u64,
}

impl SyncReport {
    pub fn add(&mut self, other: &SyncReport) {
        self.pushed += other.pushed;
        self.accepted += other.accepted;
        self.duplicates += other.duplicates;
        self.rejected += other.rejected;
        self.pulled_rows += other.pulled_rows;
        self.pulled_pages += other.pulled_pages;
        self.removed_turfs += other.removed_turfs;
    }

    /// The sync moved something: a push was answered (its outbox rows settled) or a pull
    /// page applied. A sync that did is not a failure for the back-off, even if a later
    /// request failed.
    pub fn made_progress(&self) -> bool {
        self.pushed > 0 || self.pulled_pages > 0
    }
}

/// Cumulative traffic of one engine, for benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireStats {
    /// Request bodies as sent (gzip-compressed).
    pub bytes_sent: u64,
    /// Response bodies as received (compressed, when the transport can tell).
    pub bytes_received: u64,
    /// Events in answered push requests.
    pub events_pushed: u64,
    pub requests: u64,
    /// Requests tried again inside a sync after a failure that may pass by itself.
    pub retries: u64,
}
