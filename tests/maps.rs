//! Maps with no network, through the real `groundgame-server` binary: a North Carolina voter
//! file (no coordinates, as the State Board publishes it) whose addresses lie on the streets
//! of an OpenStreetMap extract written by pyosmium (`scripts/osm-fixture.py`, libosmium's
//! Python bindings: an independent writer), then `streets` and `geocode --from-streets`.
//! Every house mapped in OSM is placed exactly, every other one on a mapped street is
//! interpolated, each within 30 m of where it truly stands; a street OSM does not have, a
//! door with no number and a number past the last mapped one are reported, not placed.

use std::collections::BTreeMap;
use std::path::Path;

use groundgame_core::map::decode_line;
use groundgame_core::map::{distance_m, GeoPoint};
use groundgame_core::CampaignId;

use crate::support::process::{server_binary, server_command, TestDatabase};
use crate::support::temp_dir;
use crate::voter_file::{canvasser_on, count, row, value, write_ncvoter};

/// The greatest distance allowed between a placed door and the house.
const WITHIN_M: f64 = 30.0;

struct House {
    number: String,
    street: String,
    at: GeoPoint,
    expect: String,
}

fn houses() -> Vec<House> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/riverton-houses.csv");
    let mut reader = csv::Reader::from_path(path).expect("the houses file");
    reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            House {
                number: r[0].to_string(),
                street: r[1].to_string(),
                at: GeoPoint::new(r[4].parse().expect("lat"), r[5].parse().expect("lon")),
                expect: r[6].to_string(),
            }
        })
        .collect()
}

/// A campaign holding the fixture's voter file (no coordinates): its database, id, and how
/// many doors the import made.
fn riverton_campaign(dir: &Path) -> (TestDatabase, String, u64) {
    let db = TestDatabase::new(dir, "campaign");
    let data = db.arg.as_str();
    let made = server_command(&[
        "campaign",
        "--data",
        data,
        "--name",
        "Riverton",
        "--time-zone",
        "America/New_York",
    ]);
    let campaign = value(&made, "campaign ").to_string();
    let houses = houses();
    let rows: Vec<String> = houses
        .iter()
        .enumerate()
        .map(|(i, h)| {
            row(&[
                ("ncid", &format!("RV{i:04}")),
                ("first_name", "PAT"),
                ("last_name", "RIVERS"),
                ("status_cd", "A"),
                ("res_street_address", &format!("{} {}", h.number, h.street)),
                ("res_city_desc", "RIVERTON"),
                ("zip_code", "27601"),
                ("precinct_abbrv", "P1"),
                ("confidential_ind", "N"),
            ])
        })
        .collect();
    let file = dir.join("ncvoter99.txt");
    write_ncvoter(&file, &rows);
    let imported = server_command(&[
        "import",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--format",
        "ncvoter",
        "--file",
        file.to_str().expect("utf-8"),
    ]);
    let doors = count(&imported, "households added:");
    (db, campaign, doors)
}

fn pbf() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/riverton.osm.pbf")
}

#[test]
fn a_voter_file_with_no_coordinates_is_placed_from_an_osm_extract() {
    let dir = temp_dir();
    let (db, campaign, doors) = riverton_campaign(dir.path());
    let data = db.arg.as_str();
    let houses = houses();
    let file = dir.path().join("ncvoter99.txt");

    // Not an extract: refused with words, nothing loaded.
    let before = db.digest();
    let out = std::process::Command::new(server_binary())
        .args(["streets", "--data", data, "--campaign", &campaign, "--file"])
        .arg(&file)
        .output()
        .expect("run groundgame-server");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a voter file is not a map");
    assert!(said.contains("is not an OpenStreetMap extract"), "{said}");
    assert!(
        groundgame_server::store::Location::changed(&before, &db.digest()).is_empty(),
        "nothing was written"
    );

    let pbf = pbf();
    let loaded = server_command(&[
        "streets",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--file",
        pbf.to_str().expect("utf-8"),
    ]);
    assert!(loaded.contains("5 ways, 5 names"), "{loaded}");
    let exact_houses = houses.iter().filter(|h| h.expect == "exact").count() as u64;
    assert_eq!(count(&loaded, "address points:"), exact_houses, "{loaded}");
    assert!(
        loaded.contains("2 unnamed ways"),
        "the footway and the service road: {loaded}"
    );

    let report = dir.path().join("placed-report.csv");
    let placed = server_command(&[
        "geocode",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--from-streets",
        "--report",
        report.to_str().expect("utf-8"),
    ]);
    let want = |what: &str| houses.iter().filter(|h| h.expect == what).count() as u64;
    assert_eq!(count(&placed, "households:"), doors, "{placed}");
    assert_eq!(count(&placed, "placed exactly:"), want("exact"), "{placed}");
    assert_eq!(
        count(&placed, "interpolated:"),
        want("interpolated"),
        "{placed}"
    );
    assert_eq!(count(&placed, "not found:"), 3, "{placed}");

    // Where each door now stands, against the house.
    let store = db.open();
    let at: BTreeMap<(String, String), GeoPoint> = store
        .unplaced_households(CampaignId(campaign.parse().expect("id")))
        .expect("households")
        .into_iter()
        .filter_map(|h| Some(((h.number, h.street), GeoPoint::new(h.lat?, h.lon?))))
        .collect();
    let mut worst: BTreeMap<&str, f64> = BTreeMap::new();
    for h in &houses {
        let placed = at.get(&(h.number.clone(), h.street.clone()));
        match h.expect.as_str() {
            "exact" | "interpolated" => {
                let p =
                    placed.unwrap_or_else(|| panic!("{} {} was not placed", h.number, h.street));
                let off = distance_m(*p, h.at);
                assert!(
                    off <= WITHIN_M,
                    "{} {} ({}) is {off:.1} m from the house",
                    h.number,
                    h.street,
                    h.expect
                );
                let w = worst.entry(h.expect.as_str()).or_default();
                *w = w.max(off);
            }
            _ => assert!(placed.is_none(), "{} {} was placed", h.number, h.street),
        }
    }
    println!("furthest from the house: {worst:?}");
    assert!(worst["exact"] < 1.0, "a mapped address is where OSM has it");

    let lines = std::fs::read_to_string(&report).expect("the report");
    for (address, reason) in [
        ("12 BIRCH LN", "no street of this name"),
        ("MAPLE ST", "no house number"),
        ("151 OAK AVE", "no numbered addresses on both sides"),
    ] {
        assert!(
            lines
                .lines()
                .any(|l| l.starts_with(address) && l.contains(reason)),
            "{address}: {reason} in\n{lines}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_canvassers_phone_holds_the_streets_of_its_turf_after_one_sync() {
    let dir = temp_dir();
    let (db, campaign, _) = riverton_campaign(dir.path());
    let data = db.arg.as_str();
    let pbf = pbf();
    let report = dir.path().join("placed.csv");
    for args in [
        vec!["streets", "--file", pbf.to_str().expect("utf-8")],
        vec![
            "geocode",
            "--from-streets",
            "--report",
            report.to_str().expect("utf-8"),
        ],
        vec!["cut", "--by", "area", "--doors", "30"],
    ] {
        let mut all = vec![args[0], "--data", data, "--campaign", &campaign];
        all.extend(&args[1..]);
        server_command(&all);
    }
    let store = db.open();
    let turfs = store
        .turf_summaries(CampaignId(campaign.parse().expect("id")))
        .expect("turfs");
    assert!(turfs.len() > 2, "{turfs:?}");
    let turf = turfs[0].id;
    drop(store);
    let (_server, phone) = canvasser_on(dir.path(), &db, &campaign, turf).await;
    phone.engine.sync_until_drained(5).await.expect("download");

    let map = phone
        .store
        .turf_map(turf)
        .expect("read")
        .expect("the turf's map came with it");
    let lines: Vec<Vec<GeoPoint>> = map
        .lines
        .iter()
        .map(|l| decode_line(&l.points).expect("an encoded line"))
        .collect();
    // Every placed door of the turf stands beside a street of its map (houses are 10 to 22
    // m from the centreline).
    let doors = phone.store.households(turf).expect("doors");
    assert!(!doors.is_empty());
    for d in doors.iter().filter(|d| d.lat.is_some()) {
        let at = GeoPoint::new(d.lat.expect("lat"), d.lon.expect("lon"));
        let near = lines
            .iter()
            .flat_map(|l| l.windows(2))
            .map(|w| {
                let plane = groundgame_core::map::Plane::around(at);
                let line =
                    groundgame_core::map::Line::new(vec![plane.to_xy(w[0]), plane.to_xy(w[1])])
                        .expect("a segment");
                line.station((0.0, 0.0)).offset.abs()
            })
            .fold(f64::INFINITY, f64::min);
        assert!(
            near < 30.0,
            "{} {} is {near:.0} m from its map's streets",
            d.number,
            d.street
        );
    }
    // Only the streets around it: not the whole town's.
    let whole = map.names.len();
    assert!(
        whole < 5,
        "a turf of 30 doors drew {whole} of the town's 5 streets: {:?}",
        map.names
    );
    let bytes = serde_json::to_vec(&map).expect("json").len();
    println!(
        "turf map: {} streets, {} lines, {bytes} bytes",
        whole,
        map.lines.len()
    );

    // The next sync sends the map's tag back, and the server sends no map again.
    let before = phone.store.scopes().expect("scopes");
    phone.engine.sync_until_drained(5).await.expect("again");
    assert_eq!(phone.store.scopes().expect("scopes"), before);
}
