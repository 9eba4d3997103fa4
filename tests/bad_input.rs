//! The bad-input matrix, against the real server process over HTTP. Every kind of bad
//! request gets a clear JSON error (or a per-event rejection) and changes nothing it
//! should not; nothing internal leaks into answers, and no token or voter data into logs.

use std::io::Write;

use groundgame_core::protocol::{codes, PushResponse, RegisterResponse, PROTOCOL_VERSION};
use groundgame_core::{EventId, Hlc, HouseholdId};
use serde_json::{json, Value};

use crate::support::fixture::{now_ms, small_campaign, Fixture};
use crate::support::process::{log_path, ServerProcess, TestDatabase};
use crate::support::temp_dir;
use groundgame_server::store::digest::Digest;
use groundgame_server::store::Location;

struct Api {
    url: String,
    http: reqwest::Client,
}

struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
}

impl Api {
    async fn post_raw(&self, path: &str, token: Option<&str>, body: Vec<u8>, gzip: bool) -> Answer {
        let mut req = self
            .http
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(body);
        if gzip {
            req = req.header("content-encoding", "gzip");
        }
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = match req.try_clone().expect("a plain body").send().await {
            Ok(resp) => resp,
            // A server may answer an oversized body early and close the connection while
            // the client is still writing it; the client then sees a reset instead of the
            // answer. Send it once more so the answer can be read.
            Err(e) if e.is_request() || e.is_connect() => {
                req.send().await.expect("the server answers")
            }
            Err(e) => panic!("the server answers: {e}"),
        };
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("every answer is JSON, got {status}: {text:?}"));
        Answer { status, body }
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        self.post_raw(path, token, body.to_string().into_bytes(), false)
            .await
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

fn knock(household: HouseholdId, at: Hlc) -> Value {
    json!({
        "id": EventId::new_v7(),
        "at": at,
        "household": household,
        "body": {"kind": "contact", "channel": "door", "result": "not_home"}
    })
}

fn now_hlc() -> Hlc {
    Hlc::new(now_ms(), 0)
}

async fn register(api: &Api, invite: &str, name: &str) -> RegisterResponse {
    let a = api
        .post(
            "/api/v1/register",
            None,
            &json!({
                "protocol": PROTOCOL_VERSION,
                "invite_code": invite,
                "volunteer_name": name,
                "device_name": format!("{name}'s phone"),
                "app_version": "test"
            }),
        )
        .await;
    assert_eq!(a.status, 200, "register: {}", a.body);
    serde_json::from_value(a.body).expect("register response")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_bad_input_gets_a_clear_error_and_writes_nothing() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx: Fixture = small_campaign(store.as_ref(), 2, 3, 1);
    let mut server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let api = Api {
        url: server.url.clone(),
        http: reqwest::Client::new(),
    };
    let count = || store.event_count(fx.campaign).expect("count");
    // "Writes nothing" means the whole database is as it was: every row of every table.
    let unchanged = |before: &Digest, what: &str, may_change: &[&str]| {
        let mut changed = Location::changed(before, &db.digest());
        changed.retain(|t| !may_change.contains(&t.as_str()));
        assert!(changed.is_empty(), "{what} changed {changed:?}");
    };

    // Invites: a wrong code is refused and counted against the address (the guessing
    // limit), and nothing else is written.
    let before = db.digest();
    let bad_invite = api
        .post(
            "/api/v1/register",
            None,
            &json!({"protocol": 1, "invite_code": "NOPE-NOPE", "volunteer_name": "X",
                    "device_name": "X", "app_version": "t"}),
        )
        .await;
    assert_eq!(
        (bad_invite.status, bad_invite.code()),
        (403, codes::INVITE_INVALID)
    );
    unchanged(&before, "a wrong invite code", &["registration_refusals"]);
    // A good code with a name the server refuses: no invite use spent, no volunteer or
    // device made, nothing counted.
    for (what, name, protocol, status, code) in [
        (
            "an empty name",
            "  ",
            PROTOCOL_VERSION,
            422,
            codes::INVALID_VALUE,
        ),
        (
            "a name with control characters",
            "Ana\u{7}",
            PROTOCOL_VERSION,
            422,
            codes::INVALID_VALUE,
        ),
        (
            "a name with a right-to-left override",
            "Ana\u{202E}ppa",
            PROTOCOL_VERSION,
            422,
            codes::INVALID_VALUE,
        ),
        (
            "a name with a zero-width space",
            "A\u{200B}na",
            PROTOCOL_VERSION,
            422,
            codes::INVALID_VALUE,
        ),
        (
            "an unsupported protocol",
            "Ana",
            99,
            400,
            codes::UNSUPPORTED_PROTOCOL,
        ),
    ] {
        let before = db.digest();
        let a = api
            .post(
                "/api/v1/register",
                None,
                &json!({"protocol": protocol, "invite_code": fx.volunteer_invite,
                        "volunteer_name": name, "device_name": "X", "app_version": "t"}),
            )
            .await;
        assert_eq!((a.status, a.code()), (status, code), "{what}: {}", a.body);
        unchanged(&before, &format!("a registration with {what}"), &[]);
    }

    let me = register(&api, &fx.volunteer_invite, "Ana").await;
    let token = me.token.clone();
    let (turf, households) = fx.turfs[0].clone();
    let (_, other_households) = fx.turfs[1].clone();
    store.set_assignees(turf, &[me.volunteer]).expect("assign");
    let push = |events: Vec<Value>| json!({"protocol": PROTOCOL_VERSION, "events": events});

    let cases: Vec<(&str, Vec<u8>, bool, u16, &str)> = vec![
        (
            "malformed JSON",
            br#"{"protocol":1,"events":["#.to_vec(),
            false,
            400,
            codes::INVALID_BODY,
        ),
        (
            "wrong type",
            br#"{"protocol":"one","events":[]}"#.to_vec(),
            false,
            400,
            codes::INVALID_BODY,
        ),
        (
            "unknown field",
            br#"{"protocol":1,"events":[],"colour":"red"}"#.to_vec(),
            false,
            400,
            codes::INVALID_BODY,
        ),
        (
            "unknown field inside an event",
            push(vec![{
                let mut e = knock(households[0], now_hlc());
                e["body"]["colour"] = json!("red");
                e
            }])
            .to_string()
            .into_bytes(),
            false,
            400,
            codes::INVALID_BODY,
        ),
        (
            "unsupported protocol",
            json!({"protocol": 99, "events": []})
                .to_string()
                .into_bytes(),
            false,
            400,
            codes::UNSUPPORTED_PROTOCOL,
        ),
        (
            "oversized body",
            vec![b' '; 2 * 1024 * 1024 + 64 * 1024],
            false,
            413,
            codes::TOO_LARGE,
        ),
        (
            "gzip bomb",
            gzip(&vec![b' '; 64 * 1024 * 1024]),
            true,
            413,
            codes::TOO_LARGE,
        ),
        (
            "too many events",
            push((0..1001).map(|_| knock(households[0], now_hlc())).collect())
                .to_string()
                .into_bytes(),
            false,
            413,
            codes::TOO_LARGE,
        ),
    ];
    for (what, body, gz, status, code) in cases {
        let before = db.digest();
        let a = api.post_raw("/api/v1/push", Some(&token), body, gz).await;
        assert_eq!((a.status, a.code()), (status, code), "{what}: {}", a.body);
        assert!(!a.message().is_empty(), "{what}: the error says what to do");
        unchanged(&before, what, &[]);
    }
    assert_eq!(count(), 0);

    // Events the server must refuse one by one, without refusing their neighbours.
    let good = knock(households[0], now_hlc());
    let outside = knock(other_households[0], now_hlc());
    let unknown_door = knock(HouseholdId(999_999), now_hlc());
    let far_future = knock(households[1], Hlc::new(4_102_444_800_000, 0)); // 2100-01-01
    let mut bad_code = knock(households[2], now_hlc());
    bad_code["body"]["result"] = json!("abducted_by_aliens");
    let batch = push(vec![good, outside, unknown_door, far_future, bad_code]);
    let a = api.post("/api/v1/push", Some(&token), &batch).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let results: PushResponse = serde_json::from_value(a.body).expect("push response");
    let codes_seen: Vec<String> = results
        .results
        .iter()
        .map(|r| match r {
            groundgame_core::protocol::PushOutcome::Accepted => "accepted".to_string(),
            groundgame_core::protocol::PushOutcome::Duplicate => "duplicate".to_string(),
            groundgame_core::protocol::PushOutcome::Rejected { code, message } => {
                assert!(!message.is_empty());
                code.clone()
            }
        })
        .collect();
    assert_eq!(
        codes_seen,
        vec![
            "accepted",
            codes::OUT_OF_SCOPE,
            codes::OUT_OF_SCOPE,
            codes::BAD_TIMESTAMP,
            codes::INVALID_VALUE
        ]
    );
    assert_eq!(count(), 1, "only the good event was stored");

    // A replayed batch changes nothing and says so.
    let before = db.digest();
    let again = api.post("/api/v1/push", Some(&token), &batch).await;
    let again: PushResponse = serde_json::from_value(again.body).expect("push response");
    assert_eq!(
        again.results[0],
        groundgame_core::protocol::PushOutcome::Duplicate
    );
    // Only bookkeeping moves: the device's last sync (the lead's "last seen") and the
    // server clock's mark (`sync_state` here, `campaign_feeds` on PostgreSQL).
    unchanged(
        &before,
        "a replayed batch",
        &["devices", "sync_state", "campaign_feeds"],
    );

    // The same id with different content is refused, not silently merged.
    let mut reused = batch["events"][0].clone();
    reused["body"]["result"] = json!("vacant");
    let a = api
        .post("/api/v1/push", Some(&token), &push(vec![reused]))
        .await;
    let a: PushResponse = serde_json::from_value(a.body).expect("push response");
    assert!(matches!(
        &a.results[0],
        groundgame_core::protocol::PushOutcome::Rejected { code, .. } if code == codes::ID_REUSED
    ));

    // Tokens.
    let before = db.digest();
    let one = push(vec![knock(households[0], now_hlc())]);
    let a = api.post("/api/v1/push", None, &one).await;
    assert_eq!((a.status, a.code()), (401, codes::UNAUTHORIZED));
    let a = api.post("/api/v1/push", Some("gg_0000"), &one).await;
    assert_eq!((a.status, a.code()), (401, codes::UNAUTHORIZED));
    store.revoke_device(me.device).expect("revoke");
    let a = api.post("/api/v1/push", Some(&token), &one).await;
    assert_eq!((a.status, a.code()), (401, codes::DEVICE_REVOKED));
    let a = api
        .post(
            "/api/v1/pull",
            Some(&token),
            &json!({"protocol": 1, "scopes": []}),
        )
        .await;
    assert_eq!((a.status, a.code()), (401, codes::DEVICE_REVOKED));
    // The revocation itself is the only change: the refused calls wrote nothing.
    let mut revoked = before.clone();
    revoked.insert("devices".into(), db.digest()["devices"].clone());
    unchanged(
        &revoked,
        "pushes and pulls with no, a wrong or a revoked token",
        &[],
    );
    assert_eq!(count(), 1);

    // Unknown routes answer in the same JSON shape.
    let a = api
        .post("/api/v1/nothing-here", Some(&token), &json!({}))
        .await;
    assert_eq!(a.status, 404);

    server.kill();
    let log = std::fs::read_to_string(log_path(&db.log)).expect("the server's log file");
    // The log is the server's, and it speaks of these very requests: what it leaves out
    // below is left out of something real.
    assert!(
        log.contains("device registered") && log.contains("push"),
        "the server's log holds none of this test's requests: {log}"
    );
    assert!(!log.contains(&token), "the server never logs a token");
    assert!(!log.contains(&fx.volunteer_invite), "nor an invite code");
    assert!(
        !log.contains("Garcia") && !log.contains("Maple Street"),
        "nor voter data"
    );
}

/// Guessing invite codes: after 20 refusals from one address, registrations from it get
/// `429 too_many_attempts` with `Retry-After` (a right code too, until the window ends);
/// the app says to wait. Successful joins never count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_invite_codes_is_stopped_after_twenty_wrong_ones() {
    use groundgame::sync::HttpTransport;
    use groundgame::ui::context::JoinError;

    use crate::support::{TestDevice, TestServer};

    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 2, 1);
    let api = Api {
        url: server.url.clone(),
        http: reqwest::Client::new(),
    };
    let dir = temp_dir();
    // A team joining from one hall's Wi-Fi: many successes do not count.
    for i in 0..25 {
        register(&api, &fx.volunteer_invite, &format!("V{i}")).await;
    }
    let attempt = |code: String| {
        let api = &api;
        async move {
            let body = json!({"protocol": PROTOCOL_VERSION, "invite_code": code,
                              "volunteer_name": "Guess", "device_name": "x", "app_version": "1"});
            let raw = serde_json::to_vec(&body).expect("json");
            api.post_raw("/api/v1/register", None, raw, false).await
        }
    };
    for i in 0..20 {
        let a = attempt(format!("ZZZZ-ZZ{:02}", i % 100)).await;
        assert_eq!(
            (a.status, a.code()),
            (403, codes::INVITE_INVALID),
            "attempt {i}"
        );
    }
    let blocked = attempt("ZZZZ-ZZ99".into()).await;
    assert_eq!(
        (blocked.status, blocked.code()),
        (429, codes::TOO_MANY_ATTEMPTS)
    );
    assert!(
        blocked.message().contains("wait 10 minutes"),
        "{}",
        blocked.message()
    );
    let retry = api
        .http
        .post(format!("{}/api/v1/register", api.url))
        .header("content-type", "application/json")
        .body(r#"{"protocol":1,"invite_code":"x","volunteer_name":"x","device_name":"x","app_version":"1"}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(retry.status().as_u16(), 429);
    let seconds: u64 = retry.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=600).contains(&seconds), "{seconds}");
    // Even the right code waits, and the app says so.
    let device = TestDevice::open(
        &dir.path().join("late.sqlite"),
        HttpTransport::new(&server.url).expect("http"),
        groundgame::clock::system_clock(),
    );
    let refused = device
        .engine
        .register(&server.url, &fx.volunteer_invite, "Late", "Late's phone")
        .await
        .expect_err("blocked");
    assert_eq!(JoinError::from_sync(&refused), JoinError::TooManyAttempts);
}

/// A real server process on a campaign of one turf of three doors, and a canvasser with a
/// valid token assigned to it: the insider the attacks below start from. Fields drop in
/// order: the server stops before its folder goes.
struct OnTurf {
    _server: ServerProcess,
    db: TestDatabase,
    store: std::sync::Arc<dyn groundgame_server::Store>,
    fx: Fixture,
    api: Api,
    me: RegisterResponse,
    doors: Vec<HouseholdId>,
    _dir: tempfile::TempDir,
}

async fn canvasser_on_a_turf(name: &str) -> OnTurf {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx: Fixture = small_campaign(store.as_ref(), 1, 3, 1);
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let api = Api {
        url: server.url.clone(),
        http: reqwest::Client::new(),
    };
    let me = register(&api, &fx.volunteer_invite, name).await;
    let (turf, doors) = fx.turfs[0].clone();
    store
        .set_assignees(turf, &[me.volunteer])
        .expect("the turf is the canvasser's");
    OnTurf {
        _server: server,
        db,
        store,
        fx,
        api,
        me,
        doors,
        _dir: dir,
    }
}

/// Issue 13 §2, against the real server process: a door canvasser with a valid token and no
/// call list pushes 500 people "added at the door", each with a number of their choosing,
/// and a phone do-not-contact for each (1,000 records in one push). Their records are kept —
/// they are the canvasser's — but no number reaches the campaign's do-not-call list, so no
/// voter sharing one is suppressed; and a phone result from them is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canvasser_cannot_fill_the_do_not_call_list_with_numbers_of_their_choosing() {
    let on = canvasser_on_a_turf("Mal").await;
    let (db, api, me, doors) = (&on.db, &on.api, &on.me, &on.doors);
    let mut events = Vec::new();
    for i in 0..500u32 {
        let someone = groundgame_core::PersonId::new_v7();
        let door = doors[i as usize % doors.len()];
        events.push(json!({
            "id": EventId::new_v7(), "at": now_hlc(), "household": door, "person": someone,
            "body": {"kind": "person_added", "first_name": "Mal", "last_name": "Icious",
                     "phone": format!("+1919556{i:04}")}
        }));
        events.push(json!({
            "id": EventId::new_v7(), "at": now_hlc(), "household": door, "person": someone,
            "body": {"kind": "do_not_contact", "channel": "phone"}
        }));
    }
    let push = |events: Vec<Value>| {
        let api = &api;
        let token = me.token.clone();
        async move {
            let a = api
                .post(
                    "/api/v1/push",
                    Some(&token),
                    &json!({"protocol": PROTOCOL_VERSION, "events": events, "pending": 0}),
                )
                .await;
            assert_eq!(a.status, 200, "{}", a.body);
            serde_json::from_value::<PushResponse>(a.body).expect("push response")
        }
    };
    let answer = push(events).await;
    assert_eq!(answer.results.len(), 1000);
    assert!(
        answer
            .results
            .iter()
            .all(|o| *o == groundgame_core::protocol::PushOutcome::Accepted),
        "the canvasser's own records are kept"
    );
    let dnc = |table: &str| {
        db.digest()
            .get(table)
            .map(|rows| rows.len())
            .unwrap_or_default()
    };
    assert_eq!(dnc("do_not_call"), 0, "no number reached the list");
    assert_eq!(dnc("do_not_call_additions"), 0);

    let pulled = api
        .post(
            "/api/v1/pull",
            Some(&me.token),
            &json!({"protocol": PROTOCOL_VERSION, "scopes": []}),
        )
        .await;
    assert_eq!(pulled.status, 200, "{}", pulled.body);
    let voter = pulled.body["scopes"][0]["people"]
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["source_id"].as_str().is_some_and(|s| !s.is_empty()))
        .expect("a voter from the file")
        .clone();
    let answer = push(vec![json!({
        "id": EventId::new_v7(), "at": now_hlc(), "household": voter["household"],
        "person": voter["id"],
        "body": {"kind": "contact", "channel": "phone", "result": "talked"}
    })])
    .await;
    assert!(
        matches!(&answer.results[0], groundgame_core::protocol::PushOutcome::Rejected { code, .. }
            if code == codes::OUT_OF_SCOPE),
        "{:?}",
        answer.results
    );
}

/// Issue 13 §3, against the real server process. Wrong invite codes sent all at once are
/// counted before they are checked, so no more than the limit are checked however many
/// arrive together; a guesser who writes a new `X-Forwarded-For` on each request gains
/// nothing where no proxy is trusted; behind a trusted proxy each client is counted by the
/// address the proxy saw (not the part of the header the client wrote), and an IPv6 client
/// by its /64.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_sent_at_once_are_checked_no_more_than_the_limit_allows() {
    const AT_ONCE: usize = 300;
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx: Fixture = small_campaign(store.as_ref(), 1, 2, 1);
    let http = reqwest::Client::new();
    let guess = |url: String, forwarded: String, i: usize| {
        let http = http.clone();
        async move {
            let body = json!({"protocol": PROTOCOL_VERSION, "invite_code": format!("ZZZZ-{i:04}"),
                              "volunteer_name": "Guess", "device_name": "x", "app_version": "1"});
            let answer = http
                .post(format!("{url}/api/v1/register"))
                .header("x-forwarded-for", forwarded)
                .json(&body)
                .send()
                .await
                .expect("the server answers");
            answer.status().as_u16()
        }
    };
    let tally = |statuses: Vec<u16>| {
        let checked = statuses.iter().filter(|s| **s == 403).count();
        let limited = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(checked + limited, statuses.len(), "{statuses:?}");
        checked
    };

    let direct = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let statuses = at_once(
        (0..AT_ONCE).map(|i| guess(direct.url.clone(), format!("198.51.100.{}", i % 250), i)),
    )
    .await;
    assert_eq!(
        tally(statuses),
        20,
        "of {AT_ONCE} wrong codes at once, each with its own forged X-Forwarded-For"
    );
    drop(direct);

    let proxied = ServerProcess::start_on(&db, "127.0.0.1:0", &["--trusted-proxy", "127.0.0.1"]);
    let url = proxied.url.clone();
    // The client writes anything it likes to the left; the proxy appends what it saw.
    let statuses =
        at_once((0..40).map(|i| guess(url.clone(), format!("10.9.9.{i}, 203.0.113.7"), i))).await;
    assert_eq!(tally(statuses), 20, "one client behind the proxy");
    assert_eq!(
        guess(url.clone(), "203.0.113.8".into(), 0).await,
        403,
        "another client behind the same proxy is not held up"
    );
    let statuses =
        at_once((0..40).map(|i| guess(url.clone(), format!("2001:db8:1:2::{i:x}"), i))).await;
    assert_eq!(
        tally(statuses),
        20,
        "one IPv6 /64, whichever of its addresses"
    );
    assert_eq!(guess(url.clone(), "2001:db8:1:3::1".into(), 0).await, 403);

    // And a right code from a client that is not held up still joins.
    let joined = http
        .post(format!("{url}/api/v1/register"))
        .header("x-forwarded-for", "203.0.113.9")
        .json(
            &json!({"protocol": PROTOCOL_VERSION, "invite_code": fx.volunteer_invite,
                      "volunteer_name": "Ana", "device_name": "x", "app_version": "1"}),
        )
        .send()
        .await
        .expect("the server answers");
    assert_eq!(joined.status().as_u16(), 200);
}

/// Run every request at the same time, on the runtime's threads; their statuses.
async fn at_once<F>(requests: impl Iterator<Item = F>) -> Vec<u16>
where
    F: std::future::Future<Output = u16> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for request in requests {
        set.spawn(request);
    }
    set.join_all().await
}

/// A copy of the database alone — a backup, a dump, a lost laptop's file — cannot be used
/// to test guessed codes: codes are stored under a keyed hash (the key lives in its own
/// file, `<file>.code-key`, or with every PostgreSQL replica), not as the SHA-256 anyone
/// can compute. The copy served without its key opens with none of the codes; the original
/// with its key still does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_the_database_without_its_key_cannot_test_codes() {
    use sha2::{Digest as _, Sha256};
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx: Fixture = small_campaign(store.as_ref(), 1, 2, 1);
    drop(store);
    let plain = |code: &str| -> Vec<u8> {
        let typed: String = code.chars().filter(|c| *c != '-').collect();
        Sha256::digest(typed.as_bytes()).to_vec()
    };
    let stored: Vec<Vec<u8>> = match Location::parse(&db.arg) {
        Location::Sqlite(path) => {
            let conn = rusqlite::Connection::open(&path).expect("open the copy");
            let mut stmt = conn.prepare("SELECT code_hash FROM invites").expect("sql");
            stmt.query_map([], |r| r.get(0))
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("hashes")
        }
        Location::Postgres(url) => std::thread::spawn(move || {
            let mut db = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            db.query("SELECT code_hash FROM invites", &[])
                .expect("rows")
                .iter()
                .map(|r| r.get(0))
                .collect()
        })
        .join()
        .expect("read"),
    };
    assert_eq!(stored.len(), 2, "both invites are stored");
    for code in [&fx.volunteer_invite, &fx.lead_invite] {
        assert!(
            !stored.contains(&plain(code)),
            "a code is stored as its plain SHA-256"
        );
    }
    let register = |url: String, code: String| async move {
        let body = json!({"protocol": PROTOCOL_VERSION, "invite_code": code,
                          "volunteer_name": "Ana", "device_name": "phone", "app_version": "1"});
        reqwest::Client::new()
            .post(format!("{url}/api/v1/register"))
            .json(&body)
            .send()
            .await
            .expect("the server answers")
            .status()
            .as_u16()
    };
    if let Location::Sqlite(path) = Location::parse(&db.arg) {
        let elsewhere = dir.path().join("copy");
        std::fs::create_dir(&elsewhere).expect("mkdir");
        let copy = TestDatabase::new(&elsewhere, "server");
        std::fs::copy(&path, &copy.log).expect("copy the file, not its key");
        let served = ServerProcess::start_on(&copy, "127.0.0.1:0", &[]);
        for code in [&fx.volunteer_invite, &fx.lead_invite] {
            assert_eq!(register(served.url.clone(), code.clone()).await, 403);
        }
    }
    let original = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    assert_eq!(
        register(original.url.clone(), fx.volunteer_invite.clone()).await,
        200
    );
}

/// An insider with a valid token cannot flood the server with pushes, network pushes or
/// device-link codes: past its quota the device is answered `429 too_many_requests` with a
/// `Retry-After` (which the app's sync waits out), before its body is even read; another
/// device is not held up, and the device is served again once it has waited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_past_its_quota_is_asked_to_wait_and_others_are_not() {
    const QUOTA: usize = 30;
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx: Fixture = small_campaign(store.as_ref(), 1, 2, 1);
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &["--push-quota", "30"]);
    let api = Api {
        url: server.url.clone(),
        http: reqwest::Client::new(),
    };
    let flooder = register(&api, &fx.volunteer_invite, "Flood").await;
    let other = register(&api, &fx.volunteer_invite, "Other").await;
    let push = |token: String, body: Vec<u8>| {
        let (http, url) = (api.http.clone(), api.url.clone());
        async move {
            let r = http
                .post(format!("{url}/api/v1/push"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("the server answers");
            let wait = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let status = r.status().as_u16();
            let body: Value = r.json().await.expect("json");
            (
                status,
                wait,
                body["error"]["code"].as_str().unwrap_or("").to_string(),
            )
        }
    };
    let empty = json!({"protocol": PROTOCOL_VERSION, "events": []})
        .to_string()
        .into_bytes();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..QUOTA * 3 {
        set.spawn(push(flooder.token.clone(), empty.clone()));
    }
    let answers = set.join_all().await;
    let served = answers.iter().filter(|a| a.0 == 200).count();
    // 30 at once, and one more each 2 seconds while the 90 arrive.
    assert!(
        (QUOTA..=QUOTA + 1).contains(&served),
        "{served} of {} served",
        QUOTA * 3
    );
    for (status, wait, code) in answers.iter().filter(|a| a.0 != 200) {
        assert_eq!(*status, 429);
        assert_eq!(code, "too_many_requests");
        assert!(matches!(wait, Some(1..=2)), "Retry-After {wait:?}");
    }
    // Past the quota the body is not read: a push that says it carries 8 MiB is answered
    // when only its first 64 KiB have been sent, and the rest never is. (Sent whole, the
    // body races the answer: the server closes a connection whose body it did not read,
    // and a client still writing may see the reset before it reads the 429.)
    let (status, code) = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = &server.addr;
        let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let head = format!(
            "POST /api/v1/push HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            flooder.token,
            8 << 20
        );
        tcp.write_all(head.as_bytes()).await.expect("write");
        tcp.write_all(&[b' '; 64 << 10]).await.expect("write");
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        // Until the server closes the connection: its answer is all it sends. A server
        // that waited for the rest of the body would wait for ever; the limit only keeps
        // that failure from hanging the suite.
        let read = async {
            while let Ok(n @ 1..) = tcp.read(&mut chunk).await {
                answer.extend_from_slice(&chunk[..n]);
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(30), read)
            .await
            .expect("answered before the body was sent");
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = answer.split_once("\r\n\r\n").expect("an answer");
        let status: u16 = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        let body: Value = serde_json::from_str(body).expect("json");
        (
            status,
            body["error"]["code"].as_str().unwrap_or("").to_string(),
        )
    };
    assert_eq!((status, code.as_str()), (429, "too_many_requests"));
    assert_eq!(
        push(other.token.clone(), empty.clone()).await.0,
        200,
        "another device"
    );
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    assert_eq!(
        push(flooder.token.clone(), empty.clone()).await.0,
        200,
        "served again after Retry-After"
    );

    // Device-link codes: five at once, then one each twelve minutes.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let r = api
            .post("/api/v1/devices/link", Some(&flooder.token), &json!({}))
            .await;
        statuses.push((r.status, r.code().to_string()));
    }
    assert_eq!(
        statuses.iter().filter(|s| s.0 == 201).count(),
        5,
        "{statuses:?}"
    );
    assert!(statuses[5..]
        .iter()
        .all(|s| s.0 == 429 && s.1 == "too_many_requests"));
    // Network pushes have their own quota (120 at once): this device still has it all.
    let r = api
        .post(
            "/api/v1/network/push",
            Some(&flooder.token),
            &json!({"protocol": PROTOCOL_VERSION, "records": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// A voter file sent without its header row: the import stops with the columns it found
/// shown to the lead, but the server's log names only the missing column — never the first
/// line, which in such a file is a voter's name, address and phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voter_file_without_its_header_never_puts_its_first_voter_in_the_log() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx: Fixture = small_campaign(store.as_ref(), 1, 2, 1);
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let api = Api {
        url: server.url.clone(),
        http: reqwest::Client::new(),
    };
    let lead = register(&api, &fx.lead_invite, "Lee").await;
    let row = "\"32\"\t\"DURHAM\"\t\"000771234\"\t\"A\"\t\"ACTIVE\"\t\"QUINTRELL\"\t\"MAREVA\"\t\
               \"\"\t\"418 HOLLOWAY ST\"\t\"DURHAM\"\t\"NC\"\t\"27701\"\t\"919-555-0143\"\n";
    let r = api
        .http
        .post(format!(
            "{}/api/v1/imports?format=ncvoter&file_name=no-header.txt",
            api.url
        ))
        .bearer_auth(&lead.token)
        .body(row.repeat(3))
        .send()
        .await
        .expect("upload");
    let status = r.status().as_u16();
    let answer: Value = r.json().await.expect("json");
    let said = if status == 202 {
        let id = answer["id"].as_str().expect("job id").to_string();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let job: Value = api
                .http
                .get(format!("{}/api/v1/imports/{id}", api.url))
                .bearer_auth(&lead.token)
                .send()
                .await
                .expect("job")
                .json()
                .await
                .expect("json");
            if job["status"] != "running" {
                assert_eq!(job["status"], "failed", "{job}");
                break job["error"].as_str().unwrap_or("").to_string();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the import never ended"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    } else {
        answer["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(said.contains("column"), "the lead is told why: {said}");
    drop(server);
    let log = std::fs::read_to_string(log_path(&db.log)).expect("the server's log");
    assert!(log.contains("import"), "the failure is logged");
    for private in ["QUINTRELL", "MAREVA", "HOLLOWAY", "555-0143"] {
        assert!(!log.contains(private), "the log holds {private}");
    }
}

/// One import at a time per campaign, claimed before the upload's body is read: while a
/// big file is still arriving, a second upload is refused at once (not after spooling its
/// gigabytes too); an upload that breaks off frees the campaign for the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_upload_is_refused_while_the_first_is_still_arriving() {
    use tokio::io::AsyncWriteExt;
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx: Fixture = small_campaign(store.as_ref(), 1, 2, 1);
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let api = Api {
        url: server.url.clone(),
        http: reqwest::Client::new(),
    };
    let lead = register(&api, &fx.lead_invite, "Lee").await;
    let file = dir.path().join("voters.txt");
    crate::replicas::ncvoter_file(&file, 200, 0);
    let body = std::fs::read(&file).expect("read");
    let upload = |name: &'static str| {
        let (http, url, token, body) = (
            api.http.clone(),
            api.url.clone(),
            lead.token.clone(),
            body.clone(),
        );
        async move {
            let r = http
                .post(format!(
                    "{url}/api/v1/imports?format=ncvoter&file_name={name}"
                ))
                .bearer_auth(token)
                .body(body)
                .send()
                .await
                .expect("the server answers");
            let status = r.status().as_u16();
            let answer: Value = r.json().await.expect("json");
            (
                status,
                answer["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        }
    };

    // The first upload: its headers and half its file, then nothing for now.
    let mut slow = tokio::net::TcpStream::connect(&server.addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/imports?format=ncvoter&file_name=slow.txt HTTP/1.1\r\nHost: {}\r\n\
         Authorization: Bearer {}\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        lead.token,
        body.len()
    );
    slow.write_all(head.as_bytes())
        .await
        .expect("send the head");
    slow.write_all(&body[..body.len() / 2])
        .await
        .expect("send half");
    slow.flush().await.expect("flush");
    let log = log_path(&db.log);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("import upload started")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the first upload never began"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (status, said) = upload("second.txt").await;
    assert_eq!(status, 422, "{said}");
    assert!(said.contains("already running"), "{said}");

    // The first upload breaks off: the campaign takes the next one.
    drop(slow);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, said) = upload("third.txt").await;
        if status == 202 {
            break;
        }
        assert_eq!(status, 422, "{said}");
        assert!(
            std::time::Instant::now() < deadline,
            "the broken upload kept its claim"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A record dated before its device existed (the review pushed door knocks "from 2020") is
/// kept — nothing a volunteer sends is lost — but ordered at the time it arrived, so it
/// cannot slip in under last week's figures or an answer a later one replaced. A record
/// made on the day is untouched, and the same batch again is still a duplicate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_dated_before_its_device_registered_is_kept_at_the_time_it_arrived() {
    let on = canvasser_on_a_turf("Ana").await;
    let (store, fx, api, me, households) = (&on.store, &on.fx, &on.api, &on.me, &on.doors);
    let in_2020 = Hlc::new(1_590_000_000_000, 0); // 2020-05-20
    let minute_ago = Hlc::new(now_ms() - 60_000, 0);
    let backdated = knock(households[0], in_2020);
    let fresh = knock(households[1], minute_ago);
    let batch = json!({"protocol": PROTOCOL_VERSION, "events": [backdated, fresh]});
    let sent = now_ms();
    let a = api.post("/api/v1/push", Some(&me.token), &batch).await;
    let received = now_ms();
    assert_eq!(a.status, 200, "{}", a.body);
    let results: PushResponse = serde_json::from_value(a.body).expect("push response");
    assert_eq!(
        results.results,
        vec![
            groundgame_core::protocol::PushOutcome::Accepted,
            groundgame_core::protocol::PushOutcome::Accepted
        ]
    );
    let events = store.campaign_events(fx.campaign).expect("events");
    let at_of = |id: &Value| {
        let id: EventId = serde_json::from_value(id.clone()).expect("id");
        events.iter().find(|e| e.id == id).expect("stored").at.ms()
    };
    let kept_at = at_of(&batch["events"][0]["id"]);
    assert!(
        (sent.saturating_sub(5_000)..=received + 5_000).contains(&kept_at),
        "ordered when it arrived ({kept_at}), not in 2020"
    );
    assert_eq!(
        at_of(&batch["events"][1]["id"]),
        minute_ago.ms(),
        "untouched"
    );
    let again = api.post("/api/v1/push", Some(&me.token), &batch).await;
    let again: PushResponse = serde_json::from_value(again.body).expect("push response");
    assert!(again
        .results
        .iter()
        .all(|r| *r == groundgame_core::protocol::PushOutcome::Duplicate));
    assert_eq!(store.event_count(fx.campaign).expect("count"), 2);
}
