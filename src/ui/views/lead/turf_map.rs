//! `/lead/map`: each turf's households drawn from their coordinates as an SVG schematic
//! (no map tiles, so it works offline), each dot coloured by its door status from this
//! device's own fold of the events (the walk list's colours), with a legend and the count
//! of households that have no coordinates. A lead's device holds the whole campaign, so
//! this reads only the local store.

use dioxus::prelude::*;

use crate::ui::components::{state_class, Chart};
use crate::ui::context::{use_lang, use_services};
use crate::ui::i18n::{self, Lang, Msg};

use super::words;

pub use crate::ui::data::turf_map::{turf_maps, TurfMap, STATES};

const SIZE: f64 = 300.0;
const PAD: f64 = 10.0;

/// Where a dot goes on the drawing.
struct Placed {
    cx: String,
    cy: String,
    class: String,
    /// "12 Oak St: Not visited", for screen readers and as the dot's title.
    label: String,
}

/// The turf's households as SVG: north up, distances kept in proportion (longitude shrunk
/// by the cosine of the latitude), fitted into a square.
pub fn map_svg(l: Lang, map: &TurfMap) -> Element {
    let id = format!("map-{}", map.id.0);
    let title = format!("{}: {}", l.t(Msg::LeadMapTitle), map.name);
    let w = SIZE + 2.0 * PAD;
    let mut placed = Vec::with_capacity(map.dots.len());
    if !map.dots.is_empty() {
        let (mut min_lat, mut max_lat, mut min_lon, mut max_lon) =
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for d in &map.dots {
            min_lat = min_lat.min(d.lat);
            max_lat = max_lat.max(d.lat);
            min_lon = min_lon.min(d.lon);
            max_lon = max_lon.max(d.lon);
        }
        let shrink = ((min_lat + max_lat) / 2.0)
            .to_radians()
            .cos()
            .abs()
            .max(0.01);
        let width = (max_lon - min_lon) * shrink;
        let height = max_lat - min_lat;
        let span = width.max(height);
        let scale = if span > 0.0 { SIZE / span } else { 0.0 };
        // Centre the drawing in the square.
        let off_x = PAD + (SIZE - width * scale) / 2.0;
        let off_y = PAD + (SIZE - height * scale) / 2.0;
        for d in &map.dots {
            placed.push(Placed {
                cx: format!("{:.1}", off_x + (d.lon - min_lon) * shrink * scale),
                cy: format!("{:.1}", off_y + (max_lat - d.lat) * scale),
                class: format!("map-dot {}", state_class(d.state)),
                label: format!("{}: {}", d.address, i18n::door_state(l, d.state)),
            });
        }
    }
    rsx! {
        svg {
            class: "chart turf-map",
            role: "img",
            "aria-labelledby": "{id}-title {id}-desc",
            view_box: "0 0 {w} {w}",
            width: "100%",
            preserve_aspect_ratio: "xMidYMid meet",
            title { id: "{id}-title", "{title}" }
            desc { id: "{id}-desc", {l.t(Msg::LeadMapHelp)} }
            rect {
                class: "map-ground",
                x: "0",
                y: "0",
                width: "{w}",
                height: "{w}",
                rx: "8",
            }
            for (i , dot) in placed.iter().enumerate() {
                circle {
                    key: "{i}",
                    class: "{dot.class}",
                    cx: "{dot.cx}",
                    cy: "{dot.cy}",
                    r: "5",
                    title { "{dot.label}" }
                }
            }
        }
    }
}

#[component]
pub fn LeadTurfMap() -> Element {
    let services = use_services();
    let l = use_lang()();
    let store = services.store.clone();
    let maps = use_resource(move || {
        let store = store.clone();
        async move { turf_maps(&store) }
    });
    let body = match &*maps.read() {
        None => rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("turf map: {e}");
            rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } }
        }
        Some(Ok(list)) if list.is_empty() => rsx! {
            p { class: "muted", {l.t(Msg::LeadMapNoTurfs)} }
        },
        Some(Ok(list)) => rsx! {
            for m in list.iter() {
                section { class: "lead-map", key: "{m.id}", "data-turf": "{m.id}",
                    h4 { "{m.name}" }
                    Chart { {map_svg(l, m)} }
                    ul { class: "legend", "aria-label": l.t(Msg::LeadLegend),
                        for (i, state) in STATES.iter().enumerate() {
                            li { key: "{i}",
                                span { class: "swatch {state_class(*state)}", "aria-hidden": "true" }
                                "{i18n::door_state(l, *state)}: {m.counts[i]}"
                            }
                        }
                    }
                    p { class: "detail without-coordinates", {words::without_coordinates(l, m.without_coordinates)} }
                }
            }
        },
    };
    rsx! {
        section { class: "lead-maps", "aria-labelledby": "map-title",
            h3 { id: "map-title", {l.t(Msg::LeadMapTitle)} }
            p { class: "muted", {l.t(Msg::LeadMapHelp)} }
            {body}
        }
    }
}
