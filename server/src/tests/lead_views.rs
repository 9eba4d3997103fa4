//! The lead's lists (`routes::lead_views`): invites without their codes and with who joined
//! with each; call lists with their callers; and what volunteers recorded in a turf after
//! it was reassigned, counted equal to the raw events. Each list shows only the caller's
//! campaign.

use std::collections::HashSet;

use axum::http::Method;
use groundgame_core::protocol::PushOutcome;
use groundgame_core::{EventBody, Role};
use serde_json::json;

use super::harness::{event_at, knock, Harness, NOW};
use crate::store::sqlite::progress::Progress;
use groundgame_core::protocol::lead::InviteResponse;
use groundgame_core::protocol::lead::{CallListList, InviteList, OldAssignmentList};

const MIN: u64 = 60_000;

#[tokio::test]
async fn invites_are_listed_without_their_codes_with_who_joined() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let made: InviteResponse = h
        .post_ok(
            "/api/v1/invites",
            &lead.token,
            json!({"role": "volunteer", "uses": 3, "days": 7}),
        )
        .await;
    let ana = h.register(&made.code, "Ana").await;
    let ben = h.register(&made.code, "Ben").await;
    let r = h
        .call(Method::GET, "/api/v1/invites", Some(&lead.token), None)
        .await;
    let text = String::from_utf8_lossy(&r.body).to_string();
    let compact = made.code.replace('-', "");
    assert!(
        !text.contains(&made.code) && !text.contains(&compact),
        "the code must never be listed: {text}"
    );
    let list: InviteList = r.parse();
    // Newest first: the one just made, then the harness's three... of this campaign only.
    assert_eq!(list.invites.len(), 3, "{text}");
    let newest = &list.invites[0];
    assert_eq!(newest.role, Role::Volunteer);
    assert_eq!((newest.max_uses, newest.used), (3, 2));
    assert_eq!(newest.expires_at, made.expires_at);
    assert!(!newest.expired);
    let joined: Vec<(&str, i64)> = newest
        .joined
        .iter()
        .map(|j| (j.volunteer_name.as_str(), j.device.0))
        .collect();
    assert_eq!(
        joined,
        vec![("Ana", ana.reg.device.0), ("Ben", ben.reg.device.0)]
    );
    // The lead joined with the harness's lead invite, which lists them.
    let lead_invite = list
        .invites
        .iter()
        .find(|i| i.role == Role::Lead)
        .expect("lead invite");
    assert_eq!(lead_invite.used, 1);
    assert_eq!(lead_invite.joined[0].volunteer, lead.reg.volunteer);

    // Another campaign's lead sees only their own invite (with themselves in it).
    let olu = h.register(&h.other_lead_invite, "Olu").await;
    let theirs: InviteList = h
        .call(Method::GET, "/api/v1/invites", Some(&olu.token), None)
        .await
        .parse();
    assert_eq!(theirs.invites.len(), 1);
    assert_eq!(theirs.invites[0].joined[0].volunteer_name, "Olu");

    // Expiry is judged by the server's clock.
    h.clock
        .store(made.expires_at + 1, std::sync::atomic::Ordering::SeqCst);
    let later: InviteList = h
        .call(Method::GET, "/api/v1/invites", Some(&lead.token), None)
        .await
        .parse();
    assert!(later.invites[0].expired);
}

#[tokio::test]
async fn call_lists_are_listed_with_their_callers() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let ana = h.register(&h.volunteer_invite, "Ana").await;
    let report = h
        .store
        .create_call_list(
            h.campaign,
            "Evening calls",
            &crate::store::CallListFilter::default(),
        )
        .expect("list");
    let r = h
        .call(
            Method::PUT,
            &format!("/api/v1/call-lists/{}/assignees", report.id.0),
            Some(&lead.token),
            Some(json!({"volunteers": [ana.reg.volunteer]})),
        )
        .await;
    assert!(
        r.status.is_success(),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let lists: CallListList = h
        .call(Method::GET, "/api/v1/call-lists", Some(&lead.token), None)
        .await
        .parse();
    assert_eq!(lists.call_lists.len(), 1);
    let list = &lists.call_lists[0];
    assert_eq!(
        (list.id, list.name.as_str(), list.members, &list.callers),
        (
            report.id,
            "Evening calls",
            report.members,
            &vec![ana.reg.volunteer]
        )
    );
    let olu = h.register(&h.other_lead_invite, "Olu").await;
    let theirs: CallListList = h
        .call(Method::GET, "/api/v1/call-lists", Some(&olu.token), None)
        .await
        .parse();
    assert!(theirs.call_lists.is_empty());
}

/// Ana walks turf A, the lead gives it to Ben while her phone is offline, and her phone
/// pushes what she recorded since: everything is accepted and counted, and the old
/// assignment list shows her records in A, equal to the raw events.
#[tokio::test]
async fn records_under_an_old_assignment_are_listed_equal_to_the_raw_events() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let ben = h.register(&h.volunteer_invite, "Ben").await;
    let a = h.households_of(h.turf_a);
    let before = vec![
        event_at(NOW - 30 * MIN, a[0], None, knock("not_home")),
        event_at(NOW - 27 * MIN, a[1], None, knock("not_home")),
    ];
    let outcomes = h.push(&ana, &before).await;
    assert!(outcomes.iter().all(|o| *o == PushOutcome::Accepted));

    // Nothing is listed while she is still assigned.
    let empty: OldAssignmentList = h
        .call(
            Method::GET,
            "/api/v1/old-assignments",
            Some(&lead.token),
            None,
        )
        .await
        .parse();
    assert!(empty.records.is_empty());

    let r = h
        .call(
            Method::PUT,
            &format!("/api/v1/turfs/{}/assignees", h.turf_a.0),
            Some(&lead.token),
            Some(json!({"volunteers": [ben.reg.volunteer]})),
        )
        .await;
    assert!(r.status.is_success());
    // Recorded offline before the reassignment reached her phone, pushed after it.
    let after = vec![
        event_at(
            NOW - 20 * MIN,
            a[2],
            Some(h.person_at(a[2])),
            knock("talked"),
        ),
        event_at(
            NOW - 19 * MIN,
            a[2],
            None,
            EventBody::Note {
                attempt: None,
                text: "porch".into(),
            },
        ),
        event_at(
            NOW - 15 * MIN,
            a[3],
            Some(h.person_at(a[3])),
            knock("refused"),
        ),
    ];
    let outcomes = h.push(&ana, &after).await;
    assert!(
        outcomes.iter().all(|o| *o == PushOutcome::Accepted),
        "{outcomes:?}"
    );
    // Ben's own knock in A is not an old assignment.
    h.push(&ben, &[event_at(NOW - MIN, a[4], None, knock("not_home"))])
        .await;

    let list: OldAssignmentList = h
        .call(
            Method::GET,
            "/api/v1/old-assignments",
            Some(&lead.token),
            None,
        )
        .await
        .parse();
    assert_eq!(list.records.len(), 1, "{list:?}");
    let rec = &list.records[0];
    assert_eq!(
        (rec.turf, rec.turf_name.as_str(), rec.volunteer),
        (h.turf_a, "A", ana.reg.volunteer)
    );
    assert_eq!(rec.volunteer_name, "Ana");
    assert_eq!(rec.ended_at, NOW);

    // Recomputed from the raw events.
    let all = h.store.campaign_events(h.campaign).expect("events");
    let hers: HashSet<_> = before.iter().chain(&after).map(|e| e.id).collect();
    let in_a: HashSet<_> = a.iter().copied().collect();
    let raw: Vec<_> = all
        .iter()
        .filter(|e| hers.contains(&e.id) && in_a.contains(&e.household))
        .collect();
    let stale: HashSet<_> = h
        .store
        .stale_events(h.campaign)
        .expect("stale")
        .into_iter()
        .collect();
    assert_eq!(rec.events, raw.len() as u64);
    assert_eq!(
        rec.knocks,
        raw.iter()
            .filter(|e| matches!(e.body, EventBody::Contact { .. }))
            .count() as u64
    );
    assert_eq!(
        rec.after_end,
        raw.iter().filter(|e| stale.contains(&e.id)).count() as u64
    );
    assert_eq!(rec.after_end, 3);
    assert_eq!(
        rec.last_event_at,
        raw.iter().map(|e| e.at.ms()).max(),
        "the newest event's time"
    );

    // Nothing is lost from the figures: her knocks still count in turf A.
    let progress: Progress = h
        .call(Method::GET, "/api/v1/progress", Some(&lead.token), None)
        .await
        .parse();
    let turf_a = progress
        .by_turf
        .iter()
        .find(|t| t.turf == h.turf_a)
        .expect("turf A");
    assert_eq!(turf_a.figures.knocks, 5);

    // Assigned back: no longer listed.
    h.store
        .set_assignees(h.turf_a, &[ana.reg.volunteer, ben.reg.volunteer])
        .expect("assign back");
    let back: OldAssignmentList = h
        .call(
            Method::GET,
            "/api/v1/old-assignments",
            Some(&lead.token),
            None,
        )
        .await
        .parse();
    assert!(back.records.is_empty());
}
