//! `/lead/data`: the campaign's data from the app, as the command line does it on the
//! server. Four cards:
//! - **Import a voter file**: its layout (ncvoter, VAN, or any CSV with a column mapping),
//!   whether it is the whole file, the file itself (or its rows pasted: that works on every
//!   platform, the browser-served app included); then a progress bar while the server
//!   imports it, and the summary with the report's first lines (row, voter id, reason).
//! - **Map coordinates**: a geocoding CSV (address, latitude, longitude) sets households'
//!   locations for an area cut and the turf map; the counts and the rows not used.
//! - **Cut turfs** from the households no turf holds: by precinct, by street or by area,
//!   with the doors per turf.
//! - **Make a call list**: a name, optional precincts, the script callers read.
//! - **Scripts**: the campaign's scripts and their versions; save a script file (picked or
//!   pasted) as a new version, or see each problem with its line.
//! - **Export the results**: the results CSV (every column, or the VAN-style upload) saved
//!   whole in this device's `exports` folder, with how many rows it has.
//!
//! Each action needs the server; offline, the card says so and nothing is lost (the form
//! keeps what was typed). After an import, a cut or a new list the figures are refreshed.

use groundgame_core::NaiveDate;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use dioxus::prelude::*;

use super::{on_runtime, refresh, use_lead, Problem};
use crate::sync::client::campaign_data::{
    CallListResponse, CutBy, CutResponse, ExportFormat, GeocodeResponse, ImportFormat,
    ImportJobResponse, ImportStatus, ReportLine, ScriptListItem, ScriptSaved, VoterUpload,
};
use crate::sync::SyncError;
use crate::ui::components::{BigButton, ChoiceButton, ProgressBar};
use crate::ui::context::{use_lang, use_services, AppEngine};
pub use crate::ui::i18n::campaign_data::{
    cut_line, export_line, geocode_line, geocode_report_line, list_line, progress_line,
    report_line, script_item, script_line, summary_line,
};
use crate::ui::i18n::{Lang, Msg};
use crate::ui::Services;

/// How many report lines the screen shows (the whole report is on the server).
pub const REPORT_LINES_SHOWN: usize = 50;
/// Ids tests and the browser test find (dynamic attributes, so the headless harness sees
/// them).
const VOTER_TEXT_ID: &str = "voter-text";
const DOORS_ID: &str = "cut-doors";
const GEO_TEXT_ID: &str = "geo-text";
const LIST_NAME_ID: &str = "list-name";
const SCRIPT_TEXT_ID: &str = "script-text";
/// How often a running import is asked about.
const POLL: Duration = Duration::from_millis(400);

/// Doors per turf as typed, if in range (1 to 2,000).
pub fn parse_doors(text: &str) -> Option<u32> {
    text.trim().parse().ok().filter(|n| (1..=2_000).contains(n))
}

/// Precincts as typed: comma- or line-separated, trimmed, empty ones dropped.
pub fn parse_precincts(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The data rows of a CSV (its header not counted; quoted line breaks are one row).
pub fn csv_rows(bytes: &[u8]) -> u64 {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes)
        .byte_records()
        .filter(Result::is_ok)
        .count() as u64
}

/// The export's file name: `groundgame-results[-van]-<date>.csv`, `today` being the
/// device's date.
pub fn export_name(format: ExportFormat, today: NaiveDate) -> String {
    let kind = match format {
        ExportFormat::Full => "results",
        ExportFormat::Van => "results-van",
    };
    format!("groundgame-{kind}-{today}.csv")
}

/// A refused script's problems, one per line, without the server's "the script has N
/// problems:" heading (the screen has its own).
pub fn problem_lines(message: &str) -> Vec<String> {
    let mut lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 1 && lines[0].ends_with(':') {
        lines.remove(0);
    }
    lines.into_iter().map(str::to_owned).collect()
}

/// A failed action in words; a refused script keeps the server's line-by-line problems.
fn failure(l: Lang, e: &SyncError) -> String {
    Problem::from_sync(e).action_text(l)
}

/// Run one card's action against the server: nothing while the last one runs; `busy`
/// while it does; `error` cleared at the start, and set when there is no joined engine.
/// `done` gets the answer (it reports failures its own way).
fn card_action<T, W, Fut>(
    services: &Services,
    l: Lang,
    mut busy: Signal<bool>,
    mut error: Signal<Option<String>>,
    work: W,
    done: impl FnOnce(Result<T, SyncError>) + 'static,
) where
    T: Send + 'static,
    W: FnOnce(Arc<AppEngine>) -> Fut,
    Fut: Future<Output = Result<T, SyncError>> + Send + 'static,
{
    if *busy.peek() {
        return;
    }
    let Some(engine) = services.sync.engine() else {
        error.set(Some(Problem::Refused.action_text(l)));
        return;
    };
    busy.set(true);
    error.set(None);
    let running = on_runtime(work(engine));
    spawn(async move {
        done(running.await);
        busy.set(false);
    });
}

/// A row of choice buttons for one setting.
fn choice_group<T: Copy + PartialEq + 'static>(
    l: Lang,
    label: Msg,
    options: &[(T, Msg, &'static str)],
    mut chosen: Signal<T>,
) -> Element {
    rsx! {
        div { class: "choices", role: "group", "aria-label": l.t(label),
            for &(value, msg, id) in options {
                ChoiceButton {
                    key: "{id}",
                    label: l.t(msg).to_owned(),
                    selected: chosen() == value,
                    id: id.to_string(),
                    onclick: move |_| chosen.set(value),
                }
            }
        }
    }
}

/// Read the file picked in `e` into `picked` (its name and bytes), or say it could not be.
fn read_picked(
    e: FormEvent,
    l: Lang,
    mut picked: Signal<Option<(String, Vec<u8>)>>,
    mut error: Signal<Option<String>>,
) {
    let files = e.files();
    spawn(async move {
        let Some(file) = files.first() else { return };
        match file.read_bytes().await {
            Ok(bytes) => {
                error.set(None);
                picked.set(Some((file.name(), bytes.to_vec())));
            }
            Err(_) => error.set(Some(l.t(Msg::DataFileUnreadable).to_owned())),
        }
    });
}

/// The import card's state.
#[derive(Debug, Clone, PartialEq)]
enum Importing {
    Idle,
    Uploading,
    Running(ImportJobResponse),
    Finished(ImportJobResponse, Vec<ReportLine>),
}

#[component]
pub fn LeadData() -> Element {
    rsx! {
        div { class: "lead-data",
            ImportCard {}
            GeocodeCard {}
            CutCard {}
            CallListCard {}
            ScriptCard {}
            ExportCard {}
        }
    }
}

#[component]
fn ImportCard() -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let format = use_signal(|| ImportFormat::Ncvoter);
    let mut full_file = use_signal(|| false);
    let mut mapping = use_signal(String::new);
    let mut picked = use_signal(|| None::<(String, Vec<u8>)>);
    let mut pasted = use_signal(String::new);
    let mut state = use_signal(|| Importing::Idle);
    let mut error = use_signal(|| None::<String>);

    let on_file = move |e: FormEvent| read_picked(e, l, picked, error);
    let start = move |_| {
        if matches!(*state.peek(), Importing::Uploading | Importing::Running(_)) {
            return;
        }
        let (file_name, bytes) = match picked.peek().clone() {
            Some(file) => file,
            None => ("pasted.csv".to_owned(), pasted.peek().clone().into_bytes()),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            error.set(Some(l.t(Msg::DataNoFile).to_owned()));
            return;
        }
        let chosen = *format.peek();
        let map = mapping.peek().trim().to_owned();
        if chosen == ImportFormat::Mapped && map.is_empty() {
            error.set(Some(l.t(Msg::DataNeedsMapping).to_owned()));
            return;
        }
        let Some(engine) = services.sync.engine() else {
            error.set(Some(Problem::Refused.action_text(l)));
            return;
        };
        let upload = VoterUpload {
            format: chosen,
            full_file: *full_file.peek(),
            file_name,
            mapping: (chosen == ImportFormat::Mapped).then_some(map),
            bytes,
        };
        error.set(None);
        state.set(Importing::Uploading);
        let services = services.clone();
        spawn(async move {
            let first = {
                let engine = engine.clone();
                on_runtime(async move { engine.api().start_import(&upload).await }).await
            };
            let mut job = match first {
                Ok(job) => job,
                Err(e) => {
                    error.set(Some(failure(l, &e)));
                    state.set(Importing::Idle);
                    return;
                }
            };
            // Follow the job; a lost connection while it runs is retried, since the
            // import goes on on the server whatever happens here.
            while job.status == ImportStatus::Running {
                state.set(Importing::Running(job.clone()));
                let engine = engine.clone();
                let id = job.id;
                match on_runtime(async move {
                    tokio::time::sleep(POLL).await;
                    engine.api().import_job(id).await
                })
                .await
                {
                    Ok(next) => job = next,
                    Err(SyncError::Transport(_)) => {}
                    Err(e) => {
                        error.set(Some(failure(l, &e)));
                        state.set(Importing::Idle);
                        return;
                    }
                }
            }
            let lines = if job.report && job.report_lines > 0 {
                let engine = engine.clone();
                let id = job.id;
                on_runtime(async move { engine.api().import_report(id, REPORT_LINES_SHOWN).await })
                    .await
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            if job.status == ImportStatus::Done {
                picked.set(None);
                pasted.set(String::new());
                refresh(ctx, &services);
            }
            state.set(Importing::Finished(job, lines));
        });
    };

    let busy = matches!(state(), Importing::Uploading | Importing::Running(_));
    rsx! {
        section { class: "card", id: "import-card", "aria-labelledby": "import-title",
            h3 { id: "import-title", {l.t(Msg::DataImportTitle)} }
            p { class: "muted", {l.t(Msg::DataImportHelp)} }
            p { class: "field-label", {l.t(Msg::DataFormat)} }
            {choice_group(l, Msg::DataFormat, &[
                (ImportFormat::Ncvoter, Msg::DataFormatNcvoter, "format-ncvoter"),
                (ImportFormat::Van, Msg::DataFormatVan, "format-van"),
                (ImportFormat::Mapped, Msg::DataFormatMapped, "format-mapped"),
            ], format)}
            if format() == ImportFormat::Mapped {
                label { r#for: "import-mapping", {l.t(Msg::DataMapping)} }
                textarea { id: "import-mapping", rows: "5", value: "{mapping}",
                    oninput: move |e| mapping.set(e.value()) }
            }
            label { class: "check",
                input { id: "import-full", r#type: "checkbox", checked: full_file(),
                    onchange: move |e| full_file.set(e.checked()) }
                " " {l.t(Msg::DataWholeFile)}
            }
            label { r#for: "voter-file", {l.t(Msg::DataPickFile)} }
            input { id: "voter-file", r#type: "file",
                accept: ".csv,.tsv,.txt,.gz,.zip,text/csv,text/tab-separated-values,text/plain,application/gzip,application/zip",
                onchange: on_file }
            if let Some((name, bytes)) = picked() {
                p { class: "detail", id: "voter-file-picked",
                    "{name} · {bytes.len() / 1024 + 1} KB"
                }
            } else {
                label { r#for: "voter-text", {l.t(Msg::DataPasteRows)} }
                textarea { id: VOTER_TEXT_ID, rows: "5", value: "{pasted}",
                    oninput: move |e| pasted.set(e.value()) }
            }
            BigButton { id: "import-start", label: l.t(Msg::DataImportStart).to_owned(),
                disabled: busy, onclick: start }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            }
            match state() {
                Importing::Idle => rsx! {},
                Importing::Uploading => rsx! {
                    div { class: "import-progress", role: "status", id: "import-progress",
                        ProgressBar { value: 0, max: 100, label: l.t(Msg::DataUploading).to_owned() }
                    }
                },
                Importing::Running(job) => rsx! {
                    div { class: "import-progress", role: "status", id: "import-progress",
                        ProgressBar { value: job.percent.clamp(0.0, 100.0).round() as u64, max: 100,
                            label: progress_line(l, &job) }
                    }
                },
                Importing::Finished(job, lines) => rsx! {
                    div { class: if job.status == ImportStatus::Done { "notice" } else { "notice error" },
                        role: "status", id: "import-result",
                        if let Some(counts) = job.summary.as_ref() {
                            p { class: "saved", id: "import-summary", {summary_line(l, counts)} }
                        }
                        if let Some(why) = job.error.as_ref() {
                            p { id: "import-failed", {l.t(Msg::DataImportFailed)} " " "{why}" }
                        }
                        if !lines.is_empty() {
                            p { class: "field-label",
                                {l.t(Msg::DataReportTitle)}
                                if job.report_lines as usize > lines.len() {
                                    " ({lines.len()} / {job.report_lines})"
                                }
                            }
                            ul { class: "import-report", id: "import-report",
                                for (i, line) in lines.iter().enumerate() {
                                    li { key: "{i}", {report_line(l, line)} }
                                }
                            }
                        }
                    }
                },
            }
        }
    }
}

#[component]
fn GeocodeCard() -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let mut picked = use_signal(|| None::<(String, Vec<u8>)>);
    let mut pasted = use_signal(String::new);
    let mut result = use_signal(|| None::<GeocodeResponse>);
    let mut error = use_signal(|| None::<String>);
    let busy = use_signal(|| false);
    let on_file = move |e: FormEvent| read_picked(e, l, picked, error);
    let apply = move |_| {
        let bytes = match picked.peek().clone() {
            Some((_, bytes)) => bytes,
            None => pasted.peek().clone().into_bytes(),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            error.set(Some(l.t(Msg::DataNoFile).to_owned()));
            return;
        }
        result.set(None);
        let again = services.clone();
        card_action(
            &services,
            l,
            busy,
            error,
            move |engine| async move { engine.api().geocode(&bytes).await },
            move |answer| match answer {
                Ok(done) => {
                    result.set(Some(done));
                    picked.set(None);
                    pasted.set(String::new());
                    refresh(ctx, &again);
                }
                Err(e) => error.set(Some(failure(l, &e))),
            },
        );
    };
    rsx! {
        section { class: "card", id: "geo-card", "aria-labelledby": "geo-title",
            h3 { id: "geo-title", {l.t(Msg::DataGeoTitle)} }
            p { class: "muted", {l.t(Msg::DataGeoHelp)} }
            label { r#for: "geo-file", {l.t(Msg::DataPickFile)} }
            input { id: "geo-file", r#type: "file", accept: ".csv,.tsv,.txt,text/csv,text/plain",
                onchange: on_file }
            if let Some((name, bytes)) = picked() {
                p { class: "detail", "{name} · {bytes.len() / 1024 + 1} KB" }
            } else {
                label { r#for: "geo-text", {l.t(Msg::DataPasteRows)} }
                textarea { id: GEO_TEXT_ID, rows: "4", value: "{pasted}",
                    oninput: move |e| pasted.set(e.value()) }
            }
            BigButton { id: "geo-start", label: l.t(Msg::DataGeoStart).to_owned(),
                disabled: busy(), onclick: apply }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            }
            if let Some(done) = result() {
                div { class: "notice", role: "status", id: "geo-result",
                    p { class: "saved", {geocode_line(l, &done)} }
                    if !done.report.is_empty() {
                        p { class: "field-label",
                            {l.t(Msg::DataReportTitle)}
                            if done.report_lines as usize > done.report.len() {
                                " ({done.report.len()} / {done.report_lines})"
                            }
                        }
                        ul { class: "import-report", id: "geo-report",
                            for (i, line) in done.report.iter().enumerate() {
                                li { key: "{i}", {geocode_report_line(l, line.row, &line.reason)} }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn CutCard() -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let by = use_signal(|| CutBy::Precinct);
    let mut doors = use_signal(|| "60".to_string());
    let mut result = use_signal(|| None::<CutResponse>);
    let mut error = use_signal(|| None::<String>);
    let busy = use_signal(|| false);
    let cut = move |_| {
        let Some(n) = parse_doors(&doors.peek()) else {
            error.set(Some(l.t(Msg::DataBadDoors).to_owned()));
            return;
        };
        let how = *by.peek();
        let again = services.clone();
        card_action(
            &services,
            l,
            busy,
            error,
            move |engine| async move { engine.api().cut_turfs(how, n).await },
            move |answer| match answer {
                Ok(made) => {
                    result.set(Some(made));
                    refresh(ctx, &again);
                }
                Err(e) => error.set(Some(failure(l, &e))),
            },
        );
    };
    rsx! {
        section { class: "card", id: "cut-card", "aria-labelledby": "cut-title",
            h3 { id: "cut-title", {l.t(Msg::DataCutTitle)} }
            p { class: "muted", {l.t(Msg::DataCutHelp)} }
            {choice_group(l, Msg::DataCutTitle, &[
                (CutBy::Precinct, Msg::DataCutPrecinct, "cut-precinct"),
                (CutBy::Street, Msg::DataCutStreet, "cut-street"),
                (CutBy::Area, Msg::DataCutArea, "cut-area"),
            ], by)}
            label { r#for: "cut-doors", {l.t(Msg::DataDoorsPerTurf)} }
            input { id: DOORS_ID, r#type: "number", inputmode: "numeric", min: "1",
                max: "2000", value: "{doors}", oninput: move |e| doors.set(e.value()) }
            BigButton { id: "cut-start", label: l.t(Msg::DataCutStart).to_owned(),
                disabled: busy(), onclick: cut }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            }
            if let Some(made) = result() {
                div { class: "notice", role: "status", id: "cut-result",
                    p { class: "saved", {cut_line(l, &made)} }
                    if !made.turfs.is_empty() {
                        ul { class: "lead-list",
                            for (i, t) in made.turfs.iter().enumerate() {
                                li { key: "{i}", class: "detail",
                                    "{t.name} · {t.doors} " {l.t(Msg::DataDoors)}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The campaign's scripts, fetched when a card opens (empty offline).
fn use_scripts() -> (Signal<Vec<ScriptListItem>>, impl Fn() + Clone) {
    let services = use_services();
    let mut scripts = use_signal(Vec::<ScriptListItem>::new);
    let load = move || {
        let Some(engine) = services.sync.engine() else {
            return;
        };
        spawn(async move {
            if let Ok(list) = on_runtime(async move { engine.api().scripts().await }).await {
                scripts.set(list);
            }
        });
    };
    use_hook(load.clone());
    (scripts, load)
}

#[component]
fn CallListCard() -> Element {
    let ctx = use_lead();
    let services = use_services();
    let l = use_lang()();
    let (scripts, _) = use_scripts();
    let mut name = use_signal(String::new);
    let mut precincts = use_signal(String::new);
    let mut script = use_signal(String::new);
    let mut result = use_signal(|| None::<CallListResponse>);
    let mut error = use_signal(|| None::<String>);
    let busy = use_signal(|| false);
    let make = move |_| {
        let list_name = name.peek().trim().to_owned();
        if list_name.is_empty() {
            error.set(Some(l.t(Msg::DataListNeedsName).to_owned()));
            return;
        }
        let wanted = parse_precincts(&precincts.peek());
        let key = Some(script.peek().clone()).filter(|k| !k.is_empty());
        let again = services.clone();
        card_action(
            &services,
            l,
            busy,
            error,
            move |engine| async move {
                engine
                    .api()
                    .create_call_list(&list_name, &wanted, key.as_deref())
                    .await
            },
            move |answer| match answer {
                Ok(made) => {
                    result.set(Some(made));
                    name.set(String::new());
                    refresh(ctx, &again);
                }
                Err(e) => error.set(Some(failure(l, &e))),
            },
        );
    };
    rsx! {
        section { class: "card", id: "list-card", "aria-labelledby": "list-title",
            h3 { id: "list-title", {l.t(Msg::DataListTitle)} }
            p { class: "muted", {l.t(Msg::DataListHelp)} }
            label { r#for: "list-name", {l.t(Msg::DataListName)} }
            input { id: LIST_NAME_ID, r#type: "text", value: "{name}",
                oninput: move |e| name.set(e.value()) }
            label { r#for: "list-precincts", {l.t(Msg::DataListPrecincts)} }
            input { id: "list-precincts", r#type: "text", value: "{precincts}",
                oninput: move |e| precincts.set(e.value()) }
            label { r#for: "list-script", {l.t(Msg::DataListScript)} }
            select { id: "list-script", value: "{script}",
                onchange: move |e| script.set(e.value()),
                option { value: "", {l.t(Msg::DataNoScript)} }
                for s in scripts() {
                    option { key: "{s.key}", value: "{s.key}", "{s.key}" }
                }
            }
            BigButton { id: "list-make", label: l.t(Msg::DataListMake).to_owned(),
                disabled: busy(), onclick: make }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            }
            if let Some(made) = result() {
                p { class: "notice saved", role: "status", id: "list-result", {list_line(l, &made)} }
            }
        }
    }
}

#[component]
fn ScriptCard() -> Element {
    let services = use_services();
    let l = use_lang()();
    let (scripts, reload) = use_scripts();
    let mut text = use_signal(String::new);
    let mut saved = use_signal(|| None::<ScriptSaved>);
    let mut problems = use_signal(|| None::<String>);
    let mut error = use_signal(|| None::<String>);
    let busy = use_signal(|| false);
    let on_file = move |e: FormEvent| {
        let files = e.files();
        spawn(async move {
            let Some(file) = files.first() else { return };
            match file.read_string().await {
                Ok(t) => text.set(t),
                Err(_) => error.set(Some(l.t(Msg::DataFileUnreadable).to_owned())),
            }
        });
    };
    let save = move |_| {
        let toml = text.peek().clone();
        if toml.trim().is_empty() {
            error.set(Some(l.t(Msg::DataNoScriptText).to_owned()));
            return;
        }
        problems.set(None);
        saved.set(None);
        let reload = reload.clone();
        card_action(
            &services,
            l,
            busy,
            error,
            move |engine| async move { engine.api().save_script(&toml).await },
            move |answer| match answer {
                Ok(s) => {
                    saved.set(Some(s));
                    reload();
                }
                Err(SyncError::Server {
                    status: 422,
                    message,
                    ..
                }) => problems.set(Some(message)),
                Err(e) => error.set(Some(failure(l, &e))),
            },
        );
    };
    rsx! {
        section { class: "card", id: "script-card", "aria-labelledby": "script-title",
            h3 { id: "script-title", {l.t(Msg::DataScriptTitle)} }
            p { class: "muted", {l.t(Msg::DataScriptHelp)} }
            if scripts().is_empty() {
                p { class: "muted", id: "script-list", {l.t(Msg::DataNoScriptsYet)} }
            } else {
                ul { class: "lead-list", id: "script-list",
                    for s in scripts() {
                        li { key: "{s.key}", class: "detail", {script_item(l, &s)} }
                    }
                }
            }
            label { r#for: "script-file", {l.t(Msg::DataPickScript)} }
            input { id: "script-file", r#type: "file", accept: ".toml,text/plain,application/toml",
                onchange: on_file }
            label { r#for: "script-text", {l.t(Msg::DataScriptText)} }
            textarea { id: SCRIPT_TEXT_ID, rows: "8", class: "code", value: "{text}",
                oninput: move |e| text.set(e.value()) }
            BigButton { id: "script-save", label: l.t(Msg::DataScriptSave).to_owned(),
                disabled: busy(), onclick: save }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            }
            if let Some(s) = saved() {
                p { class: "notice saved", role: "status", id: "script-saved", {script_line(l, &s)} }
            }
            if let Some(p) = problems() {
                div { class: "notice error", role: "alert", id: "script-problems",
                    p { {l.t(Msg::DataScriptProblems)} }
                    ul {
                        for (i, line) in problem_lines(&p).into_iter().enumerate() {
                            li { key: "{i}", "{line}" }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn ExportCard() -> Element {
    let services = use_services();
    let zone = crate::ui::local_time::use_time_zone();
    let l = use_lang()();
    let format = use_signal(|| ExportFormat::Full);
    let mut saved = use_signal(|| None::<String>);
    let mut error = use_signal(|| None::<String>);
    let busy = use_signal(|| false);
    let export = move |_| {
        let chosen = *format.peek();
        let store = services.store.clone();
        saved.set(None);
        card_action(
            &services,
            l,
            busy,
            error,
            move |engine| async move { engine.api().export_results(chosen).await },
            move |answer| match answer {
                Ok(bytes) => {
                    let name = export_name(chosen, zone().date_of(store.now_ms()));
                    let Some(folder) = store.folder() else {
                        error.set(Some(l.t(Msg::DataExportNoFolder).to_owned()));
                        return;
                    };
                    match crate::ui::print::save_file(&folder.join("exports"), &name, &bytes) {
                        Ok(path) => saved.set(Some(export_line(
                            l,
                            csv_rows(&bytes),
                            &path.display().to_string(),
                        ))),
                        Err(e) => {
                            tracing::warn!("results export: {e}");
                            error.set(Some(e.to_string()));
                        }
                    }
                }
                Err(e) => error.set(Some(failure(l, &e))),
            },
        );
    };
    rsx! {
        section { class: "card", id: "export-card", "aria-labelledby": "export-title",
            h3 { id: "export-title", {l.t(Msg::DataExportTitle)} }
            p { class: "muted", {l.t(Msg::DataExportHelp)} }
            {choice_group(l, Msg::DataExportTitle, &[
                (ExportFormat::Full, Msg::DataExportFull, "export-full"),
                (ExportFormat::Van, Msg::DataExportVan, "export-van"),
            ], format)}
            BigButton { id: "export-start", label: l.t(Msg::DataExportStart).to_owned(),
                disabled: busy(), onclick: export }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            }
            if let Some(line) = saved() {
                p { class: "notice saved", role: "status", id: "export-saved", "{line}" }
            }
        }
    }
}
