//! The engine: runs syncs (push the whole outbox in batches, then pull every page), retries
//! with backoff, and publishes [`SyncStatus`]. Store work runs on blocking threads; the
//! push is pipelined (while batch k is on the wire, the answer to batch k-1 is applied and
//! batch k+1 is read and compressed), and each batch's outbox rows are removed only by the
//! server's answer for them.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use groundgame_core::protocol::{
    PullRequest, PullResponse, PushOutcome, PushResponse, RegisterRequest, RegisterResponse,
    PROTOCOL_VERSION, PULL_PATH, PUSH_PATH, REGISTER_PATH,
};
use groundgame_core::Hlc;
use tokio::sync::{watch, Notify};

use super::backoff::BackoffPolicy;
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
    interval: Duration,
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
            interval: DEFAULT_INTERVAL,
        }
    }

    /// Use other retry bounds (tests and simulations use milliseconds).
    pub fn with_backoff(mut self, policy: BackoffPolicy) -> Self {
        self.backoff = policy;
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

    /// One full sync: push the whole outbox in batches, then pull every page.
    pub async fn sync_once(&self) -> Result<SyncReport, SyncError> {
        let _running = self.running.lock().await;
        let result = self.sync_inner().await;
        let now = self.store().now_ms();
        self.api.refresh(|s| {
            s.download = None;
            match &result {
                Ok(_) => {
                    s.state = SyncState::Idle;
                    s.last_success_ms = Some(now);
                    s.last_error = None;
                }
                Err(e) => {
                    s.state = state_after(e);
                    s.last_error = Some(e.to_string());
                }
            }
        });
        match &result {
            Ok(r) => tracing::debug!(
                pushed = r.pushed,
                rejected = r.rejected,
                pulled = r.pulled_rows,
                "sync done"
            ),
            Err(e) => tracing::info!(transient = e.is_transient(), "sync failed: {e}"),
        }
        result
    }

    async fn sync_inner(&self) -> Result<SyncReport, SyncError> {
        let token = self.api.token()?;
        self.api.refresh(|s| s.state = SyncState::Syncing);
        let mut report = SyncReport::default();
        if plan::first_step(self.store().pending_count()?) == Step::Push {
            self.push_all(&token, &mut report).await?;
        }
        self.sync_network(&token).await?;
        self.pull_all(&token, &mut report).await?;
        self.sync_calls(&token).await?;
        if self.store().device_state() == Some(DeviceState::SignedOut) {
            self.store().mark_active()?;
        }
        Ok(report)
    }

    /// Sync, retrying transient failures with backoff, until the outbox is empty (or
    /// `max_attempts` syncs were made). Other failures return at once.
    pub async fn sync_until_drained(&self, max_attempts: u32) -> Result<SyncReport, SyncError> {
        let mut total = SyncReport::default();
        let mut failures = 0u32;
        for attempt in 1..=max_attempts.max(1) {
            match self.sync_once().await {
                Ok(report) => {
                    total.add(&report);
                    failures = 0;
                    if self.store().waiting_count()? == 0 {
                        break;
                    }
                }
                Err(e) if e.is_transient() && attempt < max_attempts => {
                    failures += 1;
                    let delay = self.backoff.delay(failures, &mut rand::thread_rng());
                    tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(total)
    }

    /// The background loop: sync, then wait for [`Engine::nudge`] or the interval. After a
    /// failure, retry with exponential backoff and full jitter even if nothing new is
    /// written. Returns when `shutdown` becomes true (or its sender is dropped).
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) {
        let mut failures = 0u32;
        loop {
            let result = tokio::select! {
                biased;
                () = shutdown_requested(&mut shutdown) => return,
                r = self.sync_once() => r,
            };
            let retry_in = match &result {
                Err(e) if !e.needs_the_volunteer() => {
                    failures = failures.saturating_add(1);
                    Some(self.backoff.delay(failures, &mut rand::thread_rng()))
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
        let mut max_events = plan::PUSH_MAX_EVENTS;
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
                    max_events = (max_events * 2).min(plan::PUSH_MAX_EVENTS);
                }
                Err(SyncError::Server {
                    status,
                    code,
                    message,
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
            .api
            .call(
                Method::Post,
                PUSH_PATH,
                Some(batch.body.clone()),
                Some(token),
            )
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
                limit: None,
            };
            let body = gzip(&serde_json::to_vec(&request).map_err(StoreError::from)?);
            let raw = self
                .api
                .call(Method::Post, PULL_PATH, Some(body), Some(token))
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
