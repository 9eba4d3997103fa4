//! Geocoding with no network: a household is placed at the mapped address point with its
//! number on its street where there is one, else interpolated along its named street from
//! the numbered points around it on its side (odd and even apart), at their distance from
//! the centreline; else it is reported with the reason.

use std::collections::HashMap;

use groundgame_core::map::{AddressPoint, Bounds, GeoPoint, Line, Plane, Station, Street};

/// A point further than this from every way of its street is not on it (a mapping error,
/// or a same-named street in another town of the extract).
const MAX_OFF_STREET_M: f64 = 120.0;
/// Two bracketing points further apart than this do not make a block face.
const MAX_BRACKET_M: f64 = 2_000.0;
/// Neighbours on one block face further apart than this are not next-door lots.
const MAX_FACE_M: f64 = 300.0;

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

/// A point on a street's plane, in metres.
type Xy = (f64, f64);
/// Where a number stands along its street: from the first point towards the second, this
/// share of the way (negative: carrying on beyond the first, away from the second).
type Along = (Xy, Xy, f64);

/// One street name of the map, ready to place numbers along: its ways on a plane around
/// it, and its numbered address points by side (odd, even), in number order.
struct Named {
    plane: Plane,
    ways: Vec<(Line, Bounds)>,
    sides: [Vec<(u64, (f64, f64))>; 2],
    /// The median metres from one number to the next between neighbours on one block
    /// face (a lot's width per number step), when the street has such neighbours.
    metres_per_number: Option<f64>,
}

/// The map of a campaign, indexed by street key.
pub struct Gazetteer<'a> {
    streets: HashMap<&'a str, Named>,
    /// Mapped addresses by street key and number (upper case, trimmed); the first wins.
    exact: HashMap<&'a str, HashMap<String, GeoPoint>>,
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

fn number_key(number: &str) -> String {
    number.trim().to_ascii_uppercase()
}

/// US house numbers go by hundred-blocks: each block face starts a new hundred, so
/// numbers jump at a corner (306 is followed by 400 across the cross street).
fn hundred(n: u64) -> u64 {
    n / 100
}

impl<'a> Gazetteer<'a> {
    pub fn new(streets: &'a [Street], points: &'a [AddressPoint]) -> Self {
        let mut exact: HashMap<&str, HashMap<String, GeoPoint>> = HashMap::new();
        for p in points {
            exact
                .entry(p.street_key.as_str())
                .or_default()
                .entry(number_key(&p.number))
                .or_insert(p.at);
        }
        let mut named: HashMap<&str, Named> = HashMap::new();
        for s in streets {
            let Some(&origin) = s.points.first() else {
                continue;
            };
            let entry = named.entry(s.key.as_str()).or_insert_with(|| Named {
                plane: Plane::around(origin),
                ways: Vec::new(),
                sides: [Vec::new(), Vec::new()],
                metres_per_number: None,
            });
            let plane = entry.plane;
            if let (Some(line), Some(bounds)) = (
                Line::new(s.points.iter().map(|p| plane.to_xy(*p)).collect()),
                Bounds::of(s.points.iter().copied()),
            ) {
                entry.ways.push((line, bounds.grown(MAX_OFF_STREET_M)));
            }
        }
        for p in points {
            if let (Some(street), Some(k)) = (
                named.get_mut(p.street_key.as_str()),
                house_number(&p.number),
            ) {
                let xy = street.plane.to_xy(p.at);
                street.sides[(k % 2) as usize].push((k, xy));
            }
        }
        for street in named.values_mut() {
            let mut steps = Vec::new();
            for side in &mut street.sides {
                side.sort_by_key(|(k, _)| *k);
                for w in side.windows(2) {
                    let ((k0, p0), (k1, p1)) = (w[0], w[1]);
                    let d = (p1.0 - p0.0).hypot(p1.1 - p0.1);
                    if k1 > k0 && hundred(k0) == hundred(k1) && d <= MAX_FACE_M {
                        steps.push(d / (k1 - k0) as f64);
                    }
                }
            }
            steps.sort_by(f64::total_cmp);
            street.metres_per_number = steps.get(steps.len() / 2).copied();
        }
        Gazetteer {
            streets: named,
            exact,
        }
    }

    /// Place the door at `number` on the street keyed `street` (as voter-file addresses
    /// are keyed).
    pub fn place(&self, number: &str, street: &str) -> Placement {
        if !number.trim().is_empty() {
            if let Some(p) = self
                .exact
                .get(street)
                .and_then(|m| m.get(&number_key(number)))
            {
                return Placement::Exact(*p);
            }
        }
        let Some(named) = self.streets.get(street) else {
            return Placement::NotFound(Unplaced::NoStreet);
        };
        let Some(n) = house_number(number) else {
            return Placement::NotFound(Unplaced::NoNumber);
        };
        // The nearest numbered points below and above on the same side: the house stands
        // between them.
        let own = &named.sides[(n % 2) as usize];
        let split = own.partition_point(|(k, _)| *k < n);
        let (Some(&(lo, a)), Some(&(hi, b))) = (
            split.checked_sub(1).and_then(|i| own.get(i)),
            own[split..].iter().find(|(k, _)| *k > n),
        ) else {
            return Placement::NotFound(Unplaced::NoRange);
        };
        if (a.0 - b.0).hypot(a.1 - b.1) > MAX_BRACKET_M {
            return Placement::NotFound(Unplaced::NoRange);
        }
        // Where along: from the points of this number's own block face where there are
        // some (numbers jump at a corner, so a bracket across one says little), else from
        // the face across the street (500 stands across from 501), else the bracket.
        let across = &named.sides[1 - (n % 2) as usize];
        let (p, q, t, own_side) = named
            .on_face(own, n)
            .map(|(p, q, t)| (p, q, t, true))
            .or_else(|| {
                named
                    .on_face(across, n ^ 1)
                    .map(|(p, q, t)| (p, q, t, false))
            })
            .unwrap_or_else(|| (a, b, (n - lo) as f64 / (hi - lo) as f64, true));
        let Some((line, sp)) = named.nearest_way(p) else {
            // No way beside them: on the straight line between the bracket's points.
            let t = (n - lo) as f64 / (hi - lo) as f64;
            return Placement::Interpolated(
                named
                    .plane
                    .to_geo((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))),
            );
        };
        // Within the bracket, whatever the face said.
        let (sa, sb) = (line.station(a).along, line.station(b).along);
        let along =
            (sp.along + t * (line.station(q).along - sp.along)).clamp(sa.min(sb), sa.max(sb));
        // How far off the centreline, and on which side: this side's own points', each
        // against its own way.
        let (r1, r2) = if own_side { (p, q) } else { (a, b) };
        let offsets: Vec<f64> = [r1, r2]
            .iter()
            .filter_map(|r| named.nearest_way(*r).map(|(_, s)| s.offset))
            .collect();
        let offset = match offsets[..] {
            [o1, o2] if o1.signum() == o2.signum() => (o1 + o2) / 2.0,
            // A mis-mapped pair straddling the street takes the first one's side.
            [o1, o2] => o1.signum() * (o1.abs() + o2.abs()) / 2.0,
            [o] => o,
            _ => sp.offset,
        };
        // Placed against the way the face across the street stands beside: this side's
        // distance, on this side of that way.
        let offset = if own_side {
            offset
        } else {
            line.station(a).offset.signum() * offset.abs()
        };
        Placement::Interpolated(named.plane.to_geo(line.point(Station { along, offset })))
    }
}

impl Named {
    /// The way nearest `p`, with `p`'s station on it, if one is near enough to be its street.
    fn nearest_way(&self, p: (f64, f64)) -> Option<(&Line, Station)> {
        let g = self.plane.to_geo(p);
        self.ways
            .iter()
            .filter(|(_, w)| w.contains(g))
            .map(|(line, _)| (line, line.station(p)))
            .min_by(|x, y| x.1.offset.abs().total_cmp(&y.1.offset.abs()))
            .filter(|(_, s)| s.offset.abs() <= MAX_OFF_STREET_M)
    }

    /// Where number `m` stands from the numbered points of its block face (its hundred) on
    /// `side`: two reference points and how far from the first towards the second (beyond
    /// the first, away from the second, when negative). None when the face has none.
    fn on_face(&self, side: &[(u64, Xy)], m: u64) -> Option<Along> {
        let h = hundred(m);
        let face: Vec<(u64, (f64, f64))> = side
            .iter()
            .filter(|(k, _)| hundred(*k) == h)
            .copied()
            .collect();
        let below = face.iter().rev().find(|(k, _)| *k <= m).copied();
        let above = face.iter().find(|(k, _)| *k > m).copied();
        let by_numbers = |(kp, p): (u64, (f64, f64)), (kq, q): (u64, (f64, f64))| {
            (p, q, (m as f64 - kp as f64) / (kq as f64 - kp as f64))
        };
        match (below, above) {
            (Some(lo), Some(hi)) => Some(by_numbers(lo, hi)),
            (Some(lo), None) if lo.0 == m => Some((lo.1, lo.1, 0.0)),
            (Some(near), None) | (None, Some(near)) => {
                // The next point of the face beyond the nearest, to carry on from the two;
                // with none, the street's usual lot width, towards the next face's points.
                let (further, towards) = if near.0 <= m {
                    (
                        face.iter().rev().find(|(k, _)| *k < near.0),
                        side.iter().find(|(k, _)| *k > m),
                    )
                } else {
                    (
                        face.iter().find(|(k, _)| *k > near.0),
                        side.iter().rev().find(|(k, _)| *k < m),
                    )
                };
                match (further, towards, self.metres_per_number) {
                    (Some(&further), _, _) => Some(by_numbers(near, further)),
                    (None, Some(&(_, q)), Some(width)) => {
                        let d = (q.0 - near.1 .0).hypot(q.1 - near.1 .1).max(f64::EPSILON);
                        Some((near.1, q, (near.0.abs_diff(m) as f64 * width / d).min(1.0)))
                    }
                    _ => None,
                }
            }
            (None, None) => None,
        }
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

    #[test]
    fn numbers_jump_at_a_corner_so_a_block_face_carries_on_from_its_own_points() {
        // 110 m blocks; lots at 18, 40, 62 and 84 m along each; the 300 block, then the
        // 400 block past the corner at 110 m.
        let plane = Plane::around(GeoPoint::new(35.78, -78.64));
        let streets = vec![street()];
        let points = vec![
            point("300", &plane, 18.0, -15.0),
            point("302", &plane, 40.0, -15.0),
            point("400", &plane, 128.0, -15.0),
            point("402", &plane, 150.0, -15.0),
            // The odd side has one point in the 300 block: the street's lot width (11 m a
            // number step, from the even side) says how far on.
            point("301", &plane, 18.0, 15.0),
            point("401", &plane, 128.0, 15.0),
        ];
        let g = Gazetteer::new(&streets, &points);
        let at = |n: &str| match g.place(n, "OAK AVE") {
            Placement::Interpolated(p) => plane.to_xy(p),
            other => panic!("{n}: {other:?}"),
        };
        for (n, x) in [("304", 62.0), ("306", 84.0)] {
            let (px, py) = at(n);
            assert!(
                (px - x).abs() < 1.0 && (py + 15.0).abs() < 1.0,
                "{n} at ({px}, {py})"
            );
        }
        // Carrying on stops at the next block's first house.
        let (px, _) = at("398");
        assert!((px - 128.0).abs() < 1.0, "398 at {px}");
        let (px, py) = at("303");
        assert!(
            (px - 40.0).abs() < 1.0 && (py - 15.0).abs() < 1.0,
            "303 two numbers on from 301: ({px}, {py})"
        );
        // A street with no neighbours on any face: between the bracket's two points.
        let lone = vec![points[4].clone(), points[5].clone()];
        let g = Gazetteer::new(&streets, &lone);
        let Placement::Interpolated(p) = g.place("303", "OAK AVE") else {
            panic!("303 is between 301 and 401");
        };
        let (px, _) = plane.to_xy(p);
        assert!((px - (18.0 + 0.02 * 110.0)).abs() < 1.0, "303 at {px}");
    }
}
