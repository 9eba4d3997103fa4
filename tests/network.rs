//! My network through the real `groundgame-server` binary: volunteer A records contacts and
//! asks while the server is down, then syncs; A's second device (joined with a code A's
//! phone made) pulls them; volunteer B's device never holds them (its SQLite file is
//! searched); the lead's summary equals the sums of A's records and names nobody; a revoked
//! device wipes its copy.

use groundgame::sync::HttpTransport;
use groundgame_core::event::{AskAnswer, AskKind};
use groundgame_core::network::{fold, NetworkBody, NetworkContactId, NetworkSummary, Relationship};

use crate::support::fixture::small_campaign;
use crate::support::process::{ServerProcess, TestDatabase};
use crate::support::{temp_dir, TestDevice};

fn saved(name: &str, phone: &str, note: &str) -> NetworkBody {
    NetworkBody::ContactSaved {
        name: name.into(),
        phone: Some(phone.into()),
        email: None,
        relationship: Relationship::Friend,
        note: note.into(),
    }
}

fn answered(ask: AskKind, answer: AskAnswer, cents: Option<u32>) -> NetworkBody {
    NetworkBody::AskAnswered {
        ask,
        answer,
        amount_promised_cents: cents,
        follow_up_on: None,
    }
}

/// Every text cell of every table in a device's SQLite file, joined (read under the
/// device's own key: the file is encrypted at rest).
fn everything_in(path: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open the device's file");
    let key = std::fs::read(groundgame::store::KeyFile::beside(path).path()).expect("key");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
        .expect("key");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut all = String::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..columns {
                if let Ok(rusqlite::types::ValueRef::Text(t)) = row.get_ref(i) {
                    all.push_str(&String::from_utf8_lossy(t));
                    all.push('\n');
                }
            }
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_network_syncs_to_my_devices_only_and_leads_see_totals() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let fx = small_campaign(db.open().as_ref(), 1, 2, 1);
    let mut server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let http = |url: &str| HttpTransport::new(url).expect("http");
    let ana = TestDevice::join(
        dir.path(),
        "ana",
        &server.url,
        &fx.volunteer_invite,
        http(&server.url),
    )
    .await;
    let ben = TestDevice::join(
        dir.path(),
        "ben",
        &server.url,
        &fx.volunteer_invite,
        http(&server.url),
    )
    .await;
    let lead = TestDevice::join(
        dir.path(),
        "lead",
        &server.url,
        &fx.lead_invite,
        http(&server.url),
    )
    .await;

    // The server goes down; Ana keeps recording.
    server.kill();
    let rosa = NetworkContactId::new_v7();
    let tom = NetworkContactId::new_v7();
    let ivy = NetworkContactId::new_v7();
    ana.store
        .record_network(vec![
            (
                rosa,
                saved("Rosa Quintanilla", "+19195550181", "Aunt, loves to bake"),
            ),
            (tom, saved("Tomasz Wierzbicki", "+19195550182", "Coworker")),
            (ivy, saved("Ivy Okonkwo-Reyes", "+19195550183", "Neighbour")),
        ])
        .expect("contacts");
    ana.store
        .record_network(vec![
            (
                rosa,
                answered(AskKind::Donate, AskAnswer::Yes, Some(10_000)),
            ),
            (
                rosa,
                NetworkBody::GiftReceived {
                    amount_cents: 4_000,
                },
            ),
            (
                tom,
                answered(AskKind::Donate, AskAnswer::Maybe, Some(2_500)),
            ),
            (tom, answered(AskKind::Pledge, AskAnswer::Yes, None)),
            (ivy, answered(AskKind::Volunteer, AskAnswer::No, None)),
            (
                ivy,
                NetworkBody::AskPlanned {
                    ask: AskKind::Donate,
                    follow_up_on: Some("2020-01-01".parse().expect("date")),
                },
            ),
        ])
        .expect("asks");
    assert_eq!(ana.store.network_pending().expect("pending"), 9);
    let err = ana
        .engine
        .sync_once()
        .await
        .expect_err("the server is down");
    assert!(err.is_transient(), "{err}");
    assert_eq!(
        ana.store.network_pending().expect("pending"),
        9,
        "nothing lost"
    );

    server.restart();
    ana.engine.sync_once().await.expect("sync");
    assert_eq!(ana.store.network_pending().expect("pending"), 0);
    assert_eq!(ana.store.network_counts().expect("counts"), (9, 0, 0));
    // Syncing again pushes nothing and changes nothing.
    ana.engine.sync_once().await.expect("sync again");
    assert_eq!(ana.store.network_counts().expect("counts"), (9, 0, 0));

    // Ana's laptop joins as Ana with a code her phone made (typed where an invite goes).
    let link = ana
        .engine
        .api()
        .create_device_link()
        .await
        .expect("link code");
    let laptop = TestDevice::join(
        dir.path(),
        "laptop",
        &server.url,
        &link.code,
        http(&server.url),
    )
    .await;
    let ana_identity = ana.store.identity().expect("identity").expect("joined");
    let laptop_identity = laptop.store.identity().expect("identity").expect("joined");
    assert_eq!(laptop_identity.volunteer, ana_identity.volunteer);
    assert_ne!(laptop_identity.device, ana_identity.device);
    laptop.engine.sync_once().await.expect("laptop sync");
    let anas = fold(&ana.store.network_records().expect("records"));
    let laptops = fold(&laptop.store.network_records().expect("records"));
    assert_eq!(laptops, anas, "the laptop holds exactly Ana's network");
    assert_eq!(laptops.active().count(), 3);

    // Ben's device never holds any of it.
    ben.engine.sync_once().await.expect("ben sync");
    assert_eq!(ben.store.network_counts().expect("counts"), (0, 0, 0));
    let bens_file = everything_in(&ben.path);
    for secret in [
        "Rosa",
        "Quintanilla",
        "Tomasz",
        "Okonkwo",
        "+19195550181",
        "bake",
    ] {
        assert!(!bens_file.contains(secret), "Ben's device holds {secret}");
    }

    // The lead: aggregates only, equal to the sums of Ana's records.
    let body = lead
        .engine
        .api()
        .get("/api/v1/network/summary")
        .await
        .expect("the lead reads the summary");
    let text = String::from_utf8_lossy(&body);
    for secret in ["Rosa", "Tomasz", "Okonkwo", "1955501", "bake", "Neighbour"] {
        assert!(!text.contains(secret), "the summary leaks {secret}: {text}");
    }
    let summary: NetworkSummary = serde_json::from_slice(&body).expect("summary");
    assert_eq!(summary.campaign, fx.campaign);
    assert_eq!(summary.volunteers.len(), 1, "only Ana has a network");
    let line = &summary.volunteers[0];
    assert_eq!(line.volunteer, ana_identity.volunteer);
    assert_eq!(line.totals, anas.totals(summary.today));
    assert_eq!(summary.totals, line.totals);
    let t = line.totals;
    assert_eq!(t.contacts, 3);
    assert_eq!(t.asks_made, 4, "donate ×2, pledge, volunteer");
    assert_eq!(t.asks_planned, 1);
    assert_eq!((t.donate.yes, t.donate.maybe), (1, 1));
    assert_eq!((t.pledge.yes, t.volunteer.no), (1, 1));
    assert_eq!(t.promised_cents, 10_000, "promised counts yes answers");
    assert_eq!(t.given_cents, 4_000);
    assert_eq!(t.follow_ups_due, 1);
    // A volunteer may not read it.
    let refused = ben.engine.api().get("/api/v1/network/summary").await;
    assert!(
        matches!(
            &refused,
            Err(groundgame::sync::SyncError::Server { status: 403, .. })
        ),
        "{refused:?}"
    );

    // The laptop is lost: revoked, it wipes its copy (the server and Ana's phone keep it).
    lead.engine
        .api()
        .revoke_device(laptop_identity.device)
        .await
        .expect("revoke the laptop");
    laptop
        .engine
        .sync_once()
        .await
        .expect_err("a revoked device is refused");
    assert_eq!(laptop.store.network_counts().expect("counts"), (0, 0, 0));
    assert!(!everything_in(&laptop.path).contains("Rosa"));
    assert_eq!(ana.store.network_counts().expect("counts").0, 9);
}
