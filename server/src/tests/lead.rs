//! Lead endpoints: forbidden to volunteers and to leads of another campaign; a lead's
//! assignment and revocation take effect on the next sync.

use axum::http::{Method, StatusCode};
use groundgame_core::protocol::codes;
use serde_json::json;

use super::harness::Harness;
use groundgame_core::protocol::lead::{AssigneesResponse, TurfList, VolunteerList};

#[tokio::test]
async fn volunteers_and_other_campaigns_leads_are_forbidden() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let other = h.register(&h.other_lead_invite, "Olu").await;
    let a = h.turf_a.0;
    let dev = v.reg.device.0;
    for token in [&v.token, &other.token] {
        let calls = [
            (Method::GET, "/api/v1/turfs".to_string(), None),
            (Method::GET, "/api/v1/volunteers".to_string(), None),
            (
                Method::PUT,
                format!("/api/v1/turfs/{a}/assignees"),
                Some(json!({"volunteers": []})),
            ),
            (Method::POST, format!("/api/v1/devices/{dev}/revoke"), None),
        ];
        for (method, path, body) in calls {
            let r = h.call(method.clone(), &path, Some(token), body).await;
            let is_other_lists = token == &other.token && method == Method::GET;
            if is_other_lists {
                // The other lead may list their own campaign, which holds none of ours.
                assert_eq!(r.status, StatusCode::OK);
                assert!(!String::from_utf8_lossy(&r.body).contains("\"Ana\""));
                continue;
            }
            if token == &other.token {
                // Campaign A's turf and device do not exist for campaign B's lead: the
                // answer an id nobody has gets, so B cannot count A's ids.
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}");
                assert_eq!(r.error_code(), codes::NOT_FOUND);
                continue;
            }
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
            assert_eq!(r.error_code(), codes::FORBIDDEN);
        }
    }
    assert_eq!(
        h.store.assignees(h.turf_a).expect("assignees"),
        vec![v.reg.volunteer]
    );
    let again = h.pull(&v, &[], None).await;
    assert_eq!(again.scopes.len(), 1);
}

#[tokio::test]
async fn a_lead_assigns_lists_and_revokes() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let v = h.register(&h.volunteer_invite, "Ana").await;
    let path = format!("/api/v1/turfs/{}/assignees", h.turf_b.0);
    let r = h
        .call(
            Method::PUT,
            &path,
            Some(&lead.token),
            Some(json!({"volunteers": [v.reg.volunteer]})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let body: AssigneesResponse = r.parse();
    assert_eq!(
        (body.turf, body.volunteers),
        (h.turf_b, vec![v.reg.volunteer])
    );
    let page = h.pull(&v, &[], None).await;
    assert_eq!(page.scopes[0].turf.id, h.turf_b);

    // A volunteer of another campaign cannot be assigned; a missing turf is 404.
    let other = h.register(&h.other_lead_invite, "Olu").await;
    let r = h
        .call(
            Method::PUT,
            &path,
            Some(&lead.token),
            Some(json!({"volunteers": [other.reg.volunteer]})),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_VALUE)
    );
    let r = h
        .call(
            Method::PUT,
            "/api/v1/turfs/999/assignees",
            Some(&lead.token),
            Some(json!({"volunteers": []})),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::NOT_FOUND, codes::NOT_FOUND)
    );

    let turfs: TurfList = h
        .call(Method::GET, "/api/v1/turfs", Some(&lead.token), None)
        .await
        .parse();
    let b = turfs
        .turfs
        .iter()
        .find(|t| t.id == h.turf_b)
        .expect("turf B");
    assert_eq!(
        (b.household_count, b.assignees.clone()),
        (3, vec![v.reg.volunteer])
    );

    let r = h
        .call(
            Method::POST,
            &format!("/api/v1/devices/{}/revoke", v.reg.device.0),
            Some(&lead.token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
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

    let people: VolunteerList = h
        .call(Method::GET, "/api/v1/volunteers", Some(&lead.token), None)
        .await
        .parse();
    let ana = people
        .volunteers
        .iter()
        .find(|p| p.id == v.reg.volunteer)
        .expect("Ana");
    assert_eq!(ana.name, "Ana");
    assert!(ana.devices[0].revoked);
    assert_eq!(people.volunteers.len(), 2);
}
