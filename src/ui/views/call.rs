//! The call session: ONE contact at a time from what this device holds — their name, the
//! number large with a dial button (a `tel:` link; on a computer the number shows and
//! copies), their preferred language, the list's script in English or Spanish (picked by
//! the contact's language, switchable) walked like the door's, the dispositions as big
//! buttons (a call-back asks when: in an hour, this evening, tomorrow, or any time), and
//! after "talked" the survey, pledge and asks; a note. "Save and next contact" records the
//! call in ONE store transaction (events + outbox + the contact marked reached) and shows
//! the next contact; nothing waits on the network, so a whole session works offline on
//! the contacts held. When nobody is left, the screen says why.

use dioxus::prelude::*;
use groundgame_core::domain::SUPPORT_QUESTION;
use groundgame_core::event::{AskAnswer, AskKind};
use groundgame_core::{CallListId, CampaignConfig, EventBody, PersonId, ResultEffect};

use super::door::{conversation, missing_message, PlanFields, VisitForm};
use super::door_script::{ScriptIntro, ScriptQuestions};
use crate::store::calls::HeldContact;
use crate::ui::components::{BigButton, ChoiceButton};
use crate::ui::context::{use_lang, use_services, use_sync_status};
use crate::ui::data;
use crate::ui::data::calls::{self, Nobody, QuickTime, CALL_BACK};
use crate::ui::i18n::{self, Lang, Msg};
use crate::ui::local_time::use_time_zone;
use crate::ui::views::call_lists::{call_backs_here, left_on_list, ready_here};
use crate::ui::Route;
use groundgame_core::conversation::{self, Missing};

/// What the caller chose on this call, besides the conversation (kept in [`VisitForm`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallChoice {
    /// When to call back (ms since the epoch), with a call-back result.
    pub call_back_at: Option<u64>,
}

/// Everything unsaved on a call, kept in the local store as the caller works (so a call
/// survives the app being closed or the phone's dialer taking the screen), cleared when
/// the call is recorded or skipped. `#[serde(default)]`: an older draft still opens.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CallDraft {
    pub form: VisitForm,
    pub call_back_at: Option<u64>,
    /// The "another time" field as typed.
    pub other_time: String,
    /// The script is shown in Spanish (else English).
    pub script_es: bool,
}

/// The events of one call, the contact first, or what is missing. The conversation's
/// answers (script or fixed questions) are recorded only with a result where they talked.
pub fn call_events(
    person: PersonId,
    form: &VisitForm,
    choice: &CallChoice,
    campaign: &CampaignConfig,
    script_key: Option<&str>,
) -> Result<Vec<(Option<PersonId>, EventBody)>, Msg> {
    let script = calls::call_script(campaign, script_key);
    let talk = conversation(form, script.map(|s| &s.script));
    conversation::phone_call(
        campaign,
        person,
        form.result.as_deref(),
        choice.call_back_at,
        talk,
    )
    .map_err(|missing| match missing {
        Missing::Result => Msg::NeedDisposition,
        other => missing_message(other),
    })
}

/// "(919) 555-0123" for a North American number, else the number as stored.
pub fn pretty_phone(e164: &str) -> String {
    match e164.strip_prefix("+1") {
        Some(d) if d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit()) => {
            format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
        }
        _ => e164.to_owned(),
    }
}

/// The script language for a contact: Spanish for a Spanish speaker, English for anyone
/// else with a language on file, the volunteer's language otherwise.
pub fn script_lang_for(language: Option<&str>, ui: Lang) -> Lang {
    match language.map(|l| l.to_ascii_lowercase()) {
        Some(l) if l.starts_with("es") => Lang::Es,
        Some(l) if l.starts_with("en") => Lang::En,
        _ => ui,
    }
}

fn language_name(l: Lang, code: Option<&str>) -> Option<&'static str> {
    let code = code?.to_ascii_lowercase();
    if code.starts_with("es") {
        Some(l.t(Msg::LanguageSpanish))
    } else if code.starts_with("en") {
        Some(l.t(Msg::LanguageEnglish))
    } else {
        None
    }
}

fn quick_label(q: QuickTime) -> Msg {
    match q {
        QuickTime::InOneHour => Msg::InOneHour,
        QuickTime::ThisEvening => Msg::ThisEvening,
        QuickTime::TomorrowMorning => Msg::TomorrowMorning,
        QuickTime::TomorrowEvening => Msg::TomorrowEvening,
    }
}

fn quick_key(q: QuickTime) -> &'static str {
    match q {
        QuickTime::InOneHour => "in-1-hour",
        QuickTime::ThisEvening => "this-evening",
        QuickTime::TomorrowMorning => "tomorrow-morning",
        QuickTime::TomorrowEvening => "tomorrow-evening",
    }
}

/// The route component (`/calls/:list`).
#[component]
pub fn Call(list: i64) -> Element {
    let services = use_services();
    let l = use_lang()();
    let status = use_sync_status();
    let id = CallListId(list);
    // Opening a list asks the sync to keep contacts claimed for it.
    use_hook(|| match services.store.activate_call_list(id) {
        Ok(true) => services.sync.sync_now(),
        Ok(false) => {}
        Err(e) => tracing::warn!(list, error = %e, "call list not activated"),
    });
    // The contact on screen stays until the caller is done with them, whatever syncs land.
    let mut current = use_signal(|| None::<PersonId>);
    let mut turn = use_signal(|| 0u64);
    let store = services.store.clone();
    let session = use_resource(move || {
        let store = store.clone();
        let s = status.read();
        let _landed = (s.last_success_ms, s.state);
        let _turn = turn();
        let showing = *current.peek();
        async move {
            let loaded = calls::call_session(&store, id, showing);
            if let Ok(Some(s)) = &loaded {
                let now = s.contact.as_ref().map(|c| c.person);
                if *current.peek() != now {
                    current.set(now);
                }
            }
            loaded
        }
    });
    let next = move |()| {
        current.set(None);
        turn += 1;
    };
    let loaded = session.read();
    let s = match &*loaded {
        None => return rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("call session: {e}");
            return rsx! { div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } } };
        }
        Some(Ok(None)) => {
            return rsx! {
                div { class: "notice error", role: "alert",
                    p { {l.t(Msg::CallListNotFound)} }
                    Link { class: "big-button secondary", to: Route::CallLists {}, {l.t(Msg::BackToCallLists)} }
                }
            }
        }
        Some(Ok(Some(s))) => s.clone(),
    };
    drop(loaded);
    let info = &s.list.info;
    rsx! {
        article { class: "call", "aria-labelledby": "call-list-title",
            nav { class: "crumbs",
                Link { class: "back", to: Route::CallLists {}, "‹ " {l.t(Msg::BackToCallLists)} }
            }
            header { class: "call-head",
                h2 { id: "call-list-title", "{info.name}" }
                p { class: "call-counts", role: "status", id: "call-counts",
                    {ready_here(l, s.list.ready)} " · " {left_on_list(l, info.left, info.total)}
                }
            }
            match (s.contact.clone(), s.campaign.clone()) {
                (Some(contact), Some(campaign)) => rsx! {
                    for c in [contact] {
                        CallForm {
                            key: "{c.person}",
                            list,
                            contact: c.clone(),
                            campaign: campaign.clone(),
                            script_key: info.script.clone(),
                            on_done: next,
                        }
                    }
                },
                _ => rsx! { NobodyLeft { why: calls::why_nobody(&s.list, &status()), lang: l, waiting: s.list.waiting_call_backs } },
            }
        }
    }
}

/// Why nobody is left to call now, and what to do.
#[component]
fn NobodyLeft(why: Nobody, lang: Lang, waiting: u32) -> Element {
    let l = lang;
    let zone = use_time_zone();
    let (title, help) = match why {
        Nobody::Offline => (
            Msg::NobodyOfflineTitle,
            l.t(Msg::NobodyOfflineHelp).to_owned(),
        ),
        Nobody::Finished => (
            Msg::ListFinishedTitle,
            l.t(Msg::ListFinishedHelp).to_owned(),
        ),
        Nobody::Fetching => (
            Msg::FetchingContactsTitle,
            l.t(Msg::FetchingContactsHelp).to_owned(),
        ),
        Nobody::CallBacksLater(at) => (
            Msg::NobodyOfflineTitle,
            format!(
                "{} {}.",
                l.t(Msg::CallBacksLaterHelp),
                calls::show_time(at, zone())
            ),
        ),
    };
    rsx! {
        div { class: "notice empty call-nobody", id: "call-nobody", role: "status", "data-why": "{why:?}",
            h3 { {l.t(title)} }
            p { "{help}" }
            if waiting > 0 {
                p { class: "muted", {call_backs_here(l, waiting)} }
            }
            Link { class: "big-button secondary", to: Route::CallLists {}, {l.t(Msg::BackToCallLists)} }
        }
    }
}

#[component]
fn CallForm(
    list: i64,
    contact: HeldContact,
    campaign: CampaignConfig,
    script_key: Option<String>,
    on_done: EventHandler<()>,
) -> Element {
    let services = use_services();
    let l = use_lang()();
    let zone = use_time_zone();
    let person = contact.person;
    let fresh = CallDraft {
        form: VisitForm {
            answered: Some(person),
            ..VisitForm::default()
        },
        script_es: script_lang_for(contact.language.as_deref(), l) == Lang::Es,
        ..CallDraft::default()
    };
    // The draft this call was left with (read once, when the contact comes up).
    let restored = use_hook(|| {
        let kept = data::call_draft(&services.store, CallListId(list), person);
        // Only the error's category is logged: the text could quote the note.
        kept.and_then(|json| {
            serde_json::from_str::<CallDraft>(&json)
                .map_err(
                    |e| tracing::warn!(list, kind = ?e.classify(), "unreadable call draft dropped"),
                )
                .ok()
        })
        .map(|mut d| {
            d.form.answered = Some(person);
            d
        })
        .unwrap_or_else(|| fresh.clone())
    });
    let mut form = use_signal(|| restored.form.clone());
    let mut choice = use_signal(|| CallChoice {
        call_back_at: restored.call_back_at,
    });
    let mut other_time = use_signal(|| restored.other_time.clone());
    let mut script_lang = use_signal(|| {
        if restored.script_es {
            Lang::Es
        } else {
            Lang::En
        }
    });
    let kept = use_hook(|| std::rc::Rc::new(std::cell::RefCell::new(restored.clone())));
    let draft_store = services.store.clone();
    use_effect(move || {
        let current = CallDraft {
            form: form(),
            call_back_at: choice().call_back_at,
            other_time: other_time(),
            script_es: script_lang() == Lang::Es,
        };
        if *kept.borrow() == current {
            return;
        }
        let json = if current == fresh {
            String::new()
        } else {
            serde_json::to_string(&current).unwrap_or_default()
        };
        if let Err(e) = draft_store.save_call_draft(CallListId(list), person, &json) {
            tracing::warn!(list, error = %e, "call draft not kept");
        }
        *kept.borrow_mut() = current;
    });
    let mut error = use_signal(|| None::<String>);
    let mut saving = use_signal(|| false);
    let mut copied = use_signal(|| false);

    let save = {
        let services = services.clone();
        let campaign = campaign.clone();
        let contact = contact.clone();
        let script_key = script_key.clone();
        move |_| {
            if *saving.peek() {
                return;
            }
            saving.set(true);
            let items = match call_events(
                person,
                &form.peek(),
                &choice.peek(),
                &campaign,
                script_key.as_deref(),
            ) {
                Ok(items) => items,
                Err(msg) => {
                    error.set(Some(l.t(msg).to_owned()));
                    saving.set(false);
                    return;
                }
            };
            match services
                .store
                .record_call(CallListId(list), &contact, items)
            {
                Ok(_) => {
                    services.sync.nudge();
                    on_done.call(());
                }
                Err(e) => {
                    error.set(Some(i18n::save_failed(l, &e.to_string())));
                    saving.set(false);
                }
            }
        }
    };
    let skip = {
        let services = services.clone();
        move |_| {
            if *saving.peek() {
                return;
            }
            match services.store.skip_call(CallListId(list), person) {
                Ok(()) => {
                    services.sync.nudge();
                    on_done.call(());
                }
                Err(e) => error.set(Some(i18n::save_failed(l, &e.to_string()))),
            }
        }
    };
    let phone = contact.phone.clone();
    let copy = move |_| {
        let js = format!(
            "navigator.clipboard && navigator.clipboard.writeText({});",
            serde_json::to_string(&phone).unwrap_or_default()
        );
        let _ = document::eval(&js);
        copied.set(true);
    };

    let f = form();
    let sl = script_lang();
    let codes = calls::phone_dispositions(&campaign);
    let chosen_effect = f
        .result
        .as_deref()
        .and_then(|r| campaign.result_code(r))
        .map(|c| c.effect);
    let script = calls::call_script(&campaign, script_key.as_deref()).map(|s| s.script.clone());
    let support_q = campaign.question(SUPPORT_QUESTION).cloned();
    let name = format!("{} {}", contact.first_name, contact.last_name)
        .trim()
        .to_owned();
    let address = {
        let mut a = contact.number.clone();
        if !contact.unit.is_empty() {
            a = format!("{a}, {}", contact.unit);
        }
        format!("{a} {}, {}", contact.street, contact.city)
            .trim()
            .to_owned()
    };
    let now = services.store.now_known_ms();
    let quick = calls::quick_times(now, zone());
    let picked = choice().call_back_at;

    rsx! {
        section { class: "contact-card", "aria-labelledby": "contact-name",
            h3 { id: "contact-name", class: "contact-name", "{name}" }
            if contact.call_back_due.is_some() {
                span { class: "badge call-back-due", {l.t(Msg::CallBackDueNow)} }
            } else if contact.retry {
                span { class: "badge second-try", {l.t(Msg::SecondTry)} }
            }
            div { class: "dial",
                a { class: "dial-button", id: "dial", href: "tel:{contact.phone}",
                    "aria-label": l.t(Msg::DialLabel),
                    "☎ " {l.t(Msg::DialButton)}
                }
                p { class: "phone-number", id: "phone-number", "{pretty_phone(&contact.phone)}" }
                button { class: "link-button copy-number", r#type: "button", id: "copy-number", onclick: copy,
                    if copied() { {l.t(Msg::NumberCopied)} } else { {l.t(Msg::CopyNumber)} }
                }
            }
            p { class: "contact-address muted", "{address}" }
            if let Some(lang_name) = language_name(l, contact.language.as_deref()) {
                p { class: "contact-language", {l.t(Msg::PreferredLanguage)} ": " strong { "{lang_name}" } }
            }
        }
        div { class: "script-lang", role: "group", "aria-label": l.t(Msg::ScriptIn),
            span { {l.t(Msg::ScriptIn)} }
            ChoiceButton { id: "script-en".to_string(), label: "English".to_string(), selected: sl == Lang::En, onclick: move |_| script_lang.set(Lang::En) }
            ChoiceButton { id: "script-es".to_string(), label: "Español".to_string(), selected: sl == Lang::Es, onclick: move |_| script_lang.set(Lang::Es) }
        }
        if let Some(s) = script.clone() {
            ScriptIntro { script: s, lang: sl }
        }
        section { class: "results dispositions", "aria-labelledby": "dispositions-title",
            h3 { id: "dispositions-title", {l.t(Msg::HowDidItGo)} }
            div { class: "choices", role: "group", "aria-labelledby": "dispositions-title",
                for c in codes.iter() {
                    button {
                        key: "{c.key}",
                        class: if f.result.as_deref() == Some(c.key.as_str()) { "choice selected" } else { "choice" },
                        r#type: "button",
                        "data-result": "{c.key}",
                        "aria-pressed": if f.result.as_deref() == Some(c.key.as_str()) { "true" } else { "false" },
                        onclick: {
                            let key = c.key.clone();
                            move |_| {
                                form.write().result = Some(key.clone());
                                error.set(None);
                            }
                        },
                        {l.pick(&c.label_en, &c.label_es)}
                    }
                }
            }
        }
        if f.result.as_deref() == Some(CALL_BACK) || chosen_effect == Some(ResultEffect::ComeBack) {
            section { class: "call-back-time", "aria-labelledby": "call-back-title",
                h3 { id: "call-back-title", {l.t(Msg::CallBackWhen)} }
                div { class: "choices", role: "group", "aria-labelledby": "call-back-title",
                    for (q, at) in quick {
                        ChoiceButton {
                            key: "{quick_key(q)}",
                            id: format!("when-{}", quick_key(q)),
                            label: l.t(quick_label(q)).to_string(),
                            selected: picked == Some(at),
                            onclick: move |_| {
                                choice.write().call_back_at = Some(at);
                                other_time.set(calls::input_time(at, zone()));
                            },
                        }
                    }
                }
                label { r#for: "call-back-other", {l.t(Msg::OtherTime)} }
                input { id: "call-back-other", r#type: "datetime-local", value: "{other_time}",
                    oninput: move |e| {
                        let v = e.value();
                        choice.write().call_back_at = calls::parse_local_time(&v, zone());
                        other_time.set(v);
                    }
                }
                if let Some(at) = picked {
                    p { class: "call-back-chosen", role: "status", id: "call-back-chosen",
                        {l.t(Msg::CallBackAt)} ": " strong { {calls::show_time(at, zone())} }
                    }
                }
            }
        }
        if f.result.as_deref() == Some(groundgame_core::event::DO_NOT_CALL_RESULT) {
            p { class: "notice warning", role: "status", {l.t(Msg::DoNotCallWarning)} }
        }
        if chosen_effect == Some(ResultEffect::Contacted) {
            if let Some(s) = script.clone() {
                ScriptQuestions { script: s, lang: sl, form }
            } else {
                FixedQuestions { lang: sl, form, support: support_q.clone() }
            }
        }
        section { class: "note",
            label { r#for: "call-note", {l.t(Msg::Note)} }
            textarea { id: "call-note", rows: "3", value: "{f.note}",
                oninput: move |e| form.write().note = e.value() }
        }
        if let Some(message) = error() {
            div { class: "notice error", role: "alert", id: "call-error", p { "{message}" } }
        }
        div { class: "save-bar call-actions",
            BigButton { id: "next-contact", label: if saving() { l.t(Msg::Saving).to_string() } else { l.t(Msg::NextContact).to_string() }, disabled: saving(), onclick: save }
            BigButton { id: "skip-contact", label: l.t(Msg::SkipContact).to_string(), kind: "secondary", disabled: saving(), onclick: skip }
        }
    }
}

/// The campaign's support question, the pledge (with its plan) and the two asks, for a
/// list without a script.
#[component]
fn FixedQuestions(
    lang: Lang,
    form: Signal<VisitForm>,
    support: Option<groundgame_core::SurveyQuestion>,
) -> Element {
    let l = lang;
    let mut form = form;
    let f = form();
    let asks = [
        (AskKind::Volunteer, Msg::AskVolunteer, f.volunteer),
        (AskKind::Donate, Msg::AskDonate, f.donate),
    ];
    rsx! {
        section { class: "conversation", "aria-labelledby": "conversation-title",
            h3 { id: "conversation-title", {l.t(Msg::TalkAboutIt)} }
            if let Some(q) = support {
                p { class: "question", id: "support-question", {l.pick(&q.text_en, &q.text_es)} }
                div { class: "choices scale", role: "group", "aria-labelledby": "support-question",
                    for c in q.choices.iter() {
                        ChoiceButton {
                            key: "{c.key}",
                            id: format!("support-{}", c.key),
                            label: format!("{} {}", c.key, l.pick(&c.label_en, &c.label_es)),
                            selected: f.support.as_deref() == Some(c.key.as_str()),
                            onclick: {
                                let key = c.key.clone();
                                move |_| {
                                    let mut w = form.write();
                                    w.support = if w.support.as_deref() == Some(key.as_str()) { None } else { Some(key.clone()) };
                                }
                            },
                        }
                    }
                }
            }
            div { class: "toggle-row",
                input { id: "call-pledge", r#type: "checkbox", class: "toggle", checked: f.pledged,
                    onchange: move |e| form.write().pledged = e.checked() }
                label { r#for: "call-pledge", {l.t(Msg::Pledge)} }
            }
            if f.pledged {
                PlanFields { form, lang: l }
            }
            for (kind, title, value) in asks {
                div { class: "ask", key: "{kind:?}",
                    h4 { {l.t(title)} }
                    div { class: "choices", role: "group", "aria-label": l.t(title),
                        for (answer, msg) in [(AskAnswer::Yes, Msg::Yes), (AskAnswer::No, Msg::No), (AskAnswer::Maybe, Msg::Maybe)] {
                            ChoiceButton {
                                id: format!("ask-{kind:?}-{answer:?}").to_lowercase(),
                                label: l.t(msg).to_string(),
                                selected: value == Some(answer),
                                onclick: move |_| {
                                    let mut w = form.write();
                                    let slot = if kind == AskKind::Volunteer { &mut w.volunteer } else { &mut w.donate };
                                    *slot = if *slot == Some(answer) { None } else { Some(answer) };
                                },
                            }
                        }
                    }
                }
            }
        }
    }
}
