//! The seeded simulation of the whole product: door canvassing, phone banking and my
//! network at once, with a lead acting through the API, on a network that misbehaves.
//!
//! Each seed builds a campaign (3 turfs of 8 doors and 6 doors in no turf yet, as an
//! import leaves them; 60 voters with phones) on the server's real router and store: half the seeds reach it in-process, half over real HTTP on a
//! socket of 127.0.0.1 (hyper, reqwest, gzip, every header). A lead's device makes a call
//! list through the API and gives it to two or three of the three to five volunteers'
//! devices (real app stores on real SQLite files, real sync engines, clocks skewed by up to
//! three days, pushes of 6 events and pull pages of 10 rows, so every sync runs several of
//! each). Then it plays a random schedule in which several devices sync **at the same
//! time**:
//!
//! - doors: knocks with every result, survey answers, pledges, asks, notes, people added at
//!   the door, a phone do-not-contact said at a door;
//! - calls: the callers open the list, take the next contact and record every phone
//!   disposition (call-backs with and without a chosen time, do-not-call), with answers and
//!   pledges; leases run out while time passes;
//! - my network: contacts saved, asks planned and answered;
//! - the lead, through the API on the same bad network: turfs reassigned, the call list's
//!   callers changed, volunteers quarantined and released, the doors in no turf cut into
//!   new turfs (which later reassignments hand out), a phone revoked (at most one a
//!   seed: it is wiped at its next sync, and what it had not pushed is gone with it), held
//!   records decided;
//! - phones offline and back, apps killed at any request, time passing.
//!
//! Every request may be dropped, have its answer lost after the server committed, reach the
//! server twice, or be replayed late. At the end the network heals and everyone syncs; the
//! lead decides every held record; everyone syncs again. Then, beside the door simulation's
//! checks (each event exactly once, devices equal to the server in their scope, outboxes
//! drained, nothing rejected, the lead's figures and the people recomputed from the raw
//! events), oracles recompute from the server's stored events what its derived state must
//! be, and compare:
//!
//! - **calling rounds**: every list entry's round, due time and last call from the phone
//!   results stored about its person (a retirement is final; otherwise the latest result
//!   decides, so a replay that moved a contact again shows);
//! - **do-not-call**: exactly the numbers of the people with a stored do-not-call, and no
//!   entry with such a number still in the rounds;
//! - **claims**: no number held by two devices, nothing retired held, and each caller's
//!   phone holding exactly what the server says it holds;
//! - **my network**: each volunteer's records on the server exactly once, and on their
//!   phone exactly the server's;
//! - **stale scope**: every held record came from a volunteer who had neither the turf nor a
//!   call list with the person when the server received it (and had had one).
//!
//! Every sweep asserts that each kind of fault, record and lead action happened. The
//! seeds: `GROUNDGAME_PRODUCT_SEEDS=N` (default 300, at least 60, over 2 parallel tests);
//! `GROUNDGAME_PRODUCT_SEED=S` replays one.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use groundgame::clock::WallClock;
use groundgame::store::calls::HeldContact;
use groundgame::store::DeviceState;
use groundgame::sync::{HttpTransport, RawResponse, Transport, TransportError};
use groundgame_core::domain::ResultEffect;
use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan, DO_NOT_CALL_RESULT};
use groundgame_core::fold::door_status;
use groundgame_core::network::{NetworkBody, NetworkContactId, Relationship};
use groundgame_core::protocol::campaign_data::CutBy;
use groundgame_core::protocol::lead::HeldStatus;
use groundgame_core::{
    CallListId, CampaignConfig, CampaignId, DeviceId, Event, EventBody, EventId, HouseholdId,
    PersonId, TurfId, VolunteerId,
};
use groundgame_server::{app, AppState, SqliteStore};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::simulation::{figures_match_the_events, people_match_the_events, server_people};
use crate::support::fixture::{small_campaign, Fixture};
use crate::support::transport::{FaultCounts, FaultTransport, Faults, RouterTransport};
use crate::support::{temp_dir, TestDevice, TestServer};

const DEFAULT_SEEDS: u64 = 300;
const SHARDS: u64 = 2;
/// The fewest seeds a run takes: thirty per shard, enough that every kind of fault, record
/// and lead action happens in each (at ten a shard, some did not).
const MIN_SEEDS: u64 = 60;
const DAY_MS: i64 = 86_400_000;
const PUSH_EVENTS: usize = 6;
const PULL_ROWS: u32 = 10;

const STORMY: Faults = Faults {
    drop_request: 0.08,
    drop_response: 0.08,
    duplicate: 0.05,
    replay_stale: 0.08,
    crash: 0.02,
};

#[test]
fn product_simulation_shard_0() {
    run_shard(0);
}
#[test]
fn product_simulation_shard_1() {
    run_shard(1);
}

/// The server as the devices reach it: its router in this process, or real HTTP.
enum Base {
    Router(RouterTransport),
    Http(HttpTransport),
}

impl Transport for Base {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        match self {
            Base::Router(t) => t.post(path, token, body).await,
            Base::Http(t) => t.post(path, token, body).await,
        }
    }
    async fn get(&self, path: &str, token: Option<&str>) -> Result<RawResponse, TransportError> {
        match self {
            Base::Router(t) => t.get(path, token).await,
            Base::Http(t) => t.get(path, token).await,
        }
    }
    async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        match self {
            Base::Router(t) => t.put(path, token, body).await,
            Base::Http(t) => t.put(path, token, body).await,
        }
    }
}

type Net = FaultTransport<Base>;

fn seeds(shard: u64) -> Vec<u64> {
    crate::support::sweep_seeds(
        "GROUNDGAME_PRODUCT",
        DEFAULT_SEEDS,
        MIN_SEEDS,
        SHARDS,
        shard,
        "every kind of fault, record and lead action happens in each shard",
    )
}

/// What a sweep did, summed over its seeds: each must be above zero.
#[derive(Default, Debug, Clone)]
struct Tally {
    seeds: u64,
    over_http: u64,
    door_events: u64,
    phone_results: u64,
    do_not_calls: u64,
    network_records: u64,
    concurrent_syncs: u64,
    pushes_of_several_batches: u64,
    pulls_of_several_pages: u64,
    turfs_reassigned: u64,
    callers_changed: u64,
    quarantines: u64,
    held: u64,
    held_decided: u64,
    leases_run_out: u64,
    revoked: u64,
    cuts: u64,
    faults: FaultCounts,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.seeds += o.seeds;
        self.over_http += o.over_http;
        self.door_events += o.door_events;
        self.phone_results += o.phone_results;
        self.do_not_calls += o.do_not_calls;
        self.network_records += o.network_records;
        self.concurrent_syncs += o.concurrent_syncs;
        self.pushes_of_several_batches += o.pushes_of_several_batches;
        self.pulls_of_several_pages += o.pulls_of_several_pages;
        self.turfs_reassigned += o.turfs_reassigned;
        self.callers_changed += o.callers_changed;
        self.quarantines += o.quarantines;
        self.held += o.held;
        self.held_decided += o.held_decided;
        self.leases_run_out += o.leases_run_out;
        self.revoked += o.revoked;
        self.cuts += o.cuts;
        add_faults(&mut self.faults, &o.faults);
    }
}

fn add_faults(a: &mut FaultCounts, b: &FaultCounts) {
    a.requests += b.requests;
    a.dropped_requests += b.dropped_requests;
    a.dropped_responses += b.dropped_responses;
    a.duplicated += b.duplicated;
    a.replayed += b.replayed;
    a.crashes += b.crashes;
}

fn run_shard(shard: u64) {
    let seeds = seeds(shard);
    let planned = seeds.len() as u64;
    let mut total = Tally::default();
    for seed in seeds {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        match rt.block_on(run_seed(seed)) {
            Ok(t) => total.add(&t),
            Err(why) => panic!(
                "product simulation seed {seed} failed: {why}\n\
                 replay it alone with: GROUNDGAME_PRODUCT_SEED={seed} cargo test --test \
                 integration product_simulation"
            ),
        }
    }
    println!("product simulation shard {shard}: {total:?}");
    assert_eq!(total.seeds, planned, "every planned seed ran");
    if std::env::var("GROUNDGAME_PRODUCT_SEED").is_ok() {
        return;
    }
    let f = &total.faults;
    for (kind, n) in [
        ("seed over real HTTP", total.over_http),
        ("door record", total.door_events),
        ("phone result", total.phone_results),
        ("do-not-call", total.do_not_calls),
        ("network record", total.network_records),
        ("round of concurrent syncs", total.concurrent_syncs),
        ("push of several batches", total.pushes_of_several_batches),
        ("pull of several pages", total.pulls_of_several_pages),
        ("turf reassigned through the API", total.turfs_reassigned),
        ("call list's callers changed", total.callers_changed),
        ("quarantine through the API", total.quarantines),
        ("record held for a lead", total.held),
        ("held record decided through the API", total.held_decided),
        ("claim lease run out", total.leases_run_out),
        ("phone revoked and wiped", total.revoked),
        ("turfs cut through the API", total.cuts),
        ("request", f.requests),
        ("dropped request", f.dropped_requests),
        ("lost answer", f.dropped_responses),
        ("duplicated request", f.duplicated),
        ("stale replay", f.replayed),
        ("device crash", f.crashes),
    ] {
        assert!(
            n > 0,
            "shard {shard}: no {kind} in {} seeds; the simulation did not do what it claims",
            total.seeds
        );
    }
}

struct SimDevice {
    name: String,
    device_id: DeviceId,
    /// The server says the lead revoked it (read at the end: the lead may not have heard).
    revoked: bool,
    device: Option<TestDevice<Net>>,
    net: Net,
    volunteer: VolunteerId,
    created: BTreeSet<EventId>,
    network: BTreeSet<String>,
    contacts: Vec<NetworkContactId>,
}

impl SimDevice {
    fn get(&self) -> &TestDevice<Net> {
        self.device.as_ref().expect("device is running")
    }
    /// Wiped after a revocation: the app records nothing more.
    fn wiped(&self) -> bool {
        self.get().store.device_state() == Some(DeviceState::Revoked)
    }
    fn restart(&mut self) {
        let device = self.device.take().expect("device is running");
        self.net.take_crash();
        self.device = Some(sized(device.restart(self.net.clone())));
    }
}

/// Small pushes and pull pages, so that every sync runs several of each.
fn sized(device: TestDevice<Net>) -> TestDevice<Net> {
    TestDevice {
        engine: device.engine.with_request_sizes(PUSH_EVENTS, PULL_ROWS),
        ..device
    }
}

const DOOR_RESULTS: [&str; 8] = [
    "not_home",
    "not_home",
    "talked",
    "refused",
    "come_back",
    "moved",
    "literature_left",
    "vacant",
];

const PHONE_RESULTS: [&str; 11] = [
    "no_answer",
    "no_answer",
    "left_message",
    "busy",
    "wrong_number",
    "disconnected",
    "talked",
    "refused",
    "call_back",
    "call_back",
    DO_NOT_CALL_RESULT,
];

struct World {
    store: Arc<SqliteStore>,
    file: std::path::PathBuf,
    fx: Fixture,
    now: Arc<AtomicU64>,
    list: CallListId,
    lead: TestDevice<Net>,
    lead_net: Net,
    devices: Vec<SimDevice>,
    _server: Option<TestServer>,
}

async fn run_seed(seed: u64) -> Result<Tally, String> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_0f9a);
    let mut tally = Tally {
        seeds: 1,
        ..Tally::default()
    };
    let dir = temp_dir();
    let file = dir.path().join("server.sqlite");
    let store = Arc::new(SqliteStore::open(&file).map_err(|e| e.to_string())?);
    let fx = small_campaign(store.as_ref(), 3, 8, 2);
    unplaced_doors(&file, &fx, 6)?;
    let voter_file = server_people(&file, &fx)?;
    let now = Arc::new(AtomicU64::new(1_800_000_000_000 + seed * 7_919));
    let server_clock = {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    };
    let over_http = (seed / SHARDS) % 2 == 1;
    let mut server = None;
    let router = if over_http {
        tally.over_http = 1;
        let s = TestServer::start_with(temp_dir(), store.clone(), |st| {
            AppState::with_clock(st, server_clock.clone())
        })
        .await;
        server = Some(s);
        None
    } else {
        Some(RouterTransport::new(app(AppState::with_clock(
            store.clone(),
            server_clock.clone(),
        ))))
    };
    let url = server.as_ref().map(|s| s.url.clone());
    let base = || match (&router, &url) {
        (Some(r), _) => Base::Router(r.clone()),
        (None, Some(u)) => Base::Http(HttpTransport::new(u).expect("http transport")),
        (None, None) => unreachable!("a router or a server"),
    };
    let server_url = url.clone().unwrap_or_else(|| "http://sim.invalid".into());
    let skewed = |rng: &mut StdRng| -> WallClock {
        let skew: i64 = match rng.gen_range(0..4) {
            0 => 0,
            1 => rng.gen_range(-5 * 60_000..5 * 60_000),
            2 => rng.gen_range(-3 * DAY_MS..-DAY_MS),
            _ => rng.gen_range(DAY_MS..3 * DAY_MS),
        };
        let now = now.clone();
        Arc::new(move || (now.load(Ordering::SeqCst) as i64 + skew) as u64)
    };

    // The lead's device, on the same kind of network.
    let lead_net = FaultTransport::new(base(), StdRng::seed_from_u64(rng.gen()), Faults::NONE);
    let lead = TestDevice::join_with_clock(
        dir.path(),
        "lead",
        &server_url,
        &fx.lead_invite,
        lead_net.clone(),
        skewed(&mut rng),
    )
    .await;
    let mut devices = Vec::new();
    for i in 0..rng.gen_range(3..=5) {
        let net = FaultTransport::new(base(), StdRng::seed_from_u64(rng.gen()), Faults::NONE);
        let name = format!("device{i}");
        let device = TestDevice::join_with_clock(
            dir.path(),
            &name,
            &server_url,
            &fx.volunteer_invite,
            net.clone(),
            skewed(&mut rng),
        )
        .await;
        let device = sized(device);
        let device_id = device
            .store
            .identity()
            .map_err(|e| e.to_string())?
            .ok_or("the device did not join")?
            .device;
        devices.push(SimDevice {
            name,
            device_id,
            revoked: false,
            volunteer: device.volunteer(),
            device: Some(device),
            net,
            created: BTreeSet::new(),
            network: BTreeSet::new(),
            contacts: Vec::new(),
        });
    }
    // The lead makes the call list and cuts the work, on a good signal.
    let list = lead
        .engine
        .api()
        .create_call_list("Phone bank", &[], None)
        .await
        .map_err(|e| format!("the lead could not make the call list: {e}"))?;
    if list.members != 60 {
        return Err(format!(
            "the call list has {} members, not 60",
            list.members
        ));
    }
    let mut w = World {
        store,
        file,
        fx,
        now,
        list: list.id,
        lead,
        lead_net,
        devices,
        _server: server,
    };
    let volunteers: Vec<VolunteerId> = w.devices.iter().map(|d| d.volunteer).collect();
    for turf in turfs_now(&w.file, w.fx.campaign)? {
        let chosen = pick(&mut rng, &volunteers, 1, 2);
        lead_act(
            &w,
            |api| async move { api.set_assignees(turf, &chosen).await },
        )
        .await?;
    }
    let callers = pick(&mut rng, &volunteers, 2, 3);
    lead_act(&w, |api| async move {
        api.assign_call_list(list.id, &callers).await
    })
    .await?;
    for d in &w.devices {
        d.net.set_faults(STORMY);
    }
    w.lead_net.set_faults(STORMY);

    let mut revocation_tried = false;
    let mut cut_tried = false;
    for _step in 0..rng.gen_range(60..140) {
        let d = rng.gen_range(0..w.devices.len());
        let action = rng.gen_range(0..100);
        if w.devices[d].wiped() && action < 46 {
            continue;
        }
        match action {
            0..=21 => {
                if let Some(events) = record_at_a_door(&mut rng, w.devices[d].get())? {
                    tally.door_events += events.len() as u64;
                    tally.do_not_calls += events
                        .iter()
                        .filter(|e| {
                            matches!(
                                e.body,
                                EventBody::DoNotContact {
                                    channel: Channel::Phone
                                }
                            )
                        })
                        .count() as u64;
                    w.devices[d].created.extend(events.iter().map(|e| e.id));
                }
            }
            22..=39 => {
                if let Some(events) = make_a_call(&mut rng, w.devices[d].get(), w.list)? {
                    tally.phone_results += 1;
                    tally.do_not_calls += u64::from(events.iter().any(|e| {
                        matches!(&e.body, EventBody::Contact { result, .. } if result == DO_NOT_CALL_RESULT)
                    }));
                    w.devices[d].created.extend(events.iter().map(|e| e.id));
                }
            }
            40..=45 => {
                let dev = &mut w.devices[d];
                let ids = record_network(&mut rng, dev)?;
                tally.network_records += ids.len() as u64;
                dev.network.extend(ids);
            }
            46..=69 => {
                // Several phones sync at once.
                let n = rng.gen_range(1..=w.devices.len());
                let mut chosen: Vec<usize> = (0..w.devices.len()).collect();
                chosen.shuffle(&mut rng);
                chosen.truncate(n);
                tally.concurrent_syncs += u64::from(n > 1);
                let devices = &w.devices;
                let reports = futures_util::future::join_all(
                    chosen
                        .iter()
                        .map(|&i| async move { devices[i].get().engine.sync_once().await }),
                )
                .await;
                for r in reports.into_iter().flatten() {
                    tally.pushes_of_several_batches += u64::from(r.pushed > PUSH_EVENTS as u64);
                    tally.pulls_of_several_pages += u64::from(r.pulled_pages > 1);
                }
                for &i in &chosen {
                    if w.devices[i].net.take_crash() {
                        w.devices[i].restart();
                    }
                }
            }
            70..=75 => {
                let net = &w.devices[d].net;
                net.set_offline(!net.is_offline());
            }
            76..=80 => w.devices[d].restart(),
            81..=83 => {
                let turf = *turfs_now(&w.file, w.fx.campaign)?
                    .choose(&mut rng)
                    .expect("turfs");
                let chosen = pick(&mut rng, &volunteers, 1, 2);
                if lead_try(
                    &w,
                    |api| async move { api.set_assignees(turf, &chosen).await },
                )
                .await
                {
                    tally.turfs_reassigned += 1;
                }
            }
            84..=85 => {
                let chosen = pick(&mut rng, &volunteers, 1, 3);
                if lead_try(&w, |api| async move {
                    api.assign_call_list(list.id, &chosen).await
                })
                .await
                {
                    tally.callers_changed += 1;
                }
            }
            88 if !cut_tried => {
                cut_tried = true;
                lead_try(&w, |api| async move {
                    api.cut_turfs(CutBy::Street, 3).await.map(|_| ())
                })
                .await;
            }
            87 if !revocation_tried && rng.gen_bool(0.5) => {
                revocation_tried = true;
                let device = w.devices[d].device_id;
                lead_try(&w, |api| async move { api.revoke_device(device).await }).await;
            }
            86 => {
                let who = *volunteers.choose(&mut rng).expect("volunteers");
                let on = rng.gen_bool(0.5);
                if lead_try(&w, |api| async move { api.set_quarantine(who, on).await }).await {
                    tally.quarantines += 1;
                }
            }
            _ => {
                let passed = rng.gen_range(1_000..900_000);
                w.now.fetch_add(passed, Ordering::SeqCst);
            }
        }
    }

    // The network heals; everyone syncs; the lead decides every held record through the
    // API; everyone syncs again.
    w.lead_net.set_faults(Faults::NONE);
    for d in w.devices.iter_mut() {
        d.net.set_faults(Faults::NONE);
        d.net.set_offline(false);
        if d.net.take_crash() {
            d.restart();
        }
    }
    w.lead_net.take_crash();
    for d in w.devices.iter_mut() {
        d.revoked = revoked_on_server(&w.file, d.device_id)?;
        if d.revoked {
            tally.revoked += 1;
            // The next sync hears 401 and wipes the phone.
            let _ = d.get().engine.sync_once().await;
        }
    }
    sync_everyone(&w.devices).await?;
    let held = w
        .store
        .held_records(w.fx.campaign)
        .map_err(|e| e.to_string())?;
    tally.held = held.len() as u64;
    for r in held.iter().filter(|r| r.status == HeldStatus::Held) {
        let accept = rng.gen_bool(0.5);
        let event = r.event;
        match w.lead.engine.api().decide_held(event, accept).await {
            Ok(()) => tally.held_decided += 1,
            // Records about a person added are decided with that person's.
            Err(e) if e.to_string().contains("already") => {}
            Err(e) => return Err(format!("the lead could not decide a held record: {e}")),
        }
    }
    // Leases that ran out during the schedule show as claims whose time is past.
    tally.leases_run_out = expired_claims(&w)?;
    tally.cuts = u64::from(turfs_now(&w.file, w.fx.campaign)?.len() > 3);
    sync_everyone(&w.devices).await?;

    check(&w, &voter_file)?;
    for d in &w.devices {
        add_faults(&mut tally.faults, &d.net.counts());
    }
    add_faults(&mut tally.faults, &w.lead_net.counts());
    Ok(tally)
}

/// Between `min` and `max` of the volunteers, at random.
fn pick(rng: &mut StdRng, volunteers: &[VolunteerId], min: usize, max: usize) -> Vec<VolunteerId> {
    let n = rng.gen_range(min..=max.min(volunteers.len()));
    let mut chosen: Vec<VolunteerId> = volunteers.choose_multiple(rng, n).copied().collect();
    chosen.sort();
    chosen
}

/// A lead's action through the API on a good signal, at a millisecond of its own (so every
/// push is plainly before or after it). Set-up must succeed.
async fn lead_act<F, Fut>(w: &World, act: F) -> Result<(), String>
where
    F: FnOnce(Arc<groundgame::sync::ApiClient<Net>>) -> Fut,
    Fut: std::future::Future<Output = Result<(), groundgame::sync::SyncError>>,
{
    w.now.fetch_add(1, Ordering::SeqCst);
    let done = act(w.lead.engine.api().clone()).await;
    w.now.fetch_add(1, Ordering::SeqCst);
    done.map_err(|e| format!("the lead's set-up failed: {e}"))
}

/// A lead's action through the API on the stormy network: it may fail, or happen with its
/// answer lost (the oracles read what the server holds, not what the lead heard).
async fn lead_try<F, Fut>(w: &World, act: F) -> bool
where
    F: FnOnce(Arc<groundgame::sync::ApiClient<Net>>) -> Fut,
    Fut: std::future::Future<Output = Result<(), groundgame::sync::SyncError>>,
{
    w.now.fetch_add(1, Ordering::SeqCst);
    let done = act(w.lead.engine.api().clone()).await.is_ok();
    w.now.fetch_add(1, Ordering::SeqCst);
    w.lead_net.take_crash();
    done
}

/// Two rounds in which every device syncs (all at once), each with a few tries.
async fn sync_everyone(devices: &[SimDevice]) -> Result<(), String> {
    for _round in 0..2 {
        let live = devices.iter().filter(|d| !d.revoked);
        let results = futures_util::future::join_all(live.map(|d| async move {
            let mut last = None;
            for _attempt in 0..3 {
                match d.get().engine.sync_once().await {
                    Ok(_) => return Ok(()),
                    Err(e) => last = Some(e.to_string()),
                }
            }
            Err(format!(
                "{} cannot sync on a healthy network: {}",
                d.name,
                last.unwrap_or_default()
            ))
        }))
        .await;
        results.into_iter().collect::<Result<Vec<()>, String>>()?;
    }
    Ok(())
}

/// A visit at a random door the device holds, the way the door screen records one.
pub(crate) fn record_at_a_door<T: Transport>(
    rng: &mut StdRng,
    device: &TestDevice<T>,
) -> Result<Option<Vec<Event>>, String> {
    let turfs = device.store.turfs().map_err(|e| e.to_string())?;
    let Some(turf) = turfs.choose(rng) else {
        return Ok(None);
    };
    let households = device
        .store
        .households(turf.id)
        .map_err(|e| e.to_string())?;
    let Some(household) = households.choose(rng) else {
        return Ok(None);
    };
    let people = device
        .store
        .people(household.id)
        .map_err(|e| e.to_string())?;
    let person: Option<PersonId> = people.choose(rng).map(|p| p.id);
    let mut result = *DOOR_RESULTS.choose(rng).expect("results");
    if person.is_none() && matches!(result, "talked" | "refused" | "moved") {
        result = "not_home";
    }
    let about = match result {
        "talked" | "refused" | "moved" => person,
        _ => None,
    };
    let mut items = vec![(
        about,
        EventBody::Contact {
            channel: Channel::Door,
            result: result.into(),
            call_back_at: None,
        },
    )];
    if result == "talked" {
        items.extend(answers(rng, person));
    }
    if result == "refused" && rng.gen_bool(0.3) {
        items.push((
            person,
            EventBody::DoNotContact {
                channel: Channel::Phone,
            },
        ));
    }
    if rng.gen_bool(0.15) {
        items.push((
            None,
            EventBody::Note {
                attempt: None,
                text: "Dog in the yard; use the side gate.".into(),
            },
        ));
    }
    if rng.gen_bool(0.08) {
        items.push((
            Some(PersonId::new_v7()),
            EventBody::PersonAdded {
                first_name: "Rosa".into(),
                last_name: String::new(),
                language: Some("es".into()),
                phone: None,
            },
        ));
    }
    device
        .store
        .record_visit(household.id, items)
        .map(Some)
        .map_err(|e| format!("recording a visit failed: {e}"))
}

/// What a conversation adds: a support answer, and sometimes a pledge or an ask.
fn answers(rng: &mut StdRng, person: Option<PersonId>) -> Vec<(Option<PersonId>, EventBody)> {
    let mut items = vec![(
        person,
        EventBody::Survey {
            attempt: None,
            question: "support".into(),
            answer: rng.gen_range(1..=5).to_string(),
        },
    )];
    if rng.gen_bool(0.4) {
        items.push((
            person,
            EventBody::Pledge {
                attempt: None,
                plan: VotePlan {
                    when: "election day".into(),
                    place: String::new(),
                    how: "walking".into(),
                },
            },
        ));
    }
    if rng.gen_bool(0.3) {
        items.push((
            person,
            EventBody::Ask {
                attempt: None,
                ask: *[AskKind::Donate, AskKind::Volunteer]
                    .choose(rng)
                    .expect("asks"),
                answer: *[AskAnswer::Yes, AskAnswer::No, AskAnswer::Maybe]
                    .choose(rng)
                    .expect("answers"),
                amount_cents: None,
            },
        ));
    }
    items
}

/// A call on the list, the way the call screen makes one: the list opened if it is not
/// yet, the next contact taken, a disposition recorded (and answers when they talked).
fn make_a_call(
    rng: &mut StdRng,
    device: &TestDevice<Net>,
    list: CallListId,
) -> Result<Option<Vec<Event>>, String> {
    let lists = device.store.call_lists().map_err(|e| e.to_string())?;
    let Some(local) = lists.iter().find(|l| l.info.id == list) else {
        return Ok(None);
    };
    if !local.active {
        device
            .store
            .activate_call_list(list)
            .map_err(|e| e.to_string())?;
        return Ok(None);
    }
    let Some(contact): Option<HeldContact> =
        device.store.next_call(list).map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    if rng.gen_bool(0.1) {
        device
            .store
            .skip_call(list, contact.person)
            .map_err(|e| e.to_string())?;
        return Ok(None);
    }
    let result = *PHONE_RESULTS.choose(rng).expect("results");
    let call_back_at = (result == "call_back" && rng.gen_bool(0.5))
        // A week on (the phone's hybrid clock may run days ahead of its wall clock after
        // it saw a teammate's records, and a call-back must come after the call).
        .then(|| (device.clock)() + 7 * DAY_MS as u64 + rng.gen_range(600_000..86_400_000));
    let mut items = vec![(
        Some(contact.person),
        EventBody::Contact {
            channel: Channel::Phone,
            result: result.into(),
            call_back_at,
        },
    )];
    if result == "talked" {
        items.extend(answers(rng, Some(contact.person)));
    }
    device
        .store
        .record_call(list, &contact, items)
        .map(Some)
        .map_err(|e| format!("recording a call failed: {e}"))
}

/// A my-network record: a contact saved (new or edited), or an ask about one.
fn record_network(rng: &mut StdRng, dev: &mut SimDevice) -> Result<Vec<String>, String> {
    let existing = dev.contacts.choose(rng).copied();
    let (contact, body) = match existing {
        Some(c) if rng.gen_bool(0.5) => (
            c,
            NetworkBody::AskAnswered {
                ask: AskKind::Pledge,
                answer: AskAnswer::Yes,
                amount_promised_cents: None,
                follow_up_on: None,
            },
        ),
        Some(c) if rng.gen_bool(0.5) => (
            c,
            NetworkBody::AskPlanned {
                ask: AskKind::Volunteer,
                follow_up_on: None,
            },
        ),
        _ => {
            let c = NetworkContactId::new_v7();
            dev.contacts.push(c);
            (
                c,
                NetworkBody::ContactSaved {
                    name: format!("Neighbour {}", dev.contacts.len()),
                    phone: None,
                    email: None,
                    relationship: Relationship::default(),
                    note: String::new(),
                },
            )
        }
    };
    let records = dev
        .get()
        .store
        .record_network(vec![(contact, body)])
        .map_err(|e| format!("recording in my network failed: {e}"))?;
    Ok(records.iter().map(|r| r.id.0.to_string()).collect())
}

/// Doors as an import leaves them: in the campaign, in no turf (a lead cuts them later),
/// each with two voters with phones.
fn unplaced_doors(file: &std::path::Path, fx: &Fixture, n: usize) -> Result<(), String> {
    let mut conn = rusqlite::Connection::open(file).map_err(|e| e.to_string())?;
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    for i in 0..n {
        let number = (200 + i).to_string();
        tx.execute(
            "INSERT INTO households (campaign_id, seq, street, number, unit, city, zip, lat, lon,
                                     walk_order, address_key, precinct)
             VALUES (?1, 0, 'Birch Lane', ?2, '', 'Riverton', '27601', 35.80, ?3, 0, ?4, 'P9')",
            rusqlite::params![
                fx.campaign.0,
                number,
                -78.60 + i as f64 * 0.0005,
                format!("{number}|birch lane||riverton|27601")
            ],
        )
        .map_err(|e| e.to_string())?;
        let household = tx.last_insert_rowid();
        for p in 0..2 {
            tx.execute(
                "INSERT INTO people (id, campaign_id, household_id, seq, source_id, first_name,
                                     last_name, phone, status)
                 VALUES (?1, ?2, ?3, 0, ?4, 'Lena', 'Birch', ?5, 'active')",
                rusqlite::params![
                    PersonId::new_v7(),
                    fx.campaign.0,
                    household,
                    format!("U{i:02}{p}"),
                    format!("+1919556{:04}", i * 10 + p)
                ],
            )
            .map_err(|e| e.to_string())?;
        }
    }
    tx.commit().map_err(|e| e.to_string())
}

/// The campaign's turfs as the server holds them now (a cut adds some).
fn turfs_now(file: &std::path::Path, campaign: CampaignId) -> Result<Vec<TurfId>, String> {
    rusqlite::Connection::open(file)
        .and_then(|c| {
            c.prepare("SELECT id FROM turfs WHERE campaign_id = ?1 ORDER BY id")?
                .query_map([campaign.0], |r| Ok(TurfId(r.get(0)?)))?
                .collect()
        })
        .map_err(|e| e.to_string())
}

/// Which turf each door is in now (doors in no turf are left out).
fn turf_of_now(
    file: &std::path::Path,
    campaign: CampaignId,
) -> Result<BTreeMap<HouseholdId, TurfId>, String> {
    rusqlite::Connection::open(file)
        .and_then(|c| {
            c.prepare(
                "SELECT id, turf_id FROM households
                 WHERE campaign_id = ?1 AND turf_id IS NOT NULL",
            )?
            .query_map([campaign.0], |r| {
                Ok((HouseholdId(r.get(0)?), TurfId(r.get(1)?)))
            })?
            .collect()
        })
        .map_err(|e| e.to_string())
}

fn revoked_on_server(file: &std::path::Path, device: DeviceId) -> Result<bool, String> {
    rusqlite::Connection::open(file)
        .and_then(|c| {
            c.query_row(
                "SELECT revoked_at IS NOT NULL FROM devices WHERE id = ?1",
                [device.0],
                |r| r.get(0),
            )
        })
        .map_err(|e| e.to_string())
}

fn db(w: &World) -> Result<rusqlite::Connection, String> {
    rusqlite::Connection::open(&w.file).map_err(|e| e.to_string())
}

fn expired_claims(w: &World) -> Result<u64, String> {
    let now = w.now.load(Ordering::SeqCst) as i64;
    db(w)?
        .query_row(
            "SELECT COUNT(*) FROM call_claims WHERE expires_at <= ?1",
            [now],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())
}

fn check(w: &World, voter_file: &BTreeMap<PersonId, i64>) -> Result<(), String> {
    let conn = db(w)?;
    let fx = &w.fx;
    let config = CampaignConfig::with_defaults(fx.campaign, "Test campaign");
    let turf_of = turf_of_now(&w.file, fx.campaign)?;
    let events = w
        .store
        .campaign_events(fx.campaign)
        .map_err(|e| e.to_string())?;
    let ids: BTreeSet<EventId> = events.iter().map(|e| e.id).collect();
    if ids.len() != events.len() {
        return Err("the server holds an event twice".into());
    }
    // Exactly once: every record is stored or was dismissed by the lead, never both.
    let held = w
        .store
        .held_records(fx.campaign)
        .map_err(|e| e.to_string())?;
    if let Some(r) = held.iter().find(|r| r.status == HeldStatus::Held) {
        return Err(format!("a held record was left undecided: {}", r.event));
    }
    let dismissed: BTreeSet<EventId> = held
        .iter()
        .filter(|r| r.status == HeldStatus::Dismissed)
        .map(|r| r.event)
        .collect();
    if let Some(both) = dismissed.intersection(&ids).next() {
        return Err(format!("a dismissed record was stored too: {both}"));
    }
    // A revoked phone's records that never reached the server went with its wipe; every
    // other record is there.
    let created = |revoked: bool| -> BTreeSet<EventId> {
        w.devices
            .iter()
            .filter(|d| revoked || !d.revoked)
            .flat_map(|d| d.created.iter().copied())
            .collect()
    };
    let (live, all) = (created(false), created(true));
    let kept: BTreeSet<EventId> = ids.union(&dismissed).copied().collect();
    if !live.is_subset(&kept) || !kept.is_subset(&all) {
        return Err(format!(
            "the server differs from what devices created: {} lost, {} unexpected",
            live.difference(&kept).count(),
            kept.difference(&all).count()
        ));
    }
    let calls_made = events.iter().any(|e| {
        matches!(
            e.body,
            EventBody::Contact {
                channel: Channel::Phone,
                ..
            }
        )
    });
    stale_scope_oracle(&conn, fx, calls_made)?;
    // The lead's figures leave out the volunteers quarantined now.
    let quarantined: BTreeSet<String> = rows(
        &conn,
        "SELECT e.id FROM events e JOIN quarantines q ON q.volunteer_id = e.volunteer_id
         WHERE e.campaign_id = ?1 AND q.campaign_id = ?1 AND q.released_at IS NULL",
        fx.campaign.0,
    )?;
    let counted: Vec<Event> = events
        .iter()
        .filter(|e| !quarantined.contains(&id_text(e.id)))
        .cloned()
        .collect();
    figures_match_the_events(w.store.as_ref(), fx, &turf_of, &config, &counted)?;
    people_match_the_events(&w.file, fx, voter_file, &events)?;
    rounds_oracle(&conn, w, &config, &events)?;
    network_oracle(&conn, w)?;
    claims_oracle(&conn, w)?;

    let mut by_household: BTreeMap<HouseholdId, Vec<Event>> = BTreeMap::new();
    for e in &events {
        by_household.entry(e.household).or_default().push(e.clone());
    }
    for d in &w.devices {
        let device = d.get();
        if d.revoked {
            let left = device
                .store
                .voter_data_counts()
                .map_err(|e| e.to_string())?;
            if !d.wiped() || left != (0, 0, 0) {
                return Err(format!(
                    "{}: revoked, yet not wiped ({left:?} households, people, events left)",
                    d.name
                ));
            }
            continue;
        }
        let pending = device.store.pending_count().map_err(|e| e.to_string())?;
        if pending != 0 {
            return Err(format!("{}: {pending} events still in the outbox", d.name));
        }
        if let Some(r) = device.store.rejected().map_err(|e| e.to_string())?.first() {
            return Err(format!(
                "{}: an event was rejected: {} ({})",
                d.name, r.message, r.code
            ));
        }
        let mine: BTreeSet<TurfId> = device
            .store
            .turfs()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|t| t.id)
            .collect();
        let scope: BTreeSet<TurfId> = conn
            .prepare(
                "SELECT DISTINCT turf_id FROM assignments
                 WHERE volunteer_id = ?1 AND unassigned_at IS NULL",
            )
            .and_then(|mut q| {
                q.query_map([d.volunteer.0], |r| Ok(TurfId(r.get(0)?)))?
                    .collect()
            })
            .map_err(|e| e.to_string())?;
        if mine != scope {
            return Err(format!(
                "{}: holds turfs {mine:?}, its scope is {scope:?}",
                d.name
            ));
        }
        for (household, turf) in &turf_of {
            let mut here = device
                .store
                .household_events(*household)
                .map_err(|e| e.to_string())?;
            here.sort_by_key(|e| e.id);
            if !mine.contains(turf) {
                // Outside its turfs a phone keeps no voter's people, and no events but the
                // calls it made itself (the call screen's own history).
                let people = device.store.people(*household).map_err(|e| e.to_string())?;
                if !people.is_empty() || here.iter().any(|e| !d.created.contains(&e.id)) {
                    return Err(format!(
                        "{}: kept voter data of a turf outside its scope",
                        d.name
                    ));
                }
                continue;
            }
            let mut there = by_household.get(household).cloned().unwrap_or_default();
            there.sort_by_key(|e| e.id);
            if here != there {
                let only_here: Vec<String> = here
                    .iter()
                    .filter(|e| !there.contains(e))
                    .map(|e| {
                        format!(
                            "{} ({}{})",
                            e.id,
                            e.body.kind(),
                            if dismissed.contains(&e.id) {
                                ", dismissed by the lead"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect();
                return Err(format!(
                    "{}: household {household} differs from the server ({} events here, {} \
                     there; only here: {only_here:?})",
                    d.name,
                    here.len(),
                    there.len()
                ));
            }
            let status = device
                .store
                .door_status(*household)
                .map_err(|e| e.to_string())?;
            if status != door_status(there.iter(), &config) {
                return Err(format!("{}: door {household} status differs", d.name));
            }
        }
    }
    Ok(())
}

fn id_text(id: EventId) -> String {
    id.0.to_string()
}

/// One text column of a query with the campaign as its only parameter; blobs are read as
/// UUIDs.
fn rows(conn: &rusqlite::Connection, sql: &str, campaign: i64) -> Result<BTreeSet<String>, String> {
    conn.prepare(sql)
        .and_then(|mut q| {
            q.query_map([campaign], |r| {
                Ok(match r.get_ref(0)? {
                    rusqlite::types::ValueRef::Blob(b) => uuid::Uuid::from_slice(b)
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into(),
                    other => format!("{other:?}"),
                })
            })?
            .collect()
        })
        .map_err(|e| e.to_string())
}

/// What a stored event does to the calling rounds (the server's rule, restated here).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Effect {
    Retire,
    Later,
    CallBack(Option<u64>),
}

fn effect(config: &CampaignConfig, body: &EventBody) -> Option<(Effect, bool)> {
    match body {
        EventBody::Contact {
            channel: Channel::Phone,
            result,
            call_back_at,
        } => {
            let effect = match config.result_code(result)?.effect {
                ResultEffect::TryAgain => Effect::Later,
                ResultEffect::ComeBack => Effect::CallBack(*call_back_at),
                _ => Effect::Retire,
            };
            Some((effect, result == DO_NOT_CALL_RESULT))
        }
        EventBody::DoNotContact {
            channel: Channel::Phone,
        } => Some((Effect::Retire, true)),
        _ => None,
    }
}

/// The calling rounds and the do-not-call list, recomputed from the stored events.
fn rounds_oracle(
    conn: &rusqlite::Connection,
    w: &World,
    config: &CampaignConfig,
    events: &[Event],
) -> Result<(), String> {
    const LATER: u64 = groundgame_server::store::sqlite::LATER_ROUND_DELAY_MS;
    const CALL_BACK: u64 = groundgame_server::store::sqlite::CALL_BACK_DELAY_MS;
    let phone_of: BTreeMap<PersonId, String> = conn
        .prepare("SELECT id, phone FROM people WHERE campaign_id = ?1 AND phone IS NOT NULL")
        .and_then(|mut q| {
            q.query_map([w.fx.campaign.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .map_err(|e| e.to_string())?;
    let mut results: BTreeMap<PersonId, Vec<(u64, Effect)>> = BTreeMap::new();
    let mut do_not_call: BTreeSet<String> = BTreeSet::new();
    for e in events {
        let (Some(person), Some((effect, dnc))) = (e.person, effect(config, &e.body)) else {
            continue;
        };
        results.entry(person).or_default().push((e.at.ms(), effect));
        if dnc {
            do_not_call.extend(phone_of.get(&person).cloned());
        }
    }
    let stored_dnc: BTreeSet<String> = rows(
        conn,
        "SELECT phone FROM do_not_call WHERE campaign_id = ?1",
        w.fx.campaign.0,
    )?;
    if stored_dnc != do_not_call {
        return Err(format!(
            "the do-not-call list holds {} numbers; the events say {} ({} missing, {} extra)",
            stored_dnc.len(),
            do_not_call.len(),
            do_not_call.difference(&stored_dnc).count(),
            stored_dnc.difference(&do_not_call).count()
        ));
    }
    type Member = (PersonId, String, Option<i64>, i64, i64);
    let members: Vec<Member> = conn
        .prepare(
            "SELECT person_id, phone, round, due_at, last_call_at FROM call_list_members
             WHERE call_list_id = ?1",
        )
        .and_then(|mut q| {
            q.query_map([w.list.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .map_err(|e| e.to_string())?;
    for (person, phone, round, due, last) in members {
        let mine = results.get(&person).map(Vec::as_slice).unwrap_or_default();
        let retired =
            do_not_call.contains(&phone) || mine.iter().any(|(_, e)| *e == Effect::Retire);
        if retired {
            if round.is_some() {
                return Err(format!(
                    "contact {person} is still in round {round:?}; a result or a do-not-call \
                     retired them"
                ));
            }
            continue;
        }
        let Some(latest) = mine.iter().map(|(at, _)| *at).max() else {
            if (round, due, last) != (Some(1), 0, 0) {
                return Err(format!(
                    "contact {person} was never called, yet stands at round {round:?}, due \
                     {due}, last call {last}"
                ));
            }
            continue;
        };
        // The latest result decides (results in the same millisecond: any of them).
        let ok = mine
            .iter()
            .filter(|(at, _)| *at == latest)
            .any(|(at, effect)| {
                let want = match effect {
                    Effect::Later => (Some(2), at + LATER),
                    Effect::CallBack(Some(chosen)) => (Some(0), *chosen),
                    Effect::CallBack(None) => (Some(0), at + CALL_BACK),
                    Effect::Retire => unreachable!("retired above"),
                };
                (round, due as u64, last as u64) == (want.0, want.1, *at)
            });
        if !ok {
            return Err(format!(
                "contact {person} stands at round {round:?}, due {due}, last call {last}; its \
                 {} stored results say otherwise (latest at {latest})",
                mine.len()
            ));
        }
    }
    Ok(())
}

/// Claims: one holder per number, nothing retired held, and each caller's phone holding
/// exactly what the server holds for it on the list.
fn claims_oracle(conn: &rusqlite::Connection, w: &World) -> Result<(), String> {
    let now = w.now.load(Ordering::SeqCst) as i64;
    let shared: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT phone FROM call_claims WHERE expires_at > ?1
             GROUP BY phone HAVING COUNT(DISTINCT device_id) > 1)",
            [now],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    if shared > 0 {
        return Err(format!("{shared} numbers are held by two devices at once"));
    }
    let retired: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM call_claims c
             WHERE NOT EXISTS (SELECT 1 FROM call_list_members m
                               WHERE m.person_id = c.person_id AND m.round IS NOT NULL)",
            [],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    if retired > 0 {
        return Err(format!("{retired} retired contacts are still held"));
    }
    for d in w.devices.iter().filter(|d| !d.revoked) {
        let device = d.get();
        let active = device
            .store
            .active_call_lists()
            .map_err(|e| e.to_string())?
            .contains(&w.list);
        if !active {
            continue;
        }
        let here: BTreeSet<PersonId> = device
            .store
            .open_calls(w.list)
            .map_err(|e| e.to_string())?
            .iter()
            .map(|c| c.person)
            .collect();
        let device_id = device
            .store
            .identity()
            .map_err(|e| e.to_string())?
            .ok_or("no identity")?
            .device;
        let there: BTreeSet<PersonId> = conn
            .prepare(
                "SELECT person_id FROM call_claims
                 WHERE device_id = ?1 AND call_list_id = ?2 AND expires_at > ?3",
            )
            .and_then(|mut q| {
                q.query_map(rusqlite::params![device_id.0, w.list.0, now], |r| r.get(0))?
                    .collect()
            })
            .map_err(|e| e.to_string())?;
        if here != there {
            return Err(format!(
                "{}: holds {} contacts to call; the server holds {} for it ({} not there, {} \
                 not here)",
                d.name,
                here.len(),
                there.len(),
                here.difference(&there).count(),
                there.difference(&here).count()
            ));
        }
    }
    Ok(())
}

/// My network: each volunteer's records exactly once on the server, and their phone holding
/// exactly the server's.
fn network_oracle(conn: &rusqlite::Connection, w: &World) -> Result<(), String> {
    for d in &w.devices {
        let there: BTreeSet<String> = conn
            .prepare("SELECT id FROM network_records WHERE volunteer_id = ?1")
            .and_then(|mut q| {
                q.query_map([d.volunteer.0], |r| {
                    let blob: Vec<u8> = r.get(0)?;
                    Ok(uuid::Uuid::from_slice(&blob)
                        .map(|u| u.to_string())
                        .unwrap_or_default())
                })?
                .collect()
            })
            .map_err(|e| e.to_string())?;
        if d.revoked {
            if !there.is_subset(&d.network) {
                return Err(format!(
                    "{}: the server holds network records it never made",
                    d.name
                ));
            }
            continue;
        }
        if there != d.network {
            return Err(format!(
                "{}: the server holds {} of its network records; it made {}",
                d.name,
                there.len(),
                d.network.len()
            ));
        }
        let here: BTreeSet<String> = d
            .get()
            .store
            .network_records()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|r| r.id.0.to_string())
            .collect();
        if here != there {
            return Err(format!(
                "{}: holds {} network records; the server {}",
                d.name,
                here.len(),
                there.len()
            ));
        }
    }
    Ok(())
}

/// Stale scope: a held record came from a volunteer who, when the server received it, had
/// neither its turf nor a call list with its person, and had had one of them; a person
/// added at a door came from a volunteer who had the turf then, or a lead accepted it.
fn stale_scope_oracle(
    conn: &rusqlite::Connection,
    fx: &Fixture,
    calls_made: bool,
) -> Result<(), String> {
    let tenure =
        |sql: &str, a: i64, b: &dyn rusqlite::ToSql, at: i64| -> Result<(bool, bool), String> {
            conn.query_row(sql, rusqlite::params![a, b, at], |r| {
                Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?))
            })
            .map_err(|e| e.to_string())
        };
    let by_turf = |volunteer: i64, turf: i64, at: i64| {
        tenure(
            "SELECT COALESCE(MAX(assigned_at <= ?3 AND (unassigned_at IS NULL OR unassigned_at > ?3)), 0),
                    COALESCE(MAX(unassigned_at <= ?3), 0)
             FROM assignments WHERE volunteer_id = ?1 AND turf_id = ?2",
            volunteer,
            &turf,
            at,
        )
    };
    let by_list = |volunteer: i64, person: &Option<Vec<u8>>, at: i64| {
        tenure(
            "SELECT COALESCE(MAX(a.assigned_at <= ?3 AND (a.unassigned_at IS NULL OR a.unassigned_at > ?3)), 0),
                    COALESCE(MAX(a.unassigned_at <= ?3), 0)
             FROM call_list_assignments a JOIN call_list_members m ON m.call_list_id = a.call_list_id
             WHERE a.volunteer_id = ?1 AND m.person_id = ?2",
            volunteer,
            person,
            at,
        )
    };
    type Held = (i64, i64, i64, String, Option<Vec<u8>>);
    let held: Vec<Held> = conn
        .prepare(
            "SELECT volunteer_id, turf_id, received_at, kind, person_id FROM held_events
             WHERE campaign_id = ?1",
        )
        .and_then(|mut q| {
            q.query_map([fx.campaign.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .map_err(|e| e.to_string())?;
    for (volunteer, turf, received, kind, person) in held {
        let (turf_now, turf_before) = by_turf(volunteer, turf, received)?;
        let (list_now, list_before) = by_list(volunteer, &person, received)?;
        if turf_now || list_now || !(turf_before || list_before) {
            return Err(format!(
                "a held record ({kind}) came from a volunteer who had its turf or call list \
                 then, or never had either (turf now/before {turf_now}/{turf_before}, list \
                 now/before {list_now}/{list_before}, received at {received})"
            ));
        }
    }
    // Every stored record that changes shared state came from a volunteer who had its turf
    // or a call list with its person when the server received it, or a lead accepted it.
    type Shared = (i64, i64, i64, String, Option<Vec<u8>>, bool);
    let shared: Vec<Shared> = conn
        .prepare(
            "SELECT e.volunteer_id, e.turf_id, e.received_at, e.kind, e.person_id,
                    EXISTS (SELECT 1 FROM held_events h WHERE h.id = e.id AND h.status = 'accepted')
             FROM events e
             WHERE e.campaign_id = ?1
               AND (e.kind IN ('person_added', 'do_not_contact')
                    OR (e.kind = 'contact' AND e.body LIKE '%\"channel\":\"phone\"%'))",
        )
        .and_then(|mut q| {
            q.query_map([fx.campaign.0], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect()
        })
        .map_err(|e| e.to_string())?;
    let mut phone_results = 0;
    for (volunteer, turf, received, kind, person, accepted) in shared {
        phone_results += usize::from(kind == "contact");
        let in_scope = by_turf(volunteer, turf, received)?.0
            || (kind != "person_added" && by_list(volunteer, &person, received)?.0);
        if !in_scope && !accepted {
            return Err(format!(
                "a record that changes shared state ({kind}) came from a volunteer with \
                 neither its turf nor its call list, and no lead accepted it"
            ));
        }
    }
    if phone_results == 0 && calls_made {
        return Err("no phone result was stored; the oracle saw nothing to check".into());
    }
    Ok(())
}
