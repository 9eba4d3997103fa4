//! Phone numbers as voter files write them — "(919) 555-0123", "919.555.0123",
//! "+1 919 555 0123", "1-919-555-0123 ext. 4" — normalised to E.164 (`+19195550123`).
//! US numbers must look like North American numbers (area code and exchange not starting
//! with 0 or 1); a number written with a leading `+` and another country code is kept when
//! it is valid E.164. Extensions are dropped: nobody dials them from a phone bank.

use groundgame_core::event::is_e164;

/// What a phone cell held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phone {
    Empty,
    Valid(String),
    Invalid,
}

/// Normalise one phone cell.
pub fn normalize(raw: &str) -> Phone {
    let raw = raw.trim();
    if raw.is_empty() {
        return Phone::Empty;
    }
    // The number ends where an extension (x, ext, #) or any other word begins.
    let number = raw
        .find(|c: char| c.is_alphabetic() || matches!(c, '#' | ',' | ';'))
        .map_or(raw, |end| &raw[..end]);
    let plus = number.trim_start().starts_with('+');
    let mut digits = [0u8; 16];
    let mut len = 0;
    for b in number.bytes() {
        if b.is_ascii_digit() {
            if len == digits.len() {
                return Phone::Invalid;
            }
            digits[len] = b;
            len += 1;
        }
    }
    let digits = &digits[..len];
    if digits.is_empty() {
        return Phone::Invalid;
    }
    let national = match digits.len() {
        10 if !plus => digits,
        11 if digits[0] == b'1' => &digits[1..],
        _ if plus => {
            let mut e164 = String::with_capacity(len + 1);
            e164.push('+');
            e164.extend(digits.iter().map(|&b| b as char));
            return if is_e164(&e164) {
                Phone::Valid(e164)
            } else {
                Phone::Invalid
            };
        }
        _ => return Phone::Invalid,
    };
    // North American numbering: NXX-NXX-XXXX.
    if national[0] < b'2' || national[3] < b'2' {
        return Phone::Invalid;
    }
    let mut e164 = String::with_capacity(12);
    e164.push_str("+1");
    e164.extend(national.iter().map(|&b| b as char));
    Phone::Valid(e164)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_numbers_in_every_format_become_e164() {
        for raw in [
            "(919) 555-0123",
            "919.555.0123",
            "919-555-0123",
            "9195550123",
            "+1 919 555 0123",
            "1-919-555-0123",
            "1 (919) 555-0123",
            "919-555-0123 x12",
            "919-555-0123 ext. 12",
            "(919)555-0123#7",
            " 919 555 0123 ",
        ] {
            assert_eq!(normalize(raw), Phone::Valid("+19195550123".into()), "{raw}");
        }
    }

    #[test]
    fn other_countries_with_a_plus_are_kept_and_junk_is_invalid() {
        assert_eq!(
            normalize("+44 20 7946 0958"),
            Phone::Valid("+442079460958".into())
        );
        assert_eq!(normalize(""), Phone::Empty);
        assert_eq!(normalize("   "), Phone::Empty);
        for raw in [
            "555-0123",
            "0000000000",
            "119-555-0123",
            "919-155-0123",
            "2-919-555-0123",
            "none",
            "919555012345678901",
            "+0 123",
        ] {
            assert_eq!(normalize(raw), Phone::Invalid, "{raw}");
        }
    }
}
