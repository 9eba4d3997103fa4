//! Reading an OpenStreetMap extract (`.osm.pbf`, as Geofabrik and BBBike publish them) for
//! what canvassing needs: named streets with their class, and address points (nodes, and
//! buildings, with `addr:housenumber` and `addr:street`).
//!
//! Two streaming passes, so memory follows the streets, not the file: the first keeps the
//! ways that matter and the ids of their nodes; the second keeps those nodes' positions
//! (and every address node). A county's extract holds millions of nodes; only the few
//! hundred thousand on its streets and buildings are kept.

use std::collections::HashMap;
use std::path::Path;

use groundgame_core::map::{AddressPoint, GeoPoint, Street};
use osmpbf::{Element, ElementReader};

use crate::import::address::street_key;

/// Names and numbers longer than this are not a street's or a house's.
const MAX_TEXT: usize = 200;

/// What an extract held, and what was left out.
#[derive(Debug, Default, Clone)]
pub struct Extract {
    pub streets: Vec<Street>,
    pub points: Vec<AddressPoint>,
    /// Highway ways with no name (footways, driveways...).
    pub unnamed_ways: u64,
    /// Ways whose nodes are outside the extract (cut at its edge), or too few.
    pub ways_without_geometry: u64,
    /// Address tags without a number or street, or with an unreadable value.
    pub bad_addresses: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    #[error(
        "{0} is not an OpenStreetMap extract this server can read ({1}); download the \
         area's .osm.pbf file (Geofabrik or BBBike publish them)"
    )]
    Unreadable(String, String),
}

struct WantedWay {
    refs: Vec<i64>,
    what: WayKind,
}

enum WayKind {
    Street { name: String, class: String },
    Building { number: String, street: String },
}

fn text(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty() && v.len() <= MAX_TEXT && !v.chars().any(char::is_control)).then(|| v.to_owned())
}

/// Read the streets and address points of an extract.
pub fn read(path: &Path) -> Result<Extract, OsmError> {
    let unreadable =
        |e: osmpbf::Error| OsmError::Unreadable(path.display().to_string(), e.to_string());
    let mut out = Extract::default();

    // Pass 1: the ways.
    let mut ways: Vec<WantedWay> = Vec::new();
    ElementReader::from_path(path)
        .map_err(unreadable)?
        .for_each(|element| {
            let Element::Way(way) = element else {
                return;
            };
            let (mut highway, mut name, mut number, mut street, mut building) =
                (None, None, None, None, false);
            for (k, v) in way.tags() {
                match k {
                    "highway" => highway = Some(v),
                    "name" => name = Some(v),
                    "addr:housenumber" => number = Some(v),
                    "addr:street" => street = Some(v),
                    "building" => building = true,
                    _ => {}
                }
            }
            let what = match (highway, name, number, street) {
                (Some(class), Some(name), _, _) => match (text(name), text(class)) {
                    (Some(name), Some(class)) => WayKind::Street { name, class },
                    _ => return,
                },
                (Some(_), None, _, _) => {
                    out.unnamed_ways += 1;
                    return;
                }
                (None, _, Some(number), Some(street)) if building => {
                    match (text(number), text(street)) {
                        (Some(number), Some(street)) => WayKind::Building { number, street },
                        _ => {
                            out.bad_addresses += 1;
                            return;
                        }
                    }
                }
                (None, _, Some(_), None) | (None, _, None, Some(_)) if building => {
                    out.bad_addresses += 1;
                    return;
                }
                _ => return,
            };
            ways.push(WantedWay {
                refs: way.refs().collect(),
                what,
            });
        })
        .map_err(unreadable)?;

    // Pass 2: the nodes those ways need, and every address node.
    let mut wanted: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut at: HashMap<i64, GeoPoint> = HashMap::with_capacity(wanted.len());
    let mut address = |tags: &mut dyn Iterator<Item = (&str, &str)>, p: GeoPoint| {
        let (mut number, mut street) = (None, None);
        for (k, v) in tags {
            match k {
                "addr:housenumber" => number = Some(v),
                "addr:street" => street = Some(v),
                _ => {}
            }
        }
        match (number, street) {
            (None, None) => {}
            (Some(n), Some(s)) => match (text(n), text(s)) {
                (Some(number), Some(street)) if p.is_valid() => out.points.push(AddressPoint {
                    number,
                    street_key: street_key(&street),
                    at: p,
                }),
                _ => out.bad_addresses += 1,
            },
            _ => out.bad_addresses += 1,
        }
    };
    ElementReader::from_path(path)
        .map_err(unreadable)?
        .for_each(|element| {
            let (id, p) = match &element {
                Element::Node(n) => (n.id(), GeoPoint::new(n.lat(), n.lon())),
                Element::DenseNode(n) => (n.id(), GeoPoint::new(n.lat(), n.lon())),
                _ => return,
            };
            if wanted.binary_search(&id).is_ok() && p.is_valid() {
                at.insert(id, p);
            }
            match element {
                Element::Node(n) => address(&mut n.tags(), p),
                Element::DenseNode(n) => address(&mut n.tags(), p),
                _ => {}
            }
        })
        .map_err(unreadable)?;

    for way in ways {
        let points: Vec<GeoPoint> = way.refs.iter().filter_map(|r| at.get(r).copied()).collect();
        match way.what {
            WayKind::Street { name, class } => {
                if points.len() < 2 {
                    out.ways_without_geometry += 1;
                    continue;
                }
                out.streets.push(Street {
                    key: street_key(&name),
                    name,
                    class,
                    points,
                });
            }
            WayKind::Building { number, street } => {
                // A closed ring repeats its first node: count it once.
                let ring = match points.split_last() {
                    Some((last, rest)) if !rest.is_empty() && last == &rest[0] => rest,
                    _ => &points[..],
                };
                if ring.is_empty() {
                    out.ways_without_geometry += 1;
                    continue;
                }
                let n = ring.len() as f64;
                let centre = GeoPoint::new(
                    ring.iter().map(|p| p.lat).sum::<f64>() / n,
                    ring.iter().map(|p| p.lon).sum::<f64>() / n,
                );
                out.points.push(AddressPoint {
                    number,
                    street_key: street_key(&street),
                    at: centre,
                });
            }
        }
    }
    Ok(out)
}
