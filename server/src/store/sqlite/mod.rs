//! The embedded backend: one SQLite file in WAL mode. Its SQL lives under this module, as
//! literals beside the function that runs them, with numbered parameters.
//!
//! Concurrency: exactly one writer connection (behind a mutex), so write transactions are
//! serialised here and SQLite never answers "database is locked" to a request; a few reader
//! connections so pulls and token look-ups read a consistent snapshot without waiting for
//! pushes. Multi-table writes are free functions taking a `&Transaction`; the public method
//! that opens the transaction commits it.

mod boundary;
pub(crate) mod call_lists;
pub(crate) mod campaigns;
pub(crate) mod changes;
pub(crate) mod claims;
pub(crate) mod device_links;
pub(crate) mod devices;
pub(crate) mod do_not_call;
pub(crate) mod events;
pub(crate) mod exported_events;
pub(crate) mod held;
pub(crate) mod households;
pub(crate) mod invites;
pub(crate) mod lead_views;
pub(crate) mod map;
mod migrations;
pub(crate) mod network;
pub(crate) mod people;
pub(crate) mod placement;
mod pool;
pub(crate) mod progress;
pub(crate) mod quarantine;
pub(crate) mod script_versions;
pub(crate) mod sequence;
mod spine;
pub(crate) mod tombstones;
pub(crate) mod turfs;
pub(crate) mod voters;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use groundgame_core::TimeZone;
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, Event, EventId, Hlc, HlcClock, HouseholdId, Role, TurfId,
    VolunteerId,
};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use super::StoreError;
use crate::clock;
use crate::store::codes::CodeKey;
pub use call_lists::{CallListFilter, CallListMember, CallListReport};
pub use claims::{
    set_claim_lease_ms, CallProgress, ClaimedContact, MyCallList, CALL_BACK_DELAY_MS,
    LATER_ROUND_DELAY_MS,
};
pub use devices::{DeviceAuth, DeviceSummary, Registration, VolunteerSummary};
pub use exported_events::ExportedEvent;
pub use households::{NewHousehold, NewPerson};
pub use map::HouseholdAddress;
pub use placement::UnplacedHousehold;
pub use script_versions::{SavedScript, ScriptListItem};
pub use turfs::TurfItem;

/// How many read-only connections serve pulls and token look-ups.
pub const READERS: usize = 4;

/// The SQLite store. Cheap to share behind an `Arc`; every method blocks, so async callers
/// run it on a blocking thread.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: pool::Pool,
    /// The server's hybrid logical clock, persisted in `sync_state` on every push.
    hlc: Mutex<HlcClock>,
    /// Running progress totals per campaign (see `progress`).
    progress_cache: progress::Cache,
    /// Imports started over the API, and refused registrations per address: in memory,
    /// as one process owns the file (PostgreSQL keeps both in tables, for every replica).
    pub(crate) import_jobs: crate::import_jobs::MemoryJobs,
    pub(crate) register_limit: crate::http::register_limit::RegisterLimit,
    /// What invite and device-link codes are hashed under (`store::codes`).
    code_key: CodeKey,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn configure(conn: &Connection, writer: bool) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32000;")?;
    if !writer {
        return Ok(());
    }
    // WAL with synchronous=NORMAL: a commit survives the server process being killed
    // (kill -9), and the database is never corrupted; only an OS crash or power loss can
    // lose the last few commits. That trade buys the push throughput target; devices keep
    // their outbox until a push is acknowledged, so such a loss is re-pushed on next sync.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )?;
    Ok(())
}

impl SqliteStore {
    /// Open (or create) the database file, switch it to WAL and bring its schema up to date.
    /// Invite and device-link codes are keyed with the key file beside it
    /// (`<file>.code-key`, made on first open).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let key = CodeKey::load_or_create(&CodeKey::path_beside(path))?;
        Self::open_with_code_key(path, key)
    }

    /// [`open`](Self::open) with the code key given (`--code-key-file`, or the key of the
    /// PostgreSQL database a demo is built for).
    pub fn open_with_code_key(path: &Path, code_key: CodeKey) -> Result<Self, StoreError> {
        let mut writer = Connection::open(path)?;
        configure(&writer, true)?;
        migrations::apply(&mut writer)?;
        let last_hlc = sequence::load_hlc(&writer)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            configure(&conn, false)?;
            readers.push(conn);
        }
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: pool::Pool::new(readers),
            hlc: Mutex::new(HlcClock::resume(last_hlc)),
            progress_cache: progress::Cache::default(),
            import_jobs: Default::default(),
            register_limit: Default::default(),
            code_key,
        })
    }

    /// The key this database's codes are hashed under.
    pub fn code_key(&self) -> &CodeKey {
        &self.code_key
    }

    /// The database file this store was opened on.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_writer(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a write drops its transaction (rolled back), so the connection is
        // sound even when the mutex is poisoned.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Run `f` in one write transaction (taken immediately, so it never has to upgrade)
    /// and commit it when `f` succeeds.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.lock_writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Run `f` in one read transaction on a reader connection: everything it reads comes
    /// from the same snapshot.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.readers.get();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.finish()?;
        Ok(out)
    }

    /// A fresh server timestamp, after everything the server has issued or accepted.
    pub fn server_time(&self, wall_ms: u64) -> Hlc {
        self.hlc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .now(wall_ms)
    }

    /// A copy of the server clock, for a push to advance on its own and merge back.
    pub(crate) fn clock_snapshot(&self) -> HlcClock {
        *self.hlc.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn clock_merge(&self, seen: Hlc) {
        self.hlc
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .observe(seen);
    }

    /// A new campaign with the default result codes and survey question.
    pub fn create_campaign(
        &self,
        name: &str,
        time_zone: TimeZone,
    ) -> Result<CampaignId, StoreError> {
        self.write(|tx| campaigns::create(tx, name, time_zone, clock::system_ms()))
    }

    /// The campaign's result codes and questions, as devices receive them.
    pub fn campaign_config(&self, campaign: CampaignId) -> Result<CampaignConfig, StoreError> {
        self.read(|tx| campaigns::config_with_scripts(tx, campaign))
    }

    /// A new invite code like `KX4P-7MQ2` for `uses` registrations until `expires_at_ms`.
    /// Only its hash is stored: show the returned code to the lead, never log it.
    pub fn create_invite(
        &self,
        campaign: CampaignId,
        role: Role,
        uses: u32,
        expires_at_ms: u64,
    ) -> Result<String, StoreError> {
        self.write(|tx| {
            invites::create(
                tx,
                &self.code_key,
                campaign,
                role,
                uses,
                expires_at_ms,
                clock::system_ms(),
            )
        })
    }

    pub fn create_turf(&self, campaign: CampaignId, name: &str) -> Result<TurfId, StoreError> {
        self.write(|tx| turfs::create(tx, campaign, name, clock::system_ms()))
    }

    /// Add households with their people to a turf in one transaction, and recompute the
    /// turf's walking order (households whose position changed are sent to devices again).
    pub fn add_households(
        &self,
        turf: TurfId,
        households: Vec<(NewHousehold, Vec<NewPerson>)>,
    ) -> Result<Vec<HouseholdId>, StoreError> {
        self.write(|tx| {
            let mut seq = sequence::Sequence::begin(tx)?;
            let ids = households::add(tx, &mut seq, turf, &households, &mut |_| {
                groundgame_core::PersonId::new_v7()
            })?;
            seq.finish(tx)?;
            Ok(ids)
        })
    }

    /// Take a household (and its people) out of its turf: devices delete them on their next
    /// pull. Events recorded there are kept for the campaign's records.
    pub fn remove_household(&self, household: HouseholdId) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut seq = sequence::Sequence::begin(tx)?;
            households::remove(tx, &mut seq, household)?;
            seq.finish(tx)
        })
    }

    /// Replace the turf's active assignees; past assignments are kept as history.
    pub fn set_assignees(
        &self,
        turf: TurfId,
        volunteers: &[VolunteerId],
    ) -> Result<(), StoreError> {
        self.set_assignees_at(turf, volunteers, clock::system_ms())
    }

    pub(crate) fn set_assignees_at(
        &self,
        turf: TurfId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<(), StoreError> {
        self.write(|tx| turfs::set_assignees(tx, turf, volunteers, now_ms))
    }

    /// Revoke a device: its token stops working and it is told to wipe its voter data.
    pub fn revoke_device(&self, device: DeviceId) -> Result<(), StoreError> {
        self.write(|tx| devices::revoke(tx, device, clock::system_ms()))
    }

    /// Every event of the campaign as stored (with the server's `at`), in sequence order.
    pub fn campaign_events(&self, campaign: CampaignId) -> Result<Vec<Event>, StoreError> {
        self.read(|tx| events::of_campaign(tx, campaign))
    }

    /// Ids of the campaign's events recorded after the recorder's assignment to the turf had
    /// ended (accepted, flagged for the lead to review), in sequence order.
    pub fn stale_events(&self, campaign: CampaignId) -> Result<Vec<EventId>, StoreError> {
        self.read(|tx| events::stale_ids(tx, campaign))
    }

    pub fn event_count(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        self.read(|tx| events::count(tx, campaign))
    }

    /// Register a device with an invite code: creates the volunteer (with the invite's
    /// role) and the device, and uses up one use of the invite, atomically. A device-link
    /// code made by one of a volunteer's devices ([`SqliteStore::create_device_link`]) in
    /// its place adds the device to that volunteer instead (`volunteer_name` is then not
    /// used: the volunteer keeps their name).
    pub fn register_device(
        &self,
        invite_code: &str,
        volunteer_name: &str,
        device_name: &str,
        app_version: &str,
        token_hash: &[u8; 32],
        now_ms: u64,
    ) -> Result<Registration, StoreError> {
        self.write(|tx| {
            let (campaign, role) = match invites::redeem(tx, &self.code_key, invite_code, now_ms) {
                Err(StoreError::InviteUnknown) => {
                    let (volunteer, campaign, role) =
                        device_links::redeem(tx, &self.code_key, invite_code, now_ms)?
                            .ok_or(StoreError::InviteUnknown)?;
                    let device =
                        devices::add(tx, volunteer, device_name, app_version, token_hash, now_ms)?;
                    device_links::record_use(tx, &self.code_key, invite_code, device)?;
                    return Ok(Registration {
                        device,
                        volunteer,
                        campaign,
                        role,
                    });
                }
                other => other?,
            };
            let registration = devices::register(
                tx,
                campaign,
                role,
                volunteer_name,
                device_name,
                app_version,
                token_hash,
                now_ms,
            )?;
            invites::record_join(tx, &self.code_key, invite_code, &registration, now_ms)?;
            Ok(registration)
        })
    }

    /// A code another device can join with as the same volunteer as `device` (valid
    /// [`device_links::LINK_TTL_MS`], one use). Returns the code and when it expires.
    pub fn create_device_link(
        &self,
        device: DeviceId,
        now_ms: u64,
    ) -> Result<(String, u64), StoreError> {
        self.write(|tx| device_links::create(tx, &self.code_key, device, now_ms))
    }

    /// The device a token hash belongs to, revoked or not.
    pub fn device_by_token(&self, token_hash: &[u8; 32]) -> Result<Option<DeviceAuth>, StoreError> {
        self.read(|tx| devices::by_token(tx, token_hash))
    }

    /// Note that a device synced (pulls only write this now and then).
    pub fn touch_device(&self, device: DeviceId, now_ms: u64) -> Result<(), StoreError> {
        self.write(|tx| devices::touch(tx, device, now_ms))
    }

    /// The campaign a device belongs to (through its volunteer).
    pub fn device_campaign(&self, device: DeviceId) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| devices::campaign_of(tx, device))
    }

    pub fn turf_campaign(&self, turf: TurfId) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| turfs::campaign_of(tx, turf))
    }

    /// The turf's active assignees.
    pub fn assignees(&self, turf: TurfId) -> Result<Vec<VolunteerId>, StoreError> {
        self.read(|tx| turfs::assignees(tx, turf))
    }

    pub fn turf_summaries(&self, campaign: CampaignId) -> Result<Vec<TurfItem>, StoreError> {
        self.read(|tx| turfs::summaries(tx, campaign))
    }

    pub fn volunteer_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<VolunteerSummary>, StoreError> {
        self.read(|tx| devices::volunteer_summaries(tx, campaign))
    }

    /// Record the start of a voter-file import (its own transaction: an import that fails
    /// later leaves this row with no summary). Returns the import's id.
    pub fn begin_import(
        &self,
        campaign: CampaignId,
        format: &str,
        file_name: &str,
    ) -> Result<i64, StoreError> {
        self.write(|tx| voters::begin(tx, campaign, format, file_name, clock::system_ms()))
    }

    /// Apply a voter file's rows in one transaction (see `store::voters`): all of it is
    /// stored, or, on any error, none of it. Report lines go to `report` as they are found.
    pub fn import_voters(
        &self,
        import: &crate::import::VoterImport,
        rows: impl Iterator<Item = Result<crate::import::Row, crate::import::ImportError>>,
        report: &mut dyn FnMut(&crate::import::ReportLine) -> std::io::Result<()>,
    ) -> Result<crate::import::ImportSummary, crate::import::ImportError> {
        let mut conn = self.lock_writer();
        voters::import(&mut conn, import, rows, report, clock::system_ms())
    }

    /// Set households' locations from a geocoding file's rows, in one transaction.
    pub fn set_locations(
        &self,
        campaign: CampaignId,
        rows: impl Iterator<Item = Result<crate::import::GeoRow, crate::import::ImportError>>,
        report: &mut dyn FnMut(u64, &crate::import::GeoIssue) -> std::io::Result<()>,
    ) -> Result<crate::import::GeocodeSummary, crate::import::ImportError> {
        let mut conn = self.lock_writer();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let summary = voters::set_locations(&tx, campaign, rows, report)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(summary)
    }

    /// Every campaign's id and name, oldest first.
    pub fn campaigns(&self) -> Result<Vec<(CampaignId, String)>, StoreError> {
        self.read(voters::campaigns)
    }
}
