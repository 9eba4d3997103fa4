//! Reading a voter file row by row, in constant memory: the header is resolved once, then
//! each row becomes a [`VoterRecord`], a report line saying why it is not imported, or a
//! blank row. One `ByteRecord` is reused for every row; only the dozen fields the store
//! needs are decoded (UTF-8 where valid, otherwise Windows-1252).

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;

use super::address::{Address, StreetLine};
use super::columns::{self, AddressColumns, BirthColumn, Columns, Encoding, Format};
use super::phone::{self, Phone};
use super::report::{Issue, ReportLine};
use super::ImportError;

/// Active or inactive: both are voters and both are walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoterStatus {
    Active,
    Inactive,
}

impl VoterStatus {
    /// The value of `people.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            VoterStatus::Active => "active",
            VoterStatus::Inactive => "inactive",
        }
    }
}

/// One voter read from the file, normalised and ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct VoterRecord {
    /// The row in the file (the header is row 1).
    pub row: u64,
    pub source_id: String,
    pub first_name: String,
    /// With the suffix, if the file has one ("SMITH JR").
    pub last_name: String,
    pub status: VoterStatus,
    pub address: Address,
    /// [`Address::key`].
    pub address_key: String,
    pub precinct: String,
    /// E.164.
    pub phone: Option<String>,
    pub party: Option<String>,
    pub birth_year: Option<u16>,
    pub language: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Problems that did not stop the row (a bad phone, no house number...).
    pub warnings: Vec<Issue>,
}

/// What one row of the file became.
// Nearly every row is a voter, so the small variants waste little; boxing the record would
// cost an allocation per row.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Voter(VoterRecord),
    Skipped(ReportLine),
    /// Nothing but delimiters and spaces.
    Blank,
}

/// Settings that do not come from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOptions {
    /// Birth years outside this range are dropped with a warning.
    pub birth_years: std::ops::RangeInclusive<u16>,
}

impl ReadOptions {
    /// Birth years from 1900 to sixteen years before `year` (North Carolina pre-registers
    /// sixteen-year-olds).
    pub fn for_year(year: u16) -> Self {
        ReadOptions {
            birth_years: 1900..=year.saturating_sub(16),
        }
    }
}

/// How far a read has come, shared with whoever shows a progress bar: the bytes of the
/// file as stored (counted by [`super::packing::open`]) and the rows read (counted here).
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes: AtomicU64,
    pub rows: AtomicU64,
}

/// A streaming reader of one voter file.
pub struct VoterReader<R: Read> {
    csv: csv::Reader<BufReader<R>>,
    record: csv::ByteRecord,
    columns: Columns,
    width: usize,
    encoding: Encoding,
    options: ReadOptions,
    progress: Option<Arc<Progress>>,
}

impl<R: Read> std::fmt::Debug for VoterReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoterReader")
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}

/// The delimiter the header line uses most: tab, comma, semicolon or pipe.
pub(crate) fn sniff_delimiter(head: &[u8], default: u8) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b'\t' if !quoted => counts[0] += 1,
            b',' if !quoted => counts[1] += 1,
            b';' if !quoted => counts[2] += 1,
            b'|' if !quoted => counts[3] += 1,
            _ => {}
        }
    }
    let candidates = [b'\t', b',', b';', b'|'];
    let best = (0..4).max_by_key(|&i| (counts[i], candidates[i] == default));
    match best {
        Some(i) if counts[i] > 0 => candidates[i],
        _ => default,
    }
}

/// Lines end at `\n` (a `\r` before it is trimmed with the field), so row numbers count
/// CRLF lines right; only a file with no `\n` at all (old Mac) ends lines at `\r`.
pub(crate) fn terminator(head: &[u8]) -> csv::Terminator {
    if head.contains(&b'\r') && !head.contains(&b'\n') {
        csv::Terminator::Any(b'\r')
    } else {
        csv::Terminator::Any(b'\n')
    }
}

pub(crate) fn decode(bytes: &[u8], encoding: Encoding) -> Cow<'_, str> {
    match encoding {
        Encoding::Auto => match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
            }
        },
        Encoding::Utf8 => String::from_utf8_lossy(bytes),
        Encoding::Windows1252 => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Trimmed, with runs of whitespace collapsed to one space.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl<R: Read> VoterReader<R> {
    /// Open a file: check its encoding, guess its delimiter (unless the mapping says) and
    /// resolve its header. A file that cannot be a voter file of `format` is an error here,
    /// before anything is imported.
    pub fn new(
        input: R,
        format: &Format,
        options: ReadOptions,
        progress: Option<Arc<Progress>>,
    ) -> Result<Self, ImportError> {
        let mut buf = BufReader::with_capacity(1 << 16, input);
        let head = buf.fill_buf()?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(ImportError::Utf16);
        }
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        let head = if bom { &head[3..] } else { head };
        let (forced, encoding) = match format {
            Format::Mapped(m) => (m.delimiter_byte()?, m.encoding()?),
            _ => (None, Encoding::Auto),
        };
        let default = if *format == Format::NcVoter {
            b'\t'
        } else {
            b','
        };
        let delimiter = forced.unwrap_or_else(|| sniff_delimiter(head, default));
        let terminator = terminator(head);
        if bom {
            buf.consume(3);
        }
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(terminator)
            .buffer_capacity(1 << 16)
            .from_reader(buf);
        let mut record = csv::ByteRecord::new();
        if !csv.read_byte_record(&mut record).map_err(csv_error)? {
            return Err(ImportError::Empty);
        }
        let header: Vec<String> = record
            .iter()
            .map(|f| decode(f, encoding).trim().to_string())
            .collect();
        let columns = columns::resolve(format, &header)?;
        Ok(VoterReader {
            csv,
            record,
            width: header.len(),
            columns,
            encoding,
            options,
            progress,
        })
    }

    fn field(&self, i: usize) -> Cow<'_, str> {
        decode(self.record.get(i).unwrap_or_default(), self.encoding)
    }

    fn opt_field(&self, i: Option<usize>) -> Cow<'_, str> {
        i.map_or(Cow::Borrowed(""), |i| self.field(i))
    }

    fn skip(&self, row: u64, source_id: &str, issue: Issue) -> Row {
        Row::Skipped(ReportLine {
            row,
            source_id: source_id.to_string(),
            issue,
        })
    }

    /// Turn the current record (at `row`) into a [`Row`].
    fn parse(&self, row: u64) -> Row {
        let rec = &self.record;
        if rec.as_slice().iter().all(u8::is_ascii_whitespace) {
            return Row::Blank;
        }
        let c = &self.columns;
        let id_field = self.field(c.source_id);
        let source_id = id_field.trim();
        if rec.len() < self.width {
            let id = if c.source_id < rec.len() {
                source_id
            } else {
                ""
            };
            return self.skip(
                row,
                id,
                Issue::TooFewFields {
                    got: rec.len(),
                    want: self.width,
                },
            );
        }
        if rec.len() > self.width
            && (self.width..rec.len()).any(|i| !rec[i].iter().all(u8::is_ascii_whitespace))
        {
            return self.skip(
                row,
                source_id,
                Issue::TooManyFields {
                    got: rec.len(),
                    want: self.width,
                },
            );
        }
        if source_id.is_empty() {
            return self.skip(row, "", Issue::NoId(c.source_id_name.clone()));
        }
        let status = match c.status {
            None => VoterStatus::Active,
            Some(i) => match self.field(i).trim() {
                "A" => VoterStatus::Active,
                "I" => VoterStatus::Inactive,
                "R" => return self.skip(row, source_id, Issue::StatusRemoved),
                "D" => return self.skip(row, source_id, Issue::StatusDenied),
                other => {
                    let code: String = other.chars().take(3).collect();
                    return self.skip(row, source_id, Issue::StatusOther(code));
                }
            },
        };
        if let Some(i) = c.confidential {
            if self.field(i).trim().eq_ignore_ascii_case("Y") {
                return self.skip(row, source_id, Issue::Confidential);
            }
        }
        let first_name = clean(&self.opt_field(c.first_name));
        let mut last_name = clean(&self.opt_field(c.last_name));
        if first_name.is_empty() && last_name.is_empty() {
            return self.skip(row, source_id, Issue::NoName);
        }
        let suffix = self.opt_field(c.name_suffix);
        let suffix = suffix.trim();
        if !suffix.is_empty() && !last_name.is_empty() {
            last_name.push(' ');
            last_name.push_str(suffix);
        }
        let city = self.opt_field(c.city);
        let zip = self.opt_field(c.zip);
        let address = match &c.address {
            AddressColumns::Line(i) => Address::from_line(&self.field(*i), &city, &zip),
            AddressColumns::Parts {
                number,
                half,
                street,
                unit_type,
                unit,
            } => {
                let number = format!("{} {}", self.opt_field(*number), self.opt_field(*half));
                let street: Vec<Cow<'_, str>> = street.iter().map(|&i| self.field(i)).collect();
                let unit_id = self.opt_field(*unit);
                let unit = if unit_id.trim().is_empty() {
                    String::new()
                } else {
                    format!("{} {}", self.opt_field(*unit_type), unit_id)
                };
                Address::from_parts(&number, &street.join(" "), &unit, &city, &zip)
            }
        };
        let address = match address {
            Ok(a) => a,
            Err(StreetLine::Withheld) => return self.skip(row, source_id, Issue::AddressWithheld),
            Err(StreetLine::PoBox) => return self.skip(row, source_id, Issue::PoBox),
            Err(_) => return self.skip(row, source_id, Issue::NoAddress),
        };
        let mut warnings = Vec::new();
        if address.number.is_empty() {
            warnings.push(Issue::NoHouseNumber);
        }
        let mut phone = None;
        let mut bad_phone = false;
        for &i in &c.phones {
            match phone::normalize(&self.field(i)) {
                Phone::Valid(p) => {
                    phone = Some(p);
                    break;
                }
                Phone::Invalid => bad_phone = true,
                Phone::Empty => {}
            }
        }
        if phone.is_none() && bad_phone {
            warnings.push(Issue::BadPhone);
        }
        let birth_year = c.birth.and_then(|b| self.birth_year(b, &mut warnings));
        let (lat, lon) = self.location(&mut warnings);
        Row::Voter(VoterRecord {
            row,
            source_id: source_id.to_string(),
            first_name,
            last_name,
            status,
            address_key: address.key(),
            address,
            precinct: clean(&self.opt_field(c.precinct)),
            phone,
            party: non_empty(clean(&self.opt_field(c.party))),
            birth_year,
            language: non_empty(clean(&self.opt_field(c.language))),
            lat,
            lon,
            warnings,
        })
    }

    fn birth_year(&self, column: BirthColumn, warnings: &mut Vec<Issue>) -> Option<u16> {
        let (i, date) = match column {
            BirthColumn::Year(i) => (i, false),
            BirthColumn::Date(i) => (i, true),
        };
        let text = self.field(i);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let year = if date {
            // The first run of exactly four digits: "1980-04-02", "4/2/1980", "1980".
            text.split(|c: char| !c.is_ascii_digit())
                .find(|run| run.len() == 4)
        } else {
            Some(text)
        };
        match year.and_then(|y| y.parse::<u16>().ok()) {
            Some(y) if self.options.birth_years.contains(&y) => Some(y),
            Some(_) => {
                warnings.push(Issue::BirthYearOutOfRange {
                    min: *self.options.birth_years.start(),
                    max: *self.options.birth_years.end(),
                });
                None
            }
            None => {
                warnings.push(Issue::BirthYearUnreadable);
                None
            }
        }
    }

    fn location(&self, warnings: &mut Vec<Issue>) -> (Option<f64>, Option<f64>) {
        let (Some(lat), Some(lon)) = (self.columns.lat, self.columns.lon) else {
            return (None, None);
        };
        let (lat, lon) = (self.field(lat), self.field(lon));
        let (lat, lon) = (lat.trim(), lon.trim());
        if lat.is_empty() && lon.is_empty() {
            return (None, None);
        }
        match parse_location(lat, lon) {
            Some((lat, lon)) => (Some(lat), Some(lon)),
            None => {
                warnings.push(Issue::BadLocation);
                (None, None)
            }
        }
    }
}

/// A latitude and longitude in range (and not the 0,0 that means "unknown").
pub(crate) fn parse_location(lat: &str, lon: &str) -> Option<(f64, f64)> {
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    let ok = lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && (lat, lon) != (0.0, 0.0);
    ok.then_some((lat, lon))
}

pub(crate) fn csv_error(e: csv::Error) -> ImportError {
    if e.is_io_error() {
        if let csv::ErrorKind::Io(io) = e.into_kind() {
            return ImportError::from(io);
        }
        return ImportError::Csv("the file could not be read".into());
    }
    ImportError::Csv(e.to_string())
}

impl<R: Read> Iterator for VoterReader<R> {
    type Item = Result<Row, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.csv.read_byte_record(&mut self.record) {
            Err(e) => Some(Err(csv_error(e))),
            Ok(false) => None,
            Ok(true) => {
                let row = self.record.position().map_or(0, |p| p.line());
                if let Some(p) = &self.progress {
                    p.rows.fetch_add(1, Ordering::Relaxed);
                }
                Some(Ok(self.parse(row)))
            }
        }
    }
}

/// Rows read on another thread, handed over in batches through a bounded channel, so the
/// parsing of one batch overlaps the storing of the previous one and memory stays flat.
pub struct Background {
    rx: Receiver<Result<Vec<Row>, ImportError>>,
    current: std::vec::IntoIter<Row>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background").finish_non_exhaustive()
    }
}

const BATCH: usize = 2048;

fn pump<R: Read>(reader: VoterReader<R>, tx: SyncSender<Result<Vec<Row>, ImportError>>) {
    let mut batch = Vec::with_capacity(BATCH);
    for row in reader {
        match row {
            Ok(row) => {
                batch.push(row);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if tx.send(Ok(full)).is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Ok(batch));
    }
}

/// Read `reader` on its own thread.
pub fn read_in_background<R: Read + Send + 'static>(
    reader: VoterReader<R>,
) -> Result<Background, ImportError> {
    let (tx, rx) = std::sync::mpsc::sync_channel(4);
    let thread = std::thread::Builder::new()
        .name("voter-file-reader".into())
        .spawn(move || pump(reader, tx))?;
    Ok(Background {
        rx,
        current: Vec::new().into_iter(),
        thread: Some(thread),
    })
}

impl Iterator for Background {
    type Item = Result<Row, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(row) = self.current.next() {
                return Some(Ok(row));
            }
            match self.rx.recv() {
                Ok(Ok(batch)) => self.current = batch.into_iter(),
                Ok(Err(e)) => return Some(Err(e)),
                Err(_) => {
                    // The reader thread is done; if it panicked, the file was not read to the end.
                    if self.thread.take().is_some_and(|t| t.join().is_err()) {
                        return Some(Err(ImportError::Csv(
                            "the file reader stopped unexpectedly".into(),
                        )));
                    }
                    return None;
                }
            }
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        // Dropping the receiver first makes the reader's next send fail, so it stops.
        let (_, rx) = std::sync::mpsc::sync_channel(1);
        drop(std::mem::replace(&mut self.rx, rx));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
