//! Home: the volunteer's turfs with doors done / total (from the shared door fold), each
//! opening its walk list. The sync bar above it comes from the layout.

use dioxus::prelude::*;

use crate::ui::components::ProgressBar;
use crate::ui::context::{use_lang, use_services, use_sync_status};
use crate::ui::data;
use crate::ui::i18n::{self, Msg};
use crate::ui::views::CallListsLink;
use crate::ui::Route;

#[component]
pub fn Home() -> Element {
    let services = use_services();
    let l = use_lang()();
    let status = use_sync_status();
    let store = services.store.clone();
    // Re-read when a sync lands (the last success or the download progress changes).
    let turfs = use_resource(move || {
        let store = store.clone();
        let s = status.read();
        let _changed = (s.last_success_ms, s.download, s.pending);
        async move { data::turf_progress(&store) }
    });

    let body = match &*turfs.read() {
        None => rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("home: {e}");
            rsx! {
                div { class: "notice error", role: "alert",
                    p { {l.t(Msg::CouldNotRead)} }
                }
            }
        }
        Some(Ok(list)) if list.is_empty() => rsx! {
            div { class: "notice empty",
                h3 { {l.t(Msg::NoTurfsYet)} }
                p { {l.t(Msg::NoTurfsHelp)} }
            }
        },
        Some(Ok(list)) => rsx! {
            ul { class: "turf-list",
                for t in list.iter() {
                    li { key: "{t.id}",
                        Link { class: "turf", to: Route::WalkList { turf: t.id.0 },
                            span { class: "turf-name", "{t.name}" }
                            if t.held < t.total {
                                span { class: "turf-downloading",
                                    {i18n::download(l, u64::from(t.held), u64::from(t.total))}
                                }
                            }
                            ProgressBar {
                                value: u64::from(t.done),
                                max: u64::from(t.total),
                                label: i18n::doors_done(l, t.done, t.total),
                            }
                        }
                    }
                }
            }
        },
    };
    // The field lead's screens, for lead and admin devices only.
    let is_lead = crate::ui::data::is_lead(&services.store);
    rsx! {
        section { class: "home", "aria-labelledby": "home-title",
            if is_lead {
                Link { class: "big-button lead-entry", id: "lead-entry", to: Route::LeadDashboard {},
                    {l.t(Msg::LeadEntry)}
                }
            }
            h2 { id: "home-title", {l.t(Msg::MyTurfs)} }
            {body}
            CallListsLink {}
            Link { class: "big-button secondary network-entry", id: "network-entry", to: Route::Network {},
                {l.t(Msg::NetHomeLink)}
            }
            Link { class: "link-entry", id: "link-entry", to: Route::LinkDevice {},
                {l.t(Msg::LinkEntry)}
            }
        }
    }
}
