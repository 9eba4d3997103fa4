//! `/turf/:turf/map`: the canvasser's map, beside the walk list. Streets and doors come
//! from this phone (the turf's map arrived with the turf), so it works in airplane mode;
//! each door is coloured by its status, teammates' knocks included (the same fold as the
//! walk list), and opens when tapped. The volunteer's position comes from the platform's
//! location service through the webview's geolocation, asked for only while this screen is
//! open, kept in memory, and never stored or sent; with it the screen names the nearest
//! door not visited yet.

use dioxus::prelude::*;
use groundgame_core::map::GeoPoint;
use groundgame_core::{HouseholdId, TurfId};

use crate::ui::components::{state_class, street_map_svg, Chart};
use crate::ui::context::{use_lang, use_services, use_sync_status, use_turf_half};
use crate::ui::data::turf_map::{self, STATES};
use crate::ui::i18n::{self, Msg};
use crate::ui::Route;

/// Watches the position while the screen is open: each fix (or the reason there is none)
/// is sent back; the watch ends with the page's script context when the screen goes.
const WATCH_POSITION_JS: &str = r#"
if (!navigator.geolocation) { dioxus.send({ error: "unavailable" }); return; }
navigator.geolocation.watchPosition(
  (p) => dioxus.send({ lat: p.coords.latitude, lon: p.coords.longitude }),
  (e) => dioxus.send({ error: String(e.code) }),
  { enableHighAccuracy: true, maximumAge: 15000, timeout: 30000 }
);
await new Promise(() => {});
"#;

/// What the location service said last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Located {
    Finding,
    At(GeoPoint),
    /// Off, refused, or not on this platform.
    Off,
}

#[derive(serde::Deserialize)]
struct Fix {
    lat: Option<f64>,
    lon: Option<f64>,
    error: Option<String>,
}

/// A fix as the webview sent it: a real position, or off.
fn located(fix: Fix) -> Located {
    match (fix.lat, fix.lon, fix.error) {
        (Some(lat), Some(lon), None) if GeoPoint::new(lat, lon).is_valid() => {
            Located::At(GeoPoint::new(lat, lon))
        }
        _ => Located::Off,
    }
}

#[component]
pub fn WalkMap(turf: i64) -> Element {
    let services = use_services();
    let l = use_lang()();
    let status = use_sync_status();
    let nav = use_navigator();
    let mut here = use_signal(|| Located::Finding);
    let (half, _) = use_turf_half(turf);
    use_future(move || async move {
        let mut watch = document::eval(WATCH_POSITION_JS);
        loop {
            match watch.recv::<Fix>().await {
                Ok(fix) => {
                    let now = located(fix);
                    // A lost fix after a good one keeps the last position on screen.
                    if !(now == Located::Off && matches!(here(), Located::At(_))) {
                        here.set(now);
                    }
                }
                Err(_) => {
                    if here() == Located::Finding {
                        here.set(Located::Off);
                    }
                    break;
                }
            }
        }
    });
    let store = services.store.clone();
    let map = use_resource(move || {
        let store = store.clone();
        // Re-read when a sync lands, so teammates' knocks show.
        let s = status.read();
        let _changed = (s.last_success_ms, s.download, s.pending);
        async move { turf_map::turf_map(&store, TurfId(turf), half) }
    });
    let open = EventHandler::new(move |household: HouseholdId| {
        nav.push(Route::Door {
            turf,
            household: household.0,
        });
    });
    let body = match &*map.read() {
        None => rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("walk map: {e}");
            rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } }
        }
        Some(Ok(None)) => rsx! {
            div { class: "notice error", role: "alert", p { {l.t(Msg::TurfNotFound)} } }
        },
        Some(Ok(Some(m))) if m.dots.is_empty() => rsx! {
            div { class: "notice empty", p { {l.t(Msg::MapNoDoors)} } }
        },
        Some(Ok(Some(m))) => {
            let me = match here() {
                Located::At(p) => Some(p),
                _ => None,
            };
            let nearest = me.and_then(|p| m.nearest_not_visited(p));
            let title = format!("{}: {}", l.t(Msg::MapTitle), m.name);
            rsx! {
                div { class: "location", role: "status",
                    match (here(), nearest) {
                        (Located::Finding, _) => rsx! { p { class: "muted", {l.t(Msg::LocationFinding)} } },
                        (Located::Off, _) => rsx! { p { class: "muted", {l.t(Msg::LocationOff)} } },
                        (Located::At(_), None) => rsx! { p { {l.t(Msg::AllDoorsVisited)} } },
                        (Located::At(_), Some((door, metres))) => rsx! {
                            p { class: "nearest",
                                strong { {l.t(Msg::NearestDoor)} ": " }
                                span { id: "nearest-door", "{door.address}" }
                                " · {i18n::distance_away(l, metres)}"
                            }
                            button {
                                class: "big-button",
                                id: "open-nearest",
                                r#type: "button",
                                onclick: {
                                    let id = door.id;
                                    move |_| open.call(id)
                                },
                                {l.t(Msg::OpenThisDoor)}
                            }
                        },
                    }
                }
                Chart { {street_map_svg(l, &title, l.t(Msg::MapHelp), m, me, Some(open))} }
                if m.streets.is_empty() {
                    p { class: "muted", id: "map-no-streets", {l.t(Msg::MapNoStreets)} }
                }
                ul { class: "legend", "aria-label": l.t(Msg::LeadLegend),
                    for (i, state) in STATES.iter().enumerate() {
                        li { key: "{i}",
                            span { class: "swatch {state_class(*state)}", "aria-hidden": "true" }
                            "{i18n::door_state(l, *state)}: {m.counts[i]}"
                        }
                    }
                }
                p { class: "muted", {l.t(Msg::LocationPrivate)} }
            }
        }
    };
    rsx! {
        section { class: "walk-map", "aria-labelledby": "map-screen-title",
            nav { class: "crumbs",
                Link { class: "back", to: Route::WalkList { turf }, "‹ " {l.t(Msg::WalkListTitle)} }
            }
            h2 { id: "map-screen-title", {l.t(Msg::MapTitle)} }
            {body}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_is_a_position_only_when_it_is_one() {
        let fix = |lat, lon, error: Option<&str>| Fix {
            lat,
            lon,
            error: error.map(str::to_owned),
        };
        assert_eq!(
            located(fix(Some(35.78), Some(-78.64), None)),
            Located::At(GeoPoint::new(35.78, -78.64))
        );
        assert_eq!(located(fix(None, None, Some("1"))), Located::Off);
        assert_eq!(located(fix(Some(135.0), Some(-78.64), None)), Located::Off);
        assert_eq!(located(fix(Some(f64::NAN), Some(0.0), None)), Located::Off);
    }
}
