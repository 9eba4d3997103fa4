//! `groundgame-sim`: a headless field simulation against a running server. One lead device
//! and N volunteer devices, each a real store on its own SQLite file with a real sync
//! engine over HTTP. The lead assigns turfs; every volunteer downloads its turf, records M
//! random field events offline, then syncs until drained. Finally the lead pulls the whole
//! campaign and the simulator checks that every event created exists exactly once.
//!
//! Exit status: 0 when nothing was lost or duplicated and every outbox drained; 1 otherwise.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use groundgame::store::Store;
use groundgame::sync::{
    BackoffPolicy, Engine, HttpTransport, RawResponse, SyncError, Transport, TransportError,
};
use groundgame::system_clock;
use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan};
use groundgame_core::protocol::RegisterResponse;
use groundgame_core::protocol::PUSH_PATH;
use groundgame_core::{
    CampaignConfig, EventBody, EventId, HouseholdId, Person, PersonId, ResultEffect, ResultLevel,
    TurfId, VolunteerId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Semaphore;

#[derive(Parser)]
#[command(
    name = "groundgame-sim",
    version,
    about = "Simulate a lead and N canvassers against a Groundgame server and check nothing is lost"
)]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080. Give it more than once for server replicas
    /// in front of one database: device i talks to the (i mod n)-th, the lead to the first.
    #[arg(long, required = true)]
    server: Vec<String>,
    /// A volunteer invite code (must allow --devices uses).
    #[arg(long)]
    invite: String,
    /// A lead invite code.
    #[arg(long)]
    lead_invite: String,
    /// Volunteer devices.
    #[arg(long, default_value_t = 10)]
    devices: usize,
    /// Field events each volunteer records.
    #[arg(long, default_value_t = 100)]
    events: usize,
    /// Where the devices' databases go (a fresh run-* directory inside it); a temporary
    /// directory, removed afterwards, by default.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Devices working at once (default: all).
    #[arg(long)]
    concurrency: Option<usize>,
}

/// How often a long run prints how far it has come.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);
/// How many times a device tries to join again after a failure that may pass by itself.
const JOIN_RETRIES: u32 = 6;

/// When each answered push started and ended.
type PushTimes = Arc<Mutex<Vec<(Instant, Instant)>>>;

/// A transport that times pushes.
struct Timed {
    inner: HttpTransport,
    pushes: PushTimes,
}

impl Transport for Timed {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        let start = Instant::now();
        let result = self.inner.post(path, token, body).await;
        if path == PUSH_PATH && result.is_ok() {
            if let Ok(mut pushes) = self.pushes.lock() {
                pushes.push((start, Instant::now()));
            }
        }
        result
    }
    async fn get(&self, path: &str, token: Option<&str>) -> Result<RawResponse, TransportError> {
        self.inner.get(path, token).await
    }
    async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        self.inner.put(path, token, body).await
    }
    fn wire_bytes_received(&self) -> Option<u64> {
        self.inner.wire_bytes_received()
    }
}

/// What the simulation shares between devices.
struct World {
    servers: Vec<String>,
    client: reqwest::Client,
    dir: PathBuf,
    pushes: PushTimes,
    progress: Progress,
}

/// How far the run has come, printed every few seconds on a long run.
#[derive(Default)]
struct Progress {
    joined: AtomicUsize,
    downloaded: AtomicUsize,
    recorded: AtomicUsize,
    drained: AtomicUsize,
}

impl Progress {
    fn line(&self, devices: usize, elapsed: Duration) -> String {
        let n = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        format!(
            "{:>4} s: {}/{devices} joined, {} downloaded their turf, {} events recorded, {} drained",
            elapsed.as_secs(),
            n(&self.joined),
            n(&self.downloaded),
            n(&self.recorded),
            n(&self.drained),
        )
    }
}

impl World {
    /// The replica device `i` talks to (the lead is device 0).
    fn server(&self, i: usize) -> &str {
        &self.servers[i % self.servers.len()]
    }

    fn device(&self, file: &str, i: usize) -> Result<Engine<Timed>> {
        let store = Store::open(&self.dir.join(file), system_clock())
            .with_context(|| format!("could not open {file}"))?;
        let transport = Timed {
            inner: HttpTransport::with_client(self.client.clone(), self.server(i))?,
            pushes: self.pushes.clone(),
        };
        Ok(Engine::new(Arc::new(store), transport))
    }
}

/// What one volunteer device did.
struct DeviceRun {
    created: Vec<EventId>,
    pending_after: u64,
    rejected: u64,
    record_latencies: Vec<Duration>,
    sync_start: Instant,
    sync_end: Instant,
    bytes_sent: u64,
    events_pushed: u64,
    error: Option<String>,
}

#[tokio::main]
async fn main() -> Result<()> {
    groundgame::logging::init();
    let args = Args::parse();
    let started = Instant::now();
    let (_temp, dir) = data_dir(args.data_dir.as_deref())?;
    let world = Arc::new(World {
        servers: args.server.clone(),
        client: HttpTransport::client()?,
        dir,
        pushes: Arc::new(Mutex::new(Vec::new())),
        progress: Progress::default(),
    });
    let ticker = {
        let (world, devices) = (world.clone(), args.devices);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PROGRESS_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                eprintln!("{}", world.progress.line(devices, started.elapsed()));
            }
        })
    };
    let concurrency = args.concurrency.unwrap_or(args.devices).max(1);
    let gate = Arc::new(Semaphore::new(concurrency));

    // The lead joins and pulls the campaign.
    let lead = world.device("lead.sqlite3", 0)?;
    join(
        &lead,
        world.server(0),
        &args.lead_invite,
        "Sim Lead",
        "sim lead",
    )
    .await
    .context("the lead could not join")?;
    lead.sync_until_drained(10)
        .await
        .context("the lead could not download the campaign")?;
    let turfs: Vec<TurfId> = lead.store().turfs()?.iter().map(|t| t.id).collect();
    if turfs.is_empty() {
        bail!("the lead holds no turfs: import a voter file and cut turfs first (is the lead invite a lead's?)");
    }

    // Volunteers join (each device then closes, as a phone app would).
    let mut joins = tokio::task::JoinSet::new();
    for i in 0..args.devices {
        let (world, gate, invite) = (world.clone(), gate.clone(), args.invite.clone());
        joins.spawn(async move {
            let _slot = gate.acquire_owned().await?;
            let engine = world.device(&format!("device-{i}.sqlite3"), i)?;
            let joined = join(
                &engine,
                world.server(i),
                &invite,
                &format!("Sim Volunteer {i}"),
                &format!("sim device {i}"),
            )
            .await
            .with_context(|| format!("device {i} could not join"))?;
            world.progress.joined.fetch_add(1, Ordering::Relaxed);
            anyhow::Ok((i, joined.volunteer))
        });
    }
    let mut volunteers: Vec<(usize, VolunteerId)> = Vec::new();
    while let Some(joined) = joins.join_next().await {
        volunteers.push(joined??);
    }
    volunteers.sort_unstable();

    // The lead assigns turfs round-robin, adding the simulated volunteers to whoever the
    // turf already has: a real canvasser on turf 1 (the demo's) keeps it.
    let already = lead
        .api()
        .refresh_lead()
        .await
        .context("the lead could not read the turfs' assignees")?;
    let mut assignment: HashMap<TurfId, Vec<VolunteerId>> = already
        .snapshot
        .turfs
        .iter()
        .map(|t| (t.id, t.assignees.clone()))
        .collect();
    for (i, volunteer) in &volunteers {
        let assigned = assignment.entry(turfs[i % turfs.len()]).or_default();
        if !assigned.contains(volunteer) {
            assigned.push(*volunteer);
        }
    }
    let ours: HashSet<TurfId> = volunteers
        .iter()
        .map(|(i, _)| turfs[i % turfs.len()])
        .collect();
    assignment.retain(|turf, _| ours.contains(turf));
    for (turf, assigned) in &assignment {
        lead.api()
            .set_assignees(*turf, assigned)
            .await
            .with_context(|| format!("the lead could not assign turf {turf}"))?;
    }

    // Every volunteer downloads, records offline, then syncs until drained.
    let mut runs = tokio::task::JoinSet::new();
    for (i, _) in &volunteers {
        let (world, gate) = (world.clone(), gate.clone());
        let (i, events, seed) = (*i, args.events, args.seed);
        let turf = turfs[i % turfs.len()];
        runs.spawn(async move {
            let _slot = gate.acquire_owned().await?;
            volunteer(&world, i, turf, events, seed).await
        });
    }
    let mut results = Vec::new();
    while let Some(run) = runs.join_next().await {
        results.push(run??);
    }

    // The lead pulls everything; compare.
    lead.sync_until_drained(20)
        .await
        .context("the lead could not pull the results")?;
    let held: Vec<EventId> = lead.store().all_events()?.iter().map(|e| e.id).collect();
    let behind = devices_behind(&world, lead.store(), &volunteers, &turfs).await?;
    ticker.abort();
    let ok = report(&args, &results, &held, behind, started.elapsed(), &world);
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}

/// Join as the app does when the volunteer taps "Join" again after "no connection": a
/// failure that may pass by itself (no answer, a server restarting) is tried again after a
/// jittered wait, a few times; a refusal (a wrong or spent code) is not.
async fn join<T: Transport>(
    engine: &Engine<T>,
    server: &str,
    invite: &str,
    name: &str,
    device: &str,
) -> Result<RegisterResponse, SyncError> {
    let policy = BackoffPolicy {
        min: Duration::from_millis(250),
        max: Duration::from_secs(8),
    };
    let mut failures = 0;
    loop {
        match engine.register(server, invite, name, device).await {
            Err(e) if e.is_transient() && failures < JOIN_RETRIES => {
                failures += 1;
                let wait = policy.delay(failures, &mut rand::thread_rng());
                tokio::time::sleep(wait).await;
            }
            joined => return joined,
        }
    }
}

fn data_dir(given: Option<&Path>) -> Result<(Option<tempfile::TempDir>, PathBuf)> {
    match given {
        Some(base) => {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default();
            let dir = base.join(format!("run-{stamp}"));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("could not create {}", dir.display()))?;
            Ok((None, dir))
        }
        None => {
            let temp = tempfile::tempdir().context("could not create a temporary directory")?;
            let dir = temp.path().to_path_buf();
            Ok((Some(temp), dir))
        }
    }
}

async fn volunteer(
    world: &World,
    i: usize,
    turf: TurfId,
    events: usize,
    seed: u64,
) -> Result<DeviceRun> {
    let engine = world.device(&format!("device-{i}.sqlite3"), i)?;
    let store = engine.store().clone();
    engine
        .sync_until_drained(10)
        .await
        .with_context(|| format!("device {i} could not download its turf"))?;
    world.progress.downloaded.fetch_add(1, Ordering::Relaxed);
    let campaign = store
        .campaign()?
        .context("the server sent no campaign configuration")?;
    let households: Vec<HouseholdId> = store.households(turf)?.iter().map(|h| h.id).collect();
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
    let mut people: HashMap<HouseholdId, Vec<Person>> = HashMap::new();
    let mut created = Vec::with_capacity(events);
    let mut record_latencies = Vec::with_capacity(events);
    if households.is_empty() && events > 0 {
        eprintln!("device {i}: turf {turf} has no households on this device; recording nothing");
    }
    while created.len() < events && !households.is_empty() {
        let household = households[rng.gen_range(0..households.len())];
        let residents = match people.entry(household) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(store.people(household)?),
        };
        let mut items = visit(&mut rng, &campaign, residents);
        items.truncate(events - created.len());
        let start = Instant::now();
        let recorded = store
            .record_visit(household, items)
            .with_context(|| format!("device {i} could not record"))?;
        record_latencies.push(start.elapsed());
        world
            .progress
            .recorded
            .fetch_add(recorded.len(), Ordering::Relaxed);
        created.extend(recorded.iter().map(|e| e.id));
    }
    let sync_start = Instant::now();
    let drained = engine.sync_until_drained(20).await;
    let sync_end = Instant::now();
    if drained.is_ok() {
        world.progress.drained.fetch_add(1, Ordering::Relaxed);
    }
    let stats = engine.stats();
    Ok(DeviceRun {
        created,
        pending_after: store.pending_count()?,
        rejected: store.rejected_count()?,
        record_latencies,
        sync_start,
        sync_end,
        bytes_sent: stats.bytes_sent,
        events_pushed: stats.events_pushed,
        error: drained.err().map(|e| format!("device {i}: {e}")),
    })
}

/// One random visit: a contact result, and for a conversation some answers, a pledge, an
/// ask or a note. Sometimes a new person answers the door.
fn visit(
    rng: &mut StdRng,
    campaign: &CampaignConfig,
    residents: &mut Vec<Person>,
) -> Vec<(Option<PersonId>, EventBody)> {
    let mut items = Vec::new();
    let mut code = &campaign.result_codes[rng.gen_range(0..campaign.result_codes.len())];
    let mut person = None;
    if code.level == ResultLevel::Person {
        if residents.is_empty() || rng.gen_bool(0.05) {
            let id = PersonId::new_v7();
            items.push((
                Some(id),
                EventBody::PersonAdded {
                    first_name: "New".into(),
                    last_name: "Neighbor".into(),
                    language: Some(if rng.gen_bool(0.3) { "es" } else { "en" }.into()),
                    phone: None,
                },
            ));
            residents.push(Person {
                id,
                household: HouseholdId(0),
                source_id: String::new(),
                first_name: String::new(),
                last_name: String::new(),
                birth_year: None,
                party: None,
                phone: None,
                language: None,
            });
            person = Some(id);
        } else {
            person = Some(residents[rng.gen_range(0..residents.len())].id);
        }
    } else if let Some(door) = campaign
        .result_codes
        .iter()
        .find(|c| c.level != ResultLevel::Person && rng.gen_bool(0.5))
    {
        code = door;
    }
    items.push((
        person,
        EventBody::Contact {
            channel: Channel::Door,
            result: code.key.clone(),
            call_back_at: None,
        },
    ));
    if code.effect == ResultEffect::Contacted && person.is_some() {
        if let Some(q) = campaign.questions.first() {
            if rng.gen_bool(0.7) && !q.choices.is_empty() {
                let answer = q.choices[rng.gen_range(0..q.choices.len())].key.clone();
                items.push((
                    person,
                    EventBody::Survey {
                        attempt: None,
                        question: q.key.clone(),
                        answer,
                    },
                ));
            }
        }
        if rng.gen_bool(0.3) {
            items.push((
                person,
                EventBody::Pledge {
                    attempt: None,
                    plan: VotePlan {
                        when: "election day".into(),
                        place: "usual polling place".into(),
                        how: "walking".into(),
                    },
                },
            ));
        }
        if rng.gen_bool(0.1) {
            items.push((
                person,
                EventBody::Ask {
                    attempt: None,
                    ask: AskKind::Volunteer,
                    answer: AskAnswer::Maybe,
                    amount_cents: None,
                },
            ));
        }
    }
    if rng.gen_bool(0.1) {
        items.push((
            None,
            EventBody::Note {
                attempt: None,
                text: "Dog in the yard; use the side gate.".into(),
            },
        ));
    }
    items
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// From the earliest start to the latest end.
fn window(starts: impl Iterator<Item = Instant>, ends: impl Iterator<Item = Instant>) -> Duration {
    match (starts.min(), ends.max()) {
        (Some(a), Some(b)) => b.saturating_duration_since(a),
        _ => Duration::ZERO,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Once everyone is done, every device syncs once more and must then hold exactly what the
/// lead (who pulled last, and holds every turf) holds for its turf: the server's events
/// there, this run's and any earlier ones alike. How many do not.
async fn devices_behind(
    world: &World,
    lead: &Store,
    volunteers: &[(usize, VolunteerId)],
    turfs: &[TurfId],
) -> Result<usize> {
    let mut by_turf: HashMap<TurfId, HashSet<EventId>> = HashMap::new();
    for turf in turfs {
        let mut held = HashSet::new();
        for household in lead.households(*turf)? {
            held.extend(lead.household_events(household.id)?.iter().map(|e| e.id));
        }
        by_turf.insert(*turf, held);
    }
    let mut behind = 0;
    for (i, _) in volunteers {
        let engine = world.device(&format!("device-{i}.sqlite3"), *i)?;
        engine
            .sync_until_drained(20)
            .await
            .with_context(|| format!("device {i} could not catch up"))?;
        let held: HashSet<EventId> = engine.store().all_events()?.iter().map(|e| e.id).collect();
        if by_turf.get(&turfs[i % turfs.len()]) != Some(&held) {
            behind += 1;
        }
    }
    Ok(behind)
}

/// Print the table; true when nothing was lost or duplicated, every outbox drained and
/// every device holds what the server holds for its turf.
fn report(
    args: &Args,
    runs: &[DeviceRun],
    held: &[EventId],
    behind: usize,
    total: Duration,
    world: &World,
) -> bool {
    let created: Vec<EventId> = runs
        .iter()
        .flat_map(|r| r.created.iter().copied())
        .collect();
    let created_set: HashSet<EventId> = created.iter().copied().collect();
    let held_set: HashSet<EventId> = held.iter().copied().collect();
    let duplicated = (created.len() - created_set.len()) + (held.len() - held_set.len());
    let lost = created_set.difference(&held_set).count();
    let extra = held_set.difference(&created_set).count();
    let undrained = runs.iter().filter(|r| r.pending_after > 0).count();
    let rejected: u64 = runs.iter().map(|r| r.rejected).sum();

    let timings = world.pushes.lock().map(|p| p.clone()).unwrap_or_default();
    let mut pushes: Vec<Duration> = timings.iter().map(|(s, e)| e.duration_since(*s)).collect();
    pushes.sort_unstable();
    let push_window = window(timings.iter().map(|t| t.0), timings.iter().map(|t| t.1));
    let sync_window = window(
        runs.iter().map(|r| r.sync_start),
        runs.iter().map(|r| r.sync_end),
    );
    let per_second = |d: Duration| {
        if d.is_zero() {
            0.0
        } else {
            created.len() as f64 / d.as_secs_f64()
        }
    };
    let mut records: Vec<Duration> = runs
        .iter()
        .flat_map(|r| r.record_latencies.iter().copied())
        .collect();
    records.sort_unstable();
    let sent: u64 = runs.iter().map(|r| r.bytes_sent).sum();
    let pushed: u64 = runs.iter().map(|r| r.events_pushed).sum();

    let rows: Vec<(&str, String)> = vec![
        ("devices", args.devices.to_string()),
        ("events created", created.len().to_string()),
        ("server holds", held_set.len().to_string()),
        ("lost", lost.to_string()),
        ("duplicated", duplicated.to_string()),
        ("extra (earlier runs)", extra.to_string()),
        ("rejected", rejected.to_string()),
        ("outboxes not drained", undrained.to_string()),
        ("devices not equal", behind.to_string()),
        ("push requests", pushes.len().to_string()),
        ("push p50 ms", ms(percentile(&pushes, 50.0))),
        ("push p99 ms", ms(percentile(&pushes, 99.0))),
        ("record p50 ms", ms(percentile(&records, 50.0))),
        ("record p99 ms", ms(percentile(&records, 99.0))),
        (
            "bytes sent/event",
            format!("{:.1}", sent as f64 / pushed.max(1) as f64),
        ),
        ("push window s", format!("{:.2}", push_window.as_secs_f64())),
        ("events/s (push)", format!("{:.0}", per_second(push_window))),
        (
            "events/s (full sync)",
            format!("{:.0}", per_second(sync_window)),
        ),
        ("total s", format!("{:.2}", total.as_secs_f64())),
    ];
    println!("{:-<34}", "");
    for (name, value) in &rows {
        println!("{name:<22} {value:>11}");
    }
    println!("{:-<34}", "");
    for error in runs.iter().filter_map(|r| r.error.as_deref()) {
        println!("error: {error}");
    }
    let ok = lost == 0 && duplicated == 0 && undrained == 0 && behind == 0;
    println!("{}", if ok { "PASS" } else { "FAIL" });
    ok
}
