//! The server process is killed with SIGKILL while devices are pushing, then started again
//! on the same data file and port. The field simulator (the real `groundgame-sim` binary,
//! many devices on real SQLite files over real HTTP) must still drain with nothing lost
//! and nothing duplicated. And the server dies at a crash point with a push committed and
//! not answered: the device's retry is told "duplicate", and nothing is stored twice.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use groundgame::sync::HttpTransport;
use groundgame_core::CampaignId;

use crate::support::fixture::small_campaign;
use crate::support::process::{demo_campaign, field, ServerProcess, TestDatabase};
use crate::support::{not_home, temp_dir, TestDevice};

const DEVICES: u64 = 6;
const EVENTS: u64 = 4000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_mid_push_loses_and_duplicates_nothing() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let demo = demo_campaign(&db, 2_000, 6, 5);
    let volunteer_invite = field(&demo, "volunteer invite: ");
    let lead_invite = field(&demo, "lead invite: ");

    let mut server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let store = db.open();
    let campaign = CampaignId(1);

    let sim = Command::new(env!("CARGO_BIN_EXE_groundgame-sim"))
        .args([
            "--server",
            &server.url,
            "--invite",
            &volunteer_invite,
            "--lead-invite",
            &lead_invite,
        ])
        .args([
            "--devices",
            &DEVICES.to_string(),
            "--events",
            &EVENTS.to_string(),
        ])
        .arg("--data-dir")
        .arg(dir.path().join("devices"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the simulator");

    // Wait until pushes are landing, then kill the server in the middle of them.
    let total = DEVICES * EVENTS;
    let deadline = Instant::now() + Duration::from_secs(300);
    let at_kill = loop {
        let n = store.event_count(campaign).expect("count");
        if n > 0 {
            break n;
        }
        assert!(Instant::now() < deadline, "no push reached the server");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    server.kill();
    assert!(
        at_kill < total,
        "the kill landed mid-push ({at_kill} of {total} stored)"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.restart();

    let out = tokio::task::spawn_blocking(move || sim.wait_with_output())
        .await
        .expect("join")
        .expect("simulator output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the simulator must drain after the restart:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        store.event_count(campaign).expect("count"),
        total,
        "every event, exactly once:\n{stdout}"
    );
    let events = store.campaign_events(campaign).expect("events");
    let unique: std::collections::BTreeSet<_> = events.iter().map(|e| e.id).collect();
    assert_eq!(unique.len() as u64, total);
}

/// The server dies (SIGABRT at its `push-committed` crash point) after a push's group has
/// committed and before any answer left: provably in flight, committed and unanswered. The
/// device never heard, so it still holds the records; after the restart it pushes them
/// again, the server answers "duplicate", and each record is stored exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_committed_but_unanswered_when_the_server_dies_is_stored_once() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let store = db.open();
    let fx = small_campaign(store.as_ref(), 1, 5, 1);
    let (turf, households) = fx.turfs[0].clone();
    let mut server = ServerProcess::start_crashing_at(&db, "127.0.0.1:0", "push-committed");
    let http = || HttpTransport::new(&server.url).expect("http");
    let device =
        TestDevice::join(dir.path(), "ana", &server.url, &fx.volunteer_invite, http()).await;
    store
        .set_assignees(turf, &[device.volunteer()])
        .expect("assign");
    device.engine.sync_once().await.expect("download");
    for h in &households[..3] {
        device.store.record(*h, None, not_home()).expect("record");
    }

    // The push commits, and the server dies before it answers.
    let _ = device.engine.sync_once().await;
    let status = server.wait_for_death(Duration::from_secs(30));
    assert_eq!(
        status.signal(),
        Some(6),
        "the server should have died at its crash point; it ended with {status}"
    );
    assert_eq!(
        store.event_count(fx.campaign).expect("count"),
        3,
        "the push was committed"
    );
    assert_eq!(
        device.store.pending_count().expect("pending"),
        3,
        "and never answered"
    );

    server.restart();
    let report = device
        .engine
        .sync_once()
        .await
        .expect("sync after the restart");
    assert_eq!((report.accepted, report.duplicates), (0, 3), "{report:?}");
    assert_eq!(device.store.pending_count().expect("pending"), 0);
    let events = store.campaign_events(fx.campaign).expect("events");
    let unique: std::collections::BTreeSet<_> = events.iter().map(|e| e.id).collect();
    assert_eq!(
        (events.len(), unique.len()),
        (3, 3),
        "each record exactly once"
    );
}
