//! The server's wall clock, injectable so tests can put the server in any year.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type WallClock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The machine's clock, in milliseconds since the Unix epoch.
pub fn system_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

pub fn system() -> WallClock {
    Arc::new(system_ms)
}

pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;
