//! The campaign's map through the API, on both backends: a lead uploads the pyosmium-written
//! extract (`tests/data/riverton.osm.pbf`) and places the households from it; before there
//! is a map nobody can be placed, and nothing changes.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use groundgame_core::map::{distance_m, GeoPoint};
use groundgame_core::paths::{GEOCODE_STREETS_PATH, STREETS_PATH};
use groundgame_core::protocol::campaign_data::{PlacedResponse, StreetsResponse};

use super::harness::Harness;

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
    let loaded: StreetsResponse = r.parse();
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
