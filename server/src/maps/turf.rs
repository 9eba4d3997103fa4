//! The map a turf's page carries to the canvasser's phone: the campaign's streets within
//! the box of the turf's placed doors, 150 m wider, clipped to it, names once each, lines
//! as encoded polylines. A tag names it — the campaign's map as loaded and the box — so a
//! device that holds it is not sent it again, and one that holds another gets the new one.

use std::collections::BTreeMap;

use groundgame_core::map::{clip, encode_line, Bounds, Street};
use groundgame_core::protocol::{MapLine, TurfMap};
use sha2::{Digest, Sha256};

/// How far past its outermost doors a turf's map reaches: the corner and the cross street
/// a canvasser walks to from the last door.
pub const MARGIN_M: f64 = 150.0;

/// The grid (degrees, about 200 m) the box's edges are moved out to, so a door placed again
/// a few metres away leaves the map as it was.
pub const GRID_DEG: f64 = 0.002;

/// The tag of "no map": the device drops the one it holds.
pub const NO_MAP: u64 = 0;

/// The area a turf's map draws, from the box of its placed doors.
pub fn frame(doors: &Bounds) -> Bounds {
    doors.grown(MARGIN_M).snapped(GRID_DEG)
}

/// The tag of the map a campaign map (its `revision`) draws over `frame`: never
/// [`NO_MAP`], and within JSON's exact integers (53 bits) for any reader.
pub fn tag(revision: i64, frame: &Bounds) -> u64 {
    let key = format!(
        "{revision}|{:.4}|{:.4}|{:.4}|{:.4}",
        frame.min_lat, frame.min_lon, frame.max_lat, frame.max_lon
    );
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) & ((1 << 53) - 1)).max(1)
}

/// The map: every street that comes into `frame`, clipped to it.
pub fn build(tag: u64, frame: &Bounds, streets: &[Street]) -> TurfMap {
    let mut names: BTreeMap<&str, u32> = BTreeMap::new();
    let mut pieces = Vec::new();
    for street in streets {
        for run in clip(&street.points, frame) {
            pieces.push((
                street.name.as_str(),
                street.is_arterial(),
                encode_line(&run),
            ));
            names.insert(street.name.as_str(), 0);
        }
    }
    for (i, index) in names.values_mut().enumerate() {
        *index = i as u32;
    }
    TurfMap {
        tag,
        lines: pieces
            .into_iter()
            .map(|(name, arterial, points)| MapLine {
                name: names[name],
                arterial,
                points,
            })
            .collect(),
        names: names.into_keys().map(str::to_owned).collect(),
    }
}

#[cfg(test)]
mod tests {
    use groundgame_core::map::{decode_line, GeoPoint};

    use super::*;

    fn street(name: &str, class: &str, points: &[(f64, f64)]) -> Street {
        Street {
            name: name.into(),
            key: name.to_uppercase(),
            class: class.into(),
            points: points.iter().map(|&(a, b)| GeoPoint::new(a, b)).collect(),
        }
    }

    #[test]
    fn a_turf_map_holds_the_streets_around_its_doors_clipped_and_named_once() {
        let doors = Bounds::of([
            GeoPoint::new(35.9940, -78.9000),
            GeoPoint::new(35.9960, -78.8980),
        ])
        .expect("box");
        let f = frame(&doors);
        assert!(f.min_lat < doors.min_lat - 0.001 && f.max_lon > doors.max_lon + 0.001);
        let streets = [
            street(
                "Elm Street",
                "residential",
                &[
                    (35.9950, -78.9100),
                    (35.9950, -78.8990),
                    (35.9950, -78.8800),
                ],
            ),
            street(
                "Elm Street",
                "residential",
                &[(35.9950, -78.8800), (35.9950, -78.8700)],
            ),
            street(
                "Main Street",
                "primary",
                &[(35.9900, -78.8990), (36.0000, -78.8990)],
            ),
            street(
                "Far Road",
                "residential",
                &[(36.1000, -78.9000), (36.1000, -78.8000)],
            ),
        ];
        let map = build(tag(7, &f), &f, &streets);
        assert_eq!(
            map.names,
            vec!["Elm Street".to_owned(), "Main Street".to_owned()]
        );
        // Elm's first way comes in (its second lies past the frame), and Main crosses it.
        assert_eq!(map.lines.len(), 2, "{map:?}");
        assert!(map
            .lines
            .iter()
            .any(|l| l.arterial && map.names[l.name as usize] == "Main Street"));
        for line in &map.lines {
            let points = decode_line(&line.points).expect("decodes");
            assert!(points.len() >= 2);
        }
        // The tag follows the campaign's map and the frame, and nothing else.
        assert_eq!(tag(7, &f), tag(7, &frame(&doors)));
        assert_ne!(tag(7, &f), tag(8, &f));
        let moved = Bounds {
            max_lat: doors.max_lat + 0.01,
            ..doors
        };
        assert_ne!(tag(7, &f), tag(7, &frame(&moved)));
        let nudged = Bounds {
            max_lat: doors.max_lat + 0.000_05,
            ..doors
        };
        assert_eq!(
            tag(7, &f),
            tag(7, &frame(&nudged)),
            "five metres move no map"
        );
        assert!(tag(7, &f) < 1 << 53 && tag(7, &f) != NO_MAP);
    }
}
