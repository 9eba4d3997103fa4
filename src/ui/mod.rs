//! The Dioxus UI: one component tree for the desktop window, the phones and the liveview
//! server. [`App`] is the root: it reads the launcher's [`context::Services`] (store and
//! sync engine), provides the sync status and the language as signals, and routes between
//! the screens in [`views`] (one per [`Route`]) inside the [`Shell`] layout, which keeps
//! the sync bar always visible and catches a screen's errors in an error boundary.
//!
//! Screens read only the local store ([`data`] shapes it for display); saving never waits
//! on the network. [`components`] are presentational and never touch the store. [`print`]
//! makes the paper walk list (a standalone HTML document) for when a phone dies.

pub mod components;
pub mod context;
pub mod data;
pub mod data_dir;
#[cfg(feature = "desktop")]
pub mod desktop;
pub mod i18n;
pub mod local_time;
#[cfg(feature = "mobile")]
pub mod mobile;
pub mod print;
pub mod views;

#[cfg(test)]
mod tests;

use dioxus::prelude::*;

use crate::ui::components::SyncBar;
use crate::ui::context::{provide_ui_contexts, use_lang, use_services, use_sync_status};
use crate::ui::i18n::Msg;
use crate::ui::views::{Call, CallLists};
use crate::ui::views::{
    Door, Home, Join, LeadAssign, LeadDashboard, LeadData, LeadInvites, LeadLayout, LeadPeople,
    LeadTurfMap, PrintWalkList, WalkList, WalkMap,
};
use crate::ui::views::{LinkDevice, Network, NetworkContact, NetworkImport};

pub use context::Services;
pub use data_dir::default_data_dir;

/// The style sheet (dark by default, light under `prefers-color-scheme: light`).
pub const MAIN_CSS: Asset = asset!("/assets/main.css");

/// The same style sheet's text, for renderers that cannot serve assets (liveview inlines it).
pub const MAIN_CSS_TEXT: &str = include_str!("../../assets/main.css");

/// Every screen of the app.
#[derive(Routable, Clone, PartialEq, Debug)]
#[rustfmt::skip]
pub enum Route {
    #[layout(Shell)]
        /// Join when this device has not joined a campaign, else the home screen.
        #[route("/")]
        Start {},
        #[route("/join")]
        Join {},
        #[route("/home")]
        Home {},
        #[route("/turf/:turf")]
        WalkList { turf: i64 },
        #[route("/turf/:turf/map")]
        WalkMap { turf: i64 },
        #[route("/turf/:turf/print")]
        PrintWalkList { turf: i64 },
        #[route("/turf/:turf/door/:household")]
        Door { turf: i64, household: i64 },
        // Phone bank (views/call_lists.rs, views/call.rs): my call lists and the call session.
        #[route("/calls")]
        CallLists {},
        #[route("/calls/:list")]
        Call { list: i64 },
        // Another device of mine (views/link_device.rs): a one-use code for its Join screen.
        #[route("/link")]
        LinkDevice {},
        // My network (views/network): the volunteer's own contacts, private to them.
        #[route("/network")]
        Network {},
        #[route("/network/contact/:id")]
        NetworkContact { id: String },
        #[route("/network/import")]
        NetworkImport {},
        // The field lead's screens (views/lead): leads and admins only.
        #[nest("/lead")]
            #[layout(LeadLayout)]
                #[route("/")]
                LeadDashboard {},
                #[route("/map")]
                LeadTurfMap {},
                #[route("/people")]
                LeadPeople {},
                #[route("/assign")]
                LeadAssign {},
                #[route("/invites")]
                LeadInvites {},
                #[route("/data")]
                LeadData {},
            #[end_layout]
        #[end_nest]
    #[end_layout]
    #[route("/:..segments")]
    NotFound { segments: Vec<String> },
}

/// The root component. Needs a [`Services`] root context (see [`context`]).
#[component]
pub fn App() -> Element {
    provide_ui_contexts();
    let lang = use_lang();
    rsx! {
        document::Title { {lang().t(Msg::AppName)} }
        document::Meta { name: "viewport", content: "width=device-width, initial-scale=1" }
        document::Stylesheet { href: MAIN_CSS }
        Router::<Route> {}
    }
}

/// The layout around every screen: header with the language switch and the sync bar, then
/// the screen inside an error boundary.
#[component]
fn Shell() -> Element {
    let services = use_services();
    let status = use_sync_status();
    let mut lang = use_lang();
    let l = lang();
    let mut light = use_signal(|| false);
    let now_ms = services.store.now_ms();
    let sync = services.sync.clone();
    rsx! {
        div { class: if light() { "app theme-light" } else { "app" }, lang: l.code(),
            header { class: "top",
                div { class: "top-row",
                    h1 { class: "brand", {l.t(Msg::AppName)} }
                    div { class: "top-actions",
                    button {
                        class: "theme-switch",
                        r#type: "button",
                        "aria-label": if light() { l.t(Msg::DarkThemeLabel) } else { l.t(Msg::LightThemeLabel) },
                        onclick: move |_| light.set(!light()),
                        if light() { {l.t(Msg::DarkTheme)} } else { {l.t(Msg::LightTheme)} }
                    }
                    button {
                        class: "lang-switch",
                        r#type: "button",
                        lang: l.other().code(),
                        "aria-label": l.t(Msg::SwitchLanguageLabel),
                        onclick: move |_| lang.set(l.other()),
                        {l.t(Msg::SwitchLanguage)}
                    }
                    }
                }
                SyncBar {
                    status: status(),
                    lang: l,
                    now_ms,
                    on_sync_now: move |_| sync.sync_now(),
                }
            }
            main { class: "screen",
                ErrorBoundary {
                    handle_error: move |errors: ErrorContext| {
                        tracing::warn!(error = ?errors.error(), "a screen failed");
                        rsx! {
                            div { class: "notice error", role: "alert",
                                h2 { {l.t(Msg::SomethingWentWrong)} }
                                p { {l.t(Msg::SomethingWentWrongHelp)} }
                                Link { class: "big-button secondary", to: Route::Home {},
                                    onclick: move |_| errors.clear_errors(),
                                    {l.t(Msg::BackToTurfs)}
                                }
                            }
                        }
                    },
                    Outlet::<Route> {}
                }
            }
        }
    }
}

/// `/`: the right first screen.
#[component]
fn Start() -> Element {
    let services = use_services();
    if services.joined() {
        rsx! { Home {} }
    } else {
        rsx! { Join {} }
    }
}

/// Any unknown path.
#[component]
fn NotFound(segments: Vec<String>) -> Element {
    let l = use_lang()();
    let _ = segments;
    rsx! {
        div { class: "app",
            main { class: "screen",
                div { class: "notice", role: "alert",
                    h2 { {l.t(Msg::NotFoundTitle)} }
                    p { {l.t(Msg::NotFoundHelp)} }
                    Link { class: "big-button secondary", to: Route::Home {}, {l.t(Msg::BackToTurfs)} }
                }
            }
        }
    }
}
