//! Guessing invite codes: each client address may have [`MAX_FAILURES`] registrations
//! refused (a wrong, expired or used-up code) within [`WINDOW_MS`]; after that, every
//! registration from it is answered `429 too_many_attempts` with `Retry-After` until the
//! window has passed. Successful registrations never count, so a lead's whole team joining
//! from one hall's Wi-Fi is not slowed. The address is the TCP peer's (behind a reverse
//! proxy that is the proxy's: put the limit there too). The counts are kept by the store,
//! so every replica counts the same refusals; they are bounded and forgotten after the
//! window.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use groundgame_core::protocol::REGISTER_PATH;

use crate::error::ApiError;
use crate::AppState;

/// Refused registrations allowed per address per window.
pub const MAX_FAILURES: u32 = 20;
/// The window, from an address's first refusal.
pub const WINDOW_MS: u64 = 10 * 60_000;
/// Addresses tracked at most; past it, windows that have ended are forgotten first.
const MAX_ADDRESSES: usize = 100_000;

/// How long an address whose window started at `start` with `count` refusals must wait.
pub fn wait_ms(start: u64, count: u32, now_ms: u64) -> Option<u64> {
    let ends = start + WINDOW_MS;
    (count >= MAX_FAILURES && now_ms < ends).then(|| ends - now_ms)
}

/// Refused registrations per client address: (window start, count), for the embedded
/// database's one process (PostgreSQL keeps the same counts in a table every replica
/// shares).
#[derive(Default)]
pub struct RegisterLimit(Mutex<HashMap<IpAddr, (u64, u32)>>);

impl RegisterLimit {
    /// Milliseconds until `ip` may try again, if it is blocked now.
    pub fn blocked_for(&self, ip: IpAddr, now_ms: u64) -> Option<u64> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (start, count) = *map.get(&ip)?;
        wait_ms(start, count, now_ms)
    }

    /// Count a refused registration from `ip`.
    pub fn refused(&self, ip: IpAddr, now_ms: u64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ADDRESSES {
            map.retain(|_, (start, _)| now_ms < *start + WINDOW_MS);
            if map.len() >= MAX_ADDRESSES {
                map.clear();
            }
        }
        let entry = map.entry(ip).or_insert((now_ms, 0));
        if now_ms >= entry.0 + WINDOW_MS {
            *entry = (now_ms, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

/// The middleware: on `POST /api/v1/register` only.
pub(crate) async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path() != REGISTER_PATH {
        return next.run(request).await;
    }
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(ip) = ip else {
        // No peer address (an in-process test router): nothing to count by.
        return next.run(request).await;
    };
    let now = state.now_ms();
    let wait = match state.read(move |s| s.registration_wait_ms(ip, now)).await {
        Ok(wait) => wait,
        Err(e) => return e.into_response(),
    };
    if let Some(wait_ms) = wait {
        let minutes = wait_ms.div_ceil(60_000).max(1);
        tracing::warn!(%ip, "registration refused: too many wrong codes");
        let mut response = ApiError::TooManyAttempts(minutes).into_response();
        if let Ok(v) = HeaderValue::from_str(&wait_ms.div_ceil(1000).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::FORBIDDEN {
        let now = state.now_ms();
        // Through the readers' gate: a long import holding the writers' must not delay it.
        if let Err(e) = state.read(move |s| s.registration_refused(ip, now)).await {
            tracing::error!("counting a refused registration: {e:?}");
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_too_many_refusals_until_its_window_ends() {
        let limit = RegisterLimit::default();
        let ip: IpAddr = "203.0.113.7".parse().expect("ip");
        let other: IpAddr = "203.0.113.8".parse().expect("ip");
        for i in 0..MAX_FAILURES {
            assert_eq!(limit.blocked_for(ip, 1_000 + u64::from(i)), None);
            limit.refused(ip, 1_000 + u64::from(i));
        }
        assert_eq!(limit.blocked_for(ip, 2_000), Some(WINDOW_MS - 1_000));
        assert_eq!(limit.blocked_for(other, 2_000), None, "per address");
        assert_eq!(limit.blocked_for(ip, 1_000 + WINDOW_MS), None);
        // A new window starts from zero.
        limit.refused(ip, 1_000 + WINDOW_MS);
        assert_eq!(limit.blocked_for(ip, 1_001 + WINDOW_MS), None);
    }
}
