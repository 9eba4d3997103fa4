//! The device's client of the campaign server's API, apart from the sync that runs over
//! it (as Atuin keeps its `api_client` apart from its sync):
//!
//! - [`ApiClient`]: one request at a time with the device's token, its answer's error
//!   turned into a [`SyncError`] (a revocation wipes the device's voter data and says so in
//!   the status), traffic counters, store work on blocking threads. The sync engine
//!   ([`super::Engine`]) sends its pushes and pulls through it.
//! - The requests a volunteer or a lead makes from a screen, each needing a connection:
//!   a code to link another device (here), the lead's views and actions ([`lead`]), and
//!   the campaign's data in and out ([`campaign_data`]).

pub mod campaign_data;
pub mod lead;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use groundgame_core::protocol::lead::AssigneesRequest;
use groundgame_core::protocol::ErrorBody;
use groundgame_core::{DeviceId, TurfId, VolunteerId};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::watch;

use super::backoff::RetryPolicy;
use super::plan::{self, Failure};
use super::status::{SyncState, SyncStatus, WireStats};
use super::transport::{gzip, RawResponse, Transport};
use super::{assignees_path, revoke_path, SyncError};
use crate::store::{DeviceState, Store, StoreError};

/// The device's client of the server's API.
pub struct ApiClient<T: Transport> {
    store: Arc<Store>,
    transport: T,
    /// Where the device's link to the server stands: the sync engine publishes its
    /// progress here, and any request that finds the device revoked says so.
    status: watch::Sender<SyncStatus>,
    pub(crate) counters: Counters,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) bytes_sent: AtomicU64,
    pub(crate) bytes_received: AtomicU64,
    pub(crate) events_pushed: AtomicU64,
    pub(crate) requests: AtomicU64,
    /// Requests answered 2xx.
    pub(crate) answered: AtomicU64,
    /// Requests tried again inside a sync.
    pub(crate) retries: AtomicU64,
}

/// `POST`: make a code for another device of this volunteer.
pub use groundgame_core::paths::DEVICE_LINK_PATH;

/// A code to join another device as the same volunteer, shown once.
pub use groundgame_core::protocol::DeviceLinkResponse as DeviceLink;

/// The HTTP method of a request.
#[derive(Clone, Copy)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
}

impl<T: Transport> ApiClient<T> {
    pub fn new(store: Arc<Store>, transport: T) -> Self {
        let state = match store.device_state() {
            None => SyncState::NotJoined,
            Some(DeviceState::Active) => SyncState::Idle,
            Some(DeviceState::SignedOut) => SyncState::SignedOut,
            Some(DeviceState::Revoked) => SyncState::Revoked,
        };
        let pending = store.waiting_count().unwrap_or(0);
        let rejected = store.rejected_count().unwrap_or(0);
        let (status, _) = watch::channel(SyncStatus::new(state, pending, rejected));
        ApiClient {
            store,
            transport,
            status,
            counters: Counters::default(),
        }
    }

    /// The transport this client talks through.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The current status (with the outbox count read fresh).
    pub fn status(&self) -> SyncStatus {
        let mut status = self.status.borrow().clone();
        if let Ok(pending) = self.store.waiting_count() {
            status.pending = pending;
        }
        status
    }

    /// Status updates, for the UI.
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    /// Lead: replace the volunteers assigned to a turf.
    pub async fn set_assignees(
        &self,
        turf: TurfId,
        volunteers: &[VolunteerId],
    ) -> Result<(), SyncError> {
        let request = AssigneesRequest {
            volunteers: volunteers.to_vec(),
        };
        self.send_json(Method::Put, &assignees_path(turf), &request)
            .await?;
        Ok(())
    }

    /// Lead: revoke a device (its voter data is wiped at its next sync).
    pub async fn revoke_device(&self, device: DeviceId) -> Result<(), SyncError> {
        let token = self.token()?;
        self.call(
            Method::Post,
            &revoke_path(device),
            Some(gzip(b"{}")),
            Some(&token),
        )
        .await?;
        Ok(())
    }

    /// A code another device of this volunteer joins with (typed where an invite code
    /// goes): valid 15 minutes, one use. The server keeps only its hash.
    pub async fn create_device_link(&self) -> Result<DeviceLink, SyncError> {
        let token = self.token()?;
        let raw = self
            .call(
                Method::Post,
                DEVICE_LINK_PATH,
                Some(gzip(b"{}")),
                Some(&token),
            )
            .await?;
        serde_json::from_slice(&raw)
            .map_err(|e| SyncError::Protocol(format!("device link answer: {e}")))
    }

    /// GET a view from the server (the decompressed body).
    pub async fn get(&self, path: &str) -> Result<Vec<u8>, SyncError> {
        let token = self.token()?;
        self.call(Method::Get, path, None, Some(&token)).await
    }

    /// Cumulative traffic.
    pub fn stats(&self) -> WireStats {
        let c = &self.counters;
        WireStats {
            bytes_sent: c.bytes_sent.load(Ordering::Relaxed),
            bytes_received: self
                .transport
                .wire_bytes_received()
                .unwrap_or_else(|| c.bytes_received.load(Ordering::Relaxed)),
            events_pushed: c.events_pushed.load(Ordering::Relaxed),
            requests: c.requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
        }
    }

    /// GET a JSON view from the server.
    pub(crate) async fn get_json<R: DeserializeOwned>(&self, path: &str) -> Result<R, SyncError> {
        let raw = self.get(path).await?;
        serde_json::from_slice(&raw).map_err(|e| SyncError::Protocol(format!("{path}: {e}")))
    }

    /// Send a JSON body (gzipped) with the device's token.
    pub(crate) async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<Vec<u8>, SyncError> {
        let token = self.token()?;
        let body = gzip(&serde_json::to_vec(body).map_err(StoreError::from)?);
        self.call(method, path, Some(body), Some(&token)).await
    }

    /// The token, or why there is none.
    pub(crate) fn token(&self) -> Result<String, SyncError> {
        match self.store.device_state() {
            None => Err(SyncError::NotJoined),
            Some(DeviceState::Revoked) => Err(SyncError::Revoked),
            Some(_) => self.store.token()?.ok_or(SyncError::NotJoined),
        }
    }

    /// Send one request; a non-2xx answer becomes the matching error (and a revocation
    /// wipes the device before it is returned).
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        token: Option<&str>,
    ) -> Result<Vec<u8>, SyncError> {
        let c = &self.counters;
        c.requests.fetch_add(1, Ordering::Relaxed);
        c.bytes_sent
            .fetch_add(body.as_ref().map_or(0, Vec::len) as u64, Ordering::Relaxed);
        let response = match method {
            Method::Get => self.transport.get(path, token).await,
            Method::Post => {
                self.transport
                    .post(path, token, body.unwrap_or_default())
                    .await
            }
            Method::Put => {
                self.transport
                    .put(path, token, body.unwrap_or_default())
                    .await
            }
        }?;
        c.bytes_received
            .fetch_add(response.body.len() as u64, Ordering::Relaxed);
        if (200..300).contains(&response.status) {
            c.answered.fetch_add(1, Ordering::Relaxed);
            return Ok(response.body);
        }
        Err(self.failure(response, token.is_some()).await)
    }

    /// [`ApiClient::call`], tried again after a short jittered wait when it fails in a way
    /// that may pass by itself (no answer, `408`, `429`, `5xx`; a short `Retry-After` is
    /// waited out), up to the policy's retries. Only for requests that are safe to repeat:
    /// the sync's pushes (answered `duplicate` the second time), pulls, claims and releases.
    pub(crate) async fn call_retrying(
        &self,
        policy: &RetryPolicy,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        token: Option<&str>,
    ) -> Result<Vec<u8>, SyncError> {
        let mut retry = 0;
        loop {
            match self.call(method, path, body.clone(), token).await {
                Err(e) if e.is_transient() => {
                    retry += 1;
                    let wait = policy.wait(retry, e.retry_after(), &mut rand::thread_rng());
                    let Some(wait) = wait else {
                        return Err(e);
                    };
                    self.counters.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(path, retry, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                }
                answered => return answered,
            }
        }
    }

    async fn failure(&self, response: RawResponse, authenticated: bool) -> SyncError {
        let status = response.status;
        let retry_after = response.retry_after;
        let (code, message) = match serde_json::from_slice::<ErrorBody>(&response.body) {
            Ok(body) => (body.error.code, body.error.message),
            Err(_) => (
                format!("http_{status}"),
                fallback_message(status).to_owned(),
            ),
        };
        match plan::classify(status, &code) {
            Failure::Revoked if authenticated => {
                if let Err(e) = self
                    .blocking(|store| Ok(store.wipe_for_revocation()?))
                    .await
                {
                    return e;
                }
                self.refresh(|s| s.state = SyncState::Revoked);
                SyncError::Revoked
            }
            Failure::SignedOut if authenticated => {
                if let Err(e) = self.store.mark_signed_out() {
                    return e.into();
                }
                SyncError::Server {
                    status,
                    code,
                    message,
                    retry_after,
                }
            }
            _ => SyncError::Server {
                status,
                code,
                message,
                retry_after,
            },
        }
    }

    /// Run store work on a blocking thread.
    pub(crate) async fn blocking<R, F>(&self, f: F) -> Result<R, SyncError>
    where
        R: Send + 'static,
        F: FnOnce(&Store) -> Result<R, SyncError> + Send + 'static,
    {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(SyncError::Protocol(format!(
                "a background task stopped: {e}"
            ))),
        }
    }

    /// Publish a status change, with the outbox and dead-letter counts read fresh.
    pub(crate) fn refresh(&self, change: impl FnOnce(&mut SyncStatus)) {
        let pending = self.store.waiting_count().ok();
        let rejected = self.store.rejected_count().ok();
        self.status.send_modify(|s| {
            change(s);
            if let Some(p) = pending {
                s.pending = p;
            }
            if let Some(r) = rejected {
                s.rejected = r;
            }
        });
    }
}

fn fallback_message(status: u16) -> &'static str {
    match status {
        500..=599 => "the campaign server is having trouble; your records are safe and will sync automatically",
        401 => "this device is not signed in; join again with an invite code from your lead",
        404 => "the campaign server does not know this request; update the app",
        _ => "the campaign server gave an unexpected answer; update the app if this keeps happening",
    }
}
