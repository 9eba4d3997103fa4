//! Voter-file import: reading the files a field lead brings — North Carolina's statewide
//! `ncvoter` file, a VAN-style export, or any CSV/TSV with a column mapping — into
//! normalised voter records, one row at a time, in constant memory. Messy input is the
//! normal case: odd encodings, blank and malformed rows, duplicate ids, phones in every
//! format, missing house numbers. Every row that is not imported, or is imported with a
//! problem, becomes a report line with its row number and a reason in plain words.
//!
//! Parsing here is pure (no SQL; the only I/O is the reader it is given). The store applies
//! the records (`store::voters`), and [`crate::ops::import_file`] ties a file on disk, the
//! store, the report file and a progress line together for the command line, the API's
//! import jobs and the benchmark.

pub(crate) mod address;
pub mod columns;
pub mod geocode;
pub mod packing;
mod phone;
mod reader;
mod report;

#[cfg(test)]
mod tests;

pub use address::{parse_street_line, Address, StreetLine};
pub use columns::{Encoding, Format, MappedColumns, Mapping};
pub use geocode::{GeoIssue, GeoReader, GeoRow, GeocodeSummary};
pub use phone::{normalize as normalize_phone, Phone};
pub use reader::{
    read_in_background, Background, Progress, ReadOptions, Row, VoterReader, VoterRecord,
    VoterStatus,
};
pub use report::{ImportSummary, Issue, ReportLine};

use groundgame_core::CampaignId;

use crate::error::StoreError;
use crate::lang::Lang;

/// Which import the store is applying, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterImport {
    pub campaign: CampaignId,
    /// From `SqliteStore::begin_import`.
    pub import_id: i64,
    /// [`Format::name`].
    pub format: &'static str,
    /// The whole voter file: people last seen by an earlier import of this format and absent
    /// from it are marked removed.
    pub full_file: bool,
}

/// Why an import stopped. Every one of these leaves the campaign as it was before.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("could not read the file: {0}; check the path, and that the file is complete")]
    Io(std::io::Error),
    /// A gzip or zip file that cannot be unpacked into one voter file.
    #[error(transparent)]
    Packing(#[from] packing::PackingError),
    #[error("the file is UTF-16 text; save it as UTF-8 (or as CSV) and import it again")]
    Utf16,
    #[error("the file is empty; export the voter file again")]
    Empty,
    #[error("the file has no \"{column}\" column ({}); {}. Its columns are: {found}", what.en, hint.en)]
    MissingColumn {
        column: String,
        /// What the column holds ("the voter id").
        what: Said,
        /// What to do about it.
        hint: Said,
        found: String,
    },
    #[error("the mapping file is not right: {0}")]
    Mapping(String),
    #[error("the file could not be read as CSV or TSV: {0}")]
    Csv(String),
    #[error(
        "no row of the file could be imported, so nothing was changed and nobody was marked \
         removed; the report says why each row was skipped"
    )]
    NothingImported,
    #[error("could not write the report: {0}; check that its folder exists and is writable")]
    Report(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A few words in both of the server's languages (what a missing column holds, what to do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Said {
    pub en: &'static str,
    pub es: &'static str,
}

impl Said {
    pub const fn new(en: &'static str, es: &'static str) -> Said {
        Said { en, es }
    }
}

impl ImportError {
    /// Why the import stopped, for the server's log: without the columns a file was found
    /// to have, which in a file without a header row are its first voter's name, address
    /// and phone (the lead is told them; the log never is).
    pub fn for_log(&self) -> String {
        match self {
            ImportError::MissingColumn { column, .. } => format!(
                "the file has no \"{column}\" column (its first line is not logged: without a \
                 header it is a voter's row)"
            ),
            other => other.to_string(),
        }
    }

    /// Why the import stopped, in `lang` (English is the error's `Display`). Details that
    /// come from elsewhere (a file system's, the CSV reader's or the mapping parser's
    /// words) stay as they were said.
    pub fn message_in(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::En, e) => e.to_string(),
            (Lang::Es, ImportError::Io(e)) => format!(
                "no se pudo leer el archivo: {e}; revise la ruta y que el archivo esté completo"
            ),
            (Lang::Es, ImportError::Packing(p)) => p.message_in(lang),
            (Lang::Es, ImportError::Utf16) => {
                "el archivo es texto UTF-16; guárdelo como UTF-8 (o como CSV) e impórtelo otra vez"
                    .into()
            }
            (Lang::Es, ImportError::Empty) => {
                "el archivo está vacío; exporte otra vez el archivo de votantes".into()
            }
            (
                Lang::Es,
                ImportError::MissingColumn {
                    column,
                    what,
                    hint,
                    found,
                },
            ) => format!(
                "el archivo no tiene la columna \"{column}\" ({}); {}. Sus columnas son: {found}",
                what.es, hint.es
            ),
            (Lang::Es, ImportError::Mapping(detail)) => {
                format!("el archivo de columnas no está bien: {detail}")
            }
            (Lang::Es, ImportError::Csv(detail)) => {
                format!("no se pudo leer el archivo como CSV o TSV: {detail}")
            }
            (Lang::Es, ImportError::NothingImported) => {
                "no se pudo importar ninguna fila del archivo, así que no se cambió nada ni se \
                 marcó a nadie como dado de baja; el informe dice por qué se omitió cada fila"
                    .into()
            }
            (Lang::Es, ImportError::Report(e)) => format!(
                "no se pudo escribir el informe: {e}; revise que su carpeta exista y se pueda \
                 escribir"
            ),
            (Lang::Es, ImportError::Store(e)) => {
                format!("la base de datos del servidor falló ({e}); no se cambió nada")
            }
        }
    }
}

impl From<std::io::Error> for ImportError {
    /// A read that failed because of how the file is packed (it unpacks past the limit)
    /// says so, rather than as a bare read error.
    fn from(e: std::io::Error) -> Self {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<packing::PackingError>())
        {
            Some(packing) => ImportError::Packing(packing.clone()),
            None => ImportError::Io(e),
        }
    }
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(StoreError::Sqlite(e))
    }
}

/// The UTC calendar year of a time in ms since the epoch (for the birth-year range).
pub fn year_of(ms: u64) -> u16 {
    let year = chrono::Datelike::year(&groundgame_core::time::utc(ms));
    year.clamp(0, i32::from(u16::MAX)) as u16
}
