//! The server process is killed with SIGKILL while devices are pushing, then started again
//! on the same data file and port. The field simulator (the real `groundgame-sim` binary,
//! many devices on real SQLite files over real HTTP) must still drain with nothing lost
//! and nothing duplicated.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use groundgame_core::CampaignId;

use crate::support::process::{field, server_command, ServerProcess, TestDatabase};
use crate::support::temp_dir;

const DEVICES: u64 = 6;
const EVENTS: u64 = 4000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_mid_push_loses_and_duplicates_nothing() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let demo = server_command(&[
        "demo",
        "--database",
        &db.arg,
        "--voters",
        "2000",
        "--turfs",
        "6",
        "--seed",
        "5",
    ]);
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
