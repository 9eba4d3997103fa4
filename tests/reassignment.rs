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

/// Issue 13 §1, against the real server process: a canvasser taken off a turf (not revoked)
/// can no longer change what the campaign shares. Within the grace window a person she
/// adds at a door is held for a lead — the new canvasser does not get them — until the lead
/// accepts it; after the window, a canvasser whose phone never heard of the change has her
/// knock refused with `assignment_ended`: it stays on her phone, and the server's database
/// is as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canvasser_taken_off_a_turf_changes_nothing_shared_without_a_lead() {
    use groundgame_core::protocol::codes;
    use groundgame_core::protocol::lead::HeldStatus;
    use groundgame_core::{EventBody, PersonId};

    use crate::support::process::{ServerProcess, TestDatabase};

    const GRACE_MS: u64 = 3_000;
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let fx = small_campaign(db.open().as_ref(), 1, 3, 1);
    let grace = GRACE_MS.to_string();
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &["--stale-grace-ms", &grace]);
    let http = || HttpTransport::new(&server.url).expect("http");
    let (turf, households) = fx.turfs[0].clone();
    let offline = |seed| {
        FaultTransport::new(
            http(),
            rand::rngs::StdRng::seed_from_u64(seed),
            Faults::NONE,
        )
    };
    let (ana_net, cy_net) = (offline(1), offline(2));
    let ana = TestDevice::join(
        dir.path(),
        "ana",
        &server.url,
        &fx.volunteer_invite,
        ana_net.clone(),
    )
    .await;
    let cy = TestDevice::join(
        dir.path(),
        "cy",
        &server.url,
        &fx.volunteer_invite,
        cy_net.clone(),
    )
    .await;
    let ben = TestDevice::join(dir.path(), "ben", &server.url, &fx.volunteer_invite, http()).await;
    let lead = TestDevice::join(dir.path(), "lead", &server.url, &fx.lead_invite, http()).await;
    lead.engine
        .api()
        .set_assignees(turf, &[ana.volunteer(), cy.volunteer()])
        .await
        .expect("the turf is Ana's and Cy's");
    ana.engine.sync_once().await.expect("Ana downloads");
    cy.engine.sync_once().await.expect("Cy downloads");

    // Both lose signal; Ana adds a person at a door (with a phone number), Cy knocks.
    ana_net.set_offline(true);
    cy_net.set_offline(true);
    let newcomer = PersonId::new_v7();
    let added = ana
        .store
        .record(
            households[0],
            Some(newcomer),
            EventBody::PersonAdded {
                first_name: "Rosa".into(),
                last_name: "Held".into(),
                language: None,
                phone: Some("+19195550142".into()),
            },
        )
        .expect("record");
    let knock = cy
        .store
        .record(households[1], None, not_home())
        .expect("record");
    // Meanwhile the lead gives the turf to Ben.
    lead.engine
        .api()
        .set_assignees(turf, &[ben.volunteer()])
        .await
        .expect("reassign to Ben");
    let reassigned = std::time::Instant::now();
    ben.engine.sync_once().await.expect("Ben downloads");

    // Ana's signal returns within the window: delivered, and held.
    ana_net.set_offline(false);
    let report = ana.engine.sync_once().await.expect("Ana syncs");
    assert_eq!((report.accepted, report.rejected), (1, 0), "{report:?}");
    assert_eq!(ana.store.pending_count().expect("pending"), 0);
    ben.engine.sync_once().await.expect("Ben syncs");
    assert!(
        ben.store
            .people(households[0])
            .expect("people")
            .iter()
            .all(|p| p.id != newcomer),
        "Ben does not get a person a stale canvasser added"
    );
    let snapshot = lead
        .engine
        .api()
        .refresh_lead()
        .await
        .expect("lead views")
        .snapshot;
    let held: Vec<_> = snapshot
        .held
        .iter()
        .map(|r| (r.event, r.kind.as_str(), r.status))
        .collect();
    assert_eq!(held, vec![(added.id, "person_added", HeldStatus::Held)]);
    assert_eq!(snapshot.held[0].volunteer_name, "ana");

    // The lead accepts it: now Ben gets the person.
    lead.engine
        .api()
        .decide_held(added.id, true)
        .await
        .expect("accept");
    ben.engine.sync_once().await.expect("Ben syncs");
    assert!(ben
        .store
        .people(households[0])
        .expect("people")
        .iter()
        .any(|p| p.id == newcomer));

    // Cy's signal returns after the window: her knock is refused and stays on her phone.
    let wait = std::time::Duration::from_millis(GRACE_MS + 500);
    tokio::time::sleep(wait.saturating_sub(reassigned.elapsed())).await;
    let before = db.digest();
    cy_net.set_offline(false);
    let report = cy.engine.sync_once().await.expect("Cy syncs");
    assert_eq!((report.accepted, report.rejected), (0, 1), "{report:?}");
    let refused = cy.store.rejected().expect("rejected");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].event.id, knock.id);
    assert_eq!(refused[0].code, codes::ASSIGNMENT_ENDED);
    let after = db.digest();
    let changed = groundgame_server::store::Location::changed(&before, &after);
    // Only bookkeeping: when Cy's phone was last seen, and the server clock's mark (in
    // `sync_state` on SQLite, `campaign_feeds` on PostgreSQL).
    assert!(
        changed
            .iter()
            .all(|t| ["devices", "sync_state", "campaign_feeds"].contains(&t.as_str())),
        "Cy's refused push wrote {changed:?}"
    );
}
