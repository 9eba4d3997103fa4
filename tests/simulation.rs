//! The seeded deterministic simulation. Each seed builds a campaign on the server's real
//! router and store, two to four devices (real stores on real SQLite files, real sync
//! engines) whose clocks are skewed by up to three days either way, and a network that
//! drops requests, loses answers after the server committed, delivers requests twice and
//! replays stale ones late. Then it plays a random schedule: doors recorded offline,
//! syncs, phones going in and out of signal, apps killed at any request (before or after
//! the server saw it) or between any two steps, turfs reassigned, time passing. At the end
//! the network heals and everyone syncs; then it checks:
//!
//! - every event any device created exists exactly once on the server;
//! - every device holds exactly the server's events for the turfs in its scope (same ids,
//!   same content, same timestamps) and no voter data outside it;
//! - the door status each device computes equals the server's;
//! - every outbox is drained and nothing was rejected;
//! - derived state against oracles recomputed from the server's raw events: the lead's
//!   figures (knocks, contacts, doors knocked, in total and per turf) and the people (the
//!   voter file's plus exactly one per person added at a door, at that door), so a
//!   duplicated or replayed push that counted or added twice fails the seed;
//! - stale scope: a person added by a canvasser whose turf had been taken from them is held
//!   for a lead, never stored on its own. Before the last syncs a lead accepts or dismisses
//!   every held record at random; then every record a device made is stored or dismissed
//!   (never both, never neither), each held one was pushed when its volunteer no longer had
//!   the turf (checked against the assignment history), and every person added in the
//!   store came from a volunteer who had the turf then, or from a lead's acceptance.
//!
//! `GROUNDGAME_SIM_SEEDS=N` sets how many seeds run (default 1,000, at least 200, split over
//! 4 tests that run in parallel); every sweep checks that each kind of fault fired in each
//! shard, so a change that turned the faults off fails. A failing seed is printed and
//! `GROUNDGAME_SIM_SEED=S` replays it alone.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use groundgame::clock::WallClock;
use groundgame_core::event::Channel;
use groundgame_core::fold::door_status;
use groundgame_core::protocol::lead::HeldStatus;
use groundgame_core::{CampaignConfig, Event, EventBody, EventId, PersonId, TurfId, VolunteerId};
use groundgame_server::{app, AppState, SqliteStore};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::product_simulation::record_at_a_door;
use crate::support::fixture::{small_campaign, Fixture};
use crate::support::temp_dir;
use crate::support::transport::{FaultCounts, FaultTransport, Faults, RouterTransport};
use crate::support::TestDevice;

const DEFAULT_SEEDS: u64 = 1000;
const SHARDS: u64 = 4;
/// The fewest seeds a run takes: fifty per shard, enough that every kind of fault fires in
/// each (which every run checks; at ten a shard, a record held for a lead did not). One
/// seed alone is replayed with `GROUNDGAME_SIM_SEED`.
const MIN_SEEDS: u64 = 200;
const DAY_MS: i64 = 86_400_000;

type Net = FaultTransport<RouterTransport>;

const STORMY: Faults = Faults {
    drop_request: 0.10,
    drop_response: 0.10,
    duplicate: 0.05,
    replay_stale: 0.10,
    crash: 0.03,
};

#[test]
fn simulation_shard_0() {
    run_shard(0);
}
#[test]
fn simulation_shard_1() {
    run_shard(1);
}
#[test]
fn simulation_shard_2() {
    run_shard(2);
}
#[test]
fn simulation_shard_3() {
    run_shard(3);
}

fn seeds(shard: u64) -> Vec<u64> {
    crate::support::sweep_seeds(
        "GROUNDGAME_SIM",
        DEFAULT_SEEDS,
        MIN_SEEDS,
        SHARDS,
        shard,
        "every kind of fault fires in each shard",
    )
}

/// Whether this run replays one seed (`GROUNDGAME_SIM_SEED`) rather than a sweep.
fn replaying_one() -> bool {
    std::env::var("GROUNDGAME_SIM_SEED").is_ok()
}

fn run_shard(shard: u64) {
    let mut total = Totals::default();
    let seeds = seeds(shard);
    let planned = seeds.len() as u64;
    for seed in seeds {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        match rt.block_on(run_seed(seed)) {
            Ok(t) => total.add(&t),
            Err(why) => panic!(
                "simulation seed {seed} failed: {why}\n\
                 replay it alone with: GROUNDGAME_SIM_SEED={seed} cargo test --test integration simulation"
            ),
        }
    }
    println!(
        "simulation shard {shard}: {} seeds, {} events, {} requests, {} dropped requests, \
         {} lost answers, {} duplicated, {} stale replays, {} crashes; {} records held for \
         a lead ({} accepted, {} dismissed with the others of their visit)",
        total.seeds,
        total.events,
        total.faults.requests,
        total.faults.dropped_requests,
        total.faults.dropped_responses,
        total.faults.duplicated,
        total.faults.replayed,
        total.faults.crashes,
        total.held,
        total.accepted,
        total.dismissed
    );
    assert_eq!(total.seeds, planned, "every planned seed ran");
    if replaying_one() {
        return;
    }
    // A sweep in which a kind of fault never happened proves nothing about it.
    let f = &total.faults;
    for (kind, n) in [
        ("request", f.requests),
        ("dropped request", f.dropped_requests),
        ("lost answer", f.dropped_responses),
        ("duplicated request", f.duplicated),
        ("stale replay", f.replayed),
        ("device crash", f.crashes),
        ("record held for a lead", total.held),
        ("held record accepted", total.accepted),
        ("held record dismissed", total.dismissed),
    ] {
        assert!(
            n > 0,
            "shard {shard}: no {kind} in {} seeds; the faults were not injected",
            total.seeds
        );
    }
}

#[derive(Default)]
struct Totals {
    seeds: u64,
    events: u64,
    /// Records held for a lead (stale scope), and how the lead decided them.
    held: u64,
    accepted: u64,
    dismissed: u64,
    faults: FaultCounts,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.seeds += other.seeds;
        self.events += other.events;
        self.held += other.held;
        self.accepted += other.accepted;
        self.dismissed += other.dismissed;
        let (a, b) = (&mut self.faults, &other.faults);
        a.requests += b.requests;
        a.dropped_requests += b.dropped_requests;
        a.dropped_responses += b.dropped_responses;
        a.duplicated += b.duplicated;
        a.replayed += b.replayed;
        a.crashes += b.crashes;
    }
}

struct SimDevice {
    name: String,
    device: Option<TestDevice<Net>>,
    net: Net,
    volunteer: VolunteerId,
    created: BTreeSet<EventId>,
}

impl SimDevice {
    fn get(&self) -> &TestDevice<Net> {
        self.device.as_ref().expect("device is running")
    }
    /// The app is killed and started again.
    fn restart(&mut self) {
        let device = self.device.take().expect("device is running");
        self.net.take_crash();
        self.device = Some(device.restart(self.net.clone()));
    }
}

async fn run_seed(seed: u64) -> Result<Totals, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = temp_dir();
    let store =
        Arc::new(SqliteStore::open(&dir.path().join("server.sqlite")).map_err(|e| e.to_string())?);
    let fx: Fixture = small_campaign(store.as_ref(), 3, 4, 2);
    let turf_of = fx.turf_of();
    let voter_file = server_people(&dir.path().join("server.sqlite"), &fx)?;
    let now = Arc::new(AtomicU64::new(1_800_000_000_000 + seed * 7_919));
    let server_clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let router = app(AppState::with_clock(store.clone(), server_clock));
    let base = RouterTransport::new(router);

    // Devices, each with its own skewed clock.
    let mut devices = Vec::new();
    for i in 0..rng.gen_range(2..=4) {
        let skew: i64 = match rng.gen_range(0..4) {
            0 => 0,
            1 => rng.gen_range(-5 * 60_000..5 * 60_000),
            2 => rng.gen_range(-3 * DAY_MS..-DAY_MS),
            _ => rng.gen_range(DAY_MS..3 * DAY_MS),
        };
        let clock: WallClock = {
            let now = now.clone();
            Arc::new(move || (now.load(Ordering::SeqCst) as i64 + skew) as u64)
        };
        let net = FaultTransport::new(base.clone(), StdRng::seed_from_u64(rng.gen()), Faults::NONE);
        let name = format!("device{i}");
        let device = TestDevice::join_with_clock(
            dir.path(),
            &name,
            "http://sim.invalid",
            &fx.volunteer_invite,
            net.clone(),
            clock,
        )
        .await;
        net.set_faults(STORMY);
        devices.push(SimDevice {
            name,
            volunteer: device.volunteer(),
            device: Some(device),
            net,
            created: BTreeSet::new(),
        });
    }
    let volunteers: Vec<VolunteerId> = devices.iter().map(|d| d.volunteer).collect();
    let mut assigned: BTreeMap<TurfId, BTreeSet<VolunteerId>> = BTreeMap::new();
    for (turf, _) in &fx.turfs {
        reassign(&store, &now, &mut rng, &mut assigned, *turf, &volunteers)?;
    }

    // The schedule.
    for _step in 0..rng.gen_range(40..120) {
        let d = rng.gen_range(0..devices.len());
        match rng.gen_range(0..100) {
            0..=34 => {
                if let Some(events) = record_at_a_door(&mut rng, devices[d].get())? {
                    devices[d].created.extend(events.iter().map(|e| e.id));
                }
            }
            35..=69 => {
                let _ = devices[d].get().engine.sync_once().await;
                if devices[d].net.take_crash() {
                    devices[d].restart();
                }
            }
            70..=77 => {
                let offline = devices[d].net.is_offline();
                devices[d].net.set_offline(!offline);
            }
            78..=84 => devices[d].restart(),
            85..=89 => {
                let (turf, _) = *fx.turfs.choose(&mut rng).expect("turfs");
                reassign(&store, &now, &mut rng, &mut assigned, turf, &volunteers)?;
            }
            _ => {
                now.fetch_add(rng.gen_range(1_000..600_000), Ordering::SeqCst);
            }
        }
    }

    // The network heals; everyone syncs until there is nothing left to move.
    for d in devices.iter_mut() {
        d.net.set_faults(Faults::NONE);
        d.net.set_offline(false);
        if d.net.take_crash() {
            d.restart();
        }
    }
    sync_everyone(&devices).await?;
    // A lead decides every record held for them; then everyone syncs again.
    let mut decided = (0, 0);
    let held = store.held_records(fx.campaign).map_err(|e| e.to_string())?;
    for r in held.iter().filter(|r| r.status == HeldStatus::Held) {
        let accept = rng.gen_bool(0.5);
        let lead = volunteers[0];
        let at = now.load(Ordering::SeqCst);
        match store.decide_held(fx.campaign, r.event, accept, lead, at) {
            Ok(_) if accept => decided.0 += 1,
            Ok(_) => decided.1 += 1,
            // Records about a person added are decided with that person's.
            Err(groundgame_server::StoreError::Invalid(why)) if why.contains("already") => {}
            Err(e) => return Err(format!("the lead could not decide a held record: {e}")),
        }
    }
    sync_everyone(&devices).await?;

    check(
        &store,
        &dir.path().join("server.sqlite"),
        &voter_file,
        &fx,
        &turf_of,
        &assigned,
        &devices,
    )?;
    let mut totals = Totals {
        seeds: 1,
        events: devices.iter().map(|d| d.created.len() as u64).sum(),
        held: held.len() as u64,
        accepted: decided.0,
        dismissed: decided.1,
        faults: FaultCounts::default(),
    };
    for d in &devices {
        totals.add(&Totals {
            seeds: 0,
            faults: d.net.counts(),
            ..Totals::default()
        });
    }
    Ok(totals)
}

/// Two rounds in which every device syncs, each with a few tries on the healed network.
async fn sync_everyone(devices: &[SimDevice]) -> Result<(), String> {
    for _round in 0..2 {
        for d in devices.iter() {
            let mut last = None;
            for _attempt in 0..3 {
                match d.get().engine.sync_once().await {
                    Ok(_) => {
                        last = None;
                        break;
                    }
                    Err(e) => last = Some(e.to_string()),
                }
            }
            if let Some(e) = last {
                return Err(format!("{} cannot sync on a healthy network: {e}", d.name));
            }
        }
    }
    Ok(())
}

/// The lead gives the turf to one or two of the volunteers, at the server's time.
fn reassign(
    store: &SqliteStore,
    now: &AtomicU64,
    rng: &mut StdRng,
    assigned: &mut BTreeMap<TurfId, BTreeSet<VolunteerId>>,
    turf: TurfId,
    volunteers: &[VolunteerId],
) -> Result<(), String> {
    let n = rng.gen_range(1..=2.min(volunteers.len()));
    let chosen: BTreeSet<VolunteerId> = volunteers.choose_multiple(rng, n).copied().collect();
    let list: Vec<VolunteerId> = chosen.iter().copied().collect();
    // On a millisecond of its own, so that every push is plainly before or after it.
    let at = now.fetch_add(1, Ordering::SeqCst) + 1;
    groundgame_server::Store::set_assignees_at(store, turf, &list, at)
        .map_err(|e| e.to_string())?;
    now.fetch_add(1, Ordering::SeqCst);
    assigned.insert(turf, chosen);
    Ok(())
}

fn check(
    store: &SqliteStore,
    server_file: &std::path::Path,
    voter_file: &BTreeMap<PersonId, i64>,
    fx: &Fixture,
    turf_of: &BTreeMap<groundgame_core::HouseholdId, TurfId>,
    assigned: &BTreeMap<TurfId, BTreeSet<VolunteerId>>,
    devices: &[SimDevice],
) -> Result<(), String> {
    let config = CampaignConfig::with_defaults(fx.campaign, "Test campaign");
    let server_events = store
        .campaign_events(fx.campaign)
        .map_err(|e| e.to_string())?;
    let server_ids: BTreeSet<EventId> = server_events.iter().map(|e| e.id).collect();
    if server_ids.len() != server_events.len() {
        return Err("the server holds an event twice".into());
    }
    let created: BTreeSet<EventId> = devices
        .iter()
        .flat_map(|d| d.created.iter().copied())
        .collect();
    // Held records a lead dismissed stay out; every other record is stored, once.
    let held = store.held_records(fx.campaign).map_err(|e| e.to_string())?;
    if let Some(r) = held.iter().find(|r| r.status == HeldStatus::Held) {
        return Err(format!("a held record was left undecided: {}", r.event));
    }
    let dismissed: BTreeSet<EventId> = held
        .iter()
        .filter(|r| r.status == HeldStatus::Dismissed)
        .map(|r| r.event)
        .collect();
    if let Some(both) = dismissed.intersection(&server_ids).next() {
        return Err(format!("a dismissed record was stored too: {both}"));
    }
    held_only_out_of_scope(server_file, fx)?;
    let kept: BTreeSet<EventId> = server_ids.union(&dismissed).copied().collect();
    let lost: Vec<_> = created.difference(&kept).collect();
    let extra: Vec<_> = kept.difference(&created).collect();
    if !lost.is_empty() || !extra.is_empty() {
        return Err(format!(
            "server differs from what devices created: {} lost, {} unexpected",
            lost.len(),
            extra.len()
        ));
    }
    let mut by_household: BTreeMap<_, Vec<&Event>> = BTreeMap::new();
    for e in &server_events {
        by_household.entry(e.household).or_default().push(e);
    }
    figures_match_the_events(store, fx, turf_of, &config, &server_events)?;
    people_match_the_events(server_file, fx, voter_file, &server_events)?;

    for d in devices {
        let device = d.get();
        let pending = device.store.pending_count().map_err(|e| e.to_string())?;
        if pending != 0 {
            return Err(format!(
                "{}: {pending} events still waiting in the outbox",
                d.name
            ));
        }
        let rejected = device.store.rejected().map_err(|e| e.to_string())?;
        if let Some(r) = rejected.first() {
            return Err(format!(
                "{}: an event was rejected: {} ({})",
                d.name, r.message, r.code
            ));
        }
        let held: BTreeSet<TurfId> = device
            .store
            .turfs()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|t| t.id)
            .collect();
        let expected: BTreeSet<TurfId> = assigned
            .iter()
            .filter(|(_, vs)| vs.contains(&d.volunteer))
            .map(|(t, _)| *t)
            .collect();
        if held != expected {
            return Err(format!(
                "{}: holds turfs {held:?}, its scope is {expected:?}",
                d.name
            ));
        }
        for (household, turf) in turf_of {
            let mut mine = device
                .store
                .household_events(*household)
                .map_err(|e| e.to_string())?;
            mine.sort_by_key(|e| e.id);
            if !held.contains(turf) {
                let people = device.store.people(*household).map_err(|e| e.to_string())?;
                if !mine.is_empty() || !people.is_empty() {
                    return Err(format!(
                        "{}: kept voter data of a turf outside its scope",
                        d.name
                    ));
                }
                continue;
            }
            let mut theirs: Vec<Event> = by_household
                .get(household)
                .map(|v| v.iter().map(|e| (*e).clone()).collect())
                .unwrap_or_default();
            theirs.sort_by_key(|e| e.id);
            if mine != theirs {
                return Err(format!(
                    "{}: household {household} differs from the server ({} events here, {} there)",
                    d.name,
                    mine.len(),
                    theirs.len()
                ));
            }
            let here = device
                .store
                .door_status(*household)
                .map_err(|e| e.to_string())?;
            let there = door_status(theirs.iter(), &config);
            if here != there {
                return Err(format!(
                    "{}: door {household} status {here:?}, server says {there:?}",
                    d.name
                ));
            }
        }
    }
    Ok(())
}

/// The lead's figures, recomputed from the server's raw events with plain loops: knocks,
/// contacts (results whose effect is "contacted") and doors knocked, for the campaign and
/// for each turf. Duplicated and replayed pushes must not count twice.
pub(crate) fn figures_match_the_events(
    store: &SqliteStore,
    fx: &Fixture,
    turf_of: &BTreeMap<groundgame_core::HouseholdId, TurfId>,
    config: &CampaignConfig,
    events: &[Event],
) -> Result<(), String> {
    // (knocks, contacts, doors knocked)
    let mut want: BTreeMap<Option<TurfId>, (u64, u64, BTreeSet<groundgame_core::HouseholdId>)> =
        BTreeMap::new();
    for e in events {
        if let EventBody::Contact {
            channel: Channel::Door,
            result,
            ..
        } = &e.body
        {
            let contacted = config
                .result_code(result)
                .is_some_and(|c| c.effect == groundgame_core::domain::ResultEffect::Contacted);
            for key in [None, turf_of.get(&e.household).copied()] {
                let entry = want.entry(key).or_default();
                entry.0 += 1;
                entry.1 += u64::from(contacted);
                entry.2.insert(e.household);
            }
        }
    }
    let progress = store
        .progress(fx.campaign, None)
        .map_err(|e| e.to_string())?;
    let got = |figures: &groundgame_core::protocol::lead::Figures, doors: u64| {
        (figures.knocks, figures.contacts, doors)
    };
    let expect = |key: Option<TurfId>| {
        want.get(&key)
            .map_or((0, 0, 0), |(k, c, d)| (*k, *c, d.len() as u64))
    };
    let totals = got(&progress.totals.figures, progress.totals.doors_knocked);
    if totals != expect(None) {
        return Err(format!(
            "the lead's totals (knocks, contacts, doors) are {totals:?}; the events say {:?}",
            expect(None)
        ));
    }
    for t in &progress.by_turf {
        let here = got(&t.figures, t.doors_knocked);
        if here != expect(Some(t.turf)) {
            return Err(format!(
                "turf {}: the lead sees {here:?}; the events say {:?}",
                t.turf,
                expect(Some(t.turf))
            ));
        }
    }
    Ok(())
}

/// Every person added at a door is on the server exactly once, at that door, beside the
/// voter file's people; nobody else is.
pub(crate) fn people_match_the_events(
    server_file: &std::path::Path,
    fx: &Fixture,
    voter_file: &BTreeMap<PersonId, i64>,
    events: &[Event],
) -> Result<(), String> {
    let stored = server_people(server_file, fx)?;
    let mut want = voter_file.clone();
    for e in events {
        if let (EventBody::PersonAdded { .. }, Some(person)) = (&e.body, e.person) {
            if want.insert(person, e.household.0).is_some() {
                return Err(format!("person {person} was added twice"));
            }
        }
    }
    if stored != want {
        return Err(format!(
            "the server holds {} people; the voter file and the doors' additions make {}",
            stored.len(),
            want.len()
        ));
    }
    Ok(())
}

/// The campaign's people on the server (id → household), read from its file.
/// The stale-scope oracle, from the server file's rows: every held record was pushed when
/// its volunteer no longer had its turf (and had had it), and every person added at a door
/// that the store holds came from a volunteer who had the turf when the server received it
/// — or was held, then accepted by a lead (stored flagged stale).
fn held_only_out_of_scope(server_file: &std::path::Path, fx: &Fixture) -> Result<(), String> {
    /// An event or held record: id, volunteer, turf, received at, kind, and a flag.
    type Row = (String, i64, i64, i64, String, bool);
    let conn = rusqlite::Connection::open(server_file).map_err(|e| e.to_string())?;
    let had_turf = |volunteer: i64, turf: i64, at: i64| -> Result<(bool, bool), String> {
        let (current, ended_before): (bool, bool) = conn
            .query_row(
                "SELECT COALESCE(MAX(assigned_at <= ?3 AND (unassigned_at IS NULL OR unassigned_at > ?3)), 0),
                        COALESCE(MAX(unassigned_at <= ?3), 0)
                 FROM assignments WHERE volunteer_id = ?1 AND turf_id = ?2",
                rusqlite::params![volunteer, turf, at],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| e.to_string())?;
        Ok((current, ended_before))
    };
    let rows = |sql: &str| -> Result<Vec<Row>, String> {
        let mut stmt = conn.prepare(sql).map_err(|e| e.to_string())?;
        let found = stmt
            .query_map([fx.campaign.0], |r| {
                Ok((
                    format!("{:?}", r.get_ref(0)?),
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .map_err(|e| e.to_string())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        Ok(found)
    };
    for (id, volunteer, turf, received, kind, _) in rows(
        "SELECT id, volunteer_id, turf_id, received_at, kind, 0 FROM held_events
         WHERE campaign_id = ?1",
    )? {
        let (current, ended_before) = had_turf(volunteer, turf, received)?;
        if current || !ended_before {
            return Err(format!(
                "held record {id} ({kind}) came from a volunteer who had the turf then"
            ));
        }
    }
    for (id, volunteer, turf, received, _, stale) in rows(
        "SELECT e.id, e.volunteer_id, e.turf_id, e.received_at, e.kind,
                EXISTS (SELECT 1 FROM held_events h WHERE h.id = e.id AND h.status = 'accepted')
         FROM events e WHERE e.campaign_id = ?1 AND e.kind = 'person_added'",
    )? {
        let (current, _) = had_turf(volunteer, turf, received)?;
        if !current && !stale {
            return Err(format!(
                "person added by event {id} came from a volunteer without the turf, and no \
                 lead accepted it"
            ));
        }
    }
    Ok(())
}

pub(crate) fn server_people(
    server_file: &std::path::Path,
    fx: &Fixture,
) -> Result<BTreeMap<PersonId, i64>, String> {
    let conn = rusqlite::Connection::open(server_file).map_err(|e| e.to_string())?;
    conn.prepare("SELECT id, household_id FROM people WHERE campaign_id = ?1")
        .and_then(|mut q| {
            q.query_map([fx.campaign.0], |r| {
                Ok((r.get::<_, PersonId>(0)?, r.get(1)?))
            })?
            .collect()
        })
        .map_err(|e| e.to_string())
}
