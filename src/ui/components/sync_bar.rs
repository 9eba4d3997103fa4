//! The always-visible sync bar: online or offline, records waiting, last sync, the last
//! problem in plain words, and a progress bar during the first download.

use dioxus::prelude::*;

use super::ProgressBar;
use crate::sync::{SyncState, SyncStatus};
use crate::ui::i18n::{self, Lang, Msg};

#[component]
pub fn SyncBar(
    status: SyncStatus,
    lang: Lang,
    now_ms: u64,
    on_sync_now: EventHandler<()>,
) -> Element {
    let (class, state) = match status.state {
        SyncState::Idle => ("online", lang.t(Msg::Online)),
        SyncState::Syncing => ("syncing", lang.t(Msg::Syncing)),
        SyncState::Offline => ("offline", lang.t(Msg::Offline)),
        SyncState::NotJoined => ("offline", lang.t(Msg::NotJoined)),
        SyncState::SignedOut => ("problem", lang.t(Msg::SignedOut)),
        SyncState::Revoked => ("problem", lang.t(Msg::Revoked)),
    };
    let waiting = if status.pending == 0 {
        lang.t(Msg::AllSynced).to_owned()
    } else {
        i18n::pending(lang, status.pending)
    };
    let last = match status.last_success_ms {
        Some(at) => i18n::last_synced(lang, now_ms, at),
        None => lang.t(Msg::NeverSynced).to_owned(),
    };
    let help = match status.state {
        SyncState::Offline => Some(lang.t(Msg::OfflineHelp)),
        SyncState::SignedOut => Some(lang.t(Msg::SignedOutHelp)),
        SyncState::Revoked => Some(lang.t(Msg::RevokedHelp)),
        _ => None,
    };
    let can_sync = matches!(status.state, SyncState::Idle | SyncState::Offline);
    let joined = status.state != SyncState::NotJoined;
    rsx! {
        section {
            class: "sync-bar {class}",
            role: "status",
            "aria-live": "polite",
            "aria-label": "{state}",
            div { class: "sync-row",
                span { class: "sync-dot", "aria-hidden": "true" }
                strong { class: "sync-state", "{state}" }
                if joined || status.pending > 0 {
                    span { class: "sync-pending", "{waiting}" }
                    span { class: "sync-last", "{last}" }
                }
                if can_sync {
                    button {
                        class: "link-button",
                        r#type: "button",
                        onclick: move |_| on_sync_now.call(()),
                        {lang.t(Msg::SyncNow)}
                    }
                }
            }
            if status.rejected > 0 {
                p { class: "sync-rejected", {i18n::rejected(lang, status.rejected)} }
            }
            if let Some(help) = help {
                p { class: "sync-help", "{help}" }
            }
            if let Some(error) = status.last_error.as_ref().filter(|_| status.state == SyncState::Offline) {
                // Offline is explained by the help above; the technical reason stays folded
                // away for whoever helps the volunteer.
                details { class: "sync-detail",
                    summary { {lang.t(Msg::TechnicalDetails)} }
                    span { lang: "en", class: "detail", "{error}" }
                }
            }
            if let Some(error) = status.last_error.as_ref().filter(|_| !matches!(status.state, SyncState::Idle | SyncState::Offline)) {
                p { class: "sync-error",
                    strong { {lang.t(Msg::LastProblem)} " " }
                    if lang == Lang::En {
                        "{error}"
                    } else {
                        {lang.t(Msg::SyncProblem)}
                        " "
                        span { lang: "en", class: "detail", "({error})" }
                    }
                }
            }
            if let Some((held, total)) = status.download {
                ProgressBar {
                    value: held,
                    max: total,
                    label: format!(
                        "{}: {}",
                        lang.t(if status.state == SyncState::Offline { Msg::DownloadPaused } else { Msg::Downloading }),
                        i18n::download(lang, held, total),
                    ),
                }
            }
        }
    }
}
