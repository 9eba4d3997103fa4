//! The hybrid logical clock. No device clock decides anything alone: every timestamp a
//! device writes is `max(wall clock, anything it has seen) + 1 tick`, and it absorbs the
//! server's clock on every sync. The server refuses to let a clock from the future leak
//! into everyone's ordering (see [`TimeCheck`]).
//!
//! An [`Hlc`] packs milliseconds since the Unix epoch (48 bits) and a logical counter
//! (16 bits) into one `u64`, so it orders, compares and serialises as a plain number.

use serde::{Deserialize, Serialize};

/// A hybrid logical timestamp: `ms << 16 | counter`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Hlc(pub u64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: u64 = (1 << COUNTER_BITS) - 1;

/// How far ahead of the server's clock a timestamp may be and still be taken as it is.
pub const MAX_FORWARD_DRIFT_MS: u64 = 5 * 60 * 1000;
/// A timestamp further ahead than this is not a skewed clock but a broken one: rejected.
pub const MAX_FUTURE_MS: u64 = 366 * 24 * 60 * 60 * 1000;
/// Nothing Groundgame records predates this (2020-01-01T00:00:00Z).
pub const EARLIEST_MS: u64 = 1_577_836_800_000;

impl Hlc {
    pub const ZERO: Hlc = Hlc(0);

    pub fn new(ms: u64, counter: u16) -> Self {
        Hlc((ms << COUNTER_BITS) | u64::from(counter))
    }
    /// Milliseconds since the Unix epoch.
    pub fn ms(self) -> u64 {
        self.0 >> COUNTER_BITS
    }
    pub fn counter(self) -> u16 {
        (self.0 & COUNTER_MAX) as u16
    }
    /// The smallest timestamp strictly after `self`.
    pub fn tick(self) -> Hlc {
        if self.counter() as u64 == COUNTER_MAX {
            Hlc::new(self.ms() + 1, 0)
        } else {
            Hlc(self.0 + 1)
        }
    }
}

/// A device's or the server's clock state. Pure: the caller passes the wall time in, so
/// tests can skew and freeze clocks at will.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    /// Resume from the last timestamp this clock issued (kept on disk across restarts).
    pub fn resume(last: Hlc) -> Self {
        HlcClock { last }
    }
    pub fn last(&self) -> Hlc {
        self.last
    }
    /// A fresh timestamp, strictly after everything issued or observed so far.
    pub fn now(&mut self, wall_ms: u64) -> Hlc {
        let wall = Hlc::new(wall_ms, 0);
        self.last = if wall > self.last {
            wall
        } else {
            self.last.tick()
        };
        self.last
    }
    /// Absorb a timestamp seen from elsewhere (the server's clock on a sync reply).
    pub fn observe(&mut self, seen: Hlc) {
        if seen > self.last {
            self.last = seen;
        }
    }
}

/// What the server does with a timestamp a device sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeCheck {
    /// Within the tolerated drift: keep it.
    Accept,
    /// Ahead of the server by more than the tolerated drift: the device's clock is wrong.
    /// Keep the event, but order it at the server's receive time instead.
    Clamp,
    /// Impossible (before 2020, or more than a year ahead): a broken clock. Reject the event
    /// with a message telling the volunteer to fix the phone's date.
    Reject,
}

/// Judge a device timestamp against the server's wall clock.
pub fn check_time(at: Hlc, server_wall_ms: u64) -> TimeCheck {
    let ms = at.ms();
    if ms < EARLIEST_MS || ms > server_wall_ms.saturating_add(MAX_FUTURE_MS) {
        TimeCheck::Reject
    } else if ms > server_wall_ms.saturating_add(MAX_FORWARD_DRIFT_MS) {
        TimeCheck::Clamp
    } else {
        TimeCheck::Accept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_and_orders() {
        let a = Hlc::new(1_700_000_000_000, 3);
        assert_eq!(a.ms(), 1_700_000_000_000);
        assert_eq!(a.counter(), 3);
        assert!(a < Hlc::new(1_700_000_000_000, 4));
        assert!(Hlc::new(1_700_000_000_000, u16::MAX) < Hlc::new(1_700_000_000_001, 0));
        assert_eq!(Hlc::new(5, u16::MAX).tick(), Hlc::new(6, 0));
    }

    #[test]
    fn clock_never_goes_backwards_when_the_wall_clock_does() {
        let mut c = HlcClock::default();
        let a = c.now(2_000_000_000_000);
        let b = c.now(1_900_000_000_000); // wall clock set back
        let d = c.now(2_000_000_000_000);
        assert!(a < b && b < d);
    }

    #[test]
    fn observing_the_server_moves_a_slow_clock_forward() {
        let mut c = HlcClock::default();
        c.observe(Hlc::new(2_000_000_000_000, 7));
        let t = c.now(1_000_000_000_000);
        assert!(t > Hlc::new(2_000_000_000_000, 7));
    }

    #[test]
    fn time_checks() {
        let now = 1_800_000_000_000;
        assert_eq!(
            check_time(Hlc::new(now - 86_400_000 * 3, 0), now),
            TimeCheck::Accept
        );
        assert_eq!(
            check_time(Hlc::new(now + 60_000, 0), now),
            TimeCheck::Accept
        );
        assert_eq!(
            check_time(Hlc::new(now + 86_400_000 * 3, 0), now),
            TimeCheck::Clamp
        );
        assert_eq!(
            check_time(Hlc::new(now + MAX_FUTURE_MS + 1, 0), now),
            TimeCheck::Reject
        );
        assert_eq!(check_time(Hlc::new(1_000, 0), now), TimeCheck::Reject);
    }
}
