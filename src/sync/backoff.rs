//! Retry timing: exponential backoff with full jitter, so a thousand phones that lost the
//! network together do not come back together. The n-th consecutive failure waits a
//! uniformly random time between the minimum and `min * 2^(n-1)` (capped at the maximum).
//!
//! Two scales use it: [`BackoffPolicy`] between whole syncs (seconds to minutes), and
//! [`RetryPolicy`] for one request inside a sync (a dropped packet on a bad signal is tried
//! again at once, a few times, after a fraction of a second).

use std::time::Duration;

use rand::Rng;

/// The bounds of the retry delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    pub min: Duration,
    pub max: Duration,
}

impl Default for BackoffPolicy {
    /// 1 s .. 5 min.
    fn default() -> Self {
        BackoffPolicy {
            min: Duration::from_secs(1),
            max: Duration::from_secs(300),
        }
    }
}

impl BackoffPolicy {
    /// The longest wait after `failures` consecutive failures (1 is the first).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(32);
        self.min
            .saturating_mul(1u32 << doublings.min(31))
            .clamp(self.min, self.max.max(self.min))
    }

    /// A random wait in `[min, ceiling(failures)]` (full jitter).
    pub fn delay(&self, failures: u32, rng: &mut impl Rng) -> Duration {
        let low = self.min.as_nanos();
        let high = self.ceiling(failures).as_nanos();
        let nanos = if high > low {
            rng.gen_range(low..=high)
        } else {
            low
        };
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

/// How one request that failed transiently (no answer, `408`, `429`, `5xx`) is tried again
/// inside a sync before the step gives up and the sync's own back-off takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries after the first one.
    pub retries: u32,
    /// The jittered wait before each retry.
    pub delay: BackoffPolicy,
    /// A server's `Retry-After` up to this long is waited out here; a longer one ends the
    /// step and the sync's back-off waits it out instead.
    pub longest_wait: Duration,
}

impl RetryPolicy {
    /// No retries inside a sync (tests of the back-off between syncs use it).
    pub const NONE: RetryPolicy = RetryPolicy {
        retries: 0,
        delay: BackoffPolicy {
            min: Duration::ZERO,
            max: Duration::ZERO,
        },
        longest_wait: Duration::ZERO,
    };

    /// The wait before retry number `retry` (1 is the first), or None when none is left.
    /// A `Retry-After` the server sent is honoured when it is short enough.
    pub fn wait(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        rng: &mut impl Rng,
    ) -> Option<Duration> {
        if retry > self.retries {
            return None;
        }
        match retry_after {
            Some(asked) if asked > self.longest_wait => None,
            Some(asked) => Some(asked.max(self.delay.delay(retry, rng))),
            None => Some(self.delay.delay(retry, rng)),
        }
    }
}

impl Default for RetryPolicy {
    /// Three retries after 0.2 s .. 2 s (jittered, doubling); `Retry-After` up to 10 s.
    fn default() -> Self {
        RetryPolicy {
            retries: 3,
            delay: BackoffPolicy {
                min: Duration::from_millis(200),
                max: Duration::from_secs(2),
            },
            longest_wait: Duration::from_secs(10),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn ceilings_double_from_one_second_up_to_five_minutes() {
        let p = BackoffPolicy::default();
        assert_eq!(p.ceiling(0), Duration::from_secs(1));
        assert_eq!(p.ceiling(1), Duration::from_secs(1));
        assert_eq!(p.ceiling(2), Duration::from_secs(2));
        assert_eq!(p.ceiling(5), Duration::from_secs(16));
        assert_eq!(p.ceiling(9), Duration::from_secs(256));
        assert_eq!(p.ceiling(10), Duration::from_secs(300));
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(300));
    }

    #[test]
    fn delays_stay_in_bounds_and_are_jittered() {
        let p = BackoffPolicy::default();
        let mut rng = StdRng::seed_from_u64(7);
        for failures in 1..40 {
            let mut seen = std::collections::HashSet::new();
            for _ in 0..50 {
                let d = p.delay(failures, &mut rng);
                assert!(
                    d >= p.min && d <= p.ceiling(failures),
                    "{d:?} at {failures}"
                );
                seen.insert(d);
            }
            if failures > 1 {
                assert!(
                    seen.len() > 40,
                    "not jittered at {failures}: {}",
                    seen.len()
                );
            }
        }
        // Spread over the whole range, not clustered at the top.
        let n = 2000;
        let mean = (0..n)
            .map(|_| p.delay(20, &mut rng).as_secs_f64())
            .sum::<f64>()
            / n as f64;
        assert!((120.0..180.0).contains(&mean), "mean {mean}");
    }

    #[test]
    fn a_request_is_retried_a_few_times_honouring_a_short_retry_after() {
        let p = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(3);
        for retry in 1..=3 {
            let wait = p.wait(retry, None, &mut rng).expect("a retry left");
            assert!(
                wait >= p.delay.min && wait <= p.delay.ceiling(retry),
                "{wait:?}"
            );
        }
        assert_eq!(
            p.wait(4, None, &mut rng),
            None,
            "three retries, then the step stops"
        );
        let asked = Duration::from_secs(5);
        assert!(p.wait(1, Some(asked), &mut rng).expect("short enough") >= asked);
        assert_eq!(
            p.wait(1, Some(Duration::from_secs(60)), &mut rng),
            None,
            "a long Retry-After is left to the sync's back-off"
        );
        assert_eq!(RetryPolicy::NONE.wait(1, None, &mut rng), None);
    }
}
