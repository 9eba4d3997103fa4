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
//! events). Prints one table; asserts nothing.
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
    many_p50: Duration,
    many_p99: Duration,
    many_wall: Duration,
    many_rate: f64,
    /// Write transactions the crowd's pushes were applied in (group commit).
    groups: u64,
    /// The same crowd's connections asking only `GET /health`: what 1,000 devices cost
    /// this machine before anything is read or written.
    floor: Duration,
    pull: Duration,
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
    let mut states = Vec::new();
    for store in stores {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        urls.push(format!("http://{}", listener.local_addr().expect("addr")));
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

    // One device pushes batch after batch.
    let started = Instant::now();
    for b in 0..BATCHES {
        let body = serde_json::to_vec(&PushRequest {
            protocol: PROTOCOL_VERSION,
            events: knocks(&doors, BATCH, b * BATCH),
            pending: 0,
        })
        .expect("json");
        let res: PushResponse = client
            .post(format!("{}/api/v1/push", url(b)))
            .header("authorization", format!("Bearer {lead_token}"))
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(gzip(&body))
            .send()
            .await
            .expect("push")
            .json()
            .await
            .expect("push body");
        assert_eq!(res.results.len(), BATCH);
    }
    let push_one = (BATCHES * BATCH) as f64 / started.elapsed().as_secs_f64();

    // A thousand devices push at once.
    let bodies: Vec<Vec<u8>> = (0..walkers.len())
        .map(|i| {
            gzip(
                &serde_json::to_vec(&PushRequest {
                    protocol: PROTOCOL_VERSION,
                    events: knocks(&doors, EACH, i * EACH),
                    pending: 0,
                })
                .expect("json"),
            )
        })
        .collect();
    // The floor: as many devices, each on a connection of its own, asking only for health.
    let floor = {
        let fresh = reqwest::Client::new();
        let started = Instant::now();
        let mut asks = tokio::task::JoinSet::new();
        for i in 0..walkers.len() {
            let (client, target) = (fresh.clone(), url(i));
            asks.spawn(async move {
                let res = client
                    .get(format!("{target}/api/v1/health"))
                    .send()
                    .await
                    .expect("health");
                assert!(res.status().is_success(), "{}", res.status());
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
    for (i, (token, body)) in walkers.iter().zip(bodies).enumerate() {
        let (client, target, token) = (client.clone(), url(i), token.clone());
        pushes.spawn(async move {
            let t = Instant::now();
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
            t.elapsed()
        });
    }
    let mut times = Vec::new();
    while let Some(t) = pushes.join_next().await {
        times.push(t.expect("join"));
    }
    let many_wall = started.elapsed();
    let groups = states.iter().map(|s| s.push_stats().groups).sum::<u64>() - groups_before;
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    Row {
        name,
        push_one,
        many_p50: at(0.50),
        many_p99: at(0.99),
        many_wall,
        many_rate: (walkers.len() * EACH) as f64 / many_wall.as_secs_f64(),
        groups,
        floor,
        pull,
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
        "| backend | push, one device | {DEVICES} devices at once: p50 / p99 / wall | the same {} events from one device | wall ÷ one device (target ≤ 2×) | events/s | write transactions | {DEVICES} connections asking only for health | wall − that floor, ÷ one device | pull of a 20,000-voter turf |",
        DEVICES * EACH
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let alone = Duration::from_secs_f64((DEVICES * EACH) as f64 / r.push_one);
        println!(
            "| {} | {:.0} events/s | {} / {} / {} | {} | {:.2}× | {:.0} | {} | {} | {:.2}× | {} |",
            r.name,
            r.push_one,
            ms(r.many_p50),
            ms(r.many_p99),
            ms(r.many_wall),
            ms(alone),
            r.many_wall.as_secs_f64() / alone.as_secs_f64(),
            r.many_rate,
            r.groups,
            ms(r.floor),
            r.many_wall.saturating_sub(r.floor).as_secs_f64() / alone.as_secs_f64(),
            ms(r.pull)
        );
    }
}
