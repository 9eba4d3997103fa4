//! Voter-file imports started over the API. The upload is streamed to a private temporary
//! folder, then imported on a blocking thread exactly as the command line does it
//! ([`crate::import::run`]), while the lead's app polls the job for a progress bar. A job
//! lives in memory until the server stops (its report with it); the `imports` table keeps
//! every import's summary for good.
//!
//! Job ids are random (UUIDv4) and every look-up checks the caller's campaign, so one
//! campaign's lead can never read another's job or report.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use groundgame_core::CampaignId;
use uuid::Uuid;

use crate::import::{ImportSummary, Progress};

/// How many finished jobs are kept (oldest forgotten first).
const KEEP_FINISHED: usize = 50;

/// Where one import stands.
#[derive(Debug, Clone)]
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

/// One import started over the API.
#[derive(Debug)]
pub struct ImportJob {
    pub id: Uuid,
    pub campaign: CampaignId,
    pub file_name: String,
    pub format: &'static str,
    pub total_bytes: u64,
    pub started_ms: u64,
    pub progress: Arc<Progress>,
    state: Mutex<JobState>,
    /// The upload and the report; removed with the job.
    dir: tempfile::TempDir,
}

impl ImportJob {
    pub fn state(&self) -> JobState {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn finish(&self, state: JobState) {
        *self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = state;
    }

    pub fn bytes_read(&self) -> u64 {
        self.progress.bytes.load(Ordering::Relaxed)
    }

    pub fn rows_read(&self) -> u64 {
        self.progress.rows.load(Ordering::Relaxed)
    }

    /// The uploaded file.
    pub fn upload_path(&self) -> PathBuf {
        self.dir.path().join(&self.file_name)
    }

    /// The report CSV (present once the import finished with one).
    pub fn report_path(&self) -> PathBuf {
        self.dir.path().join("report.csv")
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
}

/// The server's imports started over the API.
#[derive(Debug, Default)]
pub struct ImportJobs {
    jobs: Mutex<Vec<Arc<ImportJob>>>,
}

impl ImportJobs {
    /// Register a job for a complete upload of `total_bytes`.
    pub fn start(
        &self,
        campaign: CampaignId,
        upload: Upload,
        format: &'static str,
        total_bytes: u64,
        started_ms: u64,
    ) -> Arc<ImportJob> {
        let job = Arc::new(ImportJob {
            id: Uuid::new_v4(),
            campaign,
            file_name: upload.file_name,
            format,
            total_bytes,
            started_ms,
            progress: Arc::new(Progress::default()),
            state: Mutex::new(JobState::Running),
            dir: upload.dir,
        });
        let mut jobs = self
            .jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let finished: Vec<usize> = jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| !matches!(j.state(), JobState::Running))
            .map(|(i, _)| i)
            .collect();
        if finished.len() >= KEEP_FINISHED {
            jobs.remove(finished[0]);
        }
        jobs.push(job.clone());
        job
    }

    /// The job, when it exists and belongs to `campaign`.
    pub fn get(&self, campaign: CampaignId, id: Uuid) -> Option<Arc<ImportJob>> {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|j| j.id == id && j.campaign == campaign)
            .cloned()
    }

    /// Whether `campaign` has an import running (one at a time per campaign).
    pub fn running(&self, campaign: CampaignId) -> bool {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .any(|j| j.campaign == campaign && matches!(j.state(), JobState::Running))
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
    fn jobs_are_found_only_by_their_campaign() {
        let jobs = ImportJobs::default();
        let upload = Upload::new("file.csv").expect("folder");
        let path = upload.path();
        assert!(path.ends_with("file.csv"));
        let job = jobs.start(CampaignId(1), upload, "van", 10, 0);
        assert_eq!(job.upload_path(), path);
        assert!(jobs.get(CampaignId(1), job.id).is_some());
        assert!(jobs.get(CampaignId(2), job.id).is_none());
        assert!(jobs.running(CampaignId(1)));
        job.finish(JobState::Failed {
            message: "x".into(),
            report: false,
        });
        assert!(!jobs.running(CampaignId(1)));
    }
}
