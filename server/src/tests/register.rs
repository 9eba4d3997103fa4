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

#[tokio::test]
async fn a_device_link_code_adds_a_device_to_the_same_volunteer_once() {
    use groundgame_core::protocol::DeviceLinkResponse;
    let h = Harness::new();
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let r = h
        .call(Method::POST, "/api/v1/devices/link", Some(&ana.token), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let link: DeviceLinkResponse = r.parse();
    assert_eq!(link.expires_at, h.now() + 15 * 60_000);
    assert!(
        link.code.len() == 9 && link.code.as_bytes()[4] == b'-',
        "{}",
        link.code
    );

    // Typed on the laptop's Join screen (any case, the name ignored): the same volunteer.
    let laptop = h.register(&link.code.to_lowercase(), "Someone else").await;
    assert_eq!(
        (laptop.reg.volunteer, laptop.reg.campaign, laptop.reg.role),
        (ana.reg.volunteer, h.campaign, Role::Volunteer)
    );
    assert_ne!(laptop.reg.device, ana.reg.device);
    let people = h.store.volunteer_summaries(h.campaign).expect("volunteers");
    let row = people
        .iter()
        .find(|v| v.id == ana.reg.volunteer)
        .expect("Ana");
    assert_eq!((row.name.as_str(), row.devices.len()), ("Ana", 2));
    // Her turf reaches the new device too.
    let page = h.pull(&laptop, &[], None).await;
    assert!(page.scopes.iter().any(|s| s.turf.id == h.turf_a));

    // One use only.
    let r = h.register_with(&link.code, "Ana").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::FORBIDDEN, codes::INVITE_USED_UP)
    );

    // Fifteen minutes, then no more.
    let late = h
        .store
        .create_device_link(ana.reg.device, NOW)
        .expect("link")
        .0;
    h.clock
        .store(NOW + 16 * 60_000, std::sync::atomic::Ordering::SeqCst);
    let r = h.register_with(&late, "Ana").await;
    assert_eq!(r.error_code(), codes::INVITE_EXPIRED);
    h.clock.store(NOW, std::sync::atomic::Ordering::SeqCst);

    // A code made by a device that is then revoked (a lost phone) is void.
    let lost = h
        .store
        .create_device_link(ana.reg.device, NOW)
        .expect("link")
        .0;
    h.store.revoke_device(ana.reg.device).expect("revoke");
    let r = h.register_with(&lost, "Ana").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::FORBIDDEN, codes::INVITE_INVALID)
    );
    // And a revoked device cannot make one.
    let r = h
        .call(Method::POST, "/api/v1/devices/link", Some(&ana.token), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = h
        .call(Method::POST, "/api/v1/devices/link", None, None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The laptop made before the loss keeps working.
    let page = h.pull(&laptop, &[], None).await;
    assert!(page.scopes.iter().any(|s| s.turf.id == h.turf_a));
}
