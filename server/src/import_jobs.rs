//! Voter-file imports started over the API. The upload is streamed to a private temporary
//! folder, then imported on a blocking thread exactly as the command line does it
//! ([`crate::ops::import_file`]), while the lead's app polls the job for a progress bar.
//!
//! A job is shared state: any replica may be asked where it stands. Each backend keeps its
//! jobs behind the [`crate::store::Store`] trait: the embedded database in the memory of
//! the one process that owns the file ([`MemoryJobs`]), PostgreSQL in a job row that the
//! replica running the import brings up to date every [`HEARTBEAT_MS`]. A running job
//! whose row has not moved for [`STALE_MS`] belonged to a replica that stopped: it is
//! answered as failed, and as the import ran in one transaction nothing of it was saved.
//! The report (row, voter id, reason) is kept gzipped with the job; the `imports` table
//! keeps every import's summary for good.
//!
//! Job ids are random (UUIDv4) and every look-up checks the caller's campaign, so one
//! campaign's lead can never read another's job or report.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use groundgame_core::CampaignId;
use uuid::Uuid;

use crate::error::StoreError;
use groundgame_core::protocol::campaign_data::ImportSummary;

/// How many finished jobs are kept per campaign (oldest forgotten first).
pub const KEEP_FINISHED: usize = 50;
/// How often the replica running an import writes its progress (and so shows it lives).
pub const HEARTBEAT_MS: u64 = 1_000;
/// A running job whose progress has not been written for this long has lost its replica.
pub const STALE_MS: u64 = 10_000;
/// What a lead reads about a job whose replica stopped.
pub const STOPPED_MESSAGE: &str = "the server that was importing this file stopped before it \
    finished; nothing of the file was saved. Upload it again";

/// [`STOPPED_MESSAGE`] in `lang`.
pub fn stopped_message(lang: crate::lang::Lang) -> &'static str {
    lang.pick(
        STOPPED_MESSAGE,
        "el servidor que importaba este archivo se detuvo antes de terminar; no se guardó nada \
         del archivo. Súbalo otra vez",
    )
}

/// Where one import stands.
#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    Running,
    Done {
        summary: ImportSummary,
        report_lines: u64,
    },
    /// Nothing was imported. `report` is true when the report explains why row by row.
    Failed {
        message: String,
        report: bool,
    },
}

impl JobState {
    /// Whether the job has a report to download.
    pub fn has_report(&self) -> bool {
        match self {
            JobState::Done { .. } => true,
            JobState::Failed { report, .. } => *report,
            JobState::Running => false,
        }
    }
}

/// A job about to start.
#[derive(Debug, Clone)]
pub struct NewImportJob {
    pub id: Uuid,
    pub campaign: CampaignId,
    pub file_name: String,
    pub format: String,
    pub total_bytes: u64,
}

/// One import as any replica answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportJob {
    pub id: Uuid,
    pub campaign: CampaignId,
    pub file_name: String,
    pub format: String,
    pub total_bytes: u64,
    pub started_ms: u64,
    pub bytes_read: u64,
    pub rows_read: u64,
    pub state: JobState,
}

impl ImportJob {
    fn new(job: &NewImportJob, now_ms: u64) -> ImportJob {
        ImportJob {
            id: job.id,
            campaign: job.campaign,
            file_name: job.file_name.clone(),
            format: job.format.clone(),
            total_bytes: job.total_bytes,
            started_ms: now_ms,
            bytes_read: 0,
            rows_read: 0,
            state: JobState::Running,
        }
    }
}

/// The refusal [`crate::store::Store::start_import_job`] answers while one runs.
pub fn already_running() -> StoreError {
    StoreError::Invalid(
        "an import is already running for this campaign; wait for it to finish".into(),
    )
}

/// The embedded database's jobs: in the memory of the one process that owns the file (a
/// server restart forgets them, and with them any import that was running, whose
/// transaction the restart rolled back).
#[derive(Debug, Default)]
pub struct MemoryJobs {
    jobs: Mutex<Vec<(ImportJob, Option<Vec<u8>>)>>,
}

impl MemoryJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(ImportJob, Option<Vec<u8>>)>> {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn running(&self, campaign: CampaignId) -> bool {
        self.lock()
            .iter()
            .any(|(j, _)| j.campaign == campaign && j.state == JobState::Running)
    }

    pub fn start(&self, job: &NewImportJob, now_ms: u64) -> Result<(), StoreError> {
        let mut jobs = self.lock();
        if jobs
            .iter()
            .any(|(j, _)| j.campaign == job.campaign && j.state == JobState::Running)
        {
            return Err(already_running());
        }
        let finished: Vec<usize> = jobs
            .iter()
            .enumerate()
            .filter(|(_, (j, _))| j.campaign == job.campaign && j.state != JobState::Running)
            .map(|(i, _)| i)
            .collect();
        if finished.len() >= KEEP_FINISHED {
            jobs.remove(finished[0]);
        }
        jobs.push((ImportJob::new(job, now_ms), None));
        Ok(())
    }

    pub fn received(&self, id: Uuid, total_bytes: u64) {
        let mut jobs = self.lock();
        let running = jobs
            .iter_mut()
            .find(|(j, _)| j.id == id && j.state == JobState::Running);
        if let Some((j, _)) = running {
            j.total_bytes = total_bytes;
        }
    }

    pub fn progress(&self, id: Uuid, bytes_read: u64, rows_read: u64) {
        let mut jobs = self.lock();
        let running = jobs
            .iter_mut()
            .find(|(j, _)| j.id == id && j.state == JobState::Running);
        if let Some((j, _)) = running {
            j.bytes_read = bytes_read;
            j.rows_read = rows_read;
        }
    }

    pub fn finish(&self, id: Uuid, state: &JobState, report_gz: Option<&[u8]>) {
        if let Some((j, report)) = self.lock().iter_mut().find(|(j, _)| j.id == id) {
            j.state = state.clone();
            *report = report_gz.map(<[u8]>::to_vec);
        }
    }

    pub fn get(&self, campaign: CampaignId, id: Uuid) -> Option<ImportJob> {
        self.lock()
            .iter()
            .find(|(j, _)| j.id == id && j.campaign == campaign)
            .map(|(j, _)| j.clone())
    }

    pub fn report(&self, campaign: CampaignId, id: Uuid) -> Option<Vec<u8>> {
        self.lock()
            .iter()
            .find(|(j, _)| j.id == id && j.campaign == campaign)
            .and_then(|(_, r)| r.clone())
    }
}

/// An upload on its way in: a private folder (mode 0700 on Unix) and the file's path in it.
#[derive(Debug)]
pub struct Upload {
    dir: tempfile::TempDir,
    pub file_name: String,
}

impl Upload {
    pub fn new(file_name: &str) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("groundgame-import-")
            .tempdir()?;
        Ok(Upload {
            dir,
            file_name: safe_file_name(file_name),
        })
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join(&self.file_name)
    }

    /// Where the import writes its report (the folder goes with the upload).
    pub fn report_path(&self) -> PathBuf {
        self.dir.path().join("report.csv")
    }
}

/// A file name safe to create in the job's folder: letters, digits, `.`, `-` and `_` only,
/// at most 100 characters, never hidden or empty, never `report.csv`.
pub fn safe_file_name(name: &str) -> String {
    let base = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut clean: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    while clean.starts_with('.') {
        clean.remove(0);
    }
    if clean.is_empty() || clean == "report.csv" {
        clean = "voter-file.txt".into();
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_escape_the_folder() {
        assert_eq!(safe_file_name("ncvoter32.txt"), "ncvoter32.txt");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("/tmp/x y;z.csv"), "x_y_z.csv");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(safe_file_name(""), "voter-file.txt");
        assert_eq!(safe_file_name(".."), "voter-file.txt");
        assert_eq!(safe_file_name("report.csv"), "voter-file.txt");
        assert_eq!(safe_file_name(&"a".repeat(300)).len(), 100);
    }

    #[test]
    fn jobs_are_found_only_by_their_campaign_and_one_runs_at_a_time() {
        let jobs = MemoryJobs::default();
        let upload = Upload::new("file.csv").expect("folder");
        assert!(upload.path().ends_with("file.csv"));
        let new = NewImportJob {
            id: Uuid::new_v4(),
            campaign: CampaignId(1),
            file_name: upload.file_name.clone(),
            format: "van".into(),
            total_bytes: 10,
        };
        jobs.start(&new, 5).expect("start");
        assert!(jobs.get(CampaignId(1), new.id).is_some());
        assert!(jobs.get(CampaignId(2), new.id).is_none());
        assert!(jobs.running(CampaignId(1)));
        let second = NewImportJob {
            id: Uuid::new_v4(),
            ..new.clone()
        };
        assert!(matches!(
            jobs.start(&second, 6),
            Err(StoreError::Invalid(_))
        ));
        jobs.progress(new.id, 7, 3);
        let failed = JobState::Failed {
            message: "x".into(),
            report: true,
        };
        jobs.finish(new.id, &failed, Some(b"gz"));
        let got = jobs.get(CampaignId(1), new.id).expect("job");
        assert_eq!((got.bytes_read, got.rows_read, got.state), (7, 3, failed));
        assert_eq!(
            jobs.report(CampaignId(1), new.id).as_deref(),
            Some(&b"gz"[..])
        );
        assert_eq!(jobs.report(CampaignId(2), new.id), None);
        assert!(!jobs.running(CampaignId(1)));
        jobs.start(&second, 8).expect("the next import");
    }
}
