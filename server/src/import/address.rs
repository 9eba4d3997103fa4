//! Residential addresses: splitting a one-line street address ("1204 N MAIN ST APT 3B") into
//! house number, street and unit, and the normalised household key that recognises the same
//! door however a file spells it.
//!
//! Normalisation: upper case, punctuation dropped, spaces collapsed; the USPS abbreviations
//! for street types (STREET → ST, on the last word of the street) and directions (NORTH → N,
//! on its first or last word); unit designators recognised after the street (APT, UNIT, STE,
//! #, LOT, TRLR, FL, ...). The key is `number|street|unit|city|zip5`, where the unit keeps
//! only its identifier for apartment-like designators, so "APT 3B", "#3B" and "UNIT 3B" are
//! one door; floor and building designators (FL, BLDG) stay in the key.

/// A door's address as stored: normalised, ready to show and to sort into walking order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    pub number: String,
    pub street: String,
    /// Designator and identifier as shown ("APT 3B"); empty for a house.
    pub unit: String,
    pub city: String,
    /// Five digits (ZIP+4 is cut to its first five).
    pub zip: String,
}

/// How a one-line street address read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreetLine {
    /// Number (maybe empty), street, unit (maybe empty).
    Door {
        number: String,
        street: String,
        unit: String,
    },
    /// Nothing there.
    Blank,
    /// The word REMOVED, which North Carolina writes in place of a withheld address.
    Withheld,
    /// A post office box: not a door anyone can knock on.
    PoBox,
}

impl Address {
    /// The household key: the same door gives the same key however the file wrote it.
    pub fn key(&self) -> String {
        let mut key = String::with_capacity(
            self.number.len() + self.street.len() + self.unit.len() + self.city.len() + 10,
        );
        key.push_str(&self.number);
        key.push('|');
        key.push_str(&self.street);
        key.push('|');
        push_unit_key(&mut key, &self.unit);
        key.push('|');
        key.push_str(&self.city);
        key.push('|');
        key.push_str(&self.zip);
        key
    }

    /// Build from a street line plus city and zip, normalising everything.
    pub fn from_line(line: &str, city: &str, zip: &str) -> Result<Self, StreetLine> {
        match parse_street_line(line) {
            StreetLine::Door {
                number,
                street,
                unit,
            } => Ok(Address {
                number,
                street,
                unit,
                city: normalize_words(city),
                zip: zip5(zip),
            }),
            other => Err(other),
        }
    }

    /// Build from separate number, street and unit columns.
    pub fn from_parts(
        number: &str,
        street: &str,
        unit: &str,
        city: &str,
        zip: &str,
    ) -> Result<Self, StreetLine> {
        let tokens = tokens(street);
        if tokens.is_empty() {
            return Err(StreetLine::Blank);
        }
        if is_po_box(&tokens) {
            return Err(StreetLine::PoBox);
        }
        let unit_tokens = self::tokens(unit);
        let unit = if unit_tokens.is_empty() {
            String::new()
        } else if designator(unit_tokens[0].trim_start_matches('#')).is_some()
            || unit_tokens[0].starts_with('#')
        {
            split_unit(&unit_tokens).unwrap_or_default()
        } else {
            // A bare identifier ("3B"): an apartment.
            let mut with = vec!["#".to_string()];
            with.extend(unit_tokens);
            split_unit(&with).unwrap_or_default()
        };
        Ok(Address {
            number: tokens_join(&self::tokens(number)),
            street: normalize_street(&tokens),
            unit,
            city: normalize_words(city),
            zip: zip5(zip),
        })
    }
}

/// Upper-case words with punctuation (other than `#`, `/`, `-`, `&`) turned into spaces.
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in s.chars() {
        if c == '\'' {
            // O'BRIEN ST and OBRIEN ST are one street.
            continue;
        }
        if c.is_alphanumeric() || matches!(c, '#' | '/' | '-' | '&') {
            word.extend(c.to_uppercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    // A stray hyphen or slash alone is punctuation, not a word.
    out.retain(|w| !w.chars().all(|c| matches!(c, '-' | '/' | '&')));
    out
}

fn tokens_join(tokens: &[String]) -> String {
    tokens.join(" ")
}

/// A street name as a voter file's addresses are keyed ("North Elm Street" → "N ELM ST"),
/// so OpenStreetMap's names match them.
pub fn street_key(name: &str) -> String {
    normalize_street(&tokens(name))
}

/// A city or similar free text, normalised: upper case, punctuation dropped, one space.
pub fn normalize_words(s: &str) -> String {
    tokens_join(&tokens(s))
}

/// The first five digits of a zip code ("27511-1234", "275111234" → "27511").
pub fn zip5(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).take(5).collect()
}

fn is_po_box(tokens: &[String]) -> bool {
    let joined: String = tokens.iter().take(3).map(String::as_str).collect();
    joined.starts_with("POBOX") || joined.starts_with("POSTOFFICEBOX") || joined == "BOX"
}

/// Split "1204 N MAIN ST APT 3B" into its parts.
pub fn parse_street_line(line: &str) -> StreetLine {
    let tokens = tokens(line);
    if tokens.is_empty() {
        return StreetLine::Blank;
    }
    if tokens.len() == 1 && tokens[0] == "REMOVED" {
        return StreetLine::Withheld;
    }
    if is_po_box(&tokens) {
        return StreetLine::PoBox;
    }
    let mut rest = &tokens[..];
    let mut number = String::new();
    if rest.len() > 1 && rest[0].starts_with(|c: char| c.is_ascii_digit()) {
        number.push_str(&rest[0]);
        rest = &rest[1..];
        // "1204 1/2 MAIN ST": the fraction belongs to the number.
        if rest.len() > 1 && is_fraction(&rest[0]) {
            number.push(' ');
            number.push_str(&rest[0]);
            rest = &rest[1..];
        }
    }
    // The unit starts at the first designator after at least one street word.
    let unit_at = (1..rest.len()).find(|&i| {
        let t = rest[i].as_str();
        if t.starts_with('#') {
            return true;
        }
        match designator(t) {
            Some((_, true)) => i + 1 < rest.len(),
            // "REAR", "UPPR": a unit only as the very last word.
            Some((_, false)) => i + 1 == rest.len(),
            None => false,
        }
    });
    let (street, unit) = match unit_at {
        Some(i) => (&rest[..i], split_unit(&rest[i..]).unwrap_or_default()),
        None => (rest, String::new()),
    };
    StreetLine::Door {
        number,
        street: normalize_street(street),
        unit,
    }
}

fn is_fraction(t: &str) -> bool {
    let mut parts = t.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), None)
            if !a.is_empty() && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
    )
}

/// A unit designator: its standard form, and whether an identifier must follow it.
fn designator(t: &str) -> Option<(&'static str, bool)> {
    Some(match t {
        "APT" | "APARTMENT" | "APTS" => ("APT", true),
        "UNIT" | "UNT" => ("UNIT", true),
        "STE" | "SUITE" => ("STE", true),
        "LOT" => ("LOT", true),
        "TRLR" | "TRAILER" | "TRL" => ("TRLR", true),
        "SPC" | "SPACE" => ("SPC", true),
        "RM" | "ROOM" => ("RM", true),
        "FL" | "FLR" | "FLOOR" => ("FL", true),
        "BLDG" | "BUILDING" | "BLD" => ("BLDG", true),
        "DEPT" | "DEPARTMENT" => ("DEPT", true),
        "NO" | "NUM" => ("#", true),
        "REAR" => ("REAR", false),
        "FRNT" | "FRONT" => ("FRNT", false),
        "UPPR" | "UPPER" => ("UPPR", false),
        "LOWR" | "LOWER" => ("LOWR", false),
        "BSMT" | "BASEMENT" => ("BSMT", false),
        "PH" | "PENTHOUSE" => ("PH", false),
        _ => return None,
    })
}

/// Designators whose identifier alone names the door in the key ("APT 3B" = "#3B").
fn apartment_like(d: &str) -> bool {
    matches!(
        d,
        "APT" | "UNIT" | "STE" | "#" | "LOT" | "TRLR" | "SPC" | "RM"
    )
}

/// "APT 3B", "# 3B", "#3B", "BLDG 2 APT 5" → the shown unit with standard designators.
fn split_unit(tokens: &[String]) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        if let Some(id) = t.strip_prefix('#') {
            out.push("#".into());
            if !id.is_empty() {
                out.push(id.to_string());
            }
        } else if let Some((d, _)) = designator(t) {
            out.push(d.into());
        } else {
            out.push(t.clone());
        }
    }
    // Join "#" to its identifier: "#3B".
    let mut shown = String::new();
    let mut glue = false;
    for t in &out {
        if !shown.is_empty() && !glue {
            shown.push(' ');
        }
        shown.push_str(t);
        glue = t == "#";
    }
    (!shown.is_empty()).then_some(shown)
}

/// The unit part of the key: apartment-like designators dropped, the identifier's hyphens
/// removed ("APT 3-B" → "3B"); other designators kept ("FL 2").
fn push_unit_key(key: &mut String, unit: &str) {
    let mut first = true;
    for word in unit.split(' ') {
        let word = word.strip_prefix('#').unwrap_or(word);
        if word.is_empty() || apartment_like(word) {
            continue;
        }
        if !first {
            key.push(' ');
        }
        first = false;
        key.extend(word.chars().filter(|&c| c != '-'));
    }
}

/// A street's words with standard abbreviations: type on the last word (or the one before
/// a trailing direction), directions on the first and last word, and the unambiguous long
/// type words (STREET, AVENUE, HIGHWAY...) anywhere.
fn normalize_street(words: &[String]) -> String {
    let n = words.len();
    let mut out: Vec<&str> = Vec::with_capacity(n);
    let trailing_direction = n >= 2 && direction(&words[n - 1]).is_some();
    let type_at = if trailing_direction { n - 2 } else { n - 1 };
    for (i, w) in words.iter().enumerate() {
        let w = w.as_str();
        let abbreviated = if n >= 2 && (i == 0 || i == n - 1) && direction(w).is_some() {
            direction(w)
        } else if n >= 2 && i == type_at {
            street_type(w)
        } else {
            always_abbreviated(w)
        };
        out.push(abbreviated.unwrap_or(w));
    }
    out.join(" ")
}

fn direction(w: &str) -> Option<&'static str> {
    Some(match w {
        "N" | "NORTH" => "N",
        "S" | "SOUTH" => "S",
        "E" | "EAST" => "E",
        "W" | "WEST" => "W",
        "NE" | "NORTHEAST" => "NE",
        "NW" | "NORTHWEST" => "NW",
        "SE" | "SOUTHEAST" => "SE",
        "SW" | "SOUTHWEST" => "SW",
        _ => return None,
    })
}

fn always_abbreviated(w: &str) -> Option<&'static str> {
    Some(match w {
        "STREET" => "ST",
        "AVENUE" => "AVE",
        "BOULEVARD" => "BLVD",
        "HIGHWAY" => "HWY",
        "PARKWAY" => "PKWY",
        "EXPRESSWAY" => "EXPY",
        "FREEWAY" => "FWY",
        "ROUTE" => "RTE",
        _ => return None,
    })
}

fn street_type(w: &str) -> Option<&'static str> {
    Some(match w {
        "ALLEY" | "ALY" => "ALY",
        "AVENUE" | "AVE" | "AV" | "AVEN" | "AVNUE" => "AVE",
        "BEND" | "BND" => "BND",
        "BOULEVARD" | "BLVD" | "BOUL" | "BOULV" => "BLVD",
        "BRANCH" | "BR" => "BR",
        "BRIDGE" | "BRG" => "BRG",
        "BYPASS" | "BYP" => "BYP",
        "CENTER" | "CTR" => "CTR",
        "CIRCLE" | "CIR" | "CIRC" => "CIR",
        "COMMONS" | "CMNS" => "CMNS",
        "COURT" | "CT" | "CRT" => "CT",
        "COVE" | "CV" => "CV",
        "CREEK" | "CRK" => "CRK",
        "CRESCENT" | "CRES" => "CRES",
        "CROSSING" | "XING" => "XING",
        "DRIVE" | "DR" | "DRV" => "DR",
        "ESTATES" | "ESTS" => "ESTS",
        "EXPRESSWAY" | "EXPY" => "EXPY",
        "EXTENSION" | "EXT" => "EXT",
        "FORK" | "FRK" => "FRK",
        "FREEWAY" | "FWY" => "FWY",
        "GARDENS" | "GDNS" => "GDNS",
        "GLEN" | "GLN" => "GLN",
        "GROVE" | "GRV" => "GRV",
        "HEIGHTS" | "HTS" => "HTS",
        "HIGHWAY" | "HWY" => "HWY",
        "HILL" | "HL" => "HL",
        "HILLS" | "HLS" => "HLS",
        "HOLLOW" | "HOLW" => "HOLW",
        "JUNCTION" | "JCT" => "JCT",
        "LANDING" | "LNDG" => "LNDG",
        "LANE" | "LN" => "LN",
        "LOOP" => "LOOP",
        "MANOR" | "MNR" => "MNR",
        "MEADOWS" | "MDWS" => "MDWS",
        "PARKWAY" | "PKWY" | "PKY" => "PKWY",
        "PLACE" | "PL" => "PL",
        "PLAZA" | "PLZ" => "PLZ",
        "POINT" | "PT" => "PT",
        "RIDGE" | "RDG" => "RDG",
        "ROAD" | "RD" => "RD",
        "ROUTE" | "RTE" => "RTE",
        "SQUARE" | "SQ" => "SQ",
        "STREET" | "ST" | "STR" => "ST",
        "TERRACE" | "TER" | "TERR" => "TER",
        "TRACE" | "TRCE" => "TRCE",
        "TRAIL" | "TRL" => "TRL",
        "TURNPIKE" | "TPKE" => "TPKE",
        "VIEW" | "VW" => "VW",
        "VILLAGE" | "VLG" => "VLG",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn door(line: &str) -> (String, String, String) {
        match parse_street_line(line) {
            StreetLine::Door {
                number,
                street,
                unit,
            } => (number, street, unit),
            other => panic!("{line:?} read as {other:?}"),
        }
    }

    fn t(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn street_lines_split_into_number_street_and_unit() {
        assert_eq!(
            door("1204 N MAIN ST APT 3B"),
            t("1204", "N MAIN ST", "APT 3B")
        );
        assert_eq!(door("1204 North Main Street"), t("1204", "N MAIN ST", ""));
        assert_eq!(door("12 Oak Ave. #3B"), t("12", "OAK AVE", "#3B"));
        assert_eq!(door("12 OAK AVE # 3B"), t("12", "OAK AVE", "#3B"));
        assert_eq!(door("12 OAK AVE UNIT 3-B"), t("12", "OAK AVE", "UNIT 3-B"));
        assert_eq!(door("500 PINE RD LOT 14"), t("500", "PINE RD", "LOT 14"));
        assert_eq!(door("500 PINE RD TRLR 2"), t("500", "PINE RD", "TRLR 2"));
        assert_eq!(door("7 ELM ST FL 2"), t("7", "ELM ST", "FL 2"));
        assert_eq!(door("7 ELM ST REAR"), t("7", "ELM ST", "REAR"));
        assert_eq!(door("7 FRONT ST"), t("7", "FRONT ST", ""));
        assert_eq!(door("1204 1/2 MAIN ST"), t("1204 1/2", "MAIN ST", ""));
        assert_eq!(door("1204A MAIN ST"), t("1204A", "MAIN ST", ""));
        assert_eq!(door("MAIN ST"), t("", "MAIN ST", ""));
        assert_eq!(door("300 W NC HIGHWAY 54"), t("300", "W NC HWY 54", ""));
        assert_eq!(door("40 MAIN STREET EAST"), t("40", "MAIN ST E", ""));
        assert_eq!(door("  9   south   lake  drive  "), t("9", "S LAKE DR", ""));
        assert_eq!(parse_street_line("REMOVED"), StreetLine::Withheld);
        assert_eq!(parse_street_line("  "), StreetLine::Blank);
        assert_eq!(parse_street_line("P.O. Box 12"), StreetLine::PoBox);
        assert_eq!(parse_street_line("PO BOX 12"), StreetLine::PoBox);
    }

    #[test]
    fn the_same_door_spelled_differently_has_one_key() {
        let key = |line: &str, city: &str, zip: &str| {
            Address::from_line(line, city, zip).expect("door").key()
        };
        let a = key("1204 N MAIN ST APT 3B", "RALEIGH", "27601");
        assert_eq!(a, "1204|N MAIN ST|3B|RALEIGH|27601");
        assert_eq!(
            key("1204 North Main Street #3B", "Raleigh", "27601-1234"),
            a
        );
        assert_eq!(
            key("1204 n. main st., unit 3-b", " raleigh ", "276011234"),
            a
        );
        assert_eq!(key("1204  N MAIN ST  APARTMENT 3B", "RALEIGH", "27601"), a);
        assert_ne!(key("1204 N MAIN ST APT 3C", "RALEIGH", "27601"), a);
        assert_ne!(key("1204 N MAIN ST", "RALEIGH", "27601"), a);
        assert_eq!(
            key("7 ELM ST FL 2", "CARY", "27511"),
            "7|ELM ST|FL 2|CARY|27511"
        );
        let parts = Address::from_parts("1204", "North Main Street", "3B", "Raleigh", "27601")
            .expect("door");
        assert_eq!(parts.key(), a);
        assert_eq!(parts.unit, "#3B");
        let parts =
            Address::from_parts("1204", "N Main St", "Apt 3B", "Raleigh", "27601").expect("door");
        assert_eq!(parts.key(), a);
        assert_eq!(parts.unit, "APT 3B");
    }
}
