//! The field lead's campaign data from the app, over the same API the command line's
//! operations have: import a voter file (upload it, then follow the server's import job to
//! its summary and report), cut the households no turf holds into turfs, make a call list,
//! and save a script file (a new version, or the line-numbered problems).
//!
//! Nothing here is kept on the device: these are actions on the server's data, and each
//! needs a connection (the screen says so when there is none).

pub use groundgame_core::protocol::campaign_data::{
    CallListRequest, CallListResponse, CutBy, CutRequest, CutResponse, CutTurfItem, ExportFormat,
    GeocodeLine, GeocodeResponse, ImportFormat, ImportJobResponse, ImportStatus, ImportSummary,
    ScriptList, ScriptListItem, ScriptSaved,
};
use uuid::Uuid;

use super::super::transport::{gzip, Transport};
use super::lead::CALL_LISTS_PATH;
use super::ApiClient;
use super::Method;
use crate::sync::SyncError;

// `POST` a voter file to IMPORTS_PATH; `GET` IMPORT_PATH its job and IMPORT_REPORT_PATH
// its report CSV; `POST` TURFS_CUT_PATH to cut turfs; `POST` a geocoding CSV to
// GEOCODE_PATH; `GET` EXPORT_PATH `?format=full|van` for the results CSV; SCRIPTS_PATH
// lists (`GET`) and saves (`POST`) scripts.
pub use groundgame_core::paths::{
    EXPORT_PATH, GEOCODE_PATH, IMPORTS_PATH, IMPORT_PATH, IMPORT_REPORT_PATH, SCRIPTS_PATH,
    TURFS_CUT_PATH,
};

/// The largest voter file the app uploads (the server takes up to 8 GiB, but the app reads
/// the file into memory first; bigger files go through the command line).
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024 * 1024;

/// A voter file to import, as the lead picked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterUpload {
    pub format: ImportFormat,
    /// The file is the whole voter file: voters of earlier imports missing from it are
    /// marked removed.
    pub full_file: bool,
    pub file_name: String,
    /// For [`ImportFormat::Mapped`]: the column mapping's TOML text.
    pub mapping: Option<String>,
    pub bytes: Vec<u8>,
}

/// One line of an import's report: the file's row, the voter's id there, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    pub row: String,
    pub source_id: String,
    pub reason: String,
}

/// Everything but RFC 3986's unreserved characters is percent-encoded in a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encode a query value (the `percent-encoding` crate; UTF-8 bytes as `%XX`).
pub fn query_value(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// `POST /api/v1/imports?...` for this upload.
pub fn import_path(upload: &VoterUpload) -> String {
    let mut path = format!("{IMPORTS_PATH}?format={}", upload.format.key());
    if upload.full_file {
        path.push_str("&full_file=true");
    }
    if !upload.file_name.is_empty() {
        path.push_str("&file_name=");
        path.push_str(&query_value(&upload.file_name));
    }
    if let Some(mapping) = &upload.mapping {
        path.push_str("&mapping=");
        path.push_str(&query_value(mapping));
    }
    path
}

/// The body of a voter file's upload, which the transport labels `Content-Encoding: gzip`.
///
/// A file that already is gzip (`1f 8b`, whatever its name) is that body as it is: the
/// server takes the one layer off and has the plain file, as the lead's computer would.
/// Gzipping it again only cost the phone time, and once made the server read gzip bytes as
/// column names (the server now unpacks such a file too, for the app versions still doing
/// it). Anything else — text, or a zip archive the server opens itself — is gzipped.
pub fn upload_body(bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        bytes.to_vec()
    } else {
        gzip(bytes)
    }
}

/// The report's lines from its CSV (header `row,source_id,reason`), at most `max`.
pub fn parse_report(csv_text: &[u8], max: usize) -> Result<Vec<ReportLine>, SyncError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text);
    let mut lines = Vec::new();
    for record in reader.records().take(max) {
        let record = record.map_err(|e| SyncError::Protocol(format!("import report: {e}")))?;
        let field = |i: usize| record.get(i).unwrap_or_default().to_owned();
        lines.push(ReportLine {
            row: field(0),
            source_id: field(1),
            reason: field(2),
        });
    }
    Ok(lines)
}

fn parse<R: serde::de::DeserializeOwned>(raw: &[u8], what: &str) -> Result<R, SyncError> {
    serde_json::from_slice(raw).map_err(|e| SyncError::Protocol(format!("{what}: {e}")))
}

impl<T: Transport> ApiClient<T> {
    /// Upload a voter file; the server answers at once with the job it imports it in.
    pub async fn start_import(&self, upload: &VoterUpload) -> Result<ImportJobResponse, SyncError> {
        if upload.bytes.len() > MAX_UPLOAD_BYTES {
            return Err(SyncError::Protocol(format!(
                "the file is larger than {} MB; import it with the server's command line",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            )));
        }
        let token = self.token()?;
        let raw = self
            .call(
                Method::Post,
                &import_path(upload),
                Some(upload_body(&upload.bytes)),
                Some(&token),
            )
            .await?;
        parse(&raw, "import job")
    }

    /// The import job now: progress while it runs, then its summary or why it failed.
    pub async fn import_job(&self, id: Uuid) -> Result<ImportJobResponse, SyncError> {
        let raw = self
            .get(&groundgame_core::paths::with_id(IMPORT_PATH, id))
            .await?;
        parse(&raw, "import job")
    }

    /// The first `max` lines of a finished import's report.
    pub async fn import_report(&self, id: Uuid, max: usize) -> Result<Vec<ReportLine>, SyncError> {
        let raw = self
            .get(&groundgame_core::paths::with_id(IMPORT_REPORT_PATH, id))
            .await?;
        parse_report(&raw, max)
    }

    /// Set households' map locations from a geocoding CSV (all its usable rows, in one
    /// transaction; a file the server cannot read changes nothing and is refused with 422).
    pub async fn geocode(&self, csv: &[u8]) -> Result<GeocodeResponse, SyncError> {
        let token = self.token()?;
        let raw = self
            .call(Method::Post, GEOCODE_PATH, Some(gzip(csv)), Some(&token))
            .await?;
        parse(&raw, "geocoding answer")
    }

    /// The campaign's results CSV (one row per contact attempt, quarantined records left
    /// out), whole: a response the server broke off is an error, never a shorter file.
    pub async fn export_results(&self, format: ExportFormat) -> Result<Vec<u8>, SyncError> {
        self.get(&format!("{EXPORT_PATH}?format={}", format.key()))
            .await
    }

    /// Cut the households no turf holds into turfs of at most (about, for an area cut)
    /// `doors` doors.
    pub async fn cut_turfs(&self, by: CutBy, doors: u32) -> Result<CutResponse, SyncError> {
        let raw = self
            .send_json(Method::Post, TURFS_CUT_PATH, &CutRequest { by, doors })
            .await?;
        parse(&raw, "cut turfs")
    }

    /// Make a call list of the voters with a valid phone (in `precincts`, or all), minus
    /// do-not-call, read with the script `script` when given.
    pub async fn create_call_list(
        &self,
        name: &str,
        precincts: &[String],
        script: Option<&str>,
    ) -> Result<CallListResponse, SyncError> {
        let request = CallListRequest {
            name: name.to_owned(),
            precincts: precincts.to_vec(),
            script: script.map(str::to_owned),
        };
        let raw = self
            .send_json(Method::Post, CALL_LISTS_PATH, &request)
            .await?;
        parse(&raw, "new call list")
    }

    /// Save a script file (TOML). A script with problems is refused with every problem and
    /// its line, as [`SyncError::Server`] with status 422.
    pub async fn save_script(&self, toml: &str) -> Result<ScriptSaved, SyncError> {
        let token = self.token()?;
        let raw = self
            .call(
                Method::Post,
                SCRIPTS_PATH,
                Some(gzip(toml.as_bytes())),
                Some(&token),
            )
            .await?;
        parse(&raw, "saved script")
    }

    /// The campaign's scripts.
    pub async fn scripts(&self) -> Result<Vec<ScriptListItem>, SyncError> {
        let raw = self.get(SCRIPTS_PATH).await?;
        Ok(parse::<ScriptList>(&raw, "scripts")?.scripts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_only_unreserved_characters() {
        assert_eq!(query_value("a-Z_0.9~"), "a-Z_0.9~");
        assert_eq!(
            query_value("Peña & Sons/1+1=2"),
            "Pe%C3%B1a%20%26%20Sons%2F1%2B1%3D2"
        );
        assert_eq!(query_value(""), "");
    }

    #[test]
    fn import_paths_encode_names_and_mappings() {
        let upload = VoterUpload {
            format: ImportFormat::Mapped,
            full_file: true,
            file_name: "Wake County & more.csv".into(),
            mapping: Some("[columns]\nsource_id = \"Voter ID\"".into()),
            bytes: vec![],
        };
        assert_eq!(
            import_path(&upload),
            "/api/v1/imports?format=mapped&full_file=true&file_name=Wake%20County%20%26%20more.csv\
             &mapping=%5Bcolumns%5D%0Asource_id%20%3D%20%22Voter%20ID%22"
        );
        let plain = VoterUpload {
            format: ImportFormat::Ncvoter,
            full_file: false,
            file_name: String::new(),
            mapping: None,
            bytes: vec![],
        };
        assert_eq!(import_path(&plain), "/api/v1/imports?format=ncvoter");
    }

    #[test]
    fn a_gzip_file_is_uploaded_as_it_is_and_anything_else_gzipped() {
        let text = b"ncid\tlast_name\nAA1\tGARCIA\n";
        let once = gzip(text);
        assert_eq!(upload_body(&once), once, "already gzip: not again");
        let body = upload_body(text);
        assert_eq!(
            crate::sync::transport::gunzip(&body, 1 << 20).expect("gzip"),
            text
        );
        let zip = b"PK\x03\x04rest of the archive";
        let body = upload_body(zip);
        assert!(body.starts_with(&[0x1f, 0x8b]));
        assert_eq!(
            crate::sync::transport::gunzip(&body, 1 << 20).expect("gzip"),
            zip
        );
    }

    #[test]
    fn report_lines_are_read_with_quotes_and_a_limit() {
        let csv = b"row,source_id,reason\n3,AA1,missing house number\n7,,\"too few fields (3, expected 9)\"\n9,AA9,duplicate\n";
        let lines = parse_report(csv, 2).expect("report");
        assert_eq!(
            lines,
            vec![
                ReportLine {
                    row: "3".into(),
                    source_id: "AA1".into(),
                    reason: "missing house number".into()
                },
                ReportLine {
                    row: "7".into(),
                    source_id: String::new(),
                    reason: "too few fields (3, expected 9)".into()
                },
            ]
        );
    }
}
