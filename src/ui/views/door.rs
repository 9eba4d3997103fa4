//! The door: who lives here and what teammates already recorded; choose who answered, the
//! result (building, door or person level, from the campaign's codes), the support
//! question, a pledge with its plan, the volunteer and donate asks, a note; Save writes the
//! whole visit in ONE store transaction, nudges the sync engine and goes to the next door
//! in walking order. Saving never waits on the network, and a second tap on Save records
//! nothing more (the form is keyed by household and refuses a second save).
//!
//! When the campaign has a door script, the conversation is that script instead (see
//! [`super::door_script`]): its intro, then its questions one after another, branching on
//! the answers; its survey questions record survey answers, its pledge question the pledge
//! (with the plan), its asks the asks, as the fixed form does without a script.
//!
//! Someone not on the list can be added (a `PersonAdded` event with a new id made here).
//!
//! The form is a draft in the local store from the first change (see
//! [`crate::store::drafts`]): leaving the door, taking a call or the app being killed and
//! restarted finds it as it was left — who answered, the result, the answers, the plan,
//! the asks, the note and a new person half typed. Saving the visit clears it.

use std::cell::RefCell;
use std::rc::Rc;

use groundgame_core::conversation::{self, Conversation, Missing};

use dioxus::prelude::*;
use groundgame_core::domain::{ResultLevel, SUPPORT_QUESTION};
use groundgame_core::event::{AskAnswer, VotePlan};
use groundgame_core::{CampaignConfig, EventBody, HouseholdId, PersonId, TurfId};

use crate::store::Store;
use crate::ui::components::{BigButton, ChoiceButton, StatusBadge};
use crate::ui::context::{use_lang, use_services, use_sync_status};
use crate::ui::data::{self, full_name};
use crate::ui::i18n::{self, Lang, Msg};
use crate::ui::Route;

use super::door_script::{self, ScriptAnswers, ScriptIntro, ScriptQuestions};

/// The "someone new at the door" button's id (an expression, so the element can be found
/// in the rendered mutations as well as in the page).
const SOMEONE_NEW: &str = "someone-new";

/// What the volunteer has chosen so far at this door.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct VisitForm {
    pub answered: Option<PersonId>,
    pub result: Option<String>,
    pub support: Option<String>,
    pub pledged: bool,
    pub plan: VotePlan,
    pub volunteer: Option<AskAnswer>,
    pub donate: Option<AskAnswer>,
    pub note: String,
    /// The answers to the campaign's door script, when it has one (then `support`,
    /// `pledged`, `volunteer` and `donate` are not used: the script's answers say them).
    pub script: ScriptAnswers,
}

/// What the person answered in `form`: to `script` (only the answers on the path it took),
/// or to the fixed questions when there is none; with the form's plan and note.
pub(crate) fn conversation(
    form: &VisitForm,
    script: Option<&groundgame_core::script::Script>,
) -> Conversation {
    let talk = match script {
        Some(script) => Conversation::from_script(door_script::on_path(script, &form.script)),
        None => Conversation::fixed(
            form.support.as_deref(),
            form.pledged,
            form.volunteer,
            form.donate,
        ),
    };
    talk.with_plan_and_note(&form.plan, &form.note)
}

/// What to tell the volunteer is missing.
pub(crate) fn missing_message(missing: Missing) -> Msg {
    match missing {
        Missing::Result => Msg::NeedResult,
        Missing::Person => Msg::NeedPerson,
        Missing::CallBackTime => Msg::NeedCallBackTime,
    }
}

/// Everything unsaved at a door: the form and a new person being typed. Kept in the local
/// store as JSON while the volunteer works (`#[serde(default)]`: a draft written by an
/// older build still opens).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DoorDraft {
    pub form: VisitForm,
    /// The "someone new at the door" fields are open.
    pub adding: bool,
    pub new_first: String,
    pub new_last: String,
}

/// The draft kept for `household`, or an empty form. A draft that cannot be read (from a
/// future build, or damaged) is dropped rather than blocking the door.
pub fn load_draft(store: &Store, household: HouseholdId) -> DoorDraft {
    match data::door_draft(store, household) {
        // Only the error's category is logged: its text could quote the note.
        Some(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
            tracing::warn!(household = household.0, kind = ?e.classify(), "unreadable door draft dropped");
            DoorDraft::default()
        }),
        None => DoorDraft::default(),
    }
}

/// Keep `draft` as the unsaved form of `household` (an empty form removes it). A failure
/// is logged and the volunteer carries on: the form on screen is intact, only the copy
/// that would survive a restart is missing.
pub fn keep_draft(store: &Store, household: HouseholdId, draft: &DoorDraft) {
    let written = if *draft == DoorDraft::default() {
        store.clear_draft(household)
    } else {
        // Serializing plain strings and ids cannot fail; if it ever did, keep nothing.
        match serde_json::to_string(draft) {
            Ok(json) => store.save_draft(household, &json),
            Err(_) => store.clear_draft(household),
        }
    };
    if let Err(e) = written {
        tracing::warn!(household = household.0, error = %e, "door draft not kept");
    }
}

/// The events of one visit, in the order `record_visit` expects (the contact first), or
/// the message saying what is missing (the rules are `core::conversation`'s).
pub fn visit_events(
    form: &VisitForm,
    campaign: &CampaignConfig,
) -> Result<Vec<(Option<PersonId>, EventBody)>, Msg> {
    let talk = conversation(form, campaign.door_script().map(|s| &s.script));
    conversation::door_visit(campaign, form.result.as_deref(), form.answered, talk)
        .map_err(missing_message)
}

/// The route component: a fresh form for every door, so nothing chosen at one door carries
/// over to the next. (Keys are honoured in lists, so the form is a keyed list of one.)
#[component]
pub fn Door(turf: i64, household: i64) -> Element {
    rsx! {
        for (turf, household) in [(turf, household)] {
            DoorForm { key: "{turf}-{household}", turf, household }
        }
    }
}

#[component]
fn DoorForm(turf: i64, household: i64) -> Element {
    let services = use_services();
    let l = use_lang()();
    let nav = use_navigator();
    let store = services.store.clone();
    let status = use_sync_status();
    let mut door = use_resource(move || {
        let store = store.clone();
        // Re-read when a sync lands: teammates' knocks and notes appear, and a door whose
        // turf was taken away says so (the form's draft is separate and stays).
        let s = status.read();
        let _landed = (s.last_success_ms, s.download);
        async move { data::door(&store, TurfId(turf), HouseholdId(household)) }
    });
    let mut saving = use_signal(|| false);
    let mut saved = use_signal(|| false);
    // The draft this door was left with (read once, when the door opens).
    let restored = use_hook(|| load_draft(&services.store, HouseholdId(household)));
    let mut form = use_signal(|| restored.form.clone());
    let mut adding = use_signal(|| restored.adding);
    let mut new_first = use_signal(|| restored.new_first.clone());
    let mut new_last = use_signal(|| restored.new_last.clone());
    // What the store holds now, so re-renders that change nothing write nothing.
    let kept = use_hook(|| Rc::new(RefCell::new(restored.clone())));
    let draft_store = services.store.clone();
    // Keep every change in the store, so leaving the door (or the app) loses nothing.
    use_effect(move || {
        let current = DoorDraft {
            form: form(),
            adding: adding(),
            new_first: new_first(),
            new_last: new_last(),
        };
        if *saved.peek() || *kept.borrow() == current {
            return;
        }
        keep_draft(&draft_store, HouseholdId(household), &current);
        *kept.borrow_mut() = current;
    });
    let mut error = use_signal(|| None::<String>);

    let save_services = services.clone();
    let save = move |_| {
        // A double tap: the first tap already saved (or is saving) this visit.
        if *saving.peek() || *saved.peek() {
            return;
        }
        saving.set(true);
        let (campaign, next, gone) = match &*door.peek() {
            Some(Ok(Some(d))) => {
                // A restored draft may name someone who has since left this door.
                let gone = form
                    .peek()
                    .answered
                    .is_some_and(|id| d.people.iter().all(|p| p.id != id));
                (d.campaign.clone(), d.next, gone)
            }
            _ => (None, None, false),
        };
        if gone {
            form.write().answered = None;
        }
        let Some(campaign) = campaign else {
            error.set(Some(
                l.t(Msg::CouldNotRead).to_owned() + " " + l.t(Msg::OfflineHelp),
            ));
            saving.set(false);
            return;
        };
        let items = match visit_events(&form.peek(), &campaign) {
            Ok(items) => items,
            Err(msg) => {
                error.set(Some(l.t(msg).to_owned()));
                saving.set(false);
                return;
            }
        };
        match save_services
            .store
            .record_visit(HouseholdId(household), items)
        {
            Ok(_) => {
                saved.set(true);
                if let Err(e) = save_services.store.clear_draft(HouseholdId(household)) {
                    tracing::warn!(household, error = %e, "saved door's draft not cleared");
                }
                error.set(None);
                save_services.sync.nudge();
                match next {
                    Some(next) => nav.push(Route::Door {
                        turf,
                        household: next.0,
                    }),
                    None => nav.push(Route::WalkList { turf }),
                };
            }
            Err(e) => {
                error.set(Some(i18n::save_failed(l, &e.to_string())));
                saving.set(false);
            }
        }
    };

    let add_services = services.clone();
    let add_person = move |_| {
        let (first, last) = (
            new_first.peek().trim().to_owned(),
            new_last.peek().trim().to_owned(),
        );
        if first.is_empty() && last.is_empty() {
            error.set(Some(l.t(Msg::NeedName).to_owned()));
            return;
        }
        let id = PersonId::new_v7();
        let body = EventBody::PersonAdded {
            first_name: first,
            last_name: last,
            language: Some(l.code().to_owned()),
            phone: None,
        };
        match add_services
            .store
            .record(HouseholdId(household), Some(id), body)
        {
            Ok(_) => {
                add_services.sync.nudge();
                form.write().answered = Some(id);
                adding.set(false);
                new_first.set(String::new());
                new_last.set(String::new());
                error.set(None);
                door.restart();
            }
            Err(e) => error.set(Some(i18n::save_failed(l, &e.to_string()))),
        }
    };

    let loaded = door.read();
    let d = match &*loaded {
        None => return rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("door: {e}");
            return rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } };
        }
        Some(Ok(None)) => {
            return rsx! {
                div { class: "notice error", role: "alert",
                    p { {l.t(Msg::DoorNotFound)} }
                    Link { class: "big-button secondary", to: Route::WalkList { turf }, {l.t(Msg::Back)} }
                }
            }
        }
        Some(Ok(Some(d))) => d.clone(),
    };
    drop(loaded);

    let f = form();
    let codes: Vec<_> = d
        .campaign
        .as_ref()
        .map(CampaignConfig::door_result_codes)
        .unwrap_or_default();
    let levels = [
        (ResultLevel::Building, Msg::ResultBuilding),
        (ResultLevel::Door, Msg::ResultDoor),
        (ResultLevel::Person, Msg::ResultPerson),
    ];
    let support_q = d
        .campaign
        .as_ref()
        .and_then(|c| c.question(SUPPORT_QUESTION).cloned());
    // The campaign's door script, when it has one, replaces the fixed questions.
    let script = d
        .campaign
        .as_ref()
        .and_then(|c| c.door_script())
        .map(|s| s.script.clone());
    let label_of = |key: &str| -> String {
        d.campaign
            .as_ref()
            .and_then(|c| c.result_code(key))
            .map_or_else(
                || key.to_owned(),
                |c| l.pick(&c.label_en, &c.label_es).to_owned(),
            )
    };
    let history: Vec<(usize, String, Option<String>)> = d
        .history
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let label = match (&entry.result, &entry.who) {
                (Some(key), Some(name)) => format!("{} — {name}", label_of(key)),
                (Some(key), None) => label_of(key),
                (None, Some(name)) => format!("{} — {name}", l.t(Msg::NoteLabel)),
                (None, None) => l.t(Msg::NoteLabel).to_owned(),
            };
            (i, label, entry.note.clone())
        })
        .collect();
    let address = format!(
        "{} {}",
        data::address_line(&d.household),
        d.household.street
    );
    let save_label = if saving() {
        l.t(Msg::Saving)
    } else if d.next.is_some() {
        l.t(Msg::Save)
    } else {
        l.t(Msg::SaveLast)
    };

    rsx! {
        article { class: "door", "aria-labelledby": "door-title",
            nav { class: "crumbs",
                Link { class: "back", to: Route::WalkList { turf }, "‹ " {l.t(Msg::Back)} }
            }
            header { class: "door-head",
                h2 { id: "door-title", "{address}" }
                StatusBadge { state: d.status.state, label: i18n::door_state(l, d.status.state).to_string() }
                if d.status.attempts > 0 {
                    span { class: "attempts", {i18n::attempts(l, d.status.attempts)} }
                }
            }

            section { class: "history", "aria-labelledby": "history-title",
                h3 { id: "history-title", {l.t(Msg::History)} }
                if history.is_empty() {
                    p { class: "muted", {l.t(Msg::NoHistory)} }
                }
                ul {
                    for (i, line, note) in history {
                        li { key: "{i}",
                            "{line}"
                            if let Some(note) = note {
                                q { class: "history-note", "{note}" }
                            }
                        }
                    }
                }
            }

            if let Some(s) = script.clone() {
                ScriptIntro { script: s, lang: l }
            }

            section { class: "people", "aria-labelledby": "people-title",
                h3 { id: "people-title", {l.t(Msg::WhoAnswered)} }
                if d.people.is_empty() {
                    p { class: "muted", {l.t(Msg::NobodyListed)} }
                }
                div { class: "choices column", role: "group", "aria-labelledby": "people-title",
                    for p in d.people.iter() {
                        ChoiceButton {
                            key: "{p.id}",
                            id: format!("person-{}", p.id),
                            label: person_label(l, p, d.support.get(&p.id), support_q.as_ref()),
                            selected: f.answered == Some(p.id),
                            onclick: {
                                let id = p.id;
                                move |_| {
                                    let mut w = form.write();
                                    w.answered = if w.answered == Some(id) { None } else { Some(id) };
                                }
                            },
                        }
                    }
                }
                if adding() {
                    div { class: "new-person",
                        label { r#for: "new-first", {l.t(Msg::FirstName)} }
                        input { id: "new-first", r#type: "text", autocomplete: "off", value: "{new_first}",
                            oninput: move |e| new_first.set(e.value()) }
                        label { r#for: "new-last", {l.t(Msg::LastName)} }
                        input { id: "new-last", r#type: "text", autocomplete: "off", value: "{new_last}",
                            oninput: move |e| new_last.set(e.value()) }
                        div { class: "row",
                            BigButton { label: l.t(Msg::AddPerson).to_string(), onclick: add_person }
                            BigButton { label: l.t(Msg::Cancel).to_string(), kind: "secondary", onclick: move |_| adding.set(false) }
                        }
                    }
                } else {
                    button { class: "link-button", r#type: "button", id: SOMEONE_NEW,
                        onclick: move |_| adding.set(true),
                        "+ " {l.t(Msg::SomeoneNew)}
                    }
                }
            }

            section { class: "results", "aria-labelledby": "results-title",
                h3 { id: "results-title", {l.t(Msg::ChooseResult)} }
                for (level, title) in levels {
                    if codes.iter().any(|c| c.level == level) {
                        div { class: "result-level", key: "{title:?}",
                            h4 { {l.t(title)} }
                            div { class: "choices", role: "group", "aria-label": l.t(title),
                                for c in codes.iter().filter(|c| c.level == level) {
                                    button {
                                        key: "{c.key}",
                                        class: if f.result.as_deref() == Some(c.key.as_str()) { "choice selected" } else { "choice" },
                                        r#type: "button",
                                        "data-key": "{c.key}",
                                        "aria-pressed": if f.result.as_deref() == Some(c.key.as_str()) { "true" } else { "false" },
                                        onclick: {
                                            let key = c.key.clone();
                                            move |_| form.write().result = Some(key.clone())
                                        },
                                        {l.pick(&c.label_en, &c.label_es)}
                                    }
                                }
                            }
                        }
                    }
                }
            }

            if let (Some(s), true) = (script.clone(), f.answered.is_some()) {
                ScriptQuestions { script: s, lang: l, form }
            } else if script.is_some() {
                p { class: "muted script-needs-person", {l.t(Msg::ScriptNeedsPerson)} }
            } else if f.answered.is_some() {
                section { class: "conversation",
                    if let Some(q) = support_q.clone() {
                        h3 { id: "support-title", {l.t(Msg::Support)} }
                        p { class: "question", {l.pick(&q.text_en, &q.text_es)} }
                        div { class: "choices scale", role: "group", "aria-labelledby": "support-title",
                            for c in q.choices.iter() {
                                button {
                                    key: "{c.key}",
                                    class: if f.support.as_deref() == Some(c.key.as_str()) { "choice selected" } else { "choice" },
                                    r#type: "button",
                                    "data-support": "{c.key}",
                                    "aria-pressed": if f.support.as_deref() == Some(c.key.as_str()) { "true" } else { "false" },
                                    title: l.pick(&c.label_en, &c.label_es),
                                    onclick: {
                                        let key = c.key.clone();
                                        move |_| {
                                            let mut w = form.write();
                                            w.support = if w.support.as_deref() == Some(key.as_str()) { None } else { Some(key.clone()) };
                                        }
                                    },
                                    strong { "{c.key}" }
                                    span { class: "scale-label", {l.pick(&c.label_en, &c.label_es)} }
                                }
                            }
                        }
                    }
                    div { class: "toggle-row",
                        input {
                            id: "pledge",
                            r#type: "checkbox",
                            class: "toggle",
                            checked: f.pledged,
                            onchange: move |e| form.write().pledged = e.checked(),
                        }
                        label { r#for: "pledge", {l.t(Msg::Pledge)} }
                    }
                    if f.pledged {
                        PlanFields { form, lang: l }
                    }
                    AskRow { title: l.t(Msg::AskVolunteer).to_string(), lang: l, value: f.volunteer,
                        onchange: move |a| form.write().volunteer = a }
                    AskRow { title: l.t(Msg::AskDonate).to_string(), lang: l, value: f.donate,
                        onchange: move |a| form.write().donate = a }
                }
            }

            section { class: "note",
                label { r#for: "note", {l.t(Msg::Note)} }
                textarea { id: "note", rows: "3", value: "{f.note}",
                    oninput: move |e| form.write().note = e.value() }
            }

            if let Some(message) = error() {
                div { class: "notice error", role: "alert", id: "door-error", p { "{message}" } }
            }
            if saved() {
                p { class: "saved", role: "status", {l.t(Msg::Saved)} }
            }
            div { class: "save-bar",
                BigButton { id: "save-visit", label: save_label.to_string(), disabled: saving() || saved(), onclick: save }
            }
        }
    }
}

/// "Ana Doe · 1 Strong supporter".
fn person_label(
    l: Lang,
    p: &groundgame_core::Person,
    support: Option<&String>,
    question: Option<&groundgame_core::SurveyQuestion>,
) -> String {
    let name = full_name(p);
    match (support, question) {
        (Some(answer), Some(q)) => {
            let label = q
                .choices
                .iter()
                .find(|c| &c.key == answer)
                .map_or(answer.as_str(), |c| l.pick(&c.label_en, &c.label_es));
            format!("{name} · {answer} {label}")
        }
        _ => name,
    }
}

/// The vote plan's three fields (when, where, how), shown once someone pledges.
#[component]
pub(crate) fn PlanFields(form: Signal<VisitForm>, lang: Lang) -> Element {
    let l = lang;
    let mut form = form;
    let f = form();
    rsx! {
        div { class: "plan",
            label { r#for: "plan-when", {l.t(Msg::PledgeWhen)} }
            input { id: "plan-when", r#type: "text", value: "{f.plan.when}",
                oninput: move |e| form.write().plan.when = e.value() }
            label { r#for: "plan-where", {l.t(Msg::PledgeWhere)} }
            input { id: "plan-where", r#type: "text", value: "{f.plan.place}",
                oninput: move |e| form.write().plan.place = e.value() }
            label { r#for: "plan-how", {l.t(Msg::PledgeHow)} }
            input { id: "plan-how", r#type: "text", value: "{f.plan.how}",
                oninput: move |e| form.write().plan.how = e.value() }
        }
    }
}

/// Yes / No / Maybe for an ask; tapping the chosen answer again clears it.
#[component]
fn AskRow(
    title: String,
    lang: Lang,
    value: Option<AskAnswer>,
    onchange: EventHandler<Option<AskAnswer>>,
) -> Element {
    let answers = [
        (AskAnswer::Yes, Msg::Yes),
        (AskAnswer::No, Msg::No),
        (AskAnswer::Maybe, Msg::Maybe),
    ];
    rsx! {
        div { class: "ask",
            h4 { "{title}" }
            div { class: "choices", role: "group", "aria-label": "{title}",
                for (answer, msg) in answers {
                    ChoiceButton {
                        label: lang.t(msg).to_string(),
                        selected: value == Some(answer),
                        onclick: move |_| onchange.call(if value == Some(answer) { None } else { Some(answer) }),
                    }
                }
            }
        }
    }
}
