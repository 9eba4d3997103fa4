//! Pushing events: accepted, replayed, reused ids, invalid, out of scope, skewed clocks,
//! people added at the door, and a reassignment while a canvasser was offline.

use groundgame_core::protocol::{codes, PushOutcome};
use groundgame_core::{EventBody, Hlc, PersonId};

use super::harness::{event_at, knock, Harness, DAY, NOW};

fn rejected_code(o: &PushOutcome) -> &str {
    match o {
        PushOutcome::Rejected { code, .. } => code,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn accepts_events_and_a_replay_is_all_duplicates() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let doors = h.households_of(h.turf_a);
    let person = h.person_at(doors[1]);
    let events = vec![
        event_at(NOW - 1000, doors[0], None, knock("not_home")),
        event_at(NOW - 900, doors[1], Some(person), knock("talked")),
        event_at(
            NOW - 800,
            doors[1],
            Some(person),
            EventBody::Survey {
                attempt: None,
                question: "support".into(),
                answer: "1".into(),
            },
        ),
    ];
    let first = h.push(&v, &events).await;
    assert_eq!(first, vec![PushOutcome::Accepted; 3]);
    assert_eq!(h.count(), 3);
    let again = h.push(&v, &events).await;
    assert_eq!(again, vec![PushOutcome::Duplicate; 3]);
    assert_eq!(h.count(), 3);
    let stored = h.store.campaign_events(h.campaign).expect("events");
    assert_eq!(stored, events);
}

#[tokio::test]
async fn a_different_event_under_a_stored_id_is_refused() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let door = h.households_of(h.turf_a)[0];
    let original = event_at(NOW, door, None, knock("not_home"));
    h.push(&v, std::slice::from_ref(&original)).await;
    let mut reused = original.clone();
    reused.body = knock("vacant");
    let out = h.push(&v, &[reused]).await;
    assert_eq!(rejected_code(&out[0]), codes::ID_REUSED);
    // Even when the reuse would be refused for another reason, the id decides first.
    let mut reused_invalid = original.clone();
    reused_invalid.body = knock("abducted");
    let out = h.push(&v, &[reused_invalid]).await;
    assert_eq!(rejected_code(&out[0]), codes::ID_REUSED);
    assert_eq!(h.count(), 1);
}

#[tokio::test]
async fn invalid_and_out_of_scope_events_are_rejected_one_by_one() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let mine = h.households_of(h.turf_a)[0];
    let never_assigned = h.households_of(h.turf_b)[0];
    let other_campaign = h.households_of(h.turf_c)[0];
    let stranger = PersonId::new_v7();
    let events = vec![
        event_at(NOW, mine, None, knock("abducted")),
        event_at(NOW, never_assigned, None, knock("not_home")),
        event_at(NOW, other_campaign, None, knock("not_home")),
        event_at(
            NOW,
            groundgame_core::HouseholdId(999_999),
            None,
            knock("not_home"),
        ),
        event_at(NOW, mine, Some(stranger), knock("talked")),
        event_at(NOW, mine, None, knock("not_home")),
    ];
    let out = h.push(&v, &events).await;
    assert_eq!(rejected_code(&out[0]), codes::INVALID_VALUE);
    match &out[0] {
        PushOutcome::Rejected { message, .. } => assert!(message.contains("abducted"), "{message}"),
        _ => unreachable!(),
    }
    assert_eq!(rejected_code(&out[1]), codes::OUT_OF_SCOPE);
    assert_eq!(rejected_code(&out[2]), codes::OUT_OF_SCOPE);
    assert_eq!(rejected_code(&out[3]), codes::OUT_OF_SCOPE);
    assert_eq!(rejected_code(&out[4]), codes::OUT_OF_SCOPE);
    assert_eq!(out[5], PushOutcome::Accepted);
    assert_eq!(h.count(), 1);
}

#[tokio::test]
async fn broken_clocks_are_rejected_and_skewed_ones_clamped() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let door = h.households_of(h.turf_a)[0];
    let year_2100 = 4_102_444_800_000;
    let broken = event_at(year_2100, door, None, knock("not_home"));
    let skewed = event_at(h.now() + 3 * DAY, door, None, knock("not_home"));
    let out = h.push(&v, &[broken, skewed.clone()]).await;
    assert_eq!(rejected_code(&out[0]), codes::BAD_TIMESTAMP);
    match &out[0] {
        PushOutcome::Rejected { message, .. } => assert!(message.contains("date and time")),
        _ => unreachable!(),
    }
    assert_eq!(out[1], PushOutcome::Accepted);
    let stored = h.store.campaign_events(h.campaign).expect("events");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, skewed.id);
    assert!(stored[0].at >= Hlc::new(NOW, 0) && stored[0].at < Hlc::new(NOW + 1000, 0));
    // A replay of the clamped event is recognised by the time the device sent.
    assert_eq!(h.push(&v, &[skewed]).await, vec![PushOutcome::Duplicate]);
}

#[tokio::test]
async fn a_person_added_at_the_door_can_be_recorded_in_the_same_push() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let door = h.households_of(h.turf_a)[2];
    let newcomer = PersonId::new_v7();
    let added = event_at(
        NOW,
        door,
        Some(newcomer),
        EventBody::PersonAdded {
            first_name: "Rosa".into(),
            last_name: "Díaz".into(),
            language: Some("es".into()),
            phone: None,
        },
    );
    let talked = event_at(NOW + 1, door, Some(newcomer), knock("talked"));
    let out = h.push(&v, &[added.clone(), talked]).await;
    assert_eq!(out, vec![PushOutcome::Accepted; 2]);
    // Replaying the PersonAdded changes nothing.
    assert_eq!(h.push(&v, &[added]).await, vec![PushOutcome::Duplicate]);
    // Teammates learn of the new person.
    let lead = h.register(&h.lead_invite, "Lee").await;
    let page = h.pull(&lead, &[], None).await;
    let a = page
        .scopes
        .iter()
        .find(|s| s.turf.id == h.turf_a)
        .expect("turf A");
    let rosa = a
        .people
        .iter()
        .find(|p| p.id == newcomer)
        .expect("new person pulled");
    assert_eq!((rosa.household, rosa.source_id.as_str()), (door, ""));
}

#[tokio::test]
async fn events_from_before_a_reassignment_are_kept_and_flagged() {
    let h = Harness::new();
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let bo = h.register(&h.volunteer_invite, "Bo").await;
    // The lead gives turf A to Bo while Ana is offline.
    h.store
        .set_assignees_at(h.turf_a, &[bo.reg.volunteer], NOW)
        .expect("reassign");
    let door = h.households_of(h.turf_a)[0];
    let late = event_at(NOW - 60_000, door, None, knock("not_home"));
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&late)).await,
        vec![PushOutcome::Accepted]
    );
    assert_eq!(
        h.store.stale_events(h.campaign).expect("stale"),
        vec![late.id]
    );
    // Bo receives it; Ana is told to drop the turf.
    let bo_page = h.pull(&bo, &[], None).await;
    assert!(bo_page.scopes[0].events.iter().any(|e| e.id == late.id));
    let ana_page = h.pull(&ana, &[(h.turf_a, 5)], None).await;
    assert_eq!(ana_page.removed, vec![h.turf_a]);
    assert!(ana_page.scopes.is_empty());
    // Bo's own events there are not stale.
    let fresh = event_at(NOW, door, None, knock("vacant"));
    h.push(&bo, &[fresh]).await;
    assert_eq!(
        h.store.stale_events(h.campaign).expect("stale"),
        vec![late.id]
    );
}

#[tokio::test]
async fn leads_may_record_anywhere_in_their_campaign_only() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let b = h.households_of(h.turf_b)[0];
    let c = h.households_of(h.turf_c)[0];
    let out = h
        .push(
            &lead,
            &[
                event_at(NOW, b, None, knock("not_home")),
                event_at(NOW, c, None, knock("not_home")),
            ],
        )
        .await;
    assert_eq!(out[0], PushOutcome::Accepted);
    assert_eq!(rejected_code(&out[1]), codes::OUT_OF_SCOPE);
    assert!(h.store.stale_events(h.campaign).expect("stale").is_empty());
    assert_eq!(h.store.event_count(h.other_campaign).expect("count"), 0);
}
