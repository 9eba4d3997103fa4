//! The server's store boundary: [`Store`], the use-case operations routes, the command line
//! and background jobs call (apply a push for a caller, answer a pull, register a device,
//! claim contacts, import a voter file, the lead's figures, ...), with no SQL, connection
//! or transaction type in any signature. Two backends implement it, one module each:
//!
//! - [`sqlite`]: the embedded default, one SQLite file owned by one process.
//! - [`postgres`]: one PostgreSQL database shared by any number of stateless server
//!   replicas.
//!
//! The rules that decide what a push may do and what a pull answers are plain code in
//! `crate::sync`, run by both backends over the look-ups they need (`sync::push::PushTx`,
//! `sync::pull::PullTx`). Every operation blocks: async callers run it on a blocking thread
//! (see `AppState::read` / `AppState::write`).

pub mod codes;
pub mod digest;
pub mod migrate;
pub mod postgres;
pub mod sqlite;

use groundgame_core::network::{NetworkPullResponse, NetworkRecord, NetworkSummary};
use groundgame_core::protocol::{
    PullRequest, PullResponse, PushOutcome, PushRequest, PushResponse,
};
use groundgame_core::script::VersionedScript;
use groundgame_core::TimeZone;
use groundgame_core::{
    CallListId, CampaignConfig, CampaignId, DeviceId, Event, EventId, Hlc, HouseholdId, PersonId,
    Role, Script, TurfId, VolunteerId,
};

use uuid::Uuid;

use crate::http::auth::AuthDevice;
use crate::import::{
    GeoIssue, GeoRow, GeocodeSummary, ImportError, ImportSummary, ReportLine, Row, VoterImport,
};
use crate::import_jobs::{ImportJob, JobState, NewImportJob};

pub use groundgame_core::protocol::lead::{
    CallListItem, DoNotCallAddition, DoNotCallUndoResponse, HeldDecisionResponse, HeldRecord,
    OldAssignment,
};
pub use postgres::PgStore;
pub use sqlite::invites::InviteSummary;
pub use sqlite::network::NetworkOwner;
pub use sqlite::progress::Progress;
pub use sqlite::{
    set_claim_lease_ms, CallListFilter, CallListMember, CallListReport, CallProgress,
    ClaimedContact, DeviceAuth, DeviceSummary, ExportedEvent, HouseholdAddress, MyCallList,
    NewHousehold, NewPerson, Registration, SavedScript, ScriptListItem, SqliteStore, TurfItem,
    UnplacedHousehold, VolunteerSummary, READERS,
};

pub use crate::error::StoreError;
pub use crate::sync::push::{set_stale_grace_ms, stale_grace_ms, DEFAULT_STALE_GRACE_MS};

/// One push request as a group commit carries it ([`Store::push_group`]).
#[derive(Debug, Clone)]
pub struct PushJob {
    pub who: AuthDevice,
    pub req: PushRequest,
    pub app_version: Option<String>,
    pub wall_ms: u64,
}

/// A push to apply, borrowed: what the stores' one push path takes, alone or in a group.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PushRef<'a> {
    pub who: &'a AuthDevice,
    pub req: &'a PushRequest,
    pub app_version: Option<&'a str>,
    pub wall_ms: u64,
}

impl PushJob {
    pub(crate) fn borrowed(&self) -> PushRef<'_> {
        PushRef {
            who: &self.who,
            req: &self.req,
            app_version: self.app_version.as_deref(),
            wall_ms: self.wall_ms,
        }
    }
}

thread_local! {
    /// Set while a thread runs store work for the server's blocking pool: such a thread
    /// is off the async runtime, so a blocking client may block it.
    static BLOCKING_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` marked as store work on a blocking thread (see [`may_block_here`]).
pub(crate) fn on_blocking_thread<T>(f: impl FnOnce() -> T) -> T {
    BLOCKING_THREAD.with(|b| b.set(true));
    let out = f();
    BLOCKING_THREAD.with(|b| b.set(false));
    out
}

/// Whether this thread may block on a synchronous database client: a thread of the
/// server's blocking pool, or one outside any async runtime. (The PostgreSQL client
/// drives its own small runtime, which must not start inside another's task.)
pub(crate) fn may_block_here() -> bool {
    BLOCKING_THREAD.with(|b| b.get()) || tokio::runtime::Handle::try_current().is_err()
}

/// Where the server keeps its data, as the command line names it: a file path, or a
/// `postgres://` (or `postgresql://`) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    pub fn parse(value: &str) -> Location {
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Location::Postgres(value.to_string())
        } else {
            Location::Sqlite(std::path::PathBuf::from(value))
        }
    }

    /// Open the store there (creating and migrating it as needed).
    pub fn open(&self) -> Result<std::sync::Arc<dyn Store>, StoreError> {
        self.open_with_code_key(None)
    }

    /// [`open`](Self::open) with codes keyed by the key in `key_file` (made there if
    /// missing). Without one, an SQLite file's key is the file beside it and a PostgreSQL
    /// database's is the one it keeps itself, which a replica that names no key file must
    /// have: a database other replicas key from a file is refused.
    pub fn open_with_code_key(
        &self,
        key_file: Option<&std::path::Path>,
    ) -> Result<std::sync::Arc<dyn Store>, StoreError> {
        let key = key_file.map(codes::CodeKey::load_or_create).transpose()?;
        Ok(match (self, key) {
            (Location::Sqlite(path), None) => std::sync::Arc::new(SqliteStore::open(path)?),
            (Location::Sqlite(path), Some(key)) => {
                std::sync::Arc::new(SqliteStore::open_with_code_key(path, key)?)
            }
            (Location::Postgres(url), key) => {
                let given = key.is_some();
                let store = PgStore::connect_with_code_key(url, key)?;
                if !store.has_code_key() {
                    return Err(store.code_key().expect_err("no key").duplicate());
                }
                if !given {
                    tracing::warn!(
                        "invite codes are hashed under a key this database keeps itself; \
                         give every replica the same --code-key-file so that a copy of the \
                         database alone cannot be used to test codes"
                    );
                }
                std::sync::Arc::new(store)
            }
        })
    }
}

impl std::fmt::Display for Location {
    /// For logs: a PostgreSQL URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&postgres::redact(url)),
        }
    }
}

/// Everything the server asks of its storage. Implemented by [`SqliteStore`] and
/// [`PgStore`]; the same store suites run against both.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Which backend this is, for logs and the health check.
    fn backend(&self) -> &'static str;

    /// How many blocking calls may usefully run at once: writers, readers.
    fn concurrency(&self) -> (usize, usize);

    // --- the clock -------------------------------------------------------------------

    /// A fresh server timestamp, after everything the server has issued or accepted.
    fn server_time(&self, wall_ms: u64) -> Hlc;

    // --- campaigns, invites, turfs and doors -----------------------------------------

    /// A new campaign with the default result codes and survey question, in `time_zone`.
    fn create_campaign(&self, name: &str, time_zone: TimeZone) -> Result<CampaignId, StoreError>;
    /// The campaign's time zone.
    fn campaign_time_zone(&self, campaign: CampaignId) -> Result<TimeZone, StoreError>;
    fn set_campaign_time_zone(
        &self,
        campaign: CampaignId,
        time_zone: TimeZone,
    ) -> Result<(), StoreError>;
    /// Every campaign's id and name, oldest first.
    fn campaigns(&self) -> Result<Vec<(CampaignId, String)>, StoreError>;
    /// The campaign's result codes and questions, as devices receive them.
    fn campaign_config(&self, campaign: CampaignId) -> Result<CampaignConfig, StoreError>;
    /// A new invite code like `KX4P-7MQ2`; only its hash is stored. Never log the code.
    fn create_invite(
        &self,
        campaign: CampaignId,
        role: Role,
        uses: u32,
        expires_at_ms: u64,
    ) -> Result<String, StoreError>;
    fn create_turf(&self, campaign: CampaignId, name: &str) -> Result<TurfId, StoreError>;
    /// Add households with their people to a turf in one transaction, in walking order.
    fn add_households(
        &self,
        turf: TurfId,
        households: Vec<(NewHousehold, Vec<NewPerson>)>,
    ) -> Result<Vec<HouseholdId>, StoreError>;
    /// Take a household (and its people) out of its turf; its events are kept.
    fn remove_household(&self, household: HouseholdId) -> Result<(), StoreError>;
    /// Replace the turf's active assignees at `now_ms`; past assignments are history.
    fn set_assignees_at(
        &self,
        turf: TurfId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<(), StoreError>;
    /// [`Store::set_assignees_at`] now.
    fn set_assignees(&self, turf: TurfId, volunteers: &[VolunteerId]) -> Result<(), StoreError> {
        self.set_assignees_at(turf, volunteers, crate::clock::system_ms())
    }
    fn turf_campaign(&self, turf: TurfId) -> Result<Option<CampaignId>, StoreError>;
    fn assignees(&self, turf: TurfId) -> Result<Vec<VolunteerId>, StoreError>;
    fn turf_summaries(&self, campaign: CampaignId) -> Result<Vec<TurfItem>, StoreError>;
    fn unplaced_households(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<UnplacedHousehold>, StoreError>;
    /// Create one turf per plan entry and place its households, in one transaction.
    fn place_households(
        &self,
        campaign: CampaignId,
        plan: &[(String, Vec<HouseholdId>)],
    ) -> Result<Vec<TurfId>, StoreError>;

    // --- devices ---------------------------------------------------------------------

    /// Register a device with an invite code or a device-link code, atomically.
    fn register_device(
        &self,
        invite_code: &str,
        volunteer_name: &str,
        device_name: &str,
        app_version: &str,
        token_hash: &[u8; 32],
        now_ms: u64,
    ) -> Result<Registration, StoreError>;
    /// A one-use code another device joins with as the same volunteer: (code, expires).
    fn create_device_link(
        &self,
        device: DeviceId,
        now_ms: u64,
    ) -> Result<(String, u64), StoreError>;
    /// The device a token hash belongs to, revoked or not.
    fn device_by_token(&self, token_hash: &[u8; 32]) -> Result<Option<DeviceAuth>, StoreError>;
    /// Note that a device synced.
    fn touch_device(&self, device: DeviceId, now_ms: u64) -> Result<(), StoreError>;
    /// Revoke a device: its token stops working and it is told to wipe its voter data.
    fn revoke_device(&self, device: DeviceId) -> Result<(), StoreError>;
    fn device_campaign(&self, device: DeviceId) -> Result<Option<CampaignId>, StoreError>;
    fn volunteer_campaign(&self, volunteer: VolunteerId) -> Result<Option<CampaignId>, StoreError>;
    fn volunteer_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<VolunteerSummary>, StoreError>;

    /// Count a registration attempt from `client` (a key from
    /// [`crate::http::register_limit::client_key`]) before its code is checked, in one
    /// atomic step every replica shares: `None` lets it go ahead, `Some(ms)` is how long the
    /// client must wait (too many of its codes were refused lately).
    fn registration_attempt(&self, client: &str, now_ms: u64) -> Result<Option<u64>, StoreError>;
    /// Give back an attempt that turned out not to be a wrong code.
    fn registration_given_back(&self, client: &str, now_ms: u64) -> Result<(), StoreError>;

    // --- the spine: push and pull ----------------------------------------------------

    /// Apply a push in one transaction and answer it, one outcome per event.
    fn push(
        &self,
        who: &AuthDevice,
        req: &PushRequest,
        app_version: Option<&str>,
        wall_ms: u64,
    ) -> Result<PushResponse, StoreError>;
    /// Apply pushes that arrived together, sharing write transactions (group commit), and
    /// answer each exactly as [`Store::push`] would have alone, in the order given: a push
    /// that fails is rolled back by itself and gets its error; the others are unaffected.
    /// (One at a time unless the backend knows better.)
    fn push_group(&self, jobs: &[PushJob]) -> Vec<Result<PushResponse, StoreError>> {
        jobs.iter()
            .map(|j| self.push(&j.who, &j.req, j.app_version.as_deref(), j.wall_ms))
            .collect()
    }
    /// Answer a pull from one consistent snapshot.
    fn pull(
        &self,
        who: &AuthDevice,
        req: &PullRequest,
        wall_ms: u64,
    ) -> Result<PullResponse, StoreError>;
    /// Every event of the campaign as stored, in feed order.
    fn campaign_events(&self, campaign: CampaignId) -> Result<Vec<Event>, StoreError>;
    fn event_count(&self, campaign: CampaignId) -> Result<u64, StoreError>;
    /// Events recorded after the recorder's assignment had ended, in feed order.
    fn stale_events(&self, campaign: CampaignId) -> Result<Vec<EventId>, StoreError>;

    // --- campaign data in and out ----------------------------------------------------

    /// Record the start of a voter-file import (its own transaction). Returns its id.
    fn begin_import(
        &self,
        campaign: CampaignId,
        format: &str,
        file_name: &str,
    ) -> Result<i64, StoreError>;
    /// Apply a voter file's rows in one transaction: all of it, or none of it.
    fn import_voters(
        &self,
        import: &VoterImport,
        rows: &mut dyn Iterator<Item = Result<Row, ImportError>>,
        report: &mut dyn FnMut(&ReportLine) -> std::io::Result<()>,
    ) -> Result<ImportSummary, ImportError>;
    /// Set households' locations from a geocoding file's rows, in one transaction.
    fn set_locations(
        &self,
        campaign: CampaignId,
        rows: &mut dyn Iterator<Item = Result<GeoRow, ImportError>>,
        report: &mut dyn FnMut(u64, &GeoIssue) -> std::io::Result<()>,
    ) -> Result<GeocodeSummary, ImportError>;
    /// Make `streets` and `points` the campaign's map (replacing the one before), in one
    /// transaction.
    fn replace_map(
        &self,
        campaign: CampaignId,
        streets: &[groundgame_core::map::Street],
        points: &[groundgame_core::map::AddressPoint],
    ) -> Result<(), StoreError>;
    /// The campaign's map: its streets and address points.
    #[allow(clippy::type_complexity)]
    fn map(
        &self,
        campaign: CampaignId,
    ) -> Result<
        (
            Vec<groundgame_core::map::Street>,
            Vec<groundgame_core::map::AddressPoint>,
        ),
        StoreError,
    >;
    /// Every household of the campaign with an address, for the geocoder.
    fn household_addresses(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<HouseholdAddress>, StoreError>;
    /// Stream every event of the campaign, in feed order, from one snapshot, to `row`;
    /// the first error `row` returns stops the export. Returns how many were read.
    fn export_events(
        &self,
        campaign: CampaignId,
        with_household_voters: bool,
        row: &mut dyn FnMut(&ExportedEvent) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError>;
    fn save_script(&self, campaign: CampaignId, script: &Script)
        -> Result<SavedScript, StoreError>;
    fn latest_script(
        &self,
        campaign: CampaignId,
        key: &str,
    ) -> Result<Option<VersionedScript>, StoreError>;
    fn scripts(&self, campaign: CampaignId) -> Result<Vec<ScriptListItem>, StoreError>;

    /// Whether the campaign has an import running over the API (one at a time).
    fn import_running(&self, campaign: CampaignId, now_ms: u64) -> Result<bool, StoreError>;
    /// Record an import that starts now; refused (`Invalid`) while another one runs.
    fn start_import_job(&self, job: &NewImportJob, now_ms: u64) -> Result<(), StoreError>;
    /// The size of the running import's file, once all of it has arrived (an upload's job
    /// starts before its body is read, so that a second upload is refused at once).
    fn import_job_received(&self, id: Uuid, total_bytes: u64) -> Result<(), StoreError>;
    /// How far the running import has read; also shows that its replica lives.
    fn import_job_progress(
        &self,
        id: Uuid,
        bytes_read: u64,
        rows_read: u64,
        now_ms: u64,
    ) -> Result<(), StoreError>;
    /// How the import ended, with its report (gzipped CSV) when it has one.
    fn finish_import_job(
        &self,
        id: Uuid,
        state: &JobState,
        report_gz: Option<&[u8]>,
        now_ms: u64,
    ) -> Result<(), StoreError>;
    /// The campaign's import job: a running one whose replica stopped answers failed.
    fn import_job(
        &self,
        campaign: CampaignId,
        id: Uuid,
        now_ms: u64,
    ) -> Result<Option<ImportJob>, StoreError>;
    /// The job's report, gzipped, when it has one.
    fn import_job_report(
        &self,
        campaign: CampaignId,
        id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    // --- phone banking ---------------------------------------------------------------

    fn create_call_list(
        &self,
        campaign: CampaignId,
        name: &str,
        filter: &CallListFilter,
    ) -> Result<CallListReport, StoreError>;
    fn call_list_members(&self, list: CallListId) -> Result<Vec<CallListMember>, StoreError>;
    /// Never hand this number out again in the campaign.
    fn add_do_not_call(&self, campaign: CampaignId, phone: &str) -> Result<(), StoreError>;
    fn set_call_list_callers(
        &self,
        list: CallListId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<Vec<VolunteerId>, StoreError>;
    fn call_list_campaign(&self, list: CallListId) -> Result<Option<CampaignId>, StoreError>;
    fn is_call_list_caller(
        &self,
        list: CallListId,
        volunteer: VolunteerId,
    ) -> Result<bool, StoreError>;
    fn call_list_script(&self, list: CallListId) -> Result<Option<String>, StoreError>;
    fn claim_calls(
        &self,
        list: CallListId,
        campaign: CampaignId,
        device: DeviceId,
        count: u32,
        now_ms: u64,
    ) -> Result<Vec<ClaimedContact>, StoreError>;
    fn release_calls(
        &self,
        list: CallListId,
        device: DeviceId,
        people: &[PersonId],
    ) -> Result<u32, StoreError>;
    fn call_progress(
        &self,
        list: CallListId,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<CallProgress, StoreError>;
    fn call_lists_for(
        &self,
        campaign: CampaignId,
        volunteer: Option<VolunteerId>,
        now_ms: u64,
    ) -> Result<Vec<MyCallList>, StoreError>;

    // --- the lead's figures and lists ------------------------------------------------

    fn progress(
        &self,
        campaign: CampaignId,
        zone: Option<TimeZone>,
    ) -> Result<Progress, StoreError>;
    /// Compute every campaign's figures once (after a start); returns how many.
    fn warm_progress(&self) -> usize;
    fn quarantine_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError>;
    fn release_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError>;
    fn quarantined_event_count(&self, campaign: CampaignId) -> Result<u64, StoreError>;
    fn invite_summaries(&self, campaign: CampaignId) -> Result<Vec<InviteSummary>, StoreError>;
    fn call_list_summaries(&self, campaign: CampaignId) -> Result<Vec<CallListItem>, StoreError>;
    fn old_assignments(&self, campaign: CampaignId) -> Result<Vec<OldAssignment>, StoreError>;
    /// The numbers volunteers' records put on the do-not-call list, newest first.
    fn do_not_call_additions(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<DoNotCallAddition>, StoreError>;
    /// A lead takes an addition back: the number comes off the list, and the entries it
    /// retired of other voters sharing it go back to the rounds.
    fn undo_do_not_call(
        &self,
        campaign: CampaignId,
        id: i64,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<DoNotCallUndoResponse, StoreError>;
    /// Records held for a lead (see `sync::push`): held ones first.
    fn held_records(&self, campaign: CampaignId) -> Result<Vec<HeldRecord>, StoreError>;
    /// A lead's decision on a held record, with the records still held about the person it
    /// added: accepted ones are stored as events (flagged stale) with their effects.
    fn decide_held(
        &self,
        campaign: CampaignId,
        id: EventId,
        accept: bool,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<HeldDecisionResponse, StoreError>;

    // --- my network ------------------------------------------------------------------

    fn network_push(
        &self,
        who: NetworkOwner,
        records: &[NetworkRecord],
        wall_ms: u64,
    ) -> Result<Vec<PushOutcome>, StoreError>;
    fn network_pull(
        &self,
        volunteer: VolunteerId,
        cursor: u64,
        limit: u32,
        server_time: Hlc,
    ) -> Result<NetworkPullResponse, StoreError>;
    fn network_summary(
        &self,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<NetworkSummary, StoreError>;
}
