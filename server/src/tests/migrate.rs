//! `groundgame-server migrate`: an embedded database copied into PostgreSQL with nothing
//! lost (counts per table, and a device's pull, compared), and devices syncing on with the
//! cursors they hold.

use std::sync::Arc;

use groundgame_core::event::Channel;
use groundgame_core::protocol::{
    PullRequest, PullResponse, PushRequest, ScopeCursor, PROTOCOL_VERSION,
};
use groundgame_core::{Event, EventBody, EventId, Hlc, Role};

use crate::demo::{self, DemoOptions};
use crate::http::auth::{new_token, AuthDevice};
use crate::store::migrate;
use crate::store::postgres::ScratchDb;
use crate::{PgStore, SqliteStore, Store, StoreError};

const NOW: u64 = 1_800_000_000_000;

fn device(store: &dyn Store, code: &str, name: &str) -> AuthDevice {
    let (_, hash) = new_token();
    let reg = store
        .register_device(code, name, "phone", "1.0", &hash, NOW)
        .expect("register");
    AuthDevice {
        device: reg.device,
        volunteer: reg.volunteer,
        campaign: reg.campaign,
        role: reg.role,
        last_seen_at: NOW,
        registered_at: NOW,
    }
}

fn pull(store: &dyn Store, who: &AuthDevice, scopes: Vec<ScopeCursor>) -> PullResponse {
    let mut res = store
        .pull(
            who,
            &PullRequest {
                maps: false,
                protocol: PROTOCOL_VERSION,
                scopes,
                limit: Some(100_000),
            },
            NOW,
        )
        .expect("pull");
    res.server_time = Hlc::ZERO;
    res
}

fn cursors(res: &PullResponse) -> Vec<ScopeCursor> {
    res.scopes
        .iter()
        .map(|s| ScopeCursor {
            map: None,
            turf: s.turf.id,
            cursor: s.cursor,
        })
        .collect()
}

fn knock(household: groundgame_core::HouseholdId, at: u64) -> Event {
    Event {
        id: EventId::new_v7(),
        at: Hlc::new(at, 0),
        household,
        person: None,
        body: EventBody::Contact {
            channel: Channel::Door,
            result: "not_home".into(),
            call_back_at: None,
        },
    }
}

#[test]
fn a_campaign_moves_to_postgres_with_nothing_lost_and_devices_sync_on() {
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = Arc::new(SqliteStore::open(&dir.path().join("s.sqlite")).expect("open"));
    let made = demo::seed(
        &sqlite,
        &DemoOptions {
            seed: 3,
            voters: 400,
            turfs: 3,
        },
    )
    .expect("demo");
    let walker = device(sqlite.as_ref(), &made.volunteer_invite, "Walker");
    let lead = device(sqlite.as_ref(), &made.lead_invite, "Lead");
    assert_eq!(lead.role, Role::Lead);
    sqlite
        .set_assignees_at(made.turfs[0], &[walker.volunteer], NOW)
        .expect("assign");
    let before = pull(sqlite.as_ref(), &walker, Vec::new());
    let doors: Vec<_> = before.scopes[0].households.iter().map(|h| h.id).collect();
    let events: Vec<Event> = doors
        .iter()
        .take(5)
        .map(|h| knock(*h, NOW - 60_000))
        .collect();
    Store::push(
        sqlite.as_ref(),
        &walker,
        &PushRequest {
            protocol: PROTOCOL_VERSION,
            events,
            pending: 0,
        },
        None,
        NOW,
    )
    .expect("push");
    sqlite.remove_household(doors[9]).expect("remove");
    let walker_cursors = cursors(&pull(sqlite.as_ref(), &walker, cursors(&before)));

    let db = ScratchDb::for_tests();
    let pg = PgStore::connect(&db.url).expect("connect");
    let copied = migrate::copy(&sqlite, &pg).expect("migrate");
    assert!(copied.iter().any(|(t, n)| *t == "events" && *n == 5));
    for (table, in_sqlite, in_pg) in migrate::counts(&sqlite, &pg).expect("counts") {
        assert_eq!(in_sqlite, in_pg, "{table}");
    }
    // A second move into the same database is refused, and changes nothing.
    assert!(matches!(
        migrate::copy(&sqlite, &pg),
        Err(StoreError::Invalid(_))
    ));

    // The same devices, with the same tokens, pull the same thing from both.
    for who in [&walker, &lead] {
        assert_eq!(
            pull(sqlite.as_ref(), who, Vec::new()),
            pull(&pg, who, Vec::new()),
            "a fresh pull"
        );
    }
    // The walker syncs on from the cursor SQLite gave: only what is new arrives.
    let nothing_new = pull(&pg, &walker, walker_cursors.clone());
    assert!(nothing_new.scopes.is_empty(), "{nothing_new:?}");
    let later = knock(doors[1], NOW - 1000);
    Store::push(
        &pg,
        &walker,
        &PushRequest {
            protocol: PROTOCOL_VERSION,
            events: vec![later.clone()],
            pending: 0,
        },
        None,
        NOW,
    )
    .expect("push on postgres");
    let next = pull(&pg, &walker, walker_cursors.clone());
    assert_eq!(next.scopes.len(), 1);
    assert_eq!(
        next.scopes[0]
            .events
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        [later.id]
    );
    assert!(next.scopes[0].cursor > walker_cursors[0].cursor);
    // New rows get new ids past the copied ones.
    let turf = pg
        .create_turf(made.campaign, "After the move")
        .expect("turf");
    assert!(made.turfs.iter().all(|t| t.0 < turf.0));
}
