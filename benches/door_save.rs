//! A door save at the disk's pace (issue "Sync that keeps moving on a bad signal", §5):
//! recording one door result on the device — its outbox row (which carries the clock; the
//! event joins the events table when the server acknowledges it) and the row's index by
//! door, in one durable transaction (WAL, `synchronous=FULL`) — beside a raw one-row
//! INSERT commit with the same settings on the same disk, alternating so both see the same
//! moment of it. The device database is encrypted at rest (SQLCipher); the same store
//! unencrypted saves in the same loop, so the table shows what encryption costs (issue
//! "Security and privacy", §4).
//!
//! `cargo bench --bench door_save`; `GROUNDGAME_BENCH_QUICK=1` records a tenth as many,
//! `GROUNDGAME_BENCH_ROUNDS` sets how many rounds (5).

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
fn device(path: &Path, encrypted: bool) -> Store {
    let store = if encrypted {
        Store::open(path, system_clock())
    } else {
        Store::open_unencrypted_baseline(path, system_clock())
    }
    .expect("open");
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
                removed_events: Vec::new(),
                map: None,
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

/// How many rounds: `GROUNDGAME_BENCH_ROUNDS` (5 unless set). Each round saves into fresh
/// files; the table gives, for each figure, the round with the median ratio and the range
/// of the ratio over all rounds (one round's p99 moves by a fifth with the disk's mood).
fn rounds() -> usize {
    std::env::var("GROUNDGAME_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(5)
}

/// One round's latencies, each sorted: the encrypted store, the raw commit into a file
/// keyed alike, the unencrypted store, the raw commit into a plain file.
struct Round {
    ours: Vec<Duration>,
    keyed_base: Vec<Duration>,
    unencrypted: Vec<Duration>,
    base: Vec<Duration>,
}

fn round(n: usize) -> Round {
    let dir = bench_dir("groundgame-door-save-");
    let store = device(&dir.path().join("device.sqlite"), true);
    let plain = device(&dir.path().join("plain.sqlite"), false);
    let conn = raw_sqlite(&dir.path().join("raw.sqlite"), "FULL");
    // The same raw commit into a file encrypted as the device's is: the like-for-like floor.
    let keyed_path = dir.path().join("raw-keyed.sqlite");
    let keyed = {
        // raw_sqlite's settings and table, on the keyed file.
        let c = rusqlite::Connection::open(&keyed_path).expect("open");
        c.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\";",
            "5a".repeat(32) // any 32 bytes: this file holds no voter
        ))
        .expect("key");
        c.pragma_update(None, "journal_mode", "WAL").expect("wal");
        c.pragma_update(None, "synchronous", "FULL").expect("sync");
        c.execute_batch(
            "CREATE TABLE IF NOT EXISTS events (id BLOB PRIMARY KEY, household INTEGER NOT NULL,
             at INTEGER NOT NULL, body TEXT NOT NULL);",
        )
        .expect("table");
        c
    };
    let mut r = Round {
        ours: Vec::with_capacity(n),
        keyed_base: Vec::with_capacity(n),
        unencrypted: Vec::with_capacity(n),
        base: Vec::with_capacity(n),
    };
    let knock = || EventBody::Contact {
        channel: Channel::Door,
        result: "not_home".into(),
        call_back_at: None,
    };
    for i in 0..n {
        let door = HouseholdId(1 + (i as i64) % DOORS);
        let t = Instant::now();
        store.record(door, None, knock()).expect("record");
        r.ours.push(t.elapsed());
        let t = Instant::now();
        raw_insert(&keyed, i as u64);
        r.keyed_base.push(t.elapsed());
        let t = Instant::now();
        plain.record(door, None, knock()).expect("record");
        r.unencrypted.push(t.elapsed());
        let t = Instant::now();
        raw_insert(&conn, i as u64);
        r.base.push(t.elapsed());
    }
    for v in [
        &mut r.ours,
        &mut r.unencrypted,
        &mut r.base,
        &mut r.keyed_base,
    ] {
        v.sort();
    }
    r
}

fn main() {
    let n = scale(10_000, 200);
    let all: Vec<Round> = (0..rounds()).map(|_| round(n)).collect();
    let mut rows = Vec::new();
    let mut compare = |what: &str,
                       a: fn(&Round) -> &[Duration],
                       b: fn(&Round) -> &[Duration],
                       p: f64,
                       base: &str,
                       target: &str| {
        let mut each: Vec<(f64, Duration, Duration)> = all
            .iter()
            .map(|r| {
                let (a, b) = (percentile(a(r), p), percentile(b(r), p));
                (a.as_secs_f64() / b.as_secs_f64(), a, b)
            })
            .collect();
        each.sort_by(|x, y| x.0.total_cmp(&y.0));
        let (ratio, a, b) = each[each.len() / 2];
        rows.push(row(
            what,
            format!(
                "{} ({ratio:.2}×; rounds {:.2}–{:.2}×)",
                ms(a),
                each[0].0,
                each[each.len() - 1].0
            ),
            format!("{} ({base})", ms(b)),
            target,
        ));
    };
    for (what, p, target) in [
        ("p50", 0.50, ""),
        ("p99", 0.99, "< 1 ms and ≤ 1.3× the raw commit"),
        ("p99.9", 0.999, ""),
    ] {
        compare(
            &format!("door save {what}, encrypted ({n} saves a round)"),
            |r| &r.ours,
            |r| &r.keyed_base,
            p,
            "one-row INSERT commit, encrypted file",
            target,
        );
    }
    for (what, p) in [("p50", 0.50), ("p99", 0.99)] {
        compare(
            &format!("door save {what}, unencrypted"),
            |r| &r.unencrypted,
            |r| &r.base,
            p,
            "one-row INSERT commit, plain file",
            "",
        );
    }
    for (what, p) in [("p50", 0.50), ("p99", 0.99)] {
        compare(
            &format!("what encryption costs a door save, {what}"),
            |r| &r.ours,
            |r| &r.unencrypted,
            p,
            "the same store, no key",
            "",
        );
    }
    println!(
        "\n{} rounds (`GROUNDGAME_BENCH_ROUNDS`); each figure is the round with the median ratio, with the range over all of them:",
        all.len()
    );
    print_table(&rows);
}
