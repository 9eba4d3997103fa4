//! My call lists: each list this volunteer calls, with what is left on it (as the server
//! counted at the last sync) and what this device holds to call now; each opens the call
//! session. Read from the local store only.

use dioxus::prelude::*;

use crate::store::calls::LocalCallList;
use crate::ui::components::ProgressBar;
use crate::ui::context::{use_lang, use_services, use_sync_status};
use crate::ui::data;
use crate::ui::data::calls;
pub use crate::ui::i18n::{call_backs_here, left_on_list, ready_here};
use crate::ui::i18n::{Lang, Msg};
use crate::ui::Route;

/// The volunteer's call lists (at `/calls`).
#[component]
pub fn CallLists() -> Element {
    let services = use_services();
    let l = use_lang()();
    let status = use_sync_status();
    let store = services.store.clone();
    let lists = use_resource(move || {
        let store = store.clone();
        let s = status.read();
        let _changed = (s.last_success_ms, s.pending);
        async move { calls::call_lists(&store) }
    });
    let body = match &*lists.read() {
        None => rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("call lists: {e}");
            rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } }
        }
        Some(Ok(lists)) if lists.is_empty() => rsx! {
            div { class: "notice empty",
                h3 { {l.t(Msg::NoCallListsYet)} }
                p { {l.t(Msg::NoCallListsHelp)} }
            }
        },
        Some(Ok(lists)) => rsx! {
            ul { class: "turf-list call-lists",
                for list in lists.iter() {
                    CallListRow { key: "{list.info.id}", list: list.clone(), lang: l }
                }
            }
        },
    };
    rsx! {
        section { class: "call-lists-screen", "aria-labelledby": "call-lists-title",
            nav { class: "crumbs",
                Link { class: "back", to: Route::Home {}, "‹ " {l.t(Msg::BackToTurfs)} }
            }
            h2 { id: "call-lists-title", {l.t(Msg::CallListsTitle)} }
            {body}
        }
    }
}

#[component]
fn CallListRow(list: LocalCallList, lang: Lang) -> Element {
    let l = lang;
    let info = &list.info;
    let called = info.total.saturating_sub(info.left);
    rsx! {
        li {
            Link { class: "turf call-list", id: "call-list-{info.id}", to: Route::Call { list: info.id.0 },
                span { class: "turf-name", "{info.name}" }
                ProgressBar {
                    value: u64::from(called),
                    max: u64::from(info.total),
                    label: left_on_list(l, info.left, info.total),
                }
                if list.ready > 0 {
                    span { class: "call-list-ready", {ready_here(l, list.ready)} }
                }
                if list.waiting_call_backs > 0 {
                    span { class: "call-list-call-backs", {call_backs_here(l, list.waiting_call_backs)} }
                }
            }
        }
    }
}

/// The link from Home, shown when this volunteer has call lists on this device.
#[component]
pub fn CallListsLink() -> Element {
    let services = use_services();
    let l = use_lang()();
    let status = use_sync_status();
    let store = services.store.clone();
    let has_lists = use_resource(move || {
        let store = store.clone();
        let _landed = status.read().last_success_ms;
        async move { data::has_call_lists(&store) }
    });
    if *has_lists.read() != Some(true) {
        return rsx! {};
    }
    rsx! {
        Link { class: "big-button call-lists-entry", id: "call-lists-entry", to: Route::CallLists {},
            {l.t(Msg::CallListsHomeLink)}
        }
    }
}
