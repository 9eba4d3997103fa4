//! My network: pushes are idempotent by record id and validated record by record; pulls
//! return only the caller's own volunteer's records; the lead's summary is aggregates only.
//! The authorization test runs against the real HTTP server on a socket (127.0.0.1:0).

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use groundgame_core::event::{AskAnswer, AskKind};
use groundgame_core::network::{
    fold, NetworkBody, NetworkContactId, NetworkPullRequest, NetworkPullResponse,
    NetworkPushRequest, NetworkPushResponse, NetworkRecord, NetworkRecordId, NetworkSummary,
    Relationship,
};
use groundgame_core::protocol::{codes, PushOutcome, PROTOCOL_VERSION};
use groundgame_core::Hlc;
use serde_json::json;

use super::harness::{Device, Harness, NOW};
use crate::AppState;

fn rec(at_ms: u64, contact: NetworkContactId, body: NetworkBody) -> NetworkRecord {
    NetworkRecord {
        id: NetworkRecordId::new_v7(),
        at: Hlc::new(at_ms, 0),
        contact,
        body,
    }
}

fn saved(name: &str, phone: &str, note: &str) -> NetworkBody {
    NetworkBody::ContactSaved {
        name: name.into(),
        phone: Some(phone.into()),
        email: Some(format!(
            "{}@example.org",
            name.to_lowercase().replace(' ', ".")
        )),
        relationship: Relationship::Friend,
        note: note.into(),
    }
}

fn answered(ask: AskKind, answer: AskAnswer, cents: Option<u32>) -> NetworkBody {
    NetworkBody::AskAnswered {
        ask,
        answer,
        amount_promised_cents: cents,
        follow_up_on: None,
    }
}

/// Ana's network: two contacts, asks and a gift.
fn anas_records() -> Vec<NetworkRecord> {
    let rosa = NetworkContactId::new_v7();
    let tom = NetworkContactId::new_v7();
    vec![
        rec(
            NOW - 5000,
            rosa,
            saved("Rosa Quintanilla", "+19195550181", "Aunt, loves to bake"),
        ),
        rec(
            NOW - 4000,
            tom,
            saved("Tomasz Wierzbicki", "+19195550182", "Coworker"),
        ),
        rec(
            NOW - 3000,
            rosa,
            answered(AskKind::Donate, AskAnswer::Yes, Some(5000)),
        ),
        rec(
            NOW - 2000,
            rosa,
            NetworkBody::GiftReceived { amount_cents: 2500 },
        ),
        rec(
            NOW - 1000,
            tom,
            answered(AskKind::Volunteer, AskAnswer::Maybe, None),
        ),
        rec(
            NOW - 500,
            tom,
            answered(AskKind::Pledge, AskAnswer::Yes, None),
        ),
    ]
}

async fn push(h: &Harness, device: &Device, records: &[NetworkRecord]) -> Vec<PushOutcome> {
    let body = NetworkPushRequest {
        protocol: PROTOCOL_VERSION,
        records: records.to_vec(),
    };
    let r = h
        .call(
            Method::POST,
            "/api/v1/network/push",
            Some(&device.token),
            Some(serde_json::to_value(body).expect("json")),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    r.parse::<NetworkPushResponse>().results
}

#[tokio::test]
async fn pushes_are_idempotent_and_checked_record_by_record() {
    let h = Harness::new();
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let records = anas_records();
    let first = push(&h, &ana, &records).await;
    assert!(
        first.iter().all(|o| *o == PushOutcome::Accepted),
        "{first:?}"
    );
    let again = push(&h, &ana, &records).await;
    assert!(
        again.iter().all(|o| *o == PushOutcome::Duplicate),
        "{again:?}"
    );

    // A different record under a stored id; a bad phone; a bad amount; a broken clock;
    // and one good record behind them, accepted all the same.
    let mut reused = records[0].clone();
    reused.body = saved("Someone Else", "+19195550100", "");
    let contact = records[0].contact;
    let bad_phone = rec(NOW, contact, saved("Rosa", "919-555-0181", ""));
    let bad_amount = rec(
        NOW,
        contact,
        answered(AskKind::Volunteer, AskAnswer::Yes, Some(100)),
    );
    let ancient = rec(1_000, contact, NetworkBody::ContactRemoved);
    let good = rec(
        NOW,
        contact,
        NetworkBody::GiftReceived { amount_cents: 100 },
    );
    let out = push(&h, &ana, &[reused, bad_phone, bad_amount, ancient, good]).await;
    let codes_seen: Vec<&str> = out
        .iter()
        .map(|o| match o {
            PushOutcome::Rejected { code, .. } => code.as_str(),
            PushOutcome::Accepted => "accepted",
            PushOutcome::Duplicate => "duplicate",
        })
        .collect();
    assert_eq!(
        codes_seen,
        [
            codes::ID_REUSED,
            codes::INVALID_VALUE,
            codes::INVALID_VALUE,
            codes::BAD_TIMESTAMP,
            "accepted"
        ]
    );
    let PushOutcome::Rejected { message, .. } = &out[1] else {
        panic!("rejected");
    };
    assert!(
        message.contains("+19195550123"),
        "says what to do: {message}"
    );

    // Whole-request problems: too many records, wrong protocol, malformed body.
    let many: Vec<NetworkRecord> = (0..501)
        .map(|_| rec(NOW, contact, NetworkBody::ContactRemoved))
        .collect();
    let r = h
        .call(
            Method::POST,
            "/api/v1/network/push",
            Some(&ana.token),
            Some(json!({"protocol": 1, "records": many})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = h
        .call(
            Method::POST,
            "/api/v1/network/push",
            Some(&ana.token),
            Some(json!({"protocol": 99, "records": []})),
        )
        .await;
    assert_eq!(r.error_code(), codes::UNSUPPORTED_PROTOCOL);
    let r = h
        .call(
            Method::POST,
            "/api/v1/network/push",
            Some(&ana.token),
            Some(json!({"protocol": 1, "records": [{"id": "x"}]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), codes::INVALID_BODY);
    // Exactly the 6 + 1 accepted records are stored.
    let pulled: NetworkPullResponse = h
        .post_ok(
            "/api/v1/network/pull",
            &ana.token,
            json!({"protocol": 1, "cursor": 0}),
        )
        .await;
    assert_eq!(pulled.records.len(), 7);
    assert!(!pulled.has_more);
}

#[tokio::test]
async fn pulls_page_through_my_own_records_only() {
    let h = Harness::new();
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let ben = h.volunteer_on(h.turf_a, "Ben").await;
    let records = anas_records();
    push(&h, &ana, &records).await;
    let bens = vec![rec(
        NOW,
        NetworkContactId::new_v7(),
        saved("Bea Lindqvist", "+19195550190", ""),
    )];
    push(&h, &ben, &bens).await;

    let mut cursor = 0;
    let mut got = Vec::new();
    loop {
        let page: NetworkPullResponse = h
            .post_ok(
                "/api/v1/network/pull",
                &ana.token,
                serde_json::to_value(NetworkPullRequest {
                    protocol: PROTOCOL_VERSION,
                    cursor,
                    limit: Some(4),
                })
                .expect("json"),
            )
            .await;
        assert!(page.records.len() <= 4);
        got.extend(page.records);
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(got, records, "Ana gets her own records, in order, once");
    let bens_pull: NetworkPullResponse = h
        .post_ok(
            "/api/v1/network/pull",
            &ben.token,
            json!({"protocol": 1, "cursor": 0}),
        )
        .await;
    assert_eq!(bens_pull.records, bens);
    let r = h
        .call(
            Method::POST,
            "/api/v1/network/pull",
            Some(&ana.token),
            Some(json!({"protocol": 1, "cursor": 0, "limit": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A client of the real server over HTTP.
struct Client {
    http: reqwest::Client,
    url: String,
}

impl Client {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, String) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_are_private_to_their_owner_and_leads_see_only_totals() {
    let h = Harness::new();
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let ben = h.volunteer_on(h.turf_a, "Ben").await;
    let lead = h.register(&h.lead_invite, "Lee").await;
    let other_lead = h.register(&h.other_lead_invite, "Olu").await;
    let revoked = h.volunteer_on(h.turf_a, "Rex").await;

    let listener = crate::listen("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let clock = h.clock.clone();
    let state = AppState::with_clock(
        h.store.clone(),
        Arc::new(move || clock.load(std::sync::atomic::Ordering::SeqCst)),
    );
    let server = tokio::spawn(crate::serve(listener, state));
    let c = Client {
        http: reqwest::Client::new(),
        url,
    };
    let push_body = |records: &[NetworkRecord]| {
        Some(
            serde_json::to_value(NetworkPushRequest {
                protocol: PROTOCOL_VERSION,
                records: records.to_vec(),
            })
            .expect("json"),
        )
    };
    let pull_body = Some(json!({"protocol": 1, "cursor": 0}));

    let records = anas_records();
    let (status, _) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/network/push",
            &ana.token,
            push_body(&records),
        )
        .await;
    assert_eq!(status, 200);
    let bens = vec![rec(
        NOW,
        NetworkContactId::new_v7(),
        saved("Bea Lindqvist", "+19195550190", "Neighbour"),
    )];
    let (status, _) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/network/push",
            &ben.token,
            push_body(&bens),
        )
        .await;
    assert_eq!(status, 200);

    // Ben's pull has his contact and none of Ana's.
    let (status, body) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/network/pull",
            &ben.token,
            pull_body.clone(),
        )
        .await;
    assert_eq!(status, 200);
    let pulled: NetworkPullResponse = serde_json::from_str(&body).expect("pull");
    assert_eq!(pulled.records, bens);
    for secret in [
        "Rosa",
        "Quintanilla",
        "Tomasz",
        "+19195550181",
        "+19195550182",
        "bake",
    ] {
        assert!(!body.contains(secret), "Ben's pull leaks {secret}");
    }
    // Pushing a record about Ana's contact id stores it under Ben; Ana never sees it.
    let sneaky = vec![rec(NOW, records[0].contact, NetworkBody::ContactRemoved)];
    c.send(
        reqwest::Method::POST,
        "/api/v1/network/push",
        &ben.token,
        push_body(&sneaky),
    )
    .await;
    let (_, body) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/network/pull",
            &ana.token,
            pull_body.clone(),
        )
        .await;
    let anas: NetworkPullResponse = serde_json::from_str(&body).expect("pull");
    assert_eq!(anas.records, records);

    // The lead: aggregates only, equal to the fold of each volunteer's records.
    let (status, body) = c
        .send(
            reqwest::Method::GET,
            "/api/v1/network/summary",
            &lead.token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for secret in [
        "Rosa",
        "Quintanilla",
        "Tomasz",
        "Wierzbicki",
        "Bea",
        "Lindqvist",
        "19195550181",
        "19195550190",
        "example.org",
        "bake",
        "Neighbour",
    ] {
        assert!(
            !body.contains(secret),
            "the lead's summary leaks {secret}: {body}"
        );
    }
    let summary: NetworkSummary = serde_json::from_str(&body).expect("summary");
    assert_eq!(summary.campaign, h.campaign);
    let today = summary.today;
    let ana_line = summary
        .volunteers
        .iter()
        .find(|v| v.volunteer == ana.reg.volunteer)
        .expect("Ana's line");
    assert_eq!(ana_line.totals, fold(&records).totals(today));
    assert_eq!(ana_line.totals.contacts, 2);
    assert_eq!(ana_line.totals.asks_made, 3);
    assert_eq!(ana_line.totals.promised_cents, 5000);
    assert_eq!(ana_line.totals.given_cents, 2500);
    let mut bens_all = bens.clone();
    bens_all.extend(sneaky);
    let ben_line = summary
        .volunteers
        .iter()
        .find(|v| v.volunteer == ben.reg.volunteer)
        .expect("Ben's line");
    assert_eq!(ben_line.totals, fold(&bens_all).totals(today));
    assert_eq!(summary.totals.contacts, 3);
    assert_eq!(summary.totals.given_cents, 2500);

    // Volunteers may not read it; another campaign's lead is refused; so is a revoked
    // device, which is told to wipe.
    for volunteer in [&ana, &ben] {
        let (status, body) = c
            .send(
                reqwest::Method::GET,
                "/api/v1/network/summary",
                &volunteer.token,
                None,
            )
            .await;
        assert_eq!(status, 403, "{body}");
    }
    // Olu leads campaign 2: his summary is about his own campaign and holds none of ours.
    let (status, body) = c
        .send(
            reqwest::Method::GET,
            "/api/v1/network/summary",
            &other_lead.token,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let theirs: NetworkSummary = serde_json::from_str(&body).expect("summary");
    assert_eq!(theirs.campaign, h.other_campaign);
    assert!(theirs.volunteers.is_empty());
    assert_eq!(theirs.totals.contacts, 0);

    h.store.revoke_device(revoked.reg.device).expect("revoke");
    for (method, path, body) in [
        (
            reqwest::Method::POST,
            "/api/v1/network/pull",
            pull_body.clone(),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/network/push",
            push_body(&[]),
        ),
        (reqwest::Method::GET, "/api/v1/network/summary", None),
    ] {
        let (status, text) = c.send(method, path, &revoked.token, body).await;
        assert_eq!(status, 401, "{path}: {text}");
        assert!(text.contains(codes::DEVICE_REVOKED), "{text}");
    }
    let (status, _) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/network/pull",
            "gg_nope",
            pull_body,
        )
        .await;
    assert_eq!(status, 401);
    server.abort();
}

#[tokio::test]
async fn a_second_device_of_the_volunteer_pulls_the_same_network() {
    let h = Harness::new();
    let ana = h.volunteer_on(h.turf_a, "Ana").await;
    let records = anas_records();
    push(&h, &ana, &records).await;
    // Her laptop joins with a code her phone made.
    let (code, _) = h
        .store
        .create_device_link(ana.reg.device, NOW)
        .expect("link code");
    let laptop = h.register(&code, "Ana").await;
    assert_eq!(laptop.reg.volunteer, ana.reg.volunteer);
    let pulled: NetworkPullResponse = h
        .post_ok(
            "/api/v1/network/pull",
            &laptop.token,
            json!({"protocol": 1, "cursor": 0}),
        )
        .await;
    assert_eq!(pulled.records, records);
}
