//! What an import tells the lead: one report line per row that was not imported or was
//! imported with a problem (row number in the file, the header being row 1; the voter id;
//! a reason in plain words), and a summary counting every outcome.

pub use groundgame_core::protocol::campaign_data::{ImportSummary, Tally};

use crate::lang::Lang;

/// Why a row was not imported, or what was wrong with one that was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    // Not imported.
    /// North Carolina status R.
    StatusRemoved,
    /// North Carolina status D.
    StatusDenied,
    /// Any status other than A, I, R, D (the code, at most three characters).
    StatusOther(String),
    Confidential,
    /// No voter id; names the id column.
    NoId(String),
    NoName,
    NoAddress,
    AddressWithheld,
    PoBox,
    TooFewFields {
        got: usize,
        want: usize,
    },
    TooManyFields {
        got: usize,
        want: usize,
    },
    Duplicate,
    // Imported, with a warning.
    BadPhone,
    NoHouseNumber,
    BirthYearOutOfRange {
        min: u16,
        max: u16,
    },
    BirthYearUnreadable,
    BadLocation,
    /// Was in a turf; moved to an address that is in none yet.
    MovedUnplaced,
    // Not a row of this file.
    /// Seen by an earlier import of the same format, absent from this full file.
    Removed,
}

impl Issue {
    /// True when the row was not imported because of this.
    pub fn skips_row(&self) -> bool {
        matches!(
            self,
            Issue::StatusRemoved
                | Issue::StatusDenied
                | Issue::StatusOther(_)
                | Issue::Confidential
                | Issue::NoId(_)
                | Issue::NoName
                | Issue::NoAddress
                | Issue::AddressWithheld
                | Issue::PoBox
                | Issue::TooFewFields { .. }
                | Issue::TooManyFields { .. }
                | Issue::Duplicate
        )
    }

    /// Which of the summary's counts this line goes in: the removed and the moved out of
    /// every turf have counts of their own.
    pub fn tally(&self) -> Tally {
        if self.skips_row() {
            Tally::Skipped
        } else if matches!(self, Issue::Removed | Issue::MovedUnplaced) {
            Tally::Counted
        } else {
            Tally::Warning
        }
    }

    /// The summary's name for this outcome.
    pub fn key(&self) -> &'static str {
        match self {
            Issue::StatusRemoved => "status_removed",
            Issue::StatusDenied => "status_denied",
            Issue::StatusOther(_) => "status_other",
            Issue::Confidential => "confidential",
            Issue::NoId(_) => "no_voter_id",
            Issue::NoName => "no_name",
            Issue::NoAddress => "no_address",
            Issue::AddressWithheld => "address_withheld",
            Issue::PoBox => "po_box",
            Issue::TooFewFields { .. } => "too_few_fields",
            Issue::TooManyFields { .. } => "too_many_fields",
            Issue::Duplicate => "duplicate_voter_id",
            Issue::BadPhone => "bad_phone",
            Issue::NoHouseNumber => "no_house_number",
            Issue::BirthYearOutOfRange { .. } => "birth_year_out_of_range",
            Issue::BirthYearUnreadable => "birth_year_unreadable",
            Issue::BadLocation => "bad_location",
            Issue::MovedUnplaced => "moved_unplaced",
            Issue::Removed => "removed",
        }
    }

    /// The reason in plain words, as the report shows it, in `lang`.
    pub fn reason_in(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.reason(),
            Lang::Es => self.reason_es(),
        }
    }

    fn reason_es(&self) -> String {
        match self {
            Issue::StatusRemoved => {
                "no importado: dado de baja del padrón electoral (estado R)".into()
            }
            Issue::StatusDenied => "no importado: inscripción denegada (estado D)".into(),
            Issue::StatusOther(code) => format!(
                "no importado: el estado de inscripción \"{code}\" no es activo (A) ni inactivo (I)"
            ),
            Issue::Confidential => {
                "no importado: el registro del votante es confidencial; su dirección nunca se importa"
                    .into()
            }
            Issue::NoId(column) => {
                format!("no importado: no hay número de votante en la columna {column}")
            }
            Issue::NoName => "no importado: no tiene nombre ni apellido".into(),
            Issue::NoAddress => "no importado: no tiene dirección de residencia".into(),
            Issue::AddressWithheld => {
                "no importado: la dirección de residencia está reservada (REMOVED)".into()
            }
            Issue::PoBox => {
                "no importado: un apartado postal no es una puerta donde tocar".into()
            }
            Issue::TooFewFields { got, want } => format!(
                "no importado: la fila tiene {got} campos pero el encabezado tiene {want}; \
                 probablemente falta un separador o unas comillas"
            ),
            Issue::TooManyFields { got, want } => format!(
                "no importado: la fila tiene {got} campos pero el encabezado tiene {want}; \
                 probablemente un campo contiene un separador sin comillas"
            ),
            Issue::Duplicate => {
                "no importado: el mismo número de votante está en una fila anterior, que se conservó"
                    .into()
            }
            Issue::BadPhone => {
                "importado sin teléfono: el número no es un teléfono válido de EE. UU.".into()
            }
            Issue::NoHouseNumber => "importado, pero la dirección no tiene número de casa".into(),
            Issue::BirthYearOutOfRange { min, max } => format!(
                "importado sin año de nacimiento: está fuera de {min} a {max}"
            ),
            Issue::BirthYearUnreadable => {
                "importado sin año de nacimiento: no es un año".into()
            }
            Issue::BadLocation => {
                "importado sin ubicación: la latitud o la longitud no es válida".into()
            }
            Issue::MovedUnplaced => {
                "se mudó a una dirección que aún no está en ningún territorio; corte los \
                 territorios de nuevo para ubicarlo"
                    .into()
            }
            Issue::Removed => {
                "dado de baja: no está en este archivo (se conserva con su historial, fuera de \
                 todo territorio)"
                    .into()
            }
        }
    }

    /// The reason in plain words, in English, as the report and the command line show it.
    pub fn reason(&self) -> String {
        match self {
            Issue::StatusRemoved => "not imported: removed from the voter rolls (status R)".into(),
            Issue::StatusDenied => "not imported: registration denied (status D)".into(),
            Issue::StatusOther(code) => format!(
                "not imported: registration status \"{code}\" is neither active (A) nor inactive (I)"
            ),
            Issue::Confidential => {
                "not imported: the voter's record is confidential; their address is never imported"
                    .into()
            }
            Issue::NoId(column) => format!("not imported: no voter id in column {column}"),
            Issue::NoName => "not imported: no first or last name".into(),
            Issue::NoAddress => "not imported: no residential address".into(),
            Issue::AddressWithheld => {
                "not imported: the residential address is withheld (REMOVED)".into()
            }
            Issue::PoBox => "not imported: a post office box is not a door to knock on".into(),
            Issue::TooFewFields { got, want } => format!(
                "not imported: the row has {got} fields but the header has {want}; \
                 a delimiter or a quote is probably missing"
            ),
            Issue::TooManyFields { got, want } => format!(
                "not imported: the row has {got} fields but the header has {want}; \
                 a field probably contains an unquoted delimiter"
            ),
            Issue::Duplicate => {
                "not imported: the same voter id is on an earlier row, which was kept".into()
            }
            Issue::BadPhone => {
                "imported without a phone: the number is not a valid US phone number".into()
            }
            Issue::NoHouseNumber => "imported, but the address has no house number".into(),
            Issue::BirthYearOutOfRange { min, max } => format!(
                "imported without a birth year: it is outside {min} to {max}"
            ),
            Issue::BirthYearUnreadable => {
                "imported without a birth year: it is not a year".into()
            }
            Issue::BadLocation => {
                "imported without a location: the latitude or longitude is not valid".into()
            }
            Issue::MovedUnplaced => {
                "moved to an address that is in no turf yet; cut turfs again to place them".into()
            }
            Issue::Removed => {
                "marked removed: not in this file (kept with their history, out of every turf)"
                    .into()
            }
        }
    }
}

/// One line of the import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// The row in the file (the header is row 1); 0 for a voter who is not in the file.
    pub row: u64,
    /// The voter's id in the file, when the row has one.
    pub source_id: String,
    pub issue: Issue,
}
