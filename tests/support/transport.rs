//! Transports for tests. [`RouterTransport`] hands requests straight to the server's real
//! router (all of its parsing, auth, limits and store, no socket), so a simulation can run
//! a thousand seeds quickly and deterministically. [`FaultTransport`] wraps any transport
//! and misbehaves the way networks do: it drops requests, loses responses after the server
//! committed, delivers requests twice, and replays stale requests late (reordering). GETs
//! and PUTs are dropped and lose their answers too.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Method, Request};
use groundgame::sync::{RawResponse, Transport, TransportError};
use http_body_util::BodyExt;
use rand::rngs::StdRng;
use rand::Rng;
use tower::ServiceExt;

#[derive(Clone)]
pub struct RouterTransport {
    router: axum::Router,
}

impl RouterTransport {
    pub fn new(router: axum::Router) -> Self {
        RouterTransport { router }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, TransportError> {
        let mut req = Request::builder().method(method).uri(path);
        if body.is_some() {
            req = req
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_ENCODING, "gzip");
        }
        if let Some(token) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let req = req
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .map_err(|e| TransportError(e.to_string()))?;
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| TransportError(e.to_string()))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| groundgame::sync::transport::parse_retry_after(v.as_bytes()));
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| TransportError(e.to_string()))?
            .to_bytes()
            .to_vec();
        Ok(RawResponse {
            status,
            body,
            retry_after,
        })
    }
}

impl Transport for RouterTransport {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.send(Method::POST, path, token, Some(body)).await
    }
    async fn get(&self, path: &str, token: Option<&str>) -> Result<RawResponse, TransportError> {
        self.send(Method::GET, path, token, None).await
    }
    async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.send(Method::PUT, path, token, Some(body)).await
    }
}

/// How often each fault happens, per request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// The request never reaches the server.
    pub drop_request: f64,
    /// The server handles it (and commits), but the answer is lost.
    pub drop_response: f64,
    /// The request reaches the server twice.
    pub duplicate: f64,
    /// An earlier request, kept aside, reaches the server late, before this one.
    pub replay_stale: f64,
    /// The app is killed at this request (before or after the server saw it).
    pub crash: f64,
}

impl Faults {
    pub const NONE: Faults = Faults {
        drop_request: 0.0,
        drop_response: 0.0,
        duplicate: 0.0,
        replay_stale: 0.0,
        crash: 0.0,
    };
}

struct Stashed {
    path: String,
    token: Option<String>,
    body: Vec<u8>,
}

/// What the fault transport did, for the report of a failing seed.
#[derive(Debug, Default, Clone, Copy)]
pub struct FaultCounts {
    pub requests: u64,
    pub dropped_requests: u64,
    pub dropped_responses: u64,
    pub duplicated: u64,
    pub replayed: u64,
    pub crashes: u64,
}

pub struct FaultTransport<T> {
    inner: Arc<T>,
    shared: Arc<FaultState>,
}

impl<T> Clone for FaultTransport<T> {
    fn clone(&self) -> Self {
        FaultTransport {
            inner: self.inner.clone(),
            shared: self.shared.clone(),
        }
    }
}

struct FaultState {
    rng: Mutex<StdRng>,
    faults: Mutex<Faults>,
    offline: AtomicBool,
    crashed: AtomicBool,
    stash: Mutex<Vec<Stashed>>,
    counts: Mutex<FaultCounts>,
}

impl<T: Transport> FaultTransport<T> {
    pub fn new(inner: T, rng: StdRng, faults: Faults) -> Self {
        FaultTransport {
            inner: Arc::new(inner),
            shared: Arc::new(FaultState {
                rng: Mutex::new(rng),
                faults: Mutex::new(faults),
                offline: AtomicBool::new(false),
                crashed: AtomicBool::new(false),
                stash: Mutex::new(Vec::new()),
                counts: Mutex::new(FaultCounts::default()),
            }),
        }
    }
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock().expect("faults") = faults;
    }
    pub fn set_offline(&self, offline: bool) {
        self.shared.offline.store(offline, Ordering::SeqCst);
    }
    pub fn is_offline(&self) -> bool {
        self.shared.offline.load(Ordering::SeqCst)
    }
    /// True once if a crash fault fired since the last call: the harness must then
    /// restart the device.
    pub fn take_crash(&self) -> bool {
        self.shared.crashed.swap(false, Ordering::SeqCst)
    }
    pub fn counts(&self) -> FaultCounts {
        *self.shared.counts.lock().expect("counts")
    }

    fn roll(&self, p: f64) -> bool {
        p > 0.0 && self.shared.rng.lock().expect("rng").gen_bool(p.min(1.0))
    }

    fn count(&self, f: impl FnOnce(&mut FaultCounts)) {
        f(&mut self.shared.counts.lock().expect("counts"));
    }

    async fn deliver(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        if self.shared.crashed.load(Ordering::SeqCst) {
            // The app is dead: nothing more leaves it until it restarts.
            return Err(TransportError("the app was killed".into()));
        }
        if self.is_offline() {
            return Err(TransportError("no signal".into()));
        }
        let faults = *self.shared.faults.lock().expect("faults");
        self.count(|c| c.requests += 1);

        // A stale request from earlier arrives first.
        if self.roll(faults.replay_stale) {
            let stale = {
                let mut stash = self.shared.stash.lock().expect("stash");
                if stash.is_empty() {
                    None
                } else {
                    let i = self
                        .shared
                        .rng
                        .lock()
                        .expect("rng")
                        .gen_range(0..stash.len());
                    Some(stash.swap_remove(i))
                }
            };
            if let Some(s) = stale {
                self.count(|c| c.replayed += 1);
                let _ = self.inner.post(&s.path, s.token.as_deref(), s.body).await;
            }
        }
        if self.roll(faults.replay_stale) {
            self.shared.stash.lock().expect("stash").push(Stashed {
                path: path.to_owned(),
                token: token.map(str::to_owned),
                body: body.clone(),
            });
        }
        if self.roll(faults.crash) {
            self.count(|c| c.crashes += 1);
            self.shared.crashed.store(true, Ordering::SeqCst);
            // Killed either before the request left, or after the server answered.
            if self.roll(0.5) {
                let _ = self.inner.post(path, token, body).await;
            }
            return Err(TransportError("the app was killed".into()));
        }
        if self.roll(faults.drop_request) {
            self.count(|c| c.dropped_requests += 1);
            return Err(TransportError("connection reset before sending".into()));
        }
        if self.roll(faults.duplicate) {
            self.count(|c| c.duplicated += 1);
            let _ = self.inner.post(path, token, body.clone()).await;
        }
        let response = self.inner.post(path, token, body).await;
        if self.roll(faults.drop_response) {
            self.count(|c| c.dropped_responses += 1);
            return Err(TransportError(
                "connection lost while waiting for the answer".into(),
            ));
        }
        response
    }
}

impl<T: Transport> Transport for FaultTransport<T> {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.deliver(path, token, body).await
    }
    async fn get(&self, path: &str, token: Option<&str>) -> Result<RawResponse, TransportError> {
        let inner = self.inner.clone();
        let (path, token) = (path.to_owned(), token.map(str::to_owned));
        self.lossy(async move { inner.get(&path, token.as_deref()).await })
            .await
    }
    async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        let inner = self.inner.clone();
        let (path, token) = (path.to_owned(), token.map(str::to_owned));
        self.lossy(async move { inner.put(&path, token.as_deref(), body).await })
            .await
    }
}

impl<T: Transport> FaultTransport<T> {
    /// A GET or PUT on the same network: it may be dropped before it reaches the server or
    /// have its answer lost after the server acted (never duplicated or replayed: those
    /// model a POST retried by a proxy).
    async fn lossy(
        &self,
        send: impl std::future::Future<Output = Result<RawResponse, TransportError>>,
    ) -> Result<RawResponse, TransportError> {
        if self.is_offline() || self.shared.crashed.load(Ordering::SeqCst) {
            return Err(TransportError("no signal".into()));
        }
        let faults = *self.shared.faults.lock().expect("faults");
        self.count(|c| c.requests += 1);
        if self.roll(faults.drop_request) {
            self.count(|c| c.dropped_requests += 1);
            return Err(TransportError("connection reset before sending".into()));
        }
        let response = send.await;
        if self.roll(faults.drop_response) {
            self.count(|c| c.dropped_responses += 1);
            return Err(TransportError(
                "connection lost while waiting for the answer".into(),
            ));
        }
        response
    }
}
