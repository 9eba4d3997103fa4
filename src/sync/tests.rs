//! Engine tests against an in-memory fake server behind a fake [`Transport`] that can drop
//! requests, lose responses after committing, and answer with canned failures.

use std::collections::{HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use groundgame_core::event::Channel;
use groundgame_core::network::{
    NetworkPullRequest, NetworkPullResponse, NetworkPushRequest, NetworkPushResponse,
    NETWORK_PULL_PATH, NETWORK_PUSH_PATH,
};
use groundgame_core::protocol::{
    codes, ErrorBody, ErrorInfo, PullRequest, PullResponse, PushOutcome, PushRequest, PushResponse,
    RegisterRequest, RegisterResponse, ScopePage, PULL_PATH, PUSH_PATH, REGISTER_PATH,
};
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, Event, EventBody, Hlc, Household, HouseholdId, Role,
    Turf, TurfId, VolunteerId,
};

use super::transport::gunzip;
use super::*;
use crate::clock::fixed_clock;
use crate::store::Store;

const T0: u64 = 1_800_000_000_000;
const TOKEN: &str = "device-token";

/// What the next request suffers.
#[derive(Debug, Clone)]
enum Fault {
    /// Never reaches the server.
    DropRequest,
    /// The server commits, then the answer is lost.
    LoseResponse,
    /// The server answers this status and code without doing anything.
    Status(u16, &'static str),
    /// `429` with this `Retry-After`.
    Busy(Duration),
    /// Answered as usual (to place faults on later requests).
    Pass,
}

struct ServerState {
    campaign: CampaignConfig,
    turf: Turf,
    households: Vec<Household>,
    /// Every event stored, in server sequence order (cursor = index + 1).
    events: Vec<Event>,
    ids: HashSet<groundgame_core::EventId>,
    faults: VecDeque<Fault>,
    /// Events at this household are rejected as out of scope.
    foreign: Option<HouseholdId>,
    /// A push containing an event at this household is refused as a whole (422).
    poison: Option<HouseholdId>,
    revoked: bool,
    token_valid: bool,
    /// The turf left the device's scope.
    unassigned: bool,
    page_limit: usize,
    /// Runs when the next pull arrives (before it is answered).
    on_pull: Option<Box<dyn FnOnce() + Send>>,
    push_sizes: Vec<usize>,
    pulls: usize,
}

#[derive(Clone)]
struct FakeServer(Arc<Mutex<ServerState>>);

impl FakeServer {
    fn new() -> Self {
        let turf = Turf {
            id: TurfId(1),
            campaign: CampaignId(1),
            name: "Downtown".into(),
        };
        let households = (1..=3)
            .map(|i| Household {
                id: HouseholdId(i),
                turf: TurfId(1),
                street: "Main St".into(),
                number: i.to_string(),
                unit: String::new(),
                city: "Durham".into(),
                zip: "27701".into(),
                lat: None,
                lon: None,
                walk_order: i as u32,
            })
            .collect();
        FakeServer(Arc::new(Mutex::new(ServerState {
            campaign: CampaignConfig::with_defaults(CampaignId(1), "Test"),
            turf,
            households,
            events: Vec::new(),
            ids: HashSet::new(),
            faults: VecDeque::new(),
            foreign: None,
            poison: None,
            revoked: false,
            token_valid: true,
            unassigned: false,
            page_limit: 1000,
            on_pull: None,
            push_sizes: Vec::new(),
            pulls: 0,
        })))
    }

    fn with<R>(&self, f: impl FnOnce(&mut ServerState) -> R) -> R {
        f(&mut self.0.lock().expect("server lock"))
    }

    fn requests(&self) -> usize {
        self.with(|s| s.push_sizes.len() + s.pulls)
    }

    fn handle(
        &self,
        path: &str,
        token: Option<&str>,
        body: &[u8],
    ) -> Result<RawResponse, TransportError> {
        let body = gunzip(body, 1 << 26).expect("requests are gzip-compressed");
        // My network has its own exchange, outside the scripted faults (tested on its own
        // in `store::network` and the integration suite): accept every record, and pull
        // nothing new.
        if path == NETWORK_PUSH_PATH || path == NETWORK_PULL_PATH {
            return Ok(self.network(path, token, &body));
        }
        if path == PULL_PATH {
            let hook = self.with(|s| s.on_pull.take());
            if let Some(hook) = hook {
                hook();
            }
        }
        let mut s = self.0.lock().expect("server lock");
        let fault = s.faults.pop_front();
        match fault {
            Some(Fault::DropRequest) => return Err(TransportError("connection reset".into())),
            Some(Fault::Status(status, code)) => return Ok(error(status, code)),
            Some(Fault::Busy(wait)) => {
                let mut busy = error(429, codes::TOO_MANY_ATTEMPTS);
                busy.retry_after = Some(wait);
                return Ok(busy);
            }
            _ => {}
        }
        let answer = if path == REGISTER_PATH {
            let req: RegisterRequest = serde_json::from_slice(&body).expect("register body");
            assert_eq!(req.invite_code, "INVITE");
            json(&RegisterResponse {
                device: DeviceId(5),
                volunteer: VolunteerId(9),
                campaign: CampaignId(1),
                role: Role::Volunteer,
                token: TOKEN.into(),
                server_time: Hlc::new(T0, 0),
            })
        } else if s.revoked {
            error(401, codes::DEVICE_REVOKED)
        } else if !s.token_valid || token != Some(TOKEN) {
            error(401, codes::UNAUTHORIZED)
        } else if path == PUSH_PATH {
            let req: PushRequest = serde_json::from_slice(&body).expect("push body");
            if req.events.iter().any(|e| Some(e.household) == s.poison) {
                return Ok(error(422, codes::INVALID_VALUE));
            }
            s.push_sizes.push(req.events.len());
            let mut results = Vec::new();
            for e in req.events {
                results.push(if s.ids.contains(&e.id) {
                    PushOutcome::Duplicate
                } else if Some(e.household) == s.foreign {
                    PushOutcome::Rejected {
                        code: codes::OUT_OF_SCOPE.into(),
                        message: "this door is not in your turf".into(),
                    }
                } else {
                    s.ids.insert(e.id);
                    s.events.push(e);
                    PushOutcome::Accepted
                });
            }
            json(&PushResponse {
                results,
                server_time: Hlc::new(T0 + 1_000, 0),
            })
        } else if path == PULL_PATH {
            s.pulls += 1;
            let req: PullRequest = serde_json::from_slice(&body).expect("pull body");
            pull(&s, &req)
        } else {
            error(404, codes::NOT_FOUND)
        };
        if matches!(fault, Some(Fault::LoseResponse)) {
            return Err(TransportError("response lost".into()));
        }
        Ok(answer)
    }
}

impl FakeServer {
    fn network(&self, path: &str, token: Option<&str>, body: &[u8]) -> RawResponse {
        let s = self.0.lock().expect("server lock");
        if s.revoked {
            return error(401, codes::DEVICE_REVOKED);
        }
        if !s.token_valid || token != Some(TOKEN) {
            return error(401, codes::UNAUTHORIZED);
        }
        if path == NETWORK_PUSH_PATH {
            let req: NetworkPushRequest = serde_json::from_slice(body).expect("network push");
            json(&NetworkPushResponse {
                results: vec![PushOutcome::Accepted; req.records.len()],
                server_time: Hlc::new(T0 + 1_000, 0),
            })
        } else {
            let req: NetworkPullRequest = serde_json::from_slice(body).expect("network pull");
            json(&NetworkPullResponse {
                records: Vec::new(),
                cursor: req.cursor,
                has_more: false,
                server_time: Hlc::new(T0 + 2_000, 0),
            })
        }
    }
}

fn pull(s: &ServerState, req: &PullRequest) -> RawResponse {
    let cursor = req
        .scopes
        .iter()
        .find(|c| c.turf == s.turf.id)
        .map(|c| c.cursor);
    let mut response = PullResponse {
        server_time: Hlc::new(T0 + 2_000, 0),
        campaign: s.campaign.clone(),
        scopes: vec![],
        removed: vec![],
        has_more: false,
    };
    if s.unassigned {
        response.removed = cursor.map(|_| s.turf.id).into_iter().collect();
        return json(&response);
    }
    let from = cursor.unwrap_or(0) as usize;
    let to = (from + s.page_limit).min(s.events.len());
    response.has_more = to < s.events.len();
    response.scopes.push(ScopePage {
        turf: s.turf.clone(),
        cursor: to as u64,
        complete: !response.has_more,
        household_total: s.households.len() as u32,
        households: if cursor.is_none() {
            s.households.clone()
        } else {
            vec![]
        },
        people: vec![],
        events: s.events[from..to].to_vec(),
        removed_households: vec![],
        removed_people: vec![],
        removed_events: Vec::new(),
        map: None,
    });
    json(&response)
}

fn json<T: serde::Serialize>(value: &T) -> RawResponse {
    RawResponse::new(200, serde_json::to_vec(value).expect("json"))
}

fn error(status: u16, code: &str) -> RawResponse {
    RawResponse::new(
        status,
        serde_json::to_vec(&ErrorBody {
            error: ErrorInfo {
                code: code.into(),
                message: format!("fake {code}"),
            },
        })
        .expect("json"),
    )
}

impl Transport for FakeServer {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.handle(path, token, &body)
    }
    async fn get(&self, path: &str, token: Option<&str>) -> Result<RawResponse, TransportError> {
        self.handle(path, token, &transport::gzip(b""))
    }
    async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.handle(path, token, &body)
    }
}

fn fast() -> BackoffPolicy {
    BackoffPolicy {
        min: Duration::from_millis(1),
        max: Duration::from_millis(20),
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        retries: 3,
        delay: fast(),
        longest_wait: Duration::from_millis(500),
    }
}

/// A device that joined and downloaded the turf.
async fn joined(dir: &Path, server: &FakeServer) -> Engine<FakeServer> {
    let store =
        Arc::new(Store::open(&dir.join("device.sqlite3"), fixed_clock(T0)).expect("open store"));
    let engine = Engine::new(store, server.clone())
        .with_backoff(fast())
        .with_retries(fast_retries());
    assert_eq!(engine.status().state, SyncState::NotJoined);
    engine
        .register("http://fake", "INVITE", "Ana", "Ana's phone")
        .await
        .expect("register");
    engine.sync_once().await.expect("first sync");
    engine
}

fn knock(engine: &Engine<FakeServer>, household: i64) -> Event {
    let event = engine
        .store()
        .record(
            HouseholdId(household),
            None,
            EventBody::Contact {
                channel: Channel::Door,
                result: "not_home".into(),
                call_back_at: None,
            },
        )
        .expect("record");
    engine.nudge();
    event
}

#[tokio::test]
async fn joins_and_downloads_the_turf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    let store = engine.store();
    let identity = store.identity().expect("identity").expect("joined");
    assert_eq!(identity.device, DeviceId(5));
    assert_eq!(store.token().expect("token").as_deref(), Some(TOKEN));
    assert_eq!(store.voter_data_counts().expect("counts"), (3, 0, 0));
    let status = engine.status();
    assert_eq!(status.state, SyncState::Idle);
    assert_eq!(status.last_success_ms, Some(T0));
    assert!(store.last_hlc() >= Hlc::new(T0 + 2_000, 0));
}

#[tokio::test]
async fn a_lost_response_is_pushed_again_and_answered_duplicate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    // No retry inside the sync, to see the answer lost across two syncs.
    let engine = joined(dir.path(), &server)
        .await
        .with_retries(RetryPolicy::NONE);
    let recorded: Vec<Event> = (0..5).map(|i| knock(&engine, 1 + i % 3)).collect();
    assert_eq!(engine.status().pending, 5);

    server.with(|s| s.faults.push_back(Fault::LoseResponse));
    let err = engine.sync_once().await.expect_err("response lost");
    assert!(err.is_transient(), "{err}");
    assert_eq!(engine.status().state, SyncState::Offline);
    assert!(engine.status().last_error.is_some());
    assert_eq!(engine.store().pending_count().expect("pending"), 5);
    assert_eq!(server.with(|s| s.events.len()), 5, "the server committed");

    let report = engine.sync_once().await.expect("retry");
    assert_eq!(
        (report.pushed, report.duplicates, report.accepted),
        (5, 5, 0)
    );
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
    assert_eq!(
        server.with(|s| s.events.len()),
        5,
        "no duplicates on the server"
    );
    let held: HashSet<_> = engine
        .store()
        .all_events()
        .expect("events")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(held, recorded.iter().map(|e| e.id).collect());
    assert_eq!(engine.store().all_events().expect("events").len(), 5);
    assert_eq!(engine.status().state, SyncState::Idle);
    assert_eq!(engine.status().last_error, None);
}

#[tokio::test]
async fn a_dropped_request_changes_nothing_and_is_retried() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    knock(&engine, 1);
    server.with(|s| {
        s.faults.push_back(Fault::DropRequest);
        s.faults.push_back(Fault::Status(503, codes::INTERNAL));
    });
    let report = engine.sync_until_drained(5).await.expect("drained");
    assert_eq!(report.accepted, 1);
    assert_eq!(server.with(|s| s.events.len()), 1);
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
}

#[tokio::test]
async fn a_rejected_event_is_a_dead_letter_and_blocks_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    server.with(|s| s.foreign = Some(HouseholdId(2)));
    let good1 = knock(&engine, 1);
    let bad = knock(&engine, 2);
    let good2 = knock(&engine, 3);
    let report = engine.sync_once().await.expect("sync");
    assert_eq!((report.accepted, report.rejected), (2, 1));
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
    let rejected = engine.store().rejected().expect("rejected");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].event.id, bad.id);
    assert_eq!(rejected[0].code, codes::OUT_OF_SCOPE);
    assert_eq!(engine.status().rejected, 1);
    let on_server: Vec<_> = server.with(|s| s.events.iter().map(|e| e.id).collect());
    assert_eq!(on_server, vec![good1.id, good2.id]);
    // Never retried.
    engine.sync_once().await.expect("sync again");
    assert_eq!(server.with(|s| s.push_sizes.iter().sum::<usize>()), 3);
}

#[tokio::test]
async fn a_batch_refused_as_a_whole_is_split_until_the_bad_event_stands_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    server.with(|s| s.poison = Some(HouseholdId(3)));
    for i in 0..9 {
        knock(&engine, 1 + i % 2);
    }
    let poison = knock(&engine, 3);
    for _ in 0..5 {
        knock(&engine, 1);
    }
    let report = engine.sync_once().await.expect("sync");
    assert_eq!((report.accepted, report.rejected), (14, 1));
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
    let rejected = engine.store().rejected().expect("rejected");
    assert_eq!(rejected[0].event.id, poison.id);
    assert_eq!(rejected[0].code, codes::INVALID_VALUE);
    assert_eq!(server.with(|s| s.events.len()), 14);
}

#[tokio::test]
async fn revocation_wipes_the_device() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    knock(&engine, 1);
    server.with(|s| s.revoked = true);
    let err = engine.sync_once().await.expect_err("revoked");
    assert!(matches!(err, SyncError::Revoked), "{err}");
    let store = engine.store();
    assert_eq!(store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert_eq!(store.pending_count().expect("pending"), 0);
    assert!(store.turfs().expect("turfs").is_empty());
    assert_eq!(store.token().expect("token"), None);
    let status = engine.status();
    assert_eq!(status.state, SyncState::Revoked);
    assert_eq!(status.pending, 0);
    // No further requests: there is no token to send.
    let before = server.requests();
    assert!(matches!(engine.sync_once().await, Err(SyncError::Revoked)));
    assert_eq!(server.requests(), before);
}

#[tokio::test]
async fn another_401_signs_out_but_keeps_the_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    knock(&engine, 1);
    server.with(|s| s.token_valid = false);
    let err = engine.sync_once().await.expect_err("unauthorized");
    assert!(!err.is_transient() && err.needs_the_volunteer(), "{err}");
    assert_eq!(engine.status().state, SyncState::SignedOut);
    assert_eq!(engine.store().pending_count().expect("pending"), 1);
    assert_eq!(engine.store().voter_data_counts().expect("counts").0, 3);
    // If the server takes the token again, the device resumes.
    server.with(|s| s.token_valid = true);
    engine.sync_once().await.expect("resumed");
    assert_eq!(engine.status().state, SyncState::Idle);
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
}

#[tokio::test]
async fn a_refused_request_is_reported_not_retried_in_a_loop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    knock(&engine, 1);
    server.with(|s| s.faults.push_back(Fault::Status(400, codes::INVALID_BODY)));
    let before = server.requests();
    let err = engine.sync_until_drained(10).await.expect_err("refused");
    assert!(
        matches!(err, SyncError::Server { status: 400, .. }),
        "{err}"
    );
    assert_eq!(server.requests(), before, "returned at once, no hot loop");
    let status = engine.status();
    assert_eq!(status.state, SyncState::Idle);
    assert!(status
        .last_error
        .expect("reported")
        .contains("invalid_body"));
    assert_eq!(status.pending, 1);
}

#[tokio::test]
async fn pushes_in_batches_and_pulls_every_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    let items: Vec<_> = (0..2_500)
        .map(|_| {
            (
                None,
                EventBody::Contact {
                    channel: Channel::Door,
                    result: "not_home".into(),
                    call_back_at: None,
                },
            )
        })
        .collect();
    engine
        .store()
        .record_visit(HouseholdId(1), items)
        .expect("record");
    server.with(|s| s.page_limit = 700);
    let report = engine.sync_once().await.expect("sync");
    assert_eq!(report.accepted, 2_500);
    let sizes = server.with(|s| s.push_sizes.clone());
    assert_eq!(sizes, vec![1_000, 1_000, 500]);
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
    // Our own events came back in 4 pages of at most 700.
    assert_eq!(report.pulled_rows, 2_500);
    assert_eq!(engine.store().turfs().expect("turfs")[0].cursor, 2_500);
    assert_eq!(engine.stats().events_pushed, 2_500);
    assert!(engine.stats().bytes_sent > 0);
}

#[tokio::test]
async fn an_unassigned_turf_leaves_but_its_pending_events_are_still_pushed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    // The volunteer records at a door while a sync is between its push and its pull, and
    // that pull takes the turf away.
    let store = engine.store().clone();
    let recorded = Arc::new(Mutex::new(None));
    server.with(|s| {
        s.unassigned = true;
        let recorded = recorded.clone();
        s.on_pull = Some(Box::new(move || {
            let event = store
                .record(
                    HouseholdId(2),
                    None,
                    EventBody::Contact {
                        channel: Channel::Door,
                        result: "not_home".into(),
                        call_back_at: None,
                    },
                )
                .expect("record");
            *recorded.lock().expect("lock") = Some(event.id);
        }));
    });
    let report = engine.sync_once().await.expect("sync");
    assert_eq!(report.removed_turfs, 1);
    let pending = recorded
        .lock()
        .expect("lock")
        .expect("recorded during the pull");
    assert!(engine.store().turfs().expect("turfs").is_empty());
    assert_eq!(
        engine.store().voter_data_counts().expect("counts"),
        (0, 0, 0)
    );
    assert_eq!(engine.store().pending_count().expect("pending"), 1, "kept");

    engine.sync_once().await.expect("sync");
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
    assert!(server.with(|s| s.ids.contains(&pending)));
}

#[tokio::test]
async fn the_background_loop_retries_after_a_failure_without_new_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = Arc::new(
        joined(dir.path(), &server)
            .await
            .with_interval(Duration::from_secs(3600))
            // One failure ends a sync, to see the loop itself try again.
            .with_retries(RetryPolicy::NONE),
    );
    knock(&engine, 1);
    server.with(|s| {
        for _ in 0..3 {
            s.faults.push_back(Fault::DropRequest);
        }
    });
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let mut status = engine.subscribe();
    let runner = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run(shutdown).await }
    });
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let s = status.borrow_and_update().clone();
            if s.pending == 0 && s.state == SyncState::Idle {
                break;
            }
            status.changed().await.expect("engine alive");
        }
    })
    .await
    .expect("the loop retried by itself and drained the outbox");
    assert_eq!(server.with(|s| s.events.len()), 1);
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(5), runner)
        .await
        .expect("stops on shutdown")
        .expect("no panic");
}

#[tokio::test]
async fn sync_now_cuts_a_long_back_off_short() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = Arc::new(
        joined(dir.path(), &server)
            .await
            .with_interval(Duration::from_secs(3600))
            .with_backoff(BackoffPolicy {
                min: Duration::from_secs(600),
                max: Duration::from_secs(600),
            })
            .with_retries(RetryPolicy::NONE),
    );
    knock(&engine, 1);
    server.with(|s| s.faults.push_back(Fault::DropRequest));
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run(shutdown).await }
    });
    // The first attempt fails and the loop settles into a ten-minute wait.
    tokio::time::timeout(Duration::from_secs(10), async {
        while engine.status().last_error.is_none() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the first attempt failed");
    // A write does not cut the back-off short ...
    knock(&engine, 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        engine.status().pending,
        2,
        "still backing off after a write"
    );
    // ... the volunteer asking does.
    engine.sync_now();
    tokio::time::timeout(Duration::from_secs(10), async {
        while engine.status().pending > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("Sync now synced at once");
    assert_eq!(server.with(|s| s.events.len()), 2);
    stop.send(true).expect("stop");
    tokio::time::timeout(Duration::from_secs(5), runner)
        .await
        .expect("stops on shutdown")
        .expect("no panic");
}

/// Events the server already holds for the turf, as if teammates had recorded them.
fn teammates_knocked(server: &FakeServer, n: usize) {
    server.with(|s| {
        for i in 0..n {
            let event = Event {
                id: groundgame_core::EventId::new_v7(),
                at: Hlc::new(T0 + i as u64, 0),
                household: HouseholdId(1 + (i as i64) % 3),
                person: None,
                body: EventBody::Contact {
                    channel: Channel::Door,
                    result: "not_home".into(),
                    call_back_at: None,
                },
            };
            s.ids.insert(event.id);
            s.events.push(event);
        }
    });
}

#[tokio::test]
async fn a_dropped_request_is_tried_again_inside_the_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    let recorded: Vec<Event> = (0..4).map(|i| knock(&engine, 1 + i % 3)).collect();
    let retries_before = engine.stats().retries;
    server.with(|s| {
        s.faults.push_back(Fault::DropRequest);
        s.faults.push_back(Fault::LoseResponse);
        s.faults.push_back(Fault::Status(503, codes::INTERNAL));
    });
    let report = engine
        .sync_once()
        .await
        .expect("the retries carried it through");
    assert_eq!(report.pushed, 4);
    assert_eq!(engine.stats().retries - retries_before, 3);
    assert_eq!(engine.store().pending_count().expect("pending"), 0);
    let on_server: Vec<_> = server.with(|s| s.events.iter().map(|e| e.id).collect());
    assert_eq!(
        on_server,
        recorded.iter().map(|e| e.id).collect::<Vec<_>>(),
        "once each"
    );
    assert_eq!(engine.status().state, SyncState::Idle);
}

#[tokio::test]
async fn a_failed_pull_page_keeps_what_came_before_and_the_next_sync_resumes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    teammates_knocked(&server, 10);
    server.with(|s| s.page_limit = 3);
    knock(&engine, 2);
    // The push and the first page go through; the second page fails every retry.
    server.with(|s| {
        s.faults.push_back(Fault::Pass);
        s.faults.push_back(Fault::Pass);
        for _ in 0..4 {
            s.faults.push_back(Fault::DropRequest);
        }
    });
    let err = engine
        .sync_once()
        .await
        .expect_err("the second page never came");
    assert!(err.is_transient(), "{err}");
    assert_eq!(
        engine.store().pending_count().expect("pending"),
        0,
        "the push is kept"
    );
    assert_eq!(
        engine.store().turfs().expect("turfs")[0].cursor,
        3,
        "the first page is kept"
    );
    assert_eq!(engine.status().state, SyncState::Offline);

    let pulls_before = server.with(|s| s.pulls);
    engine.sync_once().await.expect("resumed");
    assert_eq!(engine.store().turfs().expect("turfs")[0].cursor, 11);
    assert_eq!(engine.store().all_events().expect("events").len(), 11);
    // Pages 2, 3 and 4 of 3 events (11 in all): nothing pulled twice.
    assert_eq!(server.with(|s| s.pulls) - pulls_before, 3);
}

#[tokio::test]
async fn syncs_that_make_progress_do_not_use_up_the_attempts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    teammates_knocked(&server, 12);
    server.with(|s| {
        s.page_limit = 2;
        // Six syncs in a row each get one page, then lose every retry of the next (and go
        // on to the call-list step, which this server does not have).
        for _ in 0..6 {
            s.faults.push_back(Fault::Pass);
            for _ in 0..4 {
                s.faults.push_back(Fault::DropRequest);
            }
            s.faults.push_back(Fault::Pass);
        }
    });
    let report = engine
        .sync_until_drained(2)
        .await
        .expect("six failed syncs that each moved a page do not count against two attempts");
    assert_eq!(report.pulled_pages, 7);
    assert_eq!(engine.store().all_events().expect("events").len(), 12);
    assert_eq!(engine.status().state, SyncState::Idle);

    // Syncs that move nothing do count.
    knock(&engine, 1);
    server.with(|s| {
        for _ in 0..8 {
            s.faults.push_back(Fault::DropRequest);
        }
    });
    let err = engine
        .sync_until_drained(2)
        .await
        .expect_err("two fruitless syncs");
    assert!(err.is_transient(), "{err}");
    assert_eq!(engine.store().pending_count().expect("pending"), 1);
}

#[tokio::test]
async fn a_short_retry_after_is_waited_out_and_a_long_one_left_to_the_back_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = FakeServer::new();
    let engine = joined(dir.path(), &server).await;
    knock(&engine, 1);
    server.with(|s| s.faults.push_back(Fault::Busy(Duration::from_millis(150))));
    let started = std::time::Instant::now();
    engine
        .sync_once()
        .await
        .expect("retried after the wait asked for");
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "waited as asked"
    );
    assert_eq!(engine.store().pending_count().expect("pending"), 0);

    knock(&engine, 2);
    let asked = Duration::from_secs(90);
    server.with(|s| s.faults.push_back(Fault::Busy(asked)));
    let err = engine
        .sync_once()
        .await
        .expect_err("longer than a sync waits");
    assert_eq!(err.retry_after(), Some(asked));
    assert!(
        engine.wait_after(1, &err) >= asked,
        "the next sync waits at least that long"
    );
    assert_eq!(engine.store().pending_count().expect("pending"), 1);
}
