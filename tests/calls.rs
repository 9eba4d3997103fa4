//! A phone bank through the real `groundgame-server` binary (its claim lease shortened to
//! four seconds with `serve --claim-lease-ms`): two callers' devices on one list never
//! hold the same contact while both are online; one goes offline holding contacts, and
//! once its lease has run out the server hands them to the other; a do-not-call recorded
//! OFFLINE on the first device reaches the second at its next sync (the contact is gone
//! there) and the server never hands that number out again.

use std::collections::HashSet;
use std::time::Duration;

use groundgame::store::calls::HeldContact;
use groundgame::sync::HttpTransport;
use groundgame_core::event::Channel;
use groundgame_core::{CallListId, EventBody, PersonId};
use rand::SeedableRng;

use crate::support::process::{server_command, ServerProcess, TestDatabase};
use crate::support::transport::{FaultTransport, Faults};
use crate::support::{temp_dir, TestDevice};

const LEASE_MS: u64 = 4000;

type Caller = TestDevice<FaultTransport<HttpTransport>>;

fn value<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in:\n{output}"))
        .trim()
}

fn people(contacts: &[HeldContact]) -> HashSet<PersonId> {
    contacts.iter().map(|c| c.person).collect()
}

fn open(d: &Caller, list: CallListId) -> Vec<HeldContact> {
    d.store.open_calls(list).expect("open calls")
}

/// Record one call about `c` on `d`'s device (no network involved).
fn call(d: &Caller, list: CallListId, c: &HeldContact, result: &str) {
    d.store
        .record_call(
            list,
            c,
            vec![(
                Some(c.person),
                EventBody::Contact {
                    channel: Channel::Phone,
                    result: result.into(),
                    call_back_at: None,
                },
            )],
        )
        .expect("record the call");
}

/// A caller's device, and the switch that takes its connection away.
async fn caller(
    dir: &std::path::Path,
    name: &str,
    url: &str,
    invite: &str,
) -> (Caller, FaultTransport<HttpTransport>) {
    let transport = FaultTransport::new(
        HttpTransport::new(url).expect("transport"),
        rand::rngs::StdRng::seed_from_u64(1),
        Faults::NONE,
    );
    let signal = transport.clone();
    (
        TestDevice::join(dir, name, url, invite, transport).await,
        signal,
    )
}

fn assert_disjoint(a: &[HeldContact], b: &[HeldContact]) {
    let (pa, pb) = (people(a), people(b));
    assert!(pa.is_disjoint(&pb), "two devices hold the same contact");
    let phones: HashSet<&str> = a.iter().map(|c| c.phone.as_str()).collect();
    assert!(b.iter().all(|c| !phones.contains(c.phone.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_callers_share_a_list_leases_run_out_and_an_offline_do_not_call_reaches_everyone() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "campaign");
    let seeded = server_command(&[
        "demo",
        "--database",
        &db.arg,
        "--voters",
        "80",
        "--turfs",
        "2",
    ]);
    let list = CallListId(value(&seeded, "call list:").parse().expect("list id"));
    let volunteers = value(&seeded, "volunteer invite:").to_string();
    let leads = value(&seeded, "lead invite:").to_string();
    let lease = LEASE_MS.to_string();
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &["--claim-lease-ms", &lease]);

    let lead = TestDevice::join(
        dir.path(),
        "lead",
        &server.url,
        &leads,
        HttpTransport::new(&server.url).expect("transport"),
    )
    .await;
    let (ana, ana_signal) = caller(dir.path(), "ana", &server.url, &volunteers).await;
    let (ben, _) = caller(dir.path(), "ben", &server.url, &volunteers).await;
    lead.engine
        .api()
        .assign_call_list(list, &[ana.volunteer(), ben.volunteer()])
        .await
        .expect("assign the callers");

    // Both online: each opens the list and gets a buffer of ten; never the same one.
    for d in [&ana, &ben] {
        d.engine.sync_once().await.expect("sync");
        let lists = d.store.call_lists().expect("lists");
        assert_eq!(lists.len(), 1, "the list arrived");
        assert!(lists[0].info.total >= 30, "{:?}", lists[0].info);
        d.store.activate_call_list(list).expect("open the list");
        d.engine.sync_once().await.expect("sync");
    }
    let (a0, b0) = (open(&ana, list), open(&ben, list));
    assert_eq!((a0.len(), b0.len()), (10, 10));
    assert_disjoint(&a0, &b0);
    // A round of calls on each, synced: still never the same contact.
    call(&ana, list, &a0[0], "talked");
    call(&ben, list, &b0[0], "busy");
    for d in [&ana, &ben] {
        d.engine.sync_once().await.expect("sync");
    }
    let (a1, b1) = (open(&ana, list), open(&ben, list));
    assert_eq!((a1.len(), b1.len()), (10, 10), "the buffer was topped up");
    assert_disjoint(&a1, &b1);
    assert!(
        !people(&a1).contains(&a0[0].person),
        "a reached contact is gone"
    );

    // Ana loses her signal and keeps calling what she holds: a do-not-call, a no answer.
    ana_signal.set_offline(true);
    let dnc = ana.store.next_call(list).expect("next").expect("a contact");
    call(&ana, list, &dnc, "do_not_call");
    let second = ana.store.next_call(list).expect("next").expect("a contact");
    call(&ana, list, &second, "no_answer");
    assert!(ana.engine.sync_once().await.is_err(), "offline");
    assert_eq!(ana.store.pending_count().expect("pending"), 2);
    let ana_held: HashSet<PersonId> = people(&a1);

    // Her lease runs out on the server; Ben calls his own and is handed hers.
    tokio::time::sleep(Duration::from_millis(LEASE_MS + 500)).await;
    for c in open(&ben, list) {
        call(&ben, list, &c, "talked");
    }
    ben.engine.sync_once().await.expect("sync");
    let b2 = open(&ben, list);
    assert_eq!(
        people(&b2),
        ana_held,
        "the contacts Ana held offline went to Ben once her lease ran out"
    );
    assert!(
        people(&b2).contains(&dnc.person),
        "the server does not know yet"
    );

    // Ana is back: her calls are pushed, and what Ben holds now leaves her device.
    ana_signal.set_offline(false);
    ana.engine.sync_once().await.expect("sync");
    assert_eq!(ana.store.pending_count().expect("pending"), 0);
    let a3 = open(&ana, list);
    assert!(
        people(&a3).is_disjoint(&ana_held),
        "her old holds went to Ben"
    );

    // Ben's next sync brings the do-not-call: the contact is gone from his device.
    ben.engine.sync_once().await.expect("sync");
    let b3 = open(&ben, list);
    assert!(!people(&b3).contains(&dnc.person), "hidden at once");
    assert!(b3.iter().all(|c| c.phone != dnc.phone));
    let config = ben.store.campaign().expect("read").expect("campaign");
    assert!(config.do_not_call.contains(&dnc.phone));
    assert_disjoint(&open(&ana, list), &b3);

    // The server never hands that number out again: the lead calls the list to its end.
    lead.engine.sync_once().await.expect("sync");
    lead.store.activate_call_list(list).expect("open the list");
    let mut seen = HashSet::new();
    for _ in 0..20 {
        lead.engine.sync_once().await.expect("sync");
        let held = lead.store.open_calls(list).expect("open calls");
        if held.is_empty() {
            break;
        }
        for c in &held {
            assert_ne!(c.phone, dnc.phone, "a do-not-call number was handed out");
            seen.insert(c.person);
            lead.store
                .record_call(
                    list,
                    c,
                    vec![(
                        Some(c.person),
                        EventBody::Contact {
                            channel: Channel::Phone,
                            result: "talked".into(),
                            call_back_at: None,
                        },
                    )],
                )
                .expect("record");
        }
    }
    assert!(!seen.is_empty(), "the lead was handed the rest of the list");
    let ours = lead.store.call_list(list).expect("read").expect("the list");
    assert!(ours.exhausted, "the list ran out");
}
