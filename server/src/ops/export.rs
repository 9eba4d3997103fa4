//! Results export: a campaign's field events as CSV, to load back into the campaign's
//! system of record. Two shapes:
//!
//! - **full**: one row per field event (contact result, survey answer, pledge, ask, note,
//!   do-not-contact, person added at the door). Answers, pledges, asks and notes recorded in
//!   a contact attempt name it in `attempt_id`, so rows can be grouped by attempt.
//! - **van**: the VAN-style upload: voter id, result, "question: answer", date. Door and
//!   building results (not home, inaccessible...) become one row per listed voter of the
//!   household; pledges and asks become `pledge: yes`, `volunteer: maybe`. Rows that cannot
//!   go back to the voter file (people added at the door, who have no voter id; notes) are
//!   left out and counted in [`ExportSummary::skipped`].
//!
//! Events of quarantined volunteers are left out until released, and counted in
//! [`ExportSummary::quarantined`].
//!
//! Rows are written as they are read from one snapshot of the store, so memory stays flat
//! for millions of events. Times in the full shape are instants (ISO 8601, UTC); the VAN
//! shape's date is the day the contact happened in the campaign's time zone (a knock at
//! 8 pm in New York on November 3 is November 3, though it is already the 4th in UTC).
//!
//! **Spreadsheet formula guard.** Notes, names and plans are free text a volunteer typed;
//! a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
//! formula by spreadsheet programs (CSV injection). Every such cell is written with a
//! single quote in front (`'=1+1`), which spreadsheets show as text. Quoting of commas,
//! quotes and line breaks is the `csv` crate's (RFC 4180).

use std::borrow::Cow;
use std::io::Write;

use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan};
use groundgame_core::{CampaignConfig, CampaignId, EventBody, ResultLevel};

use crate::store::{ExportedEvent, Store, StoreError};

/// Which shape of CSV to write (the wire's and the command line's name for it).
pub use groundgame_core::protocol::campaign_data::ExportFormat;

/// The columns of the full shape, in order.
pub const FULL_HEADER: [&str; 18] = [
    "event_id",
    "time",
    "kind",
    "attempt_id",
    "voter_id",
    "person_id",
    "household_id",
    "address",
    "result",
    "survey",
    "pledge",
    "plan",
    "ask",
    "note",
    "volunteer",
    "device_id",
    "channel",
    "flagged_stale",
];

/// The columns of the VAN-style upload, in order.
pub const VAN_HEADER: [&str; 4] = ["voter_id", "result", "survey_response", "date"];

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportSummary {
    /// Events read.
    pub events: u64,
    /// Rows written (not counting the header).
    pub rows: u64,
    /// Events left out of a VAN upload (no voter id, or nothing the upload can carry).
    pub skipped: u64,
    /// Events left out because their volunteer is quarantined (not counted in `events`).
    pub quarantined: u64,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not write the CSV: {0}; check the disk has room and the file is writable")]
    Csv(#[from] csv::Error),
}

/// Prefix a cell a spreadsheet would read as a formula with a single quote.
pub fn guard(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// `ms` since the epoch as ISO 8601 UTC, to the millisecond: `2027-01-15T08:00:00.000Z`.
pub use groundgame_core::time::iso_time;

fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Door => "door",
        Channel::Phone => "phone",
    }
}

fn ask_kind(k: AskKind) -> &'static str {
    match k {
        AskKind::Donate => "donate",
        AskKind::Volunteer => "volunteer",
        AskKind::Pledge => "pledge",
    }
}

fn ask_answer(a: AskAnswer) -> &'static str {
    match a {
        AskAnswer::Yes => "yes",
        AskAnswer::No => "no",
        AskAnswer::Maybe => "maybe",
    }
}

fn plan_text(plan: &VotePlan) -> String {
    [&plan.when, &plan.place, &plan.how]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn address_text(a: &[String; 5]) -> String {
    let [street, number, unit, city, zip] = a;
    let mut line = [number.trim(), street.trim(), unit.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let place = [city.trim(), zip.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if !place.is_empty() {
        line.push_str(", ");
        line.push_str(&place);
    }
    line
}

/// The full shape's cells for one event.
fn full_row(e: &ExportedEvent) -> [String; 18] {
    let mut attempt_id = String::new();
    let (mut result, mut survey, mut pledge, mut plan, mut ask, mut note, mut via) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "",
    );
    let link = |a: &Option<groundgame_core::EventId>| a.map(|a| a.to_string()).unwrap_or_default();
    match &e.body {
        EventBody::Contact {
            channel: c,
            result: r,
            ..
        } => {
            result = r.clone();
            via = channel(*c);
        }
        EventBody::Survey {
            attempt,
            question,
            answer,
        } => {
            attempt_id = link(attempt);
            survey = format!("{question}: {answer}");
        }
        EventBody::Pledge { attempt, plan: p } => {
            attempt_id = link(attempt);
            pledge = "yes".into();
            plan = plan_text(p);
        }
        EventBody::Ask {
            attempt,
            ask: kind,
            answer,
            amount_cents,
        } => {
            attempt_id = link(attempt);
            ask = format!("{}: {}", ask_kind(*kind), ask_answer(*answer));
            if let Some(cents) = amount_cents {
                ask.push_str(&format!(" (${}.{:02})", cents / 100, cents % 100));
            }
        }
        EventBody::Note { attempt, text } => {
            attempt_id = link(attempt);
            note = text.clone();
        }
        EventBody::DoNotContact { channel: c } => {
            result = "do_not_contact".into();
            via = channel(*c);
        }
        EventBody::PersonAdded {
            first_name,
            last_name,
            language,
            phone,
        } => {
            let name = format!("{} {}", first_name.trim(), last_name.trim());
            let extra: Vec<&str> = [language.as_deref(), phone.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            note = if extra.is_empty() {
                format!("added at the door: {}", name.trim())
            } else {
                format!("added at the door: {} ({})", name.trim(), extra.join(", "))
            };
        }
    }
    [
        e.id.to_string(),
        iso_time(e.at.ms()),
        e.body.kind().to_string(),
        attempt_id,
        e.source_id.clone(),
        e.person.map(|p| p.to_string()).unwrap_or_default(),
        e.household.to_string(),
        e.address.as_ref().map(address_text).unwrap_or_default(),
        result,
        survey,
        pledge,
        plan,
        ask,
        note,
        e.volunteer_name.clone(),
        e.device.to_string(),
        via.to_string(),
        e.stale_assignment.to_string(),
    ]
}

/// The VAN-style rows for one event: (voter id, result, "question: answer").
fn van_rows(e: &ExportedEvent, config: &CampaignConfig) -> Vec<(String, String, String)> {
    let (result, response) = match &e.body {
        EventBody::Contact { result, .. } => (result.clone(), String::new()),
        EventBody::Survey {
            question, answer, ..
        } => (String::new(), format!("{question}: {answer}")),
        EventBody::Pledge { .. } => (String::new(), "pledge: yes".to_string()),
        EventBody::Ask { ask, answer, .. } => (
            String::new(),
            format!("{}: {}", ask_kind(*ask), ask_answer(*answer)),
        ),
        EventBody::DoNotContact { channel: c } => (
            match c {
                Channel::Phone => "do_not_call",
                Channel::Door => "do_not_knock",
            }
            .to_string(),
            String::new(),
        ),
        EventBody::Note { .. } | EventBody::PersonAdded { .. } => return Vec::new(),
    };
    let about_household = e.person.is_none()
        && matches!(&e.body, EventBody::Contact { result, .. }
            if config.result_code(result).map(|c| c.level) != Some(ResultLevel::Person));
    if about_household {
        return e
            .household_voters
            .iter()
            .map(|v| (v.clone(), result.clone(), response.clone()))
            .collect();
    }
    if e.source_id.is_empty() {
        return Vec::new();
    }
    vec![(e.source_id.clone(), result, response)]
}

/// Write the campaign's results to `out` as CSV in `format`, row by row as they are read.
pub fn write_csv<W: Write>(
    store: &dyn Store,
    campaign: CampaignId,
    format: ExportFormat,
    out: W,
) -> Result<ExportSummary, ExportError> {
    let config = store.campaign_config(campaign)?;
    let mut csv = csv::Writer::from_writer(out);
    let mut summary = ExportSummary {
        quarantined: store.quarantined_event_count(campaign)?,
        ..ExportSummary::default()
    };
    match format {
        ExportFormat::Full => csv.write_record(FULL_HEADER)?,
        ExportFormat::Van => csv.write_record(VAN_HEADER)?,
    }
    // The store stops at the first error a row returns; a CSV error is kept here and
    // answered as what it is.
    let mut failed: Option<csv::Error> = None;
    let mut write_row = |e: &ExportedEvent| -> Result<(), csv::Error> {
        match format {
            ExportFormat::Full => {
                for cell in &full_row(e) {
                    csv.write_field(guard(cell).as_bytes())?;
                }
                csv.write_record(None::<&[u8]>)?;
                summary.rows += 1;
            }
            ExportFormat::Van => {
                let rows = van_rows(e, &config);
                if rows.is_empty() {
                    summary.skipped += 1;
                }
                let date = config.time_zone.date_of(e.at.ms()).to_string();
                for (voter, result, response) in rows {
                    let cells = [guard(&voter), guard(&result), guard(&response)];
                    csv.write_record(cells.iter().map(|c| c.as_bytes()).chain([date.as_bytes()]))?;
                    summary.rows += 1;
                }
            }
        }
        Ok(())
    };
    let read = store.export_events(campaign, format == ExportFormat::Van, &mut |e| {
        write_row(e).map_err(|err| {
            failed = Some(err);
            StoreError::Invalid("the export stopped".into())
        })
    });
    if let Some(err) = failed {
        return Err(err.into());
    }
    summary.events = read?;
    csv.flush().map_err(csv::Error::from)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan};
    use groundgame_core::protocol::{PushOutcome, PushRequest, PROTOCOL_VERSION};
    use groundgame_core::{Event, EventBody, EventId, Hlc, HouseholdId, PersonId, Role, TurfId};

    use super::*;
    use crate::http::auth::AuthDevice;
    use crate::store::sqlite::people;
    use crate::{NewHousehold, NewPerson, SqliteStore};

    /// 2027-01-15T08:00:00Z.
    const NOW: u64 = 1_800_000_000_000;
    /// 2026-09-21: the canvasser's phone joined before the fall's records (a record older
    /// than its device's registration is ordered at the time it arrived).
    const REGISTERED: u64 = 1_790_000_000_000;

    struct World {
        _dir: tempfile::TempDir,
        store: SqliteStore,
        campaign: CampaignId,
        turf: TurfId,
        who: AuthDevice,
        homes: Vec<HouseholdId>,
    }

    fn person(source_id: &str) -> NewPerson {
        NewPerson {
            source_id: source_id.into(),
            first_name: "Pat".into(),
            last_name: "Lee".into(),
            ..NewPerson::default()
        }
    }

    fn world() -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("s.sqlite")).expect("open");
        let campaign = store
            .create_campaign("Export", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let turf = store.create_turf(campaign, "A").expect("turf");
        let homes = store
            .add_households(
                turf,
                vec![
                    (
                        NewHousehold {
                            street: "Oak St".into(),
                            number: "12".into(),
                            city: "Testville".into(),
                            zip: "27999".into(),
                            ..NewHousehold::default()
                        },
                        vec![person("NC-1"), person("NC-2")],
                    ),
                    (
                        NewHousehold {
                            street: "Elm St, North".into(),
                            number: "7".into(),
                            unit: "2B".into(),
                            city: "Testville".into(),
                            zip: "27999".into(),
                            ..NewHousehold::default()
                        },
                        vec![person("NC-3"), person("NC-4")],
                    ),
                ],
            )
            .expect("households");
        let code = store
            .create_invite(campaign, Role::Lead, 1, NOW + 86_400_000)
            .expect("invite");
        let reg = store
            .register_device(
                &code,
                "Ana \"Sunny\" Díaz",
                "phone",
                "0.1.0",
                &[7; 32],
                REGISTERED,
            )
            .expect("register");
        let who = AuthDevice {
            device: reg.device,
            volunteer: reg.volunteer,
            campaign,
            role: reg.role,
            last_seen_at: NOW,
            registered_at: REGISTERED,
        };
        World {
            _dir: dir,
            store,
            campaign,
            turf,
            who,
            homes,
        }
    }

    impl World {
        fn people_at(&self, home: HouseholdId) -> Vec<(PersonId, String)> {
            let mut found: Vec<(PersonId, String)> = self
                .store
                .read(|tx| people::page(tx, self.turf, 0, i64::MAX))
                .expect("people")
                .into_iter()
                .filter(|p| p.household == home)
                .map(|p| (p.id, p.source_id))
                .collect();
            found.sort_by(|a, b| a.1.cmp(&b.1));
            found
        }

        fn push(&self, events: &[Event]) {
            let req = PushRequest {
                protocol: PROTOCOL_VERSION,
                events: events.to_vec(),
                pending: 0,
            };
            let res = Store::push(&self.store, &self.who, &req, None, NOW).expect("push");
            for (e, outcome) in events.iter().zip(&res.results) {
                assert_eq!(*outcome, PushOutcome::Accepted, "{:?}", e.body);
            }
        }

        fn export(&self, format: ExportFormat) -> (ExportSummary, Vec<csv::StringRecord>) {
            let mut out = Vec::new();
            let summary = write_csv(&self.store, self.campaign, format, &mut out).expect("export");
            let mut reader = csv::Reader::from_reader(out.as_slice());
            let header: Vec<String> = reader
                .headers()
                .expect("header")
                .iter()
                .map(String::from)
                .collect();
            match format {
                ExportFormat::Full => assert_eq!(header, FULL_HEADER),
                ExportFormat::Van => assert_eq!(header, VAN_HEADER),
            }
            let rows = reader.records().collect::<Result<_, _>>().expect("rows");
            (summary, rows)
        }
    }

    fn event(n: u64, household: HouseholdId, person: Option<PersonId>, body: EventBody) -> Event {
        Event {
            id: EventId::new_v7(),
            at: Hlc::new(NOW - 60_000 + n * 1000, 0),
            household,
            person,
            body,
        }
    }

    fn knock(result: &str) -> EventBody {
        EventBody::Contact {
            channel: Channel::Door,
            result: result.into(),
            call_back_at: None,
        }
    }

    const TRICKY_NOTE: &str = "She said: \"call me, later\"\nsecond line, with a comma";

    /// Every kind of event, and what we expect of each: (event, voter id).
    fn record(w: &World) -> Vec<(Event, String)> {
        let (h1, h2) = (w.homes[0], w.homes[1]);
        let at_h1 = w.people_at(h1);
        let (p1, p2) = (at_h1[0].0, at_h1[1].0);
        let newcomer = PersonId::new_v7();
        let talked = event(2, h1, Some(p1), knock("talked"));
        let attempt = Some(talked.id);
        let events = vec![
            (event(1, h1, None, knock("not_home")), ""),
            (talked, "NC-1"),
            (
                event(
                    3,
                    h1,
                    Some(p1),
                    EventBody::Survey {
                        attempt,
                        question: "support".into(),
                        answer: "1".into(),
                    },
                ),
                "NC-1",
            ),
            (
                event(
                    4,
                    h1,
                    Some(p1),
                    EventBody::Pledge {
                        attempt,
                        plan: VotePlan {
                            when: "=HYPERLINK(\"http://x\")".into(),
                            place: "Library, Main St".into(),
                            how: "walking".into(),
                        },
                    },
                ),
                "NC-1",
            ),
            (
                event(
                    5,
                    h1,
                    Some(p1),
                    EventBody::Ask {
                        attempt,
                        ask: AskKind::Volunteer,
                        answer: AskAnswer::Yes,
                        amount_cents: None,
                    },
                ),
                "NC-1",
            ),
            (
                event(
                    6,
                    h1,
                    Some(p1),
                    EventBody::Ask {
                        attempt,
                        ask: AskKind::Donate,
                        answer: AskAnswer::Maybe,
                        amount_cents: Some(2550),
                    },
                ),
                "NC-1",
            ),
            (
                event(
                    7,
                    h1,
                    Some(p1),
                    EventBody::Note {
                        attempt,
                        text: TRICKY_NOTE.into(),
                    },
                ),
                "NC-1",
            ),
            (
                event(
                    8,
                    h1,
                    None,
                    EventBody::Note {
                        attempt: None,
                        text: "=1+1".into(),
                    },
                ),
                "",
            ),
            (
                event(
                    9,
                    h2,
                    Some(newcomer),
                    EventBody::PersonAdded {
                        first_name: "Ana".into(),
                        last_name: "López".into(),
                        language: Some("es".into()),
                        phone: None,
                    },
                ),
                "",
            ),
            (event(10, h2, Some(newcomer), knock("talked")), ""),
            (
                event(
                    11,
                    h1,
                    Some(p2),
                    EventBody::DoNotContact {
                        channel: Channel::Phone,
                    },
                ),
                "NC-2",
            ),
            (event(12, h2, None, knock("inaccessible")), ""),
        ];
        let events: Vec<(Event, String)> = events
            .into_iter()
            .map(|(e, v)| (e, v.to_string()))
            .collect();
        w.push(&events.iter().map(|(e, _)| e.clone()).collect::<Vec<_>>());
        events
    }

    #[test]
    fn full_export_has_every_event_once_with_its_voter_id() {
        let w = world();
        let events = record(&w);
        let (summary, rows) = w.export(ExportFormat::Full);
        assert_eq!(
            summary,
            ExportSummary {
                events: 12,
                rows: 12,
                skipped: 0,
                quarantined: 0
            }
        );
        let col = |name: &str| FULL_HEADER.iter().position(|h| *h == name).expect("column");
        let mut by_id: HashMap<String, &csv::StringRecord> = HashMap::new();
        for row in &rows {
            assert!(
                by_id
                    .insert(row[col("event_id")].to_string(), row)
                    .is_none(),
                "event {} twice",
                &row[col("event_id")]
            );
        }
        assert_eq!(by_id.len(), events.len());
        for (e, voter) in &events {
            let row = by_id[&e.id.to_string()];
            assert_eq!(&row[col("voter_id")], voter, "{:?}", e.body);
            assert_eq!(
                row[col("person_id")].to_string(),
                e.person.map(|p| p.to_string()).unwrap_or_default()
            );
            assert_eq!(&row[col("kind")], e.body.kind());
            assert_eq!(&row[col("household_id")], e.household.to_string());
            assert_eq!(&row[col("device_id")], w.who.device.to_string());
            assert_eq!(&row[col("volunteer")], "Ana \"Sunny\" Díaz");
            assert_eq!(&row[col("flagged_stale")], "false");
        }
        let row = |i: usize| by_id[&events[i].0.id.to_string()];
        let talked = events[1].0.id.to_string();
        assert_eq!(&row(0)[col("time")], "2027-01-15T07:59:01.000Z");
        assert_eq!(&row(0)[col("result")], "not_home");
        assert_eq!(&row(0)[col("channel")], "door");
        assert_eq!(&row(0)[col("address")], "12 Oak St, Testville 27999");
        assert_eq!(
            &row(11)[col("address")],
            "7 Elm St, North 2B, Testville 27999"
        );
        assert_eq!(&row(2)[col("survey")], "support: 1");
        assert_eq!(&row(2)[col("attempt_id")], talked);
        assert_eq!(&row(3)[col("pledge")], "yes");
        // A plan starting with "=" is guarded so a spreadsheet shows it as text.
        assert_eq!(
            &row(3)[col("plan")],
            "'=HYPERLINK(\"http://x\"); Library, Main St; walking"
        );
        assert_eq!(&row(4)[col("ask")], "volunteer: yes");
        assert_eq!(&row(5)[col("ask")], "donate: maybe ($25.50)");
        assert_eq!(&row(6)[col("note")], TRICKY_NOTE);
        assert_eq!(&row(7)[col("note")], "'=1+1");
        assert_eq!(&row(8)[col("note")], "added at the door: Ana López (es)");
        assert_eq!(&row(10)[col("result")], "do_not_contact");
        assert_eq!(&row(10)[col("channel")], "phone");
    }

    #[test]
    fn van_dates_are_the_campaigns_days_and_full_times_are_instants() {
        let w = world();
        let ny = groundgame_core::TimeZone::parse("America/New_York").expect("zone");
        w.store
            .set_campaign_time_zone(w.campaign, ny)
            .expect("zone");
        // 8:30 pm on election day in New York is already November 4 in UTC; 00:30 on
        // November 1, the night clocks fall back, is November 1 on both clocks.
        let evening = 1_793_755_800_000; // 2026-11-04T01:30:00Z = Nov 3, 20:30 EST
        let midnight = 1_793_507_400_000; // 2026-11-01T04:30:00Z = Nov 1, 00:30 EDT
        let knock_at = |at: u64| Event {
            at: Hlc::new(at, 0),
            ..event(0, w.homes[0], None, knock("not_home"))
        };
        w.push(&[knock_at(evening), knock_at(midnight)]);
        let (_, rows) = w.export(ExportFormat::Van);
        let dates: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
        assert_eq!(
            dates,
            ["2026-11-03", "2026-11-03", "2026-11-01", "2026-11-01"]
        );
        let (_, full) = w.export(ExportFormat::Full);
        let col = FULL_HEADER
            .iter()
            .position(|h| *h == "time")
            .expect("time column");
        assert_eq!(&full[0][col], "2026-11-04T01:30:00.000Z");
    }

    #[test]
    fn van_upload_has_one_row_per_voter_and_answer() {
        let w = world();
        let events = record(&w);
        let (summary, rows) = w.export(ExportFormat::Van);
        // Left out: two notes, the person added at the door and their result.
        assert_eq!(
            summary,
            ExportSummary {
                events: 12,
                rows: 10,
                skipped: 4,
                quarantined: 0
            }
        );
        let got: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(String::from).collect())
            .collect();
        let day = "2027-01-15".to_string();
        let want: Vec<Vec<String>> = [
            ["NC-1", "not_home", ""],
            ["NC-2", "not_home", ""],
            ["NC-1", "talked", ""],
            ["NC-1", "", "support: 1"],
            ["NC-1", "", "pledge: yes"],
            ["NC-1", "", "volunteer: yes"],
            ["NC-1", "", "donate: maybe"],
            ["NC-2", "do_not_call", ""],
            ["NC-3", "inaccessible", ""],
            ["NC-4", "inaccessible", ""],
        ]
        .iter()
        .map(|r| {
            r.iter()
                .map(|s| s.to_string())
                .chain([day.clone()])
                .collect()
        })
        .collect();
        assert_eq!(got, want);
        assert_eq!(events.len(), 12);
    }

    #[test]
    fn an_unknown_campaign_is_an_error_not_an_empty_file() {
        let w = world();
        let mut out = Vec::new();
        let err = write_csv(&w.store, CampaignId(999), ExportFormat::Full, &mut out)
            .expect_err("unknown");
        assert!(matches!(
            err,
            ExportError::Store(StoreError::NotFound("campaign"))
        ));
    }

    #[test]
    fn formula_cells_are_guarded_and_times_are_utc() {
        for (cell, want) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("fine = ok", "fine = ok"),
            ("", ""),
        ] {
            assert_eq!(guard(cell), want);
        }
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_time(NOW + 1234), "2027-01-15T08:00:01.234Z");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(
            groundgame_core::time::utc_date(1_709_251_199_999).to_string(),
            "2024-02-29"
        );
    }
}
