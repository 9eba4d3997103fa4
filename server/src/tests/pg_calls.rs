//! Phone banking, scripts and my network through the store boundary: the same scenarios on
//! the embedded SQLite store and on PostgreSQL (a fresh database per test in the cluster
//! named by `GROUNDGAME_TEST_POSTGRES`). Then the replica tests: several `PgStore`s on one
//! database claiming from two overlapping lists at once, from threads (no person and no
//! number is ever held by two devices), and a network push held open while another
//! replica pushes for the same volunteer and a device pulls (no record is ever skipped).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use groundgame_core::event::Channel;
use groundgame_core::network::{
    fold, NetworkBody, NetworkContactId, NetworkRecord, NetworkRecordId,
};
use groundgame_core::protocol::{codes, PullRequest, PushOutcome, PushRequest, PROTOCOL_VERSION};
use groundgame_core::{
    CallListId, CampaignId, Event, EventBody, EventId, Hlc, PersonId, Role, VolunteerId,
};

use super::both::each_backend;
use super::harness::NOW;
use crate::http::auth::{new_token, AuthDevice};
use crate::store::postgres::ScratchDb;
use crate::store::sqlite::claims::{
    claim_lease_ms, CALL_BACK_DELAY_MS, CALL_BACK_HOLD_MS, LATER_ROUND_DELAY_MS,
};
use crate::store::{
    CallListFilter, ClaimedContact, NetworkOwner, PgStore, SavedScript, ScriptListItem, Store,
    StoreError,
};
use crate::{NewHousehold, NewPerson};

fn join(store: &dyn Store, campaign: CampaignId, role: Role, name: &str) -> AuthDevice {
    let code = store
        .create_invite(campaign, role, 1, NOW + 86_400_000)
        .expect("invite");
    let (_, hash) = new_token();
    let reg = store
        .register_device(&code, name, "phone", "1.0", &hash, NOW)
        .expect("register");
    AuthDevice {
        device: reg.device,
        volunteer: reg.volunteer,
        campaign: reg.campaign,
        role: reg.role,
        last_seen_at: NOW,
        registered_at: NOW,
    }
}

fn household(number: usize, people: Vec<NewPerson>) -> (NewHousehold, Vec<NewPerson>) {
    (
        NewHousehold {
            street: "Oak St".into(),
            number: number.to_string(),
            city: "Testville".into(),
            zip: "27999".into(),
            ..NewHousehold::default()
        },
        people,
    )
}

fn voter(source: &str, last_name: &str, phone: Option<&str>) -> NewPerson {
    NewPerson {
        source_id: source.into(),
        first_name: "F".into(),
        last_name: last_name.into(),
        phone: phone.map(str::to_string),
        ..NewPerson::default()
    }
}

/// `n` households of one voter each, with their own numbers, different for each campaign
/// (a claim holds its number server-wide).
fn voters(campaign: CampaignId, n: usize) -> Vec<(NewHousehold, Vec<NewPerson>)> {
    (0..n)
        .map(|i| {
            let phone = format!("+1919{:03}{:04}", campaign.0 % 1000, 1000 + i);
            household(
                i + 1,
                vec![voter(
                    &format!("V{i:03}"),
                    &format!("Voter{i:03}"),
                    Some(&phone),
                )],
            )
        })
        .collect()
}

/// A campaign of `n` voters on one list, a lead, and Ana and Ben calling the list.
struct Bank {
    campaign: CampaignId,
    list: CallListId,
    lead: AuthDevice,
    ana: AuthDevice,
    ben: AuthDevice,
}

fn bank(store: &dyn Store, n: usize) -> Bank {
    let campaign = store
        .create_campaign("Phone bank", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let turf = store.create_turf(campaign, "A").expect("turf");
    store
        .add_households(turf, voters(campaign, n))
        .expect("households");
    let list = store
        .create_call_list(campaign, "Everyone", &CallListFilter::default())
        .expect("list")
        .id;
    let lead = join(store, campaign, Role::Lead, "Lee");
    let ana = join(store, campaign, Role::Volunteer, "Ana");
    let ben = join(store, campaign, Role::Volunteer, "Ben");
    store
        .set_call_list_callers(list, &[ana.volunteer, ben.volunteer], NOW)
        .expect("callers");
    Bank {
        campaign,
        list,
        lead,
        ana,
        ben,
    }
}

fn claim(
    store: &dyn Store,
    b: &Bank,
    who: &AuthDevice,
    count: u32,
    now: u64,
) -> Vec<ClaimedContact> {
    store
        .claim_calls(b.list, b.campaign, who.device, count, now)
        .expect("claim")
}

fn phones(contacts: &[ClaimedContact]) -> Vec<String> {
    contacts.iter().map(|c| c.phone.clone()).collect()
}

fn push(store: &dyn Store, who: &AuthDevice, body: EventBody, c: &ClaimedContact, at: u64) {
    let e = Event {
        id: EventId::new_v7(),
        at: Hlc::new(at, 0),
        household: c.household,
        person: Some(c.person),
        body,
    };
    let out = store
        .push(
            who,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                events: vec![e],
                pending: 0,
            },
            None,
            at,
        )
        .expect("push")
        .results;
    assert_eq!(out, [PushOutcome::Accepted]);
}

fn phoned(store: &dyn Store, who: &AuthDevice, c: &ClaimedContact, result: &str, at: u64) {
    let body = EventBody::Contact {
        channel: Channel::Phone,
        result: result.into(),
        call_back_at: None,
    };
    push(store, who, body, c, at);
}

fn do_not_call_pulled(store: &dyn Store, who: &AuthDevice) -> Vec<String> {
    store
        .pull(
            who,
            &PullRequest {
                maps: false,
                protocol: PROTOCOL_VERSION,
                scopes: Vec::new(),
                limit: None,
            },
            NOW,
        )
        .expect("pull")
        .campaign
        .do_not_call
}

#[test]
fn a_call_list_takes_voters_with_a_phone_once_per_number_on_every_backend() {
    each_backend(|store| {
        let campaign = store
            .create_campaign("Lists", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let turf = store.create_turf(campaign, "A").expect("turf");
        store
            .add_households(
                turf,
                vec![
                    household(
                        1,
                        vec![
                            voter("S1", "Baker", Some("+19195550101")),
                            // Same landline as Baker, and after Baker in byte order (as
                            // SQLite sorts; a locale would put "adams" first).
                            voter("S2", "adams", Some("+19195550101")),
                            voter("S3", "Clark", None),
                        ],
                    ),
                    household(
                        2,
                        vec![
                            voter("S4", "Davis", Some("919-555-0102")),
                            voter("S5", "Evans", Some("+19195550103")),
                            voter("S6", "Fox", Some("+19195550104")),
                        ],
                    ),
                ],
            )
            .expect("households");
        store
            .add_do_not_call(campaign, "+19195550103")
            .expect("do not call");

        let report = store
            .create_call_list(campaign, " Evening ", &CallListFilter::default())
            .expect("list");
        assert_eq!(
            (
                report.members,
                report.without_phone,
                report.do_not_call,
                report.shared_phone
            ),
            (2, 2, 1, 1)
        );
        let members = store.call_list_members(report.id).expect("members");
        let listed: Vec<(u32, &str)> = members
            .iter()
            .map(|m| (m.position, m.phone.as_str()))
            .collect();
        assert_eq!(listed, [(1, "+19195550101"), (2, "+19195550104")]);

        let lead = join(store, campaign, Role::Lead, "Lee");
        let ana = join(store, campaign, Role::Volunteer, "Ana");
        let summaries = store.call_list_summaries(campaign).expect("summaries");
        assert_eq!(summaries.len(), 1);
        assert_eq!(
            (summaries[0].name.as_str(), summaries[0].members),
            ("Evening", 2)
        );
        assert!(summaries[0].callers.is_empty());
        assert!(!store
            .is_call_list_caller(report.id, ana.volunteer)
            .expect("caller"));
        assert_eq!(
            store
                .set_call_list_callers(report.id, &[ana.volunteer, ana.volunteer], NOW)
                .expect("callers"),
            [ana.volunteer]
        );
        assert!(store
            .is_call_list_caller(report.id, ana.volunteer)
            .expect("caller"));
        assert_eq!(
            store.call_list_summaries(campaign).expect("summaries")[0].callers,
            [ana.volunteer]
        );
        let b = Bank {
            campaign,
            list: report.id,
            lead,
            ana,
            ben: ana,
        };
        let called: Vec<String> = claim(store, &b, &b.ana, 10, NOW)
            .into_iter()
            .map(|c| c.last_name)
            .collect();
        assert_eq!(called, ["Baker", "Fox"], "calling order is byte order");

        // The lists a caller sees, and a lead; a list's campaign and script.
        let mine = store
            .call_lists_for(campaign, Some(ana.volunteer), NOW)
            .expect("mine");
        assert_eq!(mine.len(), 1);
        assert_eq!((mine[0].progress.total, mine[0].progress.claimed), (2, 2));
        assert!(store
            .call_lists_for(campaign, Some(b.lead.volunteer), NOW)
            .expect("lead's own")
            .is_empty());
        assert_eq!(
            store
                .call_lists_for(campaign, None, NOW)
                .expect("all")
                .len(),
            1
        );
        assert_eq!(
            store.call_list_campaign(report.id).expect("campaign"),
            Some(campaign)
        );
        assert_eq!(
            store.call_list_campaign(CallListId(9_999)).expect("none"),
            None
        );
        assert_eq!(store.call_list_script(report.id).expect("script"), None);

        // A precinct nobody lives in; an unknown script; a bad name; no such campaign.
        let empty = store
            .create_call_list(
                campaign,
                "Nobody",
                &CallListFilter {
                    precincts: vec!["P9".into()],
                    script: None,
                },
            )
            .expect("list");
        assert_eq!((empty.members, empty.without_phone), (0, 0));
        let unknown = store.create_call_list(
            campaign,
            "Scripted",
            &CallListFilter {
                precincts: Vec::new(),
                script: Some("nope".into()),
            },
        );
        assert!(
            matches!(&unknown, Err(StoreError::Invalid(m)) if m.contains("script")),
            "{unknown:?}"
        );
        assert!(matches!(
            store.create_call_list(campaign, "  ", &CallListFilter::default()),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.create_call_list(CampaignId(9_999), "X", &CallListFilter::default()),
            Err(StoreError::NotFound("campaign"))
        ));
        assert_eq!(
            store
                .call_list_summaries(campaign)
                .expect("summaries")
                .len(),
            2,
            "the refused lists were not made"
        );
        let script = crate::script_file::parse(CANVASS).expect("example script");
        store.save_script(campaign, &script).expect("script");
        let scripted = store
            .create_call_list(
                campaign,
                "Scripted",
                &CallListFilter {
                    precincts: vec![String::new()],
                    script: Some(script.key.clone()),
                },
            )
            .expect("list");
        assert_eq!(scripted.members, 2, "the households' precinct is empty");
        assert_eq!(
            store.call_list_script(scripted.id).expect("script"),
            Some(script.key)
        );

        // Callers must be the campaign's volunteers; the list must exist.
        assert!(matches!(
            store.set_call_list_callers(report.id, &[VolunteerId(9_999)], NOW),
            Err(StoreError::Invalid(m)) if m.contains("volunteers")
        ));
        assert!(matches!(
            store.set_call_list_callers(CallListId(9_999), &[], NOW),
            Err(StoreError::NotFound("call list"))
        ));
        assert!(store
            .set_call_list_callers(report.id, &[], NOW)
            .expect("none")
            .is_empty());
        assert!(store
            .call_lists_for(campaign, Some(ana.volunteer), NOW)
            .expect("mine")
            .is_empty());
    });
}

#[test]
fn claims_are_never_shared_renewed_first_released_and_run_out_on_every_backend() {
    each_backend(|store| {
        let b = bank(store, 6);
        let lease = claim_lease_ms();
        let a = claim(store, &b, &b.ana, 2, NOW);
        let bs = claim(store, &b, &b.ben, 3, NOW);
        assert_eq!((a.len(), bs.len()), (2, 3));
        assert!(
            phones(&a).iter().all(|p| !phones(&bs).contains(p)),
            "disjoint"
        );
        assert!(a.iter().all(|c| c.expires_at == NOW + lease && !c.retry));
        assert_eq!(
            a.iter().map(|c| c.position).collect::<Vec<_>>(),
            [1, 2],
            "in list order"
        );
        // Asking again hands back what Ana holds, renewed, before anything new.
        let again = claim(store, &b, &b.ana, 2, NOW + 1);
        assert_eq!(phones(&again), phones(&a));
        assert!(again.iter().all(|c| c.expires_at == NOW + 1 + lease));
        let p = store
            .call_progress(b.list, b.campaign, NOW + 1)
            .expect("progress");
        assert_eq!((p.total, p.claimed, p.fresh, p.left), (6, 5, 6, 6));

        // Ben gets his three and the one nobody holds.
        let more = claim(store, &b, &b.ben, 6, NOW + 2);
        assert_eq!(more.len(), 4);
        assert!(phones(&more).iter().all(|p| !phones(&a).contains(p)));
        // A release gives back only what this device holds.
        let released = store
            .release_calls(b.list, b.ben.device, &[more[3].person, a[0].person])
            .expect("release");
        assert_eq!(released, 1);
        let ana_now = claim(store, &b, &b.ana, 3, NOW + 3);
        assert_eq!(ana_now.len(), 3);
        assert_eq!(ana_now[2].person, more[3].person, "the released one");
        let p = store
            .call_progress(b.list, b.campaign, NOW + 3)
            .expect("progress");
        assert_eq!((p.claimed, p.left), (6, 6));

        // Ana goes offline: once her lease runs out, Ben may take hers.
        let later = NOW + 3 + lease;
        let after = claim(store, &b, &b.ben, 6, later);
        assert_eq!(after.len(), 6);
        assert!(
            claim(store, &b, &b.ana, 2, later).is_empty(),
            "Ben holds all"
        );
        let p = store
            .call_progress(b.list, b.campaign, later)
            .expect("progress");
        assert_eq!(p.claimed, 6);
        let _ = b.lead;
    });
}

#[test]
fn phone_results_move_contacts_through_the_rounds_on_every_backend() {
    each_backend(|store| {
        // Busy comes back in a later round, after the fresh ones; talked never.
        let b = bank(store, 2);
        let first = claim(store, &b, &b.ana, 1, NOW);
        phoned(store, &b.ana, &first[0], "busy", NOW);
        let second = claim(store, &b, &b.ana, 1, NOW + 1);
        assert_ne!(second[0].person, first[0].person, "fresh before a retry");
        assert!(!second[0].retry);
        phoned(store, &b.ana, &second[0], "talked", NOW + 1);
        assert!(
            claim(store, &b, &b.ana, 1, NOW + 2).is_empty(),
            "busy waits"
        );
        let p = store
            .call_progress(b.list, b.campaign, NOW + 2)
            .expect("progress");
        assert_eq!(
            (p.retired, p.later_round, p.fresh, p.claimed, p.left),
            (1, 1, 0, 0, 1)
        );
        let retry = claim(store, &b, &b.ana, 2, NOW + LATER_ROUND_DELAY_MS);
        assert_eq!(retry.len(), 1, "talked never comes back");
        assert_eq!(retry[0].person, first[0].person);
        assert!(retry[0].retry);

        // A call-back waits for its time, then for the caller who promised it...
        let b = bank(store, 1);
        let c = claim(store, &b, &b.ana, 1, NOW);
        phoned(store, &b.ana, &c[0], "call_back", NOW);
        let p = store
            .call_progress(b.list, b.campaign, NOW)
            .expect("progress");
        assert_eq!((p.call_backs, p.left), (1, 1));
        let due = NOW + CALL_BACK_DELAY_MS;
        assert!(claim(store, &b, &b.ana, 1, due - 1).is_empty(), "not yet");
        assert!(claim(store, &b, &b.ben, 1, due).is_empty(), "held for Ana");
        let back = claim(store, &b, &b.ana, 1, due);
        assert_eq!(back[0].person, c[0].person);
        assert!(back[0].retry);

        // ...and goes to anyone once the hold is over.
        let b = bank(store, 1);
        let c = claim(store, &b, &b.ana, 1, NOW);
        phoned(store, &b.ana, &c[0], "call_back", NOW);
        let held = due + CALL_BACK_HOLD_MS;
        assert!(
            claim(store, &b, &b.ben, 1, held - 1).is_empty(),
            "still held"
        );
        assert_eq!(claim(store, &b, &b.ben, 1, held)[0].person, c[0].person);
        assert!(claim(store, &b, &b.ana, 1, held).is_empty(), "Ben's now");
    });
}

#[test]
fn do_not_call_retires_a_number_on_every_list_and_reaches_devices_on_every_backend() {
    each_backend(|store| {
        let b = bank(store, 4);
        let other = store
            .create_call_list(b.campaign, "Everyone again", &CallListFilter::default())
            .expect("list")
            .id;
        let cat = join(store, b.campaign, Role::Volunteer, "Cat");
        store
            .set_call_list_callers(other, &[cat.volunteer], NOW)
            .expect("callers");

        let mine = claim(store, &b, &b.ana, 2, NOW);
        phoned(store, &b.ana, &mine[0], "do_not_call", NOW);
        let body = EventBody::DoNotContact {
            channel: Channel::Phone,
        };
        push(store, &b.ana, body, &mine[1], NOW);
        let mut gone = phones(&mine);
        gone.sort();

        let theirs = store
            .claim_calls(other, b.campaign, cat.device, 10, NOW + 1)
            .expect("claim");
        assert_eq!(theirs.len(), 2);
        assert!(phones(&theirs).iter().all(|p| !gone.contains(p)));
        let p = store
            .call_progress(other, b.campaign, NOW + 1)
            .expect("progress");
        assert_eq!((p.do_not_call, p.retired, p.left), (2, 0, 2));
        let p = store
            .call_progress(b.list, b.campaign, NOW + 1)
            .expect("progress");
        assert_eq!((p.do_not_call, p.claimed), (2, 0));

        assert_eq!(do_not_call_pulled(store, &cat), gone);
        assert_eq!(do_not_call_pulled(store, &b.ben), gone);
        assert!(
            do_not_call_pulled(store, &b.lead).is_empty(),
            "the lead calls no list"
        );
        // A new list leaves them out.
        let fresh = store
            .create_call_list(b.campaign, "Third", &CallListFilter::default())
            .expect("list");
        assert_eq!((fresh.members, fresh.do_not_call), (2, 2));
    });
}

const CANVASS: &str = include_str!("../../examples/scripts/canvass.toml");

#[test]
fn scripts_are_versioned_and_teach_the_campaign_their_questions_on_every_backend() {
    each_backend(|store| {
        let campaign = store
            .create_campaign("Scripts", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let first = crate::script_file::parse(CANVASS).expect("example");
        assert_eq!(
            store.save_script(campaign, &first).expect("save"),
            SavedScript {
                version: 1,
                created: true
            }
        );
        assert_eq!(
            store.save_script(campaign, &first).expect("save"),
            SavedScript {
                version: 1,
                created: false
            },
            "unchanged: nothing stored"
        );
        let mut second = first.clone();
        second.intro_en.push_str(" Thanks!");
        second.questions[2].choices.remove(1);
        assert_eq!(
            store.save_script(campaign, &second).expect("save"),
            SavedScript {
                version: 2,
                created: true
            }
        );
        let latest = store
            .latest_script(campaign, &first.key)
            .expect("read")
            .expect("stored");
        assert_eq!((latest.version, &latest.script), (2, &second));
        assert!(store
            .latest_script(campaign, "nope")
            .expect("read")
            .is_none());
        let mut other = first.clone();
        other.key = "a_first".into();
        store.save_script(campaign, &other).expect("save");
        assert_eq!(
            store.scripts(campaign).expect("list"),
            [
                ScriptListItem {
                    key: "a_first".into(),
                    latest_version: 1
                },
                ScriptListItem {
                    key: first.key.clone(),
                    latest_version: 2
                }
            ]
        );
        // The questions joined the campaign, keeping the choice version 2 dropped, and
        // devices receive the latest version of each script.
        let config = store.campaign_config(campaign).expect("config");
        let ride = config.question("plan_ride").expect("merged");
        let keys: Vec<&str> = ride.choices.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["has_ride", "needs_ride"]);
        let versions: Vec<(String, u32)> = config
            .scripts
            .iter()
            .map(|s| (s.script.key.clone(), s.version))
            .collect();
        assert!(versions.contains(&(first.key.clone(), 2)), "{versions:?}");

        let mut broken = first.clone();
        broken.questions[0].text_es.clear();
        let err = store.save_script(campaign, &broken).expect_err("invalid");
        assert!(err.to_string().contains("text_es"), "{err}");
        assert!(matches!(
            store.save_script(CampaignId(9_999), &first),
            Err(StoreError::NotFound("campaign"))
        ));
        assert_eq!(store.scripts(campaign).expect("list").len(), 2);
    });
}

fn rec(at_ms: u64, contact: NetworkContactId, body: NetworkBody) -> NetworkRecord {
    NetworkRecord {
        id: NetworkRecordId::new_v7(),
        at: Hlc::new(at_ms, 0),
        contact,
        body,
    }
}

fn saved(name: &str, phone: &str) -> NetworkBody {
    NetworkBody::ContactSaved {
        name: name.into(),
        phone: Some(phone.into()),
        email: None,
        relationship: groundgame_core::network::Relationship::Friend,
        note: String::new(),
    }
}

fn owner(who: &AuthDevice) -> NetworkOwner {
    NetworkOwner {
        device: who.device,
        volunteer: who.volunteer,
        campaign: who.campaign,
    }
}

fn outcome_codes(out: &[PushOutcome]) -> Vec<&str> {
    out.iter()
        .map(|o| match o {
            PushOutcome::Rejected { code, .. } => code.as_str(),
            PushOutcome::Accepted => "accepted",
            PushOutcome::Duplicate => "duplicate",
        })
        .collect()
}

/// Every record of the volunteer above `cursor`, `limit` at a time: (records, cursor).
fn pull_network(
    store: &dyn Store,
    volunteer: VolunteerId,
    mut cursor: u64,
    limit: u32,
) -> (Vec<NetworkRecord>, u64) {
    let mut got = Vec::new();
    for _ in 0..100 {
        let page = store
            .network_pull(volunteer, cursor, limit, Hlc::new(NOW, 0))
            .expect("pull");
        assert!(page.records.len() <= limit as usize);
        got.extend(page.records);
        cursor = page.cursor;
        if !page.has_more {
            return (got, cursor);
        }
    }
    panic!("the network pull never completed");
}

#[test]
fn my_network_is_idempotent_private_and_summed_on_every_backend() {
    let summaries = Mutex::new(Vec::new());
    each_backend(|store| {
        let campaign = store
            .create_campaign("Network", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let ana = join(store, campaign, Role::Volunteer, "Ana");
        let ben = join(store, campaign, Role::Volunteer, "Ben");
        let rosa = NetworkContactId::new_v7();
        let tom = NetworkContactId::new_v7();
        let records = vec![
            rec(NOW - 5000, rosa, saved("Rosa Quintanilla", "+19195550181")),
            rec(NOW - 4000, tom, saved("Tomasz Wierzbicki", "+19195550182")),
            rec(
                NOW - 3000,
                rosa,
                NetworkBody::AskAnswered {
                    ask: groundgame_core::event::AskKind::Donate,
                    answer: groundgame_core::event::AskAnswer::Yes,
                    amount_promised_cents: Some(5000),
                    follow_up_on: None,
                },
            ),
            rec(
                NOW - 2000,
                rosa,
                NetworkBody::GiftReceived { amount_cents: 2500 },
            ),
        ];
        let first = store
            .network_push(owner(&ana), &records, NOW)
            .expect("push");
        assert!(
            first.iter().all(|o| *o == PushOutcome::Accepted),
            "{first:?}"
        );
        let again = store
            .network_push(owner(&ana), &records, NOW)
            .expect("push");
        assert!(
            again.iter().all(|o| *o == PushOutcome::Duplicate),
            "{again:?}"
        );

        // A reused id (also by another volunteer), a bad phone, an impossible time, the
        // same new record twice in one push, and a clock ten minutes ahead (clamped).
        let mut reused = records[0].clone();
        reused.body = saved("Someone Else", "+19195550100");
        let bad_phone = rec(NOW, rosa, saved("Rosa", "919-555-0181"));
        let ancient = rec(1_000, rosa, NetworkBody::ContactRemoved);
        let twice = rec(
            NOW - 1000,
            tom,
            NetworkBody::GiftReceived { amount_cents: 100 },
        );
        let ahead = rec(NOW + 10 * 60 * 1000, tom, NetworkBody::ContactRemoved);
        let out = store
            .network_push(
                owner(&ana),
                &[
                    reused,
                    bad_phone,
                    ancient,
                    twice.clone(),
                    twice.clone(),
                    ahead.clone(),
                ],
                NOW,
            )
            .expect("push");
        assert_eq!(
            outcome_codes(&out),
            [
                codes::ID_REUSED,
                codes::INVALID_VALUE,
                codes::BAD_TIMESTAMP,
                "accepted",
                "duplicate",
                "accepted"
            ]
        );
        let stolen = store
            .network_push(owner(&ben), &records[..1], NOW)
            .expect("push");
        assert_eq!(outcome_codes(&stolen), [codes::ID_REUSED]);

        // Ana pulls her own records, in order, a page at a time; Ben has none.
        let (got, cursor) = pull_network(store, ana.volunteer, 0, 2);
        assert_eq!(got.len(), 6);
        assert_eq!(&got[..4], &records[..]);
        assert_eq!(got[4], twice);
        assert_eq!(got[5].id, ahead.id);
        assert!(
            got[5].at < ahead.at && got[5].at.ms() >= NOW,
            "a clock far ahead takes the server's time"
        );
        let (none, same) = pull_network(store, ana.volunteer, cursor, 2);
        assert!(none.is_empty());
        assert_eq!(same, cursor, "nothing new: the cursor stays");
        assert!(pull_network(store, ben.volunteer, 0, 10).0.is_empty());
        // A later push lands after the cursor.
        let late = rec(NOW, rosa, NetworkBody::GiftReceived { amount_cents: 700 });
        store
            .network_push(owner(&ben), std::slice::from_ref(&late), NOW)
            .expect("push");
        assert_eq!(pull_network(store, ben.volunteer, 0, 10).0, [late]);

        let summary = store.network_summary(campaign, NOW).expect("summary");
        assert_eq!(
            summary.today.to_string(),
            "2027-01-15",
            "the campaign's today (UTC)"
        );
        assert_eq!(summary.volunteers.len(), 2);
        assert_eq!(
            summary
                .volunteers
                .iter()
                .map(|v| v.volunteer)
                .collect::<Vec<_>>(),
            [ana.volunteer, ben.volunteer]
        );
        // The phones' own fold over what each pulls gives the same lines.
        for line in &summary.volunteers {
            let (theirs, _) = pull_network(store, line.volunteer, 0, 500);
            assert_eq!(line.totals, fold(&theirs).totals(summary.today));
        }
        assert_eq!(summary.totals.promised_cents, 5000);
        assert_eq!(
            summary.totals.given_cents, 2500,
            "a removed contact's gift is out"
        );
        summaries.lock().expect("summaries").push(summary.totals);
    });
    let summaries = summaries.into_inner().expect("summaries");
    assert_eq!(
        summaries[0], summaries[1],
        "the same totals on both backends"
    );
}

/// Several replicas on one database, devices on two lists that share every person (and
/// one number held by a different person on each), all claiming at once from threads:
/// no person and no number is ever handed to two devices, and all of them are handed out.
#[test]
fn replicas_claiming_at_once_never_hand_out_one_contact_twice() {
    let db = ScratchDb::for_tests();
    let replicas: Vec<Arc<dyn Store>> = (0..3)
        .map(|_| Arc::new(PgStore::connect(&db.url).expect("replica")) as Arc<dyn Store>)
        .collect();
    let store = replicas[0].as_ref();
    let campaign = store
        .create_campaign("Crowded", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let turf = store.create_turf(campaign, "A").expect("turf");
    store
        .add_households(turf, voters(campaign, 120))
        .expect("households");
    let first = store
        .create_call_list(campaign, "First", &CallListFilter::default())
        .expect("list")
        .id;
    // Someone moves in with Voter000's number and sorts before them: on the second list
    // the number is theirs, on the first it is Voter000's.
    store
        .add_households(
            turf,
            vec![household(
                999,
                vec![voter(
                    "NEW",
                    "Aaron",
                    Some(&format!("+1919{:03}1000", campaign.0 % 1000)),
                )],
            )],
        )
        .expect("household");
    let second = store
        .create_call_list(campaign, "Second", &CallListFilter::default())
        .expect("list")
        .id;
    let callers: Vec<(CallListId, AuthDevice)> = (0..8)
        .map(|i| {
            let list = if i % 2 == 0 { first } else { second };
            (
                list,
                join(store, campaign, Role::Volunteer, &format!("Caller {i}")),
            )
        })
        .collect();
    for list in [first, second] {
        let on: Vec<VolunteerId> = callers
            .iter()
            .filter(|(l, _)| *l == list)
            .map(|(_, d)| d.volunteer)
            .collect();
        store
            .set_call_list_callers(list, &on, NOW)
            .expect("callers");
    }

    let start = Arc::new(Barrier::new(callers.len()));
    let threads: Vec<_> = callers
        .iter()
        .enumerate()
        .map(|(i, (list, who))| {
            let (replica, start, list, device) = (
                replicas[i % replicas.len()].clone(),
                start.clone(),
                *list,
                who.device,
            );
            std::thread::spawn(move || {
                start.wait();
                let mut handed: Vec<ClaimedContact> = Vec::new();
                let mut held = 0;
                loop {
                    let want = (held as u32 + 3).min(50);
                    let got = replica
                        .claim_calls(list, campaign, device, want, NOW)
                        .expect("claim");
                    let fresh = got.len() > held;
                    held = got.len();
                    handed.extend(got);
                    if !fresh || held == 50 {
                        return handed;
                    }
                }
            })
        })
        .collect();
    let mut handed: Vec<Vec<ClaimedContact>> = threads
        .into_iter()
        .map(|t| t.join().expect("claimer"))
        .collect();
    // Whatever a lost race left over, one quiet claim each picks up.
    for ((list, who), got) in callers.iter().zip(&mut handed) {
        got.extend(
            store
                .claim_calls(*list, campaign, who.device, 50, NOW)
                .expect("claim"),
        );
    }

    // Nothing runs out or is released here, so whatever a device was ever handed it still
    // holds: no person and no number may appear on two devices.
    let mut person_holder: HashMap<PersonId, usize> = HashMap::new();
    let mut phone_holder: HashMap<String, usize> = HashMap::new();
    for (i, got) in handed.iter().enumerate() {
        for c in got {
            if let Some(other) = person_holder.insert(c.person, i).filter(|o| *o != i) {
                panic!("{:?} was handed to devices {other} and {i}", c.person);
            }
            if let Some(other) = phone_holder.insert(c.phone.clone(), i).filter(|o| *o != i) {
                panic!("{} was handed to devices {other} and {i}", c.phone);
            }
        }
    }
    let every_number: BTreeSet<String> = [first, second]
        .into_iter()
        .flat_map(|l| store.call_list_members(l).expect("members"))
        .map(|m| m.phone)
        .collect();
    let held_numbers: BTreeSet<String> = phone_holder.into_keys().collect();
    assert_eq!(held_numbers, every_number, "everyone was handed out");
    let claimed: u32 = [first, second]
        .into_iter()
        .map(|l| {
            store
                .call_progress(l, campaign, NOW)
                .expect("progress")
                .claimed
        })
        .sum();
    assert_eq!(claimed as usize, person_holder.len());
}

/// A network push for Ana held open on one connection (it has locked her row and inserted
/// its record, as `network_push` does, and not committed), while another replica pushes
/// for her and a device pulls: the second push waits for the first, so the pull taken in
/// between never moves its cursor past the open record. Without the volunteer lock the
/// second push would commit a higher `seq` first and the pull would skip the first record.
#[test]
fn a_network_pull_never_passes_a_record_that_commits_later_across_replicas() {
    let db = ScratchDb::for_tests();
    let r1: Arc<dyn Store> = Arc::new(PgStore::connect(&db.url).expect("replica 1"));
    let r2: Arc<dyn Store> = Arc::new(PgStore::connect(&db.url).expect("replica 2"));
    let campaign = r1
        .create_campaign("Network", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let ana = join(r1.as_ref(), campaign, Role::Volunteer, "Ana");
    let contact = NetworkContactId::new_v7();
    let first = rec(NOW - 3000, contact, saved("Rosa", "+19195550181"));
    r1.network_push(owner(&ana), std::slice::from_ref(&first), NOW)
        .expect("push");
    let (seen, cursor) = pull_network(r2.as_ref(), ana.volunteer, 0, 10);
    assert_eq!(seen, [first]);

    let slow = rec(
        NOW - 2000,
        contact,
        NetworkBody::GiftReceived { amount_cents: 100 },
    );
    let mut open = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let mut tx = open.transaction().expect("begin");
    tx.query_one(
        "SELECT 1 FROM volunteers WHERE id = $1 FOR NO KEY UPDATE",
        &[&ana.volunteer.0],
    )
    .expect("lock");
    tx.execute(
        "INSERT INTO network_records (id, campaign_id, volunteer_id, device_id, contact_id,
                                      at, device_at, kind, body, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)",
        &[
            &slow.id.0,
            &campaign.0,
            &ana.volunteer.0,
            &ana.device.0,
            &contact.0,
            &(slow.at.0 as i64),
            &slow.body.kind(),
            &serde_json::to_string(&slow.body).expect("json"),
            &(NOW as i64),
        ],
    )
    .expect("the slow record");

    let fast = rec(
        NOW - 1000,
        contact,
        NetworkBody::GiftReceived { amount_cents: 200 },
    );
    let pushing = {
        let (r2, who, fast) = (r2.clone(), owner(&ana), fast.clone());
        std::thread::spawn(move || r2.network_push(who, &[fast], NOW).expect("push"))
    };
    let mut watch = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    for _ in 0..200 {
        let waiting: i64 = watch
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
                &[],
            )
            .expect("activity")
            .get(0);
        if waiting > 0 || pushing.is_finished() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let (during, during_cursor) = pull_network(r2.as_ref(), ana.volunteer, cursor, 10);
    tx.commit().expect("the slow push commits");
    assert_eq!(pushing.join().expect("fast push"), [PushOutcome::Accepted]);
    let (after, _) = pull_network(r2.as_ref(), ana.volunteer, during_cursor, 10);
    let received: HashSet<NetworkRecordId> = during.iter().chain(&after).map(|r| r.id).collect();
    let missing: Vec<NetworkRecordId> = [slow.id, fast.id]
        .into_iter()
        .filter(|id| !received.contains(id))
        .collect();
    assert!(missing.is_empty(), "records skipped by a pull: {missing:?}");
}
