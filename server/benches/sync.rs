//! Server-side sync benchmark over real HTTP on loopback: push throughput from one device
//! (batches of 1,000 events, gzip-compressed like the app sends them) and the time to pull
//! a 20,000-voter turf into an empty device. Prints a table; asserts nothing.
//!
//! `cargo bench -p groundgame-server --bench sync` (release build).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use groundgame_core::event::Channel;
use groundgame_core::protocol::{
    PullRequest, PullResponse, PushOutcome, PushRequest, PushResponse, RegisterRequest,
    RegisterResponse, ScopeCursor, MAX_PULL_LIMIT, PROTOCOL_VERSION,
};
use groundgame_core::{Event, EventBody, EventId, Hlc};
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::{serve, AppState, SqliteStore};

const BATCHES: usize = 100;
const BATCH: usize = 1000;

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

#[tokio::main]
async fn main() {
    let dir = tempfile::Builder::new()
        .prefix("groundgame-server-bench-")
        .tempdir_in(std::env::var("GROUNDGAME_BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))
        .expect("temp dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("server.sqlite")).expect("open"));
    let started = Instant::now();
    let made = demo::seed(
        &store,
        &DemoOptions {
            seed: 1,
            voters: 20_000,
            turfs: 1,
        },
    )
    .expect("demo");
    let seed_time = started.elapsed();

    let listener = groundgame_server::listen("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(serve(listener, AppState::new(store.clone())));
    let client = reqwest::Client::builder()
        .gzip(true)
        .build()
        .expect("client");

    let reg: RegisterResponse = client
        .post(format!("{url}/api/v1/register"))
        .json(&RegisterRequest {
            protocol: PROTOCOL_VERSION,
            invite_code: made.lead_invite.clone(),
            volunteer_name: "Bench".into(),
            device_name: "bench".into(),
            app_version: "bench".into(),
        })
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("register body");
    let auth = format!("Bearer {}", reg.token);

    // Pull the whole turf into an empty device.
    let started = Instant::now();
    let mut cursor = 0;
    let (mut pages, mut rows, mut households) = (0, 0, Vec::new());
    loop {
        let page: PullResponse = client
            .post(format!("{url}/api/v1/pull"))
            .header("authorization", &auth)
            .json(&PullRequest {
                maps: false,
                protocol: PROTOCOL_VERSION,
                scopes: vec![ScopeCursor {
                    map: None,
                    turf: made.turfs[0],
                    cursor,
                }],
                limit: Some(MAX_PULL_LIMIT),
            })
            .send()
            .await
            .expect("pull")
            .json()
            .await
            .expect("pull body");
        pages += 1;
        for s in &page.scopes {
            cursor = s.cursor;
            rows += s.households.len() + s.people.len() + s.events.len();
            households.extend(s.households.iter().map(|h| h.id));
        }
        if !page.has_more {
            break;
        }
    }
    let pull_time = started.elapsed();

    // Push batches of 1,000 events, gzip-compressed, one request after the other.
    let bodies: Vec<Vec<u8>> = (0..BATCHES)
        .map(|b| {
            let events: Vec<Event> = (0..BATCH)
                .map(|i| Event {
                    id: EventId::new_v7(),
                    at: Hlc::new(now_ms(), 0),
                    household: households[(b * BATCH + i) % households.len()],
                    person: None,
                    body: EventBody::Contact {
                        channel: Channel::Door,
                        result: "not_home".into(),
                        call_back_at: None,
                    },
                })
                .collect();
            gzip(
                &serde_json::to_vec(&PushRequest {
                    protocol: PROTOCOL_VERSION,
                    events,
                    pending: 0,
                })
                .expect("json"),
            )
        })
        .collect();
    let wire: usize = bodies.iter().map(Vec::len).sum();
    let mut latencies = Vec::new();
    let started = Instant::now();
    for body in bodies {
        let t = Instant::now();
        let resp: PushResponse = client
            .post(format!("{url}/api/v1/push"))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(body)
            .send()
            .await
            .expect("push")
            .json()
            .await
            .expect("push body");
        assert!(resp.results.iter().all(|r| *r == PushOutcome::Accepted));
        latencies.push(t.elapsed());
    }
    let push_time = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    let total = (BATCHES * BATCH) as f64;

    // 1,000 devices join, then all push and pull at once.
    let devices = 1000;
    let started = Instant::now();
    let joins = (0..devices).map(|i| {
        let client = client.clone();
        let url = url.clone();
        let invite = made.volunteer_invite.clone();
        tokio::spawn(async move {
            let r: RegisterResponse = client
                .post(format!("{url}/api/v1/register"))
                .json(&RegisterRequest {
                    protocol: PROTOCOL_VERSION,
                    invite_code: invite,
                    volunteer_name: format!("Volunteer {i}"),
                    device_name: "phone".into(),
                    app_version: "bench".into(),
                })
                .send()
                .await
                .expect("register")
                .json()
                .await
                .expect("register body");
            r
        })
    });
    let mut regs = Vec::new();
    for j in joins.collect::<Vec<_>>() {
        regs.push(j.await.expect("join"));
    }
    let join_time = started.elapsed();
    let volunteers: Vec<_> = regs.iter().map(|r| r.volunteer).collect();
    store
        .set_assignees(made.turfs[0], &volunteers)
        .expect("assign");
    let turf = made.turfs[0];
    let started = Instant::now();
    let syncs = regs.into_iter().enumerate().map(|(i, reg)| {
        let client = client.clone();
        let url = url.clone();
        let households = households.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            let auth = format!("Bearer {}", reg.token);
            let events: Vec<Event> = (0..20)
                .map(|k| Event {
                    id: EventId::new_v7(),
                    at: Hlc::new(now_ms(), 0),
                    household: households[(i * 20 + k) % households.len()],
                    person: None,
                    body: EventBody::Contact {
                        channel: Channel::Door,
                        result: "not_home".into(),
                        call_back_at: None,
                    },
                })
                .collect();
            let resp = client
                .post(format!("{url}/api/v1/push"))
                .header("authorization", &auth)
                .json(&PushRequest {
                    protocol: PROTOCOL_VERSION,
                    events,
                    pending: 0,
                })
                .send()
                .await
                .expect("push");
            assert!(resp.status().is_success(), "push failed: {}", resp.status());
            let pushed: PushResponse = resp.json().await.expect("push body");
            assert!(pushed.results.iter().all(|r| *r == PushOutcome::Accepted));
            // An incremental pull: the device already holds the turf up to `cursor`.
            let resp = client
                .post(format!("{url}/api/v1/pull"))
                .header("authorization", &auth)
                .json(&PullRequest {
                    maps: false,
                    protocol: PROTOCOL_VERSION,
                    scopes: vec![ScopeCursor {
                        turf,
                        cursor,
                        map: None,
                    }],
                    limit: Some(500),
                })
                .send()
                .await
                .expect("pull");
            assert!(resp.status().is_success(), "pull failed: {}", resp.status());
            let _: PullResponse = resp.json().await.expect("pull body");
            t.elapsed()
        })
    });
    let mut sync_latencies = Vec::new();
    for s in syncs.collect::<Vec<_>>() {
        sync_latencies.push(s.await.expect("a device failed"));
    }
    let crowd_time = started.elapsed();
    sync_latencies.sort();
    let spct = |p: f64| sync_latencies[((sync_latencies.len() - 1) as f64 * p) as usize];

    println!("| measure | result |");
    println!("|---|---|");
    println!("| demo seed, 20,000 voters | {:.0} ms |", ms(seed_time));
    println!(
        "| pull 20,000-voter turf, empty device | {:.0} ms ({pages} pages, {rows} rows) |",
        ms(pull_time)
    );
    println!(
        "| push, one device, batches of {BATCH} | {:.0} events/s |",
        total / push_time.as_secs_f64()
    );
    println!(
        "| push latency per batch p50 / p99 | {:.1} / {:.1} ms |",
        ms(pct(0.5)),
        ms(pct(0.99))
    );
    println!(
        "| push bytes per event on the wire (gzip body) | {:.1} |",
        wire as f64 / total
    );
    println!(
        "| {devices} devices register at once | {:.0} ms |",
        ms(join_time)
    );
    println!(
        "| {devices} devices push 20 + pull at once: all done / p50 / p99 | {:.0} / {:.0} / {:.0} ms |",
        ms(crowd_time),
        ms(spct(0.5)),
        ms(spct(0.99))
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
