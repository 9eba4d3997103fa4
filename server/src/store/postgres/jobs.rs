//! Shared bookkeeping every replica must see the same: imports started over the API (the
//! `import_jobs` row a running import keeps up to date) and refused registrations per
//! client address (the invite-guessing limit). See `import_jobs.rs` and `register_limit.rs`
//! for the rules; this is only where they are kept.
//!
//! Heartbeats are stamped and judged by the database's clock, not a replica's, so two
//! replicas whose clocks disagree still agree on whether a job's replica stopped.

use groundgame_core::CampaignId;
use uuid::Uuid;

use super::PgStore;
use crate::http::register_limit::{MAX_FAILURES, WINDOW_MS};
use crate::import::ImportSummary;
use crate::import_jobs::{
    already_running, ImportJob, JobState, NewImportJob, KEEP_FINISHED, STALE_MS, STOPPED_MESSAGE,
};
use crate::store::StoreError;

/// The database's clock in ms since the epoch, as SQL.
const DB_NOW_MS: &str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";

impl PgStore {
    pub(super) fn import_running(&self, campaign: CampaignId) -> Result<bool, StoreError> {
        self.read(|tx| {
            Ok(tx
                .query_one(
                    &format!(
                        "SELECT EXISTS (SELECT 1 FROM import_jobs
                                        WHERE campaign_id = $1 AND state = 'running'
                                          AND heartbeat_at > {DB_NOW_MS} - $2)"
                    ),
                    &[&campaign.0, &(STALE_MS as i64)],
                )?
                .get(0))
        })
    }

    pub(super) fn start_import_job(
        &self,
        job: &NewImportJob,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            // A job whose replica stopped no longer blocks the campaign's next import.
            tx.execute(
                &format!(
                    "UPDATE import_jobs SET state = 'failed', message = $3
                     WHERE campaign_id = $1 AND state = 'running'
                       AND heartbeat_at <= {DB_NOW_MS} - $2"
                ),
                &[&job.campaign.0, &(STALE_MS as i64), &STOPPED_MESSAGE],
            )?;
            let inserted = tx.execute(
                &format!(
                    "INSERT INTO import_jobs (id, campaign_id, file_name, format, total_bytes,
                                              started_at, heartbeat_at, state)
                     VALUES ($1, $2, $3, $4, $5, $6, {DB_NOW_MS}, 'running')
                     ON CONFLICT (campaign_id) WHERE state = 'running' DO NOTHING"
                ),
                &[
                    &job.id,
                    &job.campaign.0,
                    &job.file_name,
                    &job.format,
                    &(job.total_bytes as i64),
                    &(now_ms as i64),
                ],
            )?;
            if inserted == 0 {
                return Err(already_running());
            }
            tx.execute(
                "DELETE FROM import_jobs
                 WHERE campaign_id = $1 AND state <> 'running'
                   AND id NOT IN (SELECT id FROM import_jobs
                                  WHERE campaign_id = $1 AND state <> 'running'
                                  ORDER BY started_at DESC, id LIMIT $2)",
                &[&job.campaign.0, &(KEEP_FINISHED as i64 - 1)],
            )?;
            Ok(())
        })
    }

    pub(super) fn import_job_received(&self, id: Uuid, total_bytes: u64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE import_jobs SET total_bytes = $2 WHERE id = $1 AND state = 'running'",
                &[&id, &(total_bytes as i64)],
            )?;
            Ok(())
        })
    }

    pub(super) fn import_job_progress(
        &self,
        id: Uuid,
        bytes_read: u64,
        rows_read: u64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                &format!(
                    "UPDATE import_jobs SET bytes_read = $2, rows_read = $3,
                                            heartbeat_at = {DB_NOW_MS}
                     WHERE id = $1 AND state = 'running'"
                ),
                &[&id, &(bytes_read as i64), &(rows_read as i64)],
            )?;
            Ok(())
        })
    }

    pub(super) fn finish_import_job(
        &self,
        id: Uuid,
        state: &JobState,
        report_gz: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let (name, summary, report_lines, message) = match state {
            JobState::Running => ("running", None, 0, None),
            JobState::Done {
                summary,
                report_lines,
            } => (
                "done",
                Some(
                    serde_json::to_string(summary)
                        .map_err(|e| StoreError::Corrupt(format!("import summary: {e}")))?,
                ),
                *report_lines as i64,
                None,
            ),
            JobState::Failed { message, .. } => ("failed", None, 0, Some(message.clone())),
        };
        // A failed job's report is kept only when it explains the failure row by row.
        let report = report_gz.filter(|_| state.has_report());
        self.write(|tx| {
            // Whatever a reader concluded meanwhile, how the import really ended wins.
            tx.execute(
                &format!(
                    "UPDATE import_jobs SET state = $2, summary = $3, report_lines = $4,
                                            message = $5, report_gz = $6,
                                            heartbeat_at = {DB_NOW_MS}
                     WHERE id = $1"
                ),
                &[&id, &name, &summary, &report_lines, &message, &report],
            )?;
            Ok(())
        })
    }

    pub(super) fn import_job(
        &self,
        campaign: CampaignId,
        id: Uuid,
    ) -> Result<Option<ImportJob>, StoreError> {
        self.read(|tx| {
            let Some(r) = tx.query_opt(
                &format!(
                    "SELECT file_name, format, total_bytes, started_at, bytes_read, rows_read,
                            state, summary, report_lines, message, report_gz IS NOT NULL,
                            heartbeat_at <= {DB_NOW_MS} - $3
                     FROM import_jobs WHERE id = $1 AND campaign_id = $2"
                ),
                &[&id, &campaign.0, &(STALE_MS as i64)],
            )?
            else {
                return Ok(None);
            };
            let state = match (r.get::<_, &str>(6), r.get::<_, bool>(11)) {
                ("running", false) => JobState::Running,
                ("running", true) => JobState::Failed {
                    message: STOPPED_MESSAGE.into(),
                    report: false,
                },
                ("done", _) => {
                    let summary: ImportSummary =
                        serde_json::from_str(r.get::<_, Option<&str>>(7).unwrap_or_default())
                            .map_err(|e| StoreError::Corrupt(format!("import summary: {e}")))?;
                    JobState::Done {
                        summary,
                        report_lines: r.get::<_, i64>(8) as u64,
                    }
                }
                _ => JobState::Failed {
                    message: r.get::<_, Option<String>>(9).unwrap_or_default(),
                    report: r.get(10),
                },
            };
            Ok(Some(ImportJob {
                id,
                campaign,
                file_name: r.get(0),
                format: r.get(1),
                total_bytes: r.get::<_, i64>(2) as u64,
                started_ms: r.get::<_, i64>(3) as u64,
                bytes_read: r.get::<_, i64>(4) as u64,
                rows_read: r.get::<_, i64>(5) as u64,
                state,
            }))
        })
    }

    pub(super) fn import_job_report(
        &self,
        campaign: CampaignId,
        id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(|tx| {
            Ok(tx
                .query_opt(
                    "SELECT report_gz FROM import_jobs WHERE id = $1 AND campaign_id = $2",
                    &[&id, &campaign.0],
                )?
                .and_then(|r| r.get::<_, Option<Vec<u8>>>(0)))
        })
    }

    /// One statement, so concurrent attempts on any replica are counted one after another
    /// under the row's lock. `failures` counts attempts not given back, held at
    /// `MAX_FAILURES + 1` once the client is refused (that one marks a refused attempt:
    /// whether this attempt may go ahead is read from the count it left).
    pub(super) fn registration_attempt(
        &self,
        client: &str,
        now_ms: u64,
    ) -> Result<Option<u64>, StoreError> {
        self.write(|tx| {
            let (now, window, max) = (now_ms as i64, WINDOW_MS as i64, MAX_FAILURES as i32);
            let row = tx.query_one(
                "INSERT INTO registration_refusals AS r (address, window_start, failures)
                 VALUES ($1, $2, 1)
                 ON CONFLICT (address) DO UPDATE SET
                     window_start = CASE WHEN $2 >= r.window_start + $3 THEN $2
                                         ELSE r.window_start END,
                     failures = CASE WHEN $2 >= r.window_start + $3 THEN 1
                                     ELSE LEAST(r.failures + 1, $4 + 1) END
                 RETURNING window_start, failures",
                &[&client, &now, &window, &max],
            )?;
            let (start, count) = (row.get::<_, i64>(0) as u64, row.get::<_, i32>(1));
            if count == 1 {
                // A window began: forget those that have ended (once per client per window).
                tx.execute(
                    "DELETE FROM registration_refusals WHERE window_start <= $1::BIGINT - $2::BIGINT",
                    &[&now, &window],
                )?;
            }
            Ok((count > max).then(|| (start + WINDOW_MS).saturating_sub(now_ms).max(1)))
        })
    }

    pub(super) fn registration_given_back(
        &self,
        client: &str,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE registration_refusals
                 SET failures = GREATEST(LEAST(failures, $4) - 1, 0)
                 WHERE address = $1 AND $2 < window_start + $3",
                &[
                    &client,
                    &(now_ms as i64),
                    &(WINDOW_MS as i64),
                    &(MAX_FAILURES as i32),
                ],
            )?;
            Ok(())
        })
    }
}
