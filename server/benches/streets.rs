//! Streets and offline geocoding on a county-sized OpenStreetMap extract: `streets` (read
//! the extract, store its streets and address points) and `geocode --from-streets` (place
//! every household of a voter file that has no coordinates), each in its own child process
//! so its peak memory (VmHWM) is its own, beside baselines from the same run: one plain
//! `osmpbf` pass over the file (what reading alone costs; `streets` makes two), and raw
//! SQLite `UPDATE`s writing the same households' true positions (what storing the answer
//! alone costs). Then how close the geocoder put each house to where it stands.
//!
//! The extract is written by pyosmium (`scripts/osm-county.py`, an OSM writer independent of
//! this project) into a virtualenv at `target/osm-venv`, made on first use; the default sizes
//! are a town (50 × 50 blocks) and a county (200 × 200 blocks: 2.2 million nodes, 288,000
//! houses), `GROUNDGAME_COUNTY_BLOCKS=50,200` to change them. With `GROUNDGAME_TEST_POSTGRES`
//! set (an admin URL, as `scripts/pg-cluster.sh` prints) both also run into PostgreSQL.
//! Prints a table; asserts nothing.
//!
//! `cargo bench -p groundgame-server --bench streets` (release build).

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use groundgame_core::map::{distance_m, GeoPoint};
use groundgame_core::{CampaignId, TimeZone};
use groundgame_server::import::Format;
use groundgame_server::lang::Lang;
use groundgame_server::maps;
use groundgame_server::ops::import_file as run;
use groundgame_server::store::postgres::ScratchDb;
use groundgame_server::{PgStore, SqliteStore, Store};

mod support;

/// Where the repository is (the extract writer and its virtualenv live there).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

/// The virtualenv's Python with pyosmium, made on first use.
fn python() -> PathBuf {
    let venv = root().join("target/osm-venv");
    let python = venv.join("bin/python");
    let has_osmium = |p: &Path| {
        Command::new(p)
            .args(["-c", "import osmium"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has_osmium(&python) {
        eprintln!("installing pyosmium into {} ...", venv.display());
        let made = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "osmium"])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            made && has_osmium(&python),
            "could not install pyosmium (python3 -m venv target/osm-venv && \
             target/osm-venv/bin/pip install osmium)"
        );
    }
    python
}

struct Extract {
    pbf: PathBuf,
    houses: PathBuf,
    nodes: u64,
    ways: u64,
    bytes: u64,
}

/// Write the extract of `blocks` × `blocks` blocks into `dir`.
fn generate(dir: &Path, blocks: u32) -> Extract {
    let out = Command::new(python())
        .arg(root().join("scripts/osm-county.py"))
        .args(["--blocks", &blocks.to_string(), "--out"])
        .arg(dir)
        .output()
        .expect("run scripts/osm-county.py");
    assert!(
        out.status.success(),
        "scripts/osm-county.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    let n: Vec<u64> = said
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let [nodes, ways, _houses, bytes] = n[..] else {
        panic!("scripts/osm-county.py said {said:?}");
    };
    Extract {
        pbf: dir.join("county.osm.pbf"),
        houses: dir.join("county-houses.csv"),
        nodes,
        ways,
        bytes,
    }
}

/// A house as the extract's writer placed it.
struct House {
    number: String,
    street: String,
    at: GeoPoint,
    exact: bool,
}

fn houses(file: &Path) -> Vec<House> {
    let mut r = csv::Reader::from_path(file).expect("houses");
    r.records()
        .map(|rec| {
            let rec = rec.expect("house");
            House {
                number: rec[0].to_string(),
                street: rec[1].to_string(),
                at: GeoPoint::new(rec[2].parse().expect("lat"), rec[3].parse().expect("lon")),
                exact: &rec[4] == "exact",
            }
        })
        .collect()
}

/// The houses as a VAN-style voter file with no coordinates: one voter a house.
fn voter_file(houses: &[House], path: &Path) {
    let mut out = csv::Writer::from_path(path).expect("voter file");
    out.write_record([
        "VanID",
        "FirstName",
        "LastName",
        "Address",
        "City",
        "State",
        "Zip5",
    ])
    .expect("write");
    for (i, h) in houses.iter().enumerate() {
        out.write_record([
            format!("V{i}"),
            "ANA".into(),
            format!("RIVERA{}", i % 997),
            format!("{} {}", h.number, h.street),
            "RALEIGH".into(),
            "NC".into(),
            "27601".into(),
        ])
        .expect("write");
    }
    out.flush().expect("flush");
}

fn open(db: &str) -> Box<dyn Store> {
    if db.starts_with("postgres") {
        Box::new(PgStore::connect(db).expect("connect"))
    } else {
        Box::new(SqliteStore::open(Path::new(db)).expect("open"))
    }
}

/// A campaign in `db` with the voter file imported and the extract loaded: what
/// `geocode --from-streets` starts from.
fn prepare(db: &str, voters: &Path, pbf: &Path) -> CampaignId {
    let store = open(db);
    let campaign = store
        .create_campaign("County", TimeZone::UTC)
        .expect("campaign");
    let report = voters.with_extension("report.csv");
    run::import_file(
        store.as_ref(),
        &run::ImportRequest {
            campaign,
            format: Format::Van,
            file: voters.to_path_buf(),
            report: Some(report.clone()),
            full_file: true,
            show_progress: false,
            lang: Lang::En,
        },
    )
    .expect("import");
    let _ = std::fs::remove_file(report);
    maps::load_streets(store.as_ref(), campaign, pbf).expect("streets");
    campaign
}

/// One plain pass over the extract, decoding every element.
fn read_only(pbf: &Path) -> u64 {
    let mut n = 0u64;
    osmpbf::ElementReader::from_path(pbf)
        .expect("open")
        .for_each(|e| {
            if let osmpbf::Element::DenseNode(node) = &e {
                std::hint::black_box(node.lat());
            }
            n += 1;
        })
        .expect("read");
    n
}

/// Write every household's true position with plain `UPDATE`s by id, in one transaction.
fn raw_update(db: &Path, houses_file: &Path) -> u64 {
    let truth: HashMap<(String, String), GeoPoint> = houses(houses_file)
        .into_iter()
        .map(|h| ((h.number, h.street), h.at))
        .collect();
    let mut conn = rusqlite::Connection::open(db).expect("open");
    let tx = conn.transaction().expect("tx");
    let rows: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, number, street FROM households")
        .expect("select")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut n = 0;
    {
        let mut update = tx
            .prepare("UPDATE households SET lat = ?1, lon = ?2 WHERE id = ?3")
            .expect("update");
        for (id, number, street) in rows {
            if let Some(p) = truth.get(&(number, street)) {
                n += update.execute((p.lat, p.lon, id)).expect("update") as u64;
            }
        }
    }
    tx.commit().expect("commit");
    n
}

/// In a child process: one measurement, reported as `support::run_child` reads it.
fn child(what: &str, pbf: &Path, db: &str, campaign: i64, houses_file: &Path) {
    let started = Instant::now();
    let n = match what {
        "read" => read_only(pbf),
        "streets" => {
            let store = open(db);
            let campaign = store
                .create_campaign("County", TimeZone::UTC)
                .expect("campaign");
            let s = maps::load_streets(store.as_ref(), campaign, pbf).expect("streets");
            s.streets + s.address_points
        }
        "geocode" => {
            let store = open(db);
            let s =
                maps::place_from_streets(store.as_ref(), CampaignId(campaign), &mut |_, _| Ok(()))
                    .expect("geocode");
            s.exact + s.interpolated
        }
        "raw-update" => raw_update(Path::new(db), houses_file),
        other => panic!("no measurement {other}"),
    };
    support::report_child(n, started);
}

fn measure(what: &str, x: &Extract, db: &str, campaign: CampaignId) -> (u64, f64, f64, u64) {
    support::run_child([
        OsString::from("--child"),
        what.into(),
        x.pbf.clone().into(),
        db.into(),
        campaign.0.to_string().into(),
        x.houses.clone().into(),
    ])
}

/// Where the geocoder put each house, against where it stands.
fn accuracy(db: &Path, truth: &[House]) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let placed: HashMap<(String, String), GeoPoint> = conn
        .prepare("SELECT number, street, lat, lon FROM households WHERE lat IS NOT NULL")
        .expect("select")
        .query_map([], |r| {
            Ok(((r.get(0)?, r.get(1)?), GeoPoint::new(r.get(2)?, r.get(3)?)))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for (label, exact) in [("mapped address", true), ("interpolated", false)] {
        let mut off: Vec<f64> = truth
            .iter()
            .filter(|h| h.exact == exact)
            .filter_map(|h| {
                placed
                    .get(&(h.number.clone(), h.street.clone()))
                    .map(|p| distance_m(*p, h.at))
            })
            .collect();
        let of = truth.iter().filter(|h| h.exact == exact).count();
        off.sort_by(f64::total_cmp);
        let at = |q: f64| {
            off.get(((off.len().max(1) - 1) as f64 * q) as usize)
                .copied()
        };
        println!(
            "  {label:<15} {:>7} of {:>7} placed; metres off: median {:.1}, p95 {:.1}, max {:.1}",
            off.len(),
            of,
            at(0.5).unwrap_or(f64::NAN),
            at(0.95).unwrap_or(f64::NAN),
            off.last().copied().unwrap_or(f64::NAN),
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let a = &args[at + 1..];
        let [what, pbf, db, campaign, houses_file] = a else {
            panic!("--child WHAT PBF DB CAMPAIGN HOUSES");
        };
        child(
            what,
            Path::new(pbf),
            db,
            campaign.parse().expect("campaign"),
            Path::new(houses_file),
        );
        return;
    }
    let dir = tempfile::Builder::new()
        .prefix("groundgame-streets-bench-")
        .tempdir_in(std::env::var("GROUNDGAME_BENCH_DIR").unwrap_or_else(|_| "/tmp".into()))
        .expect("temp dir");
    let sizes: Vec<u32> = std::env::var("GROUNDGAME_COUNTY_BLOCKS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 200]);
    let postgres = std::env::var("GROUNDGAME_TEST_POSTGRES").ok();
    if postgres.is_none() {
        eprintln!(
            "PostgreSQL rows skipped: set GROUNDGAME_TEST_POSTGRES=$(bash scripts/pg-cluster.sh)"
        );
    }
    println!("streets and offline geocoding from an OpenStreetMap extract, release build");
    for blocks in sizes {
        let here = dir.path().join(format!("b{blocks}"));
        let started = Instant::now();
        let x = generate(&here, blocks);
        let truth = houses(&x.houses);
        let voters = here.join("voters.csv");
        voter_file(&truth, &voters);
        eprintln!(
            "wrote the {blocks}×{blocks} extract in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        println!();
        println!(
            "{blocks}×{blocks} blocks: {} nodes, {} ways, {:.1} MB .osm.pbf; {} houses",
            x.nodes,
            x.ways,
            x.bytes as f64 / 1e6,
            truth.len()
        );
        println!(
            "{:<38} {:>8} {:>12} {:<11} {:>8} {:>10} {:>12}",
            "measurement", "wall s", "per s", "(of what)", "CPU s", "× base", "peak RSS MB"
        );
        let line = |label: &str, m: (u64, f64, f64, u64), per: u64, of: &str, base: f64| {
            println!(
                "{label:<38} {:>8.2} {:>12.0} {of:<11} {:>8.2} {:>10.2} {:>12.1}",
                m.1,
                per as f64 / m.1,
                m.2,
                m.1 / base,
                m.3 as f64 / 1024.0
            );
            let _ = std::io::stdout().flush();
        };
        let elements = x.nodes + x.ways;
        let none = CampaignId(0);
        let read = measure("read", &x, "", none);
        line(
            "baseline: osmpbf read, one pass",
            read,
            elements,
            "elements",
            read.1,
        );
        let db = here.join("streets.sqlite");
        let streets = measure("streets", &x, db.to_str().expect("utf-8"), none);
        line("streets (SQLite)", streets, elements, "elements", read.1);
        let pg_streets = postgres.as_ref().map(|admin| {
            let scratch = ScratchDb::create(admin).expect("scratch database");
            measure("streets", &x, &scratch.url, none)
        });
        if let Some(m) = pg_streets {
            line("streets (PostgreSQL)", m, elements, "elements", read.1);
        }

        let geo = here.join("geocode.sqlite");
        let campaign = prepare(geo.to_str().expect("utf-8"), &voters, &x.pbf);
        let raw = here.join("raw.sqlite");
        rusqlite::Connection::open(&geo)
            .expect("open")
            .execute("VACUUM INTO ?1", [raw.to_str().expect("utf-8")])
            .expect("copy");
        let households = truth.len() as u64;
        let base = measure("raw-update", &x, raw.to_str().expect("utf-8"), campaign);
        line(
            "baseline: raw SQLite UPDATE by id",
            base,
            households,
            "households",
            base.1,
        );
        let geocode = measure("geocode", &x, geo.to_str().expect("utf-8"), campaign);
        line(
            "geocode --from-streets (SQLite)",
            geocode,
            households,
            "households",
            base.1,
        );
        if let Some(admin) = &postgres {
            let scratch = ScratchDb::create(admin).expect("scratch database");
            let campaign = prepare(&scratch.url, &voters, &x.pbf);
            let m = measure("geocode", &x, &scratch.url, campaign);
            line(
                "geocode --from-streets (PostgreSQL)",
                m,
                households,
                "households",
                base.1,
            );
        }
        accuracy(&geo, &truth);
    }
}
