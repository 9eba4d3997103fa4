//! A phone records a door result and the app is killed (SIGKILL) before it could push.
//! When the app starts again it delivers the result: nothing recorded is ever lost.
//!
//! The killed app is this test binary run again as a child process with
//! `GROUNDGAME_TEST_CHILD_DB` set: it records one knock, writes the event's id to a file
//! once the transaction has committed, and waits to be killed.

use std::process::Command;
use std::time::{Duration, Instant};

use groundgame::clock::system_clock;
use groundgame::store::Store;
use groundgame::sync::HttpTransport;
use groundgame_core::HouseholdId;

use crate::support::fixture::small_campaign;
use crate::support::{child_env, not_home, temp_dir, TestDevice, TestServer};

const CHILD_DB: &str = "GROUNDGAME_TEST_CHILD_DB";
const CHILD_HOUSEHOLD: &str = "GROUNDGAME_TEST_CHILD_HOUSEHOLD";
const CHILD_SAYS: &str = "GROUNDGAME_TEST_CHILD_SAYS";

/// Runs only as the child process; a no-op in a normal test run.
#[test]
fn child_records_a_knock_then_waits_to_be_killed() {
    let Some([db, household, says]) = child_env([CHILD_DB, CHILD_HOUSEHOLD, CHILD_SAYS]) else {
        return;
    };
    let household = HouseholdId(household.parse().expect("household id"));
    let store = Store::open(db.as_ref(), system_clock()).expect("open store");
    let event = store.record(household, None, not_home()).expect("record");
    std::fs::write(&says, event.id.to_string()).expect("say what was recorded");
    std::thread::sleep(std::time::Duration::from_secs(600));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_recorded_just_before_the_app_was_killed_is_delivered_later() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 3, 1);
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http");
    let device =
        TestDevice::join(dir.path(), "ana", &server.url, &fx.volunteer_invite, http()).await;
    let (turf, households) = fx.turfs[0].clone();
    server
        .store
        .set_assignees(turf, &[device.volunteer()])
        .expect("assign");
    device.engine.sync_once().await.expect("download");
    let path = device.path.clone();
    drop(device);

    let says = dir.path().join("child-recorded.txt");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "crash_before_push::child_records_a_knock_then_waits_to_be_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, &path)
        .env(CHILD_HOUSEHOLD, households[1].0.to_string())
        .env(CHILD_SAYS, &says)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start the child app");
    let deadline = Instant::now() + Duration::from_secs(60);
    let recorded = loop {
        if let Ok(id) = std::fs::read_to_string(&says) {
            if !id.is_empty() {
                break id;
            }
        }
        if Instant::now() > deadline || child.try_wait().ok().flatten().is_some() {
            let _ = child.kill();
            panic!("the child app did not record its knock");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    child.kill().expect("SIGKILL the app");
    let _ = child.wait();
    assert_eq!(server.store.event_count(fx.campaign).expect("count"), 0);

    let device = TestDevice::open(&path, http(), system_clock());
    assert_eq!(device.store.pending_count().expect("pending"), 1);
    let report = device.engine.sync_once().await.expect("sync after restart");
    assert_eq!(report.accepted, 1);
    let on_server = server.store.campaign_events(fx.campaign).expect("events");
    assert_eq!(on_server.len(), 1);
    assert_eq!(on_server[0].id.to_string(), recorded);
    assert_eq!(device.store.pending_count().expect("pending"), 0);
}
