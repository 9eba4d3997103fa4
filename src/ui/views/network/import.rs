//! `/network/import`: contacts from the phone's address book. Pick a .vcf or .csv file (or
//! paste its text: that works on every platform, liveview included), check it, read the
//! report — who will be added, who is left out and why, by line — and only then import, in
//! one local transaction. Duplicates of contacts already on my list are left out.

use dioxus::prelude::*;
use groundgame_core::network::import::{self, ImportPlan};
use groundgame_core::network::{NetworkBody, NetworkContactId, Relationship};

use super::text;

/// The paste box's id (a constant, so tests can find it).
const TEXT_ID: &str = "import-text";
use crate::store::Store;
use crate::ui::components::BigButton;
use crate::ui::context::{use_lang, use_services};
use crate::ui::i18n::{self, Msg};
use crate::ui::Route;

/// Check a file's text against my list: what would be imported, or why nothing can be.
pub fn check(store: &Store, text: &str) -> Result<ImportPlan, import::ImportError> {
    let parsed = import::parse(text)?;
    let existing = crate::ui::data::network::all_contacts(store).unwrap_or_default();
    Ok(import::plan(parsed, &existing))
}

/// Save a checked plan's contacts, all in one transaction. Returns how many.
pub fn commit(store: &Store, plan: &ImportPlan) -> Result<usize, crate::store::StoreError> {
    let items: Vec<(NetworkContactId, NetworkBody)> = plan
        .add
        .iter()
        .map(|c| {
            (
                NetworkContactId::new_v7(),
                NetworkBody::ContactSaved {
                    name: c.name.clone(),
                    phone: c.phone.clone(),
                    email: c.email.clone(),
                    relationship: Relationship::Other,
                    note: c.note.clone(),
                },
            )
        })
        .collect();
    Ok(store.record_network(items)?.len())
}

#[component]
pub fn NetworkImport() -> Element {
    let services = use_services();
    let l = use_lang()();
    let mut pasted = use_signal(String::new);
    let mut plan = use_signal(|| None::<ImportPlan>);
    let mut error = use_signal(|| None::<String>);
    let mut done = use_signal(|| None::<usize>);
    let mut importing = use_signal(|| false);

    let check_services = services.clone();
    let run_check = move |text: String| {
        done.set(None);
        match check(&check_services.store, &text) {
            Ok(p) => {
                error.set(None);
                plan.set(Some(p));
            }
            Err(e) => {
                plan.set(None);
                error.set(Some(text::import_error(l, &e)));
            }
        }
    };
    let mut check_pasted = run_check.clone();
    let on_file = move |e: FormEvent| {
        let files = e.files();
        let mut run_check = run_check.clone();
        spawn(async move {
            let Some(file) = files.first() else { return };
            match file.read_string().await {
                Ok(text) => {
                    pasted.set(text.clone());
                    run_check(text);
                }
                Err(_) => error.set(Some(l.t(Msg::NetFileUnreadable).to_owned())),
            }
        });
    };
    let commit_services = services.clone();
    let confirm = move |_| {
        if *importing.peek() {
            return;
        }
        let Some(p) = plan.peek().clone() else { return };
        importing.set(true);
        match commit(&commit_services.store, &p) {
            Ok(n) => {
                commit_services.sync.nudge();
                plan.set(None);
                pasted.set(String::new());
                done.set(Some(n));
            }
            Err(e) => error.set(Some(i18n::save_failed(l, &e.to_string()))),
        }
        importing.set(false);
    };

    rsx! {
        section { class: "network-import", "aria-labelledby": "import-title",
            div { class: "crumbs",
                Link { class: "back", to: Route::Network {}, {l.t(Msg::MyNetwork)} }
            }
            h2 { id: "import-title", {l.t(Msg::NetImportTitle)} }
            p { {l.t(Msg::NetImportHelp)} }
            div { class: "card",
                label { r#for: "import-file", {l.t(Msg::NetPickFile)} }
                input { id: "import-file", r#type: "file",
                    accept: ".vcf,.vcard,.csv,text/vcard,text/x-vcard,text/csv",
                    onchange: on_file }
                label { r#for: "import-text", {l.t(Msg::NetPasteHere)} }
                textarea { id: TEXT_ID, rows: "6", value: "{pasted}",
                    oninput: move |e| {
                        pasted.set(e.value());
                        plan.set(None);
                    } }
                BigButton { id: "import-check", label: l.t(Msg::NetCheckFile).to_string(),
                    kind: "secondary",
                    onclick: move |_| check_pasted(pasted.peek().clone()) }
            }
            if let Some(e) = error() {
                div { class: "notice error", role: "alert", p { "{e}" } }
            }
            if let Some(n) = done() {
                div { class: "notice", role: "status",
                    p { class: "saved", id: "import-done", {text::imported(l, n)} }
                    Link { class: "big-button", to: Route::Network {}, {l.t(Msg::MyNetwork)} }
                }
            }
            if let Some(p) = plan() {
                div { class: "card net-import-report", id: "import-report",
                    p { id: "import-preview", {text::import_preview(l, p.add.len(), p.skipped())} }
                    if !p.add.is_empty() {
                        h3 { {l.t(Msg::NetImportWillAdd)} }
                        ul { class: "net-import-add",
                            for c in p.add.iter() {
                                li { key: "{c.line}",
                                    span { class: "net-name", "{c.name}" }
                                    if let Some(phone) = c.phone.as_deref() { " · {phone}" }
                                    if let Some(email) = c.email.as_deref() { " · {email}" }
                                }
                            }
                        }
                    }
                    if !p.issues.is_empty() {
                        h3 { {l.t(Msg::NetImportProblems)} }
                        ul { class: "net-import-issues",
                            for (i, issue) in p.issues.iter().enumerate() {
                                li { key: "{i}", class: if issue.skipped { "skipped" } else { "warned" },
                                    {text::issue(l, issue.line, issue.skipped, &issue.reason)}
                                }
                            }
                        }
                    }
                    if p.add.is_empty() {
                        p { {l.t(Msg::NetImportNothing)} }
                    } else {
                        BigButton { id: "import-confirm", label: l.t(Msg::NetImportConfirm).to_string(),
                            disabled: importing(), onclick: confirm }
                    }
                }
            }
        }
    }
}
