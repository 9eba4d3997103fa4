//! Turf maps: what the streets add to a turf's download, and what building them costs a
//! pull. A synthetic town of 40 × 40 blocks (110 m, OSM-like: one way per block side, four
//! points each, every tenth street an arterial) with houses 20 m apart along both sides of
//! every east-west street, cut into turfs of 2 × 2 blocks; each turf pulled whole by a new
//! device, with and without maps, beside each other in the same run, and then a later sync
//! with nothing new (the map's tag held, or no maps); and the metres a canvasser walks in
//! the street / side / number order against the route along the streets, over the same
//! doors; then the same walk on the demo campaign's turfs (as `scripts/run.sh` makes them)
//! and on the test extract written by pyosmium (`tests/data/riverton.osm.pbf`, every house
//! at its true place). Prints a table; asserts nothing.
//!
//! `cargo bench -p groundgame-server --bench maps` (release build).

use std::io::Write;
use std::time::{Duration, Instant};

use groundgame_core::map::{Bounds, GeoPoint, Plane, Street};
use groundgame_core::protocol::{
    PullRequest, PullResponse, ScopeCursor, MAX_PULL_LIMIT, PROTOCOL_VERSION,
};
use groundgame_core::{Role, TimeZone, TurfId};
use groundgame_server::turfs::route;
use groundgame_server::{AuthDevice, NewHousehold, NewPerson, SqliteStore, Store};

const BLOCKS: usize = 40;
const BLOCK_M: f64 = 110.0;
const HOUSE_EVERY_M: f64 = 20.0;
/// Turfs of TURF_BLOCKS × TURF_BLOCKS blocks.
const TURF_BLOCKS: usize = 2;
/// Turfs pulled (spread over the town), each RUNS times per way.
const SAMPLE: usize = 40;
const RUNS: usize = 5;

/// A turf's households with their people, as `add_households` takes them.
type TurfDoors = Vec<(NewHousehold, Vec<NewPerson>)>;

fn town() -> (Vec<Street>, Vec<TurfDoors>) {
    let plane = Plane::around(GeoPoint::new(35.78, -78.64));
    let at = |x: f64, y: f64| plane.to_geo((x, y));
    let mut streets = Vec::new();
    for k in 0..=BLOCKS {
        let arterial = k % 10 == 5;
        let class = if arterial { "secondary" } else { "residential" };
        for b in 0..BLOCKS {
            let (s, e) = (b as f64 * BLOCK_M, (b + 1) as f64 * BLOCK_M);
            let c = k as f64 * BLOCK_M;
            // East-west street k and north-south avenue k, a way per block, a slight bend.
            let wiggle = |t: f64| (t * 0.7).sin() * 1.5;
            streets.push(Street {
                name: format!("{} Street", 100 + k),
                key: format!("{} ST", 100 + k),
                class: class.into(),
                points: [0.0, 0.33, 0.66, 1.0]
                    .iter()
                    .map(|t| at(s + t * (e - s), c + wiggle(*t)))
                    .collect(),
            });
            streets.push(Street {
                name: format!("{} Avenue", 200 + k),
                key: format!("{} AVE", 200 + k),
                class: class.into(),
                points: [0.0, 0.33, 0.66, 1.0]
                    .iter()
                    .map(|t| at(c + wiggle(*t), s + t * (e - s)))
                    .collect(),
            });
        }
    }
    // Houses along both sides of the east-west streets, by turf.
    let turfs_a_side = BLOCKS / TURF_BLOCKS;
    let mut turfs: Vec<TurfDoors> = (0..turfs_a_side * turfs_a_side)
        .map(|_| Vec::new())
        .collect();
    for k in 0..BLOCKS {
        let y = k as f64 * BLOCK_M;
        let mut x = 10.0;
        let mut n = 100;
        while x < BLOCKS as f64 * BLOCK_M {
            for (side, dy) in [(0, -15.0), (1, 15.0)] {
                let p = at(x, y + dy);
                let turf = (k / TURF_BLOCKS) * turfs_a_side
                    + ((x / BLOCK_M) as usize / TURF_BLOCKS).min(turfs_a_side - 1);
                turfs[turf].push((
                    NewHousehold {
                        street: format!("{} ST", 100 + k),
                        number: (n + side).to_string(),
                        city: "Grid City".into(),
                        zip: "27601".into(),
                        lat: Some(p.lat),
                        lon: Some(p.lon),
                        ..NewHousehold::default()
                    },
                    (0..2)
                        .map(|j| NewPerson {
                            source_id: format!("G{k}-{n}-{side}-{j}"),
                            first_name: ["MARÍA", "JAMES"][j].into(),
                            last_name: format!("RIVERA{n}"),
                            birth_year: Some(1960 + (n % 40) as u16),
                            ..NewPerson::default()
                        })
                        .collect(),
                ));
            }
            x += HOUSE_EVERY_M;
            n += 2;
        }
    }
    (streets, turfs)
}

struct Sample {
    today_m: f64,
    routed_m: f64,
    route_ms: f64,
    doors: f64,
    names: f64,
    lines: f64,
    points: f64,
    page: f64,
    page_gz: f64,
    map: f64,
    map_gz: f64,
    plain_ms: f64,
    mapped_ms: f64,
    idle_plain_ms: f64,
    idle_mapped_ms: f64,
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip").len()
}

fn pull_turf(
    store: &SqliteStore,
    who: &AuthDevice,
    maps: bool,
    scopes: Vec<ScopeCursor>,
) -> (PullResponse, Duration) {
    let started = Instant::now();
    let res = store
        .pull(
            who,
            &PullRequest {
                protocol: PROTOCOL_VERSION,
                scopes,
                limit: Some(MAX_PULL_LIMIT),
                maps,
            },
            0,
        )
        .expect("pull");
    (res, started.elapsed())
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Metres walked over `steps` in today's street / side / number order and along the route
/// (as the store computes it at a cut, from the streets around the doors), and the ms the
/// route took.
fn walks(steps: &[route::Doorstep], streets: &[Street]) -> (f64, f64, f64) {
    let area = route::frame(steps).expect("placed doors");
    let near: Vec<Street> = streets
        .iter()
        .filter(|s| Bounds::of(s.points.iter().copied()).is_some_and(|b| b.intersects(&area)))
        .cloned()
        .collect();
    let routed_at = Instant::now();
    let routed = route::walking_order(steps.to_vec(), &near);
    let route_ms = routed_at.elapsed().as_secs_f64() * 1e3;
    let today = route::walking_order(steps.to_vec(), &[]);
    let at: std::collections::HashMap<i64, GeoPoint> = steps
        .iter()
        .filter_map(|d| Some((d.id, GeoPoint::new(d.lat?, d.lon?))))
        .collect();
    let walk = |ids: &[i64]| -> f64 {
        let placed: Vec<GeoPoint> = ids.iter().filter_map(|id| at.get(id).copied()).collect();
        placed
            .windows(2)
            .map(|w| groundgame_core::map::distance_m(w[0], w[1]))
            .sum()
    };
    (walk(&today), walk(&routed), route_ms)
}

/// The walk on the demo campaign's turfs (`scripts/run.sh`) and on the test extract
/// (pyosmium's Riverton, every house at its true place, as one turf).
fn other_towns() {
    println!();
    println!(
        "{:<40}{:>8}{:>14}{:>14}{:>10}",
        "walk", "doors", "today's m", "route m", "ratio"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.sqlite");
    let store = SqliteStore::open(&db).expect("open");
    groundgame_server::demo::seed(&store, &groundgame_server::demo::DemoOptions::default())
        .expect("demo");
    let conn = rusqlite::Connection::open(&db).expect("open");
    let (campaign, turfs): (i64, Vec<i64>) = {
        let campaign = conn
            .query_row("SELECT MIN(id) FROM campaigns", [], |r| r.get(0))
            .expect("campaign");
        let mut q = conn
            .prepare("SELECT id FROM turfs WHERE campaign_id = ?1 ORDER BY id")
            .expect("turfs");
        let turfs = q
            .query_map([campaign], |r| r.get(0))
            .expect("turfs")
            .collect::<Result<_, _>>()
            .expect("turfs");
        (campaign, turfs)
    };
    let (streets, _) = store
        .map(groundgame_core::CampaignId(campaign))
        .expect("map");
    let (mut today, mut routed, mut doors) = (0.0, 0.0, 0);
    for turf in turfs {
        let mut q = conn
            .prepare("SELECT id, street, number, unit, lat, lon FROM households WHERE turf_id = ?1")
            .expect("households");
        let steps: Vec<route::Doorstep> = q
            .query_map([turf], |r| {
                Ok(route::Doorstep {
                    id: r.get(0)?,
                    street: r.get(1)?,
                    number: r.get(2)?,
                    unit: r.get(3)?,
                    lat: r.get(4)?,
                    lon: r.get(5)?,
                })
            })
            .expect("households")
            .collect::<Result<_, _>>()
            .expect("households");
        if route::frame(&steps).is_none() {
            continue;
        }
        let (t, r, _) = walks(&steps, &streets);
        today += t;
        routed += r;
        doors += steps.len();
    }
    println!(
        "{:<40}{doors:>8}{today:>14.0}{routed:>14.0}{:>10.2}",
        "demo campaign, all its turfs",
        routed / today
    );

    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let extract = groundgame_server::maps::osm::read(&data.join("riverton.osm.pbf")).expect("read");
    let mut houses = csv::Reader::from_path(data.join("riverton-houses.csv")).expect("houses");
    let steps: Vec<route::Doorstep> = houses
        .records()
        .enumerate()
        .filter_map(|(i, rec)| {
            let rec = rec.expect("house");
            (&rec[6] == "exact" || &rec[6] == "interpolated").then(|| route::Doorstep {
                id: i as i64 + 1,
                street: rec[1].to_string(),
                number: rec[0].to_string(),
                unit: String::new(),
                lat: rec[4].parse().ok(),
                lon: rec[5].parse().ok(),
            })
        })
        .collect();
    let (t, r, _) = walks(&steps, &extract.streets);
    println!(
        "{:<40}{:>8}{t:>14.0}{r:>14.0}{:>10.2}",
        "test extract (Riverton, pyosmium)",
        steps.len(),
        r / t
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("maps.sqlite")).expect("open");
    let campaign = store
        .create_campaign("Grid City", TimeZone::UTC)
        .expect("campaign");
    let (streets, turfs) = town();
    let doors: usize = turfs.iter().map(Vec::len).sum();
    let loaded = Instant::now();
    store.replace_map(campaign, &streets, &[]).expect("map");
    let load = loaded.elapsed();
    let mut ids: Vec<TurfId> = Vec::new();
    for (i, households) in turfs.into_iter().enumerate() {
        let turf = store
            .create_turf(campaign, &format!("Turf {i}"))
            .expect("turf");
        store.add_households(turf, households).expect("households");
        ids.push(turf);
    }
    println!(
        "town: {} street ways, {doors} doors, {} turfs of ~{} doors; map stored in {:.0} ms",
        streets.len(),
        ids.len(),
        doors / ids.len(),
        load.as_secs_f64() * 1e3
    );

    // A volunteer's new device for each sampled turf: its first pull brings the whole turf.
    let step = (ids.len() / SAMPLE).max(1);
    let mut rows = Vec::new();
    let invite = store
        .create_invite(campaign, Role::Volunteer, SAMPLE as u32, u64::MAX / 2)
        .expect("invite");
    for (n, &turf) in ids.iter().step_by(step).take(SAMPLE).enumerate() {
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&(n as u64 + 1).to_le_bytes());
        let reg = store
            .register_device(&invite, &format!("V{n}"), "phone", "0.1.0", &hash, 1)
            .expect("register");
        let volunteer = reg.volunteer;
        let who = AuthDevice {
            device: reg.device,
            volunteer,
            campaign,
            role: Role::Volunteer,
            last_seen_at: 0,
            registered_at: 0,
        };
        store.set_assignees(turf, &[volunteer]).expect("assign");
        let mut with = Vec::new();
        let mut without = Vec::new();
        let mut last = None;
        for _ in 0..RUNS {
            let (plain, t) = pull_turf(&store, &who, false, Vec::new());
            without.push(t);
            let (mapped, t) = pull_turf(&store, &who, true, Vec::new());
            with.push(t);
            last = Some((plain, mapped));
        }
        // Then every later sync: the turf held, nothing new; with the map's tag, or no maps.
        let (_, mapped) = last.as_ref().expect("ran");
        let held = |map| ScopeCursor {
            turf,
            cursor: mapped.scopes[0].cursor,
            map,
        };
        let tag = mapped.scopes[0].map.as_ref().map(|m| m.tag);
        let mut idle_with = Vec::new();
        let mut idle_without = Vec::new();
        for _ in 0..RUNS {
            let (res, t) = pull_turf(&store, &who, false, vec![held(None)]);
            assert!(res.scopes.is_empty());
            idle_without.push(t);
            let (res, t) = pull_turf(&store, &who, true, vec![held(tag)]);
            assert!(res.scopes.is_empty());
            idle_with.push(t);
        }
        store.set_assignees(turf, &[]).expect("unassign");
        let (plain, mapped) = last.expect("ran");
        let page = &plain.scopes[0];
        let map = mapped.scopes[0].map.clone().expect("a map");
        let page_json = serde_json::to_vec(page).expect("json");
        let map_json = serde_json::to_vec(&map).expect("json");
        let points: usize = map
            .lines
            .iter()
            .map(|l| groundgame_core::map::decode_line(&l.points).map_or(0, |p| p.len()))
            .sum();
        // The walk: today's street / side / number order against the route along the
        // streets, over the same doors (the route as the store computes it at a cut).
        let steps: Vec<route::Doorstep> = page
            .households
            .iter()
            .map(|h| route::Doorstep {
                id: h.id.0,
                street: h.street.clone(),
                number: h.number.clone(),
                unit: h.unit.clone(),
                lat: h.lat,
                lon: h.lon,
            })
            .collect();
        let (today_m, routed_m, route_ms) = walks(&steps, &streets);
        rows.push(Sample {
            today_m,
            routed_m,
            route_ms,
            doors: page.households.len() as f64,
            names: map.names.len() as f64,
            lines: map.lines.len() as f64,
            points: points as f64,
            page: page_json.len() as f64,
            page_gz: gzip_len(&page_json) as f64,
            map: map_json.len() as f64,
            map_gz: gzip_len(&map_json) as f64,
            plain_ms: percentile(without, 0.5).as_secs_f64() * 1e3,
            mapped_ms: percentile(with, 0.5).as_secs_f64() * 1e3,
            idle_plain_ms: percentile(idle_without, 0.5).as_secs_f64() * 1e3,
            idle_mapped_ms: percentile(idle_with, 0.5).as_secs_f64() * 1e3,
        });
    }
    let avg = |f: &dyn Fn(&Sample) -> f64| rows.iter().map(f).sum::<f64>() / rows.len() as f64;
    let max = |f: &dyn Fn(&Sample) -> f64| rows.iter().map(f).fold(0.0, f64::max);
    println!();
    println!(
        "per turf ({} turfs sampled, {RUNS} pulls each way)  mean      max",
        rows.len()
    );
    let line = |what: &str, decimals: usize, f: &dyn Fn(&Sample) -> f64| {
        println!("{what:<44}{:>9.decimals$}{:>9.decimals$}", avg(f), max(f));
    };
    line("doors", 0, &|r| r.doors);
    line("streets on its map", 0, &|r| r.names);
    line("lines (clipped ways)", 0, &|r| r.lines);
    line("points", 0, &|r| r.points);
    line("turf page bytes, JSON (doors, people)", 0, &|r| r.page);
    line("turf page bytes, gzip", 0, &|r| r.page_gz);
    line("map bytes, JSON", 0, &|r| r.map);
    line("map bytes, gzip", 0, &|r| r.map_gz);
    line("map bytes per door, gzip", 0, &|r| r.map_gz / r.doors);
    line("map / page, gzip (%)", 1, &|r| 100.0 * r.map_gz / r.page_gz);
    line("pull ms, no maps (baseline, p50)", 2, &|r| r.plain_ms);
    line("pull ms, with its map (p50)", 2, &|r| r.mapped_ms);
    line("with map / baseline", 2, &|r| r.mapped_ms / r.plain_ms);
    line("later pull ms, nothing new, no maps (p50)", 3, &|r| {
        r.idle_plain_ms
    });
    line("later pull ms, nothing new, map held (p50)", 3, &|r| {
        r.idle_mapped_ms
    });
    line("map held / no maps", 2, &|r| {
        r.idle_mapped_ms / r.idle_plain_ms
    });
    line("walk m, street / side / number order", 0, &|r| r.today_m);
    line("walk m, route along the streets", 0, &|r| r.routed_m);
    line("route / today's order", 2, &|r| r.routed_m / r.today_m);
    line("ms to route a turf", 2, &|r| r.route_ms);
    other_towns();
}
