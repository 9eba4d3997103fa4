//! A turf drawn from what the phone holds, no tiles and no network: the streets the server
//! sent with the turf under its doors, each door coloured by its status, and where the
//! volunteer stands when the platform's location service has told us. North up, distances
//! in proportion (a local plane in metres), fitted to the doors with a little street
//! around them. The lead's turf map and the canvasser's map screen both draw with it.

use dioxus::prelude::*;
use groundgame_core::map::{Bounds, GeoPoint, Plane};
use groundgame_core::HouseholdId;

use super::state_class;
use crate::ui::data::turf_map::TurfMap;
use crate::ui::i18n::{self, Lang};

const SIZE: f64 = 300.0;
const PAD: f64 = 10.0;
/// Street drawn past the outermost doors, in metres.
const AROUND_M: f64 = 30.0;
/// How far from the doors the volunteer may stand and still be drawn (further, the doors
/// would shrink to a dot; the screen says how far instead).
const ME_WITHIN_M: f64 = 400.0;

/// Metres on the drawing's plane to drawing units.
struct Projection {
    plane: Plane,
    min: (f64, f64),
    scale: f64,
    offset: (f64, f64),
}

impl Projection {
    fn fit(frame: &Bounds) -> Projection {
        let plane = Plane::around(GeoPoint::new(
            (frame.min_lat + frame.max_lat) / 2.0,
            (frame.min_lon + frame.max_lon) / 2.0,
        ));
        let (x0, y0) = plane.to_xy(GeoPoint::new(frame.min_lat, frame.min_lon));
        let (x1, y1) = plane.to_xy(GeoPoint::new(frame.max_lat, frame.max_lon));
        let (w, h) = (x1 - x0, y1 - y0);
        let scale = if w.max(h) > 0.0 { SIZE / w.max(h) } else { 1.0 };
        Projection {
            plane,
            min: (x0, y1),
            scale,
            offset: (
                PAD + (SIZE - w * scale) / 2.0,
                PAD + (SIZE - h * scale) / 2.0,
            ),
        }
    }

    fn xy(&self, p: GeoPoint) -> (f64, f64) {
        let (x, y) = self.plane.to_xy(p);
        (
            self.offset.0 + (x - self.min.0) * self.scale,
            self.offset.1 + (self.min.1 - y) * self.scale,
        )
    }
}

/// The turf as SVG. `me`: the volunteer's position; `on_door`: doors open when tapped.
pub fn street_map_svg(
    l: Lang,
    title: &str,
    help: &str,
    map: &TurfMap,
    me: Option<GeoPoint>,
    on_door: Option<EventHandler<HouseholdId>>,
) -> Element {
    let id = format!("map-{}", map.id.0);
    let w = SIZE + 2.0 * PAD;
    let doors = Bounds::of(map.dots.iter().map(|d| GeoPoint::new(d.lat, d.lon)));
    let streets_box = Bounds::of(map.streets.iter().flat_map(|s| s.points.iter().copied()));
    let frame = doors.or(streets_box).map(|b| b.grown(AROUND_M));
    let me = me.filter(|p| frame.is_some_and(|f| f.grown(ME_WITHIN_M).contains(*p)));
    let frame = match (frame, me) {
        (Some(f), Some(p)) => Bounds::of([
            GeoPoint::new(f.min_lat, f.min_lon),
            GeoPoint::new(f.max_lat, f.max_lon),
            p,
        ])
        .map(|b| b.grown(AROUND_M)),
        (f, _) => f,
    };
    let projection = frame.as_ref().map(Projection::fit);
    let fmt = |(x, y): (f64, f64)| format!("{x:.1},{y:.1}");
    let lines: Vec<(String, String, String)> = match &projection {
        Some(p) => map
            .streets
            .iter()
            .map(|s| {
                let points: Vec<String> = s.points.iter().map(|q| fmt(p.xy(*q))).collect();
                let class = if s.arterial {
                    "map-street arterial"
                } else {
                    "map-street"
                };
                (class.to_owned(), points.join(" "), s.name.clone())
            })
            .collect(),
        None => Vec::new(),
    };
    let dots: Vec<(HouseholdId, String, String, String, String)> = match &projection {
        Some(p) => map
            .dots
            .iter()
            .map(|d| {
                let (x, y) = p.xy(GeoPoint::new(d.lat, d.lon));
                (
                    d.id,
                    format!("{x:.1}"),
                    format!("{y:.1}"),
                    format!("map-dot {}", state_class(d.state)),
                    format!("{}: {}", d.address, i18n::door_state(l, d.state)),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    let me_at = me.zip(projection.as_ref()).map(|(m, p)| p.xy(m));
    let tappable = on_door.is_some();
    rsx! {
        svg {
            class: "chart turf-map",
            role: if tappable { "group" } else { "img" },
            "aria-labelledby": "{id}-title {id}-desc",
            view_box: "0 0 {w} {w}",
            width: "100%",
            preserve_aspect_ratio: "xMidYMid meet",
            title { id: "{id}-title", "{title}" }
            desc { id: "{id}-desc", "{help}" }
            rect { class: "map-ground", x: "0", y: "0", width: "{w}", height: "{w}", rx: "8" }
            for (i , (class , points , name)) in lines.into_iter().enumerate() {
                polyline { key: "s{i}", class: "{class}", points: "{points}",
                    title { "{name}" }
                }
            }
            for (id , cx , cy , class , label) in dots.into_iter() {
                if let Some(open) = on_door {
                    circle {
                        key: "{id}",
                        class: "{class} tappable",
                        "data-household": "{id}",
                        cx: "{cx}",
                        cy: "{cy}",
                        r: "7",
                        role: "link",
                        tabindex: "0",
                        "aria-label": "{label}",
                        onclick: move |_| open.call(id),
                        onkeydown: move |e: KeyboardEvent| {
                            if e.key() == Key::Enter {
                                open.call(id);
                            }
                        },
                        title { "{label}" }
                    }
                } else {
                    circle { key: "{id}", class: "{class}", cx: "{cx}", cy: "{cy}", r: "5",
                        title { "{label}" }
                    }
                }
            }
            if let Some((x, y)) = me_at {
                circle { class: "map-me-halo", cx: "{x:.1}", cy: "{y:.1}", r: "12" }
                circle { class: "map-me", id: "map-me", cx: "{x:.1}", cy: "{y:.1}", r: "6" }
            }
        }
    }
}
