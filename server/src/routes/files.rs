//! Campaign data in and out over the API, for the lead's app — the same operations as the
//! command line's `import`, `script` and `export`:
//!
//! - `POST /api/v1/imports?format=ncvoter|van|mapped[&full_file=true][&file_name=…][&mapping=…]`
//!   streams the voter file (any size, gzip allowed) to a private temporary folder and
//!   imports it in the background; `GET /api/v1/imports/{id}` is its progress and summary,
//!   `GET /api/v1/imports/{id}/report` the report CSV (row, voter id, reason).
//! - `POST /api/v1/scripts` takes a script file (TOML text) and stores it as the next version
//!   of its key; a script with problems gets 422 and every problem with its line.
//! - `GET /api/v1/scripts` lists the campaign's scripts and their latest versions.
//! - `GET /api/v1/export?format=full|van` streams the results CSV.
//!
//! Only a lead or admin of the caller's own campaign may call them.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use groundgame_core::protocol::campaign_data::{
    ExportFormat, ImportFormat, ImportJobResponse, ImportStatus, ScriptList, ScriptSaved,
};
use groundgame_core::protocol::ErrorBody;
use http_body_util::BodyExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::error::ApiError;
use crate::http::auth::{AuthDevice, AuthLead};
use crate::import::Progress;
use crate::import::{Format, ImportError, Mapping};
use crate::import_jobs::{
    stopped_message, ImportJob, JobState, NewImportJob, Upload, HEARTBEAT_MS, STOPPED_MESSAGE,
};
use crate::lang::Lang;
use crate::ops::export::write_csv;
use crate::ops::import_file::{import_file_with_progress, ImportRequest};
use crate::script_file::{self, ScriptFileError};
use crate::{clock, AppState};

/// The largest voter file the API takes (decompressed): 8 GiB, about 20 million rows.
pub const MAX_IMPORT_BYTES: u64 = 8 << 30;
/// The largest script file.
pub const MAX_SCRIPT_BYTES: usize = 256 * 1024;

/// The query of `POST /api/v1/imports`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    pub format: ImportFormat,
    /// The file is the whole voter file: people of earlier imports of this format who are
    /// not in it are marked removed.
    #[serde(default)]
    pub full_file: bool,
    /// The file's name as the lead picked it (kept in the import's record).
    #[serde(default)]
    pub file_name: Option<String>,
    /// For `mapped`: the column mapping, as the TOML text the command line's `--mapping`
    /// file holds.
    #[serde(default)]
    pub mapping: Option<String>,
}

fn job_response(job: ImportJob, lang: Lang) -> ImportJobResponse {
    let report = job.state.has_report();
    let (status, summary, error, report_lines) = match job.state {
        JobState::Running => (ImportStatus::Running, None, None, 0),
        JobState::Done {
            summary,
            report_lines,
        } => (ImportStatus::Done, Some(summary), None, report_lines),
        JobState::Failed { message, .. } => {
            // The one failure a store words (a replica that stopped mid-import), said in
            // the asking lead's language; every other was said in the uploader's.
            let message = if message == STOPPED_MESSAGE {
                stopped_message(lang).to_owned()
            } else {
                message
            };
            (ImportStatus::Failed, None, Some(message), 0)
        }
    };
    let bytes_read = job.bytes_read.min(job.total_bytes);
    let percent = match status {
        ImportStatus::Running if job.total_bytes > 0 => {
            // The last percent is the commit.
            (bytes_read as f64 * 99.0 / job.total_bytes as f64).min(99.0)
        }
        ImportStatus::Running => 0.0,
        _ => 100.0,
    };
    ImportJobResponse {
        id: job.id,
        status,
        file_name: job.file_name,
        format: job.format,
        total_bytes: job.total_bytes,
        bytes_read,
        rows_read: job.rows_read,
        percent,
        started_at: job.started_ms,
        summary,
        error,
        report,
        report_lines,
    }
}

/// The report file gzipped, to keep with the job (a report of a million refused rows is
/// a few hundred kilobytes so).
fn gzip_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::copy(&mut file, &mut gz)?;
    gz.finish()
}

/// The format an import query names, its mapping checked.
fn import_format(query: &ImportQuery, lang: Lang) -> Result<Format, ApiError> {
    Ok(match (query.format, query.mapping.as_deref()) {
        (ImportFormat::Ncvoter, None) => Format::NcVoter,
        (ImportFormat::Van, None) => Format::Van,
        (ImportFormat::Mapped, Some(text)) => Format::Mapped(Box::new(
            Mapping::parse(text).map_err(|e| ApiError::InvalidValue(e.message_in(lang)))?,
        )),
        (ImportFormat::Mapped, None) => {
            return Err(ApiError::InvalidValue(
                "format=mapped needs mapping=<the column mapping's TOML text>".into(),
            ))
        }
        (_, Some(_)) => {
            return Err(ApiError::InvalidValue(
                "a mapping is only for format=mapped; ncvoter and van files are read by their \
                 own column names"
                    .into(),
            ))
        }
    })
}

/// An upload refused before its body was read: up to [`DRAIN_BYTES`] of it (for at most
/// [`DRAIN_MS`]) are read and dropped first, so a client still sending a small file reads
/// the refusal instead of a connection cut under it; a big one is cut, as it must be.
async fn refused_before_reading(body: Body, e: ApiError) -> ApiError {
    let drain = async {
        let mut body = body;
        let mut read = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            read += frame.data_ref().map_or(0, |d| d.len());
            if read > DRAIN_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_millis(DRAIN_MS), drain).await;
    e
}

const DRAIN_BYTES: usize = 1 << 20;
const DRAIN_MS: u64 = 2_000;

/// Stream the request body into the upload's file, stopping at [`MAX_IMPORT_BYTES`].
async fn receive(body: Body, upload: &Upload) -> Result<u64, ApiError> {
    let path = upload.path();
    let file = tokio::fs::File::create(&path)
        .await
        .map_err(|e| ApiError::Internal(format!("import upload folder: {e}")))?;
    stream_to_file(body, file, MAX_IMPORT_BYTES, "import upload", || {
        format!(
            "voter files over {} GiB are not taken over the API; split the file by county, \
             or use the command line's `import` on the server",
            MAX_IMPORT_BYTES >> 30
        )
    })
    .await
}

/// Write a request body to `file` as it arrives, refusing it (413, `too_large`'s words)
/// once it passes `max` bytes; `what` names the upload in an internal error.
pub(crate) async fn stream_to_file(
    body: Body,
    mut file: tokio::fs::File,
    max: u64,
    what: &str,
    too_large: impl FnOnce() -> String,
) -> Result<u64, ApiError> {
    let mut body = body;
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::InvalidBody(format!(
                "the upload stopped before the end of the file ({e}); send it again"
            ))
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len() as u64;
        if total > max {
            return Err(ApiError::TooLarge(too_large()));
        }
        file.write_all(&data)
            .await
            .map_err(|e| ApiError::Internal(format!("{what}: {e}")))?;
    }
    file.flush()
        .await
        .map_err(|e| ApiError::Internal(format!("{what}: {e}")))?;
    Ok(total)
}

#[utoipa::path(
    post,
    path = super::IMPORTS_PATH,
    tag = "lead",
    params(
        ("format" = ImportFormat, Query, description = "ncvoter, van or mapped"),
        ("full_file" = Option<bool>, Query, description = "The whole voter file: mark absent voters of earlier imports of this format removed"),
        ("file_name" = Option<String>, Query, description = "The file's name, kept with the import"),
        ("mapping" = Option<String>, Query, description = "For mapped: the column mapping's TOML text"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The voter file, as it came (any encoding the importer reads; gzip Content-Encoding allowed)"),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Received; the import runs. Poll its address for progress", body = ImportJobResponse),
        (status = 400, description = "A bad query, or the upload broke off", body = ErrorBody),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 413, description = "Over 8 GiB", body = ErrorBody),
        (status = 422, description = "An empty file, a bad mapping, or an import already running", body = ErrorBody),
    )
)]
pub(crate) async fn start_import(
    State(state): State<AppState>,
    AuthLead(device): AuthLead,
    lang: Lang,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // `AuthLead`: a lead of their campaign, checked before the query string was read.
    let campaign = device.campaign;
    let format = match import_format(&query, lang) {
        Ok(format) => format,
        Err(e) => return Err(refused_before_reading(body, e).await),
    };
    let upload = Upload::new(query.file_name.as_deref().unwrap_or_default())
        .map_err(|e| ApiError::Internal(format!("import upload folder: {e}")))?;
    // The job starts before the body is read: a second upload for the campaign is refused
    // at once, by any replica, instead of spooling gigabytes first and being refused after.
    let expected = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let new = NewImportJob {
        id: Uuid::new_v4(),
        campaign,
        file_name: upload.file_name.clone(),
        format: format.name().to_string(),
        total_bytes: expected,
    };
    let started = state.now_ms();
    let job = new.clone();
    // Through the readers' gate: the job row is bookkeeping, and the writers' gate may be
    // held by another campaign's import for minutes.
    if let Err(e) = state.read(move |s| s.start_import_job(&job, started)).await {
        return Err(refused_before_reading(body, e).await);
    }
    let id = new.id;
    tracing::info!(device = %device.device, import = %id, "import upload started");
    let progress = Arc::new(Progress::default());
    let done = Arc::new(AtomicBool::new(false));
    // The heartbeat: progress written for every replica to answer, every second, until
    // the import ends — from the first byte of the upload, so a long upload keeps its claim.
    {
        let (state, progress, done) = (state.clone(), progress.clone(), done.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(HEARTBEAT_MS));
            tick.tick().await;
            while !done.load(Ordering::Acquire) {
                tick.tick().await;
                let (bytes, rows) = (
                    progress.bytes.load(Ordering::Relaxed),
                    progress.rows.load(Ordering::Relaxed),
                );
                let now = state.now_ms();
                if let Err(e) = state
                    .read(move |s| s.import_job_progress(id, bytes, rows, now))
                    .await
                {
                    tracing::warn!(import = %id, "import progress not saved: {e:?}");
                }
            }
        });
    }
    let received = match receive(body, &upload).await {
        Ok(0) => Err(ApiError::InvalidValue(
            "the file is empty; export the voter file again".into(),
        )),
        other => other,
    };
    let total = match received {
        Ok(total) => total,
        Err(e) => {
            // The claim ends with the upload: the campaign is free for the next one.
            done.store(true, Ordering::Release);
            let outcome = JobState::Failed {
                message: e.to_string(),
                report: false,
            };
            let now = state.now_ms();
            if let Err(e) = state
                .read(move |s| s.finish_import_job(id, &outcome, None, now))
                .await
            {
                tracing::error!(import = %id, "import outcome not saved: {e:?}");
            }
            return Err(e);
        }
    };
    if total != expected {
        state
            .read(move |s| s.import_job_received(id, total))
            .await?;
    }
    tracing::info!(device = %device.device, import = %id, bytes = total, format = new.format, "import received");
    let request = ImportRequest {
        campaign,
        format,
        file: upload.path(),
        report: Some(upload.report_path()),
        full_file: query.full_file,
        show_progress: false,
        lang,
    };
    let task_state = state.clone();
    let read = progress.clone();
    tokio::spawn(async move {
        let result = task_state
            .write(move |s| {
                let done = import_file_with_progress(s, &request, progress);
                // Read the report on this blocking thread, while its folder still exists.
                let report = match &done {
                    Ok(_) | Err(ImportError::NothingImported) => {
                        gzip_file(request.report.as_deref().expect("report path")).ok()
                    }
                    Err(_) => None,
                };
                Ok((done, report))
            })
            .await;
        let (outcome, report) = match result {
            Ok((Ok(done), report)) => {
                tracing::info!(import = %id, rows = done.summary.rows, "import finished");
                let state = JobState::Done {
                    summary: done.summary,
                    report_lines: done.report_lines,
                };
                (state, report)
            }
            Ok((Err(e), report)) => {
                tracing::warn!(import = %id, "import failed: {}", e.for_log());
                let state = JobState::Failed {
                    report: matches!(e, ImportError::NothingImported) && report.is_some(),
                    message: e.message_in(lang),
                };
                (state, report)
            }
            Err(e) => {
                tracing::error!(import = %id, "import failed: {e:?}");
                let state = JobState::Failed {
                    message: lang
                        .pick(
                            "the server could not finish the import; nothing was changed. \
                             Try again, and tell the campaign's admin if it fails again",
                            "el servidor no pudo terminar la importación; no se cambió nada. \
                             Inténtelo otra vez, y avise al administrador de la campaña si \
                             vuelve a fallar",
                        )
                        .into(),
                    report: false,
                };
                (state, None)
            }
        };
        done.store(true, Ordering::Release);
        // The upload is voter data: gone as soon as it is no longer needed.
        drop(upload);
        let now = task_state.now_ms();
        let (bytes, rows) = (
            read.bytes.load(Ordering::Relaxed),
            read.rows.load(Ordering::Relaxed),
        );
        if let Err(e) = task_state
            .read(move |s| {
                s.import_job_progress(id, bytes, rows, now)?;
                s.finish_import_job(id, &outcome, report.as_deref(), now)
            })
            .await
        {
            tracing::error!(import = %id, "import outcome not saved: {e:?}");
        }
    });
    let job = ImportJob {
        id,
        campaign,
        file_name: new.file_name,
        format: new.format,
        total_bytes: total,
        started_ms: started,
        bytes_read: 0,
        rows_read: 0,
        state: JobState::Running,
    };
    Ok((StatusCode::ACCEPTED, Json(job_response(job, lang))).into_response())
}

fn parse_job_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound("no such import".into()))
}

#[utoipa::path(
    get,
    path = super::IMPORT_PATH,
    tag = "lead",
    params(("id" = String, Path, description = "The import's id from POST /api/v1/imports")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Where the import stands", body = ImportJobResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such import in this campaign (or the server restarted)", body = ErrorBody),
    )
)]
pub(crate) async fn import_status(
    State(state): State<AppState>,
    device: AuthDevice,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Json<ImportJobResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let (campaign, id, now) = (device.campaign, parse_job_id(&id)?, state.now_ms());
    let job = state
        .read(move |s| s.import_job(campaign, id, now))
        .await?
        .ok_or_else(|| ApiError::NotFound("no such import".into()))?;
    Ok(Json(job_response(job, lang)))
}

#[utoipa::path(
    get,
    path = super::IMPORT_REPORT_PATH,
    tag = "lead",
    params(("id" = String, Path, description = "The import's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report: row, source_id, reason", content_type = "text/csv", body = String),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such import, or no report (still running, or it failed before reading rows)", body = ErrorBody),
    )
)]
pub(crate) async fn import_report(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    device.require_lead_of(device.campaign)?;
    let (campaign, id, now) = (device.campaign, parse_job_id(&id)?, state.now_ms());
    let (job, report) = state
        .read(move |s| {
            let Some(job) = s.import_job(campaign, id, now)? else {
                return Ok(None);
            };
            let report = match job.state.has_report() {
                true => s.import_job_report(campaign, id)?,
                false => None,
            };
            Ok(Some((job, report)))
        })
        .await?
        .ok_or_else(|| ApiError::NotFound("no such import".into()))?;
    let Some(report) = report else {
        return Err(ApiError::NotFound(
            "this import has no report yet; wait until it is done".into(),
        ));
    };
    let stream = gunzip_stream(report);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-{}-report.csv\"", job.id),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// A gzipped report as a stream of plain chunks, unpacked as the client takes them.
/// `ReaderStream` keeps answering `None` after the end, which the response compression
/// layer's extra poll needs.
fn gunzip_stream(gz: Vec<u8>) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
    tokio_util::io::ReaderStream::with_capacity(
        async_compression::tokio::bufread::GzipDecoder::new(std::io::Cursor::new(gz)),
        64 * 1024,
    )
}

#[utoipa::path(
    post,
    path = super::SCRIPTS_PATH,
    tag = "lead",
    request_body(content = String, content_type = "application/toml", description = "The script file (TOML), as in server/examples/scripts"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored as the next version of its key", body = ScriptSaved),
        (status = 200, description = "The same as the latest version: nothing new stored", body = ScriptSaved),
        (status = 400, description = "Not UTF-8 text", body = ErrorBody),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 413, description = "Over 256 KiB", body = ErrorBody),
        (status = 422, description = "Not a valid script: every problem, each with its line", body = ErrorBody),
    )
)]
pub(crate) async fn save_script(
    State(state): State<AppState>,
    device: AuthDevice,
    lang: Lang,
    body: Bytes,
) -> Result<Response, ApiError> {
    device.require_lead_of(device.campaign)?;
    if body.len() > MAX_SCRIPT_BYTES {
        return Err(ApiError::TooLarge(
            "a script file is at most 256 KiB; split it into several scripts".into(),
        ));
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::InvalidBody("the script file is not UTF-8 text; save it as UTF-8".into())
    })?;
    let script = script_file::parse(text).map_err(|e| ApiError::InvalidValue(refusal(&e, lang)))?;
    let campaign = device.campaign;
    let key = script.key.clone();
    let questions = script.questions.len() as u32;
    let saved = state
        .write(move |s| s.save_script(campaign, &script))
        .await?;
    tracing::info!(device = %device.device, version = saved.version, created = saved.created, "script saved");
    let status = if saved.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ScriptSaved {
            key,
            version: saved.version,
            created: saved.created,
            questions,
        }),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = super::SCRIPTS_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's scripts", body = ScriptList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list_scripts(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<ScriptList>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let campaign = device.campaign;
    let scripts = state.read(move |s| s.scripts(campaign)).await?;
    Ok(Json(ScriptList { scripts }))
}

/// The query of `GET /api/v1/export`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    #[serde(default)]
    pub format: ExportFormat,
}

/// Bytes written by the export's blocking thread, handed to the response in chunks.
/// Written by hand rather than a pipe (`tokio::io::duplex` + `SyncIoBridge`): a failed
/// export must end the response with an error the client sees, and a pipe can only end
/// with a clean EOF, which would pass a cut file off as whole.
struct ChannelWriter {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    const CHUNK: usize = 64 * 1024;

    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(Self::CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::other("the client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

#[utoipa::path(
    get,
    path = super::EXPORT_PATH,
    tag = "lead",
    params(("format" = Option<ExportFormat>, Query, description = "full (default) or van")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The results CSV, streamed (quarantined records left out)", content_type = "text/csv", body = String),
        (status = 400, description = "An unknown format", body = ErrorBody),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn export(
    State(state): State<AppState>,
    AuthLead(device): AuthLead,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    // `AuthLead`: a lead of their campaign, checked before the query string was read.
    let campaign = device.campaign;
    let format = query.format;
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(8);
    let task_state = state.clone();
    let who = device.device;
    tokio::spawn(async move {
        let failed = tx.clone();
        let result = task_state
            .read(move |s| {
                let mut out = ChannelWriter {
                    tx,
                    buf: Vec::with_capacity(ChannelWriter::CHUNK),
                };
                let summary = write_csv(s, campaign, format, &mut out);
                let flushed = out.flush();
                Ok(summary.map_err(|e| e.to_string()).and_then(|s| {
                    flushed.map_err(|e| e.to_string())?;
                    Ok(s)
                }))
            })
            .await;
        match result {
            Ok(Ok(summary)) => {
                tracing::info!(device = %who, rows = summary.rows, "results exported");
            }
            Ok(Err(e)) => {
                tracing::warn!(device = %who, "export stopped: {e}");
                // Break the response off, so the client never takes a cut file as whole.
                let _ = failed.send(Err(std::io::Error::other(e))).await;
            }
            Err(e) => {
                tracing::error!(device = %who, "export failed: {e}");
                let _ = failed
                    .send(Err(std::io::Error::other("export failed")))
                    .await;
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    let zone = state.read(move |s| s.campaign_time_zone(campaign)).await?;
    let date = zone.date_of(clock::system_ms());
    let name = match query.format {
        ExportFormat::Full => "results",
        ExportFormat::Van => "results-van",
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"groundgame-{name}-{date}.csv\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Why a script file was refused, in the lead's language: every problem with its line.
fn refusal(e: &ScriptFileError, lang: Lang) -> String {
    match (e, lang) {
        (ScriptFileError::Invalid(issues), Lang::En) => format!(
            "the script has {} problem{}:\n{}",
            issues.len(),
            if issues.len() == 1 { "" } else { "s" },
            issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
        (ScriptFileError::Invalid(issues), Lang::Es) => format!(
            "el guion tiene {} problema{}:\n{}",
            issues.len(),
            if issues.len() == 1 { "" } else { "s" },
            issues
                .iter()
                .map(|i| format!("línea {}: {}", i.line, i.message_es))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        (
            ScriptFileError::Syntax {
                line,
                column,
                message,
            },
            Lang::Es,
        ) => format!(
            "el archivo del guion no es TOML válido: línea {line}, columna {column}: {message}"
        ),
        (other, _) => format!("the script file is not valid TOML: {other}"),
    }
}
