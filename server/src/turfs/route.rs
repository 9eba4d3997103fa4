//! Walking routes along the streets: the order a canvasser meets a turf's doors when the
//! campaign has a street map and the doors have places.
//!
//! Each placed door is put on its street (the map's line of the same name, else the
//! nearest line within [`NEAR_M`]): how far along it, and on which side. A street's doors
//! are cut into block faces where other streets meet it. The route then walks face after
//! face: on a quiet street one side of the block and back along the other (the street is
//! crossed at the block's end); on an arterial one side for as long as it has doors, never
//! zig-zagging across it; from one face to the nearest face not walked yet, where a step
//! that crosses an arterial counts [`ARTERIAL_PENALTY_M`] more. Within a face doors go in
//! the direction walked, a building's units together, top floor down (the walk key's
//! order). Doors with no place, or on no mapped street, follow in today's street / side /
//! number order.
//!
//! Greedy, not optimal: a turf is tens to a few hundred doors on a handful of streets, and
//! a walker wants a route that reads like the streets, not the shortest tour.

use std::collections::{BTreeMap, HashMap};

use groundgame_core::map::{GeoPoint, Line, Plane, Street};

use super::walk_order::WalkKey;
use crate::import::address::street_key;

/// How far from a street's line a door may stand and still be put on it.
pub const NEAR_M: f64 = 60.0;
/// Another street meets this one where one of its points is this close to its line.
const MEETS_M: f64 = 12.0;
/// What crossing an arterial between two faces costs, in metres walked.
pub const ARTERIAL_PENALTY_M: f64 = 1_000.0;

/// A door to route.
#[derive(Debug, Clone)]
pub struct RouteDoor {
    pub key: WalkKey,
    /// The street as the household has it ("N ELM ST", "North Elm Street").
    pub street: String,
    pub at: Option<GeoPoint>,
}

struct MapLine {
    key: String,
    arterial: bool,
    line: Line,
    points: Vec<(f64, f64)>,
    /// Where other streets meet it, along it, ascending.
    meets: Vec<f64>,
}

/// Where a door falls: its face and how far along the street.
struct Placed {
    door: usize,
    along: f64,
    xy: (f64, f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct FaceId {
    line: usize,
    block: usize,
    /// 0: left of the line's direction, 1: right.
    side: u8,
}

/// The order to walk `doors` in: indices into it.
pub fn order(doors: &[RouteDoor], streets: &[Street]) -> Vec<usize> {
    let fallback = |mut idx: Vec<usize>| {
        idx.sort_by(|&a, &b| doors[a].key.cmp(&doors[b].key).then(a.cmp(&b)));
        idx
    };
    let Some(origin) = doors.iter().find_map(|d| d.at) else {
        return fallback((0..doors.len()).collect());
    };
    let plane = Plane::around(origin);
    let lines = map_lines(&plane, streets);
    if lines.is_empty() {
        return fallback((0..doors.len()).collect());
    }

    // Each door on its street, else left for the fallback.
    let mut placed: BTreeMap<FaceId, Vec<Placed>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for (i, d) in doors.iter().enumerate() {
        let Some(at) = d.at else {
            unplaced.push(i);
            continue;
        };
        let xy = plane.to_xy(at);
        let key = street_key(&d.street);
        let nearest = |only_named: bool| {
            lines
                .iter()
                .enumerate()
                .filter(|(_, l)| !only_named || l.key == key)
                .map(|(n, l)| (n, l.line.station(xy)))
                .filter(|(_, s)| s.offset.abs() <= NEAR_M)
                .min_by(|a, b| a.1.offset.abs().total_cmp(&b.1.offset.abs()))
        };
        let Some((n, station)) = nearest(true).or_else(|| nearest(false)) else {
            unplaced.push(i);
            continue;
        };
        let block = lines[n]
            .meets
            .iter()
            .filter(|&&m| m < station.along)
            .count();
        let side = u8::from(station.offset < 0.0);
        placed
            .entry(FaceId {
                line: n,
                block,
                side,
            })
            .or_default()
            .push(Placed {
                door: i,
                along: station.along,
                xy,
            });
    }
    // Each face as its buildings along the street, a building's units top floor down.
    let faces: BTreeMap<FaceId, Vec<Vec<Placed>>> = placed
        .into_iter()
        .map(|(id, mut face)| {
            face.sort_by(|a, b| {
                a.along
                    .total_cmp(&b.along)
                    .then(doors[a.door].key.cmp(&doors[b.door].key))
            });
            (id, buildings(face, doors))
        })
        .collect();

    let arterials: Vec<&Line> = lines
        .iter()
        .filter(|l| l.arterial)
        .map(|l| &l.line)
        .collect();
    let mut route = Vec::with_capacity(doors.len());
    let mut left: HashMap<FaceId, Vec<Vec<Placed>>> = faces.into_iter().collect();
    // Start where today's order starts: the face of the first door by walk key.
    let first = left
        .iter()
        .flat_map(|(id, f)| f.iter().flatten().map(move |p| (*id, p.door)))
        .min_by(|a, b| doors[a.1].key.cmp(&doors[b.1].key).then(a.1.cmp(&b.1)))
        .map(|(id, _)| id);
    let mut here: Option<(f64, f64)> = None;
    let mut next = first;
    while let Some(id) = next.take() {
        let Some(face) = left.remove(&id) else { break };
        let (start, end) = ends(&face);
        let forward = here.is_none_or(|h| dist(h, start) <= dist(h, end));
        // Backwards along the street, but each building still top floor down.
        let walked: Vec<&Placed> = if forward {
            face.iter().flatten().collect()
        } else {
            face.iter().rev().flatten().collect()
        };
        route.extend(walked.iter().map(|p| p.door));
        here = walked.last().map(|p| p.xy);
        let at = here.unwrap_or(start);
        // A quiet street: back along the other side of the same block.
        let across = FaceId {
            side: 1 - id.side,
            ..id
        };
        if !lines[id.line].arterial && left.contains_key(&across) {
            next = Some(across);
            continue;
        }
        next = left
            .iter()
            .map(|(fid, f)| {
                let (a, b) = ends(f);
                let near = if dist(at, a) <= dist(at, b) { a } else { b };
                let crosses = arterials.iter().any(|l| crosses_line(at, near, l));
                let cost = dist(at, near) + if crosses { ARTERIAL_PENALTY_M } else { 0.0 };
                (*fid, cost)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(fid, _)| fid);
    }
    route.extend(fallback(unplaced));
    route
}

/// A household as the stores hold it, for ordering a turf.
#[derive(Debug, Clone)]
pub struct Doorstep {
    pub id: i64,
    pub street: String,
    pub number: String,
    pub unit: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// The area a turf's route needs streets from: its placed doors, [`NEAR_M`] and a corner
/// wider (None: no door placed, so no street is needed).
pub fn frame(doors: &[Doorstep]) -> Option<groundgame_core::map::Bounds> {
    groundgame_core::map::Bounds::of(doors.iter().filter_map(place)).map(|b| b.grown(NEAR_M + 40.0))
}

fn place(d: &Doorstep) -> Option<GeoPoint> {
    let p = GeoPoint::new(d.lat?, d.lon?);
    p.is_valid().then_some(p)
}

/// The turf's household ids in walking order: along `streets` where doors have places
/// ([`order`]), else street / side / number; ties by id.
pub fn walking_order(mut doors: Vec<Doorstep>, streets: &[Street]) -> Vec<i64> {
    doors.sort_by_key(|d| d.id);
    let route_doors: Vec<RouteDoor> = doors
        .iter()
        .map(|d| RouteDoor {
            key: WalkKey::new(&d.street, &d.number, &d.unit),
            street: d.street.clone(),
            at: if streets.is_empty() { None } else { place(d) },
        })
        .collect();
    order(&route_doors, streets)
        .into_iter()
        .map(|i| doors[i].id)
        .collect()
}

/// Metres walked along `route` from door to door (doors with no place are skipped).
pub fn walked_m(doors: &[RouteDoor], route: &[usize]) -> f64 {
    let points: Vec<GeoPoint> = route.iter().filter_map(|&i| doors[i].at).collect();
    points
        .windows(2)
        .map(|w| groundgame_core::map::distance_m(w[0], w[1]))
        .sum()
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// The map's streets on the plane, each with the places other streets meet it.
fn map_lines(plane: &Plane, streets: &[Street]) -> Vec<MapLine> {
    let mut lines: Vec<MapLine> = streets
        .iter()
        .filter_map(|s| {
            let points: Vec<(f64, f64)> = s.points.iter().map(|p| plane.to_xy(*p)).collect();
            Some(MapLine {
                key: street_key(&s.name),
                arterial: s.is_arterial(),
                line: Line::new(points.clone())?,
                points,
                meets: Vec::new(),
            })
        })
        .collect();
    for i in 0..lines.len() {
        let this = &lines[i];
        let others = || {
            lines
                .iter()
                .enumerate()
                .filter(move |(j, other)| *j != i && other.key != this.key)
                .map(|(_, other)| other)
        };
        // Where another street ends on this one or passes a point by it ...
        let mut meets: Vec<f64> = others()
            .flat_map(|other| other.points.iter())
            .map(|p| this.line.station(*p))
            .filter(|s| s.offset.abs() <= MEETS_M)
            .map(|s| s.along)
            .collect();
        // ... and where it crosses between two of its points.
        for other in others() {
            for (p, q) in other.line.segments() {
                for (a, b) in this.line.segments() {
                    if let Some(x) = crossing(a, b, p, q) {
                        meets.push(this.line.station(x).along);
                    }
                }
            }
        }
        meets.sort_by(f64::total_cmp);
        meets.dedup_by(|a, b| (*a - *b).abs() < MEETS_M);
        lines[i].meets = meets;
    }
    lines
}

/// A face's doors (in order along the street) as buildings: a building's units together
/// where its first one stands, top floor down (the walk key's order).
fn buildings(face: Vec<Placed>, doors: &[RouteDoor]) -> Vec<Vec<Placed>> {
    let mut out: Vec<Vec<Placed>> = Vec::new();
    for p in face {
        let key = &doors[p.door].key;
        match out
            .iter_mut()
            .find(|b| doors[b[0].door].key.same_building(key))
        {
            Some(building) => building.push(p),
            None => out.push(vec![p]),
        }
    }
    for building in &mut out {
        building.sort_by(|a, b| doors[a.door].key.cmp(&doors[b.door].key));
    }
    out
}

/// Where a face begins and ends along its street.
fn ends(face: &[Vec<Placed>]) -> ((f64, f64), (f64, f64)) {
    let first = face
        .first()
        .and_then(|b| b.first())
        .map_or((0.0, 0.0), |p| p.xy);
    let last = face.last().and_then(|b| b.first()).map_or(first, |p| p.xy);
    (first, last)
}

/// Whether the step from `a` to `b` crosses `line`.
fn crosses_line(a: (f64, f64), b: (f64, f64), line: &Line) -> bool {
    line.segments().any(|(p, q)| segments_cross(a, b, p, q))
}

/// Where segment `a`–`b` crosses `p`–`q`, if it does.
fn crossing(a: (f64, f64), b: (f64, f64), p: (f64, f64), q: (f64, f64)) -> Option<(f64, f64)> {
    if !segments_cross(a, b, p, q) {
        return None;
    }
    let (r, s) = ((b.0 - a.0, b.1 - a.1), (q.0 - p.0, q.1 - p.1));
    let denom = r.0 * s.1 - r.1 * s.0;
    let t = ((p.0 - a.0) * s.1 - (p.1 - a.1) * s.0) / denom;
    Some((a.0 + t * r.0, a.1 + t * r.1))
}

fn segments_cross(a: (f64, f64), b: (f64, f64), p: (f64, f64), q: (f64, f64)) -> bool {
    let cross = |o: (f64, f64), u: (f64, f64), v: (f64, f64)| {
        (u.0 - o.0) * (v.1 - o.1) - (u.1 - o.1) * (v.0 - o.0)
    };
    let (d1, d2) = (cross(p, q, a), cross(p, q, b));
    let (d3, d4) = (cross(a, b, p), cross(a, b, q));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plane around Raleigh, in metres east and north.
    fn at(x: f64, y: f64) -> GeoPoint {
        Plane::around(GeoPoint::new(35.78, -78.64)).to_geo((x, y))
    }

    fn street(name: &str, class: &str, from: (f64, f64), to: (f64, f64)) -> Street {
        Street {
            name: name.into(),
            key: street_key(name),
            class: class.into(),
            points: vec![at(from.0, from.1), at(to.0, to.1)],
        }
    }

    fn door(street: &str, number: &str, unit: &str, x: f64, y: f64) -> RouteDoor {
        RouteDoor {
            key: WalkKey::new(street, number, unit),
            street: street.into(),
            at: Some(at(x, y)),
        }
    }

    /// "ELM ST 9#301": a door's street, number and unit, from the test's own list.
    fn names(labels: &[&str], route: &[usize]) -> Vec<String> {
        route.iter().map(|&i| labels[i].to_owned()).collect()
    }

    #[test]
    fn a_quiet_block_is_walked_up_one_side_and_back_the_other() {
        // Elm runs east 0 → 200 m; odd numbers north (left), even south.
        let streets = [street(
            "Elm Street",
            "residential",
            (0.0, 0.0),
            (200.0, 0.0),
        )];
        let doors = vec![
            door("ELM ST", "2", "", 20.0, -15.0),
            door("ELM ST", "1", "", 20.0, 15.0),
            door("ELM ST", "4", "", 60.0, -15.0),
            door("ELM ST", "3", "", 60.0, 15.0),
            door("ELM ST", "6", "", 100.0, -15.0),
            door("ELM ST", "5", "", 100.0, 15.0),
        ];
        let labels = [
            "ELM ST 2", "ELM ST 1", "ELM ST 4", "ELM ST 3", "ELM ST 6", "ELM ST 5",
        ];
        let route = order(&doors, &streets);
        assert_eq!(
            names(&labels, &route),
            ["ELM ST 1", "ELM ST 3", "ELM ST 5", "ELM ST 6", "ELM ST 4", "ELM ST 2"]
        );
        // Today's order walks the odd side, then back to the start for the even side.
        let today = {
            let mut v: Vec<usize> = (0..doors.len()).collect();
            v.sort_by(|&a, &b| doors[a].key.cmp(&doors[b].key));
            v
        };
        assert!(walked_m(&doors, &route) < walked_m(&doors, &today));
    }

    #[test]
    fn an_arterial_is_walked_along_one_side_and_never_zig_zagged() {
        // Main (primary) east 0 → 300 with a cross street at 150: two blocks each side.
        let streets = [
            street("Main Street", "primary", (0.0, 0.0), (300.0, 0.0)),
            street("Oak Avenue", "residential", (150.0, -200.0), (150.0, 200.0)),
        ];
        let doors = vec![
            door("MAIN ST", "1", "", 40.0, 15.0),
            door("MAIN ST", "3", "", 100.0, 15.0),
            door("MAIN ST", "5", "", 200.0, 15.0),
            door("MAIN ST", "7", "", 260.0, 15.0),
            door("MAIN ST", "2", "", 40.0, -15.0),
            door("MAIN ST", "4", "", 100.0, -15.0),
            door("MAIN ST", "6", "", 200.0, -15.0),
            door("MAIN ST", "8", "", 260.0, -15.0),
        ];
        let labels = [
            "MAIN ST 1",
            "MAIN ST 3",
            "MAIN ST 5",
            "MAIN ST 7",
            "MAIN ST 2",
            "MAIN ST 4",
            "MAIN ST 6",
            "MAIN ST 8",
        ];
        let route = order(&doors, &streets);
        let got = names(&labels, &route);
        // The whole north side first, then the whole south side: one crossing.
        let north: Vec<&str> = got.iter().take(4).map(String::as_str).collect();
        assert_eq!(north, ["MAIN ST 1", "MAIN ST 3", "MAIN ST 5", "MAIN ST 7"]);
        let crossings = route
            .windows(2)
            .filter(|w| {
                let y = |i: usize| {
                    Plane::around(GeoPoint::new(35.78, -78.64))
                        .to_xy(doors[i].at.unwrap())
                        .1
                };
                (y(w[0]) > 0.0) != (y(w[1]) > 0.0)
            })
            .count();
        assert_eq!(crossings, 1, "{got:?}");
    }

    #[test]
    fn a_street_crossing_between_its_points_cuts_the_block() {
        // Oak crosses Elm at x = 100 with no point of its own near Elm: two blocks, each
        // walked up one side and back the other.
        let streets = [
            street("Elm Street", "residential", (0.0, 0.0), (200.0, 0.0)),
            street("Oak Avenue", "residential", (100.0, -300.0), (100.0, 300.0)),
        ];
        let doors = vec![
            door("ELM ST", "1", "", 30.0, 15.0),
            door("ELM ST", "3", "", 70.0, 15.0),
            door("ELM ST", "5", "", 130.0, 15.0),
            door("ELM ST", "7", "", 170.0, 15.0),
            door("ELM ST", "2", "", 30.0, -15.0),
            door("ELM ST", "4", "", 70.0, -15.0),
            door("ELM ST", "6", "", 130.0, -15.0),
            door("ELM ST", "8", "", 170.0, -15.0),
        ];
        let labels = ["1", "3", "5", "7", "2", "4", "6", "8"];
        let route = order(&doors, &streets);
        assert_eq!(
            names(&labels, &route),
            ["1", "3", "4", "2", "6", "8", "7", "5"]
        );
    }

    #[test]
    fn a_building_walked_back_along_the_street_is_still_top_floor_down() {
        // Units a few metres apart (a geocoder's jitter), on the side walked backwards.
        let streets = [street(
            "Elm Street",
            "residential",
            (0.0, 0.0),
            (200.0, 0.0),
        )];
        let doors = vec![
            door("ELM ST", "1", "", 20.0, 15.0),
            door("ELM ST", "3", "", 60.0, 15.0),
            door("ELM ST", "2", "", 20.0, -15.0),
            door("ELM ST", "4", "101", 57.0, -15.0),
            door("ELM ST", "4", "201", 62.0, -14.0),
            door("ELM ST", "4", "301", 60.0, -16.0),
        ];
        let labels = ["1", "3", "2", "4#101", "4#201", "4#301"];
        assert_eq!(
            names(&labels, &order(&doors, &streets)),
            ["1", "3", "4#301", "4#201", "4#101", "2"]
        );
    }

    #[test]
    fn units_stay_together_top_floor_down_and_unplaced_doors_follow_in_todays_order() {
        let streets = [street(
            "Elm Street",
            "residential",
            (0.0, 0.0),
            (200.0, 0.0),
        )];
        let doors = vec![
            door("ELM ST", "9", "101", 50.0, 15.0),
            door("ELM ST", "9", "301", 50.0, 15.0),
            door("ELM ST", "9", "201", 50.0, 15.0),
            door("ELM ST", "11", "", 90.0, 15.0),
            RouteDoor {
                key: WalkKey::new("BIRCH LN", "4", ""),
                street: "BIRCH LN".into(),
                at: None,
            },
            // Placed, but far from every mapped street.
            door("ASH CT", "2", "", 900.0, 900.0),
        ];
        let labels = [
            "ELM ST 9#101",
            "ELM ST 9#301",
            "ELM ST 9#201",
            "ELM ST 11",
            "BIRCH LN 4",
            "ASH CT 2",
        ];
        let route = order(&doors, &streets);
        assert_eq!(
            names(&labels, &route),
            [
                "ELM ST 9#301",
                "ELM ST 9#201",
                "ELM ST 9#101",
                "ELM ST 11",
                "ASH CT 2",
                "BIRCH LN 4"
            ]
        );
        // No map, no places: today's order exactly.
        let none = order(&doors, &[]);
        let mut today: Vec<usize> = (0..doors.len()).collect();
        today.sort_by(|&a, &b| doors[a].key.cmp(&doors[b].key));
        assert_eq!(none, today);
    }
}
