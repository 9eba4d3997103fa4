//! Which column holds what, found by header name (never by position): the North Carolina
//! `ncvoter` layout, a VAN-style export (its usual header spellings), or a lead's own
//! mapping file (TOML) for any other CSV/TSV. Header names are compared without case,
//! spaces or punctuation, so "Voter File VANID", "voter_file_vanid" and "VoterFileVANID"
//! are the same column.

use serde::Deserialize;

use super::{ImportError, Said};

/// Which kind of file is being imported.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// North Carolina's statewide registration file (`ncvoter_Statewide.txt` or a county's).
    NcVoter,
    /// A VAN-style export: voter id, name, address (one line or in parts), phone, party...
    Van,
    /// Any other CSV/TSV, with a mapping file saying which column is what.
    Mapped(Box<Mapping>),
}

impl Format {
    /// The name recorded in `imports.format`; a full-file import only ever removes people
    /// last seen in an import of the same name.
    pub fn name(&self) -> &'static str {
        match self {
            Format::NcVoter => "ncvoter",
            Format::Van => "van",
            Format::Mapped(_) => "mapped",
        }
    }
}

/// How the bytes of the file are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 where a field is valid UTF-8, Windows-1252 (a superset of Latin-1's printable
    /// characters) where it is not: what real voter files need.
    #[default]
    Auto,
    Utf8,
    Windows1252,
}

/// A lead's column mapping for a file of any other layout, read from TOML:
///
/// ```toml
/// delimiter = ","          # optional: ",", "tab", ";" or "|" (guessed from the header)
/// encoding = "auto"        # optional: "auto", "utf-8", "windows-1252" or "latin-1"
/// [columns]
/// source_id = "Voter ID"   # required
/// first_name = "First"
/// last_name = "Last"
/// address = "Street Address"   # or number / street / unit
/// city = "City"
/// zip = "Zip"
/// phone = "Phone"
/// party = "Party"
/// precinct = "Precinct"
/// birth_year = "Born"      # a year, or a date containing one
/// language = "Language"
/// lat = "Latitude"
/// lon = "Longitude"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub encoding: Option<String>,
    pub columns: MappedColumns,
}

/// The header names a [`Mapping`] gives for each field.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappedColumns {
    pub source_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address: Option<String>,
    pub number: Option<String>,
    pub street: Option<String>,
    pub unit: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    pub phone: Option<String>,
    pub party: Option<String>,
    pub precinct: Option<String>,
    pub birth_year: Option<String>,
    pub language: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
}

impl Mapping {
    /// Read and check a mapping file's text.
    pub fn parse(text: &str) -> Result<Mapping, ImportError> {
        let mapping: Mapping =
            toml::from_str(text).map_err(|e| ImportError::Mapping(e.message().to_string()))?;
        let c = &mapping.columns;
        if c.address.is_none() && c.street.is_none() {
            return Err(ImportError::Mapping(
                "say which column holds the address: `address` (one line) or `street` \
                 (with `number` and `unit`)"
                    .into(),
            ));
        }
        if c.first_name.is_none() && c.last_name.is_none() {
            return Err(ImportError::Mapping(
                "say which columns hold the names: `first_name` and `last_name`".into(),
            ));
        }
        mapping.delimiter_byte()?;
        mapping.encoding()?;
        Ok(mapping)
    }

    pub(crate) fn delimiter_byte(&self) -> Result<Option<u8>, ImportError> {
        Ok(match self.delimiter.as_deref() {
            None => None,
            Some("tab" | "\t" | "\\t") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
            Some(_) => {
                return Err(ImportError::Mapping(
                    "`delimiter` must be one character such as \",\", \";\" or \"|\", or \"tab\""
                        .into(),
                ))
            }
        })
    }

    pub(crate) fn encoding(&self) -> Result<Encoding, ImportError> {
        let name = self
            .encoding
            .as_deref()
            .unwrap_or("auto")
            .to_ascii_lowercase();
        Ok(match name.as_str() {
            "auto" => Encoding::Auto,
            "utf-8" | "utf8" => Encoding::Utf8,
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                Encoding::Windows1252
            }
            _ => {
                return Err(ImportError::Mapping(
                    "`encoding` must be \"auto\", \"utf-8\", \"windows-1252\" or \"latin-1\""
                        .into(),
                ))
            }
        })
    }
}

/// Where a row's address comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AddressColumns {
    /// One street line ("1204 N MAIN ST APT 3B").
    Line(usize),
    /// Separate parts; VAN writes the street in pieces (prefix, name, type, suffix).
    Parts {
        number: Option<usize>,
        half: Option<usize>,
        street: Vec<usize>,
        unit_type: Option<usize>,
        unit: Option<usize>,
    },
}

/// How the birth year is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BirthColumn {
    Year(usize),
    /// A date with a four-digit year somewhere in it.
    Date(usize),
}

/// The resolved column positions of one file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Columns {
    pub source_id: usize,
    /// The header name of the id column, as the lead will recognise it in the report.
    pub source_id_name: String,
    pub first_name: Option<usize>,
    pub last_name: Option<usize>,
    pub name_suffix: Option<usize>,
    pub address: AddressColumns,
    pub city: Option<usize>,
    pub zip: Option<usize>,
    /// Phone columns in order of preference; the first non-empty one is used.
    pub phones: Vec<usize>,
    pub party: Option<usize>,
    pub precinct: Option<usize>,
    pub birth: Option<BirthColumn>,
    pub language: Option<usize>,
    pub lat: Option<usize>,
    pub lon: Option<usize>,
    /// North Carolina's `status_cd` (A, I, R, D, S).
    pub status: Option<usize>,
    /// North Carolina's `confidential_ind` (Y: never import this voter's address).
    pub confidential: Option<usize>,
}

/// A header name compared without case, spaces or punctuation.
pub(crate) fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

struct Header<'a> {
    names: Vec<String>,
    raw: &'a [String],
}

impl Header<'_> {
    fn find(&self, candidates: &[&str]) -> Option<usize> {
        candidates
            .iter()
            .find_map(|c| self.names.iter().position(|n| n == c))
    }

    fn require(&self, name: &str, what: Said, hint: Said) -> Result<usize, ImportError> {
        self.find(&[&squash(name)])
            .ok_or_else(|| ImportError::MissingColumn {
                column: name.to_string(),
                what,
                hint,
                found: self.raw.join(", "),
            })
    }
}

/// Resolve the columns of `header` for `format`; a missing required column is fatal.
pub(crate) fn resolve(format: &Format, header: &[String]) -> Result<Columns, ImportError> {
    let h = Header {
        names: header.iter().map(|n| squash(n)).collect(),
        raw: header,
    };
    match format {
        Format::NcVoter => ncvoter(&h),
        Format::Van => van(&h),
        Format::Mapped(m) => mapped(&h, &m.columns),
    }
}

/// What each column the importer looks for holds, in both languages.
const WHAT_THE_VOTER_ID: Said = Said::new("the voter id", "el identificador del votante");
const WHAT_FIRST_NAMES: Said = Said::new("first names", "los nombres");
const WHAT_LAST_NAMES: Said = Said::new("last names", "los apellidos");
const WHAT_RESIDENTIAL_ADDRESSES: Said =
    Said::new("residential addresses", "las direcciones residenciales");
const WHAT_RESIDENTIAL_CITIES: Said = Said::new("residential cities", "las ciudades de residencia");
const WHAT_ZIP_CODES: Said = Said::new("zip codes", "los códigos postales");
const WHAT_REGISTRATION_STATUS: Said = Said::new("registration status", "el estado de inscripción");
const WHAT_THE_CONFIDENTIAL_FLAG: Said =
    Said::new("the confidential flag", "la marca de confidencialidad");
const WHAT_NAMES: Said = Said::new("names", "los nombres");
const WHAT_ADDRESSES: Said = Said::new("addresses", "las direcciones");
const WHAT_HOUSE_NUMBERS: Said = Said::new("house numbers", "los números de casa");
const WHAT_STREETS: Said = Said::new("streets", "las calles");
const WHAT_UNITS: Said = Said::new("units", "los apartamentos");
const WHAT_CITIES: Said = Said::new("cities", "las ciudades");
const WHAT_PHONES: Said = Said::new("phones", "los teléfonos");
const WHAT_PARTIES: Said = Said::new("parties", "los partidos");
const WHAT_PRECINCTS: Said = Said::new("precincts", "los precintos");
const WHAT_BIRTH_YEARS: Said = Said::new("birth years", "los años de nacimiento");
const WHAT_LANGUAGES: Said = Said::new("languages", "los idiomas");
const WHAT_LATITUDES: Said = Said::new("latitudes", "las latitudes");
const WHAT_LONGITUDES: Said = Said::new("longitudes", "las longitudes");

const NC_HINT: Said = Said::new(
    "is this North Carolina's ncvoter file? For other files use --format van or --format \
     mapped with a mapping file",
    "¿es el archivo ncvoter de Carolina del Norte? Para otros archivos use el formato van, o \
     mapped con un archivo de columnas",
);

fn ncvoter(h: &Header<'_>) -> Result<Columns, ImportError> {
    let req = |name: &str, what: Said| h.require(name, what, NC_HINT);
    Ok(Columns {
        source_id: req("ncid", WHAT_THE_VOTER_ID)?,
        source_id_name: "ncid".into(),
        first_name: Some(req("first_name", WHAT_FIRST_NAMES)?),
        last_name: Some(req("last_name", WHAT_LAST_NAMES)?),
        name_suffix: h.find(&["namesuffixlbl"]),
        address: AddressColumns::Line(req("res_street_address", WHAT_RESIDENTIAL_ADDRESSES)?),
        city: Some(req("res_city_desc", WHAT_RESIDENTIAL_CITIES)?),
        zip: Some(req("zip_code", WHAT_ZIP_CODES)?),
        phones: h.find(&["fullphonenumber"]).into_iter().collect(),
        party: h.find(&["partycd"]),
        precinct: h.find(&["precinctabbrv", "precinctdesc"]),
        birth: h.find(&["birthyear"]).map(BirthColumn::Year),
        language: None,
        lat: None,
        lon: None,
        status: Some(req("status_cd", WHAT_REGISTRATION_STATUS)?),
        confidential: Some(req("confidential_ind", WHAT_THE_CONFIDENTIAL_FLAG)?),
    })
}

const VAN_HINT: Said = Said::new(
    "a VAN export needs a voter id column (VANID), names and an address; for other layouts \
     use --format mapped with a mapping file",
    "una exportación de VAN necesita una columna de identificador (VANID), nombres y una \
     dirección; para otros formatos use mapped con un archivo de columnas",
);

fn van(h: &Header<'_>) -> Result<Columns, ImportError> {
    let source_id = h
        .find(&[
            "vanid",
            "voterfilevanid",
            "myvvanid",
            "myvoterfilevanid",
            "voterid",
        ])
        .or_else(|| h.names.iter().position(|n| n.ends_with("vanid")))
        .ok_or_else(|| ImportError::MissingColumn {
            column: "VANID".into(),
            what: WHAT_THE_VOTER_ID,
            hint: VAN_HINT,
            found: h.raw.join(", "),
        })?;
    let first_name = h.find(&["firstname", "first"]);
    let last_name = h.find(&["lastname", "last"]);
    if first_name.is_none() && last_name.is_none() {
        return Err(ImportError::MissingColumn {
            column: "LastName".into(),
            what: WHAT_NAMES,
            hint: VAN_HINT,
            found: h.raw.join(", "),
        });
    }
    let line = h.find(&[
        "address",
        "streetaddress",
        "vaddress",
        "address1",
        "addressline1",
        "residentialaddress",
    ]);
    let street: Vec<usize> = ["streetprefix", "streetname", "streettype", "streetsuffix"]
        .iter()
        .filter_map(|c| h.find(&[c]))
        .collect();
    let address = match line {
        Some(i) => AddressColumns::Line(i),
        None if h.find(&["streetname"]).is_some() => AddressColumns::Parts {
            number: h.find(&["streetno", "streetnumber", "housenumber"]),
            half: h.find(&["streetnohalf"]),
            street,
            unit_type: h.find(&["apttype", "unittype"]),
            unit: h.find(&["aptno", "apt", "unit", "apartment", "unitnumber"]),
        },
        None => {
            return Err(ImportError::MissingColumn {
                column: "Address".into(),
                what: WHAT_ADDRESSES,
                hint: VAN_HINT,
                found: h.raw.join(", "),
            })
        }
    };
    let phones = [
        "phone",
        "preferredphone",
        "cellphone",
        "cell",
        "mobilephone",
        "homephone",
    ]
    .iter()
    .filter_map(|c| h.find(&[c]))
    .collect();
    let birth = h
        .find(&["birthyear", "yearofbirth"])
        .map(BirthColumn::Year)
        .or_else(|| {
            h.find(&["dob", "dateofbirth", "birthdate"])
                .map(BirthColumn::Date)
        });
    Ok(Columns {
        source_id,
        source_id_name: h.raw[source_id].trim().to_string(),
        first_name,
        last_name,
        name_suffix: h.find(&["suffix", "namesuffix"]),
        address,
        city: h.find(&["city", "vcity"]),
        zip: h.find(&["zip5", "zip", "zipcode", "vzip5", "postalcode"]),
        phones,
        party: h.find(&["party", "partyaffiliation"]),
        precinct: h.find(&["precinct", "precinctname", "vprecinct"]),
        birth,
        language: h.find(&["language", "preferredlanguage", "primarylanguage"]),
        lat: h.find(&["latitude", "lat"]),
        lon: h.find(&["longitude", "lon", "lng", "long"]),
        status: None,
        confidential: None,
    })
}

fn mapped(h: &Header<'_>, c: &MappedColumns) -> Result<Columns, ImportError> {
    const HINT: Said = Said::new(
        "fix the column name in the mapping file (case and spaces do not matter)",
        "corrija el nombre de la columna en el archivo de columnas (no importan las mayúsculas \
         ni los espacios)",
    );
    let req = |name: &str, what: Said| h.require(name, what, HINT);
    let opt = |name: &Option<String>, what: Said| -> Result<Option<usize>, ImportError> {
        name.as_deref().map(|n| req(n, what)).transpose()
    };
    let address = match (&c.address, &c.street) {
        (Some(line), _) => AddressColumns::Line(req(line, WHAT_ADDRESSES)?),
        (None, Some(street)) => AddressColumns::Parts {
            number: opt(&c.number, WHAT_HOUSE_NUMBERS)?,
            half: None,
            street: vec![req(street, WHAT_STREETS)?],
            unit_type: None,
            unit: opt(&c.unit, WHAT_UNITS)?,
        },
        (None, None) => {
            return Err(ImportError::Mapping(
                "say which column holds the address: `address` or `street`".into(),
            ))
        }
    };
    let source_id = req(&c.source_id, WHAT_THE_VOTER_ID)?;
    Ok(Columns {
        source_id,
        source_id_name: c.source_id.clone(),
        first_name: opt(&c.first_name, WHAT_FIRST_NAMES)?,
        last_name: opt(&c.last_name, WHAT_LAST_NAMES)?,
        name_suffix: None,
        address,
        city: opt(&c.city, WHAT_CITIES)?,
        zip: opt(&c.zip, WHAT_ZIP_CODES)?,
        phones: opt(&c.phone, WHAT_PHONES)?.into_iter().collect(),
        party: opt(&c.party, WHAT_PARTIES)?,
        precinct: opt(&c.precinct, WHAT_PRECINCTS)?,
        birth: opt(&c.birth_year, WHAT_BIRTH_YEARS)?.map(BirthColumn::Date),
        language: opt(&c.language, WHAT_LANGUAGES)?,
        lat: opt(&c.lat, WHAT_LATITUDES)?,
        lon: opt(&c.lon, WHAT_LONGITUDES)?,
        status: None,
        confidential: None,
    })
}

/// The 67 columns of North Carolina's statewide registration file (`ncvoter`), in the
/// State Board of Elections' published order. The importer finds columns by name; this
/// list is for writing such files (tests, benchmarks) and for reference.
pub const NCVOTER_COLUMNS: [&str; 67] = [
    "county_id",
    "county_desc",
    "voter_reg_num",
    "ncid",
    "last_name",
    "first_name",
    "middle_name",
    "name_suffix_lbl",
    "status_cd",
    "voter_status_desc",
    "reason_cd",
    "voter_status_reason_desc",
    "res_street_address",
    "res_city_desc",
    "state_cd",
    "zip_code",
    "mail_addr1",
    "mail_addr2",
    "mail_addr3",
    "mail_addr4",
    "mail_city",
    "mail_state",
    "mail_zipcode",
    "full_phone_number",
    "confidential_ind",
    "registr_dt",
    "race_code",
    "ethnic_code",
    "party_cd",
    "gender_code",
    "birth_year",
    "age_at_year_end",
    "birth_state",
    "drivers_lic",
    "precinct_abbrv",
    "precinct_desc",
    "municipality_abbrv",
    "municipality_desc",
    "ward_abbrv",
    "ward_desc",
    "cong_dist_abbrv",
    "super_court_abbrv",
    "judic_dist_abbrv",
    "nc_senate_abbrv",
    "nc_house_abbrv",
    "county_commiss_abbrv",
    "county_commiss_desc",
    "township_abbrv",
    "township_desc",
    "school_dist_abbrv",
    "school_dist_desc",
    "fire_dist_abbrv",
    "fire_dist_desc",
    "water_dist_abbrv",
    "water_dist_desc",
    "sewer_dist_abbrv",
    "sewer_dist_desc",
    "sanit_dist_abbrv",
    "sanit_dist_desc",
    "rescue_dist_abbrv",
    "rescue_dist_desc",
    "munic_dist_abbrv",
    "munic_dist_desc",
    "dist_1_abbrv",
    "dist_1_desc",
    "vtd_abbrv",
    "vtd_desc",
];
