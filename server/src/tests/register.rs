//! Registration: the happy path and every way an invite or a name can be refused.

use axum::http::{Method, StatusCode};
use groundgame_core::protocol::codes;
use groundgame_core::Role;
use serde_json::json;

use super::harness::{Harness, DAY, NOW};

#[tokio::test]
async fn registers_a_device_with_the_invites_role() {
    let h = Harness::new();
    let v = h.register(&h.volunteer_invite, "Ana").await;
    assert_eq!(v.reg.role, Role::Volunteer);
    assert_eq!(v.reg.campaign, h.campaign);
    assert!(v.token.starts_with("gg_") && v.token.len() == 67);
    assert!(v.reg.server_time.ms() >= NOW);
    // Codes are forgiving about case, spaces and dashes.
    let typed = h.lead_invite.to_lowercase().replace('-', " ");
    let lead = h.register(&typed, "Lee").await;
    assert_eq!(lead.reg.role, Role::Lead);
    assert_ne!(lead.reg.device, v.reg.device);
}

#[tokio::test]
async fn unknown_expired_and_used_up_invites_are_refused() {
    let h = Harness::new();
    let r = h.register_with("ZZZZ-ZZZZ", "Ana").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::FORBIDDEN, codes::INVITE_INVALID)
    );

    let expired = h
        .store
        .create_invite(h.campaign, Role::Volunteer, 5, NOW - DAY)
        .expect("invite");
    let r = h.register_with(&expired, "Ana").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::FORBIDDEN, codes::INVITE_EXPIRED)
    );

    // Time passes on the server's clock: a 30-day invite expires.
    h.clock
        .store(NOW + 31 * DAY, std::sync::atomic::Ordering::SeqCst);
    let r = h.register_with(&h.volunteer_invite, "Ana").await;
    assert_eq!(r.error_code(), codes::INVITE_EXPIRED);
    h.clock.store(NOW, std::sync::atomic::Ordering::SeqCst);

    let once = h
        .store
        .create_invite(h.campaign, Role::Volunteer, 1, NOW + DAY)
        .expect("invite");
    h.register(&once, "Ana").await;
    let r = h.register_with(&once, "Bo").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::FORBIDDEN, codes::INVITE_USED_UP)
    );
}

#[tokio::test]
async fn bad_names_and_old_apps_are_refused() {
    let h = Harness::new();
    for name in ["", "   ", "Ana\u{7}", &"x".repeat(101)] {
        let r = h.register_with(&h.volunteer_invite, name).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert_eq!(r.error_code(), codes::INVALID_VALUE);
    }
    let r = h
        .call(
            Method::POST,
            "/api/v1/register",
            None,
            Some(
                json!({"protocol": 99, "invite_code": h.volunteer_invite, "volunteer_name": "Ana",
                        "device_name": "phone", "app_version": "9"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), codes::UNSUPPORTED_PROTOCOL);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("update the app"));
}
