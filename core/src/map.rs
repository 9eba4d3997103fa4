//! Streets and address points from OpenStreetMap, and the plane geometry the geocoder (and
//! later the map screen and walking routes) needs over a turf-sized area.
//!
//! Distances are metres on a local equirectangular plane around a reference latitude:
//! over a county (tens of kilometres) its error is far below a house's width, and it is
//! cheap enough to run over every door of a voter file. (A geodesy crate would add great
//! circles nobody needs at this scale.)

use serde::{Deserialize, Serialize};

/// Metres per degree of latitude (WGS 84, mid-latitudes).
const M_PER_DEG_LAT: f64 = 110_540.0;
/// Metres per degree of longitude at the equator.
const M_PER_DEG_LON_EQUATOR: f64 = 111_320.0;

/// A position in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> Self {
        GeoPoint { lat, lon }
    }

    /// A real position: finite, latitude within ±90 and longitude within ±180.
    pub fn is_valid(&self) -> bool {
        self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
    }
}

/// A named street as OpenStreetMap draws it: one way (a street is often several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Street {
    /// As OSM writes it ("North Elm Street").
    pub name: String,
    /// Normalised the way voter-file addresses are ("N ELM ST"), to match them.
    pub key: String,
    /// The OSM `highway` value (residential, primary, ...).
    pub class: String,
    pub points: Vec<GeoPoint>,
}

impl Street {
    /// A street a walker should not zig-zag across: a through road for traffic.
    pub fn is_arterial(&self) -> bool {
        matches!(
            self.class.trim_end_matches("_link"),
            "motorway" | "trunk" | "primary" | "secondary"
        )
    }
}

/// A mapped address: a node or building with `addr:housenumber` and `addr:street`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddressPoint {
    /// As mapped ("12", "12A").
    pub number: String,
    /// The street's key ([`Street::key`]).
    pub street_key: String,
    pub at: GeoPoint,
}

/// A plane in metres around a reference latitude (east, north).
#[derive(Debug, Clone, Copy)]
pub struct Plane {
    origin: GeoPoint,
    m_per_deg_lon: f64,
}

impl Plane {
    pub fn around(origin: GeoPoint) -> Self {
        Plane {
            origin,
            m_per_deg_lon: M_PER_DEG_LON_EQUATOR * origin.lat.to_radians().cos(),
        }
    }

    pub fn to_xy(&self, p: GeoPoint) -> (f64, f64) {
        (
            (p.lon - self.origin.lon) * self.m_per_deg_lon,
            (p.lat - self.origin.lat) * M_PER_DEG_LAT,
        )
    }

    pub fn to_geo(&self, (x, y): (f64, f64)) -> GeoPoint {
        GeoPoint {
            lat: self.origin.lat + y / M_PER_DEG_LAT,
            lon: self.origin.lon + x / self.m_per_deg_lon,
        }
    }
}

/// Metres between two positions (on the plane around the first).
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    let (x, y) = Plane::around(a).to_xy(b);
    x.hypot(y)
}

/// Where a point falls against a line of points on a plane: how far along the line its
/// nearest point is, and how far off it (positive to the left of the line's direction).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Station {
    pub along: f64,
    pub offset: f64,
}

/// A polyline on a plane, with the length of each stretch before each vertex.
#[derive(Debug, Clone)]
pub struct Line {
    points: Vec<(f64, f64)>,
    /// Distance along the line to each vertex.
    at: Vec<f64>,
}

impl Line {
    pub fn new(points: Vec<(f64, f64)>) -> Option<Self> {
        if points.len() < 2 {
            return None;
        }
        let mut at = Vec::with_capacity(points.len());
        let mut total = 0.0;
        at.push(0.0);
        for w in points.windows(2) {
            total += (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1);
            at.push(total);
        }
        (total > 0.0).then_some(Line { points, at })
    }

    pub fn length(&self) -> f64 {
        *self.at.last().unwrap_or(&0.0)
    }

    /// Its straight stretches, in order.
    pub fn segments(&self) -> impl Iterator<Item = ((f64, f64), (f64, f64))> + '_ {
        self.points.windows(2).map(|w| (w[0], w[1]))
    }

    /// The nearest point of the line to `p`, as a station.
    pub fn station(&self, p: (f64, f64)) -> Station {
        let mut best = (
            f64::INFINITY,
            Station {
                along: 0.0,
                offset: 0.0,
            },
        );
        for (i, w) in self.points.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len2 = dx * dx + dy * dy;
            if len2 == 0.0 {
                continue;
            }
            let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
            let (nx, ny) = (a.0 + t * dx, a.1 + t * dy);
            let d = (p.0 - nx).hypot(p.1 - ny);
            if d < best.0 {
                // Left of a→b is positive: the sign of the cross product.
                let side = (dx * (p.1 - a.1) - dy * (p.0 - a.0)).signum();
                best = (
                    d,
                    Station {
                        along: self.at[i] + t * len2.sqrt(),
                        offset: side * d,
                    },
                );
            }
        }
        best.1
    }

    /// The point at a station: `along` the line (clamped to it), then `offset` to its left.
    pub fn point(&self, s: Station) -> (f64, f64) {
        let along = s.along.clamp(0.0, self.length());
        let i = match self.at.iter().position(|&d| d > along) {
            Some(0) | None => self.points.len() - 1,
            Some(i) => i,
        };
        let (a, b) = (self.points[i - 1], self.points[i]);
        let seg = self.at[i] - self.at[i - 1];
        let t = if seg > 0.0 {
            (along - self.at[i - 1]) / seg
        } else {
            0.0
        };
        let (dx, dy) = (
            (b.0 - a.0) / seg.max(f64::EPSILON),
            (b.1 - a.1) / seg.max(f64::EPSILON),
        );
        (
            a.0 + t * (b.0 - a.0) - dy * s.offset,
            a.1 + t * (b.1 - a.1) + dx * s.offset,
        )
    }
}

/// A latitude/longitude box.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
}

impl Bounds {
    /// The smallest box holding every point (None for none).
    pub fn of(points: impl IntoIterator<Item = GeoPoint>) -> Option<Bounds> {
        points.into_iter().fold(None, |b, p| {
            Some(match b {
                None => Bounds {
                    min_lat: p.lat,
                    min_lon: p.lon,
                    max_lat: p.lat,
                    max_lon: p.lon,
                },
                Some(b) => Bounds {
                    min_lat: b.min_lat.min(p.lat),
                    min_lon: b.min_lon.min(p.lon),
                    max_lat: b.max_lat.max(p.lat),
                    max_lon: b.max_lon.max(p.lon),
                },
            })
        })
    }

    /// The box `metres` wider on every side.
    pub fn grown(&self, metres: f64) -> Bounds {
        let d_lat = metres / M_PER_DEG_LAT;
        let mid = (self.min_lat + self.max_lat) / 2.0;
        let d_lon = metres / (M_PER_DEG_LON_EQUATOR * mid.to_radians().cos().max(0.01));
        Bounds {
            min_lat: (self.min_lat - d_lat).max(-90.0),
            min_lon: (self.min_lon - d_lon).max(-180.0),
            max_lat: (self.max_lat + d_lat).min(90.0),
            max_lon: (self.max_lon + d_lon).min(180.0),
        }
    }

    /// The box with its edges moved outward onto a grid of `step` degrees, so a door placed
    /// a few metres differently leaves it as it was.
    pub fn snapped(&self, step: f64) -> Bounds {
        Bounds {
            min_lat: (self.min_lat / step).floor() * step,
            min_lon: (self.min_lon / step).floor() * step,
            max_lat: (self.max_lat / step).ceil() * step,
            max_lon: (self.max_lon / step).ceil() * step,
        }
    }

    pub fn contains(&self, p: GeoPoint) -> bool {
        (self.min_lat..=self.max_lat).contains(&p.lat)
            && (self.min_lon..=self.max_lon).contains(&p.lon)
    }

    pub fn intersects(&self, o: &Bounds) -> bool {
        self.min_lat <= o.max_lat
            && o.min_lat <= self.max_lat
            && self.min_lon <= o.max_lon
            && o.min_lon <= self.max_lon
    }
}

/// The stretches of a line that come into a box: each run of consecutive segments whose
/// own box meets it (a segment crossing the box with both ends outside is kept), so a
/// county-long road gives a turf only the blocks it draws.
pub fn clip(points: &[GeoPoint], b: &Bounds) -> Vec<Vec<GeoPoint>> {
    let mut runs: Vec<Vec<GeoPoint>> = Vec::new();
    let mut open = false;
    for w in points.windows(2) {
        let seg = Bounds::of([w[0], w[1]]).expect("two points");
        if seg.intersects(b) {
            if !open {
                runs.push(vec![w[0]]);
                open = true;
            }
            runs.last_mut().expect("opened").push(w[1]);
        } else {
            open = false;
        }
    }
    runs
}

/// Decimal places of the encoded lines: about a metre.
pub const LINE_PRECISION: u32 = 5;

/// A line in Google's Encoded Polyline Algorithm Format at [`LINE_PRECISION`] (the
/// `polyline` crate): 2-4 bytes a point where JSON numbers take about 40.
pub fn encode_line(points: &[GeoPoint]) -> String {
    polyline::encode_coordinates(
        points
            .iter()
            .map(|p| geo_types::coord! { x: p.lon, y: p.lat }),
        LINE_PRECISION,
    )
    // Only a position outside ±90/±180 fails, and every point here was validated.
    .unwrap_or_default()
}

/// The points of an encoded line; None when it is not one, or holds a position that is not
/// on the Earth.
pub fn decode_line(line: &str) -> Option<Vec<GeoPoint>> {
    let decoded = polyline::decode_polyline(line, LINE_PRECISION).ok()?;
    let points: Vec<GeoPoint> = decoded.coords().map(|c| GeoPoint::new(c.y, c.x)).collect();
    points.iter().all(GeoPoint::is_valid).then_some(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_station_and_its_point_agree_on_both_sides_and_round_a_corner() {
        let line = Line::new(vec![(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]).expect("line");
        assert_eq!(line.length(), 200.0);
        let north = line.station((30.0, 15.0));
        assert!((north.along - 30.0).abs() < 1e-9 && (north.offset - 15.0).abs() < 1e-9);
        let south = line.station((30.0, -15.0));
        assert!(
            (south.offset + 15.0).abs() < 1e-9,
            "right of travel is negative"
        );
        let round = line.station((90.0, 60.0));
        assert!((round.along - 160.0).abs() < 1e-9 && (round.offset - 10.0).abs() < 1e-9);
        for s in [north, south, round] {
            let p = line.point(s);
            let back = line.station(p);
            assert!((back.along - s.along).abs() < 1e-6 && (back.offset - s.offset).abs() < 1e-6);
        }
    }

    #[test]
    fn the_plane_is_metres() {
        let a = GeoPoint::new(35.78, -78.64);
        let b = GeoPoint::new(35.78 + 100.0 / 110_540.0, -78.64);
        assert!((distance_m(a, b) - 100.0).abs() < 1e-6);
        let plane = Plane::around(a);
        let p = plane.to_geo((250.0, -40.0));
        let (x, y) = plane.to_xy(p);
        assert!((x - 250.0).abs() < 1e-6 && (y + 40.0).abs() < 1e-6);
        assert!(!GeoPoint::new(f64::NAN, 0.0).is_valid());
        assert!(!GeoPoint::new(91.0, 0.0).is_valid());
    }

    #[test]
    fn a_line_is_clipped_to_the_stretches_that_come_into_a_box() {
        let b = Bounds {
            min_lat: 0.0,
            min_lon: 0.0,
            max_lat: 1.0,
            max_lon: 1.0,
        };
        let p = GeoPoint::new;
        // In, out far away, back in: two stretches, each with the segment that leaves.
        let line = [
            p(0.5, 0.5),
            p(0.5, 5.0),
            p(0.5, 9.0),
            p(0.6, 0.6),
            p(0.7, 0.7),
        ];
        let runs = clip(&line, &b);
        assert_eq!(
            runs,
            vec![
                vec![p(0.5, 0.5), p(0.5, 5.0)],
                vec![p(0.5, 9.0), p(0.6, 0.6), p(0.7, 0.7)]
            ]
        );
        // A segment that crosses the box with both ends outside is kept.
        assert_eq!(clip(&[p(0.5, -3.0), p(0.5, 3.0)], &b).len(), 1);
        // One that passes by is not.
        assert!(clip(&[p(2.0, -3.0), p(2.0, 3.0)], &b).is_empty());
    }

    #[test]
    fn an_encoded_line_comes_back_within_a_metre_and_bad_text_is_refused() {
        let line = vec![
            GeoPoint::new(35.994_01, -78.898_62),
            GeoPoint::new(35.994_87, -78.897_11),
            GeoPoint::new(35.996_3, -78.899_9),
        ];
        let text = encode_line(&line);
        assert!(text.len() < 24, "{text}");
        let back = decode_line(&text).expect("decodes");
        assert_eq!(back.len(), 3);
        for (a, b) in line.iter().zip(&back) {
            assert!(distance_m(*a, *b) < 1.0);
        }
        assert_eq!(decode_line("\u{1}not a line"), None);
        let b = Bounds::of(line.iter().copied()).expect("box");
        let grown = b.grown(100.0);
        assert!((grown.max_lat - b.max_lat - 100.0 / 110_540.0).abs() < 1e-9);
        let snapped = grown.snapped(0.002);
        assert!(snapped.contains(line[0]) && snapped.min_lat <= grown.min_lat);
    }
}
