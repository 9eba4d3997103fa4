//! The paper walk list: a turf as one standalone HTML document to print, for when the
//! phone dies. Households in walking order (the walk list screen's order), grouped by
//! street; each with its address, its current status from the shared fold, tick boxes for
//! the campaign's door and building results, and per person the name, age and party, tick
//! boxes for the person-level results, every survey question's choices and the pledge;
//! then a line for notes. The header names the turf, the day it was printed and the
//! number of doors; every word comes from [`crate::ui::i18n`] in the chosen language.
//!
//! [`walk_list_document`] is pure (data in, text out) and rendered with `dioxus-ssr` from
//! plain rsx, which escapes every value: names and addresses come from voter files. The document carries its own style sheet (black on
//! white, 11 pt and up, `@media print` page breaks between long streets), so it prints the
//! same from the app's print screen, a browser, or the file [`save_document`] writes.

use std::path::{Path, PathBuf};

use chrono::Datelike;
use dioxus::prelude::*;
use groundgame_core::domain::{ResultCode, ResultLevel};
use groundgame_core::{CampaignConfig, NaiveDate, Person, SurveyQuestion, TurfId};

use crate::ui::data::{self, PrintDoor, PrintSheet};
use crate::ui::i18n::{self, Lang, Msg};

/// A street with at least this many doors starts on a new page (and so does the street
/// after it); runs of short streets share a page.
const LONG_STREET: usize = 5;

/// The document's own style sheet: black on white, nothing under 11 pt.
const PRINT_CSS: &str = r#"
@page { size: auto; margin: 12mm; }
html { background: #fff; color: #000; }
body {
  margin: 0 auto; padding: 12pt; max-width: 60rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  font-size: 11pt; line-height: 1.35; background: #fff; color: #000;
}
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; margin: 14pt 0 6pt; padding-bottom: 2pt; border-bottom: 2pt solid #000;
     break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 4pt; }
.meta { font-size: 12pt; font-weight: 600; }
.legend { margin: 6pt 0 0; padding: 0; list-style: none; }
.legend li { margin: 0 0 2pt; }
.door { border: 1pt solid #000; padding: 5pt 8pt; margin: 0 0 6pt;
        break-inside: avoid; page-break-inside: avoid; }
.door-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 2pt 12pt; }
.address { font-size: 13pt; font-weight: 700; }
.status { font-weight: 600; }
.ticks { display: flex; flex-wrap: wrap; gap: 2pt 12pt; margin: 3pt 0; }
.t { white-space: nowrap; }
.t i { display: inline-block; width: 10pt; height: 10pt; border: 1pt solid #000;
       vertical-align: -1pt; margin-right: 3pt; background: #fff; }
.person { border-top: 0.75pt solid #000; margin-top: 4pt; padding-top: 3pt; }
.who { font-weight: 700; }
.what { font-weight: 600; margin-right: 2pt; }
.notes { margin-top: 5pt; display: flex; gap: 6pt; align-items: flex-end; }
.notes .line { flex: 1; border-bottom: 1pt solid #000; height: 16pt; }
@media print {
  body { padding: 0; max-width: none; }
  .street.new-page { break-before: page; page-break-before: always; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The paper walk list of `sheet` in `lang`, printed on `printed` (the device's date): a
/// complete HTML document, rendered by `dioxus-ssr` (which escapes every text and
/// attribute value) from the components below.
pub fn walk_list_document(sheet: &PrintSheet, lang: Lang, printed: NaiveDate) -> String {
    let l = lang;
    let year = i64::from(printed.year());
    let campaign = sheet.campaign.as_ref();
    let codes = campaign
        .map(CampaignConfig::door_result_codes)
        .unwrap_or_default();
    let questions = campaign.map(|c| c.questions.as_slice()).unwrap_or_default();
    let title = format!("{} · {}", sheet.turf_name, l.t(Msg::PrintTitle));
    let groups = streets(&sheet.doors);
    let cards = Sheet {
        campaign,
        codes: &codes,
        questions,
        l,
        year,
    };
    let long: Vec<bool> = groups.iter().map(|(_, d)| d.len() >= LONG_STREET).collect();
    // dioxus-html has no `html` element: the document's outer tag is written around it
    // (its one value, the language code, is ours, not the voter file's).
    let document = rsx! {
            head {
                meta { charset: "utf-8" }
                meta { name: "viewport", content: "width=device-width, initial-scale=1" }
                title { "{title}" }
                style { {PRINT_CSS} }
            }
            body {
                {header(sheet, l, printed, questions)}
                for (i, (street, doors)) in groups.iter().enumerate() {
                    section {
                        // A long street starts a page, and so does the street after it.
                        class: if i > 0 && (long[i] || long[i - 1]) { "street new-page" } else { "street" },
                        h2 { "{street} " span { class: "count", "({i18n::showing(l, doors.len())})" } }
                        for door in doors {
                            {door_card(door, cards)}
                        }
                    }
                }
                if sheet.doors.is_empty() {
                    p { {l.t(Msg::NoDoorsInTurf)} }
                }
            }
    };
    // About 2.5 kB per door: reserve once.
    let mut out = String::with_capacity(4096 + sheet.doors.len() * 2500);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(l.code());
    out.push_str("\">\n");
    dioxus::ssr::Renderer::new()
        .render_element_to(&mut out, document)
        .expect("rendering into a String cannot fail");
    out.push_str("\n</html>\n");
    out
}

/// Turf, date, doors; how to use the sheet; what the survey questions ask.
fn header(
    sheet: &PrintSheet,
    l: Lang,
    printed: NaiveDate,
    questions: &[SurveyQuestion],
) -> Element {
    rsx! {
        header { class: "sheet-head",
            h1 { "{sheet.turf_name}" }
            p { class: "meta",
                "{l.t(Msg::PrintTitle)} · {l.t(Msg::PrintedOn)} {printed} · {i18n::showing(l, sheet.doors.len())}"
            }
            p { {l.t(Msg::PrintInstructions)} }
            if !questions.is_empty() {
                p { strong { {l.t(Msg::SurveyQuestions)} } }
                ul { class: "legend",
                    for (i, q) in questions.iter().enumerate() {
                        li {
                            strong { "{question_name(q, i, l)}" }
                            ": {l.pick(&q.text_en, &q.text_es)} ({legend_choices(q, l)})"
                        }
                    }
                }
            }
        }
    }
}

/// A question's choices for the legend: "1 = Strong supporter · 2 = ..." or the labels.
fn legend_choices(q: &SurveyQuestion, l: Lang) -> String {
    q.choices
        .iter()
        .map(|c| {
            let label = l.pick(&c.label_en, &c.label_es);
            if is_scale_key(&c.key) {
                format!("{} = {label}", c.key)
            } else {
                label.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Consecutive doors on the same street (walking order kept).
fn streets(doors: &[PrintDoor]) -> Vec<(&str, Vec<&PrintDoor>)> {
    let mut groups: Vec<(&str, Vec<&PrintDoor>)> = Vec::new();
    for door in doors {
        match groups.last_mut() {
            Some((street, list)) if *street == door.household.street => list.push(door),
            _ => groups.push((door.household.street.as_str(), vec![door])),
        }
    }
    groups
}

/// A short choice key such as "1".."5" is printed as itself (the legend says what it
/// means); anything else prints its label.
fn is_scale_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 2 && key.chars().all(|c| c.is_ascii_digit())
}

/// What a question is called on the sheet: "Support" for the support question, else
/// "Q2", "Q3"... ("P2" in Spanish; the legend in the header has the full text).
fn question_name(q: &SurveyQuestion, index: usize, l: Lang) -> String {
    if q.key == groundgame_core::domain::SUPPORT_QUESTION {
        l.t(Msg::Support).to_owned()
    } else {
        format!("{}{}", l.t(Msg::QuestionShort), index + 1)
    }
}

/// One tick box with its label. The markup is terse on purpose: a door has some forty
/// boxes, and a big turf thousands of doors.
fn tick(label: &str) -> Element {
    rsx! {
        span { class: "t", i {} "{label}" }
        " "
    }
}

/// Tick boxes for the codes of one level.
fn code_ticks(codes: &[ResultCode], levels: &[ResultLevel], l: Lang) -> Element {
    rsx! {
        div { class: "ticks",
            for c in codes.iter().filter(|c| levels.contains(&c.level)) {
                {tick(l.pick(&c.label_en, &c.label_es))}
            }
        }
    }
}

/// What the door's status line says: its state, its last result, how often it was tried.
fn door_status(door: &PrintDoor, campaign: Option<&CampaignConfig>, l: Lang) -> String {
    let mut status = i18n::door_state(l, door.status.state).to_owned();
    if let Some(key) = &door.status.result {
        let label = campaign
            .and_then(|c| c.result_code(key))
            .map_or(key.as_str(), |c| l.pick(&c.label_en, &c.label_es));
        if label != status {
            status.push_str(" · ");
            status.push_str(label);
        }
    }
    if door.status.attempts > 0 {
        status.push_str(" · ");
        status.push_str(&i18n::attempts(l, door.status.attempts));
    }
    status
}

/// What every door and person card on one sheet shares.
#[derive(Clone, Copy)]
struct Sheet<'a> {
    campaign: Option<&'a CampaignConfig>,
    codes: &'a [ResultCode],
    questions: &'a [SurveyQuestion],
    l: Lang,
    /// The printing year, for ages.
    year: i64,
}

fn door_card(door: &PrintDoor, sheet: Sheet<'_>) -> Element {
    let Sheet {
        campaign, codes, l, ..
    } = sheet;
    rsx! {
        article { class: "door",
            div { class: "door-head",
                span { class: "address", "{data::address_line(&door.household)}" }
                span { class: "status", "{door_status(door, campaign, l)}" }
            }
            {code_ticks(codes, &[ResultLevel::Building, ResultLevel::Door], l)}
            if door.people.is_empty() {
                p { {l.t(Msg::NobodyListed)} }
            }
            for person in &door.people {
                {person_card(person, sheet)}
            }
            div { class: "notes",
                span { class: "what", "{l.t(Msg::PrintNotes)}:" }
                span { class: "line" }
            }
        }
    }
}

/// Name, then age (from the printing year) and party where the voter file has them.
fn who(person: &Person, l: Lang, year: i64) -> String {
    let mut who = data::full_name(person);
    if let Some(born) = person
        .birth_year
        .filter(|b| *b > 0 && i64::from(*b) <= year)
    {
        who.push_str(&format!(" · {} {}", l.t(Msg::Age), year - i64::from(born)));
    }
    if let Some(party) = person.party.as_deref().filter(|p| !p.trim().is_empty()) {
        who.push_str(&format!(" · {} {}", l.t(Msg::Party), party.trim()));
    }
    who
}

fn person_card(person: &Person, sheet: Sheet<'_>) -> Element {
    let Sheet {
        codes,
        questions,
        l,
        year,
        ..
    } = sheet;
    rsx! {
        div { class: "person",
            div { class: "who", "{who(person, l, year)}" }
            {code_ticks(codes, &[ResultLevel::Person], l)}
            for (i, q) in questions.iter().enumerate() {
                div { class: "ticks",
                    span { class: "what", "{question_name(q, i, l)}:" }
                    for c in &q.choices {
                        {tick(if is_scale_key(&c.key) { c.key.as_str() } else { l.pick(&c.label_en, &c.label_es) })}
                    }
                }
            }
            div { class: "ticks",
                {tick(l.t(Msg::Pledge))}
                {tick(l.t(Msg::AskVolunteer))}
                {tick(l.t(Msg::AskDonate))}
            }
        }
    }
}

/// Why a file (the paper walk list, a results export) could not be saved.
#[derive(Debug, thiserror::Error)]
#[error(
    "could not write {name} in {dir} ({source}); check that the disk is not full, then try again"
)]
pub struct SaveError {
    dir: PathBuf,
    name: String,
    source: std::io::Error,
}

/// Save `bytes` as `dir/name`, whole or not at all: written to a temporary sibling,
/// fsync'd and renamed, the folder fsync'd (`atomic-write-file`), so a half-written file
/// never replaces a good one, even if the phone dies mid-write.
pub fn save_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, SaveError> {
    use std::io::Write;
    let fail = |source| SaveError {
        dir: dir.to_path_buf(),
        name: name.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let path = dir.join(name);
    let mut file = atomic_write_file::AtomicWriteFile::open(&path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.commit().map_err(fail)?;
    Ok(path)
}

/// Save `document` as `walk-list-<turf>-<date>.html` in `dir` (the fallback when this
/// device cannot print: open the file on a computer).
pub fn save_document(
    dir: &Path,
    turf: TurfId,
    printed: NaiveDate,
    document: &str,
) -> Result<PathBuf, SaveError> {
    let name = format!("walk-list-{}-{printed}.html", turf.0);
    save_file(dir, &name, document.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use groundgame_core::domain::SurveyChoice;
    use groundgame_core::fold::{DoorState, DoorStatus};
    use groundgame_core::{CampaignId, Household, HouseholdId, PersonId};

    /// 2027-01-15 12:00 UTC.
    /// 2027-01-15.
    const PRINTED_MS: u64 = 1_800_000_000_000;

    /// `text` as the document escapes it (dioxus-ssr's escaper).
    fn escaped(text: &str) -> String {
        dioxus::ssr::render_element(rsx! { "{text}" })
    }

    fn printed() -> NaiveDate {
        groundgame_core::time::utc_date(PRINTED_MS)
    }

    fn household(id: i64, street: &str, number: &str) -> Household {
        Household {
            id: HouseholdId(id),
            turf: TurfId(1),
            street: street.into(),
            number: number.into(),
            unit: String::new(),
            city: "Durham".into(),
            zip: "27701".into(),
            lat: None,
            lon: None,
            walk_order: u32::try_from(id).expect("small"),
        }
    }

    fn person(household: i64, first: &str, last: &str, born: u16, party: &str) -> Person {
        Person {
            id: PersonId::new_v7(),
            household: HouseholdId(household),
            source_id: String::new(),
            first_name: first.into(),
            last_name: last.into(),
            birth_year: Some(born),
            party: Some(party.into()),
            phone: None,
            language: None,
        }
    }

    fn sheet() -> PrintSheet {
        let mut doors: Vec<PrintDoor> = (1..=6)
            .map(|i| PrintDoor {
                household: household(i, "Elm St", &format!("{}", i * 2)),
                people: Vec::new(),
                status: DoorStatus::NOT_VISITED,
            })
            .collect();
        doors[0].people = vec![
            person(1, "Ana", "García", 1980, "DEM"),
            person(1, "<script>alert(1)</script>", "O'Brien & Co", 1990, "UNA"),
        ];
        doors[1].status = DoorStatus {
            state: DoorState::TryAgain,
            result: Some("not_home".into()),
            attempts: 2,
            last_attempt: None,
        };
        doors.push(PrintDoor {
            household: household(7, "Oak Ave", "5"),
            people: vec![person(7, "Luis", "Pérez", 1955, "REP")],
            status: DoorStatus::NOT_VISITED,
        });
        doors.push(PrintDoor {
            household: household(8, "Pine Ct", "1"),
            people: Vec::new(),
            status: DoorStatus::NOT_VISITED,
        });
        let mut campaign = CampaignConfig::with_defaults(CampaignId(1), "Test");
        let choice = |key: &str, en: &str, es: &str| SurveyChoice {
            key: key.into(),
            label_en: en.into(),
            label_es: es.into(),
        };
        campaign.questions.push(SurveyQuestion {
            key: "rent".into(),
            text_en: "Is rent your biggest worry?".into(),
            text_es: "¿Es el alquiler su mayor preocupación?".into(),
            choices: vec![choice("yes", "Yes", "Sí"), choice("no", "No", "No")],
        });
        PrintSheet {
            turf_name: "Walnut <North>".into(),
            campaign: Some(campaign),
            doors,
        }
    }

    #[test]
    fn a_standalone_document_in_walking_order_grouped_by_street() {
        let html = walk_list_document(&sheet(), Lang::En, printed());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.trim_end().ends_with("</html>"));
        assert!(html.contains("@media print"));
        assert!(html.contains("<h1>Walnut &#60;North&#62;</h1>"), "{html}");
        assert!(html.contains("2027-01-15"), "date printed");
        assert!(html.contains("8 doors"), "doors count");
        let elm = html.find("<h2>Elm St").expect("Elm St");
        let oak = html.find("<h2>Oak Ave").expect("Oak Ave");
        let pine = html.find("<h2>Pine Ct").expect("Pine Ct");
        assert!(elm < oak && oak < pine, "walking order");
        assert_eq!(html.matches("<article class=\"door\">").count(), 8);
        // A long street starts a page, and so does the one after it; short runs share.
        assert_eq!(html.matches("class=\"street new-page\"").count(), 1);
        // People: name, age (from the printing year), party.
        assert!(html.contains("Ana García · Age 47 · Party DEM"), "{html}");
        // Status from the fold, results, survey choices, pledge, notes.
        assert!(
            html.contains("Try again · Not home · Tried 2 times"),
            "{html}"
        );
        assert!(html.contains("Building inaccessible") && html.contains("Talked"));
        assert!(
            !html.contains("Wrong number"),
            "phone-only codes stay off paper"
        );
        assert!(html.contains("1 = Strong supporter"), "legend: {html}");
        // Every survey question, with its choices as tick boxes.
        assert!(html.contains("<strong>Q2</strong>: Is rent your biggest worry?"));
        assert!(html.contains("Q2:</span>"), "{html}");
        assert!(html.contains("<i></i>Yes</span>"), "{html}");
        assert!(html.contains("Pledged to vote") && html.contains("Notes"));
        assert!(html.contains(Lang::En.t(Msg::NobodyListed)));
    }

    #[test]
    fn every_value_from_the_voter_file_is_escaped() {
        let html = walk_list_document(&sheet(), Lang::En, printed());
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62; O&#39;Brien &#38; Co"),
            "{html}"
        );
        assert_eq!(
            escaped(r#"<a href="x">&'"#),
            "&#60;a href=&#34;x&#34;&#62;&#38;&#39;"
        );
    }

    #[test]
    fn spanish_sheet_has_every_word_in_spanish() {
        let html = walk_list_document(&sheet(), Lang::Es, printed());
        assert!(html.contains("<html lang=\"es\">"));
        for text in [
            "8 casas",
            "Edad 47",
            "Partido DEM",
            "Intentar otra vez · No está en casa · 2 intentos",
            "Edificio inaccesible",
            "Conversamos",
            "1 = Apoyo firme",
            "Se compromete a votar",
            Lang::Es.t(Msg::PrintTitle),
            Lang::Es.t(Msg::PrintInstructions),
            Lang::Es.t(Msg::PrintNotes),
            Lang::Es.t(Msg::PrintedOn),
        ] {
            assert!(html.contains(&escaped(text)), "missing {text}: {html}");
        }
        assert!(html.contains("P2</strong>: ¿Es el alquiler su mayor preocupación?"));
        assert!(html.contains("P2:</span>") && html.contains("<i></i>Sí</span>"));
        for english in ["Not visited", "Not home", "Notes", "Age ", "Party "] {
            assert!(
                !html.contains(english),
                "English {english:?} on a Spanish sheet"
            );
        }
    }

    #[test]
    fn the_sheet_carries_the_day_it_was_printed() {
        let html = walk_list_document(&sheet(), Lang::En, printed());
        assert!(html.contains("2027-01-15"), "{html}");
    }

    #[test]
    fn saves_the_file_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let html = walk_list_document(&sheet(), Lang::En, printed());
        let path = save_document(dir.path(), TurfId(1), printed(), &html).expect("save");
        assert_eq!(
            path.file_name().and_then(|n| n.to_str()),
            Some("walk-list-1-2027-01-15.html")
        );
        assert_eq!(std::fs::read_to_string(&path).expect("read"), html);
    }
}
