//! Contacts from a phone's address book: vCard (3.0 and 4.0, and the 2.1 that older phones
//! still write) and CSV (header row; Google Contacts', Outlook's and plain spellings).
//! Pure: text in, [`Parsed`] out — the contacts that can be imported, and a report line
//! (line number and reason) for each entry left out or imported without a bad field. A
//! problem with the whole file ([`ImportError`]) imports nothing.
//!
//! [`plan`] then sets the parsed contacts against the ones already on the list: a
//! duplicate (the same phone, or the same name and email) is reported and skipped, so an
//! import can be run twice without doubling anyone.

use std::collections::HashSet;

use super::{is_email, validate_contact, ContactState, MAX_CONTACT_NAME_CHARS};
use crate::event::{is_e164, MAX_NOTE_CHARS};

/// The largest file an import reads (a few thousand contacts).
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// The most contacts one import adds.
pub const MAX_IMPORT_CONTACTS: usize = 10_000;

/// One contact read from a file, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedContact {
    pub line: usize,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub note: String,
}

/// Why an entry was left out, or what was left out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportIssue {
    /// The line of the file the entry starts on (1 = the first line).
    pub line: usize,
    /// False: the contact was imported, without the field the reason names.
    pub skipped: bool,
    pub reason: IssueReason,
}

/// The reasons, as data so screens can say them in the volunteer's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueReason {
    NoName,
    NameTooLong,
    /// The raw number as written.
    BadPhone(String),
    BadEmail(String),
    NoteTooLong,
    /// `BEGIN:VCARD` with no `END:VCARD` before the next card or the end of the file.
    UnterminatedCard,
    /// `END:VCARD` with no card open.
    EndWithoutBegin,
    /// Text outside any card.
    OutsideCard,
    /// A row with more cells than the header.
    TooManyCells {
        found: usize,
        expected: usize,
    },
    /// The same person as a contact already on my list (its name).
    DuplicateOfExisting(String),
    /// The same person as an earlier entry of this file (its line).
    DuplicateInFile(usize),
    TooManyContacts,
}

impl IssueReason {
    /// The reason in English (screens translate through their own table).
    pub fn english(&self) -> String {
        match self {
            IssueReason::NoName => "no name".into(),
            IssueReason::NameTooLong => {
                format!("the name is over {MAX_CONTACT_NAME_CHARS} characters")
            }
            IssueReason::BadPhone(p) => format!("\"{p}\" is not a phone number we can dial"),
            IssueReason::BadEmail(e) => format!("\"{e}\" is not an email address"),
            IssueReason::NoteTooLong => format!("the note is over {MAX_NOTE_CHARS} characters"),
            IssueReason::UnterminatedCard => "BEGIN:VCARD without END:VCARD".into(),
            IssueReason::EndWithoutBegin => "END:VCARD without BEGIN:VCARD".into(),
            IssueReason::OutsideCard => "text outside any BEGIN:VCARD … END:VCARD".into(),
            IssueReason::TooManyCells { found, expected } => {
                format!("{found} cells where the header has {expected}")
            }
            IssueReason::DuplicateOfExisting(name) => format!("already on your list as {name}"),
            IssueReason::DuplicateInFile(line) => format!("the same person as line {line}"),
            IssueReason::TooManyContacts => {
                format!("more than {MAX_IMPORT_CONTACTS} contacts in one import")
            }
        }
    }
}

/// A problem with the whole file: nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 5 MB; export fewer contacts at a time")]
    TooLarge,
    #[error("this is neither a vCard (.vcf) nor a CSV file with a header row")]
    UnknownFormat,
    #[error("the CSV header has no name column (like \"Name\", \"First Name\" or \"Given Name\")")]
    NoNameColumn,
    #[error("a quoted CSV cell opened on line {0} never closes")]
    UnclosedQuote(usize),
    #[error("the file has no contacts")]
    NoContacts,
}

/// What a file held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub contacts: Vec<ImportedContact>,
    pub issues: Vec<ImportIssue>,
}

/// What a phone cell held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phone {
    Empty,
    Valid(String),
    Invalid,
}

/// Normalise a phone number to E.164, US by default. The same rules as the server's voter
/// import: "(919) 555-0123", "919.555.0123", "+1 919 555 0123", "1-919-555-0123 ext. 4"
/// become `+19195550123`; US numbers must look North American (area code and exchange not
/// starting with 0 or 1); a number with a leading `+` and another country code is kept when
/// it is valid E.164; extensions are dropped.
pub fn normalize_phone(raw: &str) -> Phone {
    let raw = raw.trim();
    let raw = raw
        .strip_prefix("tel:")
        .or_else(|| raw.strip_prefix("TEL:"))
        .unwrap_or(raw);
    if raw.is_empty() {
        return Phone::Empty;
    }
    let number = raw
        .find(|c: char| c.is_alphabetic() || matches!(c, '#' | ',' | ';'))
        .map_or(raw, |end| &raw[..end]);
    let plus = number.trim_start().starts_with('+');
    let digits: Vec<u8> = number.bytes().filter(u8::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 15 {
        return Phone::Invalid;
    }
    let national = match digits.len() {
        10 if !plus => &digits[..],
        11 if digits[0] == b'1' => &digits[1..],
        _ if plus => {
            let e164: String = std::iter::once('+')
                .chain(digits.iter().map(|&b| b as char))
                .collect();
            return if is_e164(&e164) {
                Phone::Valid(e164)
            } else {
                Phone::Invalid
            };
        }
        _ => return Phone::Invalid,
    };
    if national[0] < b'2' || national[3] < b'2' {
        return Phone::Invalid;
    }
    Phone::Valid(
        "+1".chars()
            .chain(national.iter().map(|&b| b as char))
            .collect(),
    )
}

/// Read a file's text as vCard or CSV, whichever it is.
pub fn parse(text: &str) -> Result<Parsed, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        None => Err(ImportError::Empty),
        Some(l) if l.eq_ignore_ascii_case("BEGIN:VCARD") => parse_vcard(text),
        Some(l) if l.contains(',') || l.contains(';') || l.contains('\t') => parse_csv(text),
        Some(_) => Err(ImportError::UnknownFormat),
    }
}

/// Turn one entry's raw fields into a contact, or the reason it is left out. Bad phones
/// and emails are dropped with a report line when the rest is good.
fn build(
    line: usize,
    name: &str,
    phones: &[String],
    emails: &[String],
    note: &str,
    out: &mut Parsed,
) {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let skip = |reason| ImportIssue {
        line,
        skipped: true,
        reason,
    };
    if name.is_empty() {
        out.issues.push(skip(IssueReason::NoName));
        return;
    }
    if name.chars().count() > MAX_CONTACT_NAME_CHARS || crate::text::has_forbidden(&name, false) {
        out.issues.push(skip(IssueReason::NameTooLong));
        return;
    }
    let mut phone = None;
    let mut bad_phone = None;
    for raw in phones.iter().filter(|p| !p.trim().is_empty()) {
        match normalize_phone(raw) {
            Phone::Valid(p) => {
                phone = Some(p);
                break;
            }
            Phone::Invalid if bad_phone.is_none() => bad_phone = Some(raw.trim().to_owned()),
            _ => {}
        }
    }
    if let (None, Some(raw)) = (&phone, bad_phone) {
        out.issues.push(ImportIssue {
            line,
            skipped: false,
            reason: IssueReason::BadPhone(raw),
        });
    }
    let mut email = None;
    let mut bad_email = None;
    for raw in emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        if is_email(raw) && raw.len() <= super::MAX_EMAIL_CHARS {
            email = Some(raw.to_lowercase());
            break;
        }
        bad_email.get_or_insert_with(|| raw.chars().take(60).collect::<String>());
    }
    if let (None, Some(raw)) = (&email, bad_email) {
        out.issues.push(ImportIssue {
            line,
            skipped: false,
            reason: IssueReason::BadEmail(raw),
        });
    }
    let mut note = note.trim().replace("\r\n", "\n");
    note.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    if note.chars().count() > MAX_NOTE_CHARS {
        out.issues.push(ImportIssue {
            line,
            skipped: false,
            reason: IssueReason::NoteTooLong,
        });
        note.clear();
    }
    if validate_contact(&name, phone.as_deref(), email.as_deref(), &note).is_err() {
        out.issues.push(skip(IssueReason::NameTooLong));
        return;
    }
    out.contacts.push(ImportedContact {
        line,
        name,
        phone,
        email,
        note,
    });
}

// --- vCard ---------------------------------------------------------------------------------

/// One unfolded content line: its first physical line number and text.
struct Logical {
    line: usize,
    text: String,
}

/// Join folded lines (a line starting with a space or tab continues the one before) and
/// quoted-printable soft breaks (a QP value ending in `=` continues on the next line).
fn unfold(text: &str) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    let mut qp_open = false;
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let line = i + 1;
        if let Some(last) = out.last_mut() {
            if raw.starts_with([' ', '\t']) && !qp_open {
                last.text.push_str(&raw[1..]);
                continue;
            }
            if qp_open {
                last.text.pop(); // the soft break's '='
                last.text.push_str(raw);
                qp_open = last.text.ends_with('=');
                continue;
            }
        }
        if raw.trim().is_empty() {
            continue;
        }
        out.push(Logical {
            line,
            text: raw.to_owned(),
        });
        let is_qp = raw
            .split(':')
            .next()
            .is_some_and(|head| head.to_ascii_uppercase().contains("QUOTED-PRINTABLE"));
        qp_open = is_qp && raw.ends_with('=');
    }
    out
}

/// A content line split into (property name without group, parameters upper-cased, value).
fn split_property(text: &str) -> Option<(String, Vec<String>, &str)> {
    // The value starts after the first ':' that is not inside a quoted parameter.
    let mut quoted = false;
    let colon = text.char_indices().find_map(|(i, c)| match c {
        '"' => {
            quoted = !quoted;
            None
        }
        ':' if !quoted => Some(i),
        _ => None,
    })?;
    let (head, value) = (&text[..colon], &text[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim();
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
    let params = parts.map(|p| p.trim().to_ascii_uppercase()).collect();
    Some((name, params, value))
}

fn decode_quoted_printable(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            let hex = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Undo vCard text escapes (`\,` `\;` `\n` `\\`).
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Split a structured value (N) on unescaped `;`.
fn components(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut escaped = false;
    for c in value.chars() {
        match c {
            _ if escaped => {
                if let Some(last) = parts.last_mut() {
                    last.push('\\');
                    last.push(c);
                }
                escaped = false;
            }
            '\\' => escaped = true,
            ';' => parts.push(String::new()),
            _ => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    parts
        .iter()
        .map(|p| unescape(p).trim().to_owned())
        .collect()
}

#[derive(Default)]
struct Card {
    line: usize,
    formatted: String,
    structured: String,
    org: String,
    /// (preferred: a mobile, or marked PREF), number.
    phones: Vec<(bool, String)>,
    emails: Vec<String>,
    note: String,
}

impl Card {
    fn finish(mut self, out: &mut Parsed) {
        let name = if !self.formatted.trim().is_empty() {
            self.formatted.clone()
        } else if !self.structured.trim().is_empty() {
            self.structured.clone()
        } else {
            self.org.clone()
        };
        // Mobiles (and preferred numbers) first: the number a fellow texts.
        self.phones.sort_by_key(|(preferred, _)| !preferred);
        let phones: Vec<String> = self.phones.into_iter().map(|(_, p)| p).collect();
        build(self.line, &name, &phones, &self.emails, &self.note, out);
    }
}

/// Read vCards. Each card becomes a contact or a report line; a card left open is reported
/// at its BEGIN line and the next card is still read.
pub fn parse_vcard(text: &str) -> Result<Parsed, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let mut out = Parsed::default();
    let mut card: Option<Card> = None;
    let mut outside_reported = false;
    for Logical { line, text } in unfold(text) {
        let trimmed = text.trim();
        if trimmed.eq_ignore_ascii_case("BEGIN:VCARD") {
            if let Some(open) = card.take() {
                out.issues.push(ImportIssue {
                    line: open.line,
                    skipped: true,
                    reason: IssueReason::UnterminatedCard,
                });
            }
            card = Some(Card {
                line,
                ..Card::default()
            });
            outside_reported = false;
            continue;
        }
        if trimmed.eq_ignore_ascii_case("END:VCARD") {
            match card.take() {
                Some(done) => done.finish(&mut out),
                None => out.issues.push(ImportIssue {
                    line,
                    skipped: true,
                    reason: IssueReason::EndWithoutBegin,
                }),
            }
            continue;
        }
        let Some(open) = card.as_mut() else {
            if !outside_reported {
                out.issues.push(ImportIssue {
                    line,
                    skipped: true,
                    reason: IssueReason::OutsideCard,
                });
                outside_reported = true;
            }
            continue;
        };
        let Some((name, params, value)) = split_property(&text) else {
            continue;
        };
        let qp = params.iter().any(|p| p.contains("QUOTED-PRINTABLE"));
        let value = if qp {
            decode_quoted_printable(value)
        } else {
            value.to_owned()
        };
        match name.as_str() {
            "FN" => open.formatted = unescape(&value),
            "N" => {
                let parts = components(&value);
                let pick = |i: usize| parts.get(i).map_or("", String::as_str);
                // Family; Given; Additional; Prefix; Suffix → "Given Additional Family".
                open.structured = [pick(1), pick(2), pick(0)]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            "ORG" => open.org = components(&value).join(" ").trim().to_owned(),
            "TEL" => {
                let params = params.join(";");
                let preferred = ["CELL", "MOBILE", "PREF", "IPHONE"]
                    .iter()
                    .any(|t| params.contains(t));
                let number = value.trim();
                let number = number
                    .strip_prefix("tel:")
                    .or_else(|| number.strip_prefix("TEL:"))
                    .unwrap_or(number);
                open.phones.push((preferred, number.to_owned()));
            }
            "EMAIL" => {
                let params = params.join(";");
                let email = unescape(&value).trim().to_owned();
                if params.contains("PREF") {
                    open.emails.insert(0, email);
                } else {
                    open.emails.push(email);
                }
            }
            "NOTE" => open.note = unescape(&value),
            _ => {}
        }
    }
    if let Some(open) = card {
        out.issues.push(ImportIssue {
            line: open.line,
            skipped: true,
            reason: IssueReason::UnterminatedCard,
        });
    }
    finish(out)
}

fn finish(mut out: Parsed) -> Result<Parsed, ImportError> {
    if out.contacts.is_empty() && out.issues.is_empty() {
        return Err(ImportError::NoContacts);
    }
    if out.contacts.len() > MAX_IMPORT_CONTACTS {
        let first_left = out.contacts[MAX_IMPORT_CONTACTS].line;
        out.contacts.truncate(MAX_IMPORT_CONTACTS);
        out.issues.push(ImportIssue {
            line: first_left,
            skipped: true,
            reason: IssueReason::TooManyContacts,
        });
    }
    out.issues.sort_by_key(|i| i.line);
    Ok(out)
}

// --- CSV -----------------------------------------------------------------------------------

/// Split CSV text into records of cells, each with the line it starts on. Quotes per
/// RFC 4180 (a quoted cell may hold the separator, doubled quotes and newlines).
fn csv_records(text: &str, sep: char) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut records = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
                quote_line = line;
            }
            '\r' => {}
            '\n' => {
                cells.push(std::mem::take(&mut cell));
                if cells.iter().any(|c| !c.trim().is_empty()) {
                    records.push((start, std::mem::take(&mut cells)));
                }
                cells.clear();
                line += 1;
                start = line;
            }
            c if c == sep => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    if quoted {
        return Err(ImportError::UnclosedQuote(quote_line));
    }
    cells.push(cell);
    if cells.iter().any(|c| !c.trim().is_empty()) {
        records.push((start, cells));
    }
    Ok(records)
}

/// Which header cells hold what.
#[derive(Default)]
struct Columns {
    name: Vec<usize>,
    first: Vec<usize>,
    middle: Vec<usize>,
    last: Vec<usize>,
    /// (priority: lower first, column).
    phones: Vec<(u8, usize)>,
    emails: Vec<usize>,
    notes: Vec<usize>,
}

/// A header cell, lower-case with only letters and digits kept ("Phone 1 - Value" →
/// "phone1value").
fn header_key(cell: &str) -> String {
    cell.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

fn columns(header: &[String]) -> Columns {
    let mut c = Columns::default();
    for (i, cell) in header.iter().enumerate() {
        let key = header_key(cell);
        match key.as_str() {
            "name" | "fullname" | "displayname" | "fn" | "contactname" | "contact" => {
                c.name.push(i)
            }
            "firstname" | "givenname" | "first" | "given" => c.first.push(i),
            "middlename" | "additionalname" => c.middle.push(i),
            "lastname" | "familyname" | "surname" | "last" | "family" => c.last.push(i),
            "mobile" | "mobilephone" | "cell" | "cellphone" | "mobilenumber" | "cellnumber" => {
                c.phones.push((0, i))
            }
            "phone" | "phonenumber" | "telephone" | "tel" | "primaryphone" | "phone1value" => {
                c.phones.push((1, i))
            }
            "homephone" | "phone2value" | "otherphone" => c.phones.push((2, i)),
            "businessphone" | "workphone" | "phone3value" | "companymainphone" => {
                c.phones.push((3, i))
            }
            "email" | "emailaddress" | "mail" | "email1value" | "emailaddress1" => {
                c.emails.insert(0, i)
            }
            "email2value" | "email2address" | "emailaddress2" | "email3value" | "email3address" => {
                c.emails.push(i)
            }
            "notes" | "note" => c.notes.push(i),
            _ => {}
        }
    }
    c.phones.sort();
    c
}

/// Read a CSV (or semicolon- or tab-separated) export with a header row.
pub fn parse_csv(text: &str) -> Result<Parsed, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let sep = [',', ';', '\t']
        .into_iter()
        .max_by_key(|s| first_line.matches(*s).count())
        .unwrap_or(',');
    let records = csv_records(text, sep)?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(ImportError::Empty);
    };
    let cols = columns(header);
    if cols.name.is_empty() && cols.first.is_empty() && cols.last.is_empty() {
        return Err(ImportError::NoNameColumn);
    }
    let mut out = Parsed::default();
    for (line, cells) in rows {
        // A trailing empty cell is harmless (a line ending in a separator).
        let used = cells
            .iter()
            .rposition(|c| !c.trim().is_empty())
            .map_or(0, |i| i + 1);
        if used > header.len() {
            out.issues.push(ImportIssue {
                line: *line,
                skipped: true,
                reason: IssueReason::TooManyCells {
                    found: used,
                    expected: header.len(),
                },
            });
            continue;
        }
        let get = |i: &usize| cells.get(*i).map_or("", |c| c.trim());
        let joined = |idx: &[usize]| {
            idx.iter()
                .map(get)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let name = {
            let whole = joined(&cols.name);
            if whole.is_empty() {
                let parts = [
                    joined(&cols.first),
                    joined(&cols.middle),
                    joined(&cols.last),
                ];
                parts
                    .iter()
                    .filter(|p| !p.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                whole
            }
        };
        // Google writes several numbers in one cell: "+1 919-555-0123 ::: 919-555-0199".
        let phones: Vec<String> = cols
            .phones
            .iter()
            .flat_map(|(_, i)| get(i).split(":::").map(|p| p.trim().to_owned()))
            .collect();
        let emails: Vec<String> = cols
            .emails
            .iter()
            .flat_map(|i| get(i).split(":::").map(|p| p.trim().to_owned()))
            .collect();
        let note = joined(&cols.notes);
        build(*line, &name, &phones, &emails, &note, &mut out);
    }
    finish(out)
}

// --- against my list -----------------------------------------------------------------------

/// What an import will do: the contacts to add, and every issue (the parser's and the
/// duplicates), by line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportPlan {
    pub add: Vec<ImportedContact>,
    pub issues: Vec<ImportIssue>,
}

impl ImportPlan {
    pub fn skipped(&self) -> usize {
        self.issues.iter().filter(|i| i.skipped).count()
    }
}

/// The identity of a contact for duplicate checks: its phone, and its name with its email.
fn keys(name: &str, phone: Option<&str>, email: Option<&str>) -> (Option<String>, Option<String>) {
    let name_email = email.map(|e| format!("{}\u{1f}{}", name.to_lowercase(), e.to_lowercase()));
    (phone.map(str::to_owned), name_email)
}

/// Set a parsed file against my current contacts (removed ones do not count).
pub fn plan(parsed: Parsed, existing: &[ContactState]) -> ImportPlan {
    let mut phones: std::collections::HashMap<String, (Option<usize>, String)> =
        std::collections::HashMap::new();
    let mut name_emails: std::collections::HashMap<String, (Option<usize>, String)> =
        std::collections::HashMap::new();
    for c in existing.iter().filter(|c| !c.removed) {
        let (phone, name_email) = keys(&c.name, c.phone.as_deref(), c.email.as_deref());
        if let Some(p) = phone {
            phones.insert(p, (None, c.name.clone()));
        }
        if let Some(k) = name_email {
            name_emails.insert(k, (None, c.name.clone()));
        }
    }
    let mut plan = ImportPlan {
        add: Vec::new(),
        issues: parsed.issues,
    };
    let mut seen_lines = HashSet::new();
    for c in parsed.contacts {
        let (phone, name_email) = keys(&c.name, c.phone.as_deref(), c.email.as_deref());
        let dup = phone
            .as_ref()
            .and_then(|p| phones.get(p))
            .or_else(|| name_email.as_ref().and_then(|k| name_emails.get(k)))
            .cloned();
        if let Some((line, name)) = dup {
            plan.issues.push(ImportIssue {
                line: c.line,
                skipped: true,
                reason: match line {
                    Some(line) => IssueReason::DuplicateInFile(line),
                    None => IssueReason::DuplicateOfExisting(name),
                },
            });
            continue;
        }
        if let Some(p) = phone {
            phones.insert(p, (Some(c.line), c.name.clone()));
        }
        if let Some(k) = name_email {
            name_emails.insert(k, (Some(c.line), c.name.clone()));
        }
        seen_lines.insert(c.line);
        plan.add.push(c);
    }
    // A contact imported without a bad field keeps its warning; one skipped as a
    // duplicate keeps only the duplicate line.
    plan.issues
        .retain(|i| i.skipped || seen_lines.contains(&i.line));
    plan.issues.sort_by_key(|i| i.line);
    plan
}
