//! The engine: runs syncs (push the whole outbox in batches, my network, every pull page,
//! the call-list claims), retries, and publishes [`SyncStatus`]. Store work runs on blocking
//! threads; the push is pipelined (while batch k is on the wire, the answer to batch k-1 is
//! applied and batch k+1 is read and compressed), and each batch's outbox rows are removed
//! only by the server's answer for them.
//!
//! On a bad signal it keeps moving:
//! - a request that fails in a way that may pass by itself is tried again at once, a few
//!   times, after a short jittered wait ([`RetryPolicy`]), honouring a short `Retry-After`;
//! - each step keeps what it achieved (every answered batch and applied page is already in
//!   the store), and once this sync has reached the server, a step that still fails does
//!   not stop the steps after it;
//! - a sync that made progress (a push answered, a page applied) is not a failure for the
//!   back-off between syncs: the next one comes after the shortest wait, and a download
//!   stopped half-way resumes from its last page.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use groundgame_core::protocol::{
    PullRequest, PullResponse, PushOutcome, PushResponse, RegisterRequest, RegisterResponse,
    PROTOCOL_VERSION, PULL_PATH, PUSH_PATH, REGISTER_PATH,
};
use groundgame_core::Hlc;
use tokio::sync::{watch, Notify};

use super::backoff::{BackoffPolicy, RetryPolicy};
use super::client::{ApiClient, Method};
use super::plan::{self, Failure, Step};
use super::status::{SyncReport, SyncState, SyncStatus, WireStats};
use super::transport::{gzip, Transport};
use super::SyncError;
use crate::store::{DeviceState, Identity, OutboxBatch, Store, StoreError};

/// How long the background loop waits between syncs when nothing happens.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);
/// After a nudge, wait this long for more writes before syncing.
const NUDGE_DEBOUNCE: Duration = Duration::from_millis(200);

/// The sync engine of one device.
pub struct Engine<T: Transport> {
    /// The requests go through the device's API client, which the lead's and caller's
    /// screens share.
    api: Arc<ApiClient<T>>,
    nudged: Notify,
    /// The volunteer asked for a sync ("Sync now"): cuts short a back-off wait too.
    asked: Notify,
    /// One sync (or registration) at a time.
    running: tokio::sync::Mutex<()>,
    backoff: BackoffPolicy,
    retry: RetryPolicy,
    interval: Duration,
    /// Events per push request, at most [`plan::PUSH_MAX_EVENTS`].
    push_events: usize,
    /// Rows per pull page asked for (None: the server's default).
    pull_rows: Option<u32>,
}

/// What one sync did, and why it stopped short if it did.
struct Attempt {
    report: SyncReport,
    error: Option<SyncError>,
}

impl Attempt {
    fn into_result(self) -> Result<SyncReport, SyncError> {
        match self.error {
            None => Ok(self.report),
            Some(e) => Err(e),
        }
    }
}

/// An outbox batch read and compressed, ready to send.
struct Prepared {
    /// The sequence number the batch was read after.
    after: i64,
    rows: OutboxBatch,
    /// The gzip-compressed request body.
    body: Vec<u8>,
}

impl<T: Transport> Engine<T> {
    /// The transport this engine talks through.
    pub fn transport(&self) -> &T {
        self.api.transport()
    }

    pub fn new(store: Arc<Store>, transport: T) -> Self {
        Engine {
            api: Arc::new(ApiClient::new(store, transport)),
            nudged: Notify::new(),
            asked: Notify::new(),
            running: tokio::sync::Mutex::new(()),
            backoff: BackoffPolicy::default(),
            retry: RetryPolicy::default(),
            interval: DEFAULT_INTERVAL,
            push_events: plan::PUSH_MAX_EVENTS,
            pull_rows: None,
        }
    }

    /// Use other retry bounds (tests and simulations use milliseconds).
    pub fn with_backoff(mut self, policy: BackoffPolicy) -> Self {
        self.backoff = policy;
        self
    }

    /// Retry single requests inside a sync this way (tests use milliseconds, or
    /// [`RetryPolicy::NONE`] to see one failure end a sync).
    pub fn with_retries(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Smaller requests: at most `push_events` events per push and `pull_rows` rows per
    /// pull page (tests and benchmarks see many batches and pages on a small campaign).
    pub fn with_request_sizes(mut self, push_events: usize, pull_rows: u32) -> Self {
        self.push_events = push_events.clamp(1, plan::PUSH_MAX_EVENTS);
        self.pull_rows = Some(pull_rows.max(1));
        self
    }

    /// Sync this often in the background when nothing nudges (default 60 s).
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    pub fn store(&self) -> &Arc<Store> {
        self.api.store()
    }

    /// The API client the engine syncs through, for the lead's and caller's requests.
    pub fn api(&self) -> &Arc<ApiClient<T>> {
        &self.api
    }

    /// Cumulative traffic.
    pub fn stats(&self) -> WireStats {
        self.api.stats()
    }

    /// Join a campaign with an invite code: keeps the identity and token, absorbs the
    /// server's clock. The background loop syncs right after.
    pub async fn register(
        &self,
        server_url: &str,
        invite_code: &str,
        volunteer_name: &str,
        device_name: &str,
    ) -> Result<RegisterResponse, SyncError> {
        let _running = self.running.lock().await;
        let result = self
            .register_inner(server_url, invite_code, volunteer_name, device_name)
            .await;
        match &result {
            Ok(response) => {
                tracing::info!(
                    device = response.device.0,
                    campaign = response.campaign.0,
                    "joined a campaign"
                );
                self.api.refresh(|s| {
                    s.state = SyncState::Idle;
                    s.last_error = None;
                });
                self.nudged.notify_one();
            }
            Err(e) => {
                let message = e.to_string();
                self.api.refresh(|s| s.last_error = Some(message));
            }
        }
        result
    }

    async fn register_inner(
        &self,
        server_url: &str,
        invite_code: &str,
        volunteer_name: &str,
        device_name: &str,
    ) -> Result<RegisterResponse, SyncError> {
        let request = RegisterRequest {
            protocol: PROTOCOL_VERSION,
            invite_code: invite_code.trim().to_owned(),
            volunteer_name: volunteer_name.trim().to_owned(),
            device_name: device_name.trim().to_owned(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        let body = gzip(&serde_json::to_vec(&request).map_err(StoreError::from)?);
        let raw = self
            .api
            .call(Method::Post, REGISTER_PATH, Some(body), None)
            .await?;
        let response: RegisterResponse = serde_json::from_slice(&raw)
            .map_err(|e| SyncError::Protocol(format!("registration answer: {e}")))?;
        let identity = Identity {
            device: response.device,
            volunteer: response.volunteer,
            campaign: response.campaign,
            role: response.role,
            server_url: server_url.trim_end_matches('/').to_owned(),
        };
        let token = response.token.clone();
        let server_time = response.server_time;
        self.api
            .blocking(move |store| Ok(store.save_registration(&identity, &token, server_time)?))
            .await?;
        Ok(response)
    }

    /// One full sync: push the whole outbox in batches, my network, every pull page, the
    /// call-list claims. An error says why it stopped short; what it achieved before (and,
    /// after a step failed, in the steps after it) is kept all the same.
    pub async fn sync_once(&self) -> Result<SyncReport, SyncError> {
        self.attempt().await.into_result()
    }

    async fn attempt(&self) -> Attempt {
        let _running = self.running.lock().await;
        let mut report = SyncReport::default();
        let error = self.sync_inner(&mut report).await.err();
        let now = self.store().now_ms();
        // Only a sync stopped short shows where its download stands.
        let download = error
            .as_ref()
            .and_then(|_| self.store().turfs().ok())
            .map(|t| plan::download_progress(&t));
        self.api.refresh(|s| {
            s.download = None;
            match &error {
                None => {
                    s.state = SyncState::Idle;
                    s.last_success_ms = Some(now);
                    s.last_error = None;
                }
                Some(e) => {
                    s.state = state_after(e);
                    s.last_error = Some(e.to_string());
                    // A download stopped half-way stays on screen; the next sync resumes it.
                    if s.state == SyncState::Offline {
                        s.download = download.filter(|(held, total)| held < total);
                    }
                }
            }
        });
        match &error {
            None => tracing::debug!(
                pushed = report.pushed,
                rejected = report.rejected,
                pulled = report.pulled_rows,
                "sync done"
            ),
            Some(e) => tracing::info!(
                transient = e.is_transient(),
                progress = report.made_progress(),
                "sync stopped short: {e}"
            ),
        }
        Attempt { report, error }
    }

    async fn sync_inner(&self, report: &mut SyncReport) -> Result<(), SyncError> {
        let token = self.api.token()?;
        self.api.refresh(|s| s.state = SyncState::Syncing);
        let answered_before = self.api.counters.answered.load(Ordering::Relaxed);
        let mut stopped: Option<SyncError> = None;
        // After a step fails transiently (its retries spent), the next steps still run if
        // this sync has had any answer: the signal comes and goes, and pulling does not need
        // the push to have finished. With no answer at all, the device is offline: stop.
        let mut step = |result: Result<(), SyncError>| -> Result<(), SyncError> {
            match result {
                Ok(()) => Ok(()),
                Err(e) if e.is_transient() => {
                    let answered = self.api.counters.answered.load(Ordering::Relaxed);
                    if answered == answered_before {
                        return Err(e);
                    }
                    tracing::debug!("a sync step stopped short, going on: {e}");
                    stopped.get_or_insert(e);
                    Ok(())
                }
                Err(e) => Err(e),
            }
        };
        if plan::first_step(self.store().pending_count()?) == Step::Push {
            step(self.push_all(&token, report).await)?;
        }
        step(self.sync_network(&token).await.map(|_| ()))?;
        step(self.pull_all(&token, report).await)?;
        step(self.sync_calls(&token).await)?;
        if let Some(e) = stopped {
            return Err(e);
        }
        if self.store().device_state() == Some(DeviceState::SignedOut) {
            self.store().mark_active()?;
        }
        Ok(())
    }

    /// One request of a sync, tried again as [`RetryPolicy`] says.
    pub(super) async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        token: &str,
    ) -> Result<Vec<u8>, SyncError> {
        self.api
            .call_retrying(&self.retry, method, path, body, Some(token))
            .await
    }

    /// The wait before the next sync after `failures` fruitless ones in a row: the
    /// back-off, or longer if the server asked for it.
    pub(super) fn wait_after(&self, failures: u32, error: &SyncError) -> Duration {
        let delay = self.backoff.delay(failures, &mut rand::thread_rng());
        delay.max(error.retry_after().unwrap_or_default())
    }

    /// Sync until the outbox is empty, retrying transient failures with backoff. A sync
    /// that failed but made progress does not count as a failure: `max_attempts` bounds the
    /// syncs that moved nothing (and the clean ones), so a long download on a bad signal is
    /// not cut off while it advances. Other failures return at once.
    pub async fn sync_until_drained(&self, max_attempts: u32) -> Result<SyncReport, SyncError> {
        let max_attempts = max_attempts.max(1);
        let mut total = SyncReport::default();
        let (mut attempts, mut failures) = (0u32, 0u32);
        loop {
            let attempt = self.attempt().await;
            total.add(&attempt.report);
            match attempt.error {
                None => {
                    failures = 0;
                    attempts += 1;
                    if self.store().waiting_count()? == 0 || attempts >= max_attempts {
                        return Ok(total);
                    }
                }
                Some(e) if e.is_transient() => {
                    if attempt.report.made_progress() {
                        failures = 1;
                    } else {
                        failures += 1;
                        attempts += 1;
                    }
                    if attempts >= max_attempts {
                        return Err(e);
                    }
                    let delay = self.wait_after(failures, &e);
                    tracing::debug!(attempts, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                }
                Some(e) => return Err(e),
            }
        }
    }

    /// The background loop: sync, then wait for [`Engine::nudge`] or the interval. After a
    /// failure, retry with exponential backoff and full jitter even if nothing new is
    /// written (the shortest wait when the failed sync made progress; at least the
    /// server's `Retry-After`). Returns when `shutdown` becomes true (or its sender is dropped).
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let mut failures = 0u32;
        loop {
            let attempt = tokio::select! {
                biased;
                () = shutdown_requested(&mut shutdown) => return,
                a = self.attempt() => a,
            };
            let retry_in = match &attempt.error {
                Some(e) if !e.needs_the_volunteer() => {
                    // A sync that moved something starts the count again.
                    failures = if attempt.report.made_progress() {
                        1
                    } else {
                        failures.saturating_add(1)
                    };
                    Some(self.wait_after(failures, e))
                }
                _ => {
                    failures = 0;
                    None
                }
            };
            if let Some(delay) = retry_in {
                tracing::debug!(failures, delay_ms = delay.as_millis() as u64, "backing off");
                // Writes do not cut the wait short (recording offline would defeat the
                // back-off); the volunteer asking does.
                tokio::select! {
                    biased;
                    () = shutdown_requested(&mut shutdown) => return,
                    () = self.asked.notified() => {}
                    () = tokio::time::sleep(delay) => {}
                }
                continue;
            }
            tokio::select! {
                biased;
                () = shutdown_requested(&mut shutdown) => return,
                () = self.asked.notified() => {}
                () = self.nudged.notified() => {
                    tokio::select! {
                        biased;
                        () = shutdown_requested(&mut shutdown) => return,
                        () = tokio::time::sleep(NUDGE_DEBOUNCE) => {}
                    }
                }
                () = tokio::time::sleep(self.interval) => {}
            }
        }
    }

    /// The volunteer asked to sync now: sync at once, even in the middle of a back-off wait
    /// after failures (the wait would otherwise reach minutes with no signal).
    pub fn sync_now(&self) {
        self.api.refresh(|_| {});
        self.asked.notify_one();
    }

    /// A local write happened: update the pending count and sync soon.
    pub fn nudge(&self) {
        self.api.refresh(|_| {});
        self.nudged.notify_one();
    }

    /// The current status (with the outbox count read fresh).
    pub fn status(&self) -> SyncStatus {
        self.api.status()
    }

    /// Status updates, for the UI.
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.api.subscribe()
    }

    // --- push ---------------------------------------------------------------------------

    /// Push the whole outbox. A batch refused as a whole for its size or content is split
    /// until the event at fault stands alone; that one becomes a dead letter, so it cannot
    /// block the others.
    async fn push_all(&self, token: &str, report: &mut SyncReport) -> Result<(), SyncError> {
        let mut max_events = self.push_events;
        let mut next = self.prepare(0, max_events).await?;
        let mut answered: Option<(Prepared, PushResponse)> = None;
        while let Some(batch) = next.take() {
            let (sent, prepared, applied) = tokio::join!(
                self.send_push(token, &batch),
                self.prepare(batch.rows.last_seq(), max_events),
                self.apply(answered.take()),
            );
            report.add(&applied?);
            match sent {
                Ok(response) => {
                    next = prepared?;
                    if plan::after_push(next.is_some()) == Step::Pull {
                        next = None;
                    }
                    answered = Some((batch, response));
                    max_events = (max_events * 2).min(self.push_events);
                }
                Err(SyncError::Server {
                    status,
                    code,
                    message,
                    ..
                }) if plan::classify(status, &code) == Failure::SplitBatch => {
                    if batch.rows.len() > 1 {
                        max_events = batch.rows.len() / 2;
                        tracing::warn!(status, max_events, "push refused as a whole; splitting");
                        next = self.prepare(batch.after, max_events).await?;
                    } else {
                        let dead = PushResponse {
                            results: vec![PushOutcome::Rejected { code, message }],
                            server_time: Hlc::ZERO,
                        };
                        report.add(&self.apply(Some((batch, dead))).await?);
                        next = prepared?;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        report.add(&self.apply(answered).await?);
        Ok(())
    }

    /// Read the oldest outbox rows after `after` and compress them into a push body.
    async fn prepare(&self, after: i64, max_events: usize) -> Result<Option<Prepared>, SyncError> {
        self.api
            .blocking(move |store| {
                let Some(rows) = store.outbox_batch(after, max_events, plan::push_event_bytes())?
                else {
                    return Ok(None);
                };
                let body = gzip(&plan::push_body(&rows.events_json, store.pending_count()?));
                Ok(Some(Prepared { after, rows, body }))
            })
            .await
    }

    async fn send_push(&self, token: &str, batch: &Prepared) -> Result<PushResponse, SyncError> {
        let raw = self
            .request(Method::Post, PUSH_PATH, Some(batch.body.clone()), token)
            .await?;
        let response: PushResponse = serde_json::from_slice(&raw)
            .map_err(|e| SyncError::Protocol(format!("push answer: {e}")))?;
        plan::tally(batch.rows.len(), &response.results)?;
        Ok(response)
    }

    /// Apply the server's answers to a batch (one store transaction).
    async fn apply(
        &self,
        answered: Option<(Prepared, PushResponse)>,
    ) -> Result<SyncReport, SyncError> {
        let Some((batch, response)) = answered else {
            return Ok(SyncReport::default());
        };
        let tally = plan::tally(batch.rows.len(), &response.results)?;
        let sent = batch.rows.len() as u64;
        self.api
            .blocking(move |store| {
                store.apply_push_outcomes(&batch.rows, &response.results, response.server_time)?;
                Ok(())
            })
            .await?;
        self.api
            .counters
            .events_pushed
            .fetch_add(sent, Ordering::Relaxed);
        tracing::debug!(events = sent, rejected = tally.rejected, "push answered");
        self.api.refresh(|_| {});
        Ok(SyncReport {
            pushed: sent,
            accepted: tally.accepted,
            duplicates: tally.duplicates,
            rejected: tally.rejected,
            ..SyncReport::default()
        })
    }

    // --- pull ---------------------------------------------------------------------------

    /// Pull until the server has nothing more; each response is applied in one store
    /// transaction with the new cursors.
    async fn pull_all(&self, token: &str, report: &mut SyncReport) -> Result<(), SyncError> {
        loop {
            let scopes = self.store().scopes()?;
            let request = PullRequest {
                protocol: PROTOCOL_VERSION,
                scopes: scopes.clone(),
                limit: self.pull_rows,
                maps: true,
            };
            let body = gzip(&serde_json::to_vec(&request).map_err(StoreError::from)?);
            let raw = self
                .request(Method::Post, PULL_PATH, Some(body), token)
                .await?;
            let (applied, step) = self
                .api
                .blocking(move |store| {
                    let response: PullResponse = serde_json::from_slice(&raw)
                        .map_err(|e| SyncError::Protocol(format!("pull answer: {e}")))?;
                    let applied = store.apply_pull(&response)?;
                    Ok((applied, plan::after_pull(&scopes, &response)))
                })
                .await?;
            report.pulled_rows += applied.rows;
            report.pulled_pages += 1;
            report.removed_turfs += applied.removed_turfs;
            if step? != Step::Pull {
                return Ok(());
            }
            let progress = plan::download_progress(&self.store().turfs()?);
            self.api.refresh(|s| s.download = Some(progress));
        }
    }
}

/// The state a failed sync leaves the device in.
fn state_after(e: &SyncError) -> SyncState {
    match e {
        SyncError::Revoked => SyncState::Revoked,
        SyncError::NotJoined => SyncState::NotJoined,
        e if e.needs_the_volunteer() => SyncState::SignedOut,
        e if e.is_transient() => SyncState::Offline,
        _ => SyncState::Idle,
    }
}

/// Resolves when shutdown is requested (or nobody can request it any more).
async fn shutdown_requested(shutdown: &mut watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow_and_update() {
            return;
        }
        if shutdown.changed().await.is_err() {
            return;
        }
    }
}

/// The engine runs in a spawned task beside the UI.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Engine<super::HttpTransport>>();
};
