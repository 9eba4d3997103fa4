//! Who may call each endpoint, as one table: a volunteer (on turf A of campaign A), a lead
//! of campaign A, a lead of campaign B, an admin of campaign A and a revoked device, against
//! every route the router serves, with the status each must get. The table is checked
//! against the router's own list (`routes::ROUTES`): a route without a row fails the test.
//! Endpoints that act on the caller's own campaign answer another campaign's lead about
//! their own campaign (200); endpoints aimed at something of campaign A (a turf, a device,
//! a volunteer, a call list, an import) answer them 404, word for word what an id nobody
//! has gets, so a lead cannot count another campaign's ids. Every refused call leaves the whole
//! database as it was (a digest of every table), and no answer to lead B or to the
//! volunteer holds anything of campaign A's they may not see.

use axum::http::{Method, StatusCode};
use groundgame_core::protocol::PROTOCOL_VERSION;
use groundgame_core::Role;
use serde_json::{json, Value};

use super::harness::{Harness, DAY, NOW};
use crate::import_jobs::NewImportJob;
use crate::routes::ROUTES;
use crate::store::Location;

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
const CREATED: u16 = 201;
const BAD_REQUEST: u16 = 400;
const UNAUTHORIZED: u16 = 401;
const FORBIDDEN: u16 = 403;
const NOT_FOUND: u16 = 404;
const UNPROCESSABLE: u16 = 422;

/// A lead's body that is no file of the kind (422); everyone else is refused first.
const NOT_A_FILE: [u16; 5] = [
    FORBIDDEN,
    UNPROCESSABLE,
    UNPROCESSABLE,
    UNPROCESSABLE,
    UNAUTHORIZED,
];

/// One row: the route (as the router lists it), the path called, the body, and the status
/// for [volunteer, lead A, lead B, admin A, revoked].
struct Row {
    route: (&'static str, Method),
    path: String,
    body: Option<Value>,
    want: [u16; 5],
}

fn row(
    route: &'static str,
    method: Method,
    path: impl Into<String>,
    body: Option<Value>,
    want: [u16; 5],
) -> Row {
    Row {
        route: (route, method),
        path: path.into(),
        body,
        want,
    }
}

/// A row whose path is the route itself (no id in it).
fn plain(route: &'static str, method: Method, body: Option<Value>, want: [u16; 5]) -> Row {
    row(route, method, route, body, want)
}

#[tokio::test]
async fn every_route_answers_each_caller_as_the_table_says_and_a_refusal_changes_nothing() {
    use groundgame_core::paths::*;
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
    let job = uuid::Uuid::now_v7();
    h.store
        .start_import_job(
            &NewImportJob {
                id: job,
                campaign: h.campaign,
                file_name: "campaign-a-voters.csv".into(),
                format: "van".into(),
                total_bytes: 10,
            },
            NOW,
        )
        .expect("an import of campaign A");
    // Two records held for campaign A's leads: Hal, taken off turf A, added people there.
    let hal = h.volunteer_on(h.turf_a, "Hal").await;
    h.store
        .set_assignees_at(h.turf_a, &[volunteer.reg.volunteer], NOW)
        .expect("Hal leaves turf A");
    let held: Vec<String> = {
        let door = h.households_of(h.turf_a)[0];
        let mut ids = Vec::new();
        for name in ["Hana", "Hugo"] {
            let e = super::harness::event_at(
                NOW - 1_000,
                door,
                Some(groundgame_core::PersonId::new_v7()),
                groundgame_core::EventBody::PersonAdded {
                    first_name: name.into(),
                    last_name: "Held".into(),
                    language: None,
                    phone: None,
                },
            );
            ids.push(e.id.to_string());
            h.push(&hal, &[e]).await;
        }
        ids
    };
    assert_eq!(h.store.held_records(h.campaign).expect("held").len(), 2);
    // A number Hal's call put on campaign A's do-not-call list, for its leads to undo.
    h.imported_household(
        "Birch St",
        "1",
        "P9",
        &[("B1", Some("+19195550777"), "active")],
    );
    let calls = h
        .store
        .create_call_list(
            h.campaign,
            "Birch calls",
            &crate::store::CallListFilter {
                precincts: vec!["P9".into()],
                script: None,
            },
        )
        .expect("call list")
        .id;
    h.store
        .set_call_list_callers(calls, &[hal.reg.volunteer], NOW)
        .expect("Hal calls it");
    let contact: groundgame_core::protocol::calls::ClaimResponse = h
        .post_ok(
            &CALL_LIST_CLAIM_PATH.replace("{id}", &calls.0.to_string()),
            &hal.token,
            json!({"count": 1}),
        )
        .await;
    let c = &contact.contacts[0];
    let dnc = super::harness::event_at(
        NOW - 500,
        c.household,
        Some(c.person),
        groundgame_core::EventBody::DoNotContact {
            channel: groundgame_core::event::Channel::Phone,
        },
    );
    h.push(&hal, &[dnc]).await;
    let addition = h
        .store
        .do_not_call_additions(h.campaign)
        .expect("additions")[0]
        .id;
    let at = |template: &str, id: i64| template.replace("{id}", &id.to_string());
    let nobody = json!({
        "protocol": PROTOCOL_VERSION,
        "invite_code": "NOPE-NOPE-NOPE",
        "volunteer_name": "Nobody",
        "device_name": "test",
        "app_version": "test"
    });
    use Method as M;

    let table: Vec<Row> = vec![
        // Public: the same for everyone, token or not.
        plain(HEALTH_PATH, M::GET, None, [OK; 5]),
        plain(OPENAPI_PATH, M::GET, None, [OK; 5]),
        plain(REGISTER_PATH, M::POST, Some(nobody), [FORBIDDEN; 5]),
        // Any device, about itself and its own scope.
        plain(
            PUSH_PATH,
            M::POST,
            Some(json!({"protocol": PROTOCOL_VERSION, "events": [], "pending": 0})),
            [OK, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            PULL_PATH,
            M::POST,
            Some(json!({"protocol": PROTOCOL_VERSION, "scopes": []})),
            [OK, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            NETWORK_PUSH_PATH,
            M::POST,
            Some(json!({"protocol": PROTOCOL_VERSION, "records": []})),
            [OK, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            NETWORK_PULL_PATH,
            M::POST,
            Some(json!({"protocol": PROTOCOL_VERSION, "cursor": 0})),
            [OK, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            NETWORK_SUMMARY_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            MY_CALL_LISTS_PATH,
            M::GET,
            None,
            [OK, OK, OK, OK, UNAUTHORIZED],
        ),
        // Any registered device may make a code for its own volunteer's other device.
        plain(
            DEVICE_LINK_PATH,
            M::POST,
            None,
            [CREATED, CREATED, CREATED, CREATED, UNAUTHORIZED],
        ),
        // A call list of campaign A: its callers (none here) and its leads claim and release.
        row(
            CALL_LIST_CLAIM_PATH,
            M::POST,
            at(CALL_LIST_CLAIM_PATH, list),
            Some(json!({"count": 5})),
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            CALL_LIST_RELEASE_PATH,
            M::POST,
            at(CALL_LIST_RELEASE_PATH, list),
            Some(json!({"people": []})),
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            CALL_LIST_PROGRESS_PATH,
            M::GET,
            at(CALL_LIST_PROGRESS_PATH, list),
            None,
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            CALL_LIST_ASSIGNEES_PATH,
            M::PUT,
            at(CALL_LIST_ASSIGNEES_PATH, list),
            Some(json!({"volunteers": [vol]})),
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        // The lead's tools, aimed at something of campaign A.
        row(
            TURF_ASSIGNEES_PATH,
            M::PUT,
            at(TURF_ASSIGNEES_PATH, turf),
            Some(json!({"volunteers": [volunteer.reg.volunteer]})),
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            DEVICE_REVOKE_PATH,
            M::POST,
            at(DEVICE_REVOKE_PATH, device),
            None,
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            VOLUNTEER_QUARANTINE_PATH,
            M::POST,
            at(VOLUNTEER_QUARANTINE_PATH, vol),
            None,
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            VOLUNTEER_RELEASE_PATH,
            M::POST,
            at(VOLUNTEER_RELEASE_PATH, vol),
            None,
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            IMPORT_PATH,
            M::GET,
            format!("/api/v1/imports/{job}"),
            None,
            [FORBIDDEN, OK, NOT_FOUND, OK, UNAUTHORIZED],
        ),
        row(
            IMPORT_REPORT_PATH,
            M::GET,
            format!("/api/v1/imports/{job}/report"),
            None,
            [FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHORIZED],
        ),
        // The lead's tools, about the caller's own campaign.
        plain(
            TURFS_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            VOLUNTEERS_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            TURFS_CUT_PATH,
            M::POST,
            Some(json!({"by": "street", "doors": 50})),
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            CALL_LISTS_PATH,
            M::POST,
            Some(json!({"name": "Evening calls"})),
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            CALL_LISTS_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            INVITES_PATH,
            M::POST,
            Some(json!({"role": "volunteer", "uses": 5, "days": 7})),
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            INVITES_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            OLD_ASSIGNMENTS_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            PROGRESS_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            DO_NOT_CALL_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        // Lead A takes it back; lead B gets an unknown id's 404; the admin finds it undone.
        row(
            DO_NOT_CALL_UNDO_PATH,
            M::POST,
            at(DO_NOT_CALL_UNDO_PATH, addition),
            None,
            [FORBIDDEN, OK, NOT_FOUND, UNPROCESSABLE, UNAUTHORIZED],
        ),
        plain(
            HELD_RECORDS_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        // Lead A decides; lead B gets an unknown id's 404; the admin finds it decided.
        row(
            HELD_RECORD_ACCEPT_PATH,
            M::POST,
            HELD_RECORD_ACCEPT_PATH.replace("{id}", &held[0]),
            None,
            [FORBIDDEN, OK, NOT_FOUND, UNPROCESSABLE, UNAUTHORIZED],
        ),
        row(
            HELD_RECORD_DISMISS_PATH,
            M::POST,
            HELD_RECORD_DISMISS_PATH.replace("{id}", &held[1]),
            None,
            [FORBIDDEN, OK, NOT_FOUND, UNPROCESSABLE, UNAUTHORIZED],
        ),
        plain(
            EXPORT_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        plain(
            SCRIPTS_PATH,
            M::GET,
            None,
            [FORBIDDEN, OK, OK, OK, UNAUTHORIZED],
        ),
        // Past the authorization, a JSON string is no script, voter file or geocoding file
        // (refused, nothing changed).
        plain(SCRIPTS_PATH, M::POST, Some(json!("x")), NOT_A_FILE),
        plain(
            IMPORTS_PATH,
            M::POST,
            Some(json!("x")),
            [
                FORBIDDEN,
                BAD_REQUEST,
                BAD_REQUEST,
                BAD_REQUEST,
                UNAUTHORIZED,
            ],
        ),
        plain(GEOCODE_PATH, M::POST, Some(json!("x")), NOT_A_FILE),
        // A JSON string is no map extract; with no map loaded, nobody can be placed.
        plain(STREETS_PATH, M::POST, Some(json!("x")), NOT_A_FILE),
        plain(GEOCODE_STREETS_PATH, M::POST, None, NOT_A_FILE),
    ];

    // Every route the router serves has a row, and every row is a route it serves.
    let listed: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(path, method)| (path.to_string(), method.to_uppercase()))
        .collect();
    let rows: Vec<(String, String)> = table
        .iter()
        .map(|r| (r.route.0.to_string(), r.route.1.to_string()))
        .collect();
    let missing: Vec<_> = listed.iter().filter(|r| !rows.contains(r)).collect();
    let extra: Vec<_> = rows.iter().filter(|r| !listed.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the table: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "rows for routes the router does not serve: {extra:?}"
    );

    // What of campaign A's the volunteer (turf A only) and lead B must never be shown.
    let secret_of_a_from_b = [
        "Test campaign",
        "Oak St",
        "Elm St",
        "Ana",
        "Tom",
        "Lee",
        "Ada",
        "Rex",
        "Calls A",
        "campaign-a-voters",
        "Hal",
        "Hana",
        "Hugo",
        "Birch",
        "0777",
    ];
    let secret_from_the_volunteer = ["Elm St", "Pine St", "Other campaign", "Hugo"];

    let tables = h.digest();
    assert!(
        tables.len() >= 20 && tables.values().any(|rows| !rows.is_empty()),
        "the digest sees every table: {:?}",
        tables.keys()
    );
    let mut wrong = Vec::new();
    for Row {
        route,
        path,
        body,
        want,
    } in &table
    {
        let method = &route.1;
        for (caller, want) in CALLERS.iter().zip(want) {
            let token = match caller {
                Caller::Volunteer => &volunteer.token,
                Caller::LeadA => &lead_a.token,
                Caller::LeadB => &lead_b.token,
                Caller::AdminA => &admin.token,
                Caller::Revoked => &revoked.token,
            };
            let before = h.digest();
            let r = h
                .call(method.clone(), path, Some(token), body.clone())
                .await;
            let after = h.digest();
            let text = String::from_utf8_lossy(&r.body);
            if r.status != StatusCode::from_u16(*want).expect("status") {
                wrong.push(format!(
                    "{method} {path} as {caller:?}: got {}, want {want}: {text}",
                    r.status
                ));
                continue;
            }
            if !r.status.is_success() {
                // A refusal writes nothing (in process there is no client address, so a
                // refused registration is not counted against one either).
                let changed = Location::changed(&before, &after);
                if !changed.is_empty() {
                    wrong.push(format!(
                        "{method} {path} as {caller:?} was refused ({}) but changed {changed:?}",
                        r.status
                    ));
                }
            }
            if r.status.is_success() {
                let secrets: &[&str] = match caller {
                    Caller::LeadB => &secret_of_a_from_b,
                    Caller::Volunteer => &secret_from_the_volunteer,
                    _ => &[],
                };
                // The OpenAPI document is the same for everyone and names no one.
                let leaked: Vec<_> = secrets
                    .iter()
                    .filter(|s| route.0 != OPENAPI_PATH && text.contains(*s))
                    .collect();
                if !leaked.is_empty() {
                    wrong.push(format!(
                        "{method} {path} as {caller:?} answered with {leaked:?}: {text}"
                    ));
                }
            }
        }
    }
    // Lead B's 404 about A's ids is the very answer for an id that does not exist.
    for Row {
        route,
        path,
        body,
        want,
    } in &table
    {
        if want[2] != NOT_FOUND {
            continue;
        }
        let nobody = route.0.replace("{id}", "999999");
        let nobody = if route.0.contains("{id}") {
            nobody
        } else {
            continue;
        };
        let a = h
            .call(route.1.clone(), path, Some(&lead_b.token), body.clone())
            .await;
        let b = h
            .call(route.1.clone(), &nobody, Some(&lead_b.token), body.clone())
            .await;
        if (a.status, &a.body) != (b.status, &b.body) {
            wrong.push(format!(
                "{} {path} as LeadB differs from an unknown id: {} {} against {} {}",
                route.1,
                a.status,
                String::from_utf8_lossy(&a.body),
                b.status,
                String::from_utf8_lossy(&b.body)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
