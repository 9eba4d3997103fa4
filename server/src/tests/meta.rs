//! The API's edges: the OpenAPI description, health, unknown routes and methods, and gzip
//! responses.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use groundgame_core::protocol::{codes, PUSH_PATH};
use serde_json::Value;

use super::harness::Harness;

#[tokio::test]
async fn openapi_json_parses_and_describes_every_route() {
    let h = Harness::new();
    let r = h
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc: Value = r.json();
    let paths = doc["paths"].as_object().expect("paths");
    // The document and the router's own list (`routes::ROUTES`) name the same operations.
    let mut described: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("operations")
                .keys()
                .map(move |method| (path.clone(), method.clone()))
        })
        .collect();
    let mut served: Vec<(String, String)> = crate::routes::ROUTES
        .iter()
        .map(|(path, method)| (path.to_string(), method.to_string()))
        .collect();
    described.sort();
    served.sort();
    assert_eq!(described, served, "the OpenAPI document against the router");
    assert!(paths[PUSH_PATH]["post"]["security"].is_array());
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for schema in [
        "PushRequest",
        "Event",
        "EventBody",
        "PullResponse",
        "ErrorBody",
        "TurfList",
    ] {
        assert!(schemas.contains_key(schema), "{schema} missing");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn health_unknown_routes_and_wrong_methods() {
    let h = Harness::new();
    let r = h.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(r.json(), serde_json::json!({"ok": true}));
    let r = h.call(Method::GET, "/api/v1/nothing", None, None).await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::NOT_FOUND, codes::NOT_FOUND)
    );
    let r = h.call(Method::GET, "/api/v1/push", None, None).await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED)
    );
    let r = h
        .call(
            Method::PUT,
            "/api/v1/turfs/not-a-number/assignees",
            None,
            None,
        )
        .await;
    assert!(r.status.is_client_error());
    r.error_code();
}

#[tokio::test]
async fn responses_are_gzipped_for_clients_that_accept_it() {
    let h = Harness::new();
    let req = Request::get("/api/v1/openapi.json")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let r = h.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.body[..]), &mut text)
        .expect("gunzip");
    assert!(text.contains("/api/v1/push"));
}

/// An answer that fits in one TCP segment goes as it is: gzip would save the phone nothing
/// and cost the server a compressor per request.
#[tokio::test]
async fn answers_smaller_than_a_packet_are_not_gzipped() {
    let h = Harness::new();
    let req = Request::get("/api/v1/health")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let r = h.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.len() < 1400, "{} bytes", r.body.len());
    assert_eq!(r.headers.get(header::CONTENT_ENCODING), None);
    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("plain JSON");
    assert!(body.is_object());
}
