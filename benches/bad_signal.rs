//! Sync on a bad signal: how much longer a canvasser's first download and a day's drain
//! take when the network loses requests, beside the same work on a clean network in the
//! same run (issue "Sync that keeps moving on a bad signal").
//!
//! A real server over HTTP on loopback, a real device store on disk, the app's engine with
//! its shipped retry and back-off policies. Between them, a link with a phone's round trip
//! (`GROUNDGAME_BENCH_RTT_MS`, default 100 ms: every request pays it) that loses the given
//! share of requests, half before they reach the server and half by losing the answer
//! after the server acted (each loss shows after one round trip, as a reset does). Each
//! run: a 1,000-door turf downloaded into an empty device, then 500 events recorded offline
//! and drained. Each loss level is run on several seeds and averaged.
//!
//! `cargo bench --bench bad_signal`; `GROUNDGAME_BENCH_QUICK=1` runs two seeds a level.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use groundgame::clock::system_clock;
use groundgame::store::Store;
use groundgame::sync::{Engine, HttpTransport, RawResponse, Transport, TransportError};
use groundgame_core::event::Channel;
use groundgame_core::EventBody;
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::{serve, AppState, SqliteStore};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

#[path = "common/mod.rs"]
#[allow(dead_code)]
mod common;
use common::{bench_dir, print_table, row, scale};

const LOSSES: [f64; 4] = [0.0, 0.10, 0.25, 0.40];
const EVENTS: usize = 500;

/// A phone's link: every request pays the round trip; some are lost.
struct Link {
    inner: HttpTransport,
    rtt: Duration,
    loss: Mutex<f64>,
    rng: Mutex<StdRng>,
    lost: AtomicU64,
}

impl Link {
    /// None: delivered. Some(true): dropped before the server; Some(false): answer lost.
    fn roll(&self) -> Option<bool> {
        let loss = *self.loss.lock().expect("loss");
        let mut rng = self.rng.lock().expect("rng");
        if loss > 0.0 && rng.gen_bool(loss) {
            self.lost.fetch_add(1, Ordering::Relaxed);
            Some(rng.gen_bool(0.5))
        } else {
            None
        }
    }

    async fn carry(
        &self,
        send: impl std::future::Future<Output = Result<RawResponse, TransportError>>,
    ) -> Result<RawResponse, TransportError> {
        let fate = self.roll();
        tokio::time::sleep(self.rtt).await;
        match fate {
            Some(true) => Err(TransportError("connection reset".into())),
            Some(false) => {
                let _ = send.await;
                Err(TransportError("the answer was lost".into()))
            }
            None => send.await,
        }
    }
}

impl Transport for Link {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.carry(self.inner.post(path, token, body)).await
    }
    async fn get(&self, path: &str, token: Option<&str>) -> Result<RawResponse, TransportError> {
        self.carry(self.inner.get(path, token)).await
    }
    async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.carry(self.inner.put(path, token, body)).await
    }
}

#[derive(Default, Clone, Copy)]
struct Run {
    download: Duration,
    drain: Duration,
    doors: u64,
    requests: u64,
    retries: u64,
    lost: u64,
}

async fn one_run(loss: f64, seed: u64, rtt: Duration) -> Run {
    let dir = bench_dir("groundgame-bad-signal-");
    let server_store =
        Arc::new(SqliteStore::open(&dir.path().join("server.sqlite")).expect("server store"));
    let campaign = demo::seed(
        &server_store,
        &DemoOptions {
            seed: 7,
            voters: 4_400,
            turfs: 2,
        },
    )
    .expect("demo campaign");
    let listener = groundgame_server::listen("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(serve(listener, AppState::new(server_store.clone())));

    let store =
        Arc::new(Store::open(&dir.path().join("device.sqlite"), system_clock()).expect("device"));
    let link = Arc::new(Link {
        inner: HttpTransport::new(&url).expect("transport"),
        rtt,
        loss: Mutex::new(0.0),
        rng: Mutex::new(StdRng::seed_from_u64(seed)),
        lost: AtomicU64::new(0),
    });
    let engine = Engine::new(store.clone(), link.clone());
    let joined = engine
        .register(&url, &campaign.volunteer_invite, "Bench", "bench phone")
        .await
        .expect("register");
    server_store
        .set_assignees(campaign.turfs[0], &[joined.volunteer])
        .expect("assign");
    // The loss starts once the device has joined.
    *link.loss.lock().expect("loss") = loss;

    let started = Instant::now();
    engine.sync_until_drained(100).await.expect("downloaded");
    let download = started.elapsed();
    let doors = store
        .households(campaign.turfs[0])
        .expect("households")
        .len() as u64;

    let households = store.households(campaign.turfs[0]).expect("households");
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    for _ in 0..EVENTS {
        let door = households.choose(&mut rng).expect("doors").id;
        store
            .record(
                door,
                None,
                EventBody::Contact {
                    channel: Channel::Door,
                    result: "not_home".into(),
                    call_back_at: None,
                },
            )
            .expect("record");
    }
    let started = Instant::now();
    engine.sync_until_drained(100).await.expect("drained");
    let drain = started.elapsed();
    assert_eq!(store.pending_count().expect("pending"), 0);
    let stats = engine.stats();
    server.abort();
    Run {
        download,
        drain,
        doors,
        requests: stats.requests,
        retries: stats.retries,
        lost: link.lost.load(Ordering::Relaxed),
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rtt = Duration::from_millis(
        std::env::var("GROUNDGAME_BENCH_RTT_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100),
    );
    let seeds = scale(10, 2) as u64;
    println!(
        "bad signal: {} seeds per loss level, round trip {} ms, {EVENTS} events drained",
        seeds,
        rtt.as_millis()
    );
    let mut levels = Vec::new();
    for loss in LOSSES {
        let mut sum = Run::default();
        for seed in 0..seeds {
            let r = one_run(loss, 1_000 + seed, rtt).await;
            sum.download += r.download;
            sum.drain += r.drain;
            sum.doors = r.doors;
            sum.requests += r.requests;
            sum.retries += r.retries;
            sum.lost += r.lost;
        }
        let n = seeds as u32;
        levels.push((loss, sum, n));
        println!(
            "  {:>3.0}% loss: download {} + drain {} (mean of {n}), {} requests, {} lost, {} retried",
            loss * 100.0,
            secs(sum.download / n),
            secs(sum.drain / n),
            sum.requests,
            sum.lost,
            sum.retries
        );
    }
    let (_, clean, clean_n) = levels[0];
    let clean_total = (clean.download + clean.drain) / clean_n;
    let mut rows = Vec::new();
    for (loss, sum, n) in &levels[1..] {
        let total = (sum.download + sum.drain) / *n;
        let ratio = total.as_secs_f64() / clean_total.as_secs_f64();
        rows.push(row(
            &format!(
                "download {} doors + drain {EVENTS} events, {:.0}% of requests lost",
                clean.doors,
                loss * 100.0
            ),
            format!(
                "{} ({} + {}), {ratio:.2}× the loss-free time",
                secs(total),
                secs(sum.download / *n),
                secs(sum.drain / *n)
            ),
            format!(
                "{} loss-free ({} + {})",
                secs(clean_total),
                secs(clean.download / clean_n),
                secs(clean.drain / clean_n)
            ),
            if (*loss - 0.25).abs() < 1e-9 {
                "≤ 3× the loss-free time"
            } else {
                "—"
            },
        ));
    }
    print_table(&rows);
}
