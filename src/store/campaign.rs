//! The campaign's configuration as the server last sent it: its result codes and survey
//! questions. Kept as JSON in a one-row table and cached in memory, because every recorded
//! event is validated against it.

use groundgame_core::CampaignConfig;
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{json_col, Store, StoreError};

pub(super) fn load(conn: &Connection) -> Result<Option<CampaignConfig>, StoreError> {
    Ok(conn
        .query_row("SELECT config FROM campaign WHERE id = 1", [], |r| {
            json_col(r, 0)
        })
        .optional()?)
}

pub(super) fn save(tx: &Transaction, config: &CampaignConfig) -> Result<(), StoreError> {
    let json = serde_json::to_string(config)?;
    tx.execute(
        "INSERT INTO campaign (id, config) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET config = excluded.config",
        [json],
    )?;
    Ok(())
}

impl Store {
    /// The campaign's result codes and questions, once a sync has brought them.
    pub fn campaign(&self) -> Result<Option<CampaignConfig>, StoreError> {
        Ok(self.lock().campaign.clone())
    }

    /// Store the campaign's configuration (the sync engine does this on every pull; tests
    /// and tools may set it directly).
    pub fn save_campaign(&self, config: &CampaignConfig) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if inner.campaign.as_ref() == Some(config) {
            return Ok(());
        }
        let tx = inner.conn.transaction()?;
        save(&tx, config)?;
        tx.commit()?;
        inner.campaign = Some(config.clone());
        Ok(())
    }
}
