//! A lead reassigns a turf while its canvasser is offline. The canvasser's knocks are
//! still accepted (facts are facts) and the new canvasser sees them; the old device drops
//! the turf's voter data on its next pull, without losing anything it had not pushed.

use std::collections::BTreeSet;

use groundgame::sync::HttpTransport;
use groundgame_core::EventId;
use rand::SeedableRng;

use crate::support::fixture::small_campaign;
use crate::support::transport::{FaultTransport, Faults};
use crate::support::{not_home, temp_dir, TestDevice, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn knocks_under_an_old_assignment_are_kept_and_the_old_device_drops_the_turf() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 2, 3, 2);
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http");
    let ana_net = FaultTransport::new(http(), rand::rngs::StdRng::seed_from_u64(1), Faults::NONE);
    let ana = TestDevice::join(
        dir.path(),
        "ana",
        &server.url,
        &fx.volunteer_invite,
        ana_net.clone(),
    )
    .await;
    let ben = TestDevice::join(dir.path(), "ben", &server.url, &fx.volunteer_invite, http()).await;
    let lead = TestDevice::join(dir.path(), "lead", &server.url, &fx.lead_invite, http()).await;
    let (turf, households) = fx.turfs[0].clone();
    let (other_turf, _) = fx.turfs[1].clone();

    lead.engine
        .api()
        .set_assignees(turf, &[ana.volunteer()])
        .await
        .expect("lead assigns the turf to Ana");
    lead.engine
        .api()
        .set_assignees(other_turf, &[ana.volunteer()])
        .await
        .expect("and a second turf");
    ana.engine.sync_once().await.expect("Ana downloads");
    assert_eq!(ana.store.turfs().expect("turfs").len(), 2);

    // Ana loses signal and keeps knocking.
    ana_net.set_offline(true);
    let mut knocked = BTreeSet::<EventId>::new();
    for h in &households {
        let e = ana.store.record(*h, None, not_home()).expect("record");
        knocked.insert(e.id);
    }
    assert!(ana.engine.sync_once().await.is_err(), "no signal");

    // Meanwhile the lead gives the turf to Ben.
    lead.engine
        .api()
        .set_assignees(turf, &[ben.volunteer()])
        .await
        .expect("reassign to Ben");
    ben.engine.sync_once().await.expect("Ben downloads");
    assert_eq!(ben.store.households(turf).expect("households").len(), 3);

    // Ana's signal returns.
    ana_net.set_offline(false);
    let report = ana.engine.sync_once().await.expect("Ana syncs");
    assert_eq!(
        report.accepted, 3,
        "knocks under the old assignment are accepted"
    );
    assert_eq!(report.removed_turfs, 1);
    assert_eq!(ana.store.pending_count().expect("pending"), 0);
    let ana_turfs: Vec<_> = ana
        .store
        .turfs()
        .expect("turfs")
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(
        ana_turfs,
        vec![other_turf],
        "the old turf is gone from Ana's phone"
    );
    assert!(ana.store.households(turf).expect("households").is_empty());
    for h in &households {
        assert!(ana.store.people(*h).expect("people").is_empty());
        assert!(ana.store.household_events(*h).expect("events").is_empty());
    }

    ben.engine.sync_once().await.expect("Ben syncs");
    let seen_by_ben: BTreeSet<EventId> = households
        .iter()
        .flat_map(|h| ben.store.household_events(*h).expect("events"))
        .map(|e| e.id)
        .collect();
    assert_eq!(seen_by_ben, knocked, "Ben sees every knock Ana made");
    assert_eq!(server.store.event_count(fx.campaign).expect("count"), 3);
}
