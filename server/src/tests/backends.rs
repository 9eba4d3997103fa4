//! The store boundary's shared suite: the same spine tests run against the embedded SQLite
//! store and against PostgreSQL (a fresh database per test in the cluster named by
//! `GROUNDGAME_TEST_POSTGRES`, which `scripts/test.sh` starts). Then the replica tests:
//! two `PgStore`s on one database, a slow transaction held open on one, and a pull that
//! must never pass a row that commits later, shown to fail on a naive sequence.

use std::collections::{BTreeSet, HashSet};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use groundgame_core::event::Channel;
use groundgame_core::protocol::{
    codes, PullRequest, PushOutcome, PushRequest, ScopeCursor, PROTOCOL_VERSION,
};
use groundgame_core::{
    CampaignId, Event, EventBody, EventId, Hlc, HouseholdId, PersonId, Role, TurfId, VolunteerId,
};

use super::both::{backends, each_backend};
use super::harness::{households, NOW};
use crate::http::auth::{new_token, AuthDevice};
use crate::store::postgres::ScratchDb;
use crate::store::{PgStore, Store, StoreError};

struct Field {
    campaign: CampaignId,
    turf: TurfId,
    other_turf: TurfId,
    volunteer: AuthDevice,
    lead: AuthDevice,
}

fn join(store: &dyn Store, campaign: CampaignId, role: Role, name: &str) -> AuthDevice {
    let code = store
        .create_invite(campaign, role, 1, NOW + 86_400_000)
        .expect("invite");
    let (_, hash) = new_token();
    let reg = store
        .register_device(&code, name, "phone", "1.0", &hash, NOW)
        .expect("register");
    assert_eq!(reg.role, role);
    AuthDevice {
        device: reg.device,
        volunteer: reg.volunteer,
        campaign: reg.campaign,
        role: reg.role,
        last_seen_at: NOW,
        registered_at: NOW,
    }
}

fn field(store: &dyn Store) -> Field {
    let campaign = store
        .create_campaign("Suite", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let turf = store.create_turf(campaign, "A").expect("turf");
    let other_turf = store.create_turf(campaign, "B").expect("turf");
    store
        .add_households(turf, households("Oak St", 4, 2))
        .expect("households");
    store
        .add_households(other_turf, households("Elm St", 2, 1))
        .expect("households");
    let volunteer = join(store, campaign, Role::Volunteer, "Vera");
    let lead = join(store, campaign, Role::Lead, "Lee");
    store
        .set_assignees_at(turf, &[volunteer.volunteer], NOW)
        .expect("assign");
    Field {
        campaign,
        turf,
        other_turf,
        volunteer,
        lead,
    }
}

fn knock(household: HouseholdId, at: u64) -> Event {
    Event {
        id: EventId::new_v7(),
        at: Hlc::new(at, 0),
        household,
        person: None,
        body: EventBody::Contact {
            channel: Channel::Door,
            result: "not_home".into(),
            call_back_at: None,
        },
    }
}

fn push(store: &dyn Store, who: &AuthDevice, events: &[Event]) -> Vec<PushOutcome> {
    store
        .push(
            who,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                events: events.to_vec(),
                pending: 0,
            },
            None,
            NOW,
        )
        .expect("push")
        .results
}

/// Pull until complete from `cursors`, with a small page; returns everything seen and the
/// final cursors.
struct Pulled {
    households: Vec<HouseholdId>,
    people: Vec<PersonId>,
    events: Vec<EventId>,
    removed_households: Vec<HouseholdId>,
    cursors: Vec<ScopeCursor>,
}

fn pull_all(
    store: &dyn Store,
    who: &AuthDevice,
    mut cursors: Vec<ScopeCursor>,
    limit: u32,
) -> Pulled {
    let mut seen = Pulled {
        households: Vec::new(),
        people: Vec::new(),
        events: Vec::new(),
        removed_households: Vec::new(),
        cursors: Vec::new(),
    };
    for _ in 0..1000 {
        let res = store
            .pull(
                who,
                &PullRequest {
                    maps: false,
                    protocol: PROTOCOL_VERSION,
                    scopes: cursors.clone(),
                    limit: Some(limit),
                },
                NOW,
            )
            .expect("pull");
        for page in &res.scopes {
            seen.households.extend(page.households.iter().map(|h| h.id));
            seen.people.extend(page.people.iter().map(|p| p.id));
            seen.events.extend(page.events.iter().map(|e| e.id));
            seen.removed_households.extend(&page.removed_households);
            match cursors.iter_mut().find(|c| c.turf == page.turf.id) {
                Some(c) => c.cursor = page.cursor,
                None => cursors.push(ScopeCursor {
                    map: None,
                    turf: page.turf.id,
                    cursor: page.cursor,
                }),
            }
        }
        if !res.has_more {
            seen.cursors = cursors;
            return seen;
        }
    }
    panic!("the pull never completed");
}

fn first_household(store: &dyn Store, who: &AuthDevice) -> HouseholdId {
    let all = pull_all(store, who, Vec::new(), 500);
    all.households[0]
}

#[test]
fn push_is_idempotent_and_scoped_on_every_backend() {
    each_backend(|store| {
        let f = field(store);
        let mine = first_household(store, &f.volunteer);
        let theirs = pull_all(store, &f.lead, Vec::new(), 500)
            .households
            .into_iter()
            .find(|h| {
                !pull_all(store, &f.volunteer, Vec::new(), 500)
                    .households
                    .contains(h)
            })
            .expect("a household outside the volunteer's turf");
        let e = knock(mine, NOW - 60_000);
        assert_eq!(
            push(store, &f.volunteer, std::slice::from_ref(&e)),
            [PushOutcome::Accepted]
        );
        assert_eq!(
            push(store, &f.volunteer, std::slice::from_ref(&e)),
            [PushOutcome::Duplicate]
        );
        let mut reused = knock(mine, NOW - 30_000);
        reused.id = e.id;
        let outside = knock(theirs, NOW - 30_000);
        let out = push(store, &f.volunteer, &[reused, outside]);
        let codes: Vec<&str> = out
            .iter()
            .map(|o| match o {
                PushOutcome::Rejected { code, .. } => code.as_str(),
                _ => "accepted",
            })
            .collect();
        assert_eq!(codes, [codes::ID_REUSED, codes::OUT_OF_SCOPE]);
        assert_eq!(store.event_count(f.campaign).expect("count"), 1);
        // A lead may record anywhere in the campaign.
        let by_lead = knock(theirs, NOW - 10_000);
        assert_eq!(push(store, &f.lead, &[by_lead]), [PushOutcome::Accepted]);
        assert_eq!(store.event_count(f.campaign).expect("count"), 2);
    });
}

#[test]
fn pulls_page_through_everything_once_and_resume_from_their_cursor() {
    each_backend(|store| {
        let f = field(store);
        let first = pull_all(store, &f.volunteer, Vec::new(), 3);
        assert_eq!(first.households.len(), 4, "the volunteer's turf only");
        assert_eq!(first.people.len(), 8);
        assert_eq!(
            first.households.iter().collect::<HashSet<_>>().len(),
            4,
            "no row twice"
        );
        let home = first.households[1];
        let events: Vec<Event> = (0..5).map(|i| knock(home, NOW - 100_000 + i)).collect();
        push(store, &f.volunteer, &events);
        let next = pull_all(store, &f.volunteer, first.cursors.clone(), 2);
        assert_eq!(next.events, events.iter().map(|e| e.id).collect::<Vec<_>>());
        assert!(next.households.is_empty() && next.people.is_empty());
        let again = pull_all(store, &f.volunteer, next.cursors, 2);
        assert!(again.events.is_empty(), "nothing new after the last cursor");
        // The lead sees both turfs.
        let lead = pull_all(store, &f.lead, Vec::new(), 500);
        assert_eq!(lead.households.len(), 6);
        assert_eq!(lead.events.len(), 5);
        let _ = f.other_turf;
    });
}

#[test]
fn a_person_added_at_the_door_reaches_every_device_in_the_turf() {
    each_backend(|store| {
        let f = field(store);
        let start = pull_all(store, &f.lead, Vec::new(), 500);
        let home = first_household(store, &f.volunteer);
        let person = PersonId::new_v7();
        let added = Event {
            id: EventId::new_v7(),
            at: Hlc::new(NOW - 1000, 0),
            household: home,
            person: Some(person),
            body: EventBody::PersonAdded {
                first_name: "Nia".into(),
                last_name: "New".into(),
                language: None,
                phone: None,
            },
        };
        assert_eq!(
            push(store, &f.volunteer, std::slice::from_ref(&added)),
            [PushOutcome::Accepted]
        );
        let next = pull_all(store, &f.lead, start.cursors, 500);
        assert_eq!(next.people, [person]);
        assert_eq!(next.events, [added.id]);
    });
}

#[test]
fn a_removed_household_leaves_a_tombstone_and_its_events_stay() {
    each_backend(|store| {
        let f = field(store);
        let start = pull_all(store, &f.volunteer, Vec::new(), 500);
        let home = start.households[0];
        push(store, &f.volunteer, &[knock(home, NOW - 5000)]);
        store.remove_household(home).expect("remove");
        let next = pull_all(store, &f.volunteer, start.cursors, 500);
        assert_eq!(next.removed_households, [home]);
        assert_eq!(store.event_count(f.campaign).expect("count"), 1);
        assert!(matches!(
            store.remove_household(home),
            Err(StoreError::NotFound("household"))
        ));
    });
}

#[test]
fn invites_and_revocation_behave_the_same_on_every_backend() {
    each_backend(|store| {
        let f = field(store);
        let (_, hash) = new_token();
        let once = store
            .create_invite(f.campaign, Role::Volunteer, 1, NOW + 1000)
            .expect("invite");
        store
            .register_device(&once, "A", "phone", "1.0", &hash, NOW)
            .expect("first use");
        let (_, hash2) = new_token();
        assert!(matches!(
            store.register_device(&once, "B", "phone", "1.0", &hash2, NOW),
            Err(StoreError::InviteUsedUp)
        ));
        assert!(matches!(
            store.register_device("NOPE-NOPE", "B", "phone", "1.0", &hash2, NOW),
            Err(StoreError::InviteUnknown)
        ));
        let expired = store
            .create_invite(f.campaign, Role::Volunteer, 5, NOW + 1000)
            .expect("invite");
        assert!(matches!(
            store.register_device(&expired, "B", "phone", "1.0", &hash2, NOW + 1000),
            Err(StoreError::InviteExpired)
        ));
        // A device link joins the same volunteer.
        let (code, _) = store
            .create_device_link(f.volunteer.device, NOW)
            .expect("link");
        let laptop = store
            .register_device(&code, "ignored", "laptop", "1.0", &hash2, NOW)
            .expect("link use");
        assert_eq!(laptop.volunteer, f.volunteer.volunteer);
        let found = store
            .device_by_token(&hash2)
            .expect("lookup")
            .expect("found");
        assert_eq!(found.device, laptop.device);
        assert!(!found.revoked);
        store.revoke_device(laptop.device).expect("revoke");
        assert!(
            store
                .device_by_token(&hash2)
                .expect("lookup")
                .expect("found")
                .revoked
        );
        assert_eq!(
            store.device_campaign(laptop.device).expect("campaign"),
            Some(f.campaign)
        );
    });
}

#[test]
fn walking_order_is_the_same_on_every_backend() {
    let mut orders = Vec::new();
    for backend in backends() {
        let store = backend.store();
        let f = field(store);
        // A second batch lands between the first one's doors: the order is recomputed.
        store
            .add_households(f.turf, households("Oak St", 6, 0))
            .expect("more");
        let pulled = store
            .pull(
                &f.volunteer,
                &PullRequest {
                    maps: false,
                    protocol: PROTOCOL_VERSION,
                    scopes: Vec::new(),
                    limit: Some(1000),
                },
                NOW,
            )
            .expect("pull");
        let mut doors: Vec<(u32, String)> = pulled.scopes[0]
            .households
            .iter()
            .map(|h| (h.walk_order, format!("{} {}", h.number, h.street)))
            .collect();
        doors.sort();
        let order: Vec<u32> = doors.iter().map(|d| d.0).collect();
        assert_eq!(order, (1..=order.len() as u32).collect::<Vec<_>>());
        orders.push(doors.into_iter().map(|d| d.1).collect::<Vec<_>>());
    }
    assert_eq!(
        orders[0], orders[1],
        "SQLite and PostgreSQL walk the same way"
    );
}

#[test]
fn assignments_move_scope_on_every_backend() {
    each_backend(|store| {
        let f = field(store);
        let held = pull_all(store, &f.volunteer, Vec::new(), 500);
        store
            .set_assignees_at(f.other_turf, &[f.volunteer.volunteer], NOW)
            .expect("assign");
        store.set_assignees_at(f.turf, &[], NOW).expect("unassign");
        let res = store
            .pull(
                &f.volunteer,
                &PullRequest {
                    maps: false,
                    protocol: PROTOCOL_VERSION,
                    scopes: held.cursors,
                    limit: Some(500),
                },
                NOW,
            )
            .expect("pull");
        assert_eq!(res.removed, [f.turf]);
        assert_eq!(res.scopes.len(), 1);
        assert_eq!(res.scopes[0].turf.id, f.other_turf);
        assert_eq!(
            store.assignees(f.other_turf).expect("assignees"),
            [f.volunteer.volunteer]
        );
        let stranger = VolunteerId(9_999);
        assert!(matches!(
            store.set_assignees_at(f.turf, &[stranger], NOW),
            Err(StoreError::Invalid(_))
        ));
    });
}

/// Two replicas on one database; replica 1 holds a push transaction open after inserting
/// its event while replica 2 pushes to the same turf and a device pulls through replica 2.
/// Returns the events the device never received.
#[test]
fn registration_attempts_are_counted_before_checking_on_every_backend() {
    use crate::http::register_limit::{MAX_FAILURES, WINDOW_MS};
    each_backend(|store| {
        let (ip, other) = ("203.0.113.7", "2001:db8::/64");
        for i in 0..MAX_FAILURES {
            let at = NOW + u64::from(i);
            assert_eq!(store.registration_attempt(ip, at).expect("attempt"), None);
        }
        let later = NOW + 1_000;
        assert_eq!(
            store.registration_attempt(ip, later).expect("attempt"),
            Some(WINDOW_MS - 1_000)
        );
        assert_eq!(
            store.registration_attempt(other, later).expect("attempt"),
            None
        );
        // A right code gives its attempt back: one more may go ahead, and only one.
        store.registration_given_back(ip, later).expect("give back");
        assert_eq!(
            store.registration_attempt(ip, later + 1).expect("attempt"),
            None
        );
        assert_eq!(
            store.registration_attempt(ip, later + 2).expect("attempt"),
            Some(WINDOW_MS - 1_002)
        );
        // The window ends; the next attempt starts a new one from zero.
        for i in 0..MAX_FAILURES {
            let at = NOW + WINDOW_MS + u64::from(i);
            assert_eq!(store.registration_attempt(ip, at).expect("attempt"), None);
        }
        assert!(store
            .registration_attempt(ip, NOW + WINDOW_MS + 100)
            .expect("attempt")
            .is_some());

        // Many at once, from threads as a server's blocking pool runs them: no more than
        // the limit go ahead, however they interleave.
        let client = "198.51.100.0";
        let allowed = std::sync::atomic::AtomicU32::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..40 {
                        if store
                            .registration_attempt(client, NOW)
                            .expect("attempt")
                            .is_none()
                        {
                            allowed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        assert_eq!(allowed.into_inner(), MAX_FAILURES);
    });
}

#[test]
fn import_jobs_are_kept_the_same_on_every_backend() {
    use crate::import_jobs::{JobState, NewImportJob};
    each_backend(|store| {
        let f = field(store);
        let other = store
            .create_campaign("Elsewhere", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let job = NewImportJob {
            id: uuid::Uuid::new_v4(),
            campaign: f.campaign,
            file_name: "ncvoter32.txt".into(),
            format: "ncvoter".into(),
            total_bytes: 1_000,
        };
        assert!(!store.import_running(f.campaign, NOW).expect("running"));
        store.start_import_job(&job, NOW).expect("start");
        assert!(store.import_running(f.campaign, NOW).expect("running"));
        assert!(!store.import_running(other, NOW).expect("running"));
        let second = NewImportJob {
            id: uuid::Uuid::new_v4(),
            ..job.clone()
        };
        assert!(matches!(
            store.start_import_job(&second, NOW),
            Err(StoreError::Invalid(_))
        ));
        store
            .import_job_progress(job.id, 400, 7, NOW + 1)
            .expect("progress");
        let got = store
            .import_job(f.campaign, job.id, NOW + 1)
            .expect("job")
            .expect("found");
        assert_eq!(
            (got.bytes_read, got.rows_read, &got.state, got.started_ms),
            (400, 7, &JobState::Running, NOW)
        );
        assert_eq!(store.import_job(other, job.id, NOW).expect("job"), None);
        let done = JobState::Done {
            summary: crate::import::ImportSummary {
                rows: 7,
                added: 6,
                ..Default::default()
            },
            report_lines: 1,
        };
        store
            .finish_import_job(job.id, &done, Some(b"gzipped"), NOW + 2)
            .expect("finish");
        let got = store
            .import_job(f.campaign, job.id, NOW + 2)
            .expect("job")
            .expect("found");
        assert_eq!(got.state, done);
        assert_eq!(
            store.import_job_report(f.campaign, job.id).expect("report"),
            Some(b"gzipped".to_vec())
        );
        assert_eq!(
            store.import_job_report(other, job.id).expect("report"),
            None
        );
        // Progress after the end changes nothing; the next import may start.
        store
            .import_job_progress(job.id, 1, 1, NOW + 3)
            .expect("progress");
        let got = store
            .import_job(f.campaign, job.id, NOW + 3)
            .expect("job")
            .expect("found");
        assert_eq!((got.bytes_read, got.rows_read), (400, 7));
        assert!(!store.import_running(f.campaign, NOW).expect("running"));
        store
            .start_import_job(&second, NOW + 4)
            .expect("the next one");
    });
}

fn skipped_commit_scenario(naive: bool) -> BTreeSet<EventId> {
    let db = ScratchDb::for_tests();
    let r1 = Arc::new(PgStore::connect(&db.url).expect("replica 1"));
    let r2 = Arc::new(PgStore::connect(&db.url).expect("replica 2"));
    if naive {
        let mut admin = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
        admin
            .batch_execute("CREATE SEQUENCE naive_feed START 1000000 INCREMENT BY 10000")
            .expect("sequence");
        for r in [&r1, &r2] {
            r.naive_feed
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let f = field(r1.as_ref());
    let walker2 = join(r1.as_ref(), f.campaign, Role::Volunteer, "Walker two");
    let reader = join(r1.as_ref(), f.campaign, Role::Volunteer, "Reader");
    r1.set_assignees_at(
        f.turf,
        &[f.volunteer.volunteer, walker2.volunteer, reader.volunteer],
        NOW,
    )
    .expect("assign");
    let start = pull_all(r2.as_ref(), &reader, Vec::new(), 500);
    let home = start.households[0];

    let (entered_tx, entered) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    *r1.before_commit.lock().expect("hook") = Some(Box::new(move || {
        let _ = entered_tx.send(());
        let _ = released.recv_timeout(Duration::from_secs(20));
    }));
    let slow_event = knock(home, NOW - 2000);
    let fast_event = knock(home, NOW - 1000);
    let slow = {
        let (r1, who, e) = (r1.clone(), f.volunteer, slow_event.clone());
        std::thread::spawn(move || push(r1.as_ref(), &who, &[e]))
    };
    entered
        .recv_timeout(Duration::from_secs(20))
        .expect("the slow push reached its commit");
    let fast = {
        let (r2, who, e) = (r2.clone(), walker2, fast_event.clone());
        std::thread::spawn(move || push(r2.as_ref(), &who, &[e]))
    };
    // Wait until the fast push has committed (naive) or waits on the feed lock (locked).
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
        if waiting > 0 || fast.is_finished() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    // A pull while the slow transaction is still open.
    let during = pull_all(r2.as_ref(), &reader, start.cursors.clone(), 500);
    release.send(()).expect("release");
    assert_eq!(slow.join().expect("slow push"), [PushOutcome::Accepted]);
    assert_eq!(fast.join().expect("fast push"), [PushOutcome::Accepted]);
    let after = pull_all(r2.as_ref(), &reader, during.cursors.clone(), 500);
    let received: BTreeSet<EventId> = during.events.iter().chain(&after.events).copied().collect();
    [slow_event.id, fast_event.id]
        .into_iter()
        .filter(|id| !received.contains(id))
        .collect()
}

#[test]
fn a_pull_never_passes_a_row_that_commits_later_across_replicas() {
    let missing = skipped_commit_scenario(false);
    assert!(missing.is_empty(), "events skipped by a pull: {missing:?}");
}

#[test]
fn the_replica_test_catches_a_naive_sequence() {
    // The same scenario with feed numbers from a plain sequence and no lock: the pull taken
    // while the slow push was open moves its cursor past the slow event, which then commits
    // behind it and is never received. If this ever passes with nothing missing, the
    // scenario above has stopped testing anything.
    let missing = skipped_commit_scenario(true);
    assert_eq!(missing.len(), 1, "the slow push's event is skipped");
}

/// One HTTP request through a replica's router (no socket).
async fn call(
    app: &axum::Router,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> (axum::http::StatusCode, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = axum::http::Request::post(path).header("content-type", "application/json");
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let req = req
        .body(axum::body::Body::from(body.to_string()))
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

#[tokio::test]
async fn any_request_may_go_to_any_replica() {
    use axum::http::StatusCode;
    let db = ScratchDb::for_tests();
    let one: Arc<dyn Store> = Arc::new(PgStore::connect(&db.url).expect("replica 1"));
    let two: Arc<dyn Store> = Arc::new(PgStore::connect(&db.url).expect("replica 2"));
    let f = field(one.as_ref());
    let code = one
        .create_invite(
            f.campaign,
            Role::Volunteer,
            1,
            crate::clock::system_ms() + 86_400_000,
        )
        .expect("invite");
    let app_one = crate::app(crate::AppState::new(one.clone()));
    let app_two = crate::app(crate::AppState::new(two.clone()));

    // Join on replica one.
    let (status, reg) = call(
        &app_one,
        groundgame_core::protocol::REGISTER_PATH,
        None,
        serde_json::json!({"protocol": PROTOCOL_VERSION, "invite_code": code,
                           "volunteer_name": "Rita", "device_name": "phone", "app_version": "1"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reg}");
    let token = reg["token"].as_str().expect("token").to_string();
    let volunteer = VolunteerId(reg["volunteer"].as_i64().expect("volunteer"));
    one.set_assignees_at(f.turf, &[volunteer], NOW)
        .expect("assign");

    // Pull on replica two with the token replica one issued.
    let pull = serde_json::json!({"protocol": PROTOCOL_VERSION, "scopes": [], "limit": 500});
    let (status, first) = call(
        &app_two,
        groundgame_core::protocol::PULL_PATH,
        Some(&token),
        pull,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let page = &first["scopes"][0];
    let home = page["households"][0]["id"].as_i64().expect("a household");
    let cursor = page["cursor"].as_u64().expect("cursor");

    // Push on replica two, read it back through replica one.
    let e = knock(HouseholdId(home), crate::clock::system_ms() - 1000);
    let push = serde_json::json!({"protocol": PROTOCOL_VERSION, "events": [e], "pending": 0});
    let (status, pushed) = call(
        &app_two,
        groundgame_core::protocol::PUSH_PATH,
        Some(&token),
        push.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{pushed}");
    assert_eq!(pushed["results"][0], "accepted", "{pushed}");
    let (_, again) = call(
        &app_one,
        groundgame_core::protocol::PUSH_PATH,
        Some(&token),
        push,
    )
    .await;
    assert_eq!(again["results"][0], "duplicate", "{again}");
    let resume = serde_json::json!({"protocol": PROTOCOL_VERSION, "limit": 500,
                                    "scopes": [{"turf": f.turf.0, "cursor": cursor}]});
    let (_, next) = call(
        &app_one,
        groundgame_core::protocol::PULL_PATH,
        Some(&token),
        resume,
    )
    .await;
    let events = next["scopes"][0]["events"].as_array().expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["id"], serde_json::json!(e.id));

    // The lead's figures agree whichever replica answers.
    assert_eq!(
        one.progress(f.campaign, None).expect("figures from one"),
        two.progress(f.campaign, None).expect("figures from two")
    );

    // A device revoked through one replica is refused by the other at once.
    let device = groundgame_core::DeviceId(reg["device"].as_i64().expect("device"));
    one.revoke_device(device).expect("revoke");
    let pull = serde_json::json!({"protocol": PROTOCOL_VERSION, "scopes": [], "limit": 10});
    let (status, refused) = call(
        &app_two,
        groundgame_core::protocol::PULL_PATH,
        Some(&token),
        pull,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused["error"]["code"], codes::DEVICE_REVOKED);
}
