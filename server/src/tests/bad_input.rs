//! Bad input of every kind gets the right status and code, and writes nothing.

use std::io::Write;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use groundgame_core::protocol::{codes, MAX_BODY_BYTES, MAX_PUSH_EVENTS};
use serde_json::json;

use super::harness::{event_at, knock, Device, Harness, NOW};

fn push_request(
    token: &str,
    content_type: Option<&str>,
    gzip: bool,
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/push")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    if gzip {
        b = b.header(header::CONTENT_ENCODING, "gzip");
    }
    b.body(Body::from(body)).expect("request")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

async fn setup() -> (Harness, Device, String) {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let door = h.households_of(h.turf_a)[0];
    let good = json!({"protocol": 1, "events": [event_at(NOW, door, None, knock("not_home"))]});
    (h, v, good.to_string())
}

async fn expect(h: &Harness, req: Request<Body>, status: StatusCode, code: &str) -> String {
    let r = h.send(req).await;
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.error_code(), code);
    assert_eq!(h.count(), 0, "a refused request wrote something");
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn malformed_json_wrong_types_and_unknown_fields() {
    let (h, v, good) = setup().await;
    let json_ct = Some("application/json");
    expect(
        &h,
        push_request(&v.token, json_ct, false, b"{\"protocol\":1,".to_vec()),
        StatusCode::BAD_REQUEST,
        codes::INVALID_BODY,
    )
    .await;
    let wrong_type = good.replacen("\"protocol\":1", "\"protocol\":\"one\"", 1);
    let msg = expect(
        &h,
        push_request(&v.token, json_ct, false, wrong_type.into_bytes()),
        StatusCode::BAD_REQUEST,
        codes::INVALID_BODY,
    )
    .await;
    assert!(msg.contains("invalid type"), "{msg}");
    let unknown = good.replacen("\"result\"", "\"colour\":\"red\",\"result\"", 1);
    let msg = expect(
        &h,
        push_request(&v.token, json_ct, false, unknown.into_bytes()),
        StatusCode::BAD_REQUEST,
        codes::INVALID_BODY,
    )
    .await;
    assert!(
        msg.contains("unknown field `colour`") && msg.contains("line 1 column"),
        "{msg}"
    );
    // Not JSON by content type.
    expect(
        &h,
        push_request(
            &v.token,
            Some("text/plain"),
            false,
            good.clone().into_bytes(),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        codes::INVALID_BODY,
    )
    .await;
    expect(
        &h,
        push_request(&v.token, None, false, good.clone().into_bytes()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        codes::INVALID_BODY,
    )
    .await;
    // Corrupt gzip.
    expect(
        &h,
        push_request(&v.token, json_ct, true, b"not gzip at all".to_vec()),
        StatusCode::BAD_REQUEST,
        codes::INVALID_BODY,
    )
    .await;
    // An encoding the server does not speak.
    let mut req = push_request(&v.token, json_ct, false, good.clone().into_bytes());
    req.headers_mut()
        .insert(header::CONTENT_ENCODING, "br".parse().expect("header"));
    expect(
        &h,
        req,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        codes::INVALID_BODY,
    )
    .await;
    // And the good body, gzip-compressed, goes through.
    let r = h
        .send(push_request(&v.token, json_ct, true, gzip(good.as_bytes())))
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(h.count(), 1);
}

#[tokio::test]
async fn oversized_bodies_plain_and_gzip_bombs_and_too_many_events() {
    let (h, v, _) = setup().await;
    let json_ct = Some("application/json");
    let padding = "x".repeat(MAX_BODY_BYTES + 10);
    let big = format!("{{\"protocol\":1,\"events\":[],\"pad\":\"{padding}\"}}").into_bytes();
    expect(
        &h,
        push_request(&v.token, json_ct, false, big.clone()),
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::TOO_LARGE,
    )
    .await;
    // 64 MiB of JSON whitespace squeezes into ~64 KiB of gzip: stopped at the limit.
    let mut bomb = b"{\"protocol\":1,\"events\":[".to_vec();
    bomb.extend(std::iter::repeat_n(b' ', 64 << 20));
    bomb.extend(b"]}");
    let compressed = gzip(&bomb);
    assert!(compressed.len() < MAX_BODY_BYTES / 10);
    expect(
        &h,
        push_request(&v.token, json_ct, true, compressed),
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::TOO_LARGE,
    )
    .await;
    // More events than a push may carry.
    let door = h.households_of(h.turf_a)[0];
    let many: Vec<_> = (0..=MAX_PUSH_EVENTS)
        .map(|_| event_at(NOW, door, None, knock("not_home")))
        .collect();
    let body = serde_json::to_vec(&json!({"protocol": 1, "events": many})).expect("json");
    assert!(body.len() < MAX_BODY_BYTES);
    expect(
        &h,
        push_request(&v.token, json_ct, false, body),
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::TOO_LARGE,
    )
    .await;
}

#[tokio::test]
async fn missing_bad_and_revoked_tokens() {
    let (h, v, good) = setup().await;
    let json_ct = Some("application/json");
    let mut no_token = push_request("x", json_ct, false, good.clone().into_bytes());
    no_token.headers_mut().remove(header::AUTHORIZATION);
    expect(&h, no_token, StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED).await;
    expect(
        &h,
        push_request("gg_nothex", json_ct, false, good.clone().into_bytes()),
        StatusCode::UNAUTHORIZED,
        codes::UNAUTHORIZED,
    )
    .await;
    let unknown = format!("gg_{}", "ab".repeat(32));
    expect(
        &h,
        push_request(&unknown, json_ct, false, good.clone().into_bytes()),
        StatusCode::UNAUTHORIZED,
        codes::UNAUTHORIZED,
    )
    .await;
    let mut basic = push_request("x", json_ct, false, good.clone().into_bytes());
    basic.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Basic {}", v.token).parse().expect("header"),
    );
    expect(&h, basic, StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED).await;
    h.store.revoke_device(v.reg.device).expect("revoke");
    expect(
        &h,
        push_request(&v.token, json_ct, false, good.clone().into_bytes()),
        StatusCode::UNAUTHORIZED,
        codes::DEVICE_REVOKED,
    )
    .await;
    let r = h
        .call(
            Method::POST,
            "/api/v1/pull",
            Some(&v.token),
            Some(json!({"protocol": 1, "scopes": []})),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, codes::DEVICE_REVOKED)
    );
}

#[tokio::test]
async fn a_push_from_an_unknown_protocol_is_refused() {
    let (h, v, good) = setup().await;
    let body = good.replacen("\"protocol\":1", "\"protocol\":2", 1);
    expect(
        &h,
        push_request(&v.token, Some("application/json"), false, body.into_bytes()),
        StatusCode::BAD_REQUEST,
        codes::UNSUPPORTED_PROTOCOL,
    )
    .await;
}
