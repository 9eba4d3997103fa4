//! Phone banking: call lists assigned to callers, contacts claimed under leases (never two
//! devices at once; an offline device's hold runs out), the calling rounds driven by pushed
//! phone results, do-not-call honoured on every list and sent to devices, and the errors a
//! caller who may not call, or a malformed request, gets.

use axum::http::{Method, StatusCode};
use groundgame_core::event::Channel;
use groundgame_core::protocol::{PushOutcome, PROTOCOL_VERSION};
use groundgame_core::{CallListId, EventBody};
use serde_json::{json, Value};

use super::harness::{event_at, Device, Harness};
use crate::store::sqlite::claims::{
    CALL_BACK_DELAY_MS, CALL_BACK_HOLD_MS, CLAIM_LEASE_MS, LATER_ROUND_DELAY_MS,
};
use crate::store::CallListFilter;
use groundgame_core::protocol::calls::{
    CallContact, CallProgress, CallProgressResponse, ClaimResponse,
};

/// `n` imported voters, each with their own number, in one precinct.
fn voters(h: &Harness, n: usize) {
    for i in 0..n {
        let source = format!("V{i:03}");
        let phone = format!("+1919555{:04}", 1000 + i);
        h.imported_household(
            "Oak St",
            &(i + 1).to_string(),
            "P1",
            &[(&source, Some(&phone), "active")],
        );
    }
}

fn make_list(h: &Harness, name: &str) -> CallListId {
    h.store
        .create_call_list(h.campaign, name, &CallListFilter::default())
        .expect("list")
        .id
}

fn claim_path(list: CallListId) -> String {
    format!("/api/v1/call-lists/{list}/claim")
}

async fn assign(h: &Harness, lead: &Device, list: CallListId, callers: &[&Device]) {
    let ids: Vec<i64> = callers.iter().map(|d| d.reg.volunteer.0).collect();
    let r = h
        .call(
            Method::PUT,
            &format!("/api/v1/call-lists/{list}/assignees"),
            Some(&lead.token),
            Some(json!({ "volunteers": ids })),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
}

async fn claim(h: &Harness, d: &Device, list: CallListId, count: u32) -> Vec<CallContact> {
    let r: ClaimResponse = h
        .post_ok(&claim_path(list), &d.token, json!({ "count": count }))
        .await;
    r.contacts
}

async fn progress(h: &Harness, d: &Device, list: CallListId) -> CallProgress {
    let r = h
        .call(
            Method::GET,
            &format!("/api/v1/call-lists/{list}/progress"),
            Some(&d.token),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let answer: CallProgressResponse = r.parse();
    assert_eq!(answer.call_list, list);
    answer.progress
}

fn phones(contacts: &[CallContact]) -> Vec<String> {
    contacts.iter().map(|c| c.phone.clone()).collect()
}

/// Push a phone result about a claimed contact, which must be accepted.
async fn record(h: &Harness, d: &Device, c: &CallContact, body: EventBody) {
    let e = event_at(h.now(), c.household, Some(c.person), body);
    assert_eq!(h.push(d, &[e]).await, vec![PushOutcome::Accepted]);
}

fn called(result: &str) -> EventBody {
    EventBody::Contact {
        channel: Channel::Phone,
        result: result.into(),
        call_back_at: None,
    }
}

/// A campaign with `n` voters on one list, a lead and two callers on it.
async fn phone_bank(n: usize) -> (Harness, CallListId, Device, Device, Device) {
    let h = Harness::new();
    voters(&h, n);
    let list = make_list(&h, "Everyone");
    let lead = h.register(&h.lead_invite.clone(), "Lee").await;
    let ana = h.register(&h.volunteer_invite.clone(), "Ana").await;
    let ben = h.register(&h.volunteer_invite.clone(), "Ben").await;
    assign(&h, &lead, list, &[&ana, &ben]).await;
    (h, list, lead, ana, ben)
}

#[tokio::test]
async fn two_callers_never_hold_the_same_contact_and_an_offline_callers_lease_runs_out() {
    let (h, list, lead, ana, ben) = phone_bank(6).await;
    let a = claim(&h, &ana, list, 2).await;
    let b = claim(&h, &ben, list, 3).await;
    assert_eq!((a.len(), b.len()), (2, 3));
    assert!(
        phones(&a).iter().all(|p| !phones(&b).contains(p)),
        "disjoint"
    );
    assert!(a.iter().all(|c| c.expires_at == h.now() + CLAIM_LEASE_MS));
    // Asking again hands back what Ana holds, renewed, before anything new.
    let again = claim(&h, &ana, list, 2).await;
    assert_eq!(phones(&again), phones(&a));
    let p = progress(&h, &lead, list).await;
    assert_eq!((p.total, p.claimed, p.fresh, p.left), (6, 5, 6, 6));

    // Ana goes offline; Ben keeps calling. Before her lease ends he gets only the last one.
    let more = claim(&h, &ben, list, 6).await;
    assert_eq!(more.len(), 4, "his three and the one nobody holds");
    assert!(phones(&more).iter().all(|p| !phones(&a).contains(p)));
    h.clock
        .fetch_add(CLAIM_LEASE_MS + 1, std::sync::atomic::Ordering::SeqCst);
    let after = claim(&h, &ben, list, 6).await;
    assert_eq!(after.len(), 6, "Ana's two came free when her lease ran out");
    // Ana is back: what she held is Ben's now, and nothing else is left.
    assert!(claim(&h, &ana, list, 2).await.is_empty());
}

#[tokio::test]
async fn busy_comes_back_in_a_later_round_and_talked_never() {
    let (h, list, lead, ana, _ben) = phone_bank(2).await;
    let first = claim(&h, &ana, list, 1).await;
    record(&h, &ana, &first[0], called("busy")).await;
    let second = claim(&h, &ana, list, 1).await;
    assert_ne!(
        second[0].person, first[0].person,
        "fresh contacts before a retry"
    );
    assert!(!second[0].retry);
    record(&h, &ana, &second[0], called("talked")).await;
    assert!(
        claim(&h, &ana, list, 1).await.is_empty(),
        "the busy one waits"
    );
    let p = progress(&h, &lead, list).await;
    assert_eq!((p.retired, p.later_round, p.fresh, p.left), (1, 1, 0, 1));

    h.clock
        .fetch_add(LATER_ROUND_DELAY_MS, std::sync::atomic::Ordering::SeqCst);
    let retry = claim(&h, &ana, list, 2).await;
    assert_eq!(retry.len(), 1, "talked never comes back");
    assert_eq!(retry[0].person, first[0].person);
    assert!(retry[0].retry);
    record(&h, &ana, &retry[0], called("no_answer")).await;
    h.clock
        .fetch_add(LATER_ROUND_DELAY_MS, std::sync::atomic::Ordering::SeqCst);
    let third = claim(&h, &ana, list, 2).await;
    record(&h, &ana, &third[0], called("wrong_number")).await;
    h.clock.fetch_add(
        10 * LATER_ROUND_DELAY_MS,
        std::sync::atomic::Ordering::SeqCst,
    );
    assert!(claim(&h, &ana, list, 2).await.is_empty());
    let p = progress(&h, &lead, list).await;
    assert_eq!((p.retired, p.left, p.claimed), (2, 0, 0));
}

#[tokio::test]
async fn a_call_back_comes_back_at_its_time_to_its_caller_first() {
    let (h, list, lead, ana, ben) = phone_bank(1).await;
    let c = claim(&h, &ana, list, 1).await;
    record(&h, &ana, &c[0], called("call_back")).await;
    assert_eq!(progress(&h, &lead, list).await.call_backs, 1);
    h.clock
        .fetch_add(CALL_BACK_DELAY_MS - 1, std::sync::atomic::Ordering::SeqCst);
    assert!(claim(&h, &ana, list, 1).await.is_empty(), "not yet");
    h.clock.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Due: it waits for Ana, who promised it...
    assert!(claim(&h, &ben, list, 1).await.is_empty(), "held for Ana");
    let back = claim(&h, &ana, list, 1).await;
    assert_eq!(back[0].person, c[0].person);
    assert!(back[0].retry);
}

#[tokio::test]
async fn a_call_back_its_caller_does_not_take_goes_to_anyone_after_the_hold() {
    let (h, list, _lead, ana, ben) = phone_bank(1).await;
    let c = claim(&h, &ana, list, 1).await;
    record(&h, &ana, &c[0], called("call_back")).await;
    h.clock.fetch_add(
        CALL_BACK_DELAY_MS + CALL_BACK_HOLD_MS - 1,
        std::sync::atomic::Ordering::SeqCst,
    );
    assert!(claim(&h, &ben, list, 1).await.is_empty(), "still held");
    h.clock.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // Ana is not calling tonight: Ben gets it, and then it is his to finish.
    let back = claim(&h, &ben, list, 1).await;
    assert_eq!(back[0].person, c[0].person);
    assert!(claim(&h, &ana, list, 1).await.is_empty(), "Ben holds it");
}

#[tokio::test]
async fn do_not_call_vanishes_from_every_list_and_reaches_the_other_devices_pull() {
    let (h, list, lead, ana, _ben) = phone_bank(4).await;
    let other_list = make_list(&h, "Everyone again");
    let cat = h.register(&h.volunteer_invite.clone(), "Cat").await;
    assign(&h, &lead, other_list, &[&cat]).await;

    let mine = claim(&h, &ana, list, 2).await;
    record(&h, &ana, &mine[0], called("do_not_call")).await;
    record(
        &h,
        &ana,
        &mine[1],
        EventBody::DoNotContact {
            channel: Channel::Phone,
        },
    )
    .await;
    let gone = phones(&mine);

    let theirs = claim(&h, &cat, other_list, 10).await;
    assert_eq!(theirs.len(), 2);
    assert!(phones(&theirs).iter().all(|p| !gone.contains(p)));
    let p = progress(&h, &lead, other_list).await;
    assert_eq!((p.do_not_call, p.retired, p.left), (2, 0, 2));

    let pull = h.pull(&cat, &[], None).await;
    let mut sorted = gone.clone();
    sorted.sort();
    assert_eq!(pull.campaign.do_not_call, sorted);
    let lead_pull = h.pull(&lead, &[], None).await;
    assert!(
        lead_pull.campaign.do_not_call.is_empty(),
        "the lead calls no list"
    );
    let stored = h.rows_in("do_not_call");
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn a_volunteer_not_calling_the_list_is_forbidden_and_cannot_record_calls() {
    let (h, list, _lead, ana, _ben) = phone_bank(2).await;
    let c = claim(&h, &ana, list, 1).await;
    let dan = h.register(&h.volunteer_invite.clone(), "Dan").await;
    let r = h
        .call(
            Method::POST,
            &claim_path(list),
            Some(&dan.token),
            Some(json!({"count": 1})),
        )
        .await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let r = h
        .call(
            Method::GET,
            &format!("/api/v1/call-lists/{list}/progress"),
            Some(&dan.token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h
        .call(
            Method::PUT,
            &format!("/api/v1/call-lists/{list}/assignees"),
            Some(&ana.token),
            Some(json!({"volunteers": [dan.reg.volunteer.0]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only leads assign");
    let r = h
        .call(
            Method::POST,
            "/api/v1/call-lists/999/claim",
            Some(&ana.token),
            Some(json!({"count": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Dan may not record calls to Ana's contacts either; door rules are unchanged, so a
    // door result at that (unplaced) household is out of scope even for Ana.
    let e = event_at(h.now(), c[0].household, Some(c[0].person), called("talked"));
    let out = h.push(&dan, &[e]).await;
    assert!(matches!(&out[0], PushOutcome::Rejected { code, .. } if code == "out_of_scope"));
    let door = event_at(
        h.now(),
        c[0].household,
        Some(c[0].person),
        EventBody::Contact {
            channel: Channel::Door,
            result: "talked".into(),
            call_back_at: None,
        },
    );
    let out = h.push(&ana, &[door]).await;
    assert!(matches!(&out[0], PushOutcome::Rejected { code, .. } if code == "out_of_scope"));
    // Once Ana is taken off the list, her late results are taken in, but held for a lead:
    // they would move the calling rounds, which are no longer hers to move.
    let lead = h.register(&h.lead_invite.clone(), "Lou").await;
    assign(&h, &lead, list, &[]).await;
    let late = event_at(h.now(), c[0].household, Some(c[0].person), called("talked"));
    let late_id = late.id;
    let rounds_before = h.digest().get("call_list_members").cloned();
    assert_eq!(h.push(&ana, &[late]).await, vec![PushOutcome::Accepted]);
    assert!(!h
        .store
        .stale_events(h.campaign)
        .expect("stale")
        .contains(&late_id));
    assert_eq!(h.digest().get("call_list_members").cloned(), rounds_before);
    let held = h.store.held_records(h.campaign).expect("held");
    assert_eq!(
        held.iter()
            .map(|r| (r.event, r.result.as_deref()))
            .collect::<Vec<_>>(),
        vec![(late_id, Some("talked"))]
    );
    // Accepted by the lead, it moves them: the contact is retired.
    h.store
        .decide_held(h.campaign, late_id, true, lead.reg.volunteer, h.now())
        .expect("accept");
    assert_ne!(h.digest().get("call_list_members").cloned(), rounds_before);
    assert!(h
        .store
        .stale_events(h.campaign)
        .expect("stale")
        .contains(&late_id));
}

#[tokio::test]
async fn malformed_requests_get_clear_errors_and_change_nothing() {
    let (h, list, lead, ana, _ben) = phone_bank(3).await;
    let path = claim_path(list);
    let cases: Vec<(Value, StatusCode)> = vec![
        (json!({"count": 0}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"count": 51}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"count": "two"}), StatusCode::BAD_REQUEST),
        (json!({"count": -1}), StatusCode::BAD_REQUEST),
        (
            json!({"count": 1, "colour": "red"}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({}), StatusCode::BAD_REQUEST),
    ];
    for (body, status) in cases {
        let r = h
            .call(Method::POST, &path, Some(&ana.token), Some(body.clone()))
            .await;
        assert_eq!(r.status, status, "{body}");
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(!message.is_empty(), "{body}");
    }
    let r = h
        .call(
            Method::POST,
            &format!("/api/v1/call-lists/{list}/release"),
            Some(&ana.token),
            Some(json!({"people": ["not-a-uuid"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let other = h.register(&h.other_lead_invite.clone(), "Otto").await;
    let r = h
        .call(
            Method::PUT,
            &format!("/api/v1/call-lists/{list}/assignees"),
            Some(&lead.token),
            Some(json!({"volunteers": [other.reg.volunteer.0]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("volunteers"));
    let p = progress(&h, &lead, list).await;
    assert_eq!((p.claimed, p.fresh), (0, 3), "nothing was claimed");
    let r = h
        .call(
            Method::POST,
            &path,
            Some(&other.token),
            Some(json!({"count": 1})),
        )
        .await;
    // Another campaign's lead is told the list does not exist, as for an id nobody has.
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another campaign's lead");
    let _ = PROTOCOL_VERSION;
}

#[tokio::test]
async fn release_gives_contacts_back_to_the_list() {
    let (h, list, _lead, ana, ben) = phone_bank(1).await;
    let c = claim(&h, &ana, list, 1).await;
    assert!(claim(&h, &ben, list, 1).await.is_empty());
    let r = h
        .call(
            Method::POST,
            &format!("/api/v1/call-lists/{list}/release"),
            Some(&ana.token),
            Some(json!({"people": [c[0].person]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["released"], 1);
    assert_eq!(claim(&h, &ben, list, 1).await[0].person, c[0].person);
}

fn call_back_at(when: Option<u64>) -> EventBody {
    EventBody::Contact {
        channel: Channel::Phone,
        result: "call_back".into(),
        call_back_at: when,
    }
}

#[tokio::test]
async fn a_call_back_at_a_chosen_time_comes_back_then_and_bad_times_are_refused() {
    let (h, list, lead, ana, ben) = phone_bank(2).await;
    let c = claim(&h, &ana, list, 1).await;
    // Tomorrow evening: long after the fixed delay.
    let chosen = h.now() + 26 * 60 * 60 * 1000;
    record(&h, &ana, &c[0], call_back_at(Some(chosen))).await;
    assert_eq!(progress(&h, &lead, list).await.call_backs, 1);
    h.clock
        .fetch_add(CALL_BACK_DELAY_MS, std::sync::atomic::Ordering::SeqCst);
    let now = claim(&h, &ben, list, 2).await;
    assert_eq!(now.len(), 1);
    assert_ne!(
        now[0].person, c[0].person,
        "not at the fixed delay: at the time chosen"
    );
    h.clock.store(chosen, std::sync::atomic::Ordering::SeqCst);
    let back = claim(&h, &ana, list, 1).await;
    assert_eq!(back[0].person, c[0].person);
    assert!(back[0].retry);

    // A time only goes with a call-back, on the phone, within 90 days of the call.
    let other = &now[0];
    let cases = [
        EventBody::Contact {
            channel: Channel::Phone,
            result: "busy".into(),
            call_back_at: Some(h.now() + 1000),
        },
        call_back_at(Some(h.now() + 91 * 24 * 60 * 60 * 1000)),
        call_back_at(Some(h.now() - 60 * 60 * 1000)),
    ];
    for body in cases {
        let e = event_at(h.now(), other.household, Some(other.person), body.clone());
        let out = h.push(&ben, &[e]).await;
        assert!(
            matches!(&out[0], PushOutcome::Rejected { code, message }
                if code == "invalid_value" && message.contains("call-back")),
            "{body:?}: {out:?}"
        );
    }
    let p = progress(&h, &lead, list).await;
    assert_eq!(
        (p.fresh, p.call_backs, p.retired),
        (1, 1, 0),
        "the refused records changed nothing"
    );
}

async fn my_lists(h: &Harness, d: &Device) -> Vec<groundgame_core::protocol::calls::MyCallList> {
    let r = h
        .call(Method::GET, "/api/v1/my/call-lists", Some(&d.token), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    r.parse::<groundgame_core::protocol::calls::MyCallListsResponse>()
        .lists
}

#[tokio::test]
async fn my_call_lists_show_a_caller_only_the_lists_they_call_and_a_lead_all() {
    let (h, list, lead, ana, ben) = phone_bank(3).await;
    let second = make_list(&h, "Evening shift");
    assign(&h, &lead, second, &[&ben]).await;
    claim(&h, &ana, list, 1).await;

    let a = my_lists(&h, &ana).await;
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].id, a[0].name.as_str()), (list, "Everyone"));
    assert_eq!(
        (
            a[0].progress.total,
            a[0].progress.left,
            a[0].progress.claimed
        ),
        (3, 3, 1)
    );
    let b: Vec<_> = my_lists(&h, &ben).await.iter().map(|l| l.id).collect();
    assert_eq!(b, vec![list, second]);
    let all: Vec<_> = my_lists(&h, &lead).await.iter().map(|l| l.id).collect();
    assert_eq!(all, vec![list, second], "a lead sees every list");

    // A volunteer who calls no list, and another campaign's lead, see nothing of these.
    let dan = h.register(&h.volunteer_invite.clone(), "Dan").await;
    assert!(my_lists(&h, &dan).await.is_empty());
    let otto = h.register(&h.other_lead_invite.clone(), "Otto").await;
    assert!(my_lists(&h, &otto).await.is_empty());
    // Taken off a list, Ana no longer sees it.
    assign(&h, &lead, list, &[&ben]).await;
    assert!(my_lists(&h, &ana).await.is_empty());
    let r = h
        .call(Method::GET, "/api/v1/my/call-lists", None, None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// A push retried after its answer was lost is answered "duplicate" and does nothing
/// again: the contact, due again and now held by another caller, stays theirs (applying
/// the call's effect a second time would free them, and the next caller would be handed
/// the same person).
#[tokio::test]
async fn a_call_result_pushed_again_after_a_lost_answer_changes_nothing() {
    let (h, list, lead, ana, ben) = phone_bank(1).await;
    let held = claim(&h, &ana, list, 1).await;
    assert_eq!(held.len(), 1);
    let c = &held[0];
    let e = event_at(h.now(), c.household, Some(c.person), called("no_answer"));
    assert_eq!(
        h.push(&ana, std::slice::from_ref(&e)).await,
        vec![PushOutcome::Accepted]
    );

    // The next round: Ben is handed the contact.
    h.clock.fetch_add(
        LATER_ROUND_DELAY_MS + 1,
        std::sync::atomic::Ordering::SeqCst,
    );
    assert_eq!(phones(&claim(&h, &ben, list, 1).await), phones(&held));
    let before = h.digest();

    // Ana's app never heard the answer and sends the same push again.
    assert_eq!(h.push(&ana, &[e]).await, vec![PushOutcome::Duplicate]);
    let changed = crate::store::Location::changed(&before, &h.digest());
    assert!(
        changed
            .iter()
            .all(|t| ["devices", "sync_state", "campaign_feeds"].contains(&t.as_str())),
        "the replay changed {changed:?}"
    );
    assert!(
        claim(&h, &ana, list, 1).await.is_empty(),
        "Ben still holds the contact"
    );
    assert_eq!(phones(&claim(&h, &ben, list, 1).await), phones(&held));
    let p = progress(&h, &lead, list).await;
    assert_eq!((p.claimed, p.later_round), (1, 1));
}

/// Issue 13 §2: a do-not-call a caller records is listed for the lead with who, when and
/// which record (the number's last four digits only), and a lead can take it back: the
/// number comes off the list and the entries it retired of another voter sharing it (on a
/// list the caller does not call) go back to the rounds. Only campaign A's leads see or
/// undo it; lead B gets an unknown id's 404.
#[tokio::test]
async fn a_do_not_call_is_listed_with_who_and_when_and_a_lead_can_undo_it() {
    use groundgame_core::protocol::lead::{DoNotCallList, DoNotCallUndoResponse};
    let h = Harness::new();
    voters(&h, 2);
    // A second voter at another door shares the first one's number.
    h.imported_household(
        "Elm St",
        "9",
        "P2",
        &[("V900", Some("+19195551000"), "active")],
    );
    let in_precinct = |precinct: &str, name: &str| {
        h.store
            .create_call_list(
                h.campaign,
                name,
                &CallListFilter {
                    precincts: vec![precinct.into()],
                    script: None,
                },
            )
            .expect("list")
            .id
    };
    let list = in_precinct("P1", "Everyone in P1");
    let lead = h.register(&h.lead_invite.clone(), "Lee").await;
    let ana = h.register(&h.volunteer_invite.clone(), "Ana").await;
    assign(&h, &lead, list, &[&ana]).await;
    let everyone = claim(&h, &ana, list, 10).await;
    let first = everyone
        .iter()
        .find(|c| c.phone == "+19195551000")
        .expect("the shared number is on the list")
        .clone();
    // Another list, that Ana does not call: the other voter with the number is on it.
    let other = in_precinct("P2", "P2");
    let before = progress(&h, &lead, other).await;
    record(&h, &ana, &first, called("do_not_call")).await;
    let during = progress(&h, &lead, other).await;
    assert!(during.left < before.left, "{before:?} -> {during:?}");

    let r = h
        .call(Method::GET, "/api/v1/do-not-call", Some(&lead.token), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let listed: DoNotCallList = r.parse();
    assert_eq!(listed.additions.len(), 1, "{listed:?}");
    let added = &listed.additions[0];
    assert_eq!(added.phone_last4, "1000");
    assert_eq!(added.volunteer, Some(ana.reg.volunteer));
    assert_eq!(added.volunteer_name, "Ana");
    assert_eq!(added.device, Some(ana.reg.device));
    assert_eq!(added.kind, "contact");
    assert_eq!(added.created_at, h.now());
    assert!(!String::from_utf8_lossy(&r.body).contains("9195551000"));
    // The volunteer may not look; lead B sees their own campaign's (none) and gets A's
    // addition answered as an id nobody has.
    let r = h
        .call(Method::GET, "/api/v1/do-not-call", Some(&ana.token), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let olga = h.register(&h.other_lead_invite.clone(), "Olga").await;
    let theirs: DoNotCallList = h
        .call(Method::GET, "/api/v1/do-not-call", Some(&olga.token), None)
        .await
        .parse();
    assert!(theirs.additions.is_empty());
    let undo = |id: i64| format!("/api/v1/do-not-call/{id}/undo");
    let snapshot = h.digest();
    let a_s = h
        .call(Method::POST, &undo(added.id), Some(&olga.token), None)
        .await;
    let nobody = h
        .call(Method::POST, &undo(999_999), Some(&olga.token), None)
        .await;
    assert_eq!(a_s.status, StatusCode::NOT_FOUND);
    assert_eq!(a_s.body, nobody.body);
    assert!(crate::store::Location::changed(&snapshot, &h.digest()).is_empty());

    // Lead A takes it back.
    let r = h
        .call(Method::POST, &undo(added.id), Some(&lead.token), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let done: DoNotCallUndoResponse = r.parse();
    assert_eq!(
        done.restored, 1,
        "the other voter's entry on the later list"
    );
    assert_eq!(h.rows_in("do_not_call"), 0);
    let after = progress(&h, &lead, other).await;
    assert_eq!(after.left, before.left, "the later list is whole again");
    let listed: DoNotCallList = h
        .call(Method::GET, "/api/v1/do-not-call", Some(&lead.token), None)
        .await
        .parse();
    assert_eq!(listed.additions[0].undone_by, Some(lead.reg.volunteer));
    // Twice is refused and changes nothing.
    let snapshot = h.digest();
    let again = h
        .call(Method::POST, &undo(added.id), Some(&lead.token), None)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(crate::store::Location::changed(&snapshot, &h.digest()).is_empty());
}

/// Issue 13 §2, the attack: a door canvasser (no call list) pushes 500 people "added at
/// the door", each with a number of their choosing, and a phone do-not-contact for each.
/// The records are the canvasser's and are kept, but no number reaches the campaign's
/// do-not-call list; and a phone result from them is refused.
#[tokio::test]
async fn a_canvasser_cannot_bar_numbers_typed_in_at_a_door_nor_push_phone_results() {
    use groundgame_core::PersonId;
    let h = Harness::new();
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let doors = h.households_of(h.turf_a);
    let mut batch = Vec::new();
    for i in 0..500u32 {
        let someone = PersonId::new_v7();
        let door = doors[i as usize % doors.len()];
        batch.push(event_at(
            h.now(),
            door,
            Some(someone),
            EventBody::PersonAdded {
                first_name: "Mal".into(),
                last_name: "Icious".into(),
                language: None,
                phone: Some(format!("+1919556{i:04}")),
            },
        ));
        batch.push(event_at(
            h.now(),
            door,
            Some(someone),
            EventBody::DoNotContact {
                channel: Channel::Phone,
            },
        ));
    }
    let out = h.push(&ana, &batch).await;
    assert!(out.iter().all(|o| *o == PushOutcome::Accepted), "{out:?}");
    assert_eq!(h.rows_in("do_not_call"), 0, "no number reached the list");
    assert_eq!(h.rows_in("do_not_call_additions"), 0);

    let resident = h.person_at(doors[0]);
    let e = event_at(h.now(), doors[0], Some(resident), called("talked"));
    let out = h.push(&ana, &[e]).await;
    assert!(
        matches!(&out[0], PushOutcome::Rejected { code, message }
            if code == "out_of_scope" && message.contains("call list")),
        "{out:?}"
    );
}
