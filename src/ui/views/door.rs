//! The door: who lives here and what teammates already recorded; choose who answered, the
//! result (building, door or person level, from the campaign's codes), the support
//! question, a pledge with its plan, the volunteer and donate asks, a note; Save writes the
//! whole visit in ONE store transaction, nudges the sync engine and goes to the next door
//! in walking order. Saving never waits on the network, and a second tap on Save records
//! nothing more (the form is keyed by household and refuses a second save).
//!
//! Someone not on the list can be added (a `PersonAdded` event with a new id made here).

use dioxus::prelude::*;
use groundgame_core::domain::{ResultLevel, SUPPORT_QUESTION};
use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan};
use groundgame_core::{CampaignConfig, EventBody, HouseholdId, PersonId, TurfId};

use crate::ui::components::{BigButton, ChoiceButton, StatusBadge};
use crate::ui::context::{use_drafts, use_lang, use_services};
use crate::ui::data::{self, full_name};
use crate::ui::i18n::{self, Lang, Msg};
use crate::ui::Route;

/// Result codes that belong to phone banking; the door screen does not offer them.
const PHONE_ONLY: &[&str] = &[
    "no_answer",
    "left_message",
    "busy",
    "wrong_number",
    "disconnected",
    "call_back",
    "do_not_call",
];

/// What the volunteer has chosen so far at this door.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitForm {
    pub answered: Option<PersonId>,
    pub result: Option<String>,
    pub support: Option<String>,
    pub pledged: bool,
    pub plan: VotePlan,
    pub volunteer: Option<AskAnswer>,
    pub donate: Option<AskAnswer>,
    pub note: String,
}

impl VisitForm {
    /// Whether anything about the person was answered.
    fn has_answers(&self) -> bool {
        self.support.is_some() || self.pledged || self.volunteer.is_some() || self.donate.is_some()
    }
}

/// The events of one visit, in the order `record_visit` expects (the contact first), or
/// the message saying what is missing.
pub fn visit_events(
    form: &VisitForm,
    campaign: &CampaignConfig,
) -> Result<Vec<(Option<PersonId>, EventBody)>, Msg> {
    let result = form.result.clone().ok_or(Msg::NeedResult)?;
    let level = campaign
        .result_code(&result)
        .map_or(ResultLevel::Door, |c| c.level);
    if (level == ResultLevel::Person || form.has_answers()) && form.answered.is_none() {
        return Err(Msg::NeedPerson);
    }
    let person = form.answered;
    let contact_person = if level == ResultLevel::Person {
        person
    } else {
        None
    };
    let mut items = vec![(
        contact_person,
        EventBody::Contact {
            channel: Channel::Door,
            result,
        },
    )];
    if let Some(answer) = &form.support {
        items.push((
            person,
            EventBody::Survey {
                attempt: None,
                question: SUPPORT_QUESTION.into(),
                answer: answer.clone(),
            },
        ));
    }
    if form.pledged {
        let plan = VotePlan {
            when: form.plan.when.trim().to_owned(),
            place: form.plan.place.trim().to_owned(),
            how: form.plan.how.trim().to_owned(),
        };
        items.push((
            person,
            EventBody::Pledge {
                attempt: None,
                plan,
            },
        ));
    }
    for (ask, answer) in [
        (AskKind::Volunteer, form.volunteer),
        (AskKind::Donate, form.donate),
    ] {
        if let Some(answer) = answer {
            items.push((
                person,
                EventBody::Ask {
                    attempt: None,
                    ask,
                    answer,
                    amount_cents: None,
                },
            ));
        }
    }
    if !form.note.trim().is_empty() {
        items.push((
            person,
            EventBody::Note {
                attempt: None,
                text: form.note.trim().to_owned(),
            },
        ));
    }
    Ok(items)
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
    let mut door = use_resource(move || {
        let store = store.clone();
        async move { data::door(&store, TurfId(turf), HouseholdId(household)) }
    });
    let mut saving = use_signal(|| false);
    let mut saved = use_signal(|| false);
    let mut drafts = use_drafts();
    let mut form = use_signal(|| drafts.get(HouseholdId(household)).unwrap_or_default());
    // Keep the unsaved form, so leaving the door and coming back loses nothing.
    use_effect(move || {
        let current = form();
        if !*saved.peek() {
            drafts.keep(HouseholdId(household), current);
        }
    });
    let mut error = use_signal(|| None::<String>);
    let mut adding = use_signal(|| false);
    let mut new_first = use_signal(String::new);
    let mut new_last = use_signal(String::new);

    let save_services = services.clone();
    let save = move |_| {
        // A double tap: the first tap already saved (or is saving) this visit.
        if *saving.peek() || *saved.peek() {
            return;
        }
        saving.set(true);
        let (campaign, next) = match &*door.peek() {
            Some(Ok(Some(d))) => (d.campaign.clone(), d.next),
            _ => (None, None),
        };
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
                drafts.clear(HouseholdId(household));
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
        .map(|c| c.result_codes.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|c| !PHONE_ONLY.contains(&c.key.as_str()))
        .collect();
    let levels = [
        (ResultLevel::Building, Msg::ResultBuilding),
        (ResultLevel::Door, Msg::ResultDoor),
        (ResultLevel::Person, Msg::ResultPerson),
    ];
    let support_q = d
        .campaign
        .as_ref()
        .and_then(|c| c.question(SUPPORT_QUESTION).cloned());
    let label_of = |key: &str| -> String {
        d.campaign
            .as_ref()
            .and_then(|c| c.result_code(key))
            .map_or_else(
                || key.to_owned(),
                |c| l.pick(&c.label_en, &c.label_es).to_owned(),
            )
    };
    let history: Vec<(usize, String)> = d
        .history
        .iter()
        .enumerate()
        .map(|(i, (key, who))| {
            let label = label_of(key);
            (
                i,
                match who {
                    Some(name) => format!("{label} — {name}"),
                    None => label,
                },
            )
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
                    for (i, line) in history {
                        li { key: "{i}", "{line}" }
                    }
                }
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
                    button { class: "link-button", r#type: "button", id: "someone-new",
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

            if f.answered.is_some() {
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
