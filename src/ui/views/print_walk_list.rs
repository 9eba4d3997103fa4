//! The paper walk list of a turf, reached from the walk list screen: shows the document
//! [`crate::ui::print`] makes (the same text that prints) in a frame, with a Print button
//! that asks the web view to print that frame (`window.print()` through
//! `document::eval`), and on desktops a Save-as-file fallback that writes the document
//! into the app's data folder.

use dioxus::prelude::*;
use groundgame_core::TurfId;

use crate::ui::components::BigButton;
use crate::ui::context::{use_lang, use_services};
use crate::ui::data;
use crate::ui::i18n::Msg;
use crate::ui::print;
use crate::ui::Route;

/// Print the frame's own window (only the walk list, none of the app around it); print the
/// whole page where frames cannot print themselves.
const PRINT_JS: &str = r#"
const frame = document.getElementById("print-frame");
if (frame && frame.contentWindow) {
  frame.contentWindow.focus();
  frame.contentWindow.print();
} else {
  window.print();
}
return true;
"#;

/// What the last button press left to say.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    SavedTo(String),
    SaveFailed,
    NoPrinting,
}

/// `/turf/:turf/print`.
#[component]
pub fn PrintWalkList(turf: i64) -> Element {
    let services = use_services();
    let lang = use_lang();
    let l = lang();
    let store = services.store.clone();
    let mut notice = use_signal(|| None::<Notice>);
    // The day the sheet says it was printed: when this screen opened, on this device's
    // calendar.
    let printed_ms = use_hook(|| services.store.now_ms());
    let zone = crate::ui::local_time::use_time_zone();
    let printed = zone().date_of(printed_ms);
    // The sheet is read here and rendered to its document on a thread of its own: a big
    // turf is megabytes of HTML, and the screen stays responsive while it is made.
    let sheet = use_resource(move || {
        let store = store.clone();
        let (l, printed) = (lang(), zone().date_of(printed_ms));
        async move {
            let Some(sheet) = data::print_sheet(&store, TurfId(turf))? else {
                return Ok(None);
            };
            let (done, made) = tokio::sync::oneshot::channel();
            std::thread::spawn(move || {
                let _ = done.send(print::walk_list_document(&sheet, l, printed));
            });
            Ok::<_, crate::store::StoreError>(made.await.ok())
        }
    });

    let loaded = sheet.read();
    let body = match &*loaded {
        None => rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("paper walk list: {e}");
            rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } }
        }
        Some(Ok(None)) => rsx! {
            div { class: "notice error", role: "alert", p { {l.t(Msg::TurfNotFound)} } }
        },
        Some(Ok(Some(sheet_html))) => {
            let sheet_html = sheet_html.clone();
            let folder = services.store.folder();
            let to_save = sheet_html.clone();
            rsx! {
                div { class: "print-toolbar",
                    BigButton {
                        id: "print-now",
                        label: l.t(Msg::PrintNow).to_string(),
                        onclick: move |_| {
                            spawn(async move {
                                if let Err(e) = document::eval(PRINT_JS).await {
                                    tracing::warn!(error = ?e, "printing could not start");
                                    notice.set(Some(Notice::NoPrinting));
                                }
                            });
                        },
                    }
                    if cfg!(feature = "desktop") {
                        if let Some(folder) = folder {
                            BigButton {
                                id: "save-print",
                                label: l.t(Msg::SaveAsFile).to_string(),
                                kind: "secondary",
                                onclick: move |_| {
                                    match print::save_document(&folder, TurfId(turf), printed, &to_save) {
                                        Ok(path) => notice.set(Some(Notice::SavedTo(path.display().to_string()))),
                                        Err(e) => {
                                            tracing::warn!("paper walk list: {e}");
                                            notice.set(Some(Notice::SaveFailed));
                                        }
                                    }
                                },
                            }
                        }
                    }
                }
                iframe {
                    id: "print-frame",
                    class: "print-frame",
                    title: l.t(Msg::PrintPreviewLabel),
                    srcdoc: sheet_html,
                }
            }
        }
    };
    drop(loaded);

    rsx! {
        section { class: "print-walk-list", "aria-labelledby": "print-title",
            nav { class: "crumbs",
                Link { class: "back", to: Route::WalkList { turf }, "‹ " {l.t(Msg::Back)} }
            }
            h2 { id: "print-title", {l.t(Msg::PrintTitle)} }
            p { class: "muted", {l.t(Msg::PrintIntro)} }
            match notice() {
                Some(Notice::SavedTo(path)) => rsx! {
                    p { class: "saved", role: "status", {l.t(Msg::SavedAsFile)} " " code { "{path}" } }
                },
                Some(Notice::SaveFailed) => rsx! {
                    div { class: "notice error", role: "alert", p { {l.t(Msg::SaveFileFailed)} } }
                },
                Some(Notice::NoPrinting) => rsx! {
                    div { class: "notice error", role: "alert", p { {l.t(Msg::PrintNotAvailable)} } }
                },
                None => rsx! {},
            }
            {body}
        }
    }
}
