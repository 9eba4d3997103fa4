//! Stale scope (issue 13 §1): a volunteer taken off a turf or call list keeps pushing
//! there. Within the grace window their door knocks are stored, flagged; what would change
//! shared state — a person added, a do-not-contact, a phone result — is held for a lead
//! and reaches nobody (no pull, no person, no do-not-call number, no round moved) until a
//! lead accepts it; after the window everything is refused with `assignment_ended` and
//! nothing is written.

use axum::http::{Method, StatusCode};
use groundgame_core::event::Channel;
use groundgame_core::protocol::lead::{HeldDecisionResponse, HeldRecordList, HeldStatus};
use groundgame_core::protocol::{codes, PushOutcome};
use groundgame_core::{EventBody, PersonId};

use super::harness::{event_at, knock, Device, Harness, NOW};
use crate::store::stale_grace_ms;

fn person_added(phone: &str) -> EventBody {
    EventBody::PersonAdded {
        first_name: "Rosa".into(),
        last_name: "Parks".into(),
        language: None,
        phone: Some(phone.into()),
    }
}

fn rejected_code(o: &PushOutcome) -> &str {
    match o {
        PushOutcome::Rejected { code, .. } => code,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// Ana walks turf A; at `NOW` the lead gives it to Bo.
async fn reassigned(h: &Harness) -> (Device, Device, Device) {
    let ana = h.register(&h.volunteer_invite, "Ana").await;
    h.store
        .set_assignees_at(h.turf_a, &[ana.reg.volunteer], NOW - 3_600_000)
        .expect("assign Ana");
    let bo = h.register(&h.volunteer_invite, "Bo").await;
    h.store
        .set_assignees_at(h.turf_a, &[bo.reg.volunteer], NOW)
        .expect("give the turf to Bo");
    let lead = h.register(&h.lead_invite, "Lee").await;
    (ana, bo, lead)
}

async fn held(h: &Harness, lead: &Device) -> HeldRecordList {
    let r = h
        .call(Method::GET, "/api/v1/held-records", Some(&lead.token), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    r.parse()
}

async fn decide(h: &Harness, who: &Device, id: &str, what: &str) -> super::harness::Response {
    h.call(
        Method::POST,
        &format!("/api/v1/held-records/{id}/{what}"),
        Some(&who.token),
        None,
    )
    .await
}

fn people_count(h: &Harness) -> i64 {
    h.rows_in("people")
}

#[tokio::test]
async fn stale_records_that_would_change_shared_state_are_held_until_a_lead_accepts_them() {
    let h = Harness::new();
    let (ana, bo, lead) = reassigned(&h).await;
    let doors = h.households_of(h.turf_a);
    let resident = h.person_at(doors[1]);
    let newcomer = PersonId::new_v7();
    h.clock
        .store(NOW + 3_600_000, std::sync::atomic::Ordering::SeqCst);
    let t = NOW + 60_000;
    let knock_late = event_at(t, doors[0], None, knock("not_home"));
    let added = event_at(
        t + 1,
        doors[0],
        Some(newcomer),
        person_added("+19195550100"),
    );
    let about_newcomer = event_at(
        t + 2,
        doors[0],
        Some(newcomer),
        EventBody::Survey {
            attempt: None,
            question: "support".into(),
            answer: "1".into(),
        },
    );
    let door_dnc = event_at(
        t + 3,
        doors[1],
        Some(resident),
        EventBody::DoNotContact {
            channel: Channel::Door,
        },
    );
    let phone_dnc = event_at(
        t + 4,
        doors[1],
        Some(resident),
        EventBody::DoNotContact {
            channel: Channel::Phone,
        },
    );
    let batch = vec![
        knock_late.clone(),
        added.clone(),
        about_newcomer.clone(),
        door_dnc.clone(),
        phone_dnc.clone(),
    ];
    let people_before = people_count(&h);
    let dnc_before = h.rows_in("do_not_call");
    let out = h.push(&ana, &batch).await;
    assert_eq!(
        out,
        vec![PushOutcome::Accepted; 5],
        "the phone has delivered them"
    );

    // The knock is a fact: stored, flagged. The rest is held: in no table others read.
    assert_eq!(
        h.store.stale_events(h.campaign).expect("stale"),
        vec![knock_late.id]
    );
    assert_eq!(people_count(&h), people_before, "no person added");
    assert_eq!(
        h.rows_in("do_not_call"),
        dnc_before,
        "no number on the list"
    );
    let bo_page = h.pull(&bo, &[], None).await;
    let pulled: Vec<_> = bo_page.scopes[0].events.iter().map(|e| e.id).collect();
    assert_eq!(pulled, vec![knock_late.id], "Bo pulls the knock only");
    assert!(bo_page.scopes[0].people.iter().all(|p| p.id != newcomer));
    let list = held(&h, &lead).await;
    let ids: Vec<_> = list.records.iter().map(|r| r.event).collect();
    assert_eq!(
        ids,
        vec![added.id, about_newcomer.id, door_dnc.id, phone_dnc.id]
    );
    assert!(list.records.iter().all(|r| r.status == HeldStatus::Held));
    assert!(list
        .records
        .iter()
        .all(|r| r.volunteer == ana.reg.volunteer));
    assert_eq!(list.records[0].kind, "person_added");
    assert_eq!(list.records[0].turf, Some(h.turf_a));
    assert!(
        list.records[0].address.contains("Oak St"),
        "{:?}",
        list.records[0]
    );

    // A replay (the answer was lost) is a duplicate of each, held ones too; nothing moves.
    let before = h.digest();
    assert_eq!(h.push(&ana, &batch).await, vec![PushOutcome::Duplicate; 5]);
    let after = h.digest();
    assert!(
        only_bookkeeping(&before, &after),
        "only the device's last-seen time and the server clock"
    );

    // Only a lead of this campaign decides; another campaign's lead gets an unknown id's 404.
    let id = added.id.to_string();
    assert_eq!(
        decide(&h, &ana, &id, "accept").await.status,
        StatusCode::FORBIDDEN
    );
    let other = h.register(&h.other_lead_invite, "Olga").await;
    let theirs = decide(&h, &other, &id, "accept").await;
    let unknown = decide(&h, &other, &uuid::Uuid::now_v7().to_string(), "accept").await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(theirs.body, unknown.body);
    assert_eq!(
        decide(&h, &lead, "not-a-uuid", "accept").await.status,
        StatusCode::NOT_FOUND
    );

    // The lead accepts the person added: the survey answer about them comes with it.
    let r = decide(&h, &lead, &id, "accept").await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let decided: HeldDecisionResponse = r.parse();
    assert_eq!(decided.decided, vec![added.id, about_newcomer.id]);
    assert_eq!(decided.status, HeldStatus::Accepted);
    assert_eq!(people_count(&h), people_before + 1);
    let bo_page = h.pull(&bo, &[], None).await;
    assert!(bo_page.scopes[0].people.iter().any(|p| p.id == newcomer));
    let pulled: Vec<_> = bo_page.scopes[0].events.iter().map(|e| e.id).collect();
    assert_eq!(pulled, vec![knock_late.id, added.id, about_newcomer.id]);
    assert_eq!(
        h.store.stale_events(h.campaign).expect("stale"),
        vec![knock_late.id, added.id, about_newcomer.id],
        "stored as the stale records they are"
    );
    // Deciding twice is refused, and changes nothing.
    let before = h.digest();
    let again = decide(&h, &lead, &id, "dismiss").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.error_code() == codes::INVALID_VALUE,
        "{}",
        again.error_code()
    );
    assert!(unchanged(&h, &before));

    // The lead dismisses the phone do-not-contact: it never reaches the list.
    let r = decide(&h, &lead, &phone_dnc.id.to_string(), "dismiss").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(h.rows_in("do_not_call"), dnc_before);
    let list = held(&h, &lead).await;
    let status = |id| {
        list.records
            .iter()
            .find(|r| r.event == id)
            .map(|r| (r.status, r.decided_by))
            .expect("listed")
    };
    assert_eq!(status(door_dnc.id), (HeldStatus::Held, None));
    assert_eq!(
        status(phone_dnc.id),
        (HeldStatus::Dismissed, Some(lead.reg.volunteer))
    );
    assert_eq!(
        status(added.id),
        (HeldStatus::Accepted, Some(lead.reg.volunteer))
    );
    assert_eq!(list.records[0].event, door_dnc.id, "waiting ones first");
    // A dismissed record replayed is still a duplicate: it never comes back in.
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&phone_dnc)).await,
        vec![PushOutcome::Duplicate]
    );
}

/// What a push that stores nothing still writes: when the device was last seen, and the
/// server clock's high-water mark.
fn only_bookkeeping(
    before: &crate::store::digest::Digest,
    after: &crate::store::digest::Digest,
) -> bool {
    crate::store::Location::changed(before, after)
        .iter()
        .all(|t| t == "devices" || t == "sync_state" || t == "campaign_feeds")
}

fn unchanged(h: &Harness, before: &crate::store::digest::Digest) -> bool {
    crate::store::Location::changed(before, &h.digest()).is_empty()
}

#[tokio::test]
async fn after_the_grace_window_a_stale_volunteer_is_refused_and_nothing_is_written() {
    let h = Harness::new();
    let (ana, _bo, _lead) = reassigned(&h).await;
    let doors = h.households_of(h.turf_a);
    // Within the window, a knock is taken in.
    h.clock
        .store(NOW + 1_000, std::sync::atomic::Ordering::SeqCst);
    let early = event_at(NOW - 60_000, doors[0], None, knock("not_home"));
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&early)).await,
        vec![PushOutcome::Accepted]
    );
    // One ms after it, nothing is: not a knock made while still assigned, not a person.
    h.clock.store(
        NOW + stale_grace_ms() + 1,
        std::sync::atomic::Ordering::SeqCst,
    );
    let before = h.digest();
    let late = vec![
        event_at(NOW - 30_000, doors[1], None, knock("not_home")),
        event_at(
            NOW + 5_000,
            doors[1],
            Some(PersonId::new_v7()),
            person_added("+19195550101"),
        ),
    ];
    let out = h.push(&ana, &late).await;
    assert_eq!(rejected_code(&out[0]), codes::ASSIGNMENT_ENDED);
    assert_eq!(rejected_code(&out[1]), codes::ASSIGNMENT_ENDED);
    assert!(
        matches!(&out[0], PushOutcome::Rejected { message, .. } if message.contains("stays on this phone")),
        "{out:?}"
    );
    // The earlier knock replayed is still its duplicate.
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&early)).await,
        vec![PushOutcome::Duplicate]
    );
    assert!(
        only_bookkeeping(&before, &h.digest()),
        "nothing but the device's last-seen time and the server clock"
    );
}

#[tokio::test]
async fn a_held_record_that_no_longer_fits_cannot_be_accepted_and_stays_held() {
    let h = Harness::new();
    let (ana, _bo, lead) = reassigned(&h).await;
    let doors = h.households_of(h.turf_a);
    let resident = h.person_at(doors[2]);
    h.clock
        .store(NOW + 1_000, std::sync::atomic::Ordering::SeqCst);
    let dnc = event_at(
        NOW + 500,
        doors[2],
        Some(resident),
        EventBody::DoNotContact {
            channel: Channel::Door,
        },
    );
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&dnc)).await,
        vec![PushOutcome::Accepted]
    );
    // The household leaves the turfs (a re-import dropped it) before the lead looks.
    h.store.remove_household(doors[2]).expect("remove");
    let before = h.digest();
    let r = decide(&h, &lead, &dnc.id.to_string(), "accept").await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("dismiss it instead")),
        "{}",
        r.json()
    );
    assert!(unchanged(&h, &before));
    let r = decide(&h, &lead, &dnc.id.to_string(), "dismiss").await;
    assert_eq!(r.status, StatusCode::OK);
}

/// Found by the product simulation: a caller who lost a door's turf but still calls its
/// person on a current call list makes a current record, not a stale one.
#[tokio::test]
async fn a_caller_who_lost_the_turf_but_still_calls_the_person_is_not_held() {
    let h = Harness::new();
    let (ana, _bo, lead) = reassigned(&h).await;
    // A voter with a phone at a door of turf A, on the list Ana still calls.
    let mut door = super::harness::households("Caller Way", 1, 1);
    door[0].1[0].phone = Some("+19195550142".into());
    let door = h.store.add_households(h.turf_a, door).expect("door")[0];
    let resident = h.person_at(door);
    h.callers(&[ana.reg.volunteer]);
    h.clock
        .store(NOW + 3_600_000, std::sync::atomic::Ordering::SeqCst);
    let busy = event_at(
        NOW + 60_000,
        door,
        Some(resident),
        EventBody::Contact {
            channel: Channel::Phone,
            result: "busy".into(),
            call_back_at: None,
        },
    );
    let events_before = h.rows_in("events");
    assert_eq!(h.push(&ana, &[busy]).await, vec![PushOutcome::Accepted]);
    assert_eq!(h.rows_in("events"), events_before + 1, "stored");
    assert!(held(&h, &lead).await.records.is_empty(), "nothing held");
    assert!(
        h.store.stale_events(h.campaign).expect("stale").is_empty(),
        "not flagged stale: the call list is still hers"
    );
}

/// Found by the product simulation: a record a lead dismissed, pushed again by its phone
/// (its answer was lost) after the volunteer got the turf back, stays out.
#[tokio::test]
async fn a_dismissed_record_pushed_again_after_the_turf_came_back_stays_out() {
    let h = Harness::new();
    let (ana, bo, lead) = reassigned(&h).await;
    let doors = h.households_of(h.turf_a);
    h.clock
        .store(NOW + 3_600_000, std::sync::atomic::Ordering::SeqCst);
    let added = event_at(
        NOW + 60_000,
        doors[0],
        Some(PersonId::new_v7()),
        person_added("+19195550100"),
    );
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&added)).await,
        vec![PushOutcome::Accepted]
    );
    let r = decide(&h, &lead, &added.id.to_string(), "dismiss").await;
    assert_eq!(r.status, StatusCode::OK);
    h.store
        .set_assignees_at(
            h.turf_a,
            &[ana.reg.volunteer, bo.reg.volunteer],
            NOW + 3_600_000,
        )
        .expect("the turf back to Ana");
    h.clock
        .store(NOW + 7_200_000, std::sync::atomic::Ordering::SeqCst);
    let people = people_count(&h);
    let before = h.digest();
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&added)).await,
        vec![PushOutcome::Duplicate]
    );
    assert!(
        only_bookkeeping(&before, &h.digest()),
        "the dismissed person is not added behind the lead's decision"
    );
    assert_eq!(people_count(&h), people);
    let list = held(&h, &lead).await;
    assert_eq!(list.records.len(), 1);
    assert_eq!(list.records[0].status, HeldStatus::Dismissed);
    // Her phone holds the record as delivered: the turf's feed tells it to drop it.
    let page = h.pull(&ana, &[], None).await;
    let turf_a = page
        .scopes
        .iter()
        .find(|s| s.turf.id == h.turf_a)
        .expect("turf A is hers again");
    assert_eq!(turf_a.removed_events, vec![added.id]);
    assert!(turf_a.events.iter().all(|e| e.id != added.id));
}

/// Found by the product simulation: a caller taken off a list pushes a call she made while
/// she had it. The result is held for a lead, and her claim on the person is freed: her
/// phone shows them called and will not call them again, so the claim (renewed by each of
/// her claims once she has a list again) must not keep them from every other caller, and
/// her later claims must not hand them back to her.
#[tokio::test]
async fn a_held_phone_result_frees_its_callers_claim() {
    use groundgame_core::protocol::calls::ClaimResponse;
    use std::sync::atomic::Ordering::SeqCst;

    const MINUTE: u64 = 60_000;
    let h = Harness::new();
    let ana = h.register(&h.volunteer_invite, "Ana").await;
    let bo = h.register(&h.volunteer_invite, "Bo").await;
    let mut door = super::harness::households("Caller Way", 1, 1);
    door[0].1[0].phone = Some("+19195550143".into());
    let door = h.store.add_households(h.turf_a, door).expect("door")[0];
    let person = h.person_at(door);
    let list = h
        .store
        .create_call_list(
            h.campaign,
            "Phone bank",
            &crate::store::CallListFilter::default(),
        )
        .expect("list")
        .id;
    h.store
        .set_call_list_callers(list, &[ana.reg.volunteer], NOW - 1440 * MINUTE)
        .expect("Ana calls");
    let claim = |d: &Device| {
        let token = d.token.clone();
        let h = &h;
        async move {
            let r: ClaimResponse = h
                .post_ok(
                    &format!("/api/v1/call-lists/{list}/claim"),
                    &token,
                    serde_json::json!({ "count": 10 }),
                )
                .await;
            r.contacts.iter().map(|c| c.person).collect::<Vec<_>>()
        }
    };
    h.clock.store(NOW - 10 * MINUTE, SeqCst);
    assert_eq!(claim(&ana).await, vec![person], "Ana holds her");
    h.store
        .set_call_list_callers(list, &[bo.reg.volunteer], NOW)
        .expect("the list to Bo");
    h.clock.store(NOW + 5 * MINUTE, SeqCst);
    let busy = event_at(
        NOW - 5 * MINUTE,
        door,
        Some(person),
        EventBody::Contact {
            channel: Channel::Phone,
            result: "busy".into(),
            call_back_at: None,
        },
    );
    assert_eq!(h.push(&ana, &[busy]).await, vec![PushOutcome::Accepted]);
    assert_eq!(h.rows_in("held_events"), 1, "held for a lead");
    // Ana gets the list back: her phone shows the person called, so she is not handed
    // them again (her result waits for a lead).
    h.store
        .set_call_list_callers(
            list,
            &[ana.reg.volunteer, bo.reg.volunteer],
            NOW + 5 * MINUTE,
        )
        .expect("the list to both");
    h.clock.store(NOW + 6 * MINUTE, SeqCst);
    assert_eq!(
        claim(&ana).await,
        vec![],
        "not handed back to the phone that called"
    );
    // Ana's lease would have run until NOW + 20 minutes; Bo gets the person at once.
    assert_eq!(claim(&bo).await, vec![person]);
}
