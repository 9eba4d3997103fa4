//! Reading a geocoding CSV: one row per address with its latitude and longitude, the
//! address given either as a household key (`address_key`, as the import computes it) or as
//! address columns (a one-line `address`, or `number` / `street` / `unit`, with `city` and
//! `zip`). Rows are matched to households by the normalised key, so any spelling works.
//!
//! The US Census Geocoder's batch output is read as it comes: no header, one row per address
//! sent (`id, "street, city, state, zip", Match|No_Match|Tie, Exact|Non_Exact, matched
//! address, "lon,lat", TIGER line id, side`). The address sent is the household's; rows the
//! Census did not match are reported.

use std::io::{BufRead, BufReader, Read};

use super::address::Address;
use super::columns::{squash, Encoding};
use super::reader::{csv_error, decode, parse_location, sniff_delimiter, terminator};
use super::{ImportError, Said};

/// Why a geocoding row set no location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeoIssue {
    NoAddress,
    BadLocation,
    /// No household of the campaign has this address.
    Unmatched,
    /// The Census Geocoder found no location for it (`No_Match` or `Tie`).
    CensusNoMatch,
}

impl GeoIssue {
    /// The reason in `lang`.
    pub fn reason_in(&self, lang: crate::lang::Lang) -> &'static str {
        match (lang, self) {
            (crate::lang::Lang::En, _) => self.reason(),
            (crate::lang::Lang::Es, GeoIssue::NoAddress) => "no usado: no tiene dirección",
            (crate::lang::Lang::Es, GeoIssue::BadLocation) => {
                "no usado: la latitud o la longitud no es válida"
            }
            (crate::lang::Lang::Es, GeoIssue::Unmatched) => {
                "no usado: ningún hogar tiene esta dirección; revise la dirección o importe \
                 primero el padrón"
            }
            (crate::lang::Lang::Es, GeoIssue::CensusNoMatch) => {
                "no usado: el geocodificador del Censo no encontró esta dirección"
            }
        }
    }

    pub fn reason(&self) -> &'static str {
        match self {
            GeoIssue::NoAddress => "not used: no address",
            GeoIssue::BadLocation => "not used: the latitude or longitude is not valid",
            GeoIssue::Unmatched => {
                "not used: no household has this address; check the address or import the \
                 voter file first"
            }
            GeoIssue::CensusNoMatch => "not used: the Census Geocoder did not find this address",
        }
    }
}

/// One row of a geocoding file.
#[derive(Debug, Clone, PartialEq)]
pub enum GeoRow {
    Location {
        row: u64,
        key: String,
        lat: f64,
        lon: f64,
    },
    Skipped {
        row: u64,
        issue: GeoIssue,
    },
}

enum KeyColumns {
    Key(usize),
    Line(usize),
    Parts {
        number: Option<usize>,
        street: usize,
        unit: Option<usize>,
    },
}

/// A streaming reader of a geocoding CSV.
pub struct GeoReader<R: Read> {
    csv: csv::Reader<BufReader<R>>,
    record: csv::ByteRecord,
    key: KeyColumns,
    city: Option<usize>,
    zip: Option<usize>,
    lat: usize,
    lon: usize,
    /// The Census Geocoder's batch output (no header).
    census: bool,
    /// The record read to sniff the layout is a row still to be given (Census output).
    first_is_data: bool,
}

impl<R: Read> std::fmt::Debug for GeoReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoReader").finish_non_exhaustive()
    }
}

impl<R: Read> GeoReader<R> {
    pub fn new(input: R) -> Result<Self, ImportError> {
        let mut buf = BufReader::with_capacity(1 << 16, input);
        let head = buf.fill_buf()?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(ImportError::Utf16);
        }
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        let head = if bom { &head[3..] } else { head };
        let delimiter = sniff_delimiter(head, b',');
        let terminator = terminator(head);
        if bom {
            buf.consume(3);
        }
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(terminator)
            .from_reader(buf);
        let mut record = csv::ByteRecord::new();
        if !csv.read_byte_record(&mut record).map_err(csv_error)? {
            return Err(ImportError::Empty);
        }
        let raw: Vec<String> = record
            .iter()
            .map(|f| decode(f, Encoding::Auto).trim().to_string())
            .collect();
        let names: Vec<String> = raw.iter().map(|n| squash(n)).collect();
        if names.len() >= 6 && matches!(names[2].as_str(), "match" | "nomatch" | "tie") {
            return Ok(GeoReader {
                csv,
                record,
                key: KeyColumns::Line(1),
                city: None,
                zip: None,
                lat: 5,
                lon: 5,
                census: true,
                first_is_data: true,
            });
        }
        let find = |cands: &[&str]| cands.iter().find_map(|c| names.iter().position(|n| n == c));
        let missing = |column: &str, what: Said| ImportError::MissingColumn {
            column: column.into(),
            what,
            hint: Said::new(
                "a geocoding file needs address_key (or address, city and zip) and lat, lon",
                "un archivo de geocodificación necesita address_key (o address, city y zip) y \
                 lat, lon",
            ),
            found: raw.join(", "),
        };
        let key = if let Some(i) = find(&["addresskey", "key"]) {
            KeyColumns::Key(i)
        } else if let Some(i) = find(&["address", "streetaddress", "resstreetaddress"]) {
            KeyColumns::Line(i)
        } else if let Some(street) = find(&["street", "streetname"]) {
            KeyColumns::Parts {
                number: find(&["number", "housenumber", "streetno", "streetnumber"]),
                street,
                unit: find(&["unit", "apt", "aptno"]),
            }
        } else {
            return Err(missing(
                "address_key",
                Said::new("addresses", "las direcciones"),
            ));
        };
        Ok(GeoReader {
            city: find(&["city", "rescitydesc"]),
            zip: find(&["zip", "zip5", "zipcode", "postalcode"]),
            lat: find(&["lat", "latitude", "y"])
                .ok_or_else(|| missing("lat", Said::new("latitudes", "las latitudes")))?,
            lon: find(&["lon", "lng", "long", "longitude", "x"])
                .ok_or_else(|| missing("lon", Said::new("longitudes", "las longitudes")))?,
            csv,
            record,
            key,
            census: false,
            first_is_data: false,
        })
    }

    /// A row of the Census Geocoder's batch output.
    fn parse_census(&self, row: u64) -> GeoRow {
        if squash(&self.field(Some(2))) != "match" {
            return GeoRow::Skipped {
                row,
                issue: GeoIssue::CensusNoMatch,
            };
        }
        let sent = self.field(Some(1));
        let parts: Vec<&str> = sent.split(',').map(str::trim).collect();
        let key = match parts.as_slice() {
            [line, city, .., zip] if parts.len() >= 3 => {
                Address::from_line(line, city, zip).ok().map(|a| a.key())
            }
            _ => None,
        };
        let Some(key) = key else {
            return GeoRow::Skipped {
                row,
                issue: GeoIssue::NoAddress,
            };
        };
        let at = self.field(Some(5));
        let location = at
            .split_once(',')
            .and_then(|(lon, lat)| parse_location(lat.trim(), lon.trim()));
        match location {
            Some((lat, lon)) => GeoRow::Location { row, key, lat, lon },
            None => GeoRow::Skipped {
                row,
                issue: GeoIssue::BadLocation,
            },
        }
    }

    fn field(&self, i: Option<usize>) -> String {
        i.and_then(|i| self.record.get(i))
            .map(|f| decode(f, Encoding::Auto).into_owned())
            .unwrap_or_default()
    }

    fn parse(&self, row: u64) -> Option<GeoRow> {
        if self.record.as_slice().iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if self.census {
            return Some(self.parse_census(row));
        }
        let (city, zip) = (self.field(self.city), self.field(self.zip));
        let key = match &self.key {
            KeyColumns::Key(i) => {
                let k = self.field(Some(*i)).trim().to_string();
                (!k.is_empty()).then_some(k)
            }
            KeyColumns::Line(i) => Address::from_line(&self.field(Some(*i)), &city, &zip)
                .ok()
                .map(|a| a.key()),
            KeyColumns::Parts {
                number,
                street,
                unit,
            } => Address::from_parts(
                &self.field(*number),
                &self.field(Some(*street)),
                &self.field(*unit),
                &city,
                &zip,
            )
            .ok()
            .map(|a| a.key()),
        };
        let Some(key) = key else {
            return Some(GeoRow::Skipped {
                row,
                issue: GeoIssue::NoAddress,
            });
        };
        match parse_location(&self.field(Some(self.lat)), &self.field(Some(self.lon))) {
            Some((lat, lon)) => Some(GeoRow::Location { row, key, lat, lon }),
            None => Some(GeoRow::Skipped {
                row,
                issue: GeoIssue::BadLocation,
            }),
        }
    }
}

impl<R: Read> Iterator for GeoReader<R> {
    type Item = Result<GeoRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if std::mem::take(&mut self.first_is_data) {
            let row = self.record.position().map_or(1, |p| p.line());
            if let Some(parsed) = self.parse(row) {
                return Some(Ok(parsed));
            }
        }
        loop {
            match self.csv.read_byte_record(&mut self.record) {
                Err(e) => return Some(Err(csv_error(e))),
                Ok(false) => return None,
                Ok(true) => {
                    let row = self.record.position().map_or(0, |p| p.line());
                    if let Some(parsed) = self.parse(row) {
                        return Some(Ok(parsed));
                    }
                }
            }
        }
    }
}

/// What a geocoding file did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeocodeSummary {
    pub rows: u64,
    /// Households whose location was set or changed.
    pub updated: u64,
    /// Households that already had this location.
    pub unchanged: u64,
    pub unmatched: u64,
    /// Rows with no address or no valid location.
    pub bad_rows: u64,
    /// Placed households whose new location devices will receive.
    pub sent_to_devices: u64,
}

impl std::fmt::Display for GeocodeSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "rows read:       {}", self.rows)?;
        writeln!(f, "located:         {}", self.updated)?;
        writeln!(f, "unchanged:       {}", self.unchanged)?;
        writeln!(f, "unmatched:       {}", self.unmatched)?;
        writeln!(f, "unusable rows:   {}", self.bad_rows)?;
        writeln!(f, "sent to devices: {}", self.sent_to_devices)
    }
}
