//! Unsaved door forms ("drafts"), one per household, so a half-filled form survives the
//! volunteer stepping away, a phone call, or the app being closed or killed. The store
//! keeps the form as the UI hands it over (JSON text it never reads) and knows only whose
//! door it belongs to.
//!
//! A draft is local: it never enters the outbox and is never synced. It holds voter data
//! (who answered, a note), so it leaves with its household — turf removal, a household
//! leaving the scope, a revocation wipe — exactly like the rest of the voter data.
//!
//! Drafts are written on every change, so each write commits with `synchronous=NORMAL`:
//! in WAL mode that survives the app being killed (the commit is in the OS's hands) and
//! skips the fsync; only a power cut mid-typing can lose the last keystrokes. The next
//! durable write (a recorded visit) syncs the log with everything before it.

use groundgame_core::HouseholdId;
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{DeviceState, Store, StoreError};

impl Store {
    /// Keep `form` as the unsaved form of `household`, replacing any earlier draft. A
    /// household that is not on this device keeps no draft (nothing is written).
    pub fn save_draft(&self, household: HouseholdId, form: &str) -> Result<(), StoreError> {
        let now = i64::try_from(self.now_ms()).unwrap_or(i64::MAX);
        let inner = self.lock();
        if inner.state == Some(DeviceState::Revoked) {
            return Err(StoreError::Revoked);
        }
        with_relaxed_sync(&inner.conn, |conn| {
            conn.prepare_cached(
                "INSERT INTO drafts (household, form, updated_at)
                 SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM households WHERE id = ?1)
                 ON CONFLICT (household) DO UPDATE SET
                    form = excluded.form, updated_at = excluded.updated_at",
            )?
            .execute(rusqlite::params![household.0, form, now])?;
            Ok(())
        })
    }

    /// The unsaved form of `household`, if any.
    pub fn draft(&self, household: HouseholdId) -> Result<Option<String>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner
            .conn
            .prepare_cached("SELECT form FROM drafts WHERE household = ?1")?;
        let form = stmt.query_row([household.0], |r| r.get(0)).optional()?;
        Ok(form)
    }

    /// Forget the unsaved form of `household` (its visit was saved, or the form emptied).
    pub fn clear_draft(&self, household: HouseholdId) -> Result<(), StoreError> {
        let inner = self.lock();
        with_relaxed_sync(&inner.conn, |conn| {
            conn.prepare_cached("DELETE FROM drafts WHERE household = ?1")?
                .execute([household.0])?;
            Ok(())
        })
    }

    /// How many drafts this device holds (used to prove wipes).
    pub fn draft_count(&self) -> Result<u64, StoreError> {
        let inner = self.lock();
        Ok(inner
            .conn
            .query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))?)
    }
}

/// Run `write` (one autocommit statement) with `synchronous=NORMAL`, then put the
/// connection back to `FULL` whatever happened.
fn with_relaxed_sync(
    conn: &Connection,
    write: impl FnOnce(&Connection) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    conn.execute_batch("PRAGMA synchronous = NORMAL")?;
    let result = write(conn);
    conn.execute_batch("PRAGMA synchronous = FULL")?;
    result
}

/// Forget the drafts of households no longer on this device (after a turf or households
/// left the scope).
pub(super) fn delete_orphans(tx: &Transaction) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached("DELETE FROM drafts WHERE household NOT IN (SELECT id FROM households)")?
        .execute([])?)
}
