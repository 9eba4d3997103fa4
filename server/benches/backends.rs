//! The store backends side by side, over real HTTP on loopback, all in one run: the
//! embedded SQLite store, PostgreSQL behind one server replica, and PostgreSQL behind two
//! replicas (requests alternate between them). For each: push from one device (batches of
//! 1,000 events, gzip like the app sends), 1,000 devices pushing at once (one batch of 20
//! each: p50, p99 and wall time), and the pull of a 20,000-voter turf into an empty device.
//! The campaign is the demo town, made on SQLite and moved to PostgreSQL with `migrate`, so
//! every configuration starts from the same rows. Concurrent pushes share write
//! transactions (group commit); the table sets the crowd's wall time beside the time one
//! device takes for the same events, and beside the floor of the same 1,000 connections
//! asking only `GET /health` (on two cores, opening them costs about as much as writing the
//! events). The crowd pushes several rounds, each on fresh connections; the table gives
//! the median round and the range. Prints one table; asserts nothing.
//!
//! `GROUNDGAME_TEST_POSTGRES=$(bash scripts/pg-cluster.sh) cargo bench -p groundgame-server --bench backends`
//! (`GROUNDGAME_BENCH_BACKENDS=sqlite,pg1,pg2` runs only the configurations listed).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use groundgame_core::event::Channel;
use groundgame_core::protocol::{
    PullRequest, PullResponse, PushRequest, PushResponse, ScopeCursor, MAX_PULL_LIMIT,
    PROTOCOL_VERSION,
};
use groundgame_core::{Event, EventBody, EventId, Hlc, HouseholdId, Role, TurfId, VolunteerId};
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::http::auth::new_token;
use groundgame_server::store::migrate;
use groundgame_server::store::postgres::ScratchDb;
use groundgame_server::{serve, AppState, PgStore, SqliteStore, Store};

const BATCHES: usize = 50;
const BATCH: usize = 1000;
const DEVICES: usize = 1000;
const EACH: usize = 20;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn knocks(doors: &[HouseholdId], n: usize, offset: usize) -> Vec<Event> {
    let at = now_ms() - 60_000;
    (0..n)
        .map(|i| Event {
            id: EventId::new_v7(),
            at: Hlc::new(at, ((i + offset) % 60_000) as u16),
            household: doors[(i + offset) % doors.len()],
            person: None,
            body: EventBody::Contact {
                channel: Channel::Door,
                result: "not_home".into(),
                call_back_at: None,
            },
        })
        .collect()
}

struct Row {
    name: &'static str,
    push_one: f64,
    /// The crowd's rounds, fastest first.
    crowds: Vec<Crowd>,
    pull: Duration,
}

/// One round of 1,000 devices pushing at once.
struct Crowd {
    p50: Duration,
    p99: Duration,
    wall: Duration,
    /// Write transactions the round's pushes were applied in (group commit).
    groups: u64,
    /// The same crowd's connections asking only `GET /health`: what 1,000 devices cost
    /// this machine before anything is read or written.
    floor: Duration,
    /// The same crowd's wall with reqwest as every device's client.
    through_reqwest: Duration,
}

/// Serve `stores` (one replica each) and measure.
async fn measure(
    name: &'static str,
    stores: Vec<Arc<dyn Store>>,
    turf: TurfId,
    lead_token: &str,
    walkers: &[String],
) -> Row {
    let mut urls = Vec::new();
    let mut addrs = Vec::new();
    let mut states = Vec::new();
    for store in stores {
        let listener =
            groundgame_server::listen("127.0.0.1:0".parse().expect("addr")).expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        urls.push(format!("http://{addr}"));
        addrs.push(addr);
        let state = AppState::new(store);
        states.push(state.clone());
        tokio::spawn(serve(listener, state));
    }
    let client = reqwest::Client::builder()
        .gzip(true)
        .pool_max_idle_per_host(2000)
        .build()
        .expect("client");
    let url = |i: usize| urls[i % urls.len()].clone();

    // The turf's doors, and the pull of the whole turf into an empty device.
    let started = Instant::now();
    let mut cursor = 0;
    let mut doors = Vec::new();
    loop {
        let res: PullResponse = client
            .post(format!("{}/api/v1/pull", url(1)))
            .header("authorization", format!("Bearer {lead_token}"))
            .json(&PullRequest {
                maps: false,
                protocol: PROTOCOL_VERSION,
                scopes: vec![ScopeCursor {
                    turf,
                    cursor,
                    map: None,
                }],
                limit: Some(MAX_PULL_LIMIT),
            })
            .send()
            .await
            .expect("pull")
            .json()
            .await
            .expect("pull body");
        let page = res
            .scopes
            .iter()
            .find(|s| s.turf.id == turf)
            .expect("the turf");
        doors.extend(page.households.iter().map(|h| h.id));
        cursor = page.cursor;
        if !res.has_more {
            break;
        }
    }
    let pull = started.elapsed();

    // One device pushes batch after batch, on one kept-alive connection to each replica
    // (its bodies made before the clock starts, as the crowd's are).
    let requests: Vec<Vec<u8>> = (0..BATCHES)
        .map(|b| {
            let body = push_body(&doors, BATCH, b * BATCH);
            push_request(&addrs[b % addrs.len()], lead_token, &body)
        })
        .collect();
    let mut conns = Vec::new();
    for addr in &addrs {
        conns.push(Bare::connect(addr).await);
    }
    let started = Instant::now();
    for (b, request) in requests.iter().enumerate() {
        let (status, body) = conns[b % addrs.len()].send(request).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let res: PushResponse = serde_json::from_slice(&body).expect("push body");
        assert_eq!(res.results.len(), BATCH);
    }
    let push_one = (BATCHES * BATCH) as f64 / started.elapsed().as_secs_f64();

    // A thousand devices push at once, `rounds` times (each round its own fresh
    // connections), each round beside the floor of the same connections asking for health.
    let mut crowds: Vec<Crowd> = Vec::new();
    for round in 0..rounds() {
        crowds.push(crowd(&states, &addrs, &url, &doors, walkers, round).await);
    }
    crowds.sort_by_key(|c| c.wall);
    Row {
        name,
        push_one,
        crowds,
        pull,
    }
}

/// How many times the crowd pushes: `GROUNDGAME_BENCH_CROWDS` (5 unless set). Each round
/// is a fresh thousand connections; the table gives the median round and the range.
fn rounds() -> usize {
    std::env::var("GROUNDGAME_BENCH_CROWDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(5)
}

/// One round of the crowd: every walker pushes `EACH` events at once, each on a fresh
/// connection of its own; before it, the same connections' floor.
async fn crowd(
    states: &[AppState],
    addrs: &[String],
    url: &impl Fn(usize) -> String,
    doors: &[HouseholdId],
    walkers: &[String],
    round: usize,
) -> Crowd {
    let bodies: Vec<Vec<u8>> = (0..walkers.len())
        .map(|i| push_body(doors, EACH, (round * walkers.len() + i) * EACH))
        .collect();
    let requests: Vec<(String, Vec<u8>)> = walkers
        .iter()
        .zip(&bodies)
        .enumerate()
        .map(|(i, (token, body))| {
            let addr = &addrs[i % addrs.len()];
            (addr.clone(), push_request(addr, token, body))
        })
        .collect();
    // The floor: as many devices, each on a connection of its own, asking only for health.
    let floor = {
        let started = Instant::now();
        let mut asks = tokio::task::JoinSet::new();
        for i in 0..walkers.len() {
            let addr = addrs[i % addrs.len()].clone();
            asks.spawn(async move {
                let request = format!("GET /api/v1/health HTTP/1.1\r\nhost: {addr}\r\n\r\n");
                let (status, _) = Bare::connect(&addr).await.send(request.as_bytes()).await;
                assert_eq!(status, 200);
            });
        }
        while let Some(done) = asks.join_next().await {
            done.expect("join");
        }
        started.elapsed()
    };
    let groups_before: u64 = states.iter().map(|s| s.push_stats().groups).sum();
    let started = Instant::now();
    let mut pushes = tokio::task::JoinSet::new();
    for (addr, request) in requests {
        pushes.spawn(async move {
            let t = Instant::now();
            let (status, body) = Bare::connect(&addr).await.send(&request).await;
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            t.elapsed()
        });
    }
    let mut times = Vec::new();
    while let Some(t) = pushes.join_next().await {
        times.push(t.expect("join"));
    }
    let wall = started.elapsed();
    let groups = states.iter().map(|s| s.push_stats().groups).sum::<u64>() - groups_before;
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];

    // The same crowd again, through reqwest (what the app itself sends with): its
    // connection machinery runs on the server's two cores too.
    let bodies: Vec<Vec<u8>> = (0..walkers.len())
        .map(|i| push_body(doors, EACH, (round * walkers.len() + i) * EACH + 7))
        .collect();
    let client = reqwest::Client::builder()
        .gzip(true)
        .pool_max_idle_per_host(2000)
        .build()
        .expect("client");
    let started = Instant::now();
    let mut pushes = tokio::task::JoinSet::new();
    for (i, (token, body)) in walkers.iter().zip(bodies).enumerate() {
        let (client, target, token) = (client.clone(), url(i), token.clone());
        pushes.spawn(async move {
            let res = client
                .post(format!("{target}/api/v1/push"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header("content-encoding", "gzip")
                .body(body)
                .send()
                .await
                .expect("push");
            assert!(res.status().is_success(), "{}", res.status());
        });
    }
    while let Some(done) = pushes.join_next().await {
        done.expect("join");
    }
    let through_reqwest = started.elapsed();
    Crowd {
        p50: at(0.50),
        p99: at(0.99),
        wall,
        groups,
        floor,
        through_reqwest,
    }
}

/// A push of `n` knocks as the app sends it: JSON, gzip.
fn push_body(doors: &[HouseholdId], n: usize, offset: usize) -> Vec<u8> {
    gzip(
        &serde_json::to_vec(&PushRequest {
            protocol: PROTOCOL_VERSION,
            events: knocks(doors, n, offset),
            pending: 0,
        })
        .expect("json"),
    )
}

/// A push as bytes on the wire: what the app sends (gzip body, bearer token).
fn push_request(addr: &str, token: &str, gzip_body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST /api/v1/push HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
        gzip_body.len()
    )
    .into_bytes();
    request.extend_from_slice(gzip_body);
    request
}

/// The crowd's load generator: a bare HTTP/1.1 connection that writes a request made
/// beforehand and reads the answer by its `Content-Length`. The crowd stands for 1,000
/// phones, each with a CPU of its own; here every device's client runs on the same two
/// cores as the server, and reqwest's machinery for each fresh connection (its pool,
/// connector and header maps) took about a third of a crowd round's CPU in a profile. A
/// bare client leaves those cores to the server, as load generators such as wrk do; the
/// table keeps the crowd through reqwest beside it.
struct Bare {
    stream: tokio::net::TcpStream,
    read: Vec<u8>,
}

impl Bare {
    async fn connect(addr: &str) -> Bare {
        let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Bare {
            stream,
            read: Vec::with_capacity(4096),
        }
    }

    /// Send `request` and read its answer: the status and the body.
    async fn send(&mut self, request: &[u8]) -> (u16, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.stream.write_all(request).await.expect("write");
        self.read.clear();
        let (status, head, len) = loop {
            let n = self.stream.read_buf(&mut self.read).await.expect("read");
            assert!(n > 0, "the server closed the connection");
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut answer = httparse::Response::new(&mut headers);
            if let httparse::Status::Complete(head) = answer.parse(&self.read).expect("answer") {
                let len = answer
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.parse::<usize>().ok())
                    .expect("content-length");
                break (answer.code.expect("status"), head, len);
            }
        };
        while self.read.len() < head + len {
            let n = self.stream.read_buf(&mut self.read).await.expect("read");
            assert!(n > 0, "the server closed the connection");
        }
        (status, self.read[head..head + len].to_vec())
    }
}

/// The lead's token and a thousand walkers' tokens, registered in `store`.
fn devices(
    store: &dyn Store,
    campaign: groundgame_core::CampaignId,
    turf: TurfId,
) -> (String, Vec<String>) {
    let expires = now_ms() + 86_400_000;
    let lead_code = store
        .create_invite(campaign, Role::Lead, 1, expires)
        .expect("invite");
    let (lead, hash) = new_token();
    store
        .register_device(&lead_code, "Bench lead", "bench", "bench", &hash, now_ms())
        .expect("lead");
    let code = store
        .create_invite(campaign, Role::Volunteer, DEVICES as u32, expires)
        .expect("invite");
    let mut tokens = Vec::new();
    let mut volunteers: Vec<VolunteerId> = Vec::new();
    for i in 0..DEVICES {
        let (token, hash) = new_token();
        let reg = store
            .register_device(
                &code,
                &format!("Walker {i}"),
                "bench",
                "bench",
                &hash,
                now_ms(),
            )
            .expect("walker");
        tokens.push(token);
        volunteers.push(reg.volunteer);
    }
    store
        .set_assignees_at(turf, &volunteers, now_ms())
        .expect("assign");
    (lead, tokens)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let admin = std::env::var("GROUNDGAME_TEST_POSTGRES")
        .expect("set GROUNDGAME_TEST_POSTGRES=$(bash scripts/pg-cluster.sh)");
    let dir = tempfile::Builder::new()
        .prefix("groundgame-backends-bench-")
        .tempdir_in(std::env::var("GROUNDGAME_BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))
        .expect("temp dir");
    let mut rows = Vec::new();
    let wanted = std::env::var("GROUNDGAME_BENCH_BACKENDS").unwrap_or_default();
    let wanted = |key: &str| wanted.is_empty() || wanted.split(',').any(|w| w.trim() == key);
    for config in 0..3 {
        if !wanted(["sqlite", "pg1", "pg2"][config]) {
            continue;
        }
        // The same campaign each time: the demo town with one 20,000-voter turf.
        let file = dir.path().join(format!("server-{config}.sqlite"));
        let sqlite = Arc::new(SqliteStore::open(&file).expect("open"));
        let made = demo::seed(
            &sqlite,
            &DemoOptions {
                seed: 1,
                voters: 20_000,
                turfs: 1,
            },
        )
        .expect("demo");
        let turf = made.turfs[0];
        let db;
        let (name, stores): (&'static str, Vec<Arc<dyn Store>>) = if config == 0 {
            db = None;
            ("SQLite (embedded)", vec![sqlite.clone()])
        } else {
            let scratch = ScratchDb::create(&admin).expect("scratch database");
            let first = Arc::new(PgStore::connect(&scratch.url).expect("connect"));
            migrate::copy(&sqlite, &first).expect("migrate");
            let mut stores: Vec<Arc<dyn Store>> = vec![first];
            if config == 2 {
                stores.push(Arc::new(PgStore::connect(&scratch.url).expect("connect")));
            }
            db = Some(scratch);
            let name = if config == 1 {
                "PostgreSQL, 1 replica"
            } else {
                "PostgreSQL, 2 replicas"
            };
            (name, stores)
        };
        let (lead, walkers) = devices(stores[0].as_ref(), made.campaign, turf);
        rows.push(measure(name, stores, turf, &lead, &walkers).await);
        drop(db);
    }
    println!();
    println!(
        "{} rounds of the crowd per backend (`GROUNDGAME_BENCH_CROWDS`); the median round, and the range over all of them:",
        rounds()
    );
    println!();
    println!(
        "| backend | push, one device | {DEVICES} devices at once: p50 / p99 / wall | the same {} events from one device | wall ÷ one device (target ≤ 2×): median (range) | events/s | write transactions | {DEVICES} connections asking only for health | wall − that floor, ÷ one device: median (range) | the crowd through reqwest ÷ one device: median (range) | pull of a 20,000-voter turf |",
        DEVICES * EACH
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let alone = (DEVICES * EACH) as f64 / r.push_one;
        let ratio = |c: &Crowd| c.wall.as_secs_f64() / alone;
        let above = |c: &Crowd| c.wall.saturating_sub(c.floor).as_secs_f64() / alone;
        let median = &r.crowds[r.crowds.len() / 2];
        let sorted = |f: &dyn Fn(&Crowd) -> f64| {
            let mut v: Vec<f64> = r.crowds.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        let aboves = sorted(&above);
        let reqwests = sorted(&|c: &Crowd| c.through_reqwest.as_secs_f64() / alone);
        println!(
            "| {} | {:.0} events/s | {} / {} / {} | {} | {:.2}× ({:.2}–{:.2}×) | {:.0} | {} | {} | {:.2}× ({:.2}–{:.2}×) | {:.2}× ({:.2}–{:.2}×) | {} |",
            r.name,
            r.push_one,
            ms(median.p50),
            ms(median.p99),
            ms(median.wall),
            ms(Duration::from_secs_f64(alone)),
            ratio(median),
            ratio(&r.crowds[0]),
            ratio(&r.crowds[r.crowds.len() - 1]),
            (DEVICES * EACH) as f64 / median.wall.as_secs_f64(),
            median.groups,
            ms(median.floor),
            aboves[aboves.len() / 2],
            aboves[0],
            aboves[aboves.len() - 1],
            reqwests[reqwests.len() / 2],
            reqwests[0],
            reqwests[reqwests.len() - 1],
            ms(r.pull)
        );
    }
}
