//! The phone bank's screens: my call lists (and the link from Home), the call session with
//! one contact at a time (dial link, number, language, script language picked by the
//! contact and switchable), dispositions recording the right events (each accepted by the
//! events' validation, the call-back with the time chosen), the next contact shown after
//! each call, a do-not-call number hidden as soon as a pull brings it, and the reasons
//! given when nobody is left — in both languages.

use groundgame_core::protocol::PullResponse;
use groundgame_core::{CallListId, Event};

use super::*;
use crate::store::calls::{CallListInfo, HeldContact};

const LIST: CallListId = CallListId(7);

fn contact(i: u32, first: &str, language: &str) -> HeldContact {
    HeldContact {
        list: LIST,
        person: PersonId::new_v7(),
        household: HouseholdId(500 + i64::from(i)),
        first_name: first.into(),
        last_name: "Rivera".into(),
        language: Some(language.into()),
        phone: format!("+1919555{:04}", 2000 + i),
        street: "Oak St".into(),
        number: i.to_string(),
        unit: String::new(),
        city: "Durham".into(),
        zip: "27701".into(),
        position: i,
        retry: false,
        expires_at: T0 + 30 * 60 * 1000,
        call_back_due: None,
    }
}

/// A joined device holding one call list ("Evening phone bank") with `contacts`.
fn phone_bank(dir: &Path, contacts: &[HeldContact]) -> Arc<Store> {
    let store = store(dir, Vec::new(), Vec::new());
    store
        .replace_call_lists(&[CallListInfo {
            id: LIST,
            name: "Evening phone bank".into(),
            script: None,
            total: 40,
            left: 25,
            call_backs: 0,
        }])
        .expect("lists");
    store.apply_claim(LIST, contacts, 10).expect("claim");
    store
}

fn three() -> Vec<HeldContact> {
    vec![
        contact(1, "Rosa", "es"),
        contact(2, "Tom", "en"),
        contact(3, "Mei", "en"),
    ]
}

/// Whether the button with this id is shown pressed.
fn pressed(html: &str, id: &str) -> bool {
    let at = html
        .find(&format!("id=\"{id}\""))
        .expect("the button is shown");
    let start = html[..at].rfind('<').expect("its tag");
    let end = at + html[at..].find('>').expect("its tag ends");
    html[start..end].contains("aria-pressed=\"true\"")
}

fn tap(h: &mut Harness, name: &str, value: &str) -> String {
    let id = h.element(name, value);
    h.click(id);
    h.settle()
}

/// The events recorded about `person`, each accepted by the campaign's validation.
fn recorded(store: &Store, person: PersonId) -> Vec<Event> {
    let config = store.campaign().expect("read").expect("campaign");
    let events: Vec<Event> = store
        .all_events()
        .expect("events")
        .into_iter()
        .filter(|e| e.person == Some(person))
        .collect();
    for e in &events {
        e.validate(&config).expect("a valid event");
    }
    events
}

fn result_of(e: &Event) -> (Channel, String, Option<u64>) {
    match &e.body {
        EventBody::Contact {
            channel,
            result,
            call_back_at,
        } => (*channel, result.clone(), *call_back_at),
        other => panic!("not a contact: {other:?}"),
    }
}

#[test]
fn my_call_lists_and_the_home_link_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let held = phone_bank(dir.path(), &three());
    let mut h = Harness::new(held, "/home", Lang::En);
    let html = h.settle();
    assert!(html.contains("id=\"call-lists-entry\""), "{html}");
    assert!(html.contains(Lang::En.t(Msg::CallListsHomeLink)));
    let mut h = Harness::new(h.services.store.clone(), "/calls", Lang::En);
    let html = h.settle();
    assert!(html.contains("Evening phone bank"), "{html}");
    assert!(html.contains("25 of 40 left on the list"), "{html}");
    assert!(html.contains("3 to call on this device"), "{html}");
    let html = h.set_lang(Lang::Es);
    assert!(html.contains("Quedan 25 de 40 en la lista"), "{html}");
    assert!(html.contains("3 por llamar en este dispositivo"), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::CallListsTitle)));

    // A volunteer with no call list sees no link, and the list screen says what to expect.
    let empty = tempfile::tempdir().expect("tempdir");
    let nothing = store(empty.path(), Vec::new(), Vec::new());
    let mut h = Harness::new(nothing.clone(), "/home", Lang::En);
    assert!(!h.settle().contains("call-lists-entry"));
    let mut h = Harness::new(nothing, "/calls", Lang::Es);
    let html = h.settle();
    assert!(html.contains(Lang::Es.t(Msg::NoCallListsYet)), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::NoCallListsHelp)));
}

#[test]
fn the_call_screen_shows_one_contact_with_a_dial_link_and_the_script_in_their_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let contacts = three();
    let store = phone_bank(dir.path(), &contacts);
    let mut h = Harness::new(store, "/calls/7", Lang::En);
    let html = h.settle();
    assert!(html.contains("Rosa Rivera"), "{html}");
    assert!(!html.contains("Tom Rivera"), "one contact at a time");
    assert!(html.contains("href=\"tel:+19195552001\""), "{html}");
    assert!(html.contains("(919) 555-2001"));
    assert!(html.contains("Prefers"));
    assert!(html.contains("<strong>Spanish</strong>"), "{html}");
    assert!(html.contains("3 to call on this device"));
    // Rosa speaks Spanish: the script starts in Spanish, whatever the app's language.
    assert!(
        pressed(&html, "script-es") && !pressed(&html, "script-en"),
        "{html}"
    );
    for key in [
        "no_answer",
        "left_message",
        "busy",
        "wrong_number",
        "disconnected",
        "talked",
        "refused",
        "call_back",
        "do_not_call",
    ] {
        assert!(
            html.contains(&format!("data-result=\"{key}\"")),
            "{key} missing"
        );
    }
    assert!(html.contains("Left message"));
    let html = h.set_lang(Lang::Es);
    assert!(html.contains("Dejé mensaje"), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::HowDidItGo)));
    assert!(html.contains(Lang::Es.t(Msg::DialButton)));
    assert!(html.contains("<strong>Español</strong>"), "{html}");
    assert!(html.contains(Lang::Es.t(Msg::NextContact)));
}

/// A phone whose clock is three days slow, after a sync told it the server's time: "in 1
/// hour" is an hour after the time the server and the caller count, so the call-back is
/// recorded (before, it was an hour after the phone's own clock, days before the call
/// itself, and refused), and it comes round an hour later by that same count.
#[test]
fn a_call_back_in_an_hour_works_on_a_phone_whose_clock_is_days_slow() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let contacts = three();
    let store = phone_bank(dir.path(), &contacts);
    let server_now = T0 + 3 * 24 * 60 * 60 * 1000;
    store
        .observe_server_time(Hlc::new(server_now, 0))
        .expect("the server's time");
    let mut h = Harness::new(store.clone(), "/calls/7", Lang::En);
    h.settle();
    tap(&mut h, "data-result", "call_back");
    tap(&mut h, "id", "when-in-1-hour");
    let html = tap(&mut h, "id", "next-contact");
    assert!(html.contains("Tom Rivera"), "{html}");
    let rosa = recorded(&store, contacts[0].person);
    assert_eq!(
        result_of(&rosa[0]),
        (
            Channel::Phone,
            "call_back".into(),
            Some(server_now + 60 * 60 * 1000)
        )
    );
    assert_eq!(
        store.due_call_back_count(LIST).expect("due"),
        0,
        "not due yet"
    );
}

#[test]
fn dispositions_record_valid_phone_events_and_bring_the_next_contact() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let contacts = three();
    let store = phone_bank(dir.path(), &contacts);
    let mut h = Harness::new(store.clone(), "/calls/7", Lang::En);
    h.settle();

    // Nothing chosen: a clear word, nothing recorded.
    let html = tap(&mut h, "id", "next-contact");
    assert!(html.contains(Lang::En.t(Msg::NeedDisposition)), "{html}");
    assert_eq!(store.pending_count().expect("pending"), 0);

    // No answer: one phone contact event, and the next contact.
    tap(&mut h, "data-result", "no_answer");
    let html = tap(&mut h, "id", "next-contact");
    assert!(html.contains("Tom Rivera"), "{html}");
    let rosa = recorded(&store, contacts[0].person);
    assert_eq!(rosa.len(), 1);
    assert_eq!(
        result_of(&rosa[0]),
        (Channel::Phone, "no_answer".into(), None)
    );

    // Call back: a time must be chosen; "in 1 hour" is recorded as such.
    let html = tap(&mut h, "data-result", "call_back");
    assert!(html.contains(Lang::En.t(Msg::CallBackWhen)), "{html}");
    let html = tap(&mut h, "id", "next-contact");
    assert!(html.contains(Lang::En.t(Msg::NeedCallBackTime)), "{html}");
    let html = tap(&mut h, "id", "when-in-1-hour");
    assert!(html.contains("call-back-chosen"), "{html}");
    let mark = h.edits.len();
    let html = tap(&mut h, "id", "next-contact");
    assert!(html.contains("Mei Rivera"), "{html}");
    let tom = recorded(&store, contacts[1].person);
    assert_eq!(
        result_of(&tom[0]),
        (
            Channel::Phone,
            "call_back".into(),
            Some(T0 + 60 * 60 * 1000)
        )
    );

    // Talked: the conversation opens; a pledge, a support answer and a note go with it.
    tap(&mut h, "data-result", "talked");
    tap(&mut h, "id", "support-1");
    tap(&mut h, "id", "ask-volunteer-yes");
    // Mei's form has one text field: the note.
    let note = h.inputs_since(mark);
    assert_eq!(note.len(), 1);
    h.type_into(note[0], "Wants a yard sign");
    h.settle();
    let html = tap(&mut h, "id", "next-contact");
    let mei = recorded(&store, contacts[2].person);
    let kinds: Vec<&str> = mei.iter().map(|e| e.body.kind()).collect();
    assert_eq!(kinds, ["contact", "survey", "ask", "note"]);
    assert_eq!(result_of(&mei[0]).1, "talked");
    assert!(mei[1..].iter().all(|e| matches!(&e.body,
        EventBody::Survey { attempt, .. } | EventBody::Ask { attempt, .. } | EventBody::Note { attempt, .. }
            if *attempt == Some(mei[0].id))));

    // Everyone held was called, and the sync has not answered yet.
    assert!(html.contains("id=\"call-nobody\""), "{html}");
    assert_eq!(store.pending_count().expect("pending"), 6);
}

#[test]
fn do_not_call_retires_the_number_here_and_a_pulled_one_hides_its_contact_at_once() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let contacts = three();
    let store = phone_bank(dir.path(), &contacts);
    let mut h = Harness::new(store.clone(), "/calls/7", Lang::Es);
    h.settle();
    let html = tap(&mut h, "data-result", "do_not_call");
    assert!(html.contains(Lang::Es.t(Msg::DoNotCallWarning)), "{html}");
    let html = tap(&mut h, "id", "next-contact");
    assert!(html.contains("Tom Rivera"), "{html}");
    let rosa = recorded(&store, contacts[0].person);
    assert_eq!(result_of(&rosa[0]).1, "do_not_call");

    // Another device's do-not-call about Mei arrives with a pull: she is never shown.
    let mut config = store.campaign().expect("read").expect("campaign");
    config.do_not_call = vec![contacts[2].phone.clone()];
    store
        .apply_pull(&PullResponse {
            server_time: Hlc::new(T0, 0),
            campaign: config,
            scopes: Vec::new(),
            removed: Vec::new(),
            has_more: false,
        })
        .expect("pull");
    tap(&mut h, "id", "skip-contact");
    let html = h.settle();
    assert!(!html.contains("Mei Rivera"), "{html}");
    assert!(html.contains("id=\"call-nobody\""), "{html}");
    assert_eq!(
        store.skipped_calls(LIST).expect("skipped"),
        vec![contacts[1].person]
    );
}

#[test]
fn nobody_left_says_why_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = phone_bank(dir.path(), &[]);
    let mut h = Harness::new(store.clone(), "/calls/7", Lang::En);
    h.settle();
    // The last claim got nothing: the list is finished.
    let html = h.settle();
    assert!(html.contains("data-why=\"Finished\""), "{html}");
    assert!(html.contains(Lang::En.t(Msg::ListFinishedTitle)));

    // Offline with nothing held.
    let mut offline = SyncStatus::new(SyncState::Offline, 2, 0);
    offline.last_error = Some("no connection".into());
    h.services.sync.publish(offline);
    let html = h.settle();
    assert!(html.contains("data-why=\"Offline\""), "{html}");
    assert!(html.contains(Lang::En.t(Msg::NobodyOfflineHelp)));
    let html = h.set_lang(Lang::Es);
    assert!(html.contains(Lang::Es.t(Msg::NobodyOfflineHelp)), "{html}");

    // A list that is not on this device (any more).
    let mut h = Harness::new(store, "/calls/99", Lang::En);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::CallListNotFound)), "{html}");
}

#[test]
fn a_call_left_unsaved_comes_back_as_it_was_and_one_save_clears_it() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let contacts = three();
    let store = phone_bank(dir.path(), &contacts);
    let mut h = Harness::new(store.clone(), "/calls/7", Lang::En);
    h.settle();
    // Before a call-back is chosen, the note is the one text field.
    let note = h.inputs_since(0);
    assert_eq!(note.len(), 1);
    tap(&mut h, "data-result", "call_back");
    tap(&mut h, "id", "when-tomorrow-morning");
    h.type_into(note[0], "Call after work");
    h.settle();
    drop(h);

    // The app was closed (or the dialer took the screen): the call is as it was left.
    let mut h = Harness::new(store.clone(), "/calls/7", Lang::En);
    let html = h.settle();
    assert!(html.contains("Rosa Rivera"), "{html}");
    assert!(html.contains("Call after work"), "{html}");
    assert!(pressed(&html, "when-tomorrow-morning"), "{html}");
    let html = tap(&mut h, "id", "next-contact");
    assert!(html.contains("Tom Rivera"), "{html}");
    assert!(store
        .call_draft(LIST, contacts[0].person)
        .expect("read")
        .is_none());
    let rosa = recorded(&store, contacts[0].person);
    assert_eq!(result_of(&rosa[0]).1, "call_back");
    assert!(rosa.iter().any(|e| matches!(&e.body,
        EventBody::Note { text, .. } if text == "Call after work")));
}
