//! The server commits a push but the answer never reaches the phone. The phone pushes the
//! same events again; the server answers "duplicate" and stores nothing twice.

use groundgame::sync::HttpTransport;
use rand::SeedableRng;

use crate::support::fixture::small_campaign;
use crate::support::transport::{FaultTransport, Faults};
use crate::support::{not_home, temp_dir, TestDevice, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_whose_answer_was_lost_is_retried_without_duplicates() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 5, 1);
    let dir = temp_dir();
    let transport = FaultTransport::new(
        HttpTransport::new(&server.url).expect("http"),
        rand::rngs::StdRng::seed_from_u64(7),
        Faults::NONE,
    );
    let device = TestDevice::join(
        dir.path(),
        "ana",
        &server.url,
        &fx.volunteer_invite,
        transport.clone(),
    )
    .await;
    let (turf, households) = fx.turfs[0].clone();
    server
        .store
        .set_assignees(turf, &[device.volunteer()])
        .expect("assign");
    device.engine.sync_once().await.expect("download");

    for h in &households {
        device.store.record(*h, None, not_home()).expect("record");
    }

    transport.set_faults(Faults {
        drop_response: 1.0,
        ..Faults::NONE
    });
    assert!(
        device.engine.sync_once().await.is_err(),
        "the answer was lost"
    );
    assert_eq!(
        server.store.event_count(fx.campaign).expect("count"),
        5,
        "the server committed"
    );
    assert_eq!(
        device.store.pending_count().expect("pending"),
        5,
        "the phone cannot know that"
    );

    transport.set_faults(Faults::NONE);
    let report = device.engine.sync_once().await.expect("retry");
    assert_eq!(report.accepted, 0);
    assert_eq!(report.duplicates, 5);
    assert_eq!(server.store.event_count(fx.campaign).expect("count"), 5);
    assert_eq!(device.store.pending_count().expect("pending"), 0);
    assert_eq!(device.store.all_events().expect("events").len(), 5);
}
