//! The persisted hybrid logical clock: the last timestamp this device issued or observed.
//! It is written in the same transaction as whatever moved it (a recorded event, a sync
//! reply), so after a crash or a restart the clock resumes at least where every stored
//! timestamp left it, even if the wall clock was set back.

use groundgame_core::Hlc;
use rusqlite::{Connection, Transaction};

use super::{Store, StoreError};

pub(super) fn load(conn: &Connection) -> Result<Hlc, StoreError> {
    let last: u64 = conn.query_row("SELECT last FROM hlc WHERE id = 1", [], |r| r.get(0))?;
    Ok(Hlc(last))
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
