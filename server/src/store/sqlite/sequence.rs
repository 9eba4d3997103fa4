//! The gapless server-wide sequence and the persisted server clock, both in the single
//! `sync_state` row. A write transaction reads the counter once, hands out numbers in
//! memory, and writes it back before committing; writes are serialised, so commits land in
//! sequence order and no row ever appears behind a cursor a device already holds.

use groundgame_core::Hlc;
use rusqlite::{Connection, Transaction};

use crate::store::StoreError;

pub(crate) struct Sequence {
    last: i64,
    start: i64,
}

impl Sequence {
    pub(crate) fn begin(tx: &Transaction<'_>) -> Result<Self, StoreError> {
        let last: i64 = tx
            .prepare_cached("SELECT last_seq FROM sync_state WHERE id = 1")?
            .query_row([], |r| r.get(0))?;
        Ok(Sequence { last, start: last })
    }

    /// Take the next number.
    pub(crate) fn take(&mut self) -> i64 {
        self.last += 1;
        self.last
    }

    /// Write the counter back; call before the transaction commits.
    pub(crate) fn finish(self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        if self.last != self.start {
            tx.prepare_cached("UPDATE sync_state SET last_seq = ?1 WHERE id = 1")?
                .execute([self.last])?;
        }
        Ok(())
    }
}

/// The last number handed out (for a caller that hands out its own, like a push).
pub(crate) fn last(tx: &Transaction<'_>) -> Result<i64, StoreError> {
    Ok(Sequence::begin(tx)?.last)
}

/// Set the last number handed out; call before the transaction commits.
pub(crate) fn set_last(tx: &Transaction<'_>, last: i64) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE sync_state SET last_seq = ?1 WHERE id = 1")?
        .execute([last])?;
    Ok(())
}

pub(crate) fn load_hlc(conn: &Connection) -> Result<Hlc, StoreError> {
    let last: i64 = conn.query_row("SELECT last_hlc FROM sync_state WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    Ok(Hlc(last as u64))
}

pub(crate) fn save_hlc(tx: &Transaction<'_>, hlc: Hlc) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE sync_state SET last_hlc = MAX(last_hlc, ?1) WHERE id = 1")?
        .execute([hlc.0 as i64])?;
    Ok(())
}
