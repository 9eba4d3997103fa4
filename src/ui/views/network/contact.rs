//! `/network/contact/:id`: one contact of mine — add (`new`) or edit them, plan each ask
//! (donate, volunteer, pledge to vote) with a follow-up date, record the answer (and for a
//! donation the amount promised), and later the gift received. Every save is one local
//! transaction (record + network outbox row) and never waits on the network.

use dioxus::prelude::*;
use groundgame_core::event::{AskAnswer, AskKind};
use groundgame_core::network::import::{normalize_phone, Phone};
use groundgame_core::network::{
    is_email, parse_date, AskState, ContactState, NetworkBody, NetworkContactId, Relationship,
    ASK_KINDS,
};
use groundgame_core::time::NaiveDate;
use uuid::Uuid;

use super::text;

// Element ids (as constants, so tests can find the elements by them).
const NAME_ID: &str = "contact-name";
const PHONE_ID: &str = "contact-phone";
const EMAIL_ID: &str = "contact-email";
const NOTE_ID: &str = "contact-note";
use crate::ui::components::{BigButton, ChoiceButton};
use crate::ui::context::{use_lang, use_services, use_sync_status};
use crate::ui::i18n::{self, Msg};
use crate::ui::Route;

/// The contact form's fields as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactFields {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub relationship: Relationship,
    pub note: String,
}

impl ContactFields {
    fn of(c: &ContactState) -> Self {
        ContactFields {
            name: c.name.clone(),
            phone: c.phone.clone().unwrap_or_default(),
            email: c.email.clone().unwrap_or_default(),
            relationship: c.relationship,
            note: c.note.clone(),
        }
    }

    /// The record to save, or what to fix (phone normalised to E.164, US by default).
    pub fn to_body(&self) -> Result<NetworkBody, Msg> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(Msg::NetNeedName);
        }
        let phone = match normalize_phone(&self.phone) {
            Phone::Empty => None,
            Phone::Valid(p) => Some(p),
            Phone::Invalid => return Err(Msg::NetBadPhone),
        };
        let email = self.email.trim().to_lowercase();
        let email = if email.is_empty() {
            None
        } else if is_email(&email) {
            Some(email)
        } else {
            return Err(Msg::NetBadEmail);
        };
        Ok(NetworkBody::ContactSaved {
            name,
            phone,
            email,
            relationship: self.relationship,
            note: self.note.trim().to_owned(),
        })
    }
}

/// The route component: a fresh page for every contact (a keyed list of one).
#[component]
pub fn NetworkContact(id: String) -> Element {
    rsx! {
        for id in [id] {
            ContactPage { key: "{id}", id: id.clone() }
        }
    }
}

#[component]
fn ContactPage(id: String) -> Element {
    let l = use_lang()();
    let crumbs = rsx! {
        div { class: "crumbs",
            Link { class: "back", to: Route::Network {}, {l.t(Msg::MyNetwork)} }
        }
    };
    if id == "new" {
        return rsx! {
            section { class: "network-contact", "aria-labelledby": "contact-title",
                {crumbs}
                h2 { id: "contact-title", {l.t(Msg::NetAddContact)} }
                ContactForm { contact: None, fields: ContactFields::default() }
            }
        };
    }
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return rsx! {
            {crumbs}
            div { class: "notice", role: "alert", p { {l.t(Msg::NetContactNotFound)} } }
        };
    };
    rsx! { ExistingContact { id: NetworkContactId(uuid) } }
}

#[component]
fn ExistingContact(id: NetworkContactId) -> Element {
    let services = use_services();
    let l = use_lang()();
    let status = use_sync_status();
    let store = services.store.clone();
    let mut changed = use_signal(|| 0u32);
    let contact = use_resource(move || {
        let store = store.clone();
        let s = status.read();
        let _landed = (s.last_success_ms, changed());
        async move { crate::ui::data::network::contact(&store, id) }
    });
    let mut editing = use_signal(|| false);
    let mut remove_error = use_signal(|| None::<String>);
    let crumbs = rsx! {
        div { class: "crumbs",
            Link { class: "back", to: Route::Network {}, {l.t(Msg::MyNetwork)} }
        }
    };
    let c = match &*contact.read() {
        None => return rsx! { p { class: "loading", role: "status", {l.t(Msg::Loading)} } },
        Some(Err(e)) => {
            tracing::warn!("network contact: {e}");
            return rsx! {
                {crumbs}
                div { class: "notice error", role: "alert", p { {l.t(Msg::CouldNotRead)} } }
            };
        }
        Some(Ok(None)) => {
            return rsx! {
                {crumbs}
                div { class: "notice", role: "alert", p { {l.t(Msg::NetContactNotFound)} } }
            }
        }
        Some(Ok(Some(c))) => c.clone(),
    };
    let remove_services = services.clone();
    let remove = move |_| match remove_services
        .store
        .record_network(vec![(id, NetworkBody::ContactRemoved)])
    {
        Ok(_) => {
            remove_services.sync.nudge();
            changed += 1;
        }
        Err(e) => remove_error.set(Some(i18n::save_failed(l, &e.to_string()))),
    };
    rsx! {
        section { class: "network-contact", "aria-labelledby": "contact-title",
            {crumbs}
            h2 { id: "contact-title", "{c.name}" }
            p { class: "detail", {l.t(text::relationship_label(c.relationship))} }
            if c.removed {
                div { class: "notice", role: "status", p { {l.t(Msg::NetRemoved)} } }
            }
            if let Some(phone) = c.phone.clone() {
                p { a { class: "net-phone", href: "tel:{phone}", "{phone}" } }
            }
            if let Some(email) = c.email.clone() {
                p { a { class: "net-email", href: "mailto:{email}", "{email}" } }
            }
            if !c.note.is_empty() {
                p { class: "history-note", "{c.note}" }
            }
            if editing() || c.removed {
                ContactForm {
                    contact: Some(id),
                    fields: ContactFields::of(&c),
                    on_saved: move |_| {
                        editing.set(false);
                        changed += 1;
                    },
                }
            } else {
                button { id: "edit-contact", class: "link-button", r#type: "button",
                    onclick: move |_| editing.set(true),
                    {l.t(Msg::NetEditContact)}
                }
            }
            if !c.removed {
                h3 { {l.t(Msg::NetAsks)} }
                for kind in ASK_KINDS {
                    AskCard {
                        key: "{kind:?}",
                        contact: id,
                        kind,
                        state: c.ask(kind).clone(),
                        given_cents: c.given_cents,
                        on_saved: move |_| changed += 1,
                    }
                }
                if let Some(e) = remove_error() {
                    p { class: "notice error", role: "alert", "{e}" }
                }
                BigButton { id: "remove-contact", label: l.t(Msg::NetRemoveContact).to_string(),
                    kind: "secondary", onclick: remove }
            }
        }
    }
}

/// Add or edit a contact. A new contact gets its id here and the page moves to it.
#[component]
fn ContactForm(
    contact: Option<NetworkContactId>,
    fields: ContactFields,
    #[props(default)] on_saved: EventHandler<()>,
) -> Element {
    let services = use_services();
    let l = use_lang()();
    let nav = use_navigator();
    let mut form = use_signal(|| fields.clone());
    let mut error = use_signal(|| None::<String>);
    let mut saving = use_signal(|| false);
    let save = move |_| {
        if *saving.peek() {
            return;
        }
        let body = match form.peek().to_body() {
            Ok(body) => body,
            Err(msg) => {
                error.set(Some(l.t(msg).to_owned()));
                return;
            }
        };
        saving.set(true);
        let id = contact.unwrap_or_else(NetworkContactId::new_v7);
        match services.store.record_network(vec![(id, body)]) {
            Ok(_) => {
                services.sync.nudge();
                error.set(None);
                saving.set(false);
                if contact.is_none() {
                    nav.replace(Route::NetworkContact { id: id.to_string() });
                } else {
                    on_saved.call(());
                }
            }
            Err(e) => {
                error.set(Some(i18n::save_failed(l, &e.to_string())));
                saving.set(false);
            }
        }
    };
    let f = form();
    rsx! {
        div { class: "card net-form",
            label { r#for: "contact-name", {l.t(Msg::NetName)} }
            input { id: NAME_ID, r#type: "text", autocomplete: "off", value: "{f.name}",
                oninput: move |e| form.write().name = e.value() }
            label { r#for: "contact-phone", {l.t(Msg::NetPhone)} }
            input { id: PHONE_ID, r#type: "tel", autocomplete: "off", value: "{f.phone}",
                oninput: move |e| form.write().phone = e.value() }
            label { r#for: "contact-email", {l.t(Msg::NetEmail)} }
            input { id: EMAIL_ID, r#type: "email", autocomplete: "off", value: "{f.email}",
                oninput: move |e| form.write().email = e.value() }
            p { id: "rel-title", {l.t(Msg::NetRelationship)} }
            div { class: "choices", role: "group", "aria-labelledby": "rel-title",
                for r in Relationship::ALL {
                    ChoiceButton {
                        key: "{r.as_str()}",
                        id: format!("rel-{}", r.as_str()),
                        label: l.t(text::relationship_label(r)).to_string(),
                        selected: f.relationship == r,
                        onclick: move |_| form.write().relationship = r,
                    }
                }
            }
            label { r#for: "contact-note", {l.t(Msg::NoteLabel)} }
            textarea { id: NOTE_ID, rows: "2", value: "{f.note}",
                oninput: move |e| form.write().note = e.value() }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            }
            BigButton { id: "save-contact", label: l.t(Msg::NetSaveContact).to_string(),
                disabled: saving(), onclick: save }
        }
    }
}

/// One kind of ask with one contact: where it stands, plan it, record the answer, and for
/// donations the gift received.
#[component]
fn AskCard(
    contact: NetworkContactId,
    kind: AskKind,
    state: AskState,
    given_cents: u64,
    on_saved: EventHandler<()>,
) -> Element {
    let services = use_services();
    let l = use_lang()();
    let k = match kind {
        AskKind::Donate => "donate",
        AskKind::Volunteer => "volunteer",
        AskKind::Pledge => "pledge",
    };
    let mut answer = use_signal(|| state.answer);
    let mut amount = use_signal(|| {
        if state.promised_cents > 0 {
            text::money(u64::from(state.promised_cents))
        } else {
            String::new()
        }
    });
    let mut follow_up = use_signal(|| {
        state
            .follow_up_on
            .map(|d| d.to_string())
            .unwrap_or_default()
    });
    let mut gift = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut saved = use_signal(|| false);

    let write = {
        let services = services.clone();
        move |body: NetworkBody| match services.store.record_network(vec![(contact, body)]) {
            Ok(_) => {
                services.sync.nudge();
                error.set(None);
                saved.set(true);
                on_saved.call(());
            }
            Err(e) => error.set(Some(i18n::save_failed(l, &e.to_string()))),
        }
    };
    let date = move || -> Result<Option<NaiveDate>, Msg> {
        let d = follow_up.peek().trim().to_owned();
        if d.is_empty() {
            Ok(None)
        } else {
            parse_date(&d).map(Some).ok_or(Msg::NetBadDate)
        }
    };
    let mut plan_write = write.clone();
    let plan = move |_| match date() {
        Ok(follow_up_on) => plan_write(NetworkBody::AskPlanned {
            ask: kind,
            follow_up_on,
        }),
        Err(m) => error.set(Some(l.t(m).to_owned())),
    };
    let mut answer_write = write.clone();
    let save_answer = move |_| {
        let Some(a) = *answer.peek() else {
            error.set(Some(l.t(Msg::NetChooseAnswer).to_owned()));
            return;
        };
        let follow_up_on = match date() {
            Ok(d) => d,
            Err(m) => {
                error.set(Some(l.t(m).to_owned()));
                return;
            }
        };
        let typed = amount.peek().trim().to_owned();
        let amount_promised_cents =
            if kind == AskKind::Donate && a != AskAnswer::No && !typed.is_empty() {
                match text::parse_dollars(&typed) {
                    Some(c) if c > 0 && c <= groundgame_core::event::MAX_AMOUNT_CENTS => Some(c),
                    _ => {
                        error.set(Some(l.t(Msg::NetBadAmount).to_owned()));
                        return;
                    }
                }
            } else {
                None
            };
        answer_write(NetworkBody::AskAnswered {
            ask: kind,
            answer: a,
            amount_promised_cents,
            follow_up_on,
        });
    };
    let mut gift_write = write;
    let save_gift = move |_| {
        let typed = gift.peek().clone();
        match text::parse_dollars(&typed) {
            Some(c) if c > 0 && c <= groundgame_core::event::MAX_AMOUNT_CENTS => {
                gift_write(NetworkBody::GiftReceived { amount_cents: c });
                gift.set(String::new());
            }
            _ => error.set(Some(l.t(Msg::NetBadAmount).to_owned())),
        }
    };

    let status = match state.answer {
        Some(a) => l.t(text::answer_label(a)),
        None if state.planned => l.t(Msg::NetPlanned),
        None => l.t(Msg::NetNotAsked),
    };
    rsx! {
        div { class: "card net-ask", id: "ask-{k}",
            h4 { {l.t(text::ask_label(kind))} " — " span { class: "net-ask-status", "{status}" } }
            if kind == AskKind::Donate && (state.promised_cents > 0 || given_cents > 0) {
                p { class: "detail", {text::given_of_promised(l, given_cents, u64::from(state.promised_cents))} }
            }
            p { id: "answer-title-{k}", {l.t(Msg::NetRecordAnswer)} }
            div { class: "choices", role: "group", "aria-labelledby": "answer-title-{k}",
                for a in [AskAnswer::Yes, AskAnswer::No, AskAnswer::Maybe] {
                    ChoiceButton {
                        key: "{a:?}",
                        id: format!("answer-{k}-{}", match a { AskAnswer::Yes => "yes", AskAnswer::No => "no", AskAnswer::Maybe => "maybe" }),
                        label: l.t(text::answer_label(a)).to_string(),
                        selected: answer() == Some(a),
                        onclick: move |_| answer.set(Some(a)),
                    }
                }
            }
            if kind == AskKind::Donate && answer() != Some(AskAnswer::No) {
                label { r#for: "amount-{k}", {l.t(Msg::NetAmountPromised)} }
                input { id: "amount-{k}", r#type: "text", inputmode: "decimal", value: "{amount}",
                    oninput: move |e| amount.set(e.value()) }
            }
            label { r#for: "follow-up-{k}", {l.t(Msg::NetFollowUpOn)} }
            input { id: "follow-up-{k}", r#type: "date", value: "{follow_up}",
                oninput: move |e| follow_up.set(e.value()) }
            div { class: "row",
                BigButton { id: format!("plan-{k}"), label: l.t(Msg::NetSavePlan).to_string(),
                    kind: "secondary", onclick: plan }
                BigButton { id: format!("save-answer-{k}"), label: l.t(Msg::NetSaveAnswer).to_string(),
                    onclick: save_answer }
            }
            if kind == AskKind::Donate {
                label { r#for: "gift-{k}", {l.t(Msg::NetGiftReceived)} }
                input { id: "gift-{k}", r#type: "text", inputmode: "decimal", value: "{gift}",
                    oninput: move |e| gift.set(e.value()) }
                BigButton { id: "save-gift", label: l.t(Msg::NetSaveGift).to_string(),
                    kind: "secondary", onclick: save_gift }
            }
            if let Some(e) = error() {
                p { class: "notice error", role: "alert", "{e}" }
            } else if saved() {
                p { class: "saved", role: "status", {l.t(Msg::NetSaved)} }
            }
        }
    }
}
