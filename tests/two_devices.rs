//! Two canvassers knock the same doors while offline, then sync: each sees both knocks,
//! and the door status each computes equals the server's.

use std::collections::BTreeSet;

use groundgame::sync::HttpTransport;
use groundgame_core::event::Channel;
use groundgame_core::fold::{door_status, DoorState};
use groundgame_core::{CampaignConfig, EventBody, EventId};

use crate::support::fixture::small_campaign;
use crate::support::{temp_dir, TestDevice, TestServer};

fn knock(result: &str) -> EventBody {
    EventBody::Contact {
        channel: Channel::Door,
        result: result.into(),
        call_back_at: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_devices_see_both_knocks_and_agree_on_the_door() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 4, 2);
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http transport");
    let ana = TestDevice::join(dir.path(), "ana", &server.url, &fx.volunteer_invite, http()).await;
    let ben = TestDevice::join(dir.path(), "ben", &server.url, &fx.volunteer_invite, http()).await;
    let (turf, households) = fx.turfs[0].clone();
    server
        .store
        .set_assignees(turf, &[ana.volunteer(), ben.volunteer()])
        .expect("assign");
    ana.engine
        .sync_once()
        .await
        .expect("ana downloads her turf");
    ben.engine
        .sync_once()
        .await
        .expect("ben downloads his turf");
    assert_eq!(ana.store.households(turf).expect("households").len(), 4);
    assert_eq!(ben.store.households(turf).expect("households").len(), 4);

    // Both at the same door, neither with signal.
    let door = households[0];
    let resident = ben.store.people(door).expect("people")[0].id;
    let by_ana = ana
        .store
        .record(door, None, knock("not_home"))
        .expect("record");
    let by_ben = ben
        .store
        .record_visit(
            door,
            vec![
                (Some(resident), knock("talked")),
                (
                    Some(resident),
                    EventBody::Survey {
                        attempt: None,
                        question: "support".into(),
                        answer: "2".into(),
                    },
                ),
            ],
        )
        .expect("record visit");
    assert_eq!(ana.store.pending_count().expect("pending"), 1);
    assert_eq!(ben.store.pending_count().expect("pending"), 2);

    ana.engine.sync_once().await.expect("ana syncs");
    ben.engine.sync_once().await.expect("ben syncs");
    ana.engine.sync_once().await.expect("ana syncs again");

    let expected: BTreeSet<EventId> = std::iter::once(by_ana.id)
        .chain(by_ben.iter().map(|e| e.id))
        .collect();
    let server_events: Vec<_> = server
        .store
        .campaign_events(fx.campaign)
        .expect("server events")
        .into_iter()
        .filter(|e| e.household == door)
        .collect();
    assert_eq!(
        server_events.iter().map(|e| e.id).collect::<BTreeSet<_>>(),
        expected,
        "the server holds each knock exactly once"
    );
    assert_eq!(server_events.len(), expected.len());
    let config = CampaignConfig::with_defaults(fx.campaign, "Test campaign");
    let server_status = door_status(server_events.iter(), &config);
    assert_eq!(server_status.state, DoorState::Contacted);
    assert_eq!(server_status.attempts, 2);

    for device in [&ana, &ben] {
        let events = device.store.household_events(door).expect("events");
        let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
        assert_eq!(ids.len(), expected.len(), "no knock twice on a device");
        assert_eq!(ids.into_iter().collect::<BTreeSet<_>>(), expected);
        assert_eq!(device.store.pending_count().expect("pending"), 0);
        assert_eq!(
            device.store.door_status(door).expect("status"),
            server_status
        );
    }
}
