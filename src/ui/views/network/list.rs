//! `/network`: my totals at the top (asks made; yes / no / maybe; dollars given against
//! dollars promised as a bar), the follow-ups due, then my contacts with a search. Reads
//! only the local store (the shared fold over my network records).

use dioxus::prelude::*;
use groundgame_core::network::{ContactState, ASK_KINDS};

use super::text;

/// The search box's id (a constant, so tests can find it).
const SEARCH_ID: &str = "net-search";
use crate::ui::components::ProgressBar;
use crate::ui::context::{use_lang, use_services, use_sync_status};
use crate::ui::i18n::{Lang, Msg};
use crate::ui::local_time::use_time_zone;
use crate::ui::Route;

pub use crate::ui::data::network::{overview, Overview};

/// The contacts whose name, phone or email contains `query` (any case).
pub fn matching<'a>(contacts: &'a [ContactState], query: &str) -> Vec<&'a ContactState> {
    let q = query.trim().to_lowercase();
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    contacts
        .iter()
        .filter(|c| {
            q.is_empty()
                || c.name.to_lowercase().contains(&q)
                || c.email.as_deref().is_some_and(|e| e.contains(&q))
                || (digits.len() >= 3 && c.phone.as_deref().is_some_and(|p| p.contains(&digits)))
        })
        .collect()
}

/// A contact's asks in a few words: "Donate: Yes · Pledge to vote: Planned".
fn ask_summary(l: Lang, c: &ContactState) -> String {
    ASK_KINDS
        .into_iter()
        .filter_map(|kind| {
            let ask = c.ask(kind);
            let state = match ask.answer {
                Some(answer) => l.t(text::answer_label(answer)),
                None if ask.planned => l.t(Msg::NetPlanned),
                None => return None,
            };
            Some(format!("{}: {state}", l.t(text::ask_label(kind))))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
pub fn Network() -> Element {
    let services = use_services();
    let l = use_lang()();
    let status = use_sync_status();
    let store = services.store.clone();
    // Re-read when a sync lands (records from my other devices appear).
    let zone = use_time_zone();
    let data = use_resource(move || {
        let store = store.clone();
        let s = status.read();
        let _landed = (s.last_success_ms, s.pending);
        let zone = zone();
        async move { overview(&store, zone) }
    });
    let mut query = use_signal(String::new);

    let body = match &*data.read() {
        None => rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("network: {e}");
            rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } }
        }
        Some(Ok(o)) => {
            let t = o.totals;
            let all = t.all_answers();
            let shown = matching(&o.contacts, &query());
            rsx! {
                section { class: "card net-totals", "aria-labelledby": "net-totals-title",
                    h3 { id: "net-totals-title", {l.t(Msg::NetMyTotals)} }
                    p { class: "net-contacts-count", {text::contacts(l, t.contacts)} }
                    dl { class: "net-figures",
                        div { dt { {l.t(Msg::NetAsksMade)} } dd { id: "net-asks-made", "{t.asks_made}" } }
                        div { dt { {l.t(Msg::NetYes)} } dd { id: "net-yes", "{all.yes}" } }
                        div { dt { {l.t(Msg::NetNo)} } dd { id: "net-no", "{all.no}" } }
                        div { dt { {l.t(Msg::NetMaybe)} } dd { id: "net-maybe", "{all.maybe}" } }
                    }
                    ul { class: "net-by-kind",
                        for kind in ASK_KINDS {
                            li { key: "{kind:?}",
                                span { class: "net-kind", {l.t(text::ask_label(kind))} }
                                " "
                                {text::answers_line(l, t.answers(kind).yes, t.answers(kind).no, t.answers(kind).maybe)}
                            }
                        }
                    }
                    ProgressBar {
                        value: t.given_cents,
                        max: t.promised_cents.max(t.given_cents),
                        label: text::given_of_promised(l, t.given_cents, t.promised_cents),
                    }
                    p { class: "detail", {l.t(Msg::NetPrivate)} }
                    if o.waiting > 0 {
                        p { class: "sync-pending", {text::waiting(l, o.waiting)} }
                    }
                }
                if !o.refused.is_empty() {
                    div { class: "notice error", role: "alert",
                        p { {l.t(Msg::NetRefused)} }
                        ul { for (i, why) in o.refused.iter().enumerate() { li { key: "{i}", "{why}" } } }
                    }
                }
                section { class: "net-due", "aria-labelledby": "net-due-title",
                    h3 { id: "net-due-title", {format!("{} ({})", l.t(Msg::NetFollowUpsDue), t.follow_ups_due)} }
                    if o.due.is_empty() {
                        p { class: "detail", {l.t(Msg::NetNoFollowUps)} }
                    } else {
                        ul { class: "net-due-list",
                            for f in o.due.iter() {
                                li { key: "{f.contact}-{f.ask:?}",
                                    Link { to: Route::NetworkContact { id: f.contact.to_string() },
                                        span { class: "net-name", "{f.name}" }
                                        {format!(" · {} · {}", l.t(text::ask_label(f.ask)), f.on)}
                                    }
                                }
                            }
                        }
                    }
                }
                div { class: "net-actions",
                    Link { id: "net-add", class: "big-button", to: Route::NetworkContact { id: "new".to_string() },
                        {l.t(Msg::NetAddContact)}
                    }
                    Link { id: "net-import", class: "big-button secondary", to: Route::NetworkImport {},
                        {l.t(Msg::NetImport)}
                    }
                }
                if o.contacts.is_empty() {
                    div { class: "notice empty",
                        h3 { {l.t(Msg::NetNoContacts)} }
                        p { {l.t(Msg::NetNoContactsHelp)} }
                    }
                } else {
                    div { class: "search",
                        label { r#for: "net-search", {l.t(Msg::NetSearch)} }
                        input { id: SEARCH_ID, r#type: "search", value: "{query}",
                            oninput: move |e| query.set(e.value()) }
                    }
                    if shown.is_empty() {
                        p { class: "detail", {l.t(Msg::NetNoMatch)} }
                    }
                    ul { class: "net-list",
                        for c in shown {
                            li { key: "{c.id}",
                                Link { class: "net-contact", to: Route::NetworkContact { id: c.id.to_string() },
                                    span { class: "net-name", "{c.name}" }
                                    span { class: "detail", {format!(" {}", l.t(text::relationship_label(c.relationship)))} }
                                    span { class: "net-asks", {ask_summary(l, c)} }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    rsx! {
        section { class: "network", "aria-labelledby": "network-title",
            div { class: "crumbs",
                Link { class: "back", to: Route::Home {}, {l.t(Msg::BackToTurfs)} }
            }
            h2 { id: "network-title", {l.t(Msg::MyNetwork)} }
            {body}
        }
    }
}
