//! The app killed in the middle of its own writes: a door result being saved, a pull page
//! being written, a pull page just committed. The app is this test binary run again as a
//! child process with `GROUNDGAME_CRASH_AT` naming the crash point (`groundgame::crash`):
//! it dies there by SIGABRT, with nothing rolled back or flushed by the app. The test sees
//! it die by that signal (so the kill landed where it was meant to), opens its database
//! again, and checks that each write is all there or not there at all, that syncing on
//! finishes the turf, and that the device then holds exactly the server's turf.
//!
//! Planting "a pull page's cursor saved before its rows" (the cursor committed on its own)
//! makes `a_kill_while_a_pull_page_is_written_loses_no_door` fail: the restarted device
//! believes it has doors it never stored.

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use groundgame::clock::system_clock;
use groundgame::crash::CRASH_AT;
use groundgame::store::Store;
use groundgame::sync::{Engine, HttpTransport};
use groundgame_core::{HouseholdId, TurfId};

use crate::support::fixture::small_campaign;
use crate::support::{child_env, not_home, temp_dir, TestDevice, TestServer};

const CHILD_DB: &str = "GROUNDGAME_TEST_KILL_DB";
const CHILD_URL: &str = "GROUNDGAME_TEST_KILL_URL";
const CHILD_DOES: &str = "GROUNDGAME_TEST_KILL_DOES";
/// Rows per pull page in the child, so a turf takes several pages.
const PAGE_ROWS: u32 = 10;

/// Runs only as the child process; a no-op in a normal test run.
#[test]
fn child_app_syncs_or_records_until_its_crash_point() {
    let Some([db, url, does]) = child_env([CHILD_DB, CHILD_URL, CHILD_DOES]) else {
        return;
    };
    let store = std::sync::Arc::new(Store::open(db.as_ref(), system_clock()).expect("open"));
    if let Some(household) = does.strip_prefix("record:") {
        store
            .record(
                HouseholdId(household.parse().expect("household")),
                None,
                not_home(),
            )
            .expect("record");
    } else {
        let engine = Engine::new(store, HttpTransport::new(&url).expect("http"))
            .with_request_sizes(100, PAGE_ROWS);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(engine.sync_once())
            .expect("sync");
    }
    // Reaching here means the crash point was never reached: the parent sees exit 0.
}

/// Run the child app on `db` until it dies at `point`; panics unless it died by SIGABRT.
fn kill_at(db: &std::path::Path, url: &str, does: &str, point: &str) {
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "device_kill::child_app_syncs_or_records_until_its_crash_point",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, db)
        .env(CHILD_URL, url)
        .env(CHILD_DOES, does)
        .env(CRASH_AT, point)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run the child app");
    assert_eq!(
        status.signal(),
        Some(6),
        "the child app should have died at {point} by SIGABRT; it ended with {status}"
    );
}

fn door_ids(store: &Store, turf: TurfId) -> BTreeSet<i64> {
    store
        .households(turf)
        .expect("households")
        .iter()
        .map(|h| h.id.0)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_while_a_pull_page_is_written_loses_no_door() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 45, 1);
    let (turf, households) = fx.turfs[0].clone();
    let on_server: BTreeSet<i64> = households.iter().map(|h| h.0).collect();
    let http = || HttpTransport::new(&server.url).expect("http");
    // (crash point, pull pages committed before the kill)
    for (point, pages_done) in [
        ("pull-written:1", 0),
        ("pull-written:2", 1),
        ("pull-committed:2", 2),
    ] {
        let dir = temp_dir();
        let device = TestDevice::join_on(&server, dir.path(), &fx.volunteer_invite, turf).await;
        let path = device.path.clone();
        drop(device);

        kill_at(&path, &server.url, "pull", point);

        let store = Store::open(&path, system_clock()).expect("reopen after the kill");
        let held = door_ids(&store, turf);
        let cursor = store
            .scopes()
            .expect("scopes")
            .iter()
            .find(|s| s.turf == turf)
            .map_or(0, |s| s.cursor);
        // A page is all there or not at all: a page-multiple of doors, each one the
        // server's, and a cursor that moved only with its rows.
        assert!(
            held.is_subset(&on_server),
            "{point}: doors the server never sent"
        );
        assert!(
            held.len() <= pages_done * PAGE_ROWS as usize,
            "{point}: {} doors held after {pages_done} committed pages",
            held.len()
        );
        assert_eq!(
            held.is_empty(),
            cursor == 0,
            "{point}: the cursor moved without its doors ({} doors, cursor {cursor})",
            held.len()
        );
        drop(store);

        // Syncing on finishes the turf, exactly.
        let device = TestDevice::open(&path, http(), system_clock());
        device
            .engine
            .sync_once()
            .await
            .expect("sync after the kill");
        assert_eq!(
            door_ids(&device.store, turf),
            on_server,
            "{point}: after the restart the device holds the server's turf"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_while_a_door_result_is_saved_leaves_it_wholly_unsaved() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 3, 1);
    let (turf, households) = fx.turfs[0].clone();
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http");
    let device = TestDevice::join_on(&server, dir.path(), &fx.volunteer_invite, turf).await;
    device.engine.sync_once().await.expect("download");
    let path = device.path.clone();
    let events_before = device.store.all_events().expect("events").len();
    drop(device);

    kill_at(
        &path,
        &server.url,
        &format!("record:{}", households[0].0),
        "record-written",
    );

    // The save never returned to the volunteer, and none of it is there: no event without
    // its outbox row, no outbox row without its event.
    let device = TestDevice::open(&path, http(), system_clock());
    assert_eq!(device.store.pending_count().expect("pending"), 0);
    assert_eq!(
        device.store.all_events().expect("events").len(),
        events_before
    );
    // And the app goes on: the next save and sync work.
    device
        .store
        .record(households[0], None, not_home())
        .expect("record after the restart");
    let report = device.engine.sync_once().await.expect("sync");
    assert_eq!(report.accepted, 1);
    assert_eq!(server.store.event_count(fx.campaign).expect("count"), 1);
}
