//! A lost phone: the lead revokes the device. At its next contact the server answers 401
//! "device_revoked" and the phone wipes every piece of voter data it held.

use groundgame::sync::{HttpTransport, SyncState};

use crate::support::fixture::small_campaign;
use crate::support::{not_home, temp_dir, TestDevice, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_and_wipes_its_voter_data() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 4, 2);
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http");
    let phone =
        TestDevice::join(dir.path(), "ana", &server.url, &fx.volunteer_invite, http()).await;
    let lead = TestDevice::join(dir.path(), "lead", &server.url, &fx.lead_invite, http()).await;
    let (turf, households) = fx.turfs[0].clone();
    lead.engine
        .api()
        .set_assignees(turf, &[phone.volunteer()])
        .await
        .expect("assign");
    phone.engine.sync_once().await.expect("download");
    phone
        .store
        .record(households[0], None, not_home())
        .expect("record");
    phone.engine.sync_once().await.expect("push");
    let (h, p, e) = phone.store.voter_data_counts().expect("counts");
    assert_eq!((h, p, e), (4, 8, 1));

    let device = phone
        .store
        .identity()
        .expect("identity")
        .expect("joined")
        .device;
    lead.engine
        .api()
        .revoke_device(device)
        .await
        .expect("lead revokes the lost phone");

    let err = phone
        .engine
        .sync_once()
        .await
        .expect_err("a revoked device is refused");
    assert!(
        !err.is_transient(),
        "revocation is final, not a network blip: {err}"
    );
    assert_eq!(phone.engine.status().state, SyncState::Revoked);
    assert_eq!(phone.store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert!(phone.store.turfs().expect("turfs").is_empty());
    assert_eq!(phone.store.pending_count().expect("pending"), 0);

    // The data stays gone when the app starts again.
    let phone = phone.restart(http());
    assert_eq!(phone.store.voter_data_counts().expect("counts"), (0, 0, 0));
    assert!(phone.engine.sync_once().await.is_err());
}
