//! Geocoding with no network: a household is placed at the mapped address point with its
//! number on its street where there is one, else interpolated along its named street from
//! the numbered points around it on its side (odd and even apart), at their distance from
//! the centreline; else it is reported with the reason.

use std::collections::HashMap;

use groundgame_core::map::{AddressPoint, GeoPoint, Line, Plane, Station, Street};

/// A point further than this from every way of its street is not on it (a mapping error,
/// or a same-named street in another town of the extract).
const MAX_OFF_STREET_M: f64 = 120.0;
/// Two bracketing points further apart than this do not make a block face.
const MAX_BRACKET_M: f64 = 2_000.0;

/// How a household was placed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    Exact(GeoPoint),
    Interpolated(GeoPoint),
    NotFound(Unplaced),
}

/// Why a household could not be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unplaced {
    /// No street of that name in the extract.
    NoStreet,
    /// The address has no house number to place along the street.
    NoNumber,
    /// No mapped numbers on that side of the street on both sides of this one.
    NoRange,
}

impl Unplaced {
    pub fn reason(&self) -> &'static str {
        match self {
            Unplaced::NoStreet => {
                "not placed: the map has no street of this name; check the spelling, or load \
                 a map extract that covers it"
            }
            Unplaced::NoNumber => "not placed: the address has no house number",
            Unplaced::NoRange => {
                "not placed: the map has no numbered addresses on both sides of this number \
                 on its side of the street"
            }
        }
    }
}

/// The map of a campaign, indexed by street key.
pub struct Gazetteer<'a> {
    streets: HashMap<&'a str, Vec<&'a Street>>,
    points: HashMap<&'a str, Vec<&'a AddressPoint>>,
}

/// The leading integer of a house number ("12", "12A", "12-14" → 12).
fn house_number(number: &str) -> Option<u64> {
    let digits: String = number
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn same_number(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl<'a> Gazetteer<'a> {
    pub fn new(streets: &'a [Street], points: &'a [AddressPoint]) -> Self {
        let mut by_street: HashMap<&str, Vec<&Street>> = HashMap::new();
        for s in streets {
            by_street.entry(s.key.as_str()).or_default().push(s);
        }
        let mut by_key: HashMap<&str, Vec<&AddressPoint>> = HashMap::new();
        for p in points {
            by_key.entry(p.street_key.as_str()).or_default().push(p);
        }
        Gazetteer {
            streets: by_street,
            points: by_key,
        }
    }

    /// Place the door at `number` on the street keyed `street` (as voter-file addresses
    /// are keyed).
    pub fn place(&self, number: &str, street: &str) -> Placement {
        let points = self
            .points
            .get(street)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !number.trim().is_empty() {
            if let Some(p) = points.iter().find(|p| same_number(&p.number, number)) {
                return Placement::Exact(p.at);
            }
        }
        let Some(ways) = self.streets.get(street) else {
            return Placement::NotFound(Unplaced::NoStreet);
        };
        let Some(n) = house_number(number) else {
            return Placement::NotFound(Unplaced::NoNumber);
        };
        // The nearest numbered points below and above on the same side.
        let side: Vec<(u64, &AddressPoint)> = points
            .iter()
            .filter_map(|p| house_number(&p.number).map(|k| (k, *p)))
            .filter(|(k, _)| k % 2 == n % 2)
            .collect();
        let below = side.iter().filter(|(k, _)| *k < n).max_by_key(|(k, _)| *k);
        let above = side.iter().filter(|(k, _)| *k > n).min_by_key(|(k, _)| *k);
        let (Some(&(lo, low)), Some(&(hi, high))) = (below, above) else {
            return Placement::NotFound(Unplaced::NoRange);
        };
        let plane = Plane::around(low.at);
        let (a, b) = (plane.to_xy(low.at), plane.to_xy(high.at));
        if (a.0 - b.0).hypot(a.1 - b.1) > MAX_BRACKET_M {
            return Placement::NotFound(Unplaced::NoRange);
        }
        let t = (n - lo) as f64 / (hi - lo) as f64;
        // Along the way both points stand beside, when one does.
        let best = ways
            .iter()
            .filter_map(|w| Line::new(w.points.iter().map(|p| plane.to_xy(*p)).collect()))
            .map(|line| {
                let (sa, sb) = (line.station(a), line.station(b));
                (sa.offset.abs() + sb.offset.abs(), line, sa, sb)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0));
        let along_street = best.filter(|(_, _, sa, sb)| {
            sa.offset.abs() <= MAX_OFF_STREET_M && sb.offset.abs() <= MAX_OFF_STREET_M
        });
        let at = match along_street {
            Some((_, line, sa, sb)) => {
                // Same side: keep it; a mis-mapped pair straddling the street takes the
                // lower one's side.
                let offset = if sa.offset.signum() == sb.offset.signum() {
                    (sa.offset + sb.offset) / 2.0
                } else {
                    sa.offset.signum() * (sa.offset.abs() + sb.offset.abs()) / 2.0
                };
                line.point(Station {
                    along: sa.along + t * (sb.along - sa.along),
                    offset,
                })
            }
            // No way beside them: between the two points.
            None => (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)),
        };
        Placement::Interpolated(plane.to_geo(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use groundgame_core::map::distance_m;

    fn street() -> Street {
        Street {
            name: "Oak Avenue".into(),
            key: "OAK AVE".into(),
            class: "residential".into(),
            points: vec![GeoPoint::new(35.78, -78.64), GeoPoint::new(35.78, -78.63)],
        }
    }

    fn point(number: &str, plane: &Plane, x: f64, y: f64) -> AddressPoint {
        AddressPoint {
            number: number.into(),
            street_key: "OAK AVE".into(),
            at: plane.to_geo((x, y)),
        }
    }

    #[test]
    fn exact_then_interpolated_on_its_side_then_reasons() {
        let plane = Plane::around(GeoPoint::new(35.78, -78.64));
        let streets = vec![street()];
        let points = vec![
            point("101", &plane, 50.0, 15.0),
            point("109", &plane, 210.0, 15.0),
            point("100", &plane, 50.0, -15.0),
            point("108", &plane, 210.0, -15.0),
            point("12A", &plane, 400.0, 15.0),
        ];
        let g = Gazetteer::new(&streets, &points);
        assert_eq!(g.place("101", "OAK AVE"), Placement::Exact(points[0].at));
        assert_eq!(g.place("12a", "OAK AVE"), Placement::Exact(points[4].at));
        let Placement::Interpolated(odd) = g.place("105", "OAK AVE") else {
            panic!("105 is between 101 and 109");
        };
        assert!(
            distance_m(odd, plane.to_geo((130.0, 15.0))) < 1.0,
            "north side, halfway"
        );
        let Placement::Interpolated(even) = g.place("102", "OAK AVE") else {
            panic!("102 is between 100 and 108");
        };
        assert!(
            distance_m(even, plane.to_geo((90.0, -15.0))) < 1.0,
            "south side"
        );
        assert_eq!(
            g.place("111", "OAK AVE"),
            Placement::NotFound(Unplaced::NoRange)
        );
        assert_eq!(
            g.place("", "OAK AVE"),
            Placement::NotFound(Unplaced::NoNumber)
        );
        assert_eq!(
            g.place("5", "ELM ST"),
            Placement::NotFound(Unplaced::NoStreet)
        );
    }
}
