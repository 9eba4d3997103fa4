//! Guessing invite codes: each client may make [`MAX_FAILURES`] registrations that are
//! refused (a wrong, expired or used-up code) within [`WINDOW_MS`]; after that, every
//! registration from it is answered `429 too_many_attempts` with `Retry-After` until the
//! window has passed.
//!
//! Every attempt is counted *before* its code is checked, in one atomic step of the store
//! ([`crate::store::Store::registration_attempt`]), and given back afterwards when it was
//! not a wrong code ([`crate::store::Store::registration_given_back`]): so a thousand wrong
//! codes sent at once check at most [`MAX_FAILURES`] of them, on one replica or many, and a
//! lead's whole team joining from one hall's Wi-Fi is not slowed.
//!
//! A client is its address ([`client_key`]): an IPv4 address, or the /64 network of an
//! IPv6 one (one subscriber's allocation: a phone or a home router can take any address in
//! it, so whole addresses would give a guesser 2^64 keys). Behind a reverse proxy the TCP
//! peer is the proxy; the client is then read from `X-Forwarded-For`, but only when the
//! peer is one of the proxies `serve --trusted-proxy` names ([`client_address`]), since
//! anyone else can write that header.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use groundgame_core::protocol::REGISTER_PATH;
use ipnet::IpNet;

use crate::error::ApiError;
use crate::AppState;

/// Refused registrations allowed per client per window.
pub const MAX_FAILURES: u32 = 20;
/// The window, from a client's first attempt.
pub const WINDOW_MS: u64 = 10 * 60_000;
/// Clients tracked at most; past it, windows that have ended are forgotten first.
const MAX_CLIENTS: usize = 100_000;

/// How long a client whose window started at `start` with `count` attempts must wait.
pub fn wait_ms(start: u64, count: u32, now_ms: u64) -> Option<u64> {
    let ends = start + WINDOW_MS;
    (count >= MAX_FAILURES && now_ms < ends).then(|| ends - now_ms)
}

/// The key registrations from `ip` are counted under: an IPv4 address as it is (also when
/// it comes mapped into IPv6, `::ffff:a.b.c.d`), an IPv6 address by its /64.
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => ipnet::Ipv6Net::new(v6, 64)
                .map(|net| net.trunc().to_string())
                .unwrap_or_else(|_| v6.to_string()),
        },
    }
}

/// Who sent a request that reached us from `peer`: `peer` itself, unless it is one of the
/// `trusted` proxies; then the rightmost address in `X-Forwarded-For` that is not a trusted
/// proxy (each proxy appends the address it heard from, so everything left of that is
/// whatever the client chose to write). A header that cannot be read, or one made only of
/// trusted proxies, leaves the proxy's own address: never one the client wrote.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(text) = value.to_str() else {
            return peer;
        };
        for hop in text.split(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(ip),
                Err(_) => return peer,
            }
        }
    }
    hops.into_iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer)
}

/// An IPv4 address that arrived mapped into IPv6 (a dual-stack listener) as IPv4, so that
/// `--trusted-proxy 10.0.0.0/8` matches it.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One step of a client's count: `entry` (window start, attempts) after an attempt at
/// `now_ms`, and how long it must wait if the attempt is refused. A refused attempt is
/// not counted: the window it waits out is the one already started.
pub fn attempt(entry: Option<(u64, u32)>, now_ms: u64) -> ((u64, u32), Option<u64>) {
    match entry {
        Some((start, count)) if now_ms < start + WINDOW_MS => match wait_ms(start, count, now_ms) {
            Some(wait) => ((start, count), Some(wait)),
            None => ((start, count + 1), None),
        },
        _ => ((now_ms, 1), None),
    }
}

/// Attempts per client: (window start, attempts not given back), for the embedded
/// database's one process (PostgreSQL keeps the same counts in a table every replica
/// shares, stepped by one statement).
#[derive(Default)]
pub struct RegisterLimit(Mutex<HashMap<String, (u64, u32)>>);

impl RegisterLimit {
    /// Count an attempt from `client`, or say how long it must wait.
    pub fn attempt(&self, client: &str, now_ms: u64) -> Option<u64> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_CLIENTS && !map.contains_key(client) {
            map.retain(|_, (start, _)| now_ms < *start + WINDOW_MS);
            if map.len() >= MAX_CLIENTS {
                map.clear();
            }
        }
        let (entry, wait) = attempt(map.get(client).copied(), now_ms);
        map.insert(client.to_owned(), entry);
        wait
    }

    /// Give back an attempt that was not a wrong code.
    pub fn given_back(&self, client: &str, now_ms: u64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((start, count)) = map.get_mut(client) {
            if now_ms < *start + WINDOW_MS {
                *count = count.saturating_sub(1);
            }
        }
    }
}

/// The middleware: on `POST /api/v1/register` only.
pub(crate) async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path() != REGISTER_PATH {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(peer) = peer else {
        // No peer address (an in-process test router): nothing to count by.
        return next.run(request).await;
    };
    let ip = client_address(peer, request.headers(), state.trusted_proxies());
    let client = client_key(ip);
    let now = state.now_ms();
    // Through the readers' gate: a long import holding the writers' must not delay it.
    let key = client.clone();
    let wait = match state.read(move |s| s.registration_attempt(&key, now)).await {
        Ok(wait) => wait,
        Err(e) => return e.into_response(),
    };
    if let Some(wait_ms) = wait {
        let minutes = wait_ms.div_ceil(60_000).max(1);
        tracing::warn!(client = %client, "registration refused: too many wrong codes");
        let mut response = ApiError::TooManyAttempts(minutes).into_response();
        if let Ok(v) = HeaderValue::from_str(&wait_ms.div_ceil(1000).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::FORBIDDEN {
        let now = state.now_ms();
        if let Err(e) = state
            .read(move |s| s.registration_given_back(&client, now))
            .await
        {
            tracing::error!("giving back a registration attempt: {e:?}");
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_blocked_after_too_many_attempts_until_its_window_ends() {
        let limit = RegisterLimit::default();
        let (ip, other) = ("203.0.113.7", "203.0.113.8");
        for i in 0..MAX_FAILURES {
            assert_eq!(limit.attempt(ip, 1_000 + u64::from(i)), None);
        }
        assert_eq!(limit.attempt(ip, 2_000), Some(WINDOW_MS - 1_000));
        assert_eq!(limit.attempt(other, 2_000), None, "per client");
        // One given back (it was a right code) lets one more through, and only one.
        limit.given_back(ip, 2_001);
        assert_eq!(limit.attempt(ip, 2_002), None);
        assert_eq!(limit.attempt(ip, 2_003), Some(WINDOW_MS - 1_003));
        // A new window starts from zero.
        assert_eq!(limit.attempt(ip, 1_000 + WINDOW_MS), None);
        assert_eq!(limit.attempt(ip, 1_001 + WINDOW_MS), None);
    }

    #[test]
    fn ipv6_clients_are_their_64_and_mapped_ipv4_is_ipv4() {
        let key = |s: &str| client_key(s.parse().expect("ip"));
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
    }

    #[test]
    fn forwarded_for_is_read_only_from_a_trusted_proxy() {
        let ip = |s: &str| -> IpAddr { s.parse().expect("ip") };
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        let headers = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                "x-forwarded-for",
                HeaderValue::from_str(value).expect("value"),
            );
            h
        };
        let forged = headers("198.51.100.1, 203.0.113.7");
        // Not from the proxy: the header is whatever the sender wrote, and is ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &forged, &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(client_address(ip("10.0.0.2"), &forged, &[]), ip("10.0.0.2"));
        // From the proxy: the rightmost hop it did not add itself, never the left ones.
        assert_eq!(
            client_address(ip("10.0.0.2"), &forged, &trusted),
            ip("203.0.113.7")
        );
        let chain = headers("198.51.100.1, 203.0.113.7, 10.1.2.3");
        assert_eq!(
            client_address(ip("10.0.0.2"), &chain, &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_address(ip("::ffff:10.0.0.2"), &chain, &trusted),
            ip("203.0.113.7"),
            "a proxy heard on a dual-stack socket"
        );
        for bad in ["", "not-an-address", "203.0.113.7, 10.0.0.9", "10.0.0.9"] {
            let expected = if bad.starts_with("203") {
                "203.0.113.7"
            } else {
                "10.0.0.2"
            };
            assert_eq!(
                client_address(ip("10.0.0.2"), &headers(bad), &trusted),
                ip(expected),
                "{bad:?}"
            );
        }
        assert_eq!(
            client_address(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
    }
}
