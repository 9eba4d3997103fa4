//! The lead's progress figures equal a recomputation from the raw events: a varied field
//! day (several volunteers and turfs, duplicate knocks at one door, support answers changed
//! later and pushed out of order, clamped timestamps, a too-fast volunteer) goes through
//! the API, and every figure is recomputed here with plain loops over
//! `store.campaign_events()`. Quarantine leaves a volunteer out of figures and exports
//! until released, and never out of sync.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::Ordering;

use axum::http::{Method, StatusCode};
use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan};
use groundgame_core::protocol::{codes, PushOutcome};
use groundgame_core::time::NaiveDate;
use groundgame_core::{
    Event, EventBody, EventId, HouseholdId, PersonId, TimeZone, TurfId, VolunteerId,
};

use super::harness::{event_at, knock, Device, Harness, DAY, NOW};
use crate::ops::export::{write_csv, ExportFormat};
use crate::store::sqlite::progress::{
    DayProgress, Figures, HourProgress, Progress, QualityFlag, Support, Totals, TurfProgress,
    VolunteerProgress,
};
use groundgame_core::protocol::lead::QuarantineResponse;

const MIN: u64 = 60_000;
const HOUR: u64 = 60 * MIN;

/// Who recorded what, as the test pushed it.
struct Field {
    h: Harness,
    lead: Device,
    recorder: HashMap<EventId, VolunteerId>,
    names: HashMap<VolunteerId, String>,
}

impl Field {
    async fn push(&mut self, device: &Device, events: Vec<Event>) {
        let outcomes = self.h.push(device, &events).await;
        for (e, o) in events.iter().zip(&outcomes) {
            assert_eq!(*o, PushOutcome::Accepted, "{:?}", e.body);
            self.recorder.insert(e.id, device.reg.volunteer);
        }
    }

    async fn progress(&self, query: &str) -> Progress {
        let r = self
            .h
            .call(
                Method::GET,
                &format!("/api/v1/progress{query}"),
                Some(&self.lead.token),
                None,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        r.parse()
    }

    async fn quarantine(&self, volunteer: VolunteerId, action: &str) -> QuarantineResponse {
        self.h
            .post_ok(
                &format!("/api/v1/volunteers/{}/{action}", volunteer.0),
                &self.lead.token,
                serde_json::json!(null),
            )
            .await
    }
}

fn survey(answer: &str) -> EventBody {
    EventBody::Survey {
        attempt: None,
        question: "support".into(),
        answer: answer.into(),
    }
}

fn ask(ask: AskKind, answer: AskAnswer, amount_cents: Option<u32>) -> EventBody {
    EventBody::Ask {
        attempt: None,
        ask,
        answer,
        amount_cents,
    }
}

/// The day's events, pushed through the API.
async fn field_day() -> Field {
    let h = Harness::new();
    // Everyone joined the weekend before: a record older than its device is ordered at the
    // time it arrived, and this day's records must keep their own times.
    h.clock.store(NOW - 3 * DAY, Ordering::SeqCst);
    let lead = h.register(&h.lead_invite, "Lee").await;
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let ben = h.volunteer_on(h.turf_a, "Ben").await;
    let mut assignees = h.store.assignees(h.turf_b).expect("assignees");
    assignees.push(ben.reg.volunteer);
    h.store.set_assignees(h.turf_b, &assignees).expect("assign");
    let fred = h.volunteer_on(h.turf_b, "Fred").await;
    h.clock.store(NOW, Ordering::SeqCst);
    h.callers(&[ana.reg.volunteer, ben.reg.volunteer, fred.reg.volunteer]);
    let a = h.households_of(h.turf_a);
    let b = h.households_of(h.turf_b);
    let pa: Vec<PersonId> = a.iter().map(|x| h.person_at(*x)).collect();
    let pb: Vec<PersonId> = b.iter().map(|x| h.person_at(*x)).collect();
    let mut names = HashMap::new();
    for (d, name) in [
        (&lead, "Lee"),
        (&ana, "Ana"),
        (&ben, "Ben"),
        (&fred, "Fred"),
    ] {
        names.insert(d.reg.volunteer, name.to_string());
    }
    let mut f = Field {
        h,
        lead: lead.clone(),
        recorder: HashMap::new(),
        names,
    };
    let day1 = NOW - DAY - 10 * HOUR; // 2027-01-13T22:00Z
    let door = |at: u64, home: HouseholdId, who: Option<PersonId>, result: &str| {
        event_at(at, home, who, knock(result))
    };
    // Ana: turf A, across midnight UTC.
    f.push(
        &ana,
        vec![
            door(day1, a[0], None, "not_home"),
            door(day1 + 3 * MIN, a[1], Some(pa[1]), "talked"),
            event_at(day1 + 4 * MIN, a[1], Some(pa[1]), survey("3")),
            event_at(
                day1 + 4 * MIN,
                a[1],
                Some(pa[1]),
                EventBody::Pledge {
                    attempt: None,
                    plan: VotePlan::default(),
                },
            ),
            event_at(
                day1 + 5 * MIN,
                a[1],
                Some(pa[1]),
                ask(AskKind::Donate, AskAnswer::Yes, Some(2500)),
            ),
            door(day1 + 2 * HOUR + 7 * MIN, a[2], Some(pa[2]), "refused"),
            door(day1 + 2 * HOUR + 10 * MIN, a[3], None, "come_back"),
            // The same door twice, minutes apart (duplicate knock).
            door(day1 + 2 * HOUR + 12 * MIN, a[0], None, "not_home"),
            event_at(
                day1 + 2 * HOUR + 13 * MIN,
                a[0],
                None,
                EventBody::Note {
                    attempt: None,
                    text: "dog".into(),
                },
            ),
        ],
    )
    .await;
    // Ben: turf A (the door Ana knocked twice, and a changed answer) and turf B.
    let day2 = NOW - 3 * HOUR; // 2027-01-15T05:00Z
    f.push(
        &ben,
        vec![
            door(day2, a[0], Some(pa[0]), "talked"),
            event_at(day2 + MIN, a[0], Some(pa[0]), survey("2")),
            event_at(
                day2 + MIN,
                a[0],
                Some(pa[0]),
                ask(AskKind::Volunteer, AskAnswer::Yes, None),
            ),
            event_at(
                day2 + 2 * MIN,
                a[0],
                Some(pa[0]),
                ask(AskKind::Pledge, AskAnswer::Yes, None),
            ),
            // Ana's voter changed their mind later: 3 then 1.
            door(day2 + 4 * MIN, a[1], Some(pa[1]), "talked"),
            event_at(day2 + 5 * MIN, a[1], Some(pa[1]), survey("1")),
            event_at(
                day2 + 5 * MIN,
                a[1],
                Some(pa[1]),
                ask(AskKind::Donate, AskAnswer::No, None),
            ),
            door(day2 + 9 * MIN, b[0], Some(pb[0]), "moved"),
            // Fred answers for this person later: while he is quarantined this counts.
            event_at(day2 + 9 * MIN, b[0], Some(pb[0]), survey("4")),
            event_at(
                day2 + 10 * MIN,
                b[0],
                Some(pb[0]),
                EventBody::Contact {
                    channel: Channel::Phone,
                    result: "talked".into(),
                    call_back_at: None,
                },
            ),
            event_at(
                day2 + 11 * MIN,
                b[0],
                Some(pb[0]),
                EventBody::Contact {
                    channel: Channel::Phone,
                    result: "no_answer".into(),
                    call_back_at: None,
                },
            ),
            // The phone clock ran an hour ahead: clamped to the server's time.
            door(NOW + HOUR, b[1], None, "literature_left"),
            event_at(NOW + HOUR + MIN, b[1], Some(pb[1]), survey("4")),
        ],
    )
    .await;
    // An earlier answer arriving late does not replace the later one.
    f.push(
        &ana,
        vec![event_at(day1 + HOUR, a[0], Some(pa[0]), survey("5"))],
    )
    .await;
    // Fred: 24 knocks ten seconds apart, 18 "talked": both flags.
    let fast = day2 + 30 * MIN;
    let fred_events: Vec<Event> = (0..24u64)
        .map(|i| {
            let k = (i % 3) as usize;
            if i % 4 == 3 {
                door(fast + i * 10_000, b[k], None, "not_home")
            } else {
                door(fast + i * 10_000, b[k], Some(pb[k]), "talked")
            }
        })
        .collect();
    // ...and a later support answer for a voter Ben asked first (3 replaces Ben's 4).
    let mut fred_events = fred_events;
    fred_events.push(event_at(fast + 5 * MIN, b[0], Some(pb[0]), survey("3")));
    f.push(&fred, fred_events).await;
    // The lead knocks too (leads' scope is the whole campaign).
    f.push(&lead, vec![door(day2 + HOUR, a[4], Some(pa[4]), "hostile")])
        .await;
    f
}

/// Every figure, recomputed from the stored events with plain loops.
fn recompute(f: &Field, quarantined: &[VolunteerId], zone: TimeZone) -> Progress {
    let h = &f.h;
    let events = h.store.campaign_events(h.campaign).expect("events");
    let turfs = [(h.turf_a, "A"), (h.turf_b, "B")];
    let mut turf_of: HashMap<HouseholdId, TurfId> = HashMap::new();
    for (t, _) in turfs {
        for home in h.households_of(t) {
            turf_of.insert(home, t);
        }
    }
    let talked = |r: &str| r == "talked";
    let figures_of = |list: &[&Event]| {
        let mut f = Figures::default();
        for e in list {
            match &e.body {
                EventBody::Contact {
                    channel: Channel::Door,
                    result,
                    ..
                } => {
                    f.knocks += 1;
                    if talked(result) {
                        f.contacts += 1;
                    }
                }
                EventBody::Contact {
                    channel: Channel::Phone,
                    result,
                    ..
                } => {
                    f.calls += 1;
                    if talked(result) {
                        f.call_contacts += 1;
                    }
                }
                EventBody::Pledge { .. } => f.pledges += 1,
                EventBody::Ask {
                    ask,
                    answer: AskAnswer::Yes,
                    amount_cents,
                    ..
                } => match ask {
                    AskKind::Pledge => f.pledges += 1,
                    AskKind::Volunteer => f.volunteer_yes += 1,
                    AskKind::Donate => {
                        f.donate_yes += 1;
                        f.donate_cents += u64::from(amount_cents.unwrap_or(0));
                    }
                },
                _ => {}
            }
        }
        f
    };
    let rate = |f: &Figures| {
        if f.knocks == 0 {
            0.0
        } else {
            f.contacts as f64 / f.knocks as f64
        }
    };
    let who = |e: &Event| f.recorder[&e.id];
    let counted: Vec<&Event> = events
        .iter()
        .filter(|e| !quarantined.contains(&who(e)))
        .collect();
    let is_knock = |e: &Event| {
        matches!(
            e.body,
            EventBody::Contact {
                channel: Channel::Door,
                ..
            }
        )
    };
    // Support: each person's latest answer, counted where their household is.
    let mut latest: HashMap<PersonId, &Event> = HashMap::new();
    for e in &counted {
        if let (EventBody::Survey { question, .. }, Some(p)) = (&e.body, e.person) {
            if question == "support" && latest.get(&p).is_none_or(|l| (l.at, l.id) < (e.at, e.id)) {
                latest.insert(p, e);
            }
        }
    }
    let support_of = |only: Option<TurfId>| {
        let mut s = Support::default();
        for e in latest.values() {
            if only.is_some_and(|t| turf_of.get(&e.household) != Some(&t)) {
                continue;
            }
            let EventBody::Survey { answer, .. } = &e.body else {
                continue;
            };
            match answer.as_str() {
                "1" => s.strong_support += 1,
                "2" => s.lean_support += 1,
                "3" => s.undecided += 1,
                "4" => s.lean_against += 1,
                _ => s.strong_against += 1,
            }
        }
        s
    };
    let knocked_doors = |only: Option<TurfId>| {
        counted
            .iter()
            .filter(|e| is_knock(e))
            .filter(|e| match only {
                Some(t) => turf_of.get(&e.household) == Some(&t),
                None => turf_of.contains_key(&e.household),
            })
            .map(|e| e.household)
            .collect::<BTreeSet<_>>()
            .len() as u64
    };
    let all = figures_of(&counted);
    let totals = Totals {
        households: turf_of.len() as u64,
        doors_knocked: knocked_doors(None),
        figures: all,
        contact_rate: rate(&all),
        support: support_of(None),
    };
    let by_turf = turfs
        .iter()
        .map(|(t, name)| {
            let mine: Vec<&Event> = counted
                .iter()
                .copied()
                .filter(|e| turf_of.get(&e.household) == Some(t))
                .collect();
            let fig = figures_of(&mine);
            TurfProgress {
                turf: *t,
                name: name.to_string(),
                households: turf_of.values().filter(|x| *x == t).count() as u64,
                doors_knocked: knocked_doors(Some(*t)),
                figures: fig,
                contact_rate: rate(&fig),
                support: support_of(Some(*t)),
            }
        })
        .collect();
    let volunteers: BTreeSet<VolunteerId> = events.iter().map(who).collect();
    let by_volunteer = volunteers
        .iter()
        .map(|v| {
            let mine: Vec<&Event> = events.iter().filter(|e| who(e) == *v).collect();
            let fig = figures_of(&mine);
            let mut times: Vec<u64> = mine
                .iter()
                .filter(|e| is_knock(e))
                .map(|e| e.at.ms())
                .collect();
            times.sort();
            let mut gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
            gaps.sort();
            let median = gaps.get(gaps.len() / 2).copied();
            let mut flags = Vec::new();
            if fig.knocks >= 20 && rate(&fig) > 0.6 {
                flags.push(QualityFlag::HighContactRate);
            }
            if fig.knocks >= 10 && median.is_some_and(|g| g < 20_000) {
                flags.push(QualityFlag::FastDoors);
            }
            VolunteerProgress {
                volunteer: *v,
                name: f.names[v].clone(),
                quarantined: quarantined.contains(v),
                figures: fig,
                contact_rate: rate(&fig),
                median_knock_gap_ms: median,
                flags,
            }
        })
        .collect();
    let by_hour = (0..24)
        .map(|hour| {
            let mine: Vec<&Event> = counted
                .iter()
                .copied()
                .filter(|e| zone.hour_of(e.at.ms()) == hour)
                .collect();
            let fig = figures_of(&mine);
            HourProgress {
                hour,
                figures: fig,
                contact_rate: rate(&fig),
            }
        })
        .collect();
    let mut days: BTreeMap<NaiveDate, Vec<&Event>> = BTreeMap::new();
    for e in &counted {
        days.entry(zone.date_of(e.at.ms())).or_default().push(e);
    }
    let by_day = days
        .into_iter()
        .map(|(date, mine)| {
            let fig = figures_of(&mine);
            DayProgress {
                date,
                figures: fig,
                contact_rate: rate(&fig),
            }
        })
        .collect();
    Progress {
        time_zone: zone,
        totals,
        by_turf,
        by_volunteer,
        by_hour,
        by_day,
        quarantined_events: (events.len() - counted.len()) as u64,
    }
}

fn new_york() -> TimeZone {
    TimeZone::parse("America/New_York").expect("zone")
}

/// `2026-11-01T05:30` (UTC) as ms.
fn utc_ms(iso: &str) -> u64 {
    let t = chrono::NaiveDateTime::parse_from_str(iso, "%Y-%m-%dT%H:%M").expect("time");
    u64::try_from(t.and_utc().timestamp_millis()).expect("after 1970")
}

#[tokio::test]
async fn hours_and_days_are_the_campaigns_across_the_2026_us_clock_changes() {
    let h = Harness::new();
    h.store
        .set_campaign_time_zone(h.campaign, new_york())
        .expect("zone");
    // The lead's phone joined before the spring's records.
    h.clock.store(utc_ms("2026-03-01T00:00"), Ordering::SeqCst);
    let lead = h.register(&h.lead_invite, "Lee").await;
    h.clock.store(NOW, Ordering::SeqCst);
    let a = h.households_of(h.turf_a);
    let mut f = Field {
        h,
        lead: lead.clone(),
        recorder: HashMap::new(),
        names: HashMap::from([(lead.reg.volunteer, "Lee".to_string())]),
    };
    // Knocks written down on New York's clocks, the UTC instants beside them.
    let knocks = [
        "2026-03-08T06:30", // 01:30 EST, before clocks spring forward at 2:00
        "2026-03-08T07:30", // 03:30 EDT: the hour from 2 to 3 never happened
        "2026-03-09T03:30", // 23:30 EDT on March 8, already the 9th in UTC
        "2026-11-01T04:30", // 00:30 EDT
        "2026-11-01T05:30", // 01:30 EDT, the first 1:30 of the night
        "2026-11-01T06:30", // 01:30 EST, the second one, after clocks fall back
        "2026-11-02T04:30", // 23:30 EST on November 1 (a fixed -4:00 would say the 2nd)
    ];
    let events = knocks
        .iter()
        .enumerate()
        .map(|(i, at)| event_at(utc_ms(at), a[i % a.len()], None, knock("not_home")))
        .collect();
    f.push(&lead, events).await;

    // With no zone asked for, the report is in the campaign's.
    let p = f.progress("").await;
    assert_eq!(p.time_zone, new_york());
    let knocks_at = |hour: usize| p.by_hour[hour].figures.knocks;
    assert_eq!(
        (0..24).map(knocks_at).collect::<Vec<_>>(),
        [1, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
        "{:?}",
        p.by_hour
    );
    let days: Vec<(String, u64)> = p
        .by_day
        .iter()
        .map(|d| (d.date.to_string(), d.figures.knocks))
        .collect();
    assert_eq!(
        days,
        [("2026-03-08".to_string(), 3), ("2026-11-01".to_string(), 4)]
    );
    assert_eq!(p, recompute(&f, &[], new_york()));

    // The lead may look at the same figures in UTC.
    let utc = f.progress("?time_zone=UTC").await;
    assert_eq!(utc.time_zone, TimeZone::UTC);
    let utc_days: Vec<String> = utc.by_day.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(
        utc_days,
        ["2026-03-08", "2026-03-09", "2026-11-01", "2026-11-02"]
    );
    assert_eq!(utc.totals, p.totals);
}

#[tokio::test]
async fn progress_equals_a_recomputation_from_the_raw_events() {
    let f = field_day().await;
    let got = f.progress("").await;
    assert_eq!(got, recompute(&f, &[], TimeZone::UTC));
    // Sanity: the story is the one told above.
    assert_eq!(got.totals.households, 8);
    assert_eq!(got.totals.doors_knocked, 8);
    assert_eq!(got.totals.support.strong_support, 1, "3 then 1 counts as 1");
    assert_eq!(
        got.totals.support.lean_support, 1,
        "a late, older 5 is not latest"
    );
    assert_eq!(got.by_day.len(), 3);
    let fred = got
        .by_volunteer
        .iter()
        .find(|v| v.name == "Fred")
        .expect("Fred");
    assert_eq!(
        fred.flags,
        vec![QualityFlag::HighContactRate, QualityFlag::FastDoors]
    );
    assert_eq!(fred.median_knock_gap_ms, Some(10_000));
    assert!(got
        .by_volunteer
        .iter()
        .filter(|v| v.name != "Fred")
        .all(|v| v.flags.is_empty()));
    // A clamped knock counts at the server's time, not the phone's.
    let hour_of_now = (NOW / HOUR % 24) as usize;
    assert!(got.by_hour[hour_of_now].figures.knocks >= 1);

    // In New York (UTC-5 in January) the hours and days shift; the rest is the same.
    let ny = f.progress("?time_zone=America/New_York").await;
    assert_eq!(ny, recompute(&f, &[], new_york()));
    assert_eq!(ny.totals, got.totals);

    // New events are folded in on the next request.
    let b = f.h.households_of(f.h.turf_b);
    let mut f = f;
    let lead = f.lead.clone();
    f.push(&lead, vec![event_at(NOW, b[2], None, knock("vacant"))])
        .await;
    assert_eq!(f.progress("").await, recompute(&f, &[], TimeZone::UTC));
}

#[tokio::test]
async fn quarantine_leaves_a_volunteer_out_of_figures_and_exports_until_released() {
    let f = field_day().await;
    let fred = f
        .progress("")
        .await
        .by_volunteer
        .into_iter()
        .find(|v| v.name == "Fred")
        .expect("Fred")
        .volunteer;
    let before = f.h.count();
    let export = |f: &Field| {
        let mut out = Vec::new();
        let summary = write_csv(
            f.h.store.as_ref(),
            f.h.campaign,
            ExportFormat::Full,
            &mut out,
        )
        .expect("export");
        (summary, String::from_utf8(out).expect("utf-8"))
    };
    let (all, _) = export(&f);

    let q = f.quarantine(fred, "quarantine").await;
    assert_eq!((q.volunteer, q.quarantined, q.events), (fred, true, 25));
    // Quarantining twice changes nothing.
    assert_eq!(f.quarantine(fred, "quarantine").await.events, 25);
    let got = f.progress("").await;
    assert_eq!(got, recompute(&f, &[fred], TimeZone::UTC));
    assert_eq!(got.quarantined_events, 25);
    // Fred's later answer no longer hides Ben's earlier one.
    assert_eq!(got.totals.support.lean_against, 2);
    assert_eq!(got.totals.support.undecided, 0);
    assert!(got
        .by_volunteer
        .iter()
        .any(|v| v.volunteer == fred && v.quarantined));
    let (summary, csv) = export(&f);
    assert_eq!(summary.quarantined, 25);
    assert_eq!(summary.events, all.events - 25);
    assert!(!csv.contains(",Fred,"));
    // Kept, and still synced to devices in scope.
    assert_eq!(f.h.count(), before);
    let page = f.h.pull(&f.lead, &[], None).await;
    let pulled: usize = page.scopes.iter().map(|s| s.events.len()).sum();
    assert_eq!(pulled as u64, before);

    let r = f.quarantine(fred, "release").await;
    assert_eq!((r.quarantined, r.events), (false, 25));
    let released = f.progress("").await;
    assert_eq!(released, recompute(&f, &[], TimeZone::UTC));
    assert_eq!(released.totals.support.lean_against, 1);
    assert_eq!(released.totals.support.undecided, 1);
    let (summary, _) = export(&f);
    assert_eq!((summary.events, summary.quarantined), (all.events, 0));
}

#[tokio::test]
async fn bad_zones_and_unknown_volunteers_get_clear_errors() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    for query in ["?time_zone=Mars/Olympus", "?time_zone=-0500", "?time_zone="] {
        let r = h
            .call(
                Method::GET,
                &format!("/api/v1/progress{query}"),
                Some(&lead.token),
                None,
            )
            .await;
        assert_eq!(
            (r.status, r.error_code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_VALUE),
            "{query}"
        );
    }
    let r = h
        .call(
            Method::GET,
            "/api/v1/progress?tz_offset_minutes=-300",
            Some(&lead.token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = h
        .call(
            Method::POST,
            "/api/v1/volunteers/999/quarantine",
            Some(&lead.token),
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::NOT_FOUND, codes::NOT_FOUND)
    );
    // An empty campaign has every figure at zero and all 24 hours.
    let p: Progress = h
        .call(Method::GET, "/api/v1/progress", Some(&lead.token), None)
        .await
        .parse();
    assert_eq!(p.totals.households, 8);
    assert_eq!(p.totals.doors_knocked, 0);
    assert_eq!(p.by_hour.len(), 24);
    assert!(p.by_day.is_empty() && p.by_volunteer.is_empty());
}

/// Whether the lead's device list flags Ana's phone as not synced lately.
async fn ana_flagged(h: &Harness, lead: &Device) -> bool {
    let r = h
        .call(Method::GET, "/api/v1/volunteers", Some(&lead.token), None)
        .await;
    let list: groundgame_core::protocol::lead::VolunteerList = r.parse();
    list.volunteers
        .into_iter()
        .find(|v| v.name == "Ana")
        .expect("Ana")
        .devices[0]
        .not_synced_recently
}

#[tokio::test]
async fn devices_silent_for_a_day_are_flagged() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    assert!(!ana_flagged(&h, &lead).await);
    h.clock.store(
        NOW + groundgame_core::protocol::lead::NOT_SYNCED_HOURS * HOUR + 1,
        std::sync::atomic::Ordering::SeqCst,
    );
    assert!(ana_flagged(&h, &lead).await);
    h.pull(&ana, &[], None).await;
    // The pull records the device's visit in the background, after answering.
    let mut cleared = false;
    for _ in 0..200 {
        if !ana_flagged(&h, &lead).await {
            cleared = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(cleared, "a sync clears the flag");
}
