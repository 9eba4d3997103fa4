//! Group commit: push requests that arrive while the store's writer is busy are applied
//! together, in shared write transactions, instead of one transaction (and one fsync) each.
//!
//! Each request puts its push in the queue, then waits for its answer or to lead (one group
//! at a time), whichever comes first; a leader with pushes queued waits for a writer's
//! permit (the write gate, sized by `Store::concurrency`, which the store's other writes
//! share). It takes everything queued (up to [`GROUP_MAX_EVENTS`]) — its own push, unless
//! an earlier leader already carried it, and every push that came in meanwhile — and
//! applies it with one [`Store::push_group`] call; each request then gets its own answer,
//! exactly as if it had been applied alone. No push is stranded: a push leaves the queue
//! only inside a group, and its request, until it is answered, waits to lead and then
//! takes the queue itself. A request given up by its client (the connection closed) leaves its push
//! queued; the next group applies it, which is harmless (pushes are idempotent by event id),
//! and its answer goes nowhere.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{oneshot, Semaphore};

use crate::error::ApiError;
use crate::store::{self, PushJob, Store};
use groundgame_core::protocol::PushResponse;

/// At most this many events in one group (five full pushes, or 250 of 20): the rest wait
/// for the next, so answers start flowing before a crowd's last push is applied.
pub const GROUP_MAX_EVENTS: usize = 5_000;

type Answer = oneshot::Sender<Result<PushResponse, store::StoreError>>;

/// Pushes waiting for a writer.
#[derive(Default)]
pub struct PushQueue {
    waiting: Mutex<Vec<(PushJob, Answer)>>,
    /// One group at a time: pushes to one campaign wait on its feed lock anyway, and while
    /// a group is applied the next one gathers everything that arrives meanwhile.
    leader: tokio::sync::Mutex<()>,
    groups: AtomicU64,
    pushes: AtomicU64,
}

/// What the queue has done: groups applied and pushes in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupStats {
    pub groups: u64,
    pub pushes: u64,
}

impl PushQueue {
    /// Apply `job` (alone or with whatever else is queued) and answer it.
    pub async fn push(
        &self,
        gate: &Semaphore,
        store: &Arc<dyn Store>,
        job: PushJob,
    ) -> Result<PushResponse, ApiError> {
        let (answer, mut answered) = oneshot::channel();
        self.lock().push((job, answer));
        // Answered by a group someone else leads, or leading one: whichever comes first.
        let leader = tokio::select! {
            biased;
            result = &mut answered => return finished(result),
            leader = self.leader.lock() => leader,
        };
        if self.queued() > 0 {
            let _permit = gate
                .acquire()
                .await
                .map_err(|_| ApiError::Internal("store gate closed".into()))?;
            let group = self.take();
            if !group.is_empty() {
                self.groups.fetch_add(1, Ordering::Relaxed);
                self.pushes.fetch_add(group.len() as u64, Ordering::Relaxed);
                let store = store.clone();
                // The permit is held until the group is done; if this request is given up
                // meanwhile, the blocking task still finishes and answers everyone.
                tokio::task::spawn_blocking(move || {
                    store::on_blocking_thread(|| apply(store.as_ref(), group))
                })
                .await?;
            }
        }
        drop(leader);
        finished(answered.await)
    }

    /// Pushes waiting for a writer now.
    pub fn queued(&self) -> usize {
        self.lock().len()
    }

    pub fn stats(&self) -> GroupStats {
        GroupStats {
            groups: self.groups.load(Ordering::Relaxed),
            pushes: self.pushes.load(Ordering::Relaxed),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(PushJob, Answer)>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The oldest queued pushes, up to [`GROUP_MAX_EVENTS`] events (always at least one).
    fn take(&self) -> Vec<(PushJob, Answer)> {
        let mut waiting = self.lock();
        let mut events = 0;
        let mut n = 0;
        for (job, _) in waiting.iter() {
            events += job.req.events.len();
            if n > 0 && events > GROUP_MAX_EVENTS {
                break;
            }
            n += 1;
        }
        waiting.drain(..n).collect()
    }
}

fn finished(
    answer: Result<Result<PushResponse, store::StoreError>, oneshot::error::RecvError>,
) -> Result<PushResponse, ApiError> {
    match answer {
        Ok(result) => Ok(result?),
        Err(_) => Err(ApiError::Internal(
            "the push was dropped before it was answered".into(),
        )),
    }
}

fn apply(store: &dyn Store, group: Vec<(PushJob, Answer)>) {
    let (jobs, answers): (Vec<PushJob>, Vec<Answer>) = group.into_iter().unzip();
    let size = jobs.len();
    let results = store.push_group(&jobs);
    groundgame_core::crash::point("push-committed");
    if size > 1 {
        tracing::debug!(pushes = size, "group commit");
    }
    for (answer, result) in answers.into_iter().zip(results) {
        // The request may be gone (its client hung up); the push is applied all the same.
        let _ = answer.send(result);
    }
}
