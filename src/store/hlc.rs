//! The persisted hybrid logical clock: the last timestamp this device issued or observed.
//! It is written in the same transaction as whatever moved it, so after a crash or a
//! restart the clock resumes at least where every stored timestamp left it, even if the
//! wall clock was set back.
//!
//! The clock is the higher of two places. A sync reply, a network record, a wipe: the
//! `hlc` row. A recorded event: its outbox row, whose number *is* its timestamp
//! (migration 0007), so a door save writes no clock page of its own. That holds because
//! an outbox row only ever leaves in a transaction that saves the clock in the `hlc` row
//! first (a push's acknowledgement, a wipe), so no timestamp issued is ever behind both.

use groundgame_core::Hlc;
use rusqlite::{Connection, Transaction};

use super::{Store, StoreError};

pub(super) fn load(conn: &Connection) -> Result<Hlc, StoreError> {
    let last: u64 = conn.query_row(
        "SELECT max(last, coalesce((SELECT max(seq) FROM outbox), 0)) FROM hlc WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    Ok(Hlc(last))
}

/// Fold the outbox's timestamps into the `hlc` row, before outbox rows are deleted
/// without an acknowledgement's clock (a wipe).
pub(super) fn keep_outbox_time(tx: &Transaction) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE hlc SET last = max(last, coalesce((SELECT max(seq) FROM outbox), 0))
         WHERE id = 1",
        [],
    )?;
    Ok(())
}

pub(super) fn save(tx: &Transaction, last: Hlc) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE hlc SET last = ?1 WHERE id = 1")?
        .execute([last.0])?;
    Ok(())
}

impl Store {
    /// The last timestamp this device issued or observed.
    pub fn last_hlc(&self) -> Hlc {
        self.lock().hlc.last()
    }

    /// Absorb the server's clock (from a sync reply) and persist it.
    pub fn observe_server_time(&self, seen: Hlc) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let mut hlc = inner.hlc;
        hlc.observe(seen);
        if hlc != inner.hlc {
            let tx = inner.conn.transaction()?;
            save(&tx, hlc.last())?;
            tx.commit()?;
            inner.hlc = hlc;
        }
        Ok(())
    }
}
