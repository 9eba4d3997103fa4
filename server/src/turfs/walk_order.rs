//! Walking order: the order a canvasser meets the doors of a turf. Street by street; on each
//! street one side (odd numbers), then the other (even), house numbers rising (numeric part,
//! then suffix: 12, 12A, 12B, 14); inside a building top floor down, then unit.
//!
//! Floors are read from unit names the way buildings usually number them: "301" and "3B"
//! are on the third floor; a unit with no recognisable floor ("A", "12") sorts below every
//! floor-numbered unit, by its name.

use std::cmp::Reverse;

/// The sort key of one household. Ordering keys orders the doors.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkKey {
    street: String,
    /// 0: odd side, 1: even side, 2: no house number.
    side: u8,
    number: u64,
    suffix: String,
    /// The house itself (no unit) first, then units from the top floor down.
    floor: Reverse<u64>,
    unit_number: u64,
    unit: String,
}

/// The leading run of digits (skipping any non-digits before it) and what follows it.
fn split_number(s: &str) -> Option<(u64, &str)> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let n = rest[..end].parse().unwrap_or(u64::MAX);
    Some((n, &rest[end..]))
}

impl WalkKey {
    /// Whether two doors are units of one building (the same street and house number).
    pub fn same_building(&self, other: &WalkKey) -> bool {
        (&self.street, self.side, self.number, &self.suffix)
            == (&other.street, other.side, other.number, &other.suffix)
            && self.side != 2
    }

    pub fn new(street: &str, number: &str, unit: &str) -> Self {
        let street = street.trim().to_lowercase();
        let (side, number, suffix) = match split_number(number.trim()) {
            Some((n, suffix)) => (
                if n % 2 == 1 { 0 } else { 1 },
                n,
                suffix.trim().to_lowercase(),
            ),
            None => (2, 0, number.trim().to_lowercase()),
        };
        let unit = unit.trim().to_lowercase();
        let (floor, unit_number) = if unit.is_empty() {
            (u64::MAX, 0)
        } else {
            match split_number(&unit) {
                Some((n, _)) if n >= 100 => (n / 100, n),
                Some((n, rest)) if !rest.trim().is_empty() => (n, n),
                Some((n, _)) => (0, n),
                None => (0, 0),
            }
        };
        WalkKey {
            street,
            side,
            number,
            suffix,
            floor: Reverse(floor),
            unit_number,
            unit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(doors: &[(&str, &str, &str)]) -> Vec<String> {
        let mut v: Vec<_> = doors.to_vec();
        v.sort_by_key(|(s, n, u)| WalkKey::new(s, n, u));
        v.iter()
            .map(|(s, n, u)| format!("{s} {n} {u}").trim().to_string())
            .collect()
    }

    #[test]
    fn street_then_side_then_number() {
        let got = order(&[
            ("Oak St", "4", ""),
            ("Elm St", "2", ""),
            ("Oak St", "3", ""),
            ("Oak St", "12", ""),
            ("Oak St", "1", ""),
            ("Oak St", "12B", ""),
            ("Oak St", "12A", ""),
            ("Oak St", "", ""),
        ]);
        assert_eq!(
            got,
            [
                "Elm St 2",
                "Oak St 1",
                "Oak St 3",
                "Oak St 4",
                "Oak St 12",
                "Oak St 12A",
                "Oak St 12B",
                "Oak St"
            ]
        );
    }

    #[test]
    fn building_top_floor_down_then_unit() {
        let got = order(&[
            ("Oak St", "5", "101"),
            ("Oak St", "5", "302"),
            ("Oak St", "5", "2B"),
            ("Oak St", "5", "301"),
            ("Oak St", "5", ""),
            ("Oak St", "5", "2A"),
        ]);
        assert_eq!(
            got,
            [
                "Oak St 5",
                "Oak St 5 301",
                "Oak St 5 302",
                "Oak St 5 2A",
                "Oak St 5 2B",
                "Oak St 5 101"
            ]
        );
    }
}
