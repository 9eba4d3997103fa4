//! Importing a file on disk, as the command line and the benchmark do it: read the file on
//! its own thread, apply it in the store, stream the report to a CSV next to the file
//! (written to a temporary sibling and renamed only when the import committed, so a failed
//! import leaves no report that looks real), and show progress on stderr.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use atomic_write_file::AtomicWriteFile;
use groundgame_core::CampaignId;

use crate::lang::Lang;

use crate::import::packing::{self, MAX_UNPACKED_BYTES};
use crate::import::{
    read_in_background, year_of, Format, GeoReader, GeocodeSummary, ImportError, ImportSummary,
    Progress, ReadOptions, VoterImport, VoterReader,
};
use crate::{clock, Store};

/// One import asked for by a lead.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub campaign: CampaignId,
    pub format: Format,
    pub file: PathBuf,
    /// Where to write the report; next to the file when `None`.
    pub report: Option<PathBuf>,
    /// The file is the whole voter file: people of earlier imports of this format who are
    /// not in it are marked removed. False for a county extract or an update.
    pub full_file: bool,
    /// Show a progress line on stderr.
    pub show_progress: bool,
    /// The language of the report's reasons (the lead's, for an upload from the app).
    pub lang: Lang,
}

/// What an import did, and where its report is.
#[derive(Debug, Clone)]
pub struct ImportDone {
    pub summary: ImportSummary,
    pub report: PathBuf,
    pub report_lines: u64,
    pub elapsed: Duration,
}

/// `<dir>/<file stem>-<what>-report.csv`.
pub fn default_report_path(file: &Path, what: &str) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "voters".into(), |s| s.to_string_lossy().into_owned());
    file.with_file_name(format!("{stem}-{what}-report.csv"))
}

/// A CSV report written whole or not at all: to a temporary sibling until
/// [`Report::keep`] fsyncs and renames it into place (`atomic-write-file`).
pub(crate) struct Report {
    writer: csv::Writer<AtomicWriteFile>,
    path: PathBuf,
    lines: u64,
}

impl Report {
    pub(crate) fn create(path: PathBuf, header: &[&str]) -> Result<Self, ImportError> {
        let file = AtomicWriteFile::open(&path).map_err(ImportError::Report)?;
        let mut writer = csv::Writer::from_writer(file);
        writer.write_record(header).map_err(report_error)?;
        Ok(Report {
            writer,
            path,
            lines: 0,
        })
    }

    /// One line; every cell through the spreadsheet formula guard (a voter id, a reason
    /// quoting the file, come from a file someone else wrote).
    pub(crate) fn line(&mut self, fields: &[&str]) -> std::io::Result<()> {
        self.lines += 1;
        self.writer
            .write_record(
                fields
                    .iter()
                    .map(|f| crate::ops::export::guard(f).into_owned()),
            )
            .map_err(std::io::Error::other)
    }

    pub(crate) fn keep(self) -> Result<(PathBuf, u64), ImportError> {
        let file = self
            .writer
            .into_inner()
            .map_err(|e| ImportError::Report(std::io::Error::other(e.to_string())))?;
        file.commit().map_err(ImportError::Report)?;
        Ok((self.path, self.lines))
    }

    pub(crate) fn discard(self) {
        if let Ok(file) = self.writer.into_inner() {
            let _ = file.discard();
        }
    }
}

fn report_error(e: csv::Error) -> ImportError {
    ImportError::Report(std::io::Error::other(e))
}

/// A thread printing "percent, rows, rows/s" to stderr until stopped.
struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    fn start(progress: Arc<Progress>, total_bytes: u64) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("import-progress".into())
            .spawn(move || {
                let terminal = std::io::stderr().is_terminal();
                let every = if terminal {
                    Duration::from_millis(250)
                } else {
                    Duration::from_secs(5)
                };
                let started = Instant::now();
                let mut last = Instant::now();
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(50));
                    if last.elapsed() < every {
                        continue;
                    }
                    last = Instant::now();
                    let bytes = progress.bytes.load(Ordering::Relaxed);
                    let rows = progress.rows.load(Ordering::Relaxed);
                    let secs = started.elapsed().as_secs_f64().max(0.001);
                    let pct = if total_bytes == 0 {
                        100.0
                    } else {
                        bytes as f64 * 100.0 / total_bytes as f64
                    };
                    let line = format!(
                        "importing: {pct:5.1}%  {:.1} of {:.1} MB  {rows} rows  {:.0} rows/s",
                        bytes as f64 / 1e6,
                        total_bytes as f64 / 1e6,
                        rows as f64 / secs
                    );
                    let mut err = std::io::stderr().lock();
                    let _ = if terminal {
                        write!(err, "\r{line}   ")
                    } else {
                        writeln!(err, "{line}")
                    };
                    let _ = err.flush();
                }
                if terminal {
                    let _ = writeln!(std::io::stderr());
                }
            })
            .ok();
        Ticker { stop, thread }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Import one voter file into the campaign, in one transaction: on any error nothing of it
/// is stored and no report is left behind.
pub fn import_file(store: &dyn Store, req: &ImportRequest) -> Result<ImportDone, ImportError> {
    import_file_with_progress(store, req, Arc::new(Progress::default()))
}

/// [`import_file`], counting bytes and rows read into `progress` as it goes (the API's
/// progress endpoint reads it while the import runs).
pub fn import_file_with_progress(
    store: &dyn Store,
    req: &ImportRequest,
    progress: Arc<Progress>,
) -> Result<ImportDone, ImportError> {
    let started = Instant::now();
    let file = File::open(&req.file)?;
    let size = file.metadata()?.len();
    let options = ReadOptions::for_year(year_of(clock::system_ms()));
    let opened = packing::open(file, MAX_UNPACKED_BYTES, Some(progress.clone()))?;
    let reader = VoterReader::new(opened.reader, &req.format, options, Some(progress.clone()))?;
    let file_name = req
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let report_path = req
        .report
        .clone()
        .unwrap_or_else(|| default_report_path(&req.file, "import"));
    let mut report = Report::create(report_path, &["row", "source_id", "reason"])?;
    let import_id = match store.begin_import(req.campaign, req.format.name(), &file_name) {
        Ok(id) => id,
        Err(e) => {
            report.discard();
            return Err(e.into());
        }
    };
    let import = VoterImport {
        campaign: req.campaign,
        import_id,
        format: req.format.name(),
        full_file: req.full_file,
    };
    let mut rows = read_in_background(reader)?;
    let ticker = req.show_progress.then(|| Ticker::start(progress, size));
    let result = store.import_voters(&import, &mut rows, &mut |line| {
        let row = if line.row == 0 {
            String::new()
        } else {
            line.row.to_string()
        };
        report.line(&[&row, &line.source_id, &line.issue.reason_in(req.lang)])
    });
    drop(ticker);
    match result {
        Ok(summary) => {
            let (report, report_lines) = report.keep()?;
            Ok(ImportDone {
                summary,
                report,
                report_lines,
                elapsed: started.elapsed(),
            })
        }
        Err(ImportError::NothingImported) => {
            // Nothing was stored, but the lead needs the report to see why.
            report.keep()?;
            Err(ImportError::NothingImported)
        }
        Err(e) => {
            report.discard();
            Err(e)
        }
    }
}

/// Set household locations from a geocoding CSV; the report lists the rows not used.
pub fn geocode_file(
    store: &dyn Store,
    campaign: CampaignId,
    file: &Path,
    report: Option<PathBuf>,
) -> Result<(GeocodeSummary, PathBuf), ImportError> {
    let mut reader = GeoReader::new(File::open(file)?)?;
    let path = report.unwrap_or_else(|| default_report_path(file, "geocode"));
    let mut report = Report::create(path, &["row", "reason"])?;
    let result = store.set_locations(campaign, &mut reader, &mut |row, issue| {
        report.line(&[&row.to_string(), issue.reason()])
    });
    match result {
        Ok(summary) => Ok((summary, report.keep()?.0)),
        Err(e) => {
            report.discard();
            Err(e)
        }
    }
}
