//! The lead's progress figures on a big campaign: 50,000 households and 1,000,000 events
//! in the embedded store, then the time `GET /api/v1/progress` spends in the store and in
//! JSON (p50/p99): cold (the first request on a store just opened, with nothing warmed),
//! the first request after a server start (which warms the figures in the background; the
//! warm-up's own time is shown apart), after a quarantine or a release, warm (nothing new),
//! and after each of 20 pushes of 1,000 events; beside a baseline from the same run
//! (`SELECT COUNT(*) FROM events WHERE campaign_id = ?`). Prints the table and the query
//! plans the figures rely on; asserts nothing.
//!
//! The data is written fast through a bulk SQL path here (one transaction, sequence numbers
//! taken from `sync_state` as the server does), not through HTTP.
//!
//! `cargo bench -p groundgame-server --bench progress` (release build).

use std::time::{Duration, Instant};

use groundgame_core::{CampaignId, EventBody, EventId, Role, VolunteerId};
use groundgame_server::{NewHousehold, NewPerson, SqliteStore};
use rusqlite::Connection;

const TURFS: usize = 100;
const HOUSEHOLDS_PER_TURF: usize = 500;
const VOLUNTEERS: usize = 50;
const EVENTS: usize = 1_000_000;
const RUNS: usize = 20;
const PUSH: usize = 1_000;
/// 2027-01-01T00:00:00Z: the campaign's first day; events spread over 30 days.
const START_MS: u64 = 1_798_761_600_000;

/// A small, fast, deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct World {
    /// (household, turf, person).
    doors: Vec<(i64, i64, Vec<u8>)>,
    volunteers: Vec<(VolunteerId, i64)>,
}

fn body(rng: &mut Rng) -> (EventBody, bool) {
    let knock = |r: &str| EventBody::Contact {
        channel: groundgame_core::event::Channel::Door,
        result: r.into(),
        call_back_at: None,
    };
    let roll = rng.below(100);
    match roll {
        0..=41 => (knock("not_home"), false),
        42..=53 => (knock("talked"), true),
        54..=59 => (knock("refused"), true),
        60..=74 => (
            EventBody::Survey {
                attempt: None,
                question: "support".into(),
                answer: (1 + rng.below(5)).to_string(),
            },
            true,
        ),
        75..=79 => (
            EventBody::Pledge {
                attempt: None,
                plan: Default::default(),
            },
            true,
        ),
        80..=89 => (
            EventBody::Ask {
                attempt: None,
                ask: if roll.is_multiple_of(2) {
                    groundgame_core::event::AskKind::Volunteer
                } else {
                    groundgame_core::event::AskKind::Donate
                },
                answer: groundgame_core::event::AskAnswer::Yes,
                amount_cents: None,
            },
            true,
        ),
        90..=94 => (
            EventBody::Contact {
                channel: groundgame_core::event::Channel::Phone,
                result: "no_answer".into(),
                call_back_at: None,
            },
            true,
        ),
        _ => (
            EventBody::Note {
                attempt: None,
                text: "dog in the yard".into(),
            },
            false,
        ),
    }
}

/// Append `n` events straight into the store's tables, in one transaction.
fn insert_events(conn: &mut Connection, campaign: CampaignId, w: &World, n: usize, rng: &mut Rng) {
    let tx = conn.transaction().expect("tx");
    let last: i64 = tx
        .query_row("SELECT last_seq FROM sync_state WHERE id = 1", [], |r| {
            r.get(0)
        })
        .expect("last seq");
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO events (seq, id, campaign_id, turf_id, household_id, person_id,
                                     device_id, volunteer_id, at, device_at, kind, body,
                                     stale_assignment, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, 0, ?9)",
            )
            .expect("prepare");
        for i in 0..n {
            let (household, turf, person) = &w.doors[rng.below(w.doors.len())];
            let (volunteer, device) = w.volunteers[rng.below(w.volunteers.len())];
            let (body, about_person) = body(rng);
            let at_ms = START_MS + rng.below(30 * 86_400_000) as u64;
            let json = serde_json::to_string(&body).expect("json");
            stmt.execute(rusqlite::params![
                last + 1 + i as i64,
                EventId::new_v7().0.as_bytes().as_slice(),
                campaign.0,
                turf,
                household,
                about_person.then_some(person.as_slice()),
                device,
                volunteer.0,
                (at_ms << 16) as i64,
                body.kind(),
                json,
            ])
            .expect("insert");
        }
    }
    tx.execute(
        "UPDATE sync_state SET last_seq = ?1 WHERE id = 1",
        [last + n as i64],
    )
    .expect("seq");
    tx.commit().expect("commit");
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn row(name: &str, samples: &mut [Duration]) {
    println!(
        "| {name:<44} | {:>4} | {:>9} | {:>9} |",
        samples.len(),
        ms(percentile(samples, 0.5)),
        ms(percentile(samples, 0.99))
    );
}

fn time_progress(store: &SqliteStore, campaign: CampaignId) -> (Duration, usize) {
    let t = Instant::now();
    let report = store.progress(campaign, None).expect("progress");
    let json = serde_json::to_vec(&report).expect("json");
    (t.elapsed(), json.len())
}

fn main() {
    let dir = tempfile::Builder::new()
        .prefix("groundgame-progress-bench-")
        .tempdir_in(std::env::var("GROUNDGAME_BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))
        .expect("temp dir");
    let path = dir.path().join("server.sqlite");
    let store = SqliteStore::open(&path).expect("open");
    let campaign = store
        .create_campaign(
            "Bench",
            groundgame_core::TimeZone::parse("America/New_York").expect("zone"),
        )
        .expect("campaign");
    let setup = Instant::now();
    for t in 0..TURFS {
        let turf = store.create_turf(campaign, &format!("T{t}")).expect("turf");
        let homes = (0..HOUSEHOLDS_PER_TURF)
            .map(|i| {
                (
                    NewHousehold {
                        street: format!("Street {t}"),
                        number: (i + 1).to_string(),
                        city: "Benchville".into(),
                        zip: "27999".into(),
                        ..NewHousehold::default()
                    },
                    vec![NewPerson {
                        source_id: format!("V{t}-{i}"),
                        first_name: "F".into(),
                        last_name: "L".into(),
                        ..NewPerson::default()
                    }],
                )
            })
            .collect();
        store.add_households(turf, homes).expect("households");
    }
    let mut volunteers = Vec::new();
    let invite = store
        .create_invite(campaign, Role::Volunteer, VOLUNTEERS as u32, u64::MAX / 2)
        .expect("invite");
    for v in 0..VOLUNTEERS {
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&(v as u64 + 1).to_le_bytes());
        let reg = store
            .register_device(&invite, &format!("V{v}"), "phone", "0.1.0", &hash, START_MS)
            .expect("register");
        volunteers.push((reg.volunteer, reg.device.0));
    }
    let mut conn = Connection::open(&path).expect("bulk connection");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy");
    let doors: Vec<(i64, i64, Vec<u8>)> = conn
        .prepare(
            "SELECT h.id, h.turf_id, p.id FROM households h JOIN people p ON p.household_id = h.id
             WHERE h.campaign_id = ?1",
        )
        .expect("prepare")
        .query_map([campaign.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("doors")
        .collect::<Result<_, _>>()
        .expect("doors");
    let world = World { doors, volunteers };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    insert_events(&mut conn, campaign, &world, EVENTS, &mut rng);
    println!(
        "set-up: {} households, {} events, {} volunteers in {:.1} s",
        world.doors.len(),
        store.event_count(campaign).expect("count"),
        VOLUNTEERS,
        setup.elapsed().as_secs_f64()
    );

    let mut baseline: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            store.event_count(campaign).expect("count");
            t.elapsed()
        })
        .collect();
    let (first, bytes) = time_progress(&store, campaign);
    let mut cold = vec![first];
    let mut warm_up = Vec::new();
    let mut after_start = Vec::new();
    for _ in 0..3 {
        // A server restart: a new store on the same file. Unwarmed, then warmed as
        // `groundgame-server serve` does before its first request.
        let fresh = SqliteStore::open(&path).expect("reopen");
        cold.push(time_progress(&fresh, campaign).0);
        let fresh = SqliteStore::open(&path).expect("reopen");
        let t = Instant::now();
        assert_eq!(fresh.warm_progress(), 1);
        warm_up.push(t.elapsed());
        after_start.push(time_progress(&fresh, campaign).0);
    }
    let mut quarantine = Vec::new();
    let lead = world.volunteers[0];
    for i in 0..6 {
        // A quarantine takes one volunteer's 20,000 events out of the figures; a release
        // puts them back. Neither rebuilds from every event.
        let v = world.volunteers[1].0;
        if i % 2 == 0 {
            store
                .quarantine_volunteer(v, groundgame_core::DeviceId(lead.1), START_MS)
                .expect("quarantine");
        } else {
            store
                .release_volunteer(v, groundgame_core::DeviceId(lead.1), START_MS)
                .expect("release");
        }
        quarantine.push(time_progress(&store, campaign).0);
    }
    let mut warm: Vec<Duration> = (0..RUNS)
        .map(|_| time_progress(&store, campaign).0)
        .collect();
    let mut after_push: Vec<Duration> = (0..RUNS)
        .map(|_| {
            insert_events(&mut conn, campaign, &world, PUSH, &mut rng);
            time_progress(&store, campaign).0
        })
        .collect();

    println!();
    println!("| {:<44} | runs | p50 (ms) | p99 (ms) |", "what");
    println!("|{:-<46}|------|-----------|-----------|", "");
    row(
        "baseline: SELECT COUNT(*) ... campaign_id = ?",
        &mut baseline,
    );
    row("progress, cold (full read, 1M events)", &mut cold);
    row("(server start: background warm-up)", &mut warm_up);
    row(
        "progress, first request after a server start",
        &mut after_start,
    );
    row("progress, after a quarantine or a release", &mut quarantine);
    row("progress, warm (no new events)", &mut warm);
    row("progress, after a push of 1,000 events", &mut after_push);
    println!("\nresponse size: {bytes} bytes of JSON; target: < 200 ms per request");

    println!("\nquery plans:");
    let plans = [
        (
            "catch-up",
            "SELECT seq, id, at, household_id, person_id, volunteer_id, body FROM events
             WHERE campaign_id = ?1 AND seq > ?2 ORDER BY seq",
        ),
        (
            "moved-events check",
            "SELECT COUNT(*) FROM events WHERE campaign_id = ?1 AND seq <= ?2",
        ),
        (
            "placed households",
            "SELECT h.id, h.turf_id FROM turfs t JOIN households h ON h.turf_id = t.id
             WHERE t.campaign_id = ?1",
        ),
        (
            "a volunteer's events (quarantine, release)",
            "SELECT at, household_id, body FROM events WHERE volunteer_id = ?1 AND seq <= ?2",
        ),
        (
            "quarantined",
            "SELECT volunteer_id FROM quarantines
             WHERE campaign_id = ?1 AND released_at IS NULL ORDER BY volunteer_id",
        ),
        (
            "baseline",
            "SELECT COUNT(*) FROM events WHERE campaign_id = ?1",
        ),
    ];
    for (name, sql) in plans {
        println!("- {name}:");
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("explain");
        let mut rows = stmt
            .query(rusqlite::params_from_iter(
                (0..sql.matches('?').count()).map(|_| 1i64),
            ))
            .expect("plan");
        while let Some(r) = rows.next().expect("row") {
            let detail: String = r.get(3).expect("detail");
            println!("    {detail}");
        }
    }
}
