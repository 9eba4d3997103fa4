//! The lead's figures and lists on both backends: the same field day (fixed event ids and
//! times) pushed into SQLite and into PostgreSQL gives the same `Progress`, in UTC and at
//! UTC−5, before and after a quarantine and a release; the turf, volunteer and invite lists
//! and the records made under ended assignments are the same too. Then the replica cases:
//! one replica's warm figures follow quarantines, releases, pushes, a walk-order change
//! and new result codes made through another replica (compared with a fresh replica and
//! with SQLite); a renumbering by any writer marks the campaign's feed row (a push does
//! not); and two replicas quarantining one volunteer at once leave one quarantine in
//! force. Last, the shared fold over a fake source: a read that fails halfway through an
//! adjustment never leaves the accumulator wrong.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan};
use groundgame_core::protocol::{PullRequest, PushOutcome, PushRequest, PROTOCOL_VERSION};
use groundgame_core::TimeZone;
use groundgame_core::{
    CampaignConfig, CampaignId, Event, EventBody, EventId, Hlc, HouseholdId, PersonId,
    ResultEffect, Role, TurfId, VolunteerId,
};

use super::both::same_on_both;
use super::harness::{households, DAY, NOW};
use crate::http::auth::{new_token, AuthDevice};
use crate::store::postgres::ScratchDb;
use crate::store::sqlite::progress::{
    Cache, FeedCheck, FoldEvent, ProgressRows, QualityFlag, VolunteerProgress,
};
use crate::store::{PgStore, Progress, SqliteStore, Store, StoreError};

const MIN: u64 = 60_000;
const HOUR: u64 = 60 * MIN;

/// A fixed UUIDv7: the same id on every run and backend.
fn fixed_id(n: u64) -> EventId {
    let mut tail = [0u8; 10];
    tail[2..].copy_from_slice(&n.to_be_bytes());
    EventId(uuid::Builder::from_unix_timestamp_millis(NOW - 7 * DAY, &tail).into_uuid())
}

/// Events with fixed ids, numbered from `first`.
struct Ids(u64);

impl Ids {
    fn event(&mut self, at: u64, household: HouseholdId, person: Option<PersonId>) -> EventMaker {
        self.0 += 1;
        EventMaker {
            id: fixed_id(self.0),
            at,
            household,
            person,
        }
    }
}

struct EventMaker {
    id: EventId,
    at: u64,
    household: HouseholdId,
    person: Option<PersonId>,
}

impl EventMaker {
    fn body(self, body: EventBody) -> Event {
        Event {
            id: self.id,
            at: Hlc::new(self.at, 0),
            household: self.household,
            person: self.person,
            body,
        }
    }
    fn door(self, result: &str) -> Event {
        self.body(EventBody::Contact {
            channel: Channel::Door,
            result: result.into(),
            call_back_at: None,
        })
    }
    fn phone(self, result: &str) -> Event {
        self.body(EventBody::Contact {
            channel: Channel::Phone,
            result: result.into(),
            call_back_at: None,
        })
    }
    fn support(self, answer: &str) -> Event {
        self.body(EventBody::Survey {
            attempt: None,
            question: "support".into(),
            answer: answer.into(),
        })
    }
    fn ask(self, ask: AskKind, answer: AskAnswer, amount_cents: Option<u32>) -> Event {
        self.body(EventBody::Ask {
            attempt: None,
            ask,
            answer,
            amount_cents,
        })
    }
    fn pledge(self) -> Event {
        self.body(EventBody::Pledge {
            attempt: None,
            plan: VotePlan::default(),
        })
    }
}

/// Everyone joined a month before the records here (a record older than its device is
/// ordered at the time it arrived).
const JOINED: u64 = NOW - 30 * DAY;

fn join(store: &dyn Store, campaign: CampaignId, role: Role, name: &str) -> AuthDevice {
    let code = store
        .create_invite(campaign, role, 1, NOW + DAY)
        .expect("invite");
    let (_, hash) = new_token();
    let reg = store
        .register_device(&code, name, "phone", "1.0", &hash, JOINED)
        .expect("register");
    AuthDevice {
        device: reg.device,
        volunteer: reg.volunteer,
        campaign: reg.campaign,
        role: reg.role,
        last_seen_at: NOW,
        registered_at: JOINED,
    }
}

fn push_pending(store: &dyn Store, who: &AuthDevice, events: &[Event], pending: u32) {
    let res = store
        .push(
            who,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                events: events.to_vec(),
                pending,
            },
            None,
            NOW,
        )
        .expect("push");
    for (e, outcome) in events.iter().zip(&res.results) {
        assert_eq!(*outcome, PushOutcome::Accepted, "{:?}", e.body);
    }
}

fn push(store: &dyn Store, who: &AuthDevice, events: &[Event]) {
    push_pending(store, who, events, 0);
}

/// A campaign with two turfs and their doors, a lead and three volunteers.
struct Field {
    campaign: CampaignId,
    turf_a: TurfId,
    turf_b: TurfId,
    lead: AuthDevice,
    ana: AuthDevice,
    ben: AuthDevice,
    fred: AuthDevice,
    /// Turf A's and B's doors, in the order they were added.
    a: Vec<HouseholdId>,
    b: Vec<HouseholdId>,
    /// Each door's first person.
    first: HashMap<HouseholdId, PersonId>,
}

impl Field {
    fn pa(&self, i: usize) -> Option<PersonId> {
        Some(self.first[&self.a[i]])
    }
    fn pb(&self, i: usize) -> Option<PersonId> {
        Some(self.first[&self.b[i]])
    }
}

fn field(store: &dyn Store) -> Field {
    let campaign = store
        .create_campaign("Figures", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let turf_a = store.create_turf(campaign, "A").expect("turf");
    let turf_b = store.create_turf(campaign, "B").expect("turf");
    let a = store
        .add_households(turf_a, households("Oak St", 5, 2))
        .expect("households");
    let b = store
        .add_households(turf_b, households("Elm St", 3, 1))
        .expect("households");
    let lead = join(store, campaign, Role::Lead, "Lee");
    let ana = join(store, campaign, Role::Volunteer, "Ana");
    let ben = join(store, campaign, Role::Volunteer, "Ben");
    let fred = join(store, campaign, Role::Volunteer, "Fred");
    let since = NOW - 3 * DAY;
    store
        .set_assignees_at(turf_a, &[ana.volunteer, ben.volunteer], since)
        .expect("assign A");
    store
        .set_assignees_at(turf_b, &[ben.volunteer, fred.volunteer], since)
        .expect("assign B");
    super::harness::give_call_list(
        store,
        campaign,
        &[ana.volunteer, ben.volunteer, fred.volunteer],
    );
    let pulled = store
        .pull(
            &lead,
            &PullRequest {
                maps: false,
                protocol: PROTOCOL_VERSION,
                scopes: Vec::new(),
                limit: Some(1000),
            },
            NOW,
        )
        .expect("pull");
    assert!(!pulled.has_more, "one page holds the whole field");
    let mut first = HashMap::new();
    for page in &pulled.scopes {
        for person in &page.people {
            first.entry(person.household).or_insert(person.id);
        }
    }
    Field {
        campaign,
        turf_a,
        turf_b,
        lead,
        ana,
        ben,
        fred,
        a,
        b,
        first,
    }
}

/// 2027-01-13T22:00Z: the first evening, across midnight UTC (and not at UTC−5).
const DAY1: u64 = NOW - DAY - 10 * HOUR;
/// 2027-01-15T05:00Z.
const DAY2: u64 = NOW - 3 * HOUR;

/// The first part of the field day: Ana across midnight, Ben on both turfs.
fn morning(store: &dyn Store, f: &Field, ids: &mut Ids) {
    push(
        store,
        &f.ana,
        &[
            ids.event(DAY1, f.a[0], None).door("not_home"),
            ids.event(DAY1 + 3 * MIN, f.a[1], f.pa(1)).door("talked"),
            ids.event(DAY1 + 4 * MIN, f.a[1], f.pa(1)).support("3"),
            ids.event(DAY1 + 4 * MIN, f.a[1], f.pa(1)).pledge(),
            ids.event(DAY1 + 5 * MIN, f.a[1], f.pa(1)).ask(
                AskKind::Donate,
                AskAnswer::Yes,
                Some(2500),
            ),
            ids.event(DAY1 + 2 * HOUR + 7 * MIN, f.a[2], f.pa(2))
                .door("refused"),
            ids.event(DAY1 + 2 * HOUR + 10 * MIN, f.a[3], None)
                .door("come_back"),
            // The same door twice (two knocks, one door knocked).
            ids.event(DAY1 + 2 * HOUR + 12 * MIN, f.a[0], None)
                .door("not_home"),
        ],
    );
    push(
        store,
        &f.ben,
        &[
            ids.event(DAY2, f.a[0], f.pa(0)).door("talked"),
            ids.event(DAY2 + MIN, f.a[0], f.pa(0)).support("2"),
            ids.event(DAY2 + MIN, f.a[0], f.pa(0))
                .ask(AskKind::Volunteer, AskAnswer::Yes, None),
            ids.event(DAY2 + 2 * MIN, f.a[0], f.pa(0))
                .ask(AskKind::Pledge, AskAnswer::Yes, None),
            // Ana's voter changed their mind: 3, then 1.
            ids.event(DAY2 + 4 * MIN, f.a[1], f.pa(1)).door("talked"),
            ids.event(DAY2 + 5 * MIN, f.a[1], f.pa(1)).support("1"),
            ids.event(DAY2 + 9 * MIN, f.b[0], f.pb(0)).door("moved"),
            ids.event(DAY2 + 9 * MIN, f.b[0], f.pb(0)).support("4"),
            ids.event(DAY2 + 10 * MIN, f.b[0], f.pb(0)).phone("talked"),
            ids.event(DAY2 + 11 * MIN, f.b[0], f.pb(0))
                .phone("no_answer"),
        ],
    );
    // An earlier answer arriving late does not replace the later one.
    push(
        store,
        &f.ana,
        &[ids.event(DAY1 + HOUR, f.a[0], f.pa(0)).support("5")],
    );
}

/// The rest of it: Fred's implausible run (both flags) and the lead's knock.
fn afternoon(store: &dyn Store, f: &Field, ids: &mut Ids) {
    let fast = DAY2 + 30 * MIN;
    let mut run: Vec<Event> = (0..24u64)
        .map(|i| {
            let k = (i % 3) as usize;
            let at = fast + i * 10_000;
            if i % 4 == 3 {
                ids.event(at, f.b[k], None).door("not_home")
            } else {
                ids.event(at, f.b[k], f.pb(k)).door("talked")
            }
        })
        .collect();
    // A later support answer for a voter Ben asked first (3 replaces Ben's 4).
    run.push(ids.event(fast + 5 * MIN, f.b[0], f.pb(0)).support("3"));
    push(store, &f.fred, &run);
    push(
        store,
        &f.lead,
        &[ids.event(DAY2 + HOUR, f.a[4], f.pa(4)).door("hostile")],
    );
}

fn figures(store: &dyn Store, campaign: CampaignId) -> [Progress; 2] {
    [TimeZone::UTC, new_york()].map(|tz| store.progress(campaign, Some(tz)).expect("progress"))
}

fn volunteer(p: &Progress, who: VolunteerId) -> &VolunteerProgress {
    p.by_volunteer
        .iter()
        .find(|v| v.volunteer == who)
        .expect("volunteer row")
}

#[test]
fn progress_is_the_same_on_both_backends_in_any_zone() {
    let [utc, east_coast] = same_on_both(|store| {
        let f = field(store);
        let mut ids = Ids(0);
        morning(store, &f, &mut ids);
        // Warm: the rest is folded onto an accumulator that already exists.
        let warm = figures(store, f.campaign);
        afternoon(store, &f, &mut ids);
        let after = figures(store, f.campaign);
        assert_ne!(warm, after, "the afternoon shows");
        after
    });
    // Not two empty reports: the field day is in them.
    assert_eq!(utc.totals.households, 8);
    assert_eq!(utc.totals.figures.knocks, 5 + 3 + 24 + 1);
    assert_eq!(utc.totals.figures.calls, 2, "Ben's two calls");
    assert_eq!(utc.totals.figures.call_contacts, 1);
    assert_eq!(utc.totals.figures.pledges, 2);
    assert_eq!(utc.totals.figures.donate_cents, 2500);
    assert_eq!(utc.totals.doors_knocked, 8);
    assert_eq!(utc.by_turf.len(), 2);
    let fred = utc
        .by_volunteer
        .iter()
        .find(|v| v.name == "Fred")
        .expect("Fred");
    assert_eq!(
        fred.flags,
        [QualityFlag::HighContactRate, QualityFlag::FastDoors]
    );
    // The zone moves hours and days, not totals.
    assert_eq!(utc.totals, east_coast.totals);
    assert_eq!(east_coast.time_zone, new_york());
    let dates = |p: &Progress| {
        p.by_day
            .iter()
            .map(|d| d.date.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(dates(&utc), ["2027-01-13", "2027-01-14", "2027-01-15"]);
    assert_eq!(dates(&east_coast), ["2027-01-13", "2027-01-15"]);
    assert_ne!(utc.by_hour, east_coast.by_hour);
}

#[test]
fn quarantine_and_release_change_the_figures_alike() {
    let (before, during, after, counts) = same_on_both(|store| {
        let f = field(store);
        let mut ids = Ids(0);
        morning(store, &f, &mut ids);
        afternoon(store, &f, &mut ids);
        let before = figures(store, f.campaign);
        assert_eq!(
            store
                .quarantine_volunteer(f.fred.volunteer, f.lead.device, NOW)
                .expect("quarantine"),
            25
        );
        // A second quarantine is a no-op that answers the same.
        assert_eq!(
            store
                .quarantine_volunteer(f.fred.volunteer, f.lead.device, NOW + 1)
                .expect("again"),
            25
        );
        let during = figures(store, f.campaign);
        let quarantined = store
            .quarantined_event_count(f.campaign)
            .expect("quarantined count");
        assert_eq!(
            store
                .release_volunteer(f.fred.volunteer, f.lead.device, NOW + 2)
                .expect("release"),
            25
        );
        let released = store
            .quarantined_event_count(f.campaign)
            .expect("released count");
        let after = figures(store, f.campaign);
        assert!(matches!(
            store.quarantine_volunteer(VolunteerId(9_999), f.lead.device, NOW),
            Err(StoreError::NotFound("volunteer"))
        ));
        assert!(matches!(
            store.release_volunteer(VolunteerId(9_999), f.lead.device, NOW),
            Err(StoreError::NotFound("volunteer"))
        ));
        let fred = volunteer(&during[0], f.fred.volunteer);
        assert!(fred.quarantined, "marked in their own row");
        assert_eq!(fred.figures.knocks, 24, "their row still shows their work");
        (before, during, after, (quarantined, released))
    });
    assert_eq!(counts, (25, 0));
    assert_eq!(during[0].quarantined_events, 25);
    assert_eq!(
        during[0].totals.figures.knocks,
        before[0].totals.figures.knocks - 24
    );
    assert_ne!(before[0].totals.support, during[0].totals.support);
    assert_eq!(before, after, "a release puts everything back");
}

/// What a lead sees across replicas: figures after each step of a day in which `writer`
/// takes every write and `read` answers the figures (a warm replica, or SQLite itself).
/// `recode` makes the campaign count "not home" as a contact, as a change of its result
/// codes would.
fn replica_story(
    writer: &dyn Store,
    read: &dyn Fn(CampaignId) -> [Progress; 2],
    recode: &dyn Fn(CampaignId),
) -> Vec<[Progress; 2]> {
    let f = field(writer);
    let mut ids = Ids(0);
    morning(writer, &f, &mut ids);
    let mut seen = vec![read(f.campaign)];
    writer
        .quarantine_volunteer(f.fred.volunteer, f.lead.device, NOW)
        .expect("quarantine");
    afternoon(writer, &f, &mut ids);
    push(
        writer,
        &f.ana,
        &[ids.event(DAY2 + 2 * HOUR, f.a[4], f.pa(4)).door("talked")],
    );
    seen.push(read(f.campaign));
    writer
        .release_volunteer(f.fred.volunteer, f.lead.device, NOW)
        .expect("release");
    push(
        writer,
        &f.fred,
        &[ids.event(DAY2 + 2 * HOUR, f.b[2], f.pb(2)).door("talked")],
    );
    seen.push(read(f.campaign));
    // New doors land between the old ones: walking order is recomputed and the moved
    // doors' events take new feed numbers.
    writer
        .add_households(f.turf_a, households("Oak St", 3, 0))
        .expect("more doors");
    writer
        .quarantine_volunteer(f.ben.volunteer, f.lead.device, NOW)
        .expect("quarantine Ben");
    seen.push(read(f.campaign));
    recode(f.campaign);
    seen.push(read(f.campaign));
    seen
}

/// The campaign's stored configuration with "not_home" counted as a contact.
fn recoded(json: &str) -> String {
    let mut config: CampaignConfig = serde_json::from_str(json).expect("config");
    for code in &mut config.result_codes {
        if code.key == "not_home" {
            code.effect = ResultEffect::Contacted;
        }
    }
    serde_json::to_string(&config).expect("config json")
}

#[test]
fn a_replica_s_warm_figures_follow_what_another_replica_wrote() {
    let db = ScratchDb::for_tests();
    let warm = PgStore::connect(&db.url).expect("replica one");
    let writer = PgStore::connect(&db.url).expect("replica two");
    let read = |campaign: CampaignId| {
        let answer = figures(&warm, campaign);
        // A replica that never saw the earlier steps.
        let fresh = PgStore::connect(&db.url).expect("a fresh replica");
        assert_eq!(
            answer,
            figures(&fresh, campaign),
            "the warm replica answers as a fresh one"
        );
        answer
    };
    let recode = |campaign: CampaignId| {
        let mut admin = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
        let json: String = admin
            .query_one("SELECT config FROM campaigns WHERE id = $1", &[&campaign.0])
            .expect("config")
            .get(0);
        admin
            .execute(
                "UPDATE campaigns SET config = $1 WHERE id = $2",
                &[&recoded(&json), &campaign.0],
            )
            .expect("recode");
    };
    let on_replicas = replica_story(&writer, &read, &recode);

    // The same day on SQLite, one store doing everything.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.sqlite");
    let sqlite = SqliteStore::open(&path).expect("sqlite");
    let recode_sqlite = |campaign: CampaignId| {
        let conn = rusqlite::Connection::open(&path).expect("open");
        let json: String = conn
            .query_row(
                "SELECT config FROM campaigns WHERE id = ?1",
                [campaign.0],
                |r| r.get(0),
            )
            .expect("config");
        conn.execute(
            "UPDATE campaigns SET config = ?1 WHERE id = ?2",
            rusqlite::params![recoded(&json), campaign.0],
        )
        .expect("recode");
    };
    let embedded = replica_story(&sqlite, &|c| figures(&sqlite, c), &recode_sqlite);
    assert_eq!(
        on_replicas, embedded,
        "PostgreSQL replicas answer as SQLite"
    );

    // Each step changed the figures: the comparisons above are not of equal nothings.
    let steps = &on_replicas;
    for pair in steps.windows(2) {
        assert_ne!(pair[0], pair[1]);
    }
    let fred = |p: &Progress| p.by_volunteer.iter().find(|v| v.name == "Fred").cloned();
    assert!(fred(&steps[1][0]).is_some_and(|v| v.quarantined));
    assert_eq!(steps[1][0].quarantined_events, 25);
    assert!(fred(&steps[2][0]).is_some_and(|v| !v.quarantined));
    assert_eq!(steps[2][0].quarantined_events, 0);
    assert_eq!(steps[3][0].totals.households, 11);
    assert!(steps[3][0].quarantined_events > 0, "Ben's events are out");
    assert!(
        steps[4][0].totals.figures.contacts > steps[3][0].totals.figures.contacts,
        "not home now counts as a contact"
    );
}

/// The campaign's renumbering mark (`campaign_feeds.renumbered_by`).
fn renumbered_by(db: &ScratchDb, campaign: CampaignId) -> i64 {
    let mut admin = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    admin
        .query_one(
            "SELECT renumbered_by FROM campaign_feeds WHERE campaign_id = $1",
            &[&campaign.0],
        )
        .expect("feed row")
        .get(0)
}

#[test]
fn any_writer_that_renumbers_events_marks_the_feed_and_pushes_do_not() {
    let db = ScratchDb::for_tests();
    let warm = PgStore::connect(&db.url).expect("replica");
    let f = field(&warm);
    let mut ids = Ids(0);
    morning(&warm, &f, &mut ids);
    let before = figures(&warm, f.campaign);
    let mark = renumbered_by(&db, f.campaign);
    afternoon(&warm, &f, &mut ids);
    assert_eq!(
        renumbered_by(&db, f.campaign),
        mark,
        "new events leave the mark alone: the warm accumulator only folds them"
    );
    // A writer this module does not know (SQL straight to the database) moves a door's
    // events to new feed numbers, as a re-imported household sent again does.
    let mut admin = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let mut tx = admin.transaction().expect("begin");
    let last: i64 = tx
        .query_one(
            "SELECT last_seq FROM campaign_feeds WHERE campaign_id = $1 FOR UPDATE",
            &[&f.campaign.0],
        )
        .expect("feed")
        .get(0);
    let moved = tx
        .execute(
            "UPDATE events e SET seq = $2 + o.n
             FROM (SELECT id, row_number() OVER (ORDER BY seq) AS n FROM events
                   WHERE household_id = $1) AS o
             WHERE e.id = o.id",
            &[&f.a[0].0, &last],
        )
        .expect("renumber");
    assert!(moved > 1);
    tx.execute(
        "UPDATE campaign_feeds SET last_seq = $2 WHERE campaign_id = $1",
        &[&f.campaign.0, &(last + moved as i64)],
    )
    .expect("feed");
    tx.commit().expect("commit");
    assert_ne!(renumbered_by(&db, f.campaign), mark);
    let after = figures(&warm, f.campaign);
    let fresh = PgStore::connect(&db.url).expect("a fresh replica");
    assert_eq!(after, figures(&fresh, f.campaign), "nothing folded twice");
    assert_ne!(before, after);
}

#[test]
fn two_replicas_quarantining_one_volunteer_at_once_leave_one_in_force() {
    let db = ScratchDb::for_tests();
    let one = PgStore::connect(&db.url).expect("replica one");
    let two = Arc::new(PgStore::connect(&db.url).expect("replica two"));
    let f = field(&one);
    let mut ids = Ids(0);
    push(
        &one,
        &f.fred,
        &[
            ids.event(DAY2, f.b[0], f.pb(0)).door("talked"),
            ids.event(DAY2 + MIN, f.b[1], f.pb(1)).door("talked"),
        ],
    );
    // Another replica's quarantine of Fred, inserted and not committed yet.
    let mut holder = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let mut open = holder.transaction().expect("begin");
    open.execute(
        "INSERT INTO quarantines (campaign_id, volunteer_id, started_at, started_by)
         VALUES ($1, $2, $3, $4)",
        &[
            &f.campaign.0,
            &f.fred.volunteer.0,
            &(NOW as i64),
            &f.lead.device.0,
        ],
    )
    .expect("the other replica's quarantine");
    let racing = {
        let (two, fred, by) = (two.clone(), f.fred.volunteer, f.lead.device);
        std::thread::spawn(move || two.quarantine_volunteer(fred, by, NOW + 1))
    };
    // Let the racing quarantine reach the unique index and wait there.
    let mut watch = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    for _ in 0..200 {
        let waiting: i64 = watch
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
                &[],
            )
            .expect("activity")
            .get(0);
        if waiting > 0 || racing.is_finished() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    open.commit().expect("commit");
    let answer = racing.join().expect("the racing thread");
    assert_eq!(answer.expect("the racing quarantine succeeds"), 2);
    assert_eq!(
        one.quarantine_volunteer(f.fred.volunteer, f.lead.device, NOW + 2)
            .expect("and again"),
        2
    );
    let active: i64 = watch
        .query_one(
            "SELECT COUNT(*) FROM quarantines WHERE volunteer_id = $1 AND released_at IS NULL",
            &[&f.fred.volunteer.0],
        )
        .expect("count")
        .get(0);
    assert_eq!(active, 1, "one quarantine in force");
    for replica in [&one, two.as_ref()] {
        let p = replica.progress(f.campaign, None).expect("progress");
        assert_eq!(p.quarantined_events, 2);
        assert_eq!(p.totals.figures.knocks, 0);
    }
    // One release through either replica ends it for both.
    two.release_volunteer(f.fred.volunteer, f.lead.device, NOW + 3)
        .expect("release");
    assert_eq!(one.quarantined_event_count(f.campaign).expect("count"), 0);
    assert_eq!(
        one.progress(f.campaign, None)
            .expect("progress")
            .totals
            .figures
            .knocks,
        2
    );
}

#[test]
fn turf_volunteer_and_invite_lists_are_the_same_on_both_backends() {
    let (turfs, volunteers, invites) = same_on_both(|store| {
        let f = field(store);
        let mut ids = Ids(0);
        // Ana's laptop joins with a device link and is revoked later.
        let (link, _) = store.create_device_link(f.ana.device, NOW).expect("link");
        let (_, hash) = new_token();
        let laptop = store
            .register_device(&link, "ignored", "laptop", "1.1", &hash, NOW + MIN)
            .expect("laptop");
        store.revoke_device(laptop.device).expect("revoke");
        push_pending(
            store,
            &f.ben,
            &[ids.event(DAY2, f.a[0], f.pa(0)).door("talked")],
            3,
        );
        store
            .touch_device(f.fred.device, NOW + HOUR)
            .expect("touch");
        // An invite for three, two of them used.
        let code = store
            .create_invite(f.campaign, Role::Volunteer, 3, NOW + DAY)
            .expect("invite");
        for (i, name) in ["Cy", "Dee"].into_iter().enumerate() {
            let (_, hash) = new_token();
            store
                .register_device(&code, name, "phone", "1.0", &hash, NOW + 2 * MIN + i as u64)
                .expect("join");
        }
        // Ben leaves turf B.
        store
            .set_assignees_at(f.turf_b, &[f.fred.volunteer], NOW)
            .expect("reassign");
        let turfs = store.turf_summaries(f.campaign).expect("turfs");
        let volunteers = store.volunteer_summaries(f.campaign).expect("volunteers");
        let mut invites = store.invite_summaries(f.campaign).expect("invites");
        // Made at the store's own wall clock: checked here, then left out of the comparison.
        let now = crate::clock::system_ms();
        for invite in &mut invites {
            assert!(invite.created_at > now - HOUR && invite.created_at <= now);
            invite.created_at = 0;
        }
        (turfs, volunteers, invites)
    });
    let names: Vec<&str> = turfs.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
    assert_eq!(
        turfs.iter().map(|t| t.household_count).collect::<Vec<_>>(),
        [5, 3]
    );
    let id = |name: &str| {
        volunteers
            .iter()
            .find(|v| v.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(turfs[0].assignees, [id("Ana").id, id("Ben").id]);
    assert_eq!(turfs[1].assignees, [id("Fred").id]);
    assert_eq!(volunteers.len(), 6);
    let ana = id("Ana");
    assert_eq!(ana.devices.len(), 2);
    assert!(!ana.devices[0].revoked && ana.devices[1].revoked);
    assert_eq!(ana.devices[1].app_version, "1.1");
    assert_eq!(id("Ben").devices[0].pending, 3);
    assert_eq!(id("Fred").devices[0].last_seen_at, NOW + HOUR);
    assert_eq!(id("Lee").role, Role::Lead);
    assert_eq!(
        invites.len(),
        5,
        "one per join in the field, and the shared one"
    );
    let shared = &invites[0];
    assert_eq!((shared.max_uses, shared.uses_left), (3, 1));
    let joined: Vec<&str> = shared
        .joined
        .iter()
        .map(|j| j.volunteer_name.as_str())
        .collect();
    assert_eq!(joined, ["Cy", "Dee"]);
    assert_eq!(shared.joined[0].joined_at, NOW + 2 * MIN);
    assert!(
        invites.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
}

#[test]
fn records_under_ended_assignments_are_the_same_on_both_backends() {
    let old = same_on_both(|store| {
        let f = field(store);
        let mut ids = Ids(0);
        store
            .set_assignees_at(
                f.turf_a,
                &[f.ana.volunteer, f.ben.volunteer, f.fred.volunteer],
                NOW - 2 * HOUR,
            )
            .expect("Fred joins A");
        push(
            store,
            &f.ana,
            &[
                ids.event(NOW - 3 * HOUR, f.a[0], f.pa(0)).door("talked"),
                ids.event(NOW - 3 * HOUR + MIN, f.a[0], f.pa(0))
                    .support("2"),
                ids.event(NOW - 2 * HOUR, f.a[1], None).door("not_home"),
            ],
        );
        // Ben leaves B and comes back: not an ended assignment.
        store
            .set_assignees_at(f.turf_b, &[f.fred.volunteer], NOW - 2 * HOUR)
            .expect("Ben leaves B");
        store
            .set_assignees_at(f.turf_b, &[f.fred.volunteer, f.ben.volunteer], NOW - HOUR)
            .expect("Ben is back");
        push(
            store,
            &f.ben,
            &[ids.event(NOW - 30 * MIN, f.b[0], f.pb(0)).door("talked")],
        );
        // Ana and Fred leave A (Fred recorded nothing there); Ana's phone has not heard
        // yet and records two more.
        store
            .set_assignees_at(f.turf_a, &[f.ben.volunteer], NOW - HOUR)
            .expect("A is Ben's");
        push(
            store,
            &f.ana,
            &[
                ids.event(NOW - 30 * MIN, f.a[2], f.pa(2)).door("refused"),
                ids.event(NOW - 29 * MIN, f.a[2], f.pa(2)).phone("talked"),
            ],
        );
        let old = store.old_assignments(f.campaign).expect("old assignments");
        assert_eq!(old.len(), 1, "{old:?}");
        assert_eq!((old[0].turf, old[0].volunteer), (f.turf_a, f.ana.volunteer));
        assert_eq!(
            store.stale_events(f.campaign).expect("stale").len(),
            1,
            "the knock after the end is flagged"
        );
        let held = store.held_records(f.campaign).expect("held");
        assert_eq!(
            held.iter().map(|r| r.result.as_deref()).collect::<Vec<_>>(),
            vec![Some("talked")],
            "the phone result after the end would move the calling rounds: held"
        );
        old
    });
    let ana = &old[0];
    assert_eq!(
        (ana.turf_name.as_str(), ana.volunteer_name.as_str()),
        ("A", "Ana")
    );
    assert_eq!(ana.ended_at, NOW - HOUR);
    assert_eq!((ana.events, ana.knocks, ana.after_end), (4, 3, 1));
    assert_eq!(ana.last_event_at, Some(NOW - 30 * MIN));
}

#[test]
fn the_campaigns_zone_is_kept_and_used_on_both_backends() {
    same_on_both(|store| {
        let campaign = store
            .create_campaign("Zones", new_york())
            .expect("campaign");
        assert_eq!(
            store.campaign_time_zone(campaign).expect("zone"),
            new_york()
        );
        assert_eq!(
            store.campaign_config(campaign).expect("config").time_zone,
            new_york(),
            "devices receive the zone with the config"
        );
        assert_eq!(
            store.progress(campaign, None).expect("progress").time_zone,
            new_york()
        );
        let chicago = TimeZone::parse("America/Chicago").expect("zone");
        store
            .set_campaign_time_zone(campaign, chicago)
            .expect("set");
        assert_eq!(
            store.progress(campaign, None).expect("progress").time_zone,
            chicago
        );
        assert!(matches!(
            store.set_campaign_time_zone(CampaignId(9_999), chicago),
            Err(StoreError::NotFound("campaign"))
        ));
        assert!(matches!(
            store.progress(CampaignId(9_999), None),
            Err(StoreError::NotFound("campaign"))
        ));
    });
}

fn new_york() -> TimeZone {
    TimeZone::parse("America/New_York").expect("zone")
}

/// A campaign's rows in memory for the shared fold: one turf, door knocks only.
/// `fail_after` makes reading a volunteer's events fail after that many rows, as a lost
/// connection would.
struct Memory {
    /// (seq, volunteer, household, at, result)
    events: Vec<(i64, VolunteerId, HouseholdId, u64, &'static str)>,
    quarantined: Vec<VolunteerId>,
    fail_after: Option<usize>,
}

impl Memory {
    fn event(&self, i: usize) -> FoldEvent {
        let (seq, volunteer, household, at, result) = self.events[i];
        FoldEvent {
            id: fixed_id(seq as u64),
            at: Hlc::new(at, 0),
            household,
            person: None,
            volunteer,
            body: EventBody::Contact {
                channel: Channel::Door,
                result: result.into(),
                call_back_at: None,
            },
        }
    }
}

impl ProgressRows for Memory {
    fn time_zone(&mut self, _campaign: CampaignId) -> Result<TimeZone, StoreError> {
        Ok(TimeZone::UTC)
    }

    fn result_effects(
        &mut self,
        _campaign: CampaignId,
    ) -> Result<Vec<(String, ResultEffect)>, StoreError> {
        Ok(vec![
            ("talked".into(), ResultEffect::Contacted),
            ("not_home".into(), ResultEffect::TryAgain),
        ])
    }
    fn quarantined(&mut self, _campaign: CampaignId) -> Result<Vec<VolunteerId>, StoreError> {
        Ok(self.quarantined.clone())
    }
    fn feed_check(&mut self, _campaign: CampaignId, upto: i64) -> Result<FeedCheck, StoreError> {
        Ok(FeedCheck::Count(
            self.events.iter().filter(|e| e.0 <= upto).count() as u64,
        ))
    }
    fn events_after(
        &mut self,
        _campaign: CampaignId,
        after: i64,
        each: &mut dyn FnMut(i64, FoldEvent),
    ) -> Result<(), StoreError> {
        for i in 0..self.events.len() {
            if self.events[i].0 > after {
                each(self.events[i].0, self.event(i));
            }
        }
        Ok(())
    }
    fn volunteer_events(
        &mut self,
        volunteer: VolunteerId,
        upto: i64,
        each: &mut dyn FnMut(Hlc, HouseholdId, &EventBody),
    ) -> Result<(), StoreError> {
        let mut read = 0;
        for i in 0..self.events.len() {
            if self.events[i].1 != volunteer || self.events[i].0 > upto {
                continue;
            }
            if self.fail_after == Some(read) {
                return Err(StoreError::Pool("the connection was lost".into()));
            }
            let e = self.event(i);
            each(e.at, e.household, &e.body);
            read += 1;
        }
        Ok(())
    }
    fn placed_households(
        &mut self,
        _campaign: CampaignId,
    ) -> Result<HashMap<HouseholdId, TurfId>, StoreError> {
        Ok(self.events.iter().map(|e| (e.2, TurfId(1))).collect())
    }
    fn turf_names(&mut self, _campaign: CampaignId) -> Result<Vec<(TurfId, String)>, StoreError> {
        Ok(vec![(TurfId(1), "A".into())])
    }
    fn volunteer_names(
        &mut self,
        _campaign: CampaignId,
    ) -> Result<HashMap<VolunteerId, String>, StoreError> {
        Ok(HashMap::new())
    }
}

#[test]
fn a_read_failing_halfway_through_a_quarantine_never_leaves_the_figures_wrong() {
    let (ana, ben) = (VolunteerId(1), VolunteerId(2));
    let mut rows = Memory {
        events: (0..6)
            .map(|i| {
                let who = if i % 2 == 0 { ana } else { ben };
                let result = if i % 3 == 0 { "not_home" } else { "talked" };
                (
                    i + 1,
                    who,
                    HouseholdId(i % 4 + 1),
                    DAY2 + i as u64 * MIN,
                    result,
                )
            })
            .collect(),
        quarantined: Vec::new(),
        fail_after: None,
    };
    let campaign = CampaignId(1);
    let cache = Cache::default();
    let before = cache
        .progress(campaign, None, |fold| fold(&mut rows))
        .expect("figures");
    assert_eq!(before.totals.figures.knocks, 6);
    // Ana is quarantined; the read of her events fails after the first one.
    rows.quarantined = vec![ana];
    rows.fail_after = Some(1);
    assert!(cache
        .progress(campaign, None, |fold| fold(&mut rows))
        .is_err());
    rows.fail_after = None;
    let after = cache
        .progress(campaign, None, |fold| fold(&mut rows))
        .expect("figures");
    let fresh = Cache::default()
        .progress(campaign, None, |fold| fold(&mut rows))
        .expect("figures");
    assert_eq!(after, fresh);
    assert_eq!(after.totals.figures.knocks, 3);
    assert_eq!(after.quarantined_events, 3);
}
