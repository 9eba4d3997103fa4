//! A door save at the disk's pace (issue "Sync that keeps moving on a bad signal", §5):
//! recording one door result on the device — the event, its outbox row and the clock in one
//! durable transaction (WAL, `synchronous=FULL`) — beside a raw one-row INSERT commit with
//! the same settings on the same disk, alternating so both see the same moment of it.
//!
//! `cargo bench --bench door_save`; `GROUNDGAME_BENCH_QUICK=1` records a tenth as many.

use std::path::Path;
use std::time::{Duration, Instant};

use groundgame::clock::system_clock;
use groundgame::store::Store;
use groundgame_core::event::Channel;
use groundgame_core::protocol::{PullResponse, ScopePage};
use groundgame_core::{
    CampaignConfig, CampaignId, EventBody, Hlc, Household, HouseholdId, Turf, TurfId,
};

#[path = "common/mod.rs"]
#[allow(dead_code)]
mod common;
use common::{bench_dir, ms, percentile, print_table, raw_insert, raw_sqlite, row, scale};

const DOORS: i64 = 1_000;

/// A device holding one turf of a thousand doors, as a first download leaves it.
fn device(path: &Path) -> Store {
    let store = Store::open(path, system_clock()).expect("open");
    let turf = Turf {
        id: TurfId(1),
        campaign: CampaignId(1),
        name: "Bench turf".into(),
    };
    let households = (1..=DOORS)
        .map(|i| Household {
            id: HouseholdId(i),
            turf: turf.id,
            street: "Maple Street".into(),
            number: (100 + 2 * i).to_string(),
            unit: String::new(),
            city: "Maple Hollow".into(),
            zip: "27999".into(),
            lat: None,
            lon: None,
            walk_order: i as u32,
        })
        .collect();
    store
        .apply_pull(&PullResponse {
            server_time: Hlc::new(system_ms(), 0),
            campaign: CampaignConfig::with_defaults(CampaignId(1), "Bench"),
            scopes: vec![ScopePage {
                turf,
                cursor: DOORS as u64,
                complete: true,
                household_total: DOORS as u32,
                households,
                people: vec![],
                events: vec![],
                removed_households: vec![],
                removed_people: vec![],
            }],
            removed: vec![],
            has_more: false,
        })
        .expect("download");
    store
}

fn system_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn main() {
    let dir = bench_dir("groundgame-door-save-");
    let store = device(&dir.path().join("device.sqlite"));
    let conn = raw_sqlite(&dir.path().join("raw.sqlite"), "FULL");
    let n = scale(10_000, 200);
    let (mut ours, mut base): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for i in 0..n {
        let t = Instant::now();
        store
            .record(
                HouseholdId(1 + (i as i64) % DOORS),
                None,
                EventBody::Contact {
                    channel: Channel::Door,
                    result: "not_home".into(),
                    call_back_at: None,
                },
            )
            .expect("record");
        ours.push(t.elapsed());
        let t = Instant::now();
        raw_insert(&conn, i as u64);
        base.push(t.elapsed());
    }
    ours.sort();
    base.sort();
    let mut rows = Vec::new();
    for (what, p, target) in [
        ("p50", 0.50, ""),
        ("p99", 0.99, "< 1 ms and ≤ 1.3× the raw commit"),
        ("p99.9", 0.999, ""),
    ] {
        let (a, b) = (percentile(&ours, p), percentile(&base, p));
        rows.push(row(
            &format!("door save {what} ({n} saves)"),
            format!("{} ({:.2}×)", ms(a), a.as_secs_f64() / b.as_secs_f64()),
            format!("{} (one-row INSERT commit)", ms(b)),
            target,
        ));
    }
    print_table(&rows);
}
