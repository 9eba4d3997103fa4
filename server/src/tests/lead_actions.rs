//! Lead endpoints for campaign data over HTTP: cutting imported households into turfs,
//! call lists and invite codes; volunteers are refused and nothing changes.

use axum::http::{Method, StatusCode};
use groundgame_core::protocol::codes;
use serde_json::json;

use super::harness::Harness;
use groundgame_core::protocol::campaign_data::{CallListResponse, CutResponse};
use groundgame_core::protocol::lead::InviteResponse;

fn waiting(h: &Harness, n: usize) {
    for i in 0..n {
        let source = format!("S{i}");
        let phone = format!("+1919555{:04}", 100 + i);
        h.imported_household(
            "Oak St",
            &(i + 1).to_string(),
            "P1",
            &[(&source, Some(&phone), "active")],
        );
    }
}

#[tokio::test]
async fn a_lead_cuts_turfs_makes_a_call_list_and_an_invite() {
    let h = Harness::new();
    waiting(&h, 12);
    let lead = h.register(&h.lead_invite, "Lee").await;
    let cut: CutResponse = h
        .post_ok(
            "/api/v1/turfs/cut",
            &lead.token,
            json!({"by": "street", "doors": 5}),
        )
        .await;
    let doors: Vec<u32> = cut.turfs.iter().map(|t| t.doors).collect();
    assert_eq!(doors.iter().sum::<u32>(), 12);
    assert!(doors.iter().all(|d| (1..=5).contains(d)), "{doors:?}");

    let list: CallListResponse = h
        .post_ok(
            "/api/v1/call-lists",
            &lead.token,
            json!({"name": "Oak St calls"}),
        )
        .await;
    assert_eq!(list.members, 12);

    let invite: InviteResponse = h
        .post_ok(
            "/api/v1/invites",
            &lead.token,
            json!({"role": "volunteer", "uses": 3, "days": 7}),
        )
        .await;
    let joined = h.register(&invite.code, "New volunteer").await;
    assert_eq!(joined.reg.campaign, h.campaign);
}

#[tokio::test]
async fn volunteers_cannot_cut_list_or_invite_and_bad_values_are_refused() {
    let h = Harness::new();
    waiting(&h, 3);
    let v = h.register(&h.volunteer_invite, "Ana").await;
    let lead = h.register(&h.lead_invite, "Lee").await;
    let calls = [
        ("/api/v1/turfs/cut", json!({"by": "street", "doors": 5})),
        ("/api/v1/call-lists", json!({"name": "x"})),
        (
            "/api/v1/invites",
            json!({"role": "lead", "uses": 1, "days": 1}),
        ),
    ];
    for (path, body) in &calls {
        let r = h
            .call(Method::POST, path, Some(&v.token), Some(body.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(r.error_code(), codes::FORBIDDEN);
    }
    let bad = [
        (
            "/api/v1/turfs/cut",
            json!({"by": "street", "doors": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/turfs/cut",
            json!({"by": "county", "doors": 5}),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/call-lists",
            json!({"name": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/invites",
            json!({"role": "volunteer", "uses": 0, "days": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/invites",
            json!({"role": "volunteer", "uses": 1, "days": 365}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/invites",
            json!({"role": "admin", "uses": 1, "days": 1}),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (path, body, status) in &bad {
        let r = h
            .call(Method::POST, path, Some(&lead.token), Some(body.clone()))
            .await;
        assert_eq!(
            r.status,
            *status,
            "{path} {body}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert!(!r.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .is_empty());
    }
    assert_eq!(
        h.store
            .unplaced_households(h.campaign)
            .expect("unplaced")
            .len(),
        3,
        "nothing was cut"
    );
}
