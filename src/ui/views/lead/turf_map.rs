//! `/lead/map`: each turf's households drawn from their coordinates over the streets the
//! server sent with the turf, as SVG (no map tiles, so it works offline), each dot coloured
//! by its door status from this
//! device's own fold of the events (the walk list's colours), with a legend and the count
//! of households that have no coordinates. A lead's device holds the whole campaign, so
//! this reads only the local store.

use dioxus::prelude::*;

use crate::ui::components::{state_class, street_map_svg, Chart};
use crate::ui::context::{use_lang, use_services};
use crate::ui::i18n::{self, Lang, Msg};

use super::words;

pub use crate::ui::data::turf_map::{turf_maps, TurfMap, STATES};

/// The turf's streets and households as SVG (see [`street_map_svg`]).
pub fn map_svg(l: Lang, map: &TurfMap) -> Element {
    let title = format!("{}: {}", l.t(Msg::LeadMapTitle), map.name);
    street_map_svg(l, &title, l.t(Msg::LeadMapHelp), map, None, None)
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
