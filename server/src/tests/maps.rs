//! The campaign's map through the API, on both backends: a lead uploads the pyosmium-written
//! extract (`tests/data/riverton.osm.pbf`) and places the households from it; before there
//! is a map nobody can be placed, and nothing changes.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use groundgame_core::map::{decode_line, distance_m, GeoPoint};
use groundgame_core::paths::{GEOCODE_STREETS_PATH, PULL_PATH, STREETS_PATH};
use groundgame_core::protocol::campaign_data::{PlacedResponse, StreetsResponse};
use groundgame_core::protocol::{PullResponse, PROTOCOL_VERSION};
use groundgame_core::TurfId;
use serde_json::json;

use super::harness::{Device, Harness};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(name)
}

/// Where the fixture says the house stands.
fn house(number: &str, street: &str) -> GeoPoint {
    let mut reader = csv::Reader::from_path(data("riverton-houses.csv")).expect("houses");
    reader
        .records()
        .map(|r| r.expect("row"))
        .find(|r| &r[0] == number && &r[1] == street)
        .map(|r| GeoPoint::new(r[4].parse().expect("lat"), r[5].parse().expect("lon")))
        .expect("a house of the fixture")
}

/// The lead uploads the fixture's extract.
async fn upload_map(h: &Harness, lead: &Device) -> StreetsResponse {
    let pbf = std::fs::read(data("riverton.osm.pbf")).expect("the extract");
    let r = h
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(STREETS_PATH)
                .header(header::AUTHORIZATION, format!("Bearer {}", lead.token))
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(pbf))
                .expect("request"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    r.parse()
}

#[tokio::test]
async fn a_lead_loads_the_map_and_places_the_households_from_it() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    for (number, street, id) in [
        ("100", "N ELM ST", "V1"),
        ("102", "N ELM ST", "V2"),
        ("12", "BIRCH LN", "V3"),
    ] {
        h.imported_household(street, number, "P1", &[(id, None, "active")]);
    }

    // No map yet: refused, and nothing changes.
    let before = h.digest();
    let r = h
        .call(Method::POST, GEOCODE_STREETS_PATH, Some(&lead.token), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.error_code() == "invalid_value",
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(String::from_utf8_lossy(&r.body).contains("no map yet"));
    assert!(crate::store::Location::changed(&before, &h.digest()).is_empty());

    let loaded = upload_map(&h, &lead).await;
    assert_eq!(
        (loaded.streets, loaded.names, loaded.unnamed_ways),
        (5, 5, 2)
    );

    let r = h
        .call(Method::POST, GEOCODE_STREETS_PATH, Some(&lead.token), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let placed: PlacedResponse = r.parse();
    assert_eq!(
        (
            placed.households,
            placed.exact,
            placed.interpolated,
            placed.located
        ),
        (3, 1, 1, 2)
    );
    assert_eq!(placed.report.len(), 1);
    assert_eq!(placed.report[0].address, "12 BIRCH LN");
    assert!(placed.report[0].reason.contains("no street of this name"));
    let doors = h.store.unplaced_households(h.campaign).expect("households");
    for (number, street) in [("100", "N ELM ST"), ("102", "N ELM ST")] {
        let d = doors
            .iter()
            .find(|d| d.number == number && d.street == street)
            .expect("the door");
        let at = GeoPoint::new(d.lat.expect("lat"), d.lon.expect("lon"));
        assert!(
            distance_m(at, house(number, street)) < 30.0,
            "{number} {street}"
        );
    }
}

/// A pull as an app that draws maps (or not) sends it: each turf with its cursor and the
/// tag of the map it holds.
async fn pull(
    h: &Harness,
    device: &Device,
    maps: bool,
    scopes: &[(TurfId, u64, Option<u64>)],
) -> PullResponse {
    let scopes: Vec<_> = scopes
        .iter()
        .map(|(turf, cursor, map)| json!({"turf": turf, "cursor": cursor, "map": map}))
        .collect();
    let body = json!({"protocol": PROTOCOL_VERSION, "scopes": scopes, "maps": maps});
    h.post_ok(PULL_PATH, &device.token, body).await
}

/// Households at `numbers` of N ELM ST, placed from the fixture's map by the lead, in a turf
/// of their own, and a volunteer on it.
async fn placed_turf(h: &Harness, lead: &Device, numbers: &[&str]) -> (TurfId, Device) {
    let doors: Vec<_> = numbers
        .iter()
        .enumerate()
        .map(|(i, n)| {
            h.imported_household("N ELM ST", n, "P1", &[(&format!("V{i}"), None, "active")])
        })
        .collect();
    upload_map(h, lead).await;
    let r = h
        .call(Method::POST, GEOCODE_STREETS_PATH, Some(&lead.token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let turf = h
        .store
        .place_households(h.campaign, &[("Elm".into(), doors)])
        .expect("cut")[0];
    (turf, h.volunteer_on(turf, "Val").await)
}

#[tokio::test]
async fn a_turf_page_carries_the_streets_around_its_doors_once_and_again_when_the_map_changes() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let (turf, val) = placed_turf(&h, &lead, &["100", "101", "102", "103"]).await;

    // New to the device: the page brings the map.
    let first = pull(&h, &val, true, &[]).await;
    let page = first
        .scopes
        .iter()
        .find(|p| p.turf.id == turf)
        .expect("the turf");
    let map = page.map.clone().expect("a map with the turf");
    assert_ne!(map.tag, 0);
    // The doors' street and the arterial at their corner; not the streets 200 m and more
    // beyond the doors.
    assert!(
        map.names.contains(&"North Elm Street".to_owned()),
        "{:?}",
        map.names
    );
    assert!(
        map.names.contains(&"Jefferson Road".to_owned()),
        "{:?}",
        map.names
    );
    assert!(
        !map.names.contains(&"Maple Street".to_owned()),
        "{:?}",
        map.names
    );
    assert!(
        !map.names.contains(&"Calle Luna".to_owned()),
        "{:?}",
        map.names
    );
    assert!(
        map.names.iter().all(|n| !n.is_empty()),
        "unnamed ways are left out"
    );
    let corner = GeoPoint::new(35.78, -78.64);
    for line in &map.lines {
        let points = decode_line(&line.points).expect("an encoded line");
        assert!(points.len() >= 2);
        assert!(points.iter().all(|p| distance_m(*p, corner) < 900.0));
        let name = &map.names[line.name as usize];
        assert_eq!(line.arterial, name == "Jefferson Road", "{name}");
    }
    let cursor = page.cursor;

    // Held with its tag: nothing to send, not even the page.
    let again = pull(&h, &val, true, &[(turf, cursor, Some(map.tag))]).await;
    assert!(again.scopes.is_empty(), "{:?}", again.scopes);
    // Held with another tag: sent again, the same map.
    let other = pull(&h, &val, true, &[(turf, cursor, Some(map.tag ^ 1))]).await;
    assert_eq!(other.scopes[0].map.as_ref(), Some(&map));
    // An app that draws no maps gets none.
    let old_app = pull(&h, &val, false, &[]).await;
    assert!(old_app.scopes.iter().all(|p| p.map.is_none()));

    // The lead loads the map again: a new map, sent though nothing else changed.
    upload_map(&h, &lead).await;
    let reloaded = pull(&h, &val, true, &[(turf, cursor, Some(map.tag))]).await;
    let page = &reloaded.scopes[0];
    assert_eq!(page.cursor, cursor);
    let new_map = page.map.clone().expect("the new map");
    assert_ne!(new_map.tag, map.tag);
    assert_eq!(new_map.names, map.names);

    // A turf with no door placed has no map: a device holding one is told to drop it.
    let dana = h.volunteer_on(h.turf_a, "Dana").await;
    let none = pull(&h, &dana, true, &[]).await;
    assert!(none.scopes.iter().all(|p| p.map.is_none()));
    let cursor_a = none.scopes[0].cursor;
    let drop = pull(&h, &dana, true, &[(h.turf_a, cursor_a, Some(42))]).await;
    let dropped = drop.scopes[0].map.as_ref().expect("told to drop it");
    assert_eq!((dropped.tag, dropped.lines.len()), (0, 0));
}

#[tokio::test]
async fn with_a_map_a_turf_is_walked_up_one_side_of_the_block_and_back_the_other() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let numbers = ["100", "101", "102", "103", "104", "105"];
    let (_, val) = placed_turf(&h, &lead, &numbers).await;
    let page = pull(&h, &val, false, &[]).await;
    let mut walked: Vec<_> = page.scopes[0].households.clone();
    walked.sort_by_key(|d| d.walk_order);
    let order: Vec<&str> = walked.iter().map(|d| d.number.as_str()).collect();
    // Odd numbers stand north of North Elm Street, even south: up one side, back the
    // other, not back to the start of the block for the even side.
    assert_eq!(order, ["101", "103", "105", "104", "102", "100"]);
}
