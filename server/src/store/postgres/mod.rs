//! The PostgreSQL backend: one database shared by any number of stateless server replicas.
//! A replica keeps nothing another replica needs: every row, counter and clock mark is in
//! the database, so any request may go to any replica and a replica killed mid-push loses
//! nothing (its transaction rolls back; the device retries).
//!
//! The client is the `postgres` crate (the synchronous face of `tokio-postgres`) with an
//! `r2d2` pool: the store boundary is blocking by design (the push and pull rules are plain
//! code shared with SQLite, run on blocking threads), so an async client would only be
//! wrapped back into blocking calls.
//!
//! **The feed never skips a commit.** Every transaction that hands out feed numbers
//! (`seq`) in a campaign first locks that campaign's `campaign_feeds` row (`FOR UPDATE`)
//! and writes the counter back before it commits. A second writer to the same campaign
//! waits on the lock until the first commits or rolls back, then reads the committed
//! counter. So numbers are handed out in commit order per campaign, and a reader's snapshot
//! always holds a prefix of the campaign's feed: a cursor handed to a device can never have
//! a row committed behind it later. (A plain sequence column would let a reader see seq 11
//! committed while seq 10's transaction is still open, and skip 10 forever.)

mod calls;
mod do_not_call;
mod held;
mod jobs;
mod lead;
mod map;
mod migrations;
mod network;
pub(crate) mod rows;
mod scratch;
mod script_versions;
mod spine;
mod voters;

pub use scratch::ScratchDb;

use std::sync::Mutex;
use std::time::Duration;

use groundgame_core::network::{NetworkPullResponse, NetworkRecord, NetworkSummary};
use groundgame_core::protocol::{
    PullRequest, PullResponse, PushOutcome, PushRequest, PushResponse,
};
use groundgame_core::script::VersionedScript;
use groundgame_core::TimeZone;
use groundgame_core::{
    CallListId, CampaignConfig, CampaignId, DeviceId, Event, EventId, Hlc, HlcClock, HouseholdId,
    PersonId, Role, Script, TurfId, VolunteerId,
};
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use uuid::Uuid;

use crate::clock;
use crate::http::auth::AuthDevice;
use crate::import::{
    GeoIssue, GeoRow, GeocodeSummary, ImportError, ImportSummary, ReportLine, Row, VoterImport,
};
use crate::import_jobs::{ImportJob, JobState, NewImportJob};
use crate::store::codes::CodeKey;
use crate::store::{
    CallListFilter, CallListItem, CallListMember, CallListReport, CallProgress, ClaimedContact,
    DeviceAuth, DoNotCallAddition, DoNotCallUndoResponse, ExportedEvent, HeldDecisionResponse,
    HeldRecord, InviteSummary, MyCallList, NetworkOwner, NewHousehold, NewPerson, OldAssignment,
    Progress, PushJob, PushRef, Registration, SavedScript, ScriptListItem, Store, StoreError,
    TurfItem, UnplacedHousehold, VolunteerSummary,
};
use rows::Feed;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
pub(crate) type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// Connections per replica: enough for its blocking threads, few enough that several
/// replicas stay well under PostgreSQL's `max_connections`.
const POOL_SIZE: u32 = 16;

/// A URL with its password (if any) replaced, for logs and error messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// The PostgreSQL store. Cheap to share behind an `Arc`; every method blocks.
pub struct PgStore {
    /// Always `Some` until the store is dropped (see its `Drop`).
    pool: Option<Pool>,
    url: String,
    /// This replica's view of the server clock; pushes merge the campaign's mark into it.
    hlc: Mutex<HlcClock>,
    /// This replica's running progress accumulators, one per campaign: a cache checked
    /// against the database on every request (see `lead`).
    progress_cache: crate::store::sqlite::progress::Cache,
    /// What invite and device-link codes are hashed under; `None` when the database names
    /// a key file's key and this replica was not given it.
    code_key: Option<CodeKey>,
    /// Tests only: runs inside the next push's transaction, just before it commits (to
    /// hold a slow transaction open).
    #[cfg(test)]
    pub(crate) before_commit: Mutex<Option<Box<dyn FnOnce() + Send>>>,
    /// Tests only: hand out feed numbers from a plain sequence with no lock, the bug the
    /// feed lock exists to prevent, so a test can show it would catch it.
    #[cfg(test)]
    pub(crate) naive_feed: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// The key this replica hashes codes under, agreed with the database (see
/// `migrations/0005_code_key.sql`). Replicas starting together race to write the one row;
/// every one of them then reads the row that won.
fn agree_on_code_key(conn: &mut Conn, key: Option<CodeKey>) -> Result<Option<CodeKey>, StoreError> {
    let (fingerprint, secret) = match &key {
        Some(key) => (key.fingerprint(), None),
        None => {
            let made = CodeKey::random();
            (made.fingerprint(), Some(made.as_bytes().to_vec()))
        }
    };
    conn.execute(
        "INSERT INTO code_key (id, fingerprint, secret) VALUES (1, $1, $2)
         ON CONFLICT (id) DO NOTHING",
        &[&fingerprint, &secret],
    )?;
    let row = conn.query_one("SELECT fingerprint, secret FROM code_key WHERE id = 1", &[])?;
    let (kept, kept_secret): (String, Option<Vec<u8>>) = (row.get(0), row.get(1));
    match key {
        Some(key) if key.fingerprint() == kept => {
            if kept_secret.is_some() {
                // The database's own key, now given as a file: it no longer needs a copy.
                conn.execute("UPDATE code_key SET secret = NULL WHERE id = 1", &[])?;
            }
            Ok(Some(key))
        }
        Some(key) => Err(StoreError::Invalid(format!(
            "this server's code key (fingerprint {}) is not the one this database's invite \
             codes are hashed under ({kept}); give every replica the same --code-key-file{}",
            key.fingerprint(),
            if kept_secret.is_some() {
                " (the database keeps its own key: write it to a file with psql -Atc \
                 \"SELECT encode(secret, 'hex') FROM code_key\", chmod 600, and give that)"
            } else {
                ""
            }
        ))),
        None => kept_secret
            .map(|secret| CodeKey::from_bytes(&secret))
            .transpose(),
    }
}

impl Drop for PgStore {
    /// Closing a connection blocks on its client, which must not happen inside an async
    /// task (a test's, or `main`'s): the pool is dropped where blocking is allowed.
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            off_runtime(move || drop(pool));
        }
    }
}

impl PgStore {
    /// Connect to `url`, bring the schema up to date (once, whichever replica starts first)
    /// and resume the server clock from the database.
    /// Connect to the database at `url` and bring its schema up to date. Codes are hashed
    /// under the key the database names: its own, made on first use, when no replica was
    /// ever given a key file (see [`connect_with_code_key`](Self::connect_with_code_key)).
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_code_key(url, None)
    }

    /// [`connect`](Self::connect) with this replica's code key (`--code-key-file`): the
    /// first replica given one records its fingerprint, and a replica whose key does not
    /// match is refused, as it would refuse every code the others made. With `None` the
    /// database's own key is used; where the database names a key file's key instead, the
    /// store still serves but cannot make or check codes (`has_code_key` says so).
    pub fn connect_with_code_key(url: &str, key: Option<CodeKey>) -> Result<Self, StoreError> {
        off_runtime(|| Self::connect_here(url, key))
    }

    /// Whether this replica can make and check codes.
    pub fn has_code_key(&self) -> bool {
        self.code_key.is_some()
    }

    /// The key codes are hashed under, or why this replica has none.
    pub fn code_key(&self) -> Result<&CodeKey, StoreError> {
        self.code_key.as_ref().ok_or_else(|| {
            StoreError::Invalid(
                "this server was started without the code key its database's codes are \
                 hashed under: start it with --code-key-file, the same file as every replica"
                    .into(),
            )
        })
    }

    fn connect_here(url: &str, key: Option<CodeKey>) -> Result<Self, StoreError> {
        let config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            StoreError::Pool(format!(
                "{} is not a PostgreSQL URL ({e}); write it as postgres://user@host:port/db",
                redact(url)
            ))
        })?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| {
                StoreError::Pool(format!(
                    "could not connect to {}: {e}; check that PostgreSQL runs there",
                    redact(url)
                ))
            })?;
        let store = PgStore {
            pool: Some(pool),
            url: redact(url),
            hlc: Mutex::new(HlcClock::resume(Hlc::ZERO)),
            progress_cache: crate::store::sqlite::progress::Cache::default(),
            #[cfg(test)]
            before_commit: Mutex::new(None),
            #[cfg(test)]
            naive_feed: std::sync::atomic::AtomicBool::new(false),
            code_key: None,
        };
        let mut conn = store.conn()?;
        migrations::apply(&mut conn)?;
        let code_key = agree_on_code_key(&mut conn, key)?;
        let last: i64 = conn
            .query_one("SELECT COALESCE(MAX(last_hlc), 0) FROM campaign_feeds", &[])?
            .get(0);
        *store.clock() = HlcClock::resume(Hlc(last as u64));
        drop(conn);
        let mut store = store;
        store.code_key = code_key;
        Ok(store)
    }

    pub(crate) fn conn(&self) -> Result<Conn, StoreError> {
        let pool = self
            .pool
            .as_ref()
            .ok_or_else(|| StoreError::Pool("the store is closing".into()))?;
        pool.get().map_err(|e| {
            StoreError::Pool(format!(
                "no connection to {} ({e}); check that PostgreSQL runs",
                self.url
            ))
        })
    }

    fn clock(&self) -> std::sync::MutexGuard<'_, HlcClock> {
        self.hlc.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Run `f` in one read-committed write transaction and commit it when `f` succeeds.
    /// Safe from any thread (see [`off_runtime`]).
    pub(crate) fn write<T: Send>(
        &self,
        f: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError> + Send,
    ) -> Result<T, StoreError> {
        off_runtime(|| self.write_here(f))
    }

    /// [`PgStore::write`] on this thread, for work that cannot move to another (it holds
    /// an iterator or a callback that is not `Send`): only from a thread that may block
    /// (the server's blocking pool, the command line).
    pub(crate) fn write_here<T>(
        &self,
        f: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let out = f(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Run `f` in one read-only snapshot (repeatable read): everything it reads is from the
    /// same moment. Safe from any thread (see [`off_runtime`]).
    pub(crate) fn read<T: Send>(
        &self,
        f: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError> + Send,
    ) -> Result<T, StoreError> {
        off_runtime(|| self.read_here(f))
    }

    /// [`PgStore::read`] on this thread (see [`PgStore::write_here`]).
    pub(crate) fn read_here<T>(
        &self,
        f: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        let mut tx = conn
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let out = f(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Hand out feed numbers in `campaign` inside `f`'s transaction (see the module doc).
    fn write_feed<T: Send>(
        &self,
        campaign: CampaignId,
        f: impl FnOnce(&mut postgres::Transaction<'_>, &mut Feed) -> Result<T, StoreError> + Send,
    ) -> Result<T, StoreError> {
        self.write(|tx| {
            let mut feed = Feed::begin(tx, campaign)?;
            let out = f(tx, &mut feed)?;
            feed.finish(tx)?;
            Ok(out)
        })
    }
}

/// Run `f` where the synchronous client may block: here when this thread may (the
/// server's blocking pool, a plain thread), else on a short-lived thread of its own (a
/// caller inside an async task, like a test or a command run from `main`).
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if crate::store::may_block_here() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(out) => out,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

impl PgStore {
    /// Apply pushes that arrived together in one transaction with one commit, each
    /// answered exactly as if it had been applied alone: in a group, each runs in its own
    /// savepoint, so one that fails rolls back alone and gets its error. They are applied
    /// campaign by campaign in id order, so two groups (on this replica or another) take
    /// the campaigns' feed locks in the same order and never deadlock on them.
    fn push_all(&self, jobs: &[PushRef<'_>]) -> Vec<Result<PushResponse, StoreError>> {
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by_key(|&i| jobs[i].who.campaign.0);
        let alone = jobs.len() == 1;
        let mut clock = *self.clock();
        #[cfg(test)]
        let naive = self.naive_feed.load(std::sync::atomic::Ordering::SeqCst);
        #[cfg(not(test))]
        let naive = false;
        let outcomes = self.write(|tx| {
            let mut outcomes: Vec<Option<Result<Vec<PushOutcome>, StoreError>>> =
                (0..jobs.len()).map(|_| None).collect();
            // Statements prepared by one push serve the next.
            let mut statements = std::collections::HashMap::new();
            let pushed = |i: usize| {
                let job = jobs[i];
                crate::sync::push::Pushed {
                    who: job.who,
                    events: &job.req.events,
                    pending: job.req.pending,
                    app_version: job.app_version,
                    wall_ms: job.wall_ms,
                }
            };
            for run in order.chunk_by(|&a, &b| jobs[a].who.campaign == jobs[b].who.campaign) {
                let group: Vec<_> = run.iter().map(|&i| pushed(i)).collect();
                if alone {
                    let mut answers =
                        spine::push_many(tx, &group, &mut clock, naive, &mut statements)?;
                    outcomes[run[0]] = answers.pop().map(Ok);
                    continue;
                }
                // The campaign's pushes together, in one savepoint ...
                let mut together = tx.transaction()?;
                if let Ok(answers) =
                    spine::push_many(&mut together, &group, &mut clock, naive, &mut statements)
                {
                    together.commit()?;
                    for (&i, answer) in run.iter().zip(answers) {
                        outcomes[i] = Some(Ok(answer));
                    }
                    continue;
                }
                drop(together);
                // ... and if that failed, one by one, so only the push at fault fails.
                for &i in run {
                    let mut alone_here = tx.transaction()?;
                    match spine::push_many(
                        &mut alone_here,
                        &[pushed(i)],
                        &mut clock,
                        naive,
                        &mut statements,
                    ) {
                        Ok(mut answers) => {
                            alone_here.commit()?;
                            outcomes[i] = answers.pop().map(Ok);
                        }
                        // Dropped: rolled back to before this push.
                        Err(e) => outcomes[i] = Some(Err(e)),
                    }
                }
            }
            #[cfg(test)]
            if let Some(hold) = self
                .before_commit
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
            {
                hold();
            }
            Ok(outcomes)
        });
        let outcomes = match outcomes {
            Ok(outcomes) => outcomes,
            // Nothing was committed: every push of the group gets the failure.
            Err(e) => return jobs.iter().map(|_| Err(e.duplicate())).collect(),
        };
        self.clock().observe(clock.last());
        outcomes
            .into_iter()
            .zip(jobs)
            .map(|(outcome, job)| {
                let outcome = outcome.unwrap_or_else(|| {
                    Err(StoreError::Corrupt(
                        "a push of the group was skipped".into(),
                    ))
                });
                outcome.map(|results| {
                    crate::sync::push::response(results, self.server_time(job.wall_ms))
                })
            })
            .collect()
    }
}

impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn concurrency(&self) -> (usize, usize) {
        // Writers to different campaigns run in parallel; the feed lock orders the rest.
        (POOL_SIZE as usize / 2, POOL_SIZE as usize / 2)
    }

    fn server_time(&self, wall_ms: u64) -> Hlc {
        self.clock().now(wall_ms)
    }

    fn create_campaign(&self, name: &str, time_zone: TimeZone) -> Result<CampaignId, StoreError> {
        self.write(|tx| rows::create_campaign(tx, name, time_zone, clock::system_ms()))
    }

    fn campaign_time_zone(&self, campaign: CampaignId) -> Result<TimeZone, StoreError> {
        self.read(|tx| rows::time_zone(tx, campaign))
    }

    fn set_campaign_time_zone(
        &self,
        campaign: CampaignId,
        time_zone: TimeZone,
    ) -> Result<(), StoreError> {
        self.write(|tx| rows::set_time_zone(tx, campaign, time_zone))
    }

    fn campaigns(&self) -> Result<Vec<(CampaignId, String)>, StoreError> {
        self.read(|tx| rows::campaigns(tx))
    }

    fn campaign_config(&self, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
        self.read(|tx| rows::config_with_scripts(tx, campaign))
    }

    fn create_invite(
        &self,
        campaign: CampaignId,
        role: Role,
        uses: u32,
        expires_at_ms: u64,
    ) -> Result<String, StoreError> {
        self.write(|tx| {
            rows::create_invite(
                tx,
                self.code_key()?,
                campaign,
                role,
                uses,
                expires_at_ms,
                clock::system_ms(),
            )
        })
    }

    fn create_turf(&self, campaign: CampaignId, name: &str) -> Result<TurfId, StoreError> {
        self.write(|tx| rows::create_turf(tx, campaign, name, clock::system_ms()))
    }

    fn add_households(
        &self,
        turf: TurfId,
        households: Vec<(NewHousehold, Vec<NewPerson>)>,
    ) -> Result<Vec<HouseholdId>, StoreError> {
        let campaign = self
            .turf_campaign(turf)?
            .ok_or(StoreError::NotFound("turf"))?;
        self.write_feed(campaign, |tx, feed| {
            rows::add_households(tx, feed, turf, &households)
        })
    }

    fn remove_household(&self, household: HouseholdId) -> Result<(), StoreError> {
        let (turf, campaign) = self
            .read(|tx| rows::household_turf(tx, household))?
            .ok_or(StoreError::NotFound("household"))?;
        self.write_feed(campaign, |tx, feed| {
            rows::remove_household(tx, feed, household, turf)
        })
    }

    fn set_assignees_at(
        &self,
        turf: TurfId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<(), StoreError> {
        self.write(|tx| rows::set_assignees(tx, turf, volunteers, now_ms))
    }

    fn turf_campaign(&self, turf: TurfId) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| rows::turf_campaign(tx, turf))
    }

    fn assignees(&self, turf: TurfId) -> Result<Vec<VolunteerId>, StoreError> {
        self.read(|tx| rows::assignees(tx, turf))
    }

    fn turf_summaries(&self, campaign: CampaignId) -> Result<Vec<TurfItem>, StoreError> {
        PgStore::turf_summaries(self, campaign)
    }

    fn unplaced_households(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<UnplacedHousehold>, StoreError> {
        PgStore::unplaced_households(self, campaign)
    }

    fn place_households(
        &self,
        campaign: CampaignId,
        plan: &[(String, Vec<HouseholdId>)],
    ) -> Result<Vec<TurfId>, StoreError> {
        PgStore::place_households(self, campaign, plan)
    }

    fn register_device(
        &self,
        invite_code: &str,
        volunteer_name: &str,
        device_name: &str,
        app_version: &str,
        token_hash: &[u8; 32],
        now_ms: u64,
    ) -> Result<Registration, StoreError> {
        let key = self.code_key()?;
        self.write(|tx| {
            let (campaign, role) = match rows::redeem_invite(tx, key, invite_code, now_ms) {
                Err(StoreError::InviteUnknown) => {
                    let (volunteer, campaign, role) =
                        rows::redeem_device_link(tx, key, invite_code, now_ms)?
                            .ok_or(StoreError::InviteUnknown)?;
                    let device = rows::add_device(
                        tx,
                        volunteer,
                        device_name,
                        app_version,
                        token_hash,
                        now_ms,
                    )?;
                    rows::record_link_use(tx, key, invite_code, device)?;
                    return Ok(Registration {
                        device,
                        volunteer,
                        campaign,
                        role,
                    });
                }
                other => other?,
            };
            let volunteer = rows::add_volunteer(tx, campaign, role, volunteer_name, now_ms)?;
            let device =
                rows::add_device(tx, volunteer, device_name, app_version, token_hash, now_ms)?;
            let registration = Registration {
                device,
                volunteer,
                campaign,
                role,
            };
            rows::record_join(tx, key, invite_code, &registration, now_ms)?;
            Ok(registration)
        })
    }

    fn create_device_link(
        &self,
        device: DeviceId,
        now_ms: u64,
    ) -> Result<(String, u64), StoreError> {
        self.write(|tx| {
            rows::create_device_link(
                tx,
                self.code_key()?,
                device,
                crate::store::sqlite::device_links::LINK_TTL_MS,
                now_ms,
            )
        })
    }

    fn device_by_token(&self, token_hash: &[u8; 32]) -> Result<Option<DeviceAuth>, StoreError> {
        off_runtime(|| rows::device_by_token(&mut *self.conn()?, token_hash))
    }

    fn touch_device(&self, device: DeviceId, now_ms: u64) -> Result<(), StoreError> {
        off_runtime(|| rows::touch_device(&mut *self.conn()?, device, now_ms))
    }

    fn revoke_device(&self, device: DeviceId) -> Result<(), StoreError> {
        self.write(|tx| rows::revoke_device(tx, device, clock::system_ms()))
    }

    fn device_campaign(&self, device: DeviceId) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| rows::device_campaign(tx, device))
    }

    fn volunteer_campaign(&self, volunteer: VolunteerId) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| rows::volunteer_campaign(tx, volunteer))
    }

    fn volunteer_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<VolunteerSummary>, StoreError> {
        PgStore::volunteer_summaries(self, campaign)
    }

    fn registration_attempt(&self, client: &str, now_ms: u64) -> Result<Option<u64>, StoreError> {
        PgStore::registration_attempt(self, client, now_ms)
    }

    fn registration_given_back(&self, client: &str, now_ms: u64) -> Result<(), StoreError> {
        PgStore::registration_given_back(self, client, now_ms)
    }

    fn import_running(&self, campaign: CampaignId, _now_ms: u64) -> Result<bool, StoreError> {
        PgStore::import_running(self, campaign)
    }

    fn start_import_job(&self, job: &NewImportJob, now_ms: u64) -> Result<(), StoreError> {
        PgStore::start_import_job(self, job, now_ms)
    }

    fn import_job_received(&self, id: Uuid, total_bytes: u64) -> Result<(), StoreError> {
        PgStore::import_job_received(self, id, total_bytes)
    }

    fn import_job_progress(
        &self,
        id: Uuid,
        bytes_read: u64,
        rows_read: u64,
        _now_ms: u64,
    ) -> Result<(), StoreError> {
        PgStore::import_job_progress(self, id, bytes_read, rows_read)
    }

    fn finish_import_job(
        &self,
        id: Uuid,
        state: &JobState,
        report_gz: Option<&[u8]>,
        _now_ms: u64,
    ) -> Result<(), StoreError> {
        PgStore::finish_import_job(self, id, state, report_gz)
    }

    fn import_job(
        &self,
        campaign: CampaignId,
        id: Uuid,
        _now_ms: u64,
    ) -> Result<Option<ImportJob>, StoreError> {
        PgStore::import_job(self, campaign, id)
    }

    fn import_job_report(
        &self,
        campaign: CampaignId,
        id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        PgStore::import_job_report(self, campaign, id)
    }

    fn push(
        &self,
        who: &AuthDevice,
        req: &PushRequest,
        app_version: Option<&str>,
        wall_ms: u64,
    ) -> Result<PushResponse, StoreError> {
        let one = PushRef {
            who,
            req,
            app_version,
            wall_ms,
        };
        self.push_all(&[one])
            .pop()
            .unwrap_or_else(|| Err(StoreError::Corrupt("a push went unanswered".into())))
    }

    fn push_group(&self, jobs: &[PushJob]) -> Vec<Result<PushResponse, StoreError>> {
        let borrowed: Vec<_> = jobs.iter().map(PushJob::borrowed).collect();
        self.push_all(&borrowed)
    }

    fn pull(
        &self,
        who: &AuthDevice,
        req: &PullRequest,
        wall_ms: u64,
    ) -> Result<PullResponse, StoreError> {
        let (mut response, seen) = self.read(|tx| spine::pull(tx, who, req))?;
        self.clock().observe(seen);
        response.server_time = self.server_time(wall_ms);
        Ok(response)
    }

    fn campaign_events(&self, campaign: CampaignId) -> Result<Vec<Event>, StoreError> {
        self.read(|tx| rows::campaign_events(tx, campaign))
    }

    fn event_count(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        self.read(|tx| rows::event_count(tx, campaign))
    }

    fn stale_events(&self, campaign: CampaignId) -> Result<Vec<EventId>, StoreError> {
        self.read(|tx| rows::stale_events(tx, campaign))
    }

    fn begin_import(
        &self,
        campaign: CampaignId,
        format: &str,
        file_name: &str,
    ) -> Result<i64, StoreError> {
        PgStore::begin_import(self, campaign, format, file_name)
    }

    fn import_voters(
        &self,
        import: &VoterImport,
        rows: &mut dyn Iterator<Item = Result<Row, ImportError>>,
        report: &mut dyn FnMut(&ReportLine) -> std::io::Result<()>,
    ) -> Result<ImportSummary, ImportError> {
        PgStore::import_voters(self, import, rows, report)
    }

    fn set_locations(
        &self,
        campaign: CampaignId,
        rows: &mut dyn Iterator<Item = Result<GeoRow, ImportError>>,
        report: &mut dyn FnMut(u64, &GeoIssue) -> std::io::Result<()>,
    ) -> Result<GeocodeSummary, ImportError> {
        PgStore::set_locations(self, campaign, rows, report)
    }

    fn replace_map(
        &self,
        campaign: CampaignId,
        streets: &[groundgame_core::map::Street],
        points: &[groundgame_core::map::AddressPoint],
    ) -> Result<(), StoreError> {
        self.replace_map_rows(campaign, streets, points)
    }

    fn map(
        &self,
        campaign: CampaignId,
    ) -> Result<
        (
            Vec<groundgame_core::map::Street>,
            Vec<groundgame_core::map::AddressPoint>,
        ),
        StoreError,
    > {
        self.map_rows(campaign)
    }

    fn household_addresses(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<crate::store::HouseholdAddress>, StoreError> {
        self.household_address_rows(campaign)
    }

    fn export_events(
        &self,
        campaign: CampaignId,
        with_household_voters: bool,
        row: &mut dyn FnMut(&ExportedEvent) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        PgStore::export_events(self, campaign, with_household_voters, row)
    }

    fn save_script(
        &self,
        campaign: CampaignId,
        script: &Script,
    ) -> Result<SavedScript, StoreError> {
        PgStore::save_script(self, campaign, script)
    }

    fn latest_script(
        &self,
        campaign: CampaignId,
        key: &str,
    ) -> Result<Option<VersionedScript>, StoreError> {
        PgStore::latest_script(self, campaign, key)
    }

    fn scripts(&self, campaign: CampaignId) -> Result<Vec<ScriptListItem>, StoreError> {
        PgStore::scripts(self, campaign)
    }

    fn create_call_list(
        &self,
        campaign: CampaignId,
        name: &str,
        filter: &CallListFilter,
    ) -> Result<CallListReport, StoreError> {
        PgStore::create_call_list(self, campaign, name, filter)
    }

    fn call_list_members(&self, list: CallListId) -> Result<Vec<CallListMember>, StoreError> {
        PgStore::call_list_members(self, list)
    }

    fn add_do_not_call(&self, campaign: CampaignId, phone: &str) -> Result<(), StoreError> {
        crate::store::sqlite::call_lists::check_do_not_call(phone)?;
        self.write(|tx| rows::add_do_not_call(tx, campaign, phone, clock::system_ms()))
    }

    fn set_call_list_callers(
        &self,
        list: CallListId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<Vec<VolunteerId>, StoreError> {
        PgStore::set_call_list_callers(self, list, volunteers, now_ms)
    }

    fn call_list_campaign(&self, list: CallListId) -> Result<Option<CampaignId>, StoreError> {
        PgStore::call_list_campaign(self, list)
    }

    fn is_call_list_caller(
        &self,
        list: CallListId,
        volunteer: VolunteerId,
    ) -> Result<bool, StoreError> {
        PgStore::is_call_list_caller(self, list, volunteer)
    }

    fn call_list_script(&self, list: CallListId) -> Result<Option<String>, StoreError> {
        PgStore::call_list_script(self, list)
    }

    fn claim_calls(
        &self,
        list: CallListId,
        campaign: CampaignId,
        device: DeviceId,
        count: u32,
        now_ms: u64,
    ) -> Result<Vec<ClaimedContact>, StoreError> {
        PgStore::claim_calls(self, list, campaign, device, count, now_ms)
    }

    fn release_calls(
        &self,
        list: CallListId,
        device: DeviceId,
        people: &[PersonId],
    ) -> Result<u32, StoreError> {
        PgStore::release_calls(self, list, device, people)
    }

    fn call_progress(
        &self,
        list: CallListId,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<CallProgress, StoreError> {
        PgStore::call_progress(self, list, campaign, now_ms)
    }

    fn call_lists_for(
        &self,
        campaign: CampaignId,
        volunteer: Option<VolunteerId>,
        now_ms: u64,
    ) -> Result<Vec<MyCallList>, StoreError> {
        PgStore::call_lists_for(self, campaign, volunteer, now_ms)
    }

    fn progress(
        &self,
        campaign: CampaignId,
        zone: Option<TimeZone>,
    ) -> Result<Progress, StoreError> {
        PgStore::progress(self, campaign, zone)
    }

    fn warm_progress(&self) -> usize {
        PgStore::warm_progress(self)
    }

    fn quarantine_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        PgStore::quarantine_volunteer(self, volunteer, by, now_ms)
    }

    fn release_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        PgStore::release_volunteer(self, volunteer, by, now_ms)
    }

    fn quarantined_event_count(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        PgStore::quarantined_event_count(self, campaign)
    }

    fn invite_summaries(&self, campaign: CampaignId) -> Result<Vec<InviteSummary>, StoreError> {
        PgStore::invite_summaries(self, campaign)
    }

    fn call_list_summaries(&self, campaign: CampaignId) -> Result<Vec<CallListItem>, StoreError> {
        PgStore::call_list_summaries(self, campaign)
    }

    fn old_assignments(&self, campaign: CampaignId) -> Result<Vec<OldAssignment>, StoreError> {
        PgStore::old_assignments(self, campaign)
    }

    fn do_not_call_additions(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<DoNotCallAddition>, StoreError> {
        PgStore::do_not_call_additions(self, campaign)
    }

    fn undo_do_not_call(
        &self,
        campaign: CampaignId,
        id: i64,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<DoNotCallUndoResponse, StoreError> {
        PgStore::undo_do_not_call(self, campaign, id, by, now_ms)
    }

    fn held_records(&self, campaign: CampaignId) -> Result<Vec<HeldRecord>, StoreError> {
        PgStore::held_records(self, campaign)
    }

    fn decide_held(
        &self,
        campaign: CampaignId,
        id: EventId,
        accept: bool,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<HeldDecisionResponse, StoreError> {
        PgStore::decide_held(self, campaign, id, accept, by, now_ms)
    }

    fn network_push(
        &self,
        who: NetworkOwner,
        records: &[NetworkRecord],
        wall_ms: u64,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        PgStore::network_push(self, who, records, wall_ms)
    }

    fn network_pull(
        &self,
        volunteer: VolunteerId,
        cursor: u64,
        limit: u32,
        server_time: Hlc,
    ) -> Result<NetworkPullResponse, StoreError> {
        PgStore::network_pull(self, volunteer, cursor, limit, server_time)
    }

    fn network_summary(
        &self,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<NetworkSummary, StoreError> {
        PgStore::network_summary(self, campaign, now_ms)
    }
}
