//! Retry timing: exponential backoff with full jitter, so a thousand phones that lost the
//! network together do not come back together. The n-th consecutive failure waits a
//! uniformly random time between the minimum and `min * 2^(n-1)` (capped at the maximum).

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
}
