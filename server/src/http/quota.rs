//! Per-device quotas on the requests a valid token can repeat at will: pushes, network
//! pushes and device-link codes. An insider with a token (or a phone whose app went wrong)
//! cannot flood the server with them: past its quota a device is answered
//! `429 too_many_requests` with `Retry-After`, before its body is read, and the app's sync
//! waits that long (`sync::backoff`) and sends the rest.
//!
//! Each quota is a bucket: a device may send `burst` at once (a phone back from a day
//! without signal empties its queue in one go), then `per_minute`. The buckets live in the
//! process, per replica — a load shield, like a proxy's rate limit: with N replicas behind a
//! balancer a device gets at most N times its quota, still bounded. (The invite-guessing
//! limit, a security bound, is kept in the database for every replica to share.)

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Mutex;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use groundgame_core::DeviceId;

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::AppState;

/// What a device is metered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Push,
    NetworkPush,
    DeviceLink,
}

/// How much of one kind a device may send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    /// Requests at once, from a full bucket.
    pub burst: u32,
    /// Requests a minute after that.
    pub per_minute: u32,
}

impl Quota {
    /// The same rate at once and a minute: `--push-quota N`.
    pub fn per_minute(n: u32) -> Quota {
        Quota {
            burst: n.max(1),
            per_minute: n.max(1),
        }
    }
}

/// The quotas a server enforces.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    /// 600 pushes (of up to 1,000 events each) at once, then 600 a minute: a device
    /// catching up on a week offline sends its whole queue without meeting it.
    pub push: Quota,
    /// My-network records: 120 pushes at once, then 120 a minute.
    pub network_push: Quota,
    /// Device-link codes: 5 at once, then 5 an hour (one a person needs, now and then).
    pub device_link: Quota,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            push: Quota::per_minute(600),
            network_push: Quota::per_minute(120),
            device_link: Quota {
                burst: 5,
                // 5 an hour: one every 12 minutes.
                per_minute: 0,
            },
        }
    }
}

impl Quotas {
    fn of(&self, kind: Kind) -> Quota {
        match kind {
            Kind::Push => self.push,
            Kind::NetworkPush => self.network_push,
            Kind::DeviceLink => self.device_link,
        }
    }

    /// Milliseconds for one request's worth to come back.
    fn refill_ms(&self, kind: Kind) -> u64 {
        match (kind, self.of(kind).per_minute) {
            (Kind::DeviceLink, 0) => 12 * 60_000,
            (_, 0) => u64::MAX / 4,
            (_, n) => (60_000 / u64::from(n)).max(1),
        }
    }
}

/// Buckets past this many devices forget the full ones (a device with a full bucket is
/// the same as one never seen).
const MAX_BUCKETS: usize = 200_000;

/// Every device's buckets in this process, kept as the generic cell rate algorithm keeps
/// them (RFC 2697's cousin, as in the `governor` crate): one integer per device and kind,
/// the time its bucket will be full again, so no floating point and no timer.
#[derive(Debug, Default)]
pub struct Meter {
    quotas: Quotas,
    /// When each device's bucket of each kind is full again (ms).
    full_at: Mutex<HashMap<(Kind, DeviceId), u64>>,
}

impl Meter {
    pub fn new(quotas: Quotas) -> Meter {
        Meter {
            quotas,
            full_at: Mutex::default(),
        }
    }

    /// Take one request of `kind` for `device` at `now_ms`: `None` when it may go ahead,
    /// or how many milliseconds until it may.
    pub fn take(&self, kind: Kind, device: DeviceId, now_ms: u64) -> Option<u64> {
        let every = self.quotas.refill_ms(kind);
        let slack = every.saturating_mul(u64::from(self.quotas.of(kind).burst.max(1) - 1));
        let mut full_at = self.full_at.lock().unwrap_or_else(|e| e.into_inner());
        if full_at.len() >= MAX_BUCKETS {
            full_at.retain(|_, at| *at > now_ms);
        }
        let at = full_at.entry((kind, device)).or_insert(now_ms);
        let from = (*at).max(now_ms);
        let ahead = from - now_ms;
        if ahead > slack {
            return Some(ahead - slack);
        }
        *at = from.saturating_add(every);
        None
    }
}

/// Which quota an endpoint is metered on: a marker type per kind.
pub trait Metered {
    const KIND: Kind;
}

pub struct PushQuota;
impl Metered for PushQuota {
    const KIND: Kind = Kind::Push;
}
pub struct NetworkPushQuota;
impl Metered for NetworkPushQuota {
    const KIND: Kind = Kind::NetworkPush;
}
pub struct DeviceLinkQuota;
impl Metered for DeviceLinkQuota {
    const KIND: Kind = Kind::DeviceLink;
}

/// The calling device, within its quota of `Q`: checked right after its token, before the
/// body is read, so a request past its quota costs the server next to nothing.
pub struct WithinQuota<Q: Metered>(pub AuthDevice, pub PhantomData<Q>);

impl<Q: Metered + Send> FromRequestParts<AppState> for WithinQuota<Q> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let device = AuthDevice::from_request_parts(parts, state).await?;
        if let Some(wait_ms) = state.meter().take(Q::KIND, device.device, state.now_ms()) {
            tracing::warn!(device = %device.device, kind = ?Q::KIND, wait_ms, "over quota");
            return Err(ApiError::TooManyRequests(wait_ms));
        }
        Ok(WithinQuota(device, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_sends_its_burst_then_waits_for_each_refill() {
        let meter = Meter::new(Quotas {
            push: Quota::per_minute(60),
            ..Quotas::default()
        });
        let (a, b) = (DeviceId(1), DeviceId(2));
        for _ in 0..60 {
            assert_eq!(meter.take(Kind::Push, a, 1_000), None);
        }
        assert_eq!(
            meter.take(Kind::Push, a, 1_000),
            Some(1_000),
            "one a second"
        );
        assert_eq!(meter.take(Kind::Push, a, 1_400), Some(600));
        assert_eq!(
            meter.take(Kind::Push, b, 1_400),
            None,
            "another device is not held up"
        );
        assert_eq!(
            meter.take(Kind::NetworkPush, a, 1_400),
            None,
            "nor another kind"
        );
        assert_eq!(meter.take(Kind::Push, a, 2_000), None);
        assert!(meter.take(Kind::Push, a, 2_000).is_some());
        // A clock that steps back refills nothing and breaks nothing.
        assert!(meter.take(Kind::Push, a, 10).is_some());
        // An idle device comes back to a full bucket, never more.
        for _ in 0..60 {
            assert_eq!(meter.take(Kind::Push, a, 10_000_000), None);
        }
        assert!(meter.take(Kind::Push, a, 10_000_000).is_some());
    }

    #[test]
    fn device_link_codes_come_five_at_once_then_one_each_twelve_minutes() {
        let meter = Meter::default();
        let d = DeviceId(7);
        for _ in 0..5 {
            assert_eq!(meter.take(Kind::DeviceLink, d, 0), None);
        }
        assert_eq!(meter.take(Kind::DeviceLink, d, 0), Some(12 * 60_000));
        assert_eq!(meter.take(Kind::DeviceLink, d, 12 * 60_000), None);
    }
}
