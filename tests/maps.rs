//! Maps with no network, through the real `groundgame-server` binary: a North Carolina voter
//! file (no coordinates, as the State Board publishes it) whose addresses lie on the streets
//! of an OpenStreetMap extract written by pyosmium (`scripts/osm-fixture.py`, libosmium's
//! Python bindings: an independent writer), then `streets` and `geocode --from-streets`.
//! Every house mapped in OSM is placed exactly, every other one on a mapped street is
//! interpolated, each within 30 m of where it truly stands; a street OSM does not have, a
//! door with no number and a number past the last mapped one are reported, not placed.

use std::collections::BTreeMap;
use std::path::Path;

use groundgame_core::map::{distance_m, GeoPoint};
use groundgame_core::CampaignId;

use crate::support::process::{server_binary, server_command, TestDatabase};
use crate::support::temp_dir;
use crate::voter_file::{count, row, value, write_ncvoter};

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

#[test]
fn a_voter_file_with_no_coordinates_is_placed_from_an_osm_extract() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "campaign");
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
    let file = dir.path().join("ncvoter99.txt");
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

    let pbf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/riverton.osm.pbf");
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
