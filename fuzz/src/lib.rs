//! What each fuzz target feeds a parser and checks of its answer, one function per target.
//!
//! The targets in `fuzz_targets/` hand these functions libFuzzer's inputs
//! (`scripts/fuzz.sh`). The test suite includes this same file and replays every committed
//! seed and regression input, and a fixed set of mutations of each, through it
//! (`tests/fuzz_seeds.rs`): the oracles are built and exercised by every test run, not only
//! when someone fuzzes.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request};
use groundgame_core::network::import;
use groundgame_core::paths::{NETWORK_PULL_PATH, NETWORK_PUSH_PATH, PULL_PATH, PUSH_PATH};
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::http::quota::{Quota, Quotas};
use groundgame_server::import::{Format, GeoReader, Mapping, ReadOptions, VoterReader};
use groundgame_server::{app, AppState, SqliteStore, Store};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A target's oracle: panics on what it finds wrong.
pub type Oracle = fn(&[u8]);

/// Every target, by the name its seeds' folder has.
pub const TARGETS: &[(&str, Oracle)] = &[
    ("sync_bodies", sync_bodies),
    ("voter_file", voter_file),
    ("import_mapping", import_mapping),
    ("script_toml", script_toml),
    ("contacts_import", contacts_import),
    ("geocode_csv", geocode_csv),
    ("osm_extract", osm_extract),
];

struct World {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    token: String,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::tempdir().expect("dir");
        let store = SqliteStore::open(&dir.path().join("server.sqlite")).expect("store");
        let demo = demo::seed(
            &store,
            &DemoOptions {
                seed: 1,
                voters: 60,
                turfs: 2,
            },
        )
        .expect("demo");
        let (token, hash) = groundgame_server::http::auth::new_token();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis() as u64;
        let reg = store
            .register_device(&demo.volunteer_invite, "Fuzz", "phone", "1.0", &hash, now)
            .expect("register");
        let store: Arc<dyn Store> = Arc::new(store);
        store
            .set_assignees(demo.turfs[0], &[reg.volunteer])
            .expect("assign");
        let unlimited = Quota::per_minute(10_000_000);
        let state = AppState::new(store).with_quotas(Quotas {
            push: unlimited,
            network_push: unlimited,
            ..Quotas::default()
        });
        World {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            app: app(state),
            token,
            _dir: dir,
        }
    })
}

/// The sync bodies a device sends — push, pull, my-network push and pull, plain or
/// gzip-compressed — through the whole HTTP stack in process (body limits, decompression,
/// JSON, protocol checks, per-event validation, scope, the store), with a valid volunteer
/// token: the insider the review asked about. The oracle: never a 5xx, every answer JSON,
/// every refusal a code and a message.
pub fn sync_bodies(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let path = [PUSH_PATH, PULL_PATH, NETWORK_PUSH_PATH, NETWORK_PULL_PATH][usize::from(which % 4)];
    let gzip = which & 4 != 0;
    let w = world();
    let mut request = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", w.token))
        .header(header::CONTENT_TYPE, "application/json");
    let body = if gzip {
        request = request.header(header::CONTENT_ENCODING, "gzip");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(body).expect("gzip");
        enc.finish().expect("gzip")
    } else {
        body.to_vec()
    };
    let request = request.body(Body::from(body)).expect("request");
    let (status, bytes) = w.rt.block_on(async {
        let response = w.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, bytes)
    });
    assert!(
        !status.is_server_error(),
        "{path} answered {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    let answer: serde_json::Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{path} answered {status} with a body that is not JSON ({e})"));
    if status.is_client_error() {
        let code = answer["error"]["code"].as_str().unwrap_or("");
        let message = answer["error"]["message"].as_str().unwrap_or("");
        assert!(
            !code.is_empty() && !message.is_empty(),
            "{path} refused ({status}) without a code and a message: {answer}"
        );
    }
}

/// A mapping like the README's example, for the mapped format.
const MAPPING: &str = r#"
[columns]
source_id = "Voter ID"
first_name = "First"
last_name = "Last"
address = "Address"
city = "City"
zip = "Zip"
phone = "Phone"
"#;

/// A voter file as a lead uploads it: North Carolina's layout, a VAN-style export, or any
/// CSV/TSV with a mapping file — every encoding, delimiter and line ending the reader
/// guesses, and every row read to the end. The oracle: no panic, and every row is a voter
/// or a report line.
pub fn voter_file(data: &[u8]) {
    let Some((&which, file)) = data.split_first() else {
        return;
    };
    let format = match which % 3 {
        0 => Format::NcVoter,
        1 => Format::Van,
        _ => Format::Mapped(Box::new(
            Mapping::parse(MAPPING).expect("the mapping parses"),
        )),
    };
    let Ok(reader) = VoterReader::new(file, &format, ReadOptions::for_year(2026), None) else {
        return;
    };
    for row in reader.take(100_000) {
        if row.is_err() {
            break;
        }
    }
}

const FILE: &[u8] = b"Voter ID,First,Last,Address,City,Zip,Phone\r\n\
A1,Ana,Diaz,12 Elm St,Durham,27701,919-555-0101\r\n\
A2,Ben,Okafor,14 Elm St,Durham,27701,\r\n";

/// A column-mapping file (TOML) a lead writes for a voter file in no known layout, then a
/// small file read with it. The oracle: no panic; a bad mapping is an error, not a crash.
pub fn import_mapping(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mapping) = Mapping::parse(text) else {
        return;
    };
    let format = Format::Mapped(Box::new(mapping));
    if let Ok(reader) = VoterReader::new(FILE, &format, ReadOptions::for_year(2026), None) {
        for row in reader {
            if row.is_err() {
                break;
            }
        }
    }
}

/// A canvassing or phone-bank script file (TOML) as a lead saves it. The oracle: no panic;
/// a script that parses also validates or says what is wrong with it.
pub fn script_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(script) = groundgame_server::script_file::parse(text) {
        let _ = script.validate();
    }
}

/// A volunteer's own contacts, imported for relational organizing: vCard (3.0 and 4.0, as
/// phones export them) or CSV (Google's and Outlook's layouts), detected from the text, then
/// planned against contacts already on the phone. The oracle: no panic.
pub fn contacts_import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = import::parse(&text) {
        let _ = import::plan(parsed, &[]);
    }
}

/// A geocoding file a lead uploads: this project's CSV or the US Census Geocoder's batch
/// output as it comes. The oracle: no panic; every row a location or an issue.
pub fn geocode_csv(data: &[u8]) {
    let Ok(reader) = GeoReader::new(data) else {
        return;
    };
    for row in reader.take(100_000) {
        if row.is_err() {
            break;
        }
    }
}

/// An OpenStreetMap extract (`.osm.pbf`) as a lead loads it with `streets`: read from a file
/// (the reader takes a path), both of its passes, every block decoded. The oracle: no panic,
/// and what reads holds only what the map may be given: streets of two or more valid points
/// with a name, address points at a valid position with a number and a street.
pub fn osm_extract(data: &[u8]) {
    static FILE: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, path) = FILE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("extract.osm.pbf");
        (dir, path)
    });
    std::fs::write(path, data).expect("write the extract");
    let Ok(extract) = groundgame_server::maps::osm::read(path) else {
        return;
    };
    for street in &extract.streets {
        assert!(
            street.points.len() >= 2,
            "a street of {} points",
            street.points.len()
        );
        assert!(
            street.points.iter().all(|p| p.is_valid()),
            "a street off the globe"
        );
        assert!(
            !street.name.is_empty() && !street.class.is_empty(),
            "an unnamed street"
        );
    }
    for point in &extract.points {
        assert!(
            point.at.is_valid(),
            "an address point off the globe: {:?}",
            point.at
        );
        assert!(!point.number.is_empty(), "an address point with no number");
    }
}
