use super::import::{self, ImportError, IssueReason, Phone};
use super::*;

const T: u64 = 1_800_000_000_000;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn rec(at: u64, contact: NetworkContactId, body: NetworkBody) -> NetworkRecord {
    NetworkRecord {
        id: NetworkRecordId::new_v7(),
        at: Hlc::new(at, 0),
        contact,
        body,
    }
}

fn saved(name: &str, phone: Option<&str>) -> NetworkBody {
    NetworkBody::ContactSaved {
        name: name.into(),
        phone: phone.map(Into::into),
        email: None,
        relationship: Relationship::Friend,
        note: String::new(),
    }
}

fn answered(ask: AskKind, answer: AskAnswer, cents: Option<u32>) -> NetworkBody {
    NetworkBody::AskAnswered {
        ask,
        answer,
        amount_promised_cents: cents,
        follow_up_on: None,
    }
}

#[test]
fn records_round_trip_and_refuse_unknown_fields() {
    let r = rec(
        T,
        NetworkContactId::new_v7(),
        NetworkBody::AskPlanned {
            ask: AskKind::Donate,
            follow_up_on: Some(d("2027-01-20")),
        },
    );
    let json = serde_json::to_string(&r).expect("json");
    assert!(json.contains("\"kind\":\"ask_planned\""), "{json}");
    let back: NetworkRecord = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, r);
    let extra = json.replacen("\"ask\"", "\"colour\":1,\"ask\"", 1);
    assert!(serde_json::from_str::<NetworkRecord>(&extra).is_err());
}

#[test]
fn validation_says_what_is_wrong() {
    let c = NetworkContactId::new_v7();
    let ok = rec(T, c, saved("Ana García", Some("+19195550123")));
    assert_eq!(ok.validate(), Ok(()));
    let mut v4 = ok.clone();
    v4.id = NetworkRecordId(Uuid::new_v4());
    assert_eq!(v4.validate(), Err(NetworkError::IdNotV7));
    let cases = [
        (saved("  ", None), NetworkError::NameMissing),
        (saved("Ana", Some("919-555-0123")), NetworkError::BadPhone),
        (
            saved(&"x".repeat(101), None),
            NetworkError::TooLong {
                field: "the name",
                max: 100,
            },
        ),
        (
            NetworkBody::ContactSaved {
                name: "Ana".into(),
                phone: None,
                email: Some("ana at example".into()),
                relationship: Relationship::Other,
                note: String::new(),
            },
            NetworkError::BadEmail("ana at example".into()),
        ),
        (
            answered(AskKind::Volunteer, AskAnswer::Yes, Some(100)),
            NetworkError::AmountWithoutDonation,
        ),
        (
            answered(AskKind::Donate, AskAnswer::No, Some(100)),
            NetworkError::AmountWithoutDonation,
        ),
        (
            answered(AskKind::Donate, AskAnswer::Yes, Some(10_000_001)),
            NetworkError::AmountTooLarge,
        ),
        (
            NetworkBody::GiftReceived { amount_cents: 0 },
            NetworkError::AmountZero,
        ),
        (
            NetworkBody::AskPlanned {
                ask: AskKind::Pledge,
                follow_up_on: Some(d("2300-01-01")),
            },
            NetworkError::BadDate("2300-01-01".into()),
        ),
    ];
    for (body, want) in cases {
        assert_eq!(rec(T, c, body.clone()).validate(), Err(want), "{body:?}");
    }
    assert_eq!(
        rec(
            T,
            c,
            answered(AskKind::Donate, AskAnswer::Yes, Some(10_000_000))
        )
        .validate(),
        Ok(())
    );
    assert!(NetworkError::AmountTooLarge
        .to_string()
        .contains("$100,000"));
}

#[test]
fn dates_parse_and_count() {
    assert_eq!(parse_date("2024-02-29"), Some(d("2024-02-29")));
    assert_eq!(parse_date(" 2027-01-05 "), Some(d("2027-01-05")));
    assert_eq!(parse_date("2023-02-29"), None);
    assert_eq!(parse_date("2027-1-05"), None);
    assert_eq!(parse_date("2027-13-01"), None);
    assert_eq!(parse_date("1999-12-31"), None);
    assert_eq!(parse_date("next tuesday"), None);
    assert_eq!(crate::time::utc_date(T), d("2027-01-15"));
}

#[test]
fn a_follow_up_that_is_not_a_date_does_not_parse() {
    // Dates are dates on the wire too: a record carrying February 30 is refused whole.
    let good = rec(
        T,
        NetworkContactId::new_v7(),
        NetworkBody::AskPlanned {
            ask: AskKind::Pledge,
            follow_up_on: Some(d("2027-02-28")),
        },
    );
    let json = serde_json::to_string(&good).expect("json");
    assert!(json.contains("\"follow_up_on\":\"2027-02-28\""), "{json}");
    assert_eq!(
        serde_json::from_str::<NetworkRecord>(&json).expect("back"),
        good
    );
    let bad = json.replace("2027-02-28", "2027-02-30");
    assert!(serde_json::from_str::<NetworkRecord>(&bad).is_err());
}

#[test]
fn the_fold_keeps_the_latest_save_and_answer_and_sums_money() {
    let ana = NetworkContactId::new_v7();
    let ben = NetworkContactId::new_v7();
    let gone = NetworkContactId::new_v7();
    let mut records = vec![
        rec(T, ana, saved("Ana", Some("+19195550123"))),
        rec(T + 1, ben, saved("Ben", None)),
        rec(T + 2, gone, saved("Gone", None)),
        rec(
            T + 3,
            ana,
            answered(AskKind::Donate, AskAnswer::Maybe, Some(5000)),
        ),
        rec(
            T + 4,
            ben,
            NetworkBody::AskPlanned {
                ask: AskKind::Volunteer,
                follow_up_on: Some(d("2027-01-10")),
            },
        ),
        rec(
            T + 5,
            ana,
            answered(AskKind::Donate, AskAnswer::Yes, Some(2500)),
        ),
        rec(T + 6, ana, answered(AskKind::Pledge, AskAnswer::No, None)),
        rec(T + 7, ana, NetworkBody::GiftReceived { amount_cents: 2000 }),
        rec(
            T + 8,
            gone,
            answered(AskKind::Donate, AskAnswer::Yes, Some(9999)),
        ),
        rec(T + 9, gone, NetworkBody::ContactRemoved),
        rec(T + 10, ana, saved("Ana García", Some("+19195550123"))),
        // A planned ask whose contact was never saved here: not a contact.
        rec(
            T + 11,
            NetworkContactId::new_v7(),
            NetworkBody::AskPlanned {
                ask: AskKind::Pledge,
                follow_up_on: None,
            },
        ),
    ];
    // The fold sorts by (at, id): any arrival order gives the same state.
    records.reverse();
    let state = fold(&records);
    assert_eq!(state.contacts.len(), 3);
    let names: Vec<&str> = state.active().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Ana García", "Ben"]);
    let a = state.contact(ana).expect("ana");
    assert_eq!(a.ask(AskKind::Donate).answer, Some(AskAnswer::Yes));
    assert_eq!(a.ask(AskKind::Donate).promised_cents, 2500);
    assert_eq!(a.given_cents, 2000);
    assert!(state.contact(gone).expect("gone").removed);

    let t = state.totals(d("2027-01-15"));
    assert_eq!(t.contacts, 2);
    assert_eq!(t.asks_made, 2);
    assert_eq!(t.asks_planned, 1);
    assert_eq!(
        t.donate,
        AnswerCounts {
            yes: 1,
            no: 0,
            maybe: 0
        }
    );
    assert_eq!(
        t.pledge,
        AnswerCounts {
            yes: 0,
            no: 1,
            maybe: 0
        }
    );
    assert_eq!(t.promised_cents, 2500);
    assert_eq!(t.given_cents, 2000);
    assert_eq!(t.follow_ups_due, 1);
    assert_eq!(state.totals(d("2027-01-09")).follow_ups_due, 0);
    let due = state.follow_ups_due(d("2027-01-15"));
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].contact, due[0].ask), (ben, AskKind::Volunteer));

    // Removing and saving again brings a contact back (the latest wins).
    let mut more = records.clone();
    more.push(rec(T + 20, gone, saved("Gone", None)));
    assert_eq!(fold(&more).totals(d("2027-01-15")).contacts, 3);
}

#[test]
fn a_gift_clears_the_donation_follow_up() {
    let c = NetworkContactId::new_v7();
    let records = vec![
        rec(T, c, saved("Cam", None)),
        rec(
            T + 1,
            c,
            NetworkBody::AskAnswered {
                ask: AskKind::Donate,
                answer: AskAnswer::Yes,
                amount_promised_cents: Some(1000),
                follow_up_on: Some(d("2027-01-01")),
            },
        ),
    ];
    assert_eq!(fold(&records).totals(d("2027-01-15")).follow_ups_due, 1);
    let mut paid = records;
    paid.push(rec(
        T + 2,
        c,
        NetworkBody::GiftReceived { amount_cents: 1000 },
    ));
    assert_eq!(fold(&paid).totals(d("2027-01-15")).follow_ups_due, 0);
}

#[test]
fn phones_normalise_like_the_voter_import() {
    for raw in [
        "(919) 555-0123",
        "919.555.0123",
        "+1 919 555 0123",
        "1-919-555-0123",
        "919-555-0123 ext. 12",
        "tel:+1-919-555-0123",
    ] {
        assert_eq!(
            import::normalize_phone(raw),
            Phone::Valid("+19195550123".into()),
            "{raw}"
        );
    }
    assert_eq!(
        import::normalize_phone("+44 20 7946 0958"),
        Phone::Valid("+442079460958".into())
    );
    assert_eq!(import::normalize_phone(" "), Phone::Empty);
    for raw in [
        "555-0123",
        "119-555-0123",
        "919-155-0123",
        "call me",
        "+0 123",
    ] {
        assert_eq!(import::normalize_phone(raw), Phone::Invalid, "{raw}");
    }
}

const VCARDS: &str = "BEGIN:VCARD\r
VERSION:3.0\r
N:García;Ana;;;\r
FN:Ana García\r
TEL;TYPE=HOME:(919) 555-0100\r
TEL;TYPE=CELL,VOICE:919-555-0123\r
EMAIL;TYPE=INTERNET:Ana@Example.org\r
NOTE:Met at the\\, uh\\, potluck\\nSister of Luis\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
FN:Benjamin Okafor-Smith with a very long\r
  folded name\r
item1.TEL;VALUE=uri;TYPE=\"cell,voice\":tel:+1-919-555-0177\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:2.1\r
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Nu=C3=B1ez;Mar=\r
=C3=ADa;;;\r
TEL;CELL:555-0123\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
TEL:919-555-0144\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:Never Closed\r
BEGIN:VCARD\r
VERSION:3.0\r
ORG:Corner Bakery;\r
EMAIL:hello@bakery.example\r
END:VCARD\r
END:VCARD\r
";

#[test]
fn vcards_are_read_with_every_problem_reported_by_line() {
    let parsed = import::parse(VCARDS).expect("a vCard file");
    let got: Vec<(usize, &str, Option<&str>, Option<&str>)> = parsed
        .contacts
        .iter()
        .map(|c| {
            (
                c.line,
                c.name.as_str(),
                c.phone.as_deref(),
                c.email.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                "Ana García",
                Some("+19195550123"),
                Some("ana@example.org")
            ),
            (
                10,
                "Benjamin Okafor-Smith with a very long folded name",
                Some("+19195550177"),
                None
            ),
            (16, "María Nuñez", None, None),
            (29, "Corner Bakery", None, Some("hello@bakery.example")),
        ]
    );
    assert_eq!(
        parsed.contacts[0].note,
        "Met at the, uh, potluck\nSister of Luis"
    );
    let issues: Vec<(usize, bool, IssueReason)> = parsed
        .issues
        .iter()
        .map(|i| (i.line, i.skipped, i.reason.clone()))
        .collect();
    assert_eq!(
        issues,
        [
            (16, false, IssueReason::BadPhone("555-0123".into())),
            (22, true, IssueReason::NoName),
            (26, true, IssueReason::UnterminatedCard),
            (34, true, IssueReason::EndWithoutBegin),
        ]
    );
}

#[test]
fn whole_file_problems_import_nothing() {
    assert_eq!(import::parse(""), Err(ImportError::Empty));
    assert_eq!(
        import::parse("hello there"),
        Err(ImportError::UnknownFormat)
    );
    assert_eq!(
        import::parse("Phone,Email\n919-555-0123,a@b.org\n"),
        Err(ImportError::NoNameColumn)
    );
    assert_eq!(
        import::parse("Name,Phone\n\"Ana,919-555-0123\nBen,919-555-0124\n"),
        Err(ImportError::UnclosedQuote(2))
    );
    assert_eq!(
        import::parse("BEGIN:VCARD\nVERSION:3.0\n"),
        Ok(import::Parsed {
            contacts: vec![],
            issues: vec![import::ImportIssue {
                line: 1,
                skipped: true,
                reason: IssueReason::UnterminatedCard
            }]
        })
    );
    let huge = format!("Name\n{}", "x\n".repeat(import::MAX_IMPORT_BYTES));
    assert_eq!(import::parse(&huge), Err(ImportError::TooLarge));
}

#[test]
fn google_contacts_csv_is_read_with_bad_rows_reported() {
    let csv = "\u{feff}Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,E-mail 1 - Value,Notes\r
Ana García,Ana,García,Mobile,+1 919-555-0123 ::: 919-555-0999,ana@example.org,\"Line one\r
line two\"\r
,Ben,Okafor,Mobile,(919) 555-0124,,\r
,,,Mobile,919-555-0125,nobody@example.org,\r
Carla,Carla,,Home,12345,carla@example,\r
Dan,Dan,,,,,,,extra\r
\r
";
    let parsed = import::parse(csv).expect("csv");
    let got: Vec<(usize, &str, Option<&str>, Option<&str>)> = parsed
        .contacts
        .iter()
        .map(|c| {
            (
                c.line,
                c.name.as_str(),
                c.phone.as_deref(),
                c.email.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                2,
                "Ana García",
                Some("+19195550123"),
                Some("ana@example.org")
            ),
            (4, "Ben Okafor", Some("+19195550124"), None),
            (6, "Carla", None, None),
        ]
    );
    assert_eq!(parsed.contacts[0].note, "Line one\nline two");
    let issues: Vec<(usize, bool, IssueReason)> = parsed
        .issues
        .iter()
        .map(|i| (i.line, i.skipped, i.reason.clone()))
        .collect();
    assert_eq!(
        issues,
        [
            (5, true, IssueReason::NoName),
            (6, false, IssueReason::BadPhone("12345".into())),
            (6, false, IssueReason::BadEmail("carla@example".into())),
            (
                7,
                true,
                IssueReason::TooManyCells {
                    found: 9,
                    expected: 7
                }
            ),
        ]
    );
}

#[test]
fn outlook_and_semicolon_csv_spellings() {
    let csv = "First Name;Last Name;Mobile Phone;E-mail Address\nEva;Rossi;919 555 0130;eva@example.org\n";
    let parsed = import::parse(csv).expect("csv");
    assert_eq!(parsed.contacts.len(), 1);
    assert_eq!(parsed.contacts[0].name, "Eva Rossi");
    assert_eq!(parsed.contacts[0].phone.as_deref(), Some("+19195550130"));
}

#[test]
fn the_plan_skips_duplicates_of_my_list_and_within_the_file() {
    let existing = fold(&[
        rec(
            T,
            NetworkContactId::new_v7(),
            saved("Ana García", Some("+19195550123")),
        ),
        rec(
            T + 1,
            NetworkContactId::new_v7(),
            NetworkBody::ContactSaved {
                name: "Ben Okafor".into(),
                phone: None,
                email: Some("ben@example.org".into()),
                relationship: Relationship::Coworker,
                note: String::new(),
            },
        ),
    ]);
    let csv = "Name,Phone,Email\n\
               Ana G,919-555-0123,\n\
               ben okafor,,BEN@example.org\n\
               Carla,919-555-0140,\n\
               Carla Again,(919) 555-0140,\n\
               Dan,555,\n";
    let plan = import::plan(import::parse(csv).expect("csv"), &existing.contacts);
    let added: Vec<&str> = plan.add.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(added, ["Carla", "Dan"]);
    let issues: Vec<(usize, IssueReason)> = plan
        .issues
        .iter()
        .map(|i| (i.line, i.reason.clone()))
        .collect();
    assert_eq!(
        issues,
        [
            (2, IssueReason::DuplicateOfExisting("Ana García".into())),
            (3, IssueReason::DuplicateOfExisting("Ben Okafor".into())),
            (5, IssueReason::DuplicateInFile(4)),
            (6, IssueReason::BadPhone("555".into())),
        ]
    );
    assert_eq!(plan.skipped(), 3);
}
