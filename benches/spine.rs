//! The spine's benchmark: prints one table, each figure beside a raw-SQLite baseline
//! measured in the same run on the same disk (these machines are noisy; compare within a
//! run, not across runs).
//!
//! `cargo bench --bench spine` (release build). `GROUNDGAME_BENCH_QUICK=1` shrinks every
//! workload tenfold for a smoke run.
//!
//! What it measures (see issue "The offline-first spine"):
//! 1. recording one door result durably, with its outbox row: p50/p99 per record;
//! 2. push from one device over HTTP on loopback: events/s and bytes per event on the wire;
//! 3. pull of a 20,000-voter turf into an empty device: seconds;
//! 4. 1,000 devices syncing at once against one server: all drained, p50/p99 latency.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use groundgame::clock::system_clock;
use groundgame::store::Store;
use groundgame::sync::{Engine, HttpTransport};
use groundgame_core::event::Channel;
use groundgame_core::{EventBody, HouseholdId, Role};
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::{serve, AppState, SqliteStore};

#[path = "common/mod.rs"]
mod common;
use common::{bench_dir, ms, percentile, print_table, raw_insert, raw_sqlite, row, scale};

struct Server {
    url: String,
    store: Arc<SqliteStore>,
    _dir: tempfile::TempDir,
}

async fn start_server(opts: DemoOptions) -> (Server, demo::DemoCampaign) {
    let dir = bench_dir("groundgame-bench-");
    let store =
        Arc::new(SqliteStore::open(&dir.path().join("server.sqlite")).expect("server store"));
    let campaign = demo::seed(&store, &opts).expect("demo campaign");
    let listener = groundgame_server::listen("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(serve(listener, AppState::new(store.clone())));
    (
        Server {
            url,
            store,
            _dir: dir,
        },
        campaign,
    )
}

/// A device: its store and its engine.
struct Dev {
    store: Arc<Store>,
    engine: Engine<HttpTransport>,
}

impl Dev {
    fn store(&self) -> &Store {
        &self.store
    }
    async fn sync_once(&self) -> Result<groundgame::sync::SyncReport, groundgame::sync::SyncError> {
        self.engine.sync_once().await
    }
    fn stats(&self) -> groundgame::sync::WireStats {
        self.engine.stats()
    }
}

async fn device(server: &Server, dir: &Path, name: &str, invite: &str) -> Arc<Dev> {
    device_with(server, dir, name, invite, true).await
}

/// A device whose database is encrypted at rest (as the app's always is) or, for the
/// baseline of what that costs, not.
async fn device_with(
    server: &Server,
    dir: &Path,
    name: &str,
    invite: &str,
    encrypted: bool,
) -> Arc<Dev> {
    let path = dir.join(format!("{name}.sqlite"));
    let store = Arc::new(
        if encrypted {
            Store::open(&path, system_clock())
        } else {
            Store::open_unencrypted_baseline(&path, system_clock())
        }
        .expect("device store"),
    );
    let engine = Engine::new(
        store.clone(),
        HttpTransport::new(&server.url).expect("transport"),
    );
    engine
        .register(&server.url, invite, name, name)
        .await
        .expect("register");
    Arc::new(Dev { store, engine })
}

/// The lead gives the device's volunteer this turf (straight in the server's store).
fn assign(server: &Server, dev: &Dev, turf: groundgame_core::TurfId) {
    let volunteer = dev
        .store()
        .identity()
        .expect("identity")
        .expect("joined")
        .volunteer;
    server
        .store
        .set_assignees(turf, &[volunteer])
        .expect("assign");
}

fn knock() -> EventBody {
    EventBody::Contact {
        channel: Channel::Door,
        result: "not_home".into(),
        call_back_at: None,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut rows = Vec::new();
    let dir = bench_dir("groundgame-bench-");

    // --- 1 + 2: record and push, one device, against a campaign of one big turf. ---
    let (server, demo) = start_server(DemoOptions {
        seed: 1,
        voters: 5_000,
        turfs: 1,
    })
    .await;
    let engine = device(&server, dir.path(), "pusher", &demo.volunteer_invite).await;
    assign(&server, &engine, demo.turfs[0]);
    engine.sync_once().await.expect("download");
    let households: Vec<HouseholdId> = engine
        .store()
        .households(demo.turfs[0])
        .expect("households")
        .iter()
        .map(|h| h.id)
        .collect();

    // Ours and the raw baseline alternate, so both see the same disk (the kernel may still
    // be writing back the download above).
    let records = scale(5_000, 1);
    let raw = raw_sqlite(&dir.path().join("raw-commit.sqlite"), "FULL");
    let mut lat = Vec::with_capacity(records);
    let mut raw_lat = Vec::with_capacity(records);
    for i in 0..records {
        let t = Instant::now();
        engine
            .store()
            .record(households[i % households.len()], None, knock())
            .expect("record");
        lat.push(t.elapsed());
        let t = Instant::now();
        raw_insert(&raw, i as u64);
        raw_lat.push(t.elapsed());
    }
    lat.sort();
    raw_lat.sort();
    rows.push(row(
        "record a door result durably (its outbox row, WAL, synchronous=FULL): p50",
        ms(percentile(&lat, 0.5)),
        format!("{} (one-row INSERT commit)", ms(percentile(&raw_lat, 0.5))),
        "",
    ));
    rows.push(row(
        "record a door result durably: p99",
        ms(percentile(&lat, 0.99)),
        format!("{} (one-row INSERT commit)", ms(percentile(&raw_lat, 0.99))),
        "< 1 ms",
    ));
    engine.sync_once().await.expect("push the records");

    // Bulk: fill the outbox, then push it all.
    let events = scale(100_000, 1);
    let t = Instant::now();
    for chunk in (0..events).collect::<Vec<_>>().chunks(1000) {
        let items = chunk.iter().map(|_| (None, knock())).collect::<Vec<_>>();
        let h = households[chunk[0] % households.len()];
        engine.store().record_visit(h, items).expect("record batch");
    }
    let fill = t.elapsed();
    let before = engine.stats();
    let t = Instant::now();
    let report = engine.sync_once().await.expect("push");
    let push = t.elapsed();
    let after = engine.stats();
    assert_eq!(report.accepted as usize, events, "every event accepted");
    let raw_bulk = raw_sqlite(&dir.path().join("raw-bulk.sqlite"), "NORMAL");
    let t = Instant::now();
    for chunk in (0..events as u64).collect::<Vec<_>>().chunks(1000) {
        raw_bulk.execute_batch("BEGIN").expect("begin");
        for i in chunk {
            raw_insert(&raw_bulk, *i);
        }
        raw_bulk.execute_batch("COMMIT").expect("commit");
    }
    let raw_bulk_time = t.elapsed();
    let per_s = |n: usize, d: Duration| format!("{:.0}/s", n as f64 / d.as_secs_f64());
    rows.push(row(
        &format!("push {events} events, one device, HTTP on loopback (includes server insert + outbox delete)"),
        per_s(events, push),
        format!("{} (raw INSERTs, 1000 per transaction)", per_s(events, raw_bulk_time)),
        ">= 100,000/s",
    ));
    let sent = (after.bytes_sent - before.bytes_sent) as f64 / events as f64;
    let received = (after.bytes_received - before.bytes_received) as f64 / events as f64;
    rows.push(row(
        "bytes per event on the wire, push request (gzip JSON)",
        format!("{sent:.1} B"),
        "16 B (the raw UUID alone)".into(),
        "<= 60 B",
    ));
    rows.push(row(
        "bytes per event on the wire, push answer",
        format!("{received:.1} B"),
        String::new(),
        "",
    ));
    rows.push(row(
        &format!("fill the outbox with {events} events (1000 per transaction)"),
        per_s(events, fill),
        format!("{} (raw INSERTs)", per_s(events, raw_bulk_time)),
        "",
    ));
    drop(server);

    // --- 3: pull a 20,000-voter turf into an empty device. ---
    let voters = scale(20_000, 1) as u32;
    let (server, demo) = start_server(DemoOptions {
        seed: 2,
        voters,
        turfs: 1,
    })
    .await;
    // Into an encrypted device (the app's) and, alternating, an unencrypted one: the best
    // of two each, so both see the same moments of the machine.
    let (mut pull, mut plain_pull) = (Duration::MAX, Duration::MAX);
    let mut measured = None;
    for round in 0..2 {
        for encrypted in [false, true] {
            let name = format!("puller-{round}-{encrypted}");
            let dev = device_with(
                &server,
                dir.path(),
                &name,
                &demo.volunteer_invite,
                encrypted,
            )
            .await;
            assign(&server, &dev, demo.turfs[0]);
            let before = dev.stats();
            let t = Instant::now();
            let report = dev.sync_once().await.expect("pull");
            let took = t.elapsed();
            let after = dev.stats();
            if encrypted {
                pull = pull.min(took);
                measured = Some((dev, report, before, after));
            } else {
                plain_pull = plain_pull.min(took);
            }
        }
    }
    let (engine, report, before, after) = measured.expect("pulled");
    let people: u64 = engine.store().voter_data_counts().expect("counts").1;
    let raw_pull = raw_sqlite(&dir.path().join("raw-pull.sqlite"), "NORMAL");
    let t = Instant::now();
    raw_pull.execute_batch("BEGIN").expect("begin");
    for i in 0..report.pulled_rows {
        raw_insert(&raw_pull, i);
    }
    raw_pull.execute_batch("COMMIT").expect("commit");
    let raw_pull_time = t.elapsed();
    rows.push(row(
        &format!(
            "pull a {people}-voter turf into an empty device ({} rows, {:.1} MB on the wire)",
            report.pulled_rows,
            (after.bytes_received - before.bytes_received) as f64 / 1e6
        ),
        format!("{:.3} s", pull.as_secs_f64()),
        format!(
            "{:.3} s (raw INSERT of as many rows)",
            raw_pull_time.as_secs_f64()
        ),
        "< 0.5 s",
    ));
    rows.push(row(
        &format!("the same pull: encrypted device against unencrypted ({people} voters)"),
        format!(
            "{:.3} s ({:.2}×)",
            pull.as_secs_f64(),
            pull.as_secs_f64() / plain_pull.as_secs_f64()
        ),
        format!("{:.3} s (the same store, no key)", plain_pull.as_secs_f64()),
        "",
    ));
    drop(server);

    // --- 4: a thousand devices at once. ---
    let n_devices = scale(1000, 1);
    let (server, demo) = start_server(DemoOptions {
        seed: 3,
        voters: 4_000,
        turfs: 50,
    })
    .await;
    let _ = Role::Volunteer;
    let fleet_dir = bench_dir("groundgame-bench-");
    let mut fleet = Vec::with_capacity(n_devices);
    for i in 0..n_devices {
        fleet.push(
            device(
                &server,
                fleet_dir.path(),
                &format!("d{i}"),
                &demo.volunteer_invite,
            )
            .await,
        );
    }
    for (t, turf) in demo.turfs.iter().enumerate() {
        let vols: Vec<_> = fleet
            .iter()
            .enumerate()
            .filter(|(i, _)| i % demo.turfs.len() == t)
            .map(|(_, e)| {
                e.store()
                    .identity()
                    .expect("identity")
                    .expect("joined")
                    .volunteer
            })
            .collect();
        server.store.set_assignees(*turf, &vols).expect("assign");
    }
    let per_device = 20;
    // Everyone downloads their turf at once, then records and pushes at once.
    let first = run_fleet(&fleet, |_| ()).await;
    for e in &fleet {
        let turf = e.store().turfs().expect("turfs")[0].id;
        let hs = e.store().households(turf).expect("households");
        for i in 0..per_device {
            e.store()
                .record(hs[i % hs.len()].id, None, knock())
                .expect("record");
        }
    }
    let (lat, wall) = run_fleet(&fleet, |_| ()).await;
    let drained = fleet
        .iter()
        .all(|e| e.store().pending_count().expect("pending") == 0);
    let stored = server.store.event_count(demo.campaign).expect("count");
    rows.push(row(
        &format!("{n_devices} devices download their turfs at once: p50 / p99 / wall"),
        format!(
            "{} / {} / {:.2} s",
            ms(percentile(&first.0, 0.5)),
            ms(percentile(&first.0, 0.99)),
            first.1.as_secs_f64()
        ),
        String::new(),
        "",
    ));
    rows.push(row(
        &format!("{n_devices} devices push {per_device} events each at once: p50 / p99 / wall"),
        format!(
            "{} / {} / {:.2} s",
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.99)),
            wall.as_secs_f64()
        ),
        String::new(),
        "all drained",
    ));
    rows.push(row(
        "  ... all outboxes drained, server holds every event once",
        format!(
            "{} ({stored} of {})",
            if drained && stored as usize == n_devices * per_device {
                "yes"
            } else {
                "NO"
            },
            n_devices * per_device
        ),
        String::new(),
        "",
    ));

    print_table(&rows);
}

async fn run_fleet(fleet: &[Arc<Dev>], _f: impl Fn(usize)) -> (Vec<Duration>, Duration) {
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(fleet.len());
    for e in fleet {
        let e = e.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            e.engine
                .sync_until_drained(20)
                .await
                .expect("a device could not sync");
            t.elapsed()
        }));
    }
    let mut lat = Vec::with_capacity(tasks.len());
    for t in tasks {
        lat.push(t.await.expect("task"));
    }
    let wall = start.elapsed();
    lat.sort();
    (lat, wall)
}
