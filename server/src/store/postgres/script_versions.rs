//! Scripts on PostgreSQL, versioned as on SQLite (`store::sqlite::scripts`, whose checks
//! and question merge this module runs): a changed script under a known key is a new
//! version, an unchanged one stores nothing, and a script's survey questions join the
//! campaign's configuration.
//!
//! Saving locks the campaign's row (`FOR NO KEY UPDATE`) before reading its configuration,
//! so two replicas saving scripts in one campaign at once apply one after the other: no
//! version number is taken twice and no merged question is lost to a concurrent write of
//! the configuration. (`NO KEY` so rows that merely reference the campaign, like a new
//! volunteer or event, are not held up.)

use groundgame_core::{CampaignConfig, CampaignId, Script, VersionedScript};

use super::PgStore;
use crate::clock;
use crate::store::sqlite::script_versions::{check, merge_questions, versioned};
use crate::store::{SavedScript, ScriptListItem, StoreError};

type Tx<'a, 'c> = &'a mut postgres::Transaction<'c>;

fn version_of(v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("script version {v}")))
}

fn latest(
    tx: Tx<'_, '_>,
    campaign: CampaignId,
    key: &str,
) -> Result<Option<VersionedScript>, StoreError> {
    tx.query_opt(
        "SELECT version, body FROM scripts WHERE campaign_id = $1 AND key = $2
         ORDER BY version DESC LIMIT 1",
        &[&campaign.0, &key],
    )?
    .map(|r| versioned(campaign, version_of(r.get(0))?, r.get(1)))
    .transpose()
}

fn save(
    tx: Tx<'_, '_>,
    campaign: CampaignId,
    script: &Script,
    now_ms: u64,
) -> Result<SavedScript, StoreError> {
    check(script)?;
    let json: String = tx
        .query_opt(
            "SELECT config FROM campaigns WHERE id = $1 FOR NO KEY UPDATE",
            &[&campaign.0],
        )?
        .ok_or(StoreError::NotFound("campaign"))?
        .get(0);
    let mut config: CampaignConfig = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("campaign config: {e}")))?;
    let body = serde_json::to_string(script)
        .map_err(|e| StoreError::Corrupt(format!("script body: {e}")))?;
    if let Some(latest) = latest(tx, campaign, &script.key)? {
        if latest.script == *script {
            return Ok(SavedScript {
                version: latest.version,
                created: false,
            });
        }
    }
    let version: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM scripts
             WHERE campaign_id = $1 AND key = $2",
            &[&campaign.0, &script.key],
        )?
        .get(0);
    tx.execute(
        "INSERT INTO scripts (campaign_id, key, version, body, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &campaign.0,
            &script.key,
            &version,
            &body,
            &i64::try_from(now_ms).unwrap_or(i64::MAX),
        ],
    )?;
    if merge_questions(&mut config, script.survey_questions()) {
        let json = serde_json::to_string(&config)
            .map_err(|e| StoreError::Corrupt(format!("campaign config: {e}")))?;
        tx.execute(
            "UPDATE campaigns SET config = $2 WHERE id = $1",
            &[&campaign.0, &json],
        )?;
    }
    Ok(SavedScript {
        version: version_of(version)?,
        created: true,
    })
}

impl PgStore {
    pub(super) fn save_script(
        &self,
        campaign: CampaignId,
        script: &Script,
    ) -> Result<SavedScript, StoreError> {
        let now = clock::system_ms();
        self.write(|tx| save(tx, campaign, script, now))
    }

    pub(super) fn latest_script(
        &self,
        campaign: CampaignId,
        key: &str,
    ) -> Result<Option<VersionedScript>, StoreError> {
        self.read(|tx| latest(tx, campaign, key))
    }

    pub(super) fn scripts(&self, campaign: CampaignId) -> Result<Vec<ScriptListItem>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT key, MAX(version) FROM scripts WHERE campaign_id = $1
                 GROUP BY key ORDER BY key COLLATE \"C\"",
                &[&campaign.0],
            )?
            .iter()
            .map(|r| {
                Ok(ScriptListItem {
                    key: r.get(0),
                    latest_version: version_of(r.get(1))?,
                })
            })
            .collect()
        })
    }
}
