//! The wall clock, injected. Everything that reads the time takes a [`WallClock`] so tests
//! can freeze it, skew it or set it back; only [`system_clock`] reads the real time. The
//! wall clock never decides an order on its own: it feeds the hybrid logical clock
//! (`core::hlc`), which never goes backwards.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock milliseconds since the Unix epoch.
pub type WallClock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The machine's clock (0 if it is set before 1970).
pub fn system_clock() -> WallClock {
    Arc::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    })
}

/// A clock that always says `ms` (for tests and simulations).
pub fn fixed_clock(ms: u64) -> WallClock {
    Arc::new(move || ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_is_after_2020() {
        assert!(system_clock()() > groundgame_core::hlc::EARLIEST_MS);
        assert_eq!(fixed_clock(42)(), 42);
    }
}
