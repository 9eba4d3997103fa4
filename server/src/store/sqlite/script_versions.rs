//! Scripts, versioned. Storing a script under a key it already has makes a new version when
//! anything changed and keeps every old one, so a device answers the version it was given
//! (events keep the question and answer keys they were recorded with) until it syncs.
//!
//! Storing a script also teaches the campaign its survey questions (merged into the
//! campaign's configuration, choices only ever added), so the answers a device records with
//! any version of the script pass event validation.
//!
//! The table is `scripts` (migration 0002): one row per (campaign, key, version), the body
//! being `core::Script` as JSON.

use groundgame_core::{CampaignConfig, CampaignId, Script, SurveyQuestion, VersionedScript};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{campaigns, SqliteStore, StoreError};
use crate::clock;

/// What storing a script did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedScript {
    pub version: u32,
    /// False when the script was identical to its latest version (nothing stored).
    pub created: bool,
}

/// A script of the campaign, by key, with its latest version (the wire's type).
pub use groundgame_core::protocol::campaign_data::ScriptListItem;

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("script body: {e}"))
}

/// A script fit to store, or every problem with it in one sentence.
pub(crate) fn check(script: &Script) -> Result<(), StoreError> {
    if let Err(issues) = script.validate() {
        let problems: Vec<String> = issues.iter().map(|i| i.error.to_string()).collect();
        return Err(StoreError::Invalid(problems.join("; ")));
    }
    Ok(())
}

/// Store `script` as the next version of its key, unless it equals the latest version.
pub(crate) fn save(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    script: &Script,
    now_ms: u64,
) -> Result<SavedScript, StoreError> {
    check(script)?;
    let mut config = campaigns::config(tx, campaign)?;
    let body = serde_json::to_string(script).map_err(corrupt)?;
    if let Some(latest) = latest(tx, campaign, &script.key)? {
        if latest.script == *script {
            return Ok(SavedScript {
                version: latest.version,
                created: false,
            });
        }
    }
    let version: u32 = tx
        .prepare_cached(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM scripts
             WHERE campaign_id = ?1 AND key = ?2",
        )?
        .query_row(rusqlite::params![campaign.0, script.key], |r| r.get(0))?;
    tx.prepare_cached(
        "INSERT INTO scripts (campaign_id, key, version, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![
        campaign.0, script.key, version, body, now_ms
    ])?;
    if merge_questions(&mut config, script.survey_questions()) {
        let json = serde_json::to_string(&config)
            .map_err(|e| StoreError::Corrupt(format!("campaign config: {e}")))?;
        tx.prepare_cached("UPDATE campaigns SET config = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![campaign.0, json])?;
    }
    Ok(SavedScript {
        version,
        created: true,
    })
}

/// Add the questions to the campaign's: new questions are appended; a known question takes
/// the new wording and gains new choices, but keeps every choice it had (devices on an
/// older version may still record them). True when anything changed.
pub(crate) fn merge_questions(config: &mut CampaignConfig, questions: Vec<SurveyQuestion>) -> bool {
    let before = config.questions.clone();
    for q in questions {
        match config.questions.iter_mut().find(|c| c.key == q.key) {
            None => config.questions.push(q),
            Some(known) => {
                known.text_en = q.text_en;
                known.text_es = q.text_es;
                for choice in q.choices {
                    match known.choices.iter_mut().find(|c| c.key == choice.key) {
                        Some(c) => *c = choice,
                        None => known.choices.push(choice),
                    }
                }
            }
        }
    }
    config.questions != before
}

/// A stored version from its row.
pub(crate) fn versioned(
    campaign: CampaignId,
    version: u32,
    body: &str,
) -> Result<VersionedScript, StoreError> {
    Ok(VersionedScript {
        campaign,
        version,
        script: serde_json::from_str(body).map_err(corrupt)?,
    })
}

/// The latest version of the script `key`.
pub(crate) fn latest(
    conn: &Connection,
    campaign: CampaignId,
    key: &str,
) -> Result<Option<VersionedScript>, StoreError> {
    let row: Option<(u32, String)> = conn
        .prepare_cached(
            "SELECT version, body FROM scripts WHERE campaign_id = ?1 AND key = ?2
             ORDER BY version DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![campaign.0, key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(version, body)| versioned(campaign, version, &body))
        .transpose()
}

/// One version of the script `key`.
pub(crate) fn version(
    conn: &Connection,
    campaign: CampaignId,
    key: &str,
    version: u32,
) -> Result<Option<VersionedScript>, StoreError> {
    let body: Option<String> = conn
        .prepare_cached(
            "SELECT body FROM scripts WHERE campaign_id = ?1 AND key = ?2 AND version = ?3",
        )?
        .query_row(rusqlite::params![campaign.0, key, version], |r| r.get(0))
        .optional()?;
    body.map(|body| versioned(campaign, version, &body))
        .transpose()
}

/// The campaign's scripts with their latest version, by key.
pub(crate) fn list(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<ScriptListItem>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, MAX(version) FROM scripts WHERE campaign_id = ?1 GROUP BY key ORDER BY key",
    )?;
    let rows = stmt
        .query_map([campaign.0], |r| {
            Ok(ScriptListItem {
                key: r.get(0)?,
                latest_version: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The latest version of each of the campaign's scripts, by key.
pub(crate) fn all_latest(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<VersionedScript>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.version, s.body FROM scripts s
         WHERE s.campaign_id = ?1
           AND s.version = (SELECT MAX(version) FROM scripts
                            WHERE campaign_id = ?1 AND key = s.key)
         ORDER BY s.key",
    )?;
    let rows: Vec<(u32, String)> = stmt
        .query_map([campaign.0], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.iter()
        .map(|(version, body)| versioned(campaign, *version, body))
        .collect()
}

impl SqliteStore {
    /// Store a script as the next version of its key (nothing changes when it equals the
    /// latest version), and add its survey questions to the campaign's.
    pub fn save_script(
        &self,
        campaign: CampaignId,
        script: &Script,
    ) -> Result<SavedScript, StoreError> {
        self.write(|tx| save(tx, campaign, script, clock::system_ms()))
    }

    /// The latest version of a campaign's script.
    pub fn latest_script(
        &self,
        campaign: CampaignId,
        key: &str,
    ) -> Result<Option<VersionedScript>, StoreError> {
        self.read(|tx| latest(tx, campaign, key))
    }

    /// A given version of a campaign's script.
    pub fn script_version(
        &self,
        campaign: CampaignId,
        key: &str,
        version_number: u32,
    ) -> Result<Option<VersionedScript>, StoreError> {
        self.read(|tx| version(tx, campaign, key, version_number))
    }

    /// The campaign's scripts with their latest versions.
    pub fn scripts(&self, campaign: CampaignId) -> Result<Vec<ScriptListItem>, StoreError> {
        self.read(|tx| list(tx, campaign))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/scripts/canvass.toml");

    fn store() -> (tempfile::TempDir, SqliteStore, CampaignId) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("s.sqlite")).expect("open");
        let campaign = store
            .create_campaign("Scripts", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        (dir, store, campaign)
    }

    #[test]
    fn a_changed_script_is_a_new_version_and_the_old_one_stays() {
        let (_dir, store, campaign) = store();
        let first = crate::script_file::parse(EXAMPLE).expect("example");
        assert_eq!(
            store.save_script(campaign, &first).expect("save"),
            SavedScript {
                version: 1,
                created: true
            }
        );
        // The same script again: nothing new.
        assert_eq!(
            store.save_script(campaign, &first).expect("save"),
            SavedScript {
                version: 1,
                created: false
            }
        );
        let mut second = first.clone();
        second.intro_en.push_str(" Thanks!");
        second.questions[2].choices.remove(1);
        assert_eq!(
            store.save_script(campaign, &second).expect("save").version,
            2
        );
        let latest = store
            .latest_script(campaign, "canvass")
            .expect("read")
            .expect("stored");
        assert_eq!((latest.version, &latest.script), (2, &second));
        let old = store
            .script_version(campaign, "canvass", 1)
            .expect("read")
            .expect("kept");
        assert_eq!(old.script, first);
        assert_eq!(
            store.scripts(campaign).expect("list"),
            [ScriptListItem {
                key: "canvass".into(),
                latest_version: 2
            }]
        );
        // The survey questions joined the campaign, keeping the choice version 2 dropped.
        let config = store.campaign_config(campaign).expect("config");
        let ride = config.question("plan_ride").expect("merged");
        let keys: Vec<&str> = ride.choices.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["has_ride", "needs_ride"]);
        assert!(
            config.question("pledge").is_none(),
            "pledges are not survey questions"
        );
    }

    #[test]
    fn an_invalid_script_or_campaign_is_refused() {
        let (_dir, store, campaign) = store();
        let mut script = crate::script_file::parse(EXAMPLE).expect("example");
        assert!(matches!(
            store.save_script(CampaignId(999), &script),
            Err(StoreError::NotFound("campaign"))
        ));
        script.questions[0].text_es.clear();
        let err = store.save_script(campaign, &script).expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "question \"support\" has no Spanish text; add text_es = \"...\""
        );
        assert!(store.scripts(campaign).expect("list").is_empty());
    }
}
