//! Phone-bank benchmark: the server's `claim` of the next contact on a 50,000-contact call
//! list, as a caller sees it between "next" and the next contact on screen (the issue's
//! target for that whole path is under 50 ms). The baseline, from the same run, is a plain
//! SELECT of one list entry by position on its own connection. Prints a table; asserts
//! nothing.
//!
//! Each claim follows a recorded result: between claims (outside the timing) the contact
//! just handed out is retired the way an accepted phone result retires it, so every claim
//! really takes the next one. Twenty callers take turns; the second run starts with half
//! the list already called.
//!
//! `cargo bench -p groundgame-server --bench calls` (release build).

use std::time::{Duration, Instant};

use groundgame_core::{CallListId, CampaignId, DeviceId, PersonId};
use groundgame_server::store::CallListFilter;
use groundgame_server::{NewHousehold, NewPerson, SqliteStore};
use rusqlite::{Connection, OpenFlags};

const CONTACTS: usize = 50_000;
const ROUNDS: usize = 2_000;
const CALLERS: i64 = 20;
const NOW: u64 = 1_800_000_000_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn row(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "| {name:<44} | {:>6} | {:>9.3} | {:>9.3} |",
        times.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
    );
}

/// Retire a contact and free its claim, as the push of a "talked" result does.
fn retire(conn: &Connection, person: PersonId) {
    let id = person.0.as_bytes().as_slice();
    conn.execute(
        "UPDATE call_list_members SET round = NULL WHERE person_id = ?1",
        [id],
    )
    .expect("retire");
    conn.execute("DELETE FROM call_claims WHERE person_id = ?1", [id])
        .expect("free");
}

fn claims(
    store: &SqliteStore,
    side: &Connection,
    list: CallListId,
    campaign: CampaignId,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let device = DeviceId(1 + i as i64 % CALLERS);
        let started = Instant::now();
        let got = store
            .claim_calls(list, campaign, device, 1, NOW + i as u64)
            .expect("claim");
        times.push(started.elapsed());
        let contact = got.first().expect("a contact is left");
        retire(side, contact.person);
    }
    times
}

fn main() {
    let dir = tempfile::Builder::new()
        .prefix("groundgame-calls-bench-")
        .tempdir_in(std::env::var("GROUNDGAME_BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))
        .expect("temp dir");
    let path = dir.path().join("server.sqlite");
    let store = SqliteStore::open(&path).expect("open");
    let campaign = store
        .create_campaign("Bench", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let turf = store.create_turf(campaign, "All").expect("turf");
    let started = Instant::now();
    let households: Vec<(NewHousehold, Vec<NewPerson>)> = (0..CONTACTS)
        .map(|i| {
            (
                NewHousehold {
                    street: format!("Street {}", i / 500),
                    number: (i % 500 + 1).to_string(),
                    city: "Benchville".into(),
                    zip: "27999".into(),
                    ..NewHousehold::default()
                },
                vec![NewPerson {
                    source_id: format!("B{i:06}"),
                    first_name: format!("F{i}"),
                    last_name: format!("L{i}"),
                    phone: Some(format!("+1919{:07}", 1_000_000 + i)),
                    ..NewPerson::default()
                }],
            )
        })
        .collect();
    store.add_households(turf, households).expect("households");
    let report = store
        .create_call_list(campaign, "Everyone", &CallListFilter::default())
        .expect("list");
    let list = report.id;
    let setup = started.elapsed();

    let side = Connection::open(&path).expect("side connection");
    side.busy_timeout(Duration::from_secs(10)).expect("timeout");
    let reader =
        Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("reader");

    let mut baseline = Vec::with_capacity(ROUNDS);
    {
        let mut stmt = reader
            .prepare_cached(
                "SELECT person_id, phone FROM call_list_members
                 WHERE call_list_id = ?1 AND position = ?2",
            )
            .expect("prepare");
        for i in 0..ROUNDS {
            let position = 1 + (i * 24_989) % CONTACTS;
            let started = Instant::now();
            let _: (Vec<u8>, String) = stmt
                .query_row(rusqlite::params![list.0, position as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .expect("baseline");
            baseline.push(started.elapsed());
        }
    }

    let fresh = claims(&store, &side, list, campaign);
    side.execute(
        "UPDATE call_list_members SET round = NULL
         WHERE call_list_id = ?1 AND position <= ?2",
        rusqlite::params![list.0, (CONTACTS / 2) as i64],
    )
    .expect("half called");
    let deep = claims(&store, &side, list, campaign);
    let mut progress = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        store.call_progress(list, campaign, NOW).expect("progress");
        progress.push(started.elapsed());
    }

    println!(
        "\ncall list of {} contacts (made in {:.1} s), {CALLERS} callers taking turns\n",
        report.members,
        setup.as_secs_f64()
    );
    println!(
        "| {:<44} | {:>6} | {:>9} | {:>9} |",
        "operation", "n", "p50 ms", "p99 ms"
    );
    println!("|{:-<46}|{:-<8}|{:-<11}|{:-<11}|", "", "", "", "");
    row("baseline: SELECT one member by position", baseline);
    row("claim next contact (list start)", fresh);
    row("claim next contact (25,000 already called)", deep);
    row("progress of the whole list", progress);
    println!("\ntarget: \"next\" to next contact on screen < 50 ms (the claim is one part)");
}
