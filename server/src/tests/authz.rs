//! Who may call each lead endpoint, as one table: a volunteer, a lead of campaign A, a
//! lead of campaign B, an admin of campaign A and a revoked device, against every lead
//! endpoint, with the status each must get. Endpoints that act on the caller's own
//! campaign answer another campaign's lead about their own campaign (200); endpoints
//! aimed at something of campaign A (a turf, a device, a volunteer) refuse them (403).

use axum::http::{Method, StatusCode};
use groundgame_core::Role;
use serde_json::{json, Value};

use super::harness::{Harness, DAY, NOW};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Volunteer,
    LeadA,
    LeadB,
    AdminA,
    Revoked,
}

const CALLERS: [Caller; 5] = [
    Caller::Volunteer,
    Caller::LeadA,
    Caller::LeadB,
    Caller::AdminA,
    Caller::Revoked,
];

const OK: u16 = 200;
const FORBIDDEN: u16 = 403;
const UNAUTHORIZED: u16 = 401;
const CREATED: u16 = 201;
const UNPROCESSABLE: u16 = 422;

#[tokio::test]
async fn every_lead_endpoint_answers_each_caller_as_the_table_says() {
    let h = Harness::new();
    let volunteer = h.volunteer_on(h.turf_a, "Ana").await;
    let lead_a = h.register(&h.lead_invite, "Lee").await;
    let lead_b = h.register(&h.other_lead_invite, "Olu").await;
    let admin_invite = h
        .store
        .create_invite(h.campaign, Role::Admin, 1, NOW + DAY)
        .expect("admin invite");
    let admin = h.register(&admin_invite, "Ada").await;
    let revoked = h.register(&h.lead_invite, "Rex").await;
    h.store.revoke_device(revoked.reg.device).expect("revoke");
    // Targets in campaign A that the calls act on.
    let target = h.volunteer_on(h.turf_b, "Tom").await;
    let (turf, device, vol) = (h.turf_a.0, target.reg.device.0, target.reg.volunteer.0);
    let list = h
        .store
        .create_call_list(
            h.campaign,
            "Calls A",
            &crate::store::CallListFilter::default(),
        )
        .expect("call list")
        .id
        .0;

    // (method, path, body, [volunteer, lead A, lead B, admin A, revoked]).
    let table: Vec<(Method, String, Option<Value>, [u16; 5])> = vec![
        (
            Method::GET,
            "/api/v1/turfs".into(),
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::PUT,
            format!("/api/v1/turfs/{turf}/assignees"),
            Some(json!({"volunteers": [volunteer.reg.volunteer]})),
            [FORBIDDEN, OK, FORBIDDEN, OK, UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/api/v1/volunteers".into(),
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::POST,
            format!("/api/v1/devices/{device}/revoke"),
            None,
            [FORBIDDEN, OK, FORBIDDEN, OK, UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/api/v1/turfs/cut".into(),
            Some(json!({"by": "street", "doors": 50})),
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/api/v1/call-lists".into(),
            Some(json!({"name": "Evening calls"})),
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/api/v1/invites".into(),
            Some(json!({"role": "volunteer", "uses": 5, "days": 7})),
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/api/v1/progress".into(),
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::POST,
            format!("/api/v1/volunteers/{vol}/quarantine"),
            None,
            [FORBIDDEN, OK, FORBIDDEN, OK, UNAUTHORIZED],
        ),
        (
            Method::POST,
            format!("/api/v1/volunteers/{vol}/release"),
            None,
            [FORBIDDEN, OK, FORBIDDEN, OK, UNAUTHORIZED],
        ),
        (
            Method::PUT,
            format!("/api/v1/call-lists/{list}/assignees"),
            Some(json!({"volunteers": [vol]})),
            [FORBIDDEN, OK, FORBIDDEN, OK, UNAUTHORIZED],
        ),
        // The lead's lists (`routes::lead_views`): about the caller's own campaign.
        (
            Method::GET,
            "/api/v1/invites".into(),
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/api/v1/call-lists".into(),
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/api/v1/old-assignments".into(),
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        // Past the authorization a lead's "x" is no geocoding file (422, nothing changed).
        (
            Method::POST,
            "/api/v1/geocode".into(),
            Some(json!("x")),
            [
                FORBIDDEN,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNAUTHORIZED,
            ],
        ),
        // Any registered device may make a code for its own volunteer's other device.
        (
            Method::POST,
            "/api/v1/devices/link".into(),
            None,
            [CREATED, CREATED, CREATED, CREATED, UNAUTHORIZED],
        ),
    ];

    let mut wrong = Vec::new();
    for (method, path, body, expected) in &table {
        for (caller, want) in CALLERS.iter().zip(expected) {
            let token = match caller {
                Caller::Volunteer => &volunteer.token,
                Caller::LeadA => &lead_a.token,
                Caller::LeadB => &lead_b.token,
                Caller::AdminA => &admin.token,
                Caller::Revoked => &revoked.token,
            };
            let r = h
                .call(method.clone(), path, Some(token), body.clone())
                .await;
            if r.status != StatusCode::from_u16(*want).expect("status") {
                wrong.push(format!(
                    "{method} {path} as {caller:?}: got {}, want {want}: {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
