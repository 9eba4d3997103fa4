//! Store tests: atomic recording, validation, the clock across restarts, pull application,
//! scope removal, push outcomes and wipes.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use groundgame_core::event::{Channel, VotePlan};
use groundgame_core::protocol::{MapLine, PullResponse, PushOutcome, ScopePage, TurfMap};
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, Event, EventBody, EventId, Hlc, Household, HouseholdId,
    Person, PersonId, Role, Turf, TurfId, VolunteerId,
};

use super::*;
use crate::clock::{fixed_clock, WallClock};

const T0: u64 = 1_800_000_000_000;

fn open(dir: &Path, clock: WallClock) -> Store {
    Store::open(&dir.join("device.sqlite3"), clock).expect("open store")
}

fn campaign() -> CampaignConfig {
    CampaignConfig::with_defaults(CampaignId(1), "Test campaign")
}

fn household(id: i64, turf: i64, walk_order: u32) -> Household {
    Household {
        id: HouseholdId(id),
        turf: TurfId(turf),
        street: "Main St".into(),
        number: format!("{id}"),
        unit: String::new(),
        city: "Durham".into(),
        zip: "27701".into(),
        lat: None,
        lon: None,
        walk_order,
    }
}

fn person(household: i64, first: &str) -> Person {
    Person {
        id: PersonId::new_v7(),
        household: HouseholdId(household),
        source_id: format!("NC{household}{first}"),
        first_name: first.into(),
        last_name: "Doe".into(),
        birth_year: Some(1980),
        party: None,
        phone: None,
        language: Some("en".into()),
    }
}

fn page(turf: i64, cursor: u64, households: Vec<Household>, people: Vec<Person>) -> ScopePage {
    ScopePage {
        turf: Turf {
            id: TurfId(turf),
            campaign: CampaignId(1),
            name: format!("Turf {turf}"),
        },
        cursor,
        complete: true,
        household_total: households.len() as u32,
        households,
        people,
        events: Vec::new(),
        removed_households: Vec::new(),
        removed_people: Vec::new(),
        removed_events: Vec::new(),
        map: None,
    }
}

fn response(scopes: Vec<ScopePage>, removed: Vec<TurfId>) -> PullResponse {
    PullResponse {
        server_time: Hlc::new(T0, 0),
        campaign: campaign(),
        scopes,
        removed,
        has_more: false,
    }
}

fn not_home() -> EventBody {
    EventBody::Contact {
        channel: Channel::Door,
        result: "not_home".into(),
        call_back_at: None,
    }
}

/// A store holding turf 1 (households 1 and 2, one person at 1).
fn stocked(dir: &Path) -> (Store, Person) {
    let store = open(dir, fixed_clock(T0));
    let ana = person(1, "Ana");
    store
        .apply_pull(&response(
            vec![page(
                1,
                10,
                vec![household(2, 1, 2), household(1, 1, 1)],
                vec![ana.clone()],
            )],
            vec![],
        ))
        .expect("pull");
    (store, ana)
}

#[test]
fn record_writes_the_event_and_its_outbox_row_durably() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let event = store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    assert_eq!(event.id.0.get_version_num(), 7);
    assert_eq!(store.pending_count().expect("pending"), 1);
    drop(store);

    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.pending_count().expect("pending"), 1);
    assert_eq!(store.all_events().expect("events"), vec![event.clone()]);
    let batch = store
        .outbox_batch(0, 100, 1 << 20)
        .expect("batch")
        .expect("one row");
    let pushed: Event = serde_json::from_str(&batch.events_json).expect("stored JSON");
    assert_eq!(pushed, event);
}

#[test]
fn an_invalid_event_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    let before = store.last_hlc();
    let err = store
        .record_visit(
            HouseholdId(1),
            vec![
                (Some(ana.id), not_home()),
                (
                    Some(ana.id),
                    EventBody::Survey {
                        attempt: None,
                        question: "support".into(),
                        answer: "9".into(),
                    },
                ),
            ],
        )
        .expect_err("invalid answer");
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(store.pending_count().expect("pending"), 0);
    assert_eq!(store.voter_data_counts().expect("counts").2, 0);
    assert_eq!(store.last_hlc(), before);
}

#[test]
fn recording_needs_the_campaign() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path(), fixed_clock(T0));
    let err = store
        .record(HouseholdId(1), None, not_home())
        .expect_err("no campaign yet");
    assert!(matches!(err, StoreError::NoCampaign));
}

#[test]
fn a_visit_is_one_transaction_linked_to_its_contact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    let events = store
        .record_visit(
            HouseholdId(1),
            vec![
                (
                    Some(ana.id),
                    EventBody::Contact {
                        channel: Channel::Door,
                        result: "talked".into(),
                        call_back_at: None,
                    },
                ),
                (
                    Some(ana.id),
                    EventBody::Survey {
                        attempt: None,
                        question: "support".into(),
                        answer: "1".into(),
                    },
                ),
                (
                    Some(ana.id),
                    EventBody::Pledge {
                        attempt: None,
                        plan: VotePlan::default(),
                    },
                ),
            ],
        )
        .expect("visit");
    assert_eq!(events.len(), 3);
    assert!(events.windows(2).all(|w| w[0].at < w[1].at));
    for e in &events[1..] {
        match &e.body {
            EventBody::Survey { attempt, .. } | EventBody::Pledge { attempt, .. } => {
                assert_eq!(*attempt, Some(events[0].id));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(store.pending_count().expect("pending"), 3);
    assert_eq!(
        store.household_events(HouseholdId(1)).expect("events"),
        events
    );
    let status = store.door_status(HouseholdId(1)).expect("status");
    assert_eq!(status.result.as_deref(), Some("talked"));
}

/// A wall clock the test sets: the phone's clock moved by hand.
fn movable_clock(start: u64) -> (Arc<AtomicU64>, WallClock) {
    let wall = Arc::new(AtomicU64::new(start));
    let read = wall.clone();
    (wall, Arc::new(move || read.load(Ordering::SeqCst)))
}

#[test]
fn the_clock_never_goes_backwards_across_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (wall, clock) = movable_clock(T0);
    let (store, _) = stocked(dir.path());
    drop(store);
    let store = open(dir.path(), clock.clone());
    let first = store
        .record(HouseholdId(1), None, not_home())
        .expect("first");
    drop(store);

    wall.store(T0 - 3_600_000, Ordering::SeqCst); // the phone's clock is set back an hour
    let store = open(dir.path(), clock);
    let second = store
        .record(HouseholdId(1), None, not_home())
        .expect("second");
    assert!(second.at > first.at, "{:?} !> {:?}", second.at, first.at);

    // The server's clock, observed and persisted, also carries over.
    store
        .observe_server_time(Hlc::new(T0 + 86_400_000, 5))
        .expect("observe");
    drop(store);
    let store = open(dir.path(), fixed_clock(T0));
    let third = store
        .record(HouseholdId(1), None, not_home())
        .expect("third");
    assert!(third.at > Hlc::new(T0 + 86_400_000, 5));
}

/// The clock lives in the outbox's numbers between syncs (see `store::hlc`): once a push
/// has taken those rows away, or a wipe has, the next timestamp is still after them, even
/// with the phone's clock set back and the server's clock far behind.
#[test]
fn the_clock_survives_its_outbox_rows_leaving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (wall, clock) = movable_clock(T0 + 86_400_000);
    let (store, _) = stocked(dir.path());
    drop(store);
    let store = open(dir.path(), clock.clone());
    let recorded: Vec<Event> = (0..3)
        .map(|_| {
            store
                .record(HouseholdId(1), None, not_home())
                .expect("record")
        })
        .collect();
    let last = recorded.last().expect("three").at;
    drop(store);
    // A restart with the outbox still full: the clock comes from its rows.
    wall.store(T0, Ordering::SeqCst);
    let store = open(dir.path(), clock.clone());
    assert_eq!(store.last_hlc(), last);
    let batch = store
        .outbox_batch(0, 10, 1 << 20)
        .expect("batch")
        .expect("rows");
    assert_eq!(
        batch.seqs,
        recorded.iter().map(|e| e.at.0 as i64).collect::<Vec<_>>(),
        "an outbox row's number is its event's timestamp"
    );
    // The server's clock a day behind the one these were recorded under.
    store
        .apply_push_outcomes(&batch, &vec![PushOutcome::Accepted; 3], Hlc::new(T0, 0))
        .expect("acknowledged");
    assert_eq!(store.pending_count().expect("pending"), 0);
    drop(store);
    let store = open(dir.path(), clock.clone());
    let after_push = store
        .record(HouseholdId(1), None, not_home())
        .expect("after the push");
    assert!(after_push.at > last, "{:?} !> {last:?}", after_push.at);

    // A wipe takes the outbox with it (a revocation); the clock stays.
    let pending = store.last_hlc();
    store.wipe_for_revocation().expect("wipe");
    drop(store);
    let store = open(dir.path(), clock);
    assert!(
        store.last_hlc() >= pending,
        "{:?} < {pending:?}",
        store.last_hlc()
    );
}

/// What a door save costs the disk: the pages it adds to the write-ahead log. The outbox
/// row and its index by door: two, as a one-row insert with a primary key writes, against
/// eight before migration 0007 (the rowid table and its id index, the outbox's event-id
/// index, AUTOINCREMENT's sqlite_sequence and the clock row each took one more), four
/// before 0008 (the index of every event by order) and three before 0009 (the event's own
/// row, which the push's acknowledgement now writes).
#[test]
fn a_door_save_adds_two_pages_to_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let wal = dir.path().join("device.sqlite3-wal");
    let page: u64 = {
        // SQLCipher answers this pragma as text.
        let inner = store.lock();
        let text: String = inner
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .expect("page size");
        text.parse().expect("a number")
    };
    let mut frames = Vec::new();
    for i in 0..9 {
        let before = std::fs::metadata(&wal).expect("log").len();
        store
            .record(HouseholdId(1 + i % 2), None, not_home())
            .expect("record");
        let after = std::fs::metadata(&wal).expect("log").len();
        // A log started again from its beginning does not grow: not a save to count.
        if after > before {
            frames.push((after - before) / (page + 24));
        }
    }
    frames.sort_unstable();
    assert!(frames.len() >= 5, "the log kept restarting: {frames:?}");
    assert_eq!(
        frames[frames.len() / 2],
        2,
        "pages per door save: {frames:?}"
    );
}

#[test]
fn applying_a_pull_twice_is_harmless_and_the_server_timestamp_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    let mine = store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    let mut clamped = mine.clone();
    clamped.at = Hlc::new(T0 - 1_000, 0);
    let theirs = Event {
        id: EventId::new_v7(),
        at: Hlc::new(T0 - 5_000, 0),
        household: HouseholdId(2),
        person: None,
        body: not_home(),
    };
    let mut p = page(
        1,
        20,
        vec![household(1, 1, 1), household(2, 1, 2)],
        vec![ana],
    );
    p.events = vec![clamped.clone(), theirs.clone()];
    let resp = response(vec![p], vec![]);
    let once = store.apply_pull(&resp).expect("first");
    let counts = store.voter_data_counts().expect("counts");
    let events = store.all_events().expect("events");
    let again = store.apply_pull(&resp).expect("second");
    assert_eq!(once, again);
    assert_eq!(store.voter_data_counts().expect("counts"), counts);
    assert_eq!(store.all_events().expect("events"), events);
    assert_eq!(counts, (2, 1, 2));
    assert_eq!(events, vec![theirs, clamped]);
    // The outbox still pushes what was recorded.
    assert_eq!(store.pending_count().expect("pending"), 1);
    let turfs = store.turfs().expect("turfs");
    assert_eq!(turfs.len(), 1);
    assert_eq!((turfs[0].cursor, turfs[0].households_held), (20, 2));
    let walk: Vec<_> = store
        .households(TurfId(1))
        .expect("households")
        .iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(walk, vec![HouseholdId(1), HouseholdId(2)]);
}

#[test]
fn a_removed_turf_takes_its_voter_data_but_not_the_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    store
        .apply_pull(&response(
            vec![page(2, 5, vec![household(9, 2, 1)], vec![])],
            vec![],
        ))
        .expect("second turf");
    store
        .record(
            HouseholdId(1),
            Some(ana.id),
            EventBody::Contact {
                channel: Channel::Door,
                result: "talked".into(),
                call_back_at: None,
            },
        )
        .expect("record");
    store
        .record(HouseholdId(9), None, not_home())
        .expect("record");
    store
        .apply_pull(&response(vec![], vec![TurfId(1)]))
        .expect("unassign");
    assert_eq!(store.voter_data_counts().expect("counts"), (1, 0, 1));
    assert_eq!(store.pending_count().expect("pending"), 2);
    assert_eq!(
        store
            .outbox_batch(0, 10, 1 << 20)
            .expect("batch")
            .map(|b| b.len()),
        Some(2)
    );
    assert_eq!(
        store
            .turfs()
            .expect("turfs")
            .iter()
            .map(|t| t.id)
            .collect::<Vec<_>>(),
        vec![TurfId(2)]
    );
}

fn turf_map(tag: u64) -> TurfMap {
    TurfMap {
        tag,
        names: vec!["North Elm Street".into()],
        lines: vec![MapLine {
            name: 0,
            arterial: false,
            points: groundgame_core::map::encode_line(&[
                groundgame_core::map::GeoPoint::new(35.78, -78.64),
                groundgame_core::map::GeoPoint::new(35.78, -78.633),
            ]),
        }],
    }
}

#[test]
fn a_turf_map_is_kept_sent_back_by_its_tag_replaced_dropped_and_leaves_with_its_turf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let tags = |store: &Store| -> Vec<(TurfId, Option<u64>)> {
        store
            .scopes()
            .expect("scopes")
            .iter()
            .map(|s| (s.turf, s.map))
            .collect()
    };
    assert_eq!(tags(&store), vec![(TurfId(1), None)]);
    assert_eq!(store.turf_map(TurfId(1)).expect("map"), None);

    let with_map = |cursor, map| ScopePage {
        map: Some(map),
        ..page(1, cursor, vec![], vec![])
    };
    store
        .apply_pull(&response(vec![with_map(10, turf_map(7))], vec![]))
        .expect("map");
    assert_eq!(tags(&store), vec![(TurfId(1), Some(7))]);
    assert_eq!(store.turf_map(TurfId(1)).expect("map"), Some(turf_map(7)));
    // The households stay: a page with only a map changes nothing else.
    assert_eq!(store.households(TurfId(1)).expect("doors").len(), 2);

    // A new map replaces it; tag 0 drops it.
    store
        .apply_pull(&response(vec![with_map(10, turf_map(9))], vec![]))
        .expect("new map");
    assert_eq!(tags(&store), vec![(TurfId(1), Some(9))]);
    store
        .apply_pull(&response(
            vec![with_map(
                10,
                TurfMap {
                    tag: 0,
                    names: vec![],
                    lines: vec![],
                },
            )],
            vec![],
        ))
        .expect("no map");
    assert_eq!(tags(&store), vec![(TurfId(1), None)]);
    assert_eq!(store.turf_map(TurfId(1)).expect("map"), None);

    // It leaves with its turf, and with a revocation wipe.
    store
        .apply_pull(&response(vec![with_map(11, turf_map(9))], vec![]))
        .expect("map");
    store
        .apply_pull(&response(vec![], vec![TurfId(1)]))
        .expect("unassign");
    assert_eq!(store.turf_map(TurfId(1)).expect("map"), None);
    let rows: i64 = store
        .lock()
        .conn
        .query_row("SELECT count(*) FROM turf_maps", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 0);
    store
        .apply_pull(&response(vec![with_map(11, turf_map(9))], vec![]))
        .expect("map");
    store.wipe_for_revocation().expect("wipe");
    assert_eq!(store.turf_map(TurfId(1)).expect("map"), None);
}

#[test]
fn removed_households_and_people_leave_with_their_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    store
        .record(HouseholdId(2), None, not_home())
        .expect("record");
    store
        .record(
            HouseholdId(1),
            Some(ana.id),
            EventBody::DoNotContact {
                channel: Channel::Phone,
            },
        )
        .expect("record");
    let mut p = page(1, 30, vec![], vec![]);
    p.removed_households = vec![HouseholdId(2)];
    p.removed_people = vec![ana.id];
    store.apply_pull(&response(vec![p], vec![])).expect("pull");
    assert_eq!(store.voter_data_counts().expect("counts"), (1, 0, 0));
}

#[test]
fn a_record_a_lead_dismissed_leaves_this_phone_and_the_knock_beside_it_stays() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    let kept = store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    let dismissed = store
        .record(
            HouseholdId(1),
            Some(ana.id),
            EventBody::DoNotContact {
                channel: Channel::Phone,
            },
        )
        .expect("record");
    let mut p = page(1, 30, vec![], vec![]);
    p.removed_events = vec![dismissed.id];
    store.apply_pull(&response(vec![p], vec![])).expect("pull");
    let left: Vec<EventId> = store
        .household_events(HouseholdId(1))
        .expect("events")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(
        left,
        vec![kept.id],
        "the dismissed record is gone, the knock stays"
    );
}

/// A recorded event lives in the outbox until the server has it (migration 0009). One
/// whose door, person or record left this phone meanwhile is still pushed, and its
/// acknowledgement does not bring it back; the others join the events table then, and a
/// copy pulled back before the answer (a lost one) is held once, as the server sent it.
#[test]
fn an_acknowledged_event_joins_the_events_table_unless_it_left_this_phone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    let stays = store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    let door_left = store
        .record(HouseholdId(2), None, not_home())
        .expect("record");
    let person_left = store
        .record(
            HouseholdId(1),
            Some(ana.id),
            EventBody::DoNotContact {
                channel: Channel::Phone,
            },
        )
        .expect("record");
    let dismissed = store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    let pulled_back = store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    let held_in_table = |store: &Store| -> u64 {
        let inner = store.lock();
        inner
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(held_in_table(&store), 0, "a save writes the outbox alone");
    let mut clamped = pulled_back.clone();
    clamped.at = Hlc::new(T0 - 1_000, 0);
    let mut p = page(1, 30, vec![], vec![]);
    p.removed_households = vec![HouseholdId(2)];
    p.removed_people = vec![ana.id];
    p.removed_events = vec![dismissed.id];
    p.events = vec![clamped.clone()];
    store.apply_pull(&response(vec![p], vec![])).expect("pull");
    let shown = |store: &Store| -> Vec<EventId> {
        store
            .all_events()
            .expect("events")
            .iter()
            .map(|e| e.id)
            .collect()
    };
    assert_eq!(shown(&store), vec![clamped.id, stays.id]);
    assert_eq!(
        store.pending_count().expect("pending"),
        5,
        "every knock waits"
    );
    let batch = store
        .outbox_batch(0, 10, 1 << 20)
        .expect("batch")
        .expect("rows");
    let pushed: Vec<Event> =
        serde_json::from_str(&format!("[{}]", batch.events_json)).expect("json");
    assert_eq!(
        pushed,
        vec![
            stays.clone(),
            door_left,
            person_left,
            dismissed,
            pulled_back
        ],
        "the outbox pushes what was recorded"
    );
    let outcomes = vec![PushOutcome::Accepted; 4]
        .into_iter()
        .chain([PushOutcome::Duplicate])
        .collect::<Vec<_>>();
    store
        .apply_push_outcomes(&batch, &outcomes, Hlc::new(T0 + 10, 0))
        .expect("ack");
    assert_eq!(store.pending_count().expect("pending"), 0);
    assert_eq!(shown(&store), vec![clamped.id, stays.id]);
    assert_eq!(
        held_in_table(&store),
        2,
        "the acknowledged knock joined the table"
    );
    assert_eq!(
        store.household_events(HouseholdId(1)).expect("events"),
        vec![clamped, stays]
    );
    drop(store);
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(held_in_table(&store), 2, "and it is there after a restart");
}

#[test]
fn a_voter_who_moved_to_another_held_turf_survives_the_old_turfs_tombstone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, ana) = stocked(dir.path());
    // Turf 2's page (Ana now at household 5) arrives before turf 1's tombstone for her.
    let mut moved = ana.clone();
    moved.household = HouseholdId(5);
    let new_home = page(2, 40, vec![household(5, 2, 1)], vec![moved.clone()]);
    let mut old_home = page(1, 41, vec![], vec![]);
    old_home.removed_people = vec![ana.id];
    store
        .apply_pull(&response(vec![new_home, old_home], vec![]))
        .expect("pull");
    let people = store.people(HouseholdId(5)).expect("people");
    assert_eq!(people, vec![moved], "Ana lives at her new address");
    assert!(store.people(HouseholdId(1)).expect("people").is_empty());
}

#[test]
fn people_added_at_the_door_are_listed_until_the_server_sends_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let newcomer = PersonId::new_v7();
    store
        .record(
            HouseholdId(1),
            Some(newcomer),
            EventBody::PersonAdded {
                first_name: "Luz".into(),
                last_name: "Ortiz".into(),
                language: Some("es".into()),
                phone: None,
            },
        )
        .expect("add person");
    let people = store.people(HouseholdId(1)).expect("people");
    assert_eq!(people.len(), 2);
    assert!(people
        .iter()
        .any(|p| p.id == newcomer && p.first_name == "Luz"));
}

#[test]
fn push_outcomes_drain_the_outbox_and_dead_letter_rejections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let events: Vec<Event> = (0..3)
        .map(|_| {
            store
                .record(HouseholdId(1), None, not_home())
                .expect("record")
        })
        .collect();
    let batch = store
        .outbox_batch(0, 10, 1 << 20)
        .expect("batch")
        .expect("rows");
    assert_eq!(batch.len(), 3);
    let outcomes = vec![
        PushOutcome::Accepted,
        PushOutcome::Rejected {
            code: "out_of_scope".into(),
            message: "not your turf".into(),
        },
        PushOutcome::Duplicate,
    ];
    let removed = store
        .apply_push_outcomes(&batch, &outcomes, Hlc::new(T0 + 10, 0))
        .expect("apply");
    assert_eq!(removed, 3);
    // A lost response: the same answers applied again change nothing.
    assert_eq!(
        store
            .apply_push_outcomes(&batch, &outcomes, Hlc::new(T0 + 10, 0))
            .expect("again"),
        0
    );
    assert_eq!(store.pending_count().expect("pending"), 0);
    assert!(store.outbox_batch(0, 10, 1 << 20).expect("batch").is_none());
    let rejected = store.rejected().expect("rejected");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].event, events[1]);
    assert_eq!(rejected[0].code, "out_of_scope");
    assert_eq!(store.rejected_count().expect("count"), 1);
    let held: Vec<_> = store
        .all_events()
        .expect("events")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(held, vec![events[0].id, events[2].id]);
    assert!(store.last_hlc() >= Hlc::new(T0 + 10, 0));
}

#[test]
fn batches_respect_count_and_size_limits_and_continue_after_a_seq() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    for _ in 0..5 {
        store
            .record(HouseholdId(1), None, not_home())
            .expect("record");
    }
    let first = store.outbox_batch(0, 2, 1 << 20).expect("b").expect("rows");
    assert_eq!(first.len(), 2);
    let second = store
        .outbox_batch(first.last_seq(), 100, 1 << 20)
        .expect("b")
        .expect("rows");
    assert_eq!(second.len(), 3);
    assert!(second.seqs[0] > first.last_seq());
    let one_size = first.events_json.len() / 2;
    let small = store
        .outbox_batch(0, 100, one_size * 2)
        .expect("b")
        .expect("rows");
    assert_eq!(small.len(), 1, "the comma does not fit");
    let tiny = store.outbox_batch(0, 100, 1).expect("b").expect("rows");
    assert_eq!(tiny.len(), 1, "always at least one row");
    let spliced: Vec<Event> =
        serde_json::from_str(&format!("[{}]", second.events_json)).expect("valid JSON");
    assert_eq!(spliced.len(), 3);
}

#[test]
fn registration_and_revocation_wipe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let identity = Identity {
        device: DeviceId(7),
        volunteer: VolunteerId(3),
        campaign: CampaignId(1),
        role: Role::Volunteer,
        server_url: "http://127.0.0.1:1".into(),
    };
    store
        .save_registration(&identity, "secret-token", Hlc::new(T0, 0))
        .expect("register");
    assert_eq!(store.identity().expect("identity"), Some(identity.clone()));
    assert_eq!(
        store.token().expect("token").as_deref(),
        Some("secret-token")
    );
    store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    store.wipe_for_revocation().expect("wipe");
    assert_eq!(store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert_eq!(store.pending_count().expect("pending"), 0);
    assert!(store.turfs().expect("turfs").is_empty());
    assert_eq!(store.token().expect("token"), None);
    assert_eq!(store.campaign().expect("campaign"), None);
    assert_eq!(store.device_state(), Some(DeviceState::Revoked));
    drop(store);
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.device_state(), Some(DeviceState::Revoked));
    assert_eq!(store.pending_count().expect("pending"), 0);
    assert!(matches!(
        store.record(HouseholdId(1), None, not_home()),
        Err(StoreError::Revoked | StoreError::NoCampaign)
    ));
}

#[test]
fn joining_another_campaign_waits_for_pending_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let mut identity = Identity {
        device: DeviceId(7),
        volunteer: VolunteerId(3),
        campaign: CampaignId(1),
        role: Role::Volunteer,
        server_url: "http://127.0.0.1:1".into(),
    };
    store
        .save_registration(&identity, "t1", Hlc::new(T0, 0))
        .expect("register");
    store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    identity.campaign = CampaignId(2);
    assert!(matches!(
        store.save_registration(&identity, "t2", Hlc::new(T0, 0)),
        Err(StoreError::PendingForOtherCampaign(1))
    ));
}

#[test]
fn a_draft_is_saved_replaced_cleared_and_survives_a_restart_without_the_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    assert_eq!(store.draft(HouseholdId(1)).expect("draft"), None);
    store
        .save_draft(HouseholdId(1), r#"{"note":"dog"}"#)
        .expect("save");
    store
        .save_draft(HouseholdId(1), r#"{"note":"big dog"}"#)
        .expect("replace");
    store
        .save_draft(HouseholdId(99), r#"{"note":"nowhere"}"#)
        .expect("a household not held keeps no draft");
    assert_eq!(
        store.draft(HouseholdId(1)).expect("draft").as_deref(),
        Some(r#"{"note":"big dog"}"#)
    );
    assert_eq!(store.draft(HouseholdId(99)).expect("draft"), None);
    assert_eq!(store.draft_count().expect("count"), 1);
    assert_eq!(
        store.pending_count().expect("pending"),
        0,
        "drafts never sync"
    );
    drop(store);

    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(
        store.draft(HouseholdId(1)).expect("draft").as_deref(),
        Some(r#"{"note":"big dog"}"#),
        "the draft survives the app closing"
    );
    assert!(store
        .outbox_batch(0, 100, 1 << 20)
        .expect("batch")
        .is_none());
    store.clear_draft(HouseholdId(1)).expect("clear");
    store
        .clear_draft(HouseholdId(1))
        .expect("clearing twice is harmless");
    assert_eq!(store.draft(HouseholdId(1)).expect("draft"), None);
    // A recorded visit still commits durably after the relaxed draft writes.
    store
        .save_draft(HouseholdId(2), r#"{"note":"x"}"#)
        .expect("save");
    store
        .record(HouseholdId(2), None, not_home())
        .expect("record");
    let sync: i64 = store
        .lock()
        .conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(sync, 2, "the connection is back to synchronous=FULL");
}

#[test]
fn drafts_leave_with_their_households_their_turf_and_a_revocation_wipe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    store.save_draft(HouseholdId(1), "{}").expect("save 1");
    store.save_draft(HouseholdId(2), "{}").expect("save 2");
    let mut gone = page(1, 11, Vec::new(), Vec::new());
    gone.removed_households = vec![HouseholdId(2)];
    store
        .apply_pull(&response(vec![gone], vec![]))
        .expect("pull");
    assert_eq!(store.draft(HouseholdId(2)).expect("draft"), None);
    assert!(store.draft(HouseholdId(1)).expect("draft").is_some());
    store
        .apply_pull(&response(vec![], vec![TurfId(1)]))
        .expect("turf removed");
    assert_eq!(store.draft_count().expect("count"), 0);

    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let identity = Identity {
        device: DeviceId(7),
        volunteer: VolunteerId(3),
        campaign: CampaignId(1),
        role: Role::Volunteer,
        server_url: "http://127.0.0.1:1".into(),
    };
    store
        .save_registration(&identity, "secret-token", Hlc::new(T0, 0))
        .expect("register");
    store.save_draft(HouseholdId(1), "{}").expect("save");
    assert_eq!(store.draft_count().expect("count"), 1);
    store.wipe_for_revocation().expect("wipe");
    assert_eq!(store.draft_count().expect("count"), 0);
    assert!(matches!(
        store.save_draft(HouseholdId(1), "{}"),
        Err(StoreError::Revoked)
    ));
}

/// A door save never copies the write-ahead log into the database: a thread of its own
/// does, every few hundred commits, and at a volunteer's pace the log then starts again
/// from its beginning, so it stays small (SQLite alone copies it inside a save, and here
/// only past 4,000 pages, some 16 MB).
#[test]
fn checkpoints_run_off_the_saving_thread_and_keep_the_log_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let wal = dir.path().join("device.sqlite3-wal");
    let every = u64::from(checkpoint::EVERY_COMMITS);
    let saves = 10 * every;
    let mut largest = 0;
    let mut started = store.checkpoints.started();
    for i in 0..saves {
        store
            .record(HouseholdId(1 + (i % 2) as i64), None, not_home())
            .expect("record");
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        if store.checkpoints.started() > started {
            // The volunteer walks to the next door; the checkpoint ends meanwhile.
            store.checkpoints.settle();
            started = store.checkpoints.started();
        }
    }
    assert!(
        store.checkpoints.started() >= 9,
        "{} background checkpoints for {saves} saves",
        store.checkpoints.started()
    );
    // Two checkpoints' worth of saves at the two pages of a door save, with room for
    // the page splits between (some 9 MB), far under all of them (some 45 MB).
    assert!(
        largest < 2 * every * 4 * 4120,
        "the log reached {largest} bytes over {saves} saves"
    );
    drop(store);
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.pending_count().expect("pending"), saves);
}

/// Saved back to back, the copy runs behind the saves, and the log is held at SQLite's
/// backstop; nothing is lost.
#[test]
fn back_to_back_saves_keep_the_log_under_the_backstop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = stocked(dir.path());
    let wal = dir.path().join("device.sqlite3-wal");
    let saves = 1_000;
    let mut largest = 0;
    for i in 0..saves {
        store
            .record(HouseholdId(1 + i % 2), None, not_home())
            .expect("record");
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
    }
    assert!(store.checkpoints.started() >= 1);
    assert!(
        largest < (u64::from(checkpoint::BACKSTOP_PAGES) + 64) * 4200,
        "the log reached {largest} bytes over {saves} saves"
    );
    drop(store);
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.pending_count().expect("pending"), saves as u64);
}

/// How many times `needle` appears in the bytes of every file under `dir`.
fn occurrences_under(dir: &Path, needle: &[u8]) -> usize {
    let mut found = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                found += bytes.windows(needle.len()).filter(|w| *w == needle).count();
            }
        }
    }
    found
}

/// A voter's surname no SQLite page would hold by chance.
const SURNAME: &str = "Quintrellwyn";

fn stocked_with_surname(dir: &Path) -> Store {
    let store = open(dir, fixed_clock(T0));
    let mut p = person(1, "Ana");
    p.last_name = SURNAME.into();
    store
        .apply_pull(&response(
            vec![page(1, 10, vec![household(1, 1, 1)], vec![p])],
            vec![],
        ))
        .expect("pull");
    store
}

#[test]
fn the_database_is_encrypted_at_rest_and_only_its_key_reads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = stocked_with_surname(dir.path());
    store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    // The name is on disk (in the log, not yet checkpointed, and in the file) only as
    // ciphertext.
    assert_eq!(occurrences_under(dir.path(), SURNAME.as_bytes()), 0);
    let db = dir.path().join("device.sqlite3");
    let head = std::fs::read(&db).expect("read");
    assert!(
        !head.starts_with(b"SQLite format 3"),
        "not a plain SQLite file"
    );
    let plain = rusqlite::Connection::open(&db).expect("open without key");
    let err = plain
        .query_row("SELECT count(*) FROM people", [], |r| r.get::<_, i64>(0))
        .expect_err("no key, no data");
    assert!(err.to_string().contains("not a database"), "{err}");
    drop(store);

    // The app opens it again under its key, records and all.
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.voter_data_counts().expect("counts"), (1, 1, 1));
    drop(store);

    // Another key (a key file from another phone) reads nothing and changes nothing.
    let key_file = KeyFile::beside(&db);
    let before = std::fs::read(&db).expect("read");
    key_file.store(&DbKey::random()).expect("other key");
    assert!(matches!(
        Store::open(&db, fixed_clock(T0)),
        Err(StoreError::Unreadable)
    ));
    assert_eq!(std::fs::read(&db).expect("read"), before, "untouched");
}

#[test]
fn an_older_apps_plain_database_is_encrypted_on_first_open_with_nothing_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("device.sqlite3");
    {
        // What the app before encryption left: a plain file, its schema, a door knock
        // waiting in the outbox and a voter, some of it still in the log.
        let store = stocked_with_surname(dir.path());
        store
            .record(HouseholdId(1), None, not_home())
            .expect("record");
        let pending = store.pending_count().expect("pending");
        assert_eq!(pending, 1);
        let inner = store.lock();
        let plain = db.with_extension("plain");
        inner
            .conn
            .execute(
                "ATTACH DATABASE ?1 AS plain KEY ''",
                [plain.to_string_lossy()],
            )
            .expect("attach plain");
        inner
            .conn
            .query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
            .expect("export");
        let version: i64 = inner
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        inner
            .conn
            .execute_batch(&format!(
                "PRAGMA plain.user_version = {version}; DETACH DATABASE plain;"
            ))
            .expect("version");
        drop(inner);
        drop(store);
        for f in at_rest::app_files(&db) {
            let _ = std::fs::remove_file(f);
        }
        std::fs::remove_file(KeyFile::beside(&db).path()).expect("no key yet");
        std::fs::rename(&plain, &db).expect("the plain file in place");
        // Some of it in a plain log, as an app killed while running leaves it: the files
        // are copied while the connection is still open, the copies are what is found.
        let conn = rusqlite::Connection::open(&db).expect("plain");
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .expect("wal");
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")
            .expect("no auto");
        conn.execute("UPDATE households SET number = '1A' WHERE id = 1", [])
            .expect("a commit left in the log");
        let killed = dir.path().join("killed");
        std::fs::create_dir(&killed).expect("dir");
        std::fs::copy(&db, killed.join("device.sqlite3")).expect("copy");
        std::fs::copy(
            at_rest::sibling(&db, "-wal"),
            killed.join("device.sqlite3-wal"),
        )
        .expect("copy log");
        drop(conn);
        for f in at_rest::app_files(&db) {
            let _ = std::fs::remove_file(f);
        }
        for f in ["device.sqlite3", "device.sqlite3-wal"] {
            std::fs::rename(killed.join(f), dir.path().join(f)).expect("found");
        }
        std::fs::remove_dir(&killed).expect("dir");
    }
    assert!(at_rest::sibling(&db, "-wal").exists());
    assert!(std::fs::read(&db)
        .expect("read")
        .starts_with(b"SQLite format 3\0"));
    assert!(occurrences_under(dir.path(), SURNAME.as_bytes()) > 0);

    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.voter_data_counts().expect("counts"), (1, 1, 1));
    assert_eq!(
        store.pending_count().expect("pending"),
        1,
        "the knock still waits"
    );
    let number: String = store
        .lock()
        .conn
        .query_row("SELECT number FROM households WHERE id = 1", [], |r| {
            r.get(0)
        })
        .expect("number");
    assert_eq!(number, "1A", "the commit in the plain log was kept");
    assert_eq!(occurrences_under(dir.path(), SURNAME.as_bytes()), 0);
    drop(store);
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.voter_data_counts().expect("counts"), (1, 1, 1));
}

#[test]
fn revocation_destroys_the_key_and_every_file_the_app_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("device.sqlite3");
    let store = stocked_with_surname(dir.path());
    let identity = Identity {
        device: DeviceId(7),
        volunteer: VolunteerId(3),
        campaign: CampaignId(1),
        role: Role::Lead,
        server_url: "http://127.0.0.1:1".into(),
    };
    store
        .save_registration(&identity, "secret-token", Hlc::new(T0, 0))
        .expect("register");
    store
        .record(HouseholdId(1), None, not_home())
        .expect("record");
    // What the app saves in plain files: a results export, a paper walk list (and a
    // temporary file a write cut short left), the desktop web view's storage.
    let folder = store.folder().expect("folder");
    let exports = folder.join("exports");
    std::fs::create_dir_all(&exports).expect("exports");
    std::fs::write(exports.join("results.csv"), SURNAME).expect("export");
    std::fs::write(folder.join("walk-list-1-2026-11-03.html"), SURNAME).expect("paper");
    std::fs::write(folder.join(".walk-list-1-2026-11-03.html.Xy12ab"), SURNAME).expect("tmp");
    std::fs::create_dir_all(folder.join("webview")).expect("webview");
    std::fs::write(folder.join("webview").join("cache"), SURNAME).expect("cache");
    // Another program's file in the same folder is not the app's to remove.
    std::fs::write(folder.join("notes.txt"), "mine").expect("other");
    assert_eq!(occurrences_under(dir.path(), SURNAME.as_bytes()), 4);
    let old_key = std::fs::read(KeyFile::beside(&db).path()).expect("key");
    let hlc = store.last_hlc();

    store.wipe_for_revocation().expect("wipe");
    assert_eq!(occurrences_under(dir.path(), SURNAME.as_bytes()), 0);
    assert!(!exports.exists() && !folder.join("webview").exists());
    assert!(folder.join("notes.txt").exists());
    let new_key = std::fs::read(KeyFile::beside(&db).path()).expect("a new key");
    assert_ne!(new_key, old_key);
    // The old key would not read what is there now either: nothing of before is left.
    let conn = rusqlite::Connection::open(&db).expect("open");
    let literal = DbKey::from_bytes(old_key.try_into().expect("32 bytes")).sqlcipher_literal();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", &*literal))
        .expect("key");
    assert!(conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
        .is_err());
    drop(conn);

    // The device still knows it was revoked (and by whom it was registered), nothing more.
    assert_eq!(store.device_state(), Some(DeviceState::Revoked));
    assert_eq!(store.identity().expect("identity"), Some(identity.clone()));
    assert_eq!(store.token().expect("token"), None);
    assert_eq!(store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert!(store.last_hlc() >= hlc, "the clock never goes back");
    // It keeps working (and checkpointing) on the new file.
    for i in 0..u64::from(super::checkpoint::EVERY_COMMITS) + 1 {
        store
            .observe_server_time(Hlc::new(T0 + 1_000 + i, 0))
            .expect("write");
    }
    store.checkpoints.settle();
    assert!(store.checkpoints.started() >= 1);
    drop(store);
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.device_state(), Some(DeviceState::Revoked));
    assert_eq!(store.identity().expect("identity"), Some(identity));
}

#[test]
fn a_database_whose_key_is_gone_is_removed_and_the_app_starts_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("device.sqlite3");
    drop(stocked_with_surname(dir.path()));
    std::fs::remove_file(KeyFile::beside(&db).path()).expect("key gone");
    let store = open(dir.path(), fixed_clock(T0));
    assert_eq!(store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert_eq!(store.device_state(), None, "join again");
}
