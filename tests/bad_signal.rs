//! Sync on a bad signal. Three canvassers share a turf of 300 doors; the network drops a
//! given share of every request (half before it reaches the server, half by losing the
//! answer after the server acted), GETs included, on each device's own seeded transport.
//! Each device downloads the turf, records 150 events offline, and syncs — all three at
//! once, their requests truly concurrent — with the app's own retries and back-off (on a
//! test's time scale). Pushes go in batches of 40 and pulls in pages of 150 rows, so every
//! sync is many requests. At 10%, 25% and 40% loss:
//!
//! - nothing is lost or duplicated: the server holds exactly the events the devices made;
//! - every device holds exactly the server's events and computes the same door status;
//! - every device drained within [`SYNC_BOUND`] syncs, however many failed;
//! - both kinds of loss happened, at about the share asked for.

use std::collections::BTreeSet;
use std::sync::Arc;

use groundgame::sync::BackoffPolicy;
use groundgame_core::event::Channel;
use groundgame_core::fold::door_status;
use groundgame_core::{CampaignConfig, EventBody, EventId};
use groundgame_server::{app, AppState, SqliteStore};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::support::fixture::small_campaign;
use crate::support::temp_dir;
use crate::support::transport::{FaultCounts, FaultTransport, Faults, RouterTransport};
use crate::support::TestDevice;

type Net = FaultTransport<RouterTransport>;

const DEVICES: usize = 3;
const DOORS: usize = 300;
const EVENTS_EACH: usize = 150;
/// The most syncs a device may take to download its turf, and again to drain its outbox,
/// at any of the losses tried (a sync that moves something is followed by another at once;
/// with 40% loss about one request in forty fails all four of its tries).
const SYNC_BOUND: u32 = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_percent_loss_loses_nothing_and_drains() {
    bad_signal(0.10, 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_five_percent_loss_loses_nothing_and_drains() {
    bad_signal(0.25, 25).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_percent_loss_loses_nothing_and_drains() {
    bad_signal(0.40, 40).await;
}

/// Sync until the outbox is empty and a sync came through whole; how many syncs it took.
async fn drain(device: &TestDevice<Net>) -> Result<u32, String> {
    let back_off = BackoffPolicy {
        min: std::time::Duration::from_millis(1),
        max: std::time::Duration::from_millis(20),
    };
    let mut failures = 0;
    for syncs in 1..=SYNC_BOUND {
        match device.engine.sync_once().await {
            Ok(_) if device.store.waiting_count().map_err(|e| e.to_string())? == 0 => {
                return Ok(syncs);
            }
            Ok(_) => failures = 0,
            Err(e) if e.is_transient() => {
                failures += 1;
                tokio::time::sleep(back_off.delay(failures, &mut rand::thread_rng())).await;
            }
            Err(e) => return Err(format!("a sync failed for good: {e}")),
        }
    }
    Err(format!("not drained after {SYNC_BOUND} syncs"))
}

/// Every device drains at the same time.
async fn all_at_once(devices: &[TestDevice<Net>]) -> [Result<u32, String>; DEVICES] {
    let (a, b, c) = tokio::join!(drain(&devices[0]), drain(&devices[1]), drain(&devices[2]));
    [a, b, c]
}

async fn bad_signal(loss: f64, seed: u64) {
    let dir = temp_dir();
    let store = Arc::new(SqliteStore::open(&dir.path().join("server.sqlite")).expect("open"));
    let fx = small_campaign(store.as_ref(), 1, DOORS, 2);
    let (turf, doors) = fx.turfs[0].clone();
    let base = RouterTransport::new(app(AppState::new(store.clone())));
    let mut rng = StdRng::seed_from_u64(seed);

    let mut devices = Vec::new();
    let mut nets = Vec::new();
    for i in 0..DEVICES {
        let net = FaultTransport::new(
            base.clone(),
            StdRng::seed_from_u64(seed * 100 + i as u64),
            Faults::NONE,
        );
        let mut device = TestDevice::join(
            dir.path(),
            &format!("device{i}"),
            "http://bad-signal.invalid",
            &fx.volunteer_invite,
            net.clone(),
        )
        .await;
        device.engine = device.engine.with_request_sizes(40, 150);
        nets.push(net);
        devices.push(device);
    }
    let volunteers: Vec<_> = devices.iter().map(TestDevice::volunteer).collect();
    store.set_assignees(turf, &volunteers).expect("assign");
    let faults = Faults {
        drop_request: loss / 2.0,
        drop_response: loss / 2.0,
        ..Faults::NONE
    };
    for net in &nets {
        net.set_faults(faults);
    }

    // The first download, all three at once.
    let downloads = all_at_once(&devices).await;
    for (i, syncs) in downloads.iter().enumerate() {
        let syncs = syncs
            .as_ref()
            .unwrap_or_else(|e| panic!("device {i} download: {e}"));
        assert!(*syncs <= SYNC_BOUND);
        let held = devices[i].store.households(turf).expect("households").len();
        assert_eq!(held, DOORS, "device {i} holds the whole turf");
    }

    // Everyone records offline, then syncs at once.
    let mut created: BTreeSet<EventId> = BTreeSet::new();
    for device in &devices {
        let households = device.store.households(turf).expect("households");
        for _ in 0..EVENTS_EACH {
            let household = households.choose(&mut rng).expect("doors").id;
            let event = device
                .store
                .record(
                    household,
                    None,
                    EventBody::Contact {
                        channel: Channel::Door,
                        result: ["not_home", "literature_left", "come_back"]
                            .choose(&mut rng)
                            .expect("results")
                            .to_string(),
                        call_back_at: None,
                    },
                )
                .expect("record");
            created.insert(event.id);
        }
    }
    let drains = all_at_once(&devices).await;
    let mut took = Vec::new();
    for (i, syncs) in drains.into_iter().enumerate() {
        took.push(syncs.unwrap_or_else(|e| panic!("device {i} drain at {loss}: {e}")));
    }
    // Each device pulls once more, so it also holds what the others pushed last.
    for (i, device) in devices.iter().enumerate() {
        drain(device)
            .await
            .unwrap_or_else(|e| panic!("device {i} catching up: {e}"));
    }

    // Nothing lost, nothing twice.
    let on_server = store.campaign_events(fx.campaign).expect("events");
    let ids: BTreeSet<EventId> = on_server.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), on_server.len(), "an event twice on the server");
    assert_eq!(
        ids, created,
        "the server holds exactly what the devices made"
    );

    // Every device equal to the server, door by door.
    let config = CampaignConfig::with_defaults(fx.campaign, "Test campaign");
    for (i, device) in devices.iter().enumerate() {
        let held: BTreeSet<EventId> = device
            .store
            .all_events()
            .expect("events")
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(held, ids, "device {i} holds the server's events");
        for door in &doors {
            let events: Vec<_> = on_server.iter().filter(|e| e.household == *door).collect();
            assert_eq!(
                device.store.door_status(*door).expect("status"),
                door_status(events, &config),
                "device {i}, door {door:?}"
            );
        }
    }

    // The loss happened, both kinds, at about the share asked for.
    let mut total = FaultCounts::default();
    for net in &nets {
        let c = net.counts();
        total.requests += c.requests;
        total.dropped_requests += c.dropped_requests;
        total.dropped_responses += c.dropped_responses;
    }
    let lost = (total.dropped_requests + total.dropped_responses) as f64;
    let share = lost / total.requests as f64;
    println!(
        "loss {loss}: {} requests, {} dropped, {} answers lost; syncs to drain {took:?}",
        total.requests, total.dropped_requests, total.dropped_responses
    );
    assert!(total.dropped_requests > 0 && total.dropped_responses > 0);
    assert!(
        (share - loss).abs() < 0.1,
        "asked for {loss} of requests lost, {share:.2} were"
    );
}
