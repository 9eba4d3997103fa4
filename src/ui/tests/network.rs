//! My network's screens, headless: my totals and contacts in both languages; adding a
//! contact by hand (with a phone typed the way people type it, and a bad one refused);
//! planning and answering an ask with a promised amount and a gift; and an import whose
//! report (lines and reasons) is shown before anything is saved, then saved in one go.

use groundgame_core::event::{AskAnswer, AskKind};
use groundgame_core::network::{NetworkBody, NetworkContactId, Relationship};

use super::*;

fn joined(dir: &Path) -> Arc<Store> {
    store(dir, Vec::new(), Vec::new())
}

fn contact(store: &Store, name: &str, phone: Option<&str>) -> NetworkContactId {
    let id = NetworkContactId::new_v7();
    store
        .record_network(vec![(
            id,
            NetworkBody::ContactSaved {
                name: name.into(),
                phone: phone.map(Into::into),
                email: None,
                relationship: Relationship::Family,
                note: String::new(),
            },
        )])
        .expect("save contact");
    id
}

#[test]
fn my_totals_and_contacts_show_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = joined(dir.path());
    let empty = {
        let mut h = Harness::new(store.clone(), "/network", Lang::En);
        h.settle()
    };
    assert!(empty.contains(Lang::En.t(Msg::NetNoContacts)), "{empty}");
    assert!(empty.contains(Lang::En.t(Msg::NetPrivate)));

    let rosa = contact(&store, "Rosa Quintanilla", Some("+19195550181"));
    let tom = contact(&store, "Tomasz Wierzbicki", None);
    store
        .record_network(vec![
            (
                rosa,
                NetworkBody::AskAnswered {
                    ask: AskKind::Donate,
                    answer: AskAnswer::Yes,
                    amount_promised_cents: Some(5000),
                    follow_up_on: Some("2027-01-10".parse().expect("date")),
                },
            ),
            (rosa, NetworkBody::GiftReceived { amount_cents: 2000 }),
            (
                tom,
                NetworkBody::AskAnswered {
                    ask: AskKind::Pledge,
                    answer: AskAnswer::Maybe,
                    amount_promised_cents: None,
                    follow_up_on: Some("2027-01-12".parse().expect("date")),
                },
            ),
        ])
        .expect("asks");
    let mut h = Harness::new(store.clone(), "/network", Lang::En);
    let html = h.settle();
    assert!(
        html.contains("Rosa Quintanilla") && html.contains("Tomasz Wierzbicki"),
        "{html}"
    );
    assert!(html.contains("id=\"net-asks-made\">2<"), "{html}");
    assert!(html.contains("id=\"net-yes\">1<") && html.contains("id=\"net-maybe\">1<"));
    assert!(html.contains("$20 given of $50 promised"), "{html}");
    // The gift cleared Rosa's donation follow-up; Tom's pledge follow-up is due (T0 is
    // 2027-01-15).
    assert!(html.contains("Follow-ups due (1)"), "{html}");
    assert!(html.contains("Pledge to vote · 2027-01-12"), "{html}");
    assert!(html.contains("Donate: Yes"));
    let html = h.set_lang(Lang::Es);
    assert!(
        html.contains("Mi red") && html.contains("Pedidos hechos"),
        "{html}"
    );
    assert!(html.contains("$20 donados de $50 prometidos"));
    assert!(html.contains("Donar: Sí"));
    assert!(!html.contains(Lang::En.t(Msg::NetPrivate)));

    // Search by name or by digits of the phone.
    events_converter();
    let mut h = Harness::new(store, "/network", Lang::En);
    h.settle();
    let search = h.element("id", "net-search");
    h.type_into(search, "0181");
    let html = h.settle();
    let listed = |html: &str, name: &str| {
        html.contains(&format!(
            "<span class=\"net-name\">{name}</span><span class=\"detail\">"
        ))
    };
    assert!(listed(&html, "Rosa Quintanilla"), "{html}");
    assert!(!listed(&html, "Tomasz Wierzbicki"), "{html}");
    h.type_into(search, "nobody");
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NetNoMatch)));
}

#[test]
fn a_contact_added_by_hand_then_asked_answered_and_paid() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = joined(dir.path());
    let mut h = Harness::new(store.clone(), "/network/contact/new", Lang::En);
    h.settle();
    let name = h.element("id", "contact-name");
    h.type_into(name, "  Ana   García ");
    let phone = h.element("id", "contact-phone");
    h.type_into(phone, "919-555");
    h.settle();
    let save = h.element("id", "save-contact");
    h.click(save);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NetBadPhone)), "{html}");
    assert_eq!(
        store.network_counts().expect("counts").0,
        0,
        "nothing saved"
    );

    h.type_into(phone, "(919) 555-0123");
    let cousin = h.element("id", "rel-family");
    h.click(cousin);
    h.settle();
    h.click(save);
    let html = h.settle();
    let state = store.network_state().expect("state");
    let ana = state.contacts.first().expect("saved").clone();
    assert_eq!(ana.name, "Ana García");
    assert_eq!(ana.phone.as_deref(), Some("+19195550123"));
    assert_eq!(ana.relationship, Relationship::Family);
    assert_eq!(store.network_pending().expect("pending"), 1);
    // The sync bar counts it with the field records waiting.
    assert_eq!(store.waiting_count().expect("waiting"), 1);
    assert!(
        html.contains(&crate::ui::i18n::pending(Lang::En, 1)),
        "the sync bar: {html}"
    );
    // The page moved to the new contact.
    assert!(html.contains("id=\"contact-title\">Ana García<"), "{html}");
    assert!(html.contains("href=\"tel:+19195550123\""), "{html}");

    // Plan the donation ask with a follow-up date; then the answer with an amount.
    let date = h.element("id", "follow-up-donate");
    h.type_into(date, "2027-02-30");
    h.settle();
    h.click(h.element("id", "plan-donate"));
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NetBadDate)), "{html}");
    h.type_into(date, "2027-01-20");
    h.settle();
    h.click(h.element("id", "plan-donate"));
    h.settle();
    let save_answer = h.element("id", "save-answer-donate");
    h.click(save_answer);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NetChooseAnswer)), "{html}");
    h.click(h.element("id", "answer-donate-yes"));
    h.settle();
    let amount = h.element("id", "amount-donate");
    h.type_into(amount, "$1,000,000");
    h.settle();
    h.click(save_answer);
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NetBadAmount)), "{html}");
    h.type_into(amount, "50");
    h.settle();
    h.click(save_answer);
    h.settle();
    let gift = h.element("id", "gift-donate");
    h.type_into(gift, "20.50");
    h.settle();
    h.click(h.element("id", "save-gift"));
    let html = h.settle();
    assert!(html.contains("$20.50 given of $50 promised"), "{html}");

    let state = store.network_state().expect("state");
    let ana = state.contact(ana.id).expect("ana");
    let donate = ana.ask(AskKind::Donate);
    assert_eq!(donate.answer, Some(AskAnswer::Yes));
    assert_eq!(donate.promised_cents, 5000);
    assert_eq!(ana.given_cents, 2050);
    assert_eq!(donate.follow_up_on, None, "the gift closed the follow-up");
    let totals = state.totals("2027-01-15".parse().expect("date"));
    assert_eq!(
        (totals.asks_made, totals.promised_cents, totals.given_cents),
        (1, 5000, 2050)
    );
    // Contact, plan, answer and gift: each its own record, all waiting to sync.
    assert_eq!(store.network_pending().expect("pending"), 4);
    for r in store.network_records().expect("records") {
        r.validate()
            .expect("every record passes the server's rules");
    }

    // Remove: gone from the list, kept as a record.
    h.click(h.element("id", "remove-contact"));
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NetRemoved)), "{html}");
    assert_eq!(store.network_state().expect("state").active().count(), 0);
}

const PHONE_EXPORT: &str = "BEGIN:VCARD
VERSION:3.0
FN:Rosa Quintanilla
TEL;TYPE=CELL:(919) 555-0181
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Tomasz Wierzbicki
TEL;TYPE=CELL:555-01
EMAIL:tomasz@example.org
END:VCARD
BEGIN:VCARD
VERSION:3.0
TEL:919-555-0199
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ana Again
TEL:919-555-0123
END:VCARD
";

#[test]
fn an_import_is_reported_before_it_is_saved_then_saved_in_one_go() {
    events_converter();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = joined(dir.path());
    contact(&store, "Ana García", Some("+19195550123"));
    let mut h = Harness::new(store.clone(), "/network/import", Lang::En);
    h.settle();
    let text = h.element("id", "import-text");
    h.type_into(text, "hello, there\nnothing");
    h.settle();
    h.click(h.element("id", "import-check"));
    let html = h.settle();
    assert!(
        html.contains("Nothing was imported: the CSV header has no name column"),
        "{html}"
    );

    h.type_into(text, PHONE_EXPORT);
    h.settle();
    h.click(h.element("id", "import-check"));
    let html = h.settle();
    assert!(
        html.contains("2 contacts will be imported; 2 left out."),
        "{html}"
    );
    assert!(html.contains("Line 6: imported without it — "), "{html}");
    assert!(html.contains("555-01") && html.contains("is not a phone number we can dial"));
    assert!(html.contains("Line 12: left out — no name"), "{html}");
    assert!(
        html.contains("Line 16: left out — already on your list as Ana García"),
        "{html}"
    );
    assert_eq!(
        store.network_counts().expect("counts").0,
        1,
        "nothing is saved before the volunteer confirms"
    );
    h.click(h.element("id", "import-confirm"));
    let html = h.settle();
    assert!(html.contains("Imported 2 contacts."), "{html}");
    let names: Vec<String> = store
        .network_state()
        .expect("state")
        .active()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(
        names,
        ["Ana García", "Rosa Quintanilla", "Tomasz Wierzbicki"]
    );

    // The same file again: everybody is already there.
    h.type_into(text, PHONE_EXPORT);
    h.settle();
    h.click(h.element("id", "import-check"));
    let html = h.settle();
    assert!(html.contains(Lang::En.t(Msg::NetImportNothing)), "{html}");
    assert!(html.contains("already on your list as Rosa Quintanilla"));
    let html = h.set_lang(Lang::Es);
    assert!(
        html.contains("ya está en su lista como Rosa Quintanilla"),
        "{html}"
    );
}

#[test]
fn follow_ups_are_due_by_the_devices_own_date() {
    use crate::ui::views::network::overview;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = joined(dir.path());
    let rosa = contact(&store, "Rosa Quintanilla", None);
    store
        .record_network(vec![(
            rosa,
            NetworkBody::AskAnswered {
                ask: AskKind::Donate,
                answer: AskAnswer::Maybe,
                amount_promised_cents: None,
                follow_up_on: Some("2027-01-15".parse().expect("date")),
            },
        )])
        .expect("ask");
    // T0 is 2027-01-15 08:00 UTC.
    let zone = |name: &str| groundgame_core::TimeZone::parse(name).expect("zone");
    assert_eq!(overview(&store, zone("UTC")).expect("read").due.len(), 1);
    assert_eq!(
        overview(&store, zone("Pacific/Honolulu"))
            .expect("read")
            .due
            .len(),
        0,
        "in Honolulu it is still the 14th"
    );
    assert_eq!(
        overview(&store, zone("Australia/Sydney"))
            .expect("read")
            .due
            .len(),
        1
    );
}
