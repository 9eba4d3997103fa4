//! The device's local store: one SQLite file holding who this device is, the turfs in its
//! scope (households, people, every event held) and the outbox of events waiting to be
//! pushed. Every volunteer action is written here first, durably, in one transaction: an
//! event as its outbox row, which joins the events held when the server acknowledges it;
//! the UI reads only from here; the sync engine moves data between here and the server.
//!
//! One module per table family: [`identity`] (who we are, the token, the device state),
//! [`campaign`] (result codes and questions), [`turfs`] (turfs, households, people, applying
//! pull responses), [`events`] (recording and reading events), [`outbox`] (push batches,
//! outcomes, dead letters), [`hlc`] (the persisted hybrid logical clock), [`drafts`]
//! (unsaved door forms: local only, never in the outbox, wiped with the voter data).
//!
//! The file is encrypted at rest (SQLCipher, [`key`]: a random per-device key in a
//! [`KeyVault`]); [`at_rest`] opens it under its key and removes every file the app wrote
//! when a lead revokes the device.
//!
//! [`Store`] is `Send + Sync`: a mutex around one connection. SQL lives beside the
//! function that runs it; multi-table writes take a `&Transaction` and the public method
//! that calls them commits.

mod at_rest;
pub mod calls;
pub mod campaign;
mod checkpoint;
pub mod drafts;
pub mod events;
pub mod hlc;
pub mod identity;
pub mod key;
pub mod keystore;
pub mod lead_cache;
mod migrations;
pub mod network;
pub mod outbox;
pub mod turfs;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use groundgame_core::{CampaignConfig, EventError, HlcClock};
use rusqlite::{Connection, Row, Transaction};

use crate::clock::WallClock;

pub use identity::{DeviceState, Identity};
pub use key::{DbKey, KeyError, KeyFile, KeyVault};
pub use outbox::OutboxBatch;
pub use outbox::RejectedEvent;
pub use turfs::{LocalTurf, PullApplied};

/// Why a store operation failed. Messages say what to do next.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database on this device failed ({0}); restart the app, and if it keeps \
         happening, free some storage space"
    )]
    Sqlite(#[from] rusqlite::Error),
    #[error("a record on this device could not be read or written as JSON ({0}); update the app")]
    Json(#[from] serde_json::Error),
    /// The event breaks the campaign's rules; nothing was written.
    #[error("{0}")]
    Invalid(#[from] EventError),
    #[error("this device does not have the campaign's result codes yet; connect and sync first")]
    NoCampaign,
    #[error("a lead signed this device out; ask your lead for a new invite code to join again")]
    Revoked,
    /// A network record breaks the rules (`core::network`); nothing was written.
    #[error("{0}")]
    NetworkInvalid(String),
    #[error("join your campaign with an invite code first; then your contacts are saved here")]
    NetworkNotJoined,
    #[error(
        "this device still has {0} records waiting to sync for another campaign; sync them \
         before joining a new one"
    )]
    PendingForOtherCampaign(u64),
    #[error(
        "this device's data was written by a newer version of the app (schema {found}, this \
         app knows up to {known}); update the app"
    )]
    SchemaTooNew { found: u32, known: u32 },
    #[error(
        "this device's data could not be brought up to date for this version of the app \
         ({0}); nothing was changed: update the app, and if it keeps happening, report it"
    )]
    Migration(String),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(
        "this device's data cannot be read with the key this device keeps (it may have been \
         restored from another phone); nothing was changed: restore the matching key, or \
         ask your lead for a new invite code and join again on a fresh install"
    )]
    Unreadable,
    #[error(
        "the file {0} could not be read, written or removed ({1}); check that the app's \
         storage is not full or read-only, then restart the app"
    )]
    File(PathBuf, std::io::Error),
}

/// The local store. Cheap to share: wrap it in an `Arc`.
pub struct Store {
    /// WAL checkpoints on threads of their own (first, so a running one finishes before
    /// the connection closes; a wipe waits for one too).
    checkpoints: checkpoint::Checkpointer,
    inner: Mutex<Inner>,
    clock: WallClock,
    /// Rows in the outbox and in the dead-letter table, kept in step with every write to
    /// them (under the lock) and readable without it, so showing the status never waits
    /// for a long transaction.
    pending: AtomicU64,
    rejected: AtomicU64,
    /// Where the database key is kept (destroyed first when the device is revoked); `None`
    /// only for the benchmarks' unencrypted baseline.
    vault: Option<Box<dyn KeyVault>>,
    /// The database file.
    path: PathBuf,
}

/// Everything behind the lock: the connection and the small state kept in memory so the
/// hot paths (recording, status) never re-read it.
struct Inner {
    conn: Connection,
    /// The hybrid logical clock, resumed from disk; persisted in every transaction that
    /// moves it.
    hlc: HlcClock,
    campaign: Option<CampaignConfig>,
    state: Option<DeviceState>,
}

impl Store {
    /// Open (or create) the store at `path`, encrypted under a key kept in a `0600` file
    /// beside it ([`KeyFile::beside`]): WAL journal, `synchronous=FULL` (a recorded door
    /// result survives a power cut), foreign keys on, migrations applied.
    pub fn open(path: &Path, clock: WallClock) -> Result<Store, StoreError> {
        Store::open_with_vault(path, Box::new(KeyFile::beside(path)), clock)
    }

    /// Open (or create) the store at `path` as the app does on a device: its key in the
    /// platform's keystore where there is one, else in a `0600` file beside it (see
    /// [`keystore::device_vault`]). The simulator, tests and benches use [`Store::open`],
    /// so they never fill a developer's keyring.
    pub fn open_on_device(path: &Path, clock: WallClock) -> Result<Store, StoreError> {
        Store::open_with_vault(path, keystore::device_vault(path)?, clock)
    }

    /// Open (or create) the store at `path` with its key in `vault`.
    /// A plain database an older app wrote is encrypted on the way in. A database whose key
    /// is gone can never be read again (a wipe cut short, the key removed): its files are
    /// removed and a new database starts, so the app can join again.
    pub fn open_with_vault(
        path: &Path,
        vault: Box<dyn KeyVault>,
        clock: WallClock,
    ) -> Result<Store, StoreError> {
        let key = match vault.load()? {
            Some(key) => key,
            None => {
                if at_rest::on_disk(path)? == at_rest::OnDisk::Encrypted {
                    tracing::warn!(
                        "the device's database key is gone: its data cannot be read and was removed"
                    );
                    at_rest::remove_all(&at_rest::app_files(path))?;
                }
                let key = DbKey::random();
                vault.store(&key)?;
                key
            }
        };
        Store::open_under(path, Some((vault, key)), clock)
    }

    /// The same store with no encryption: the benchmarks' baseline for what encryption at
    /// rest costs, measured in the same run. The app never opens one.
    #[doc(hidden)]
    pub fn open_unencrypted_baseline(path: &Path, clock: WallClock) -> Result<Store, StoreError> {
        Store::open_under(path, None, clock)
    }

    fn open_under(
        path: &Path,
        vault: Option<(Box<dyn KeyVault>, DbKey)>,
        clock: WallClock,
    ) -> Result<Store, StoreError> {
        let (vault, key) = vault.unzip();
        let mut conn = open_connection(path, key.as_ref())?;
        migrations::run(&mut conn)?;
        let hlc = HlcClock::resume(hlc::load(&conn)?);
        let campaign = campaign::load(&conn)?;
        let (pending, rejected) = outbox::counts(&conn)?;
        let state = identity::load_state(&conn)?;
        let checkpoints = checkpoint::Checkpointer::start(&conn, path, key)?;
        Ok(Store {
            inner: Mutex::new(Inner {
                conn,
                hlc,
                campaign,
                state,
            }),
            clock,
            pending: AtomicU64::new(pending),
            rejected: AtomicU64::new(rejected),
            checkpoints,
            vault,
            path: path.to_path_buf(),
        })
    }

    /// The folder holding this store's database file: the app's data folder (`None` for
    /// an in-memory database).
    pub fn folder(&self) -> Option<PathBuf> {
        let inner = self.lock();
        let file = inner.conn.path().filter(|p| !p.is_empty())?;
        Path::new(file).parent().map(Path::to_path_buf)
    }

    /// The wall clock this store was opened with, in ms since the epoch.
    pub fn now_ms(&self) -> u64 {
        (self.clock)()
    }

    /// The best this device knows of the time now: its own clock, or, when that is behind,
    /// the last time it issued or heard from the server (its hybrid logical clock). A phone
    /// whose clock is days slow still offers a call-back "in an hour" from now and sees it
    /// due an hour later, as the server and the caller count time. Takes the store's lock:
    /// never call it holding that.
    pub fn now_known_ms(&self) -> u64 {
        self.now_ms().max(self.last_hlc().ms())
    }

    /// How many households, people and events this device holds and shows (used to prove
    /// wipes): the events table and the outbox rows it does not hold yet.
    pub fn voter_data_counts(&self) -> Result<(u64, u64, u64), StoreError> {
        let inner = self.lock();
        let count = |sql: &str| -> Result<u64, StoreError> {
            Ok(inner.conn.query_row(sql, [], |r| r.get(0))?)
        };
        Ok((
            count("SELECT count(*) FROM households")?,
            count("SELECT count(*) FROM people")?,
            count(
                "SELECT (SELECT count(*) FROM events)
                      + (SELECT count(*) FROM outbox
                         WHERE shown AND event_id NOT IN (SELECT id FROM events))",
            )?,
        ))
    }

    /// A lead revoked this device: remove all voter data (turfs, households, people,
    /// events, unsaved door forms, the outbox, dead letters, the campaign's script) and
    /// the token, in one transaction; then destroy the database key, and remove every file
    /// the app wrote ([`at_rest::app_files`]: the database and its log, exports, saved
    /// walk lists, the web view's storage). A new database under a new key keeps only the
    /// identity, marked revoked, so the app can say what happened.
    pub fn wipe_for_revocation(&self) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let tx = inner.conn.transaction()?;
        let kept = identity::read_row(&tx)?;
        wipe_voter_data(&tx)?;
        network::wipe(&tx)?;
        identity::set_state(&tx, DeviceState::Revoked)?;
        tx.commit()?;
        inner.campaign = None;
        self.pending.store(0, Ordering::SeqCst);
        self.rejected.store(0, Ordering::SeqCst);
        if inner.state.is_some() {
            inner.state = Some(DeviceState::Revoked);
        }
        // The rows are gone for every reader; now the pages. No commit can start a
        // checkpoint while the lock is held: wait for a running one, close the file.
        self.checkpoints.settle();
        let old = std::mem::replace(&mut inner.conn, Connection::open_in_memory()?);
        old.close().map_err(|(_, e)| e)?;
        if let Some(vault) = &self.vault {
            vault.destroy()?;
        }
        at_rest::remove_all(&at_rest::app_files(&self.path))?;
        let key = match &self.vault {
            Some(vault) => {
                let key = DbKey::random();
                vault.store(&key)?;
                Some(key)
            }
            None => None,
        };
        let mut conn = open_connection(&self.path, key.as_ref())?;
        migrations::run(&mut conn)?;
        let tx = conn.transaction()?;
        hlc::save(&tx, inner.hlc.last())?;
        if let Some(row) = kept {
            identity::insert_revoked(&tx, &row)?;
        }
        tx.commit()?;
        self.checkpoints.attach(&conn, &self.path, key)?;
        inner.conn = conn;
        tracing::warn!("device revoked: local voter data wiped, its key and files destroyed");
        Ok(())
    }

    /// Take the lock. A panic while it was held rolled its transaction back (the
    /// `Transaction` is dropped while unwinding), so the data behind a poisoned lock is
    /// still consistent and the lock is recovered.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Open the database at `path` under `key`, set up as every connection of the store is.
fn open_connection(path: &Path, key: Option<&DbKey>) -> Result<Connection, StoreError> {
    let conn = at_rest::open(path, key)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "the local database could not switch to WAL");
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Delete every row of voter data (unsaved door forms included), the outbox, dead
/// letters and the campaign config.
fn wipe_voter_data(tx: &Transaction) -> Result<(), StoreError> {
    // The outbox holds the clock of what was recorded (see `hlc`): keep it.
    hlc::keep_outbox_time(tx)?;
    tx.execute_batch(
        "DELETE FROM drafts;
         DELETE FROM events;
         DELETE FROM people;
         DELETE FROM households;
         DELETE FROM turfs;
         DELETE FROM turf_maps;
         DELETE FROM outbox;
         DELETE FROM rejected;
         DELETE FROM campaign;
         DELETE FROM lead_cache;",
    )?;
    calls::wipe(tx)?;
    Ok(())
}

/// Read a TEXT column holding JSON.
fn json_col<T: serde::de::DeserializeOwned>(row: &Row, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The store is shared between the UI and the sync engine's threads.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Store>();
};
