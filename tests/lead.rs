//! The field lead's device against the real server over HTTP: it fetches every lead view
//! into its local cache, the cached figures equal what the server computes, an action
//! (quarantine, call-list callers, invite) goes through, and with the server gone the last
//! figures stay readable with their time while a refresh fails as "no connection".

use groundgame::sync::{HttpTransport, SyncError};
use groundgame_core::Role;
use groundgame_server::store::CallListFilter;

use crate::support::fixture::small_campaign;
use crate::support::{not_home, temp_dir, TestDevice, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_device_caches_the_figures_and_reads_them_offline() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 4, 2);
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http");
    let ana = TestDevice::join(dir.path(), "ana", &server.url, &fx.volunteer_invite, http()).await;
    let lead = TestDevice::join(dir.path(), "lead", &server.url, &fx.lead_invite, http()).await;
    let (turf, households) = fx.turfs[0].clone();
    lead.engine
        .api()
        .set_assignees(turf, &[ana.volunteer()])
        .await
        .expect("assign");
    ana.engine.sync_once().await.expect("download");
    for h in &households[..3] {
        ana.store.record(*h, None, not_home()).expect("record");
    }
    ana.engine.sync_once().await.expect("push");
    let list = server
        .store
        .create_call_list(fx.campaign, "Evening", &CallListFilter::default())
        .expect("call list");

    let cached = lead.engine.api().refresh_lead().await.expect("refresh");
    let on_server = server.store.progress(fx.campaign, None).expect("progress");
    let p = &cached.snapshot.progress;
    assert_eq!(p.totals.households, on_server.totals.households);
    assert_eq!(p.totals.doors_knocked, 3);
    assert_eq!(p.totals.figures.knocks, on_server.totals.figures.knocks);
    assert_eq!(p.by_turf.len(), on_server.by_turf.len());
    assert_eq!(p.by_hour.len(), 24);
    let ana_row = p
        .by_volunteer
        .iter()
        .find(|v| v.volunteer == ana.volunteer())
        .expect("Ana's row");
    assert_eq!(ana_row.figures.knocks, 3);
    assert!(cached
        .snapshot
        .turfs
        .iter()
        .any(|t| t.id == turf && t.assignees == vec![ana.volunteer()]));
    assert!(cached
        .snapshot
        .volunteers
        .iter()
        .any(|v| v.id == ana.volunteer() && v.devices.len() == 1));
    assert_eq!(cached.snapshot.call_lists.len(), 1);
    assert!(!cached.snapshot.invites.is_empty());
    assert_eq!(
        lead.store.lead_snapshot().expect("read").as_ref(),
        Some(&cached)
    );

    // Actions: callers, quarantine, an invite (shown once, listed without its code).
    lead.engine
        .api()
        .assign_call_list(list.id, &[ana.volunteer()])
        .await
        .expect("callers");
    lead.engine
        .api()
        .set_quarantine(ana.volunteer(), true)
        .await
        .expect("quarantine");
    let invite = lead
        .engine
        .api()
        .create_invite(Role::Volunteer, 2, 3)
        .await
        .expect("invite");
    assert_eq!((invite.role, invite.uses), (Role::Volunteer, 2));
    let again = lead.engine.api().refresh_lead().await.expect("refresh");
    assert_eq!(again.snapshot.call_lists[0].callers, vec![ana.volunteer()]);
    assert!(again
        .snapshot
        .progress
        .by_volunteer
        .iter()
        .any(|v| v.volunteer == ana.volunteer() && v.quarantined));
    assert_eq!(again.snapshot.progress.totals.figures.knocks, 0);
    let newest = &again.snapshot.invites[0];
    assert_eq!((newest.max_uses, newest.used), (2, 0));

    // A volunteer's device is refused by the server.
    let refused = ana
        .engine
        .api()
        .refresh_lead()
        .await
        .expect_err("not a lead");
    assert!(
        matches!(refused, SyncError::Server { status: 403, .. }),
        "{refused}"
    );
    assert_eq!(ana.store.lead_snapshot().expect("read"), None);

    // The server goes away: the figures stay, with their time.
    server.stop().await;
    let offline = lead.engine.api().refresh_lead().await.expect_err("offline");
    assert!(offline.is_transient(), "{offline}");
    assert_eq!(
        lead.store.lead_snapshot().expect("read").as_ref(),
        Some(&again)
    );
}
