//! Pulling: a new turf arrives in full across pages, each row once; unchanged turfs are
//! left out; a turf that leaves the scope is listed in `removed`; removed households come
//! as tombstones.

use std::collections::HashSet;

use groundgame_core::protocol::PullResponse;
use groundgame_core::{EventBody, HouseholdId, PersonId, TurfId};

use super::harness::{event_at, households, knock, Device, Harness, NOW};

fn unique<T: std::hash::Hash + Eq>(v: &[T]) -> usize {
    v.iter().collect::<HashSet<_>>().len()
}

/// Pull until `has_more` is false, checking that every page respects the limit and that
/// every row arrives with or after what it belongs to (applying a page's households, then
/// its people, then its events, as a device does).
async fn pull_all(
    h: &Harness,
    d: &Device,
    start: &[(TurfId, u64)],
    limit: u32,
) -> Vec<PullResponse> {
    let mut cursors: Vec<(TurfId, u64)> = start.to_vec();
    let mut known_households: HashSet<HouseholdId> = HashSet::new();
    let mut known_people: HashSet<PersonId> = HashSet::new();
    let mut pages = Vec::new();
    for _ in 0..1000 {
        let page = h.pull(d, &cursors, Some(limit)).await;
        let rows: usize = page
            .scopes
            .iter()
            .map(|s| {
                s.households.len()
                    + s.people.len()
                    + s.events.len()
                    + s.removed_households.len()
                    + s.removed_people.len()
            })
            .sum();
        assert!(rows <= limit as usize, "{rows} rows > limit {limit}");
        for s in &page.scopes {
            match cursors.iter_mut().find(|(t, _)| *t == s.turf.id) {
                Some((_, c)) => {
                    assert!(s.cursor >= *c, "cursor went backwards");
                    *c = s.cursor;
                }
                None => cursors.push((s.turf.id, s.cursor)),
            }
            known_households.extend(s.households.iter().map(|x| x.id));
            for p in &s.people {
                assert!(
                    known_households.contains(&p.household),
                    "person before household"
                );
                known_people.insert(p.id);
            }
            for e in &s.events {
                assert!(
                    known_households.contains(&e.household),
                    "event before household"
                );
                if let Some(p) = e.person {
                    assert!(known_people.contains(&p), "event before its person");
                }
            }
        }
        let more = page.has_more;
        pages.push(page);
        if !more {
            return pages;
        }
    }
    panic!("pull never finished");
}

#[tokio::test]
async fn a_new_turf_arrives_in_full_across_pages_with_no_row_twice() {
    let h = Harness::new();
    let writer = h.register(&h.lead_invite, "Lee").await;
    // Events on the Oak St doors, and a person added at one of them...
    let oak = h.households_of(h.turf_a);
    let newcomer = PersonId::new_v7();
    let mut events: Vec<_> = oak
        .iter()
        .map(|d| event_at(NOW, *d, None, knock("not_home")))
        .collect();
    events.push(event_at(
        NOW,
        oak[0],
        Some(newcomer),
        EventBody::PersonAdded {
            first_name: "Rosa".into(),
            last_name: String::new(),
            language: None,
            phone: None,
        },
    ));
    events.push(event_at(NOW, oak[0], Some(newcomer), knock("talked")));
    h.push(&writer, &events).await;
    // ...then Ash St is imported, which walks before Oak St: every Oak St door moves.
    h.store
        .add_households(h.turf_a, households("Ash St", 20, 3))
        .expect("more households");
    let doors = h.households_of(h.turf_a);
    let later: Vec<_> = doors
        .iter()
        .map(|d| event_at(NOW, *d, None, knock("not_home")))
        .collect();
    h.push(&writer, &later).await;
    events.extend(later);
    let v = h.volunteer_on(h.turf_a, "Ana").await;

    let pages = pull_all(&h, &v, &[], 7).await;
    assert!(pages.len() > 5);
    let (mut hs, mut ps, mut es) = (Vec::new(), Vec::new(), Vec::new());
    for page in &pages {
        assert!(page.removed.is_empty());
        for s in &page.scopes {
            assert_eq!(s.turf.id, h.turf_a);
            assert_eq!(s.household_total, 25);
            hs.extend(s.households.iter().map(|x| x.id));
            ps.extend(s.people.iter().map(|x| x.id));
            es.extend(s.events.iter().map(|x| x.id));
        }
    }
    // A new device gets every row exactly once, though the Oak St rows were moved.
    assert_eq!((hs.len(), unique(&hs)), (25, 25));
    assert_eq!((ps.len(), unique(&ps)), (5 * 2 + 1 + 20 * 3, 71));
    assert_eq!((es.len(), unique(&es)), (32, 32));
    let mut sent: Vec<_> = events.iter().map(|e| e.id).collect();
    sent.sort();
    es.sort();
    assert_eq!(es, sent);

    // Nothing new: the turf is left out, and nothing more is promised.
    let last = pages
        .iter()
        .rev()
        .find_map(|p| p.scopes.first())
        .expect("a page")
        .cursor;
    let again = h.pull(&v, &[(h.turf_a, last)], None).await;
    assert!(again.scopes.is_empty() && !again.has_more);
    assert_eq!(again.campaign.id, h.campaign);
}

#[tokio::test]
async fn a_new_empty_turf_still_appears_and_unassigned_turfs_are_removed() {
    let h = Harness::new();
    let empty = h.store.create_turf(h.campaign, "Empty").expect("turf");
    let v = h.volunteer_on(empty, "Ana").await;
    let page = h.pull(&v, &[], None).await;
    assert_eq!(page.scopes.len(), 1);
    assert_eq!(
        (
            page.scopes[0].turf.id,
            page.scopes[0].cursor,
            page.scopes[0].complete
        ),
        (empty, 0, true)
    );
    h.store.set_assignees(empty, &[]).expect("unassign");
    let page = h.pull(&v, &[(empty, 0), (TurfId(424_242), 3)], None).await;
    assert_eq!(page.removed, vec![empty, TurfId(424_242)]);
    assert!(page.scopes.is_empty());
}

#[tokio::test]
async fn removed_households_come_as_tombstones() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let first = h.pull(&v, &[], None).await;
    let cursor = first.scopes[0].cursor;
    let door = h.households_of(h.turf_a)[0];
    let person = h.person_at(door);
    h.store.remove_household(door).expect("remove");
    let page = h.pull(&v, &[(h.turf_a, cursor)], None).await;
    let s = &page.scopes[0];
    assert_eq!(s.removed_households, vec![door]);
    assert!(s.removed_people.contains(&person));
    assert_eq!(s.household_total, 4);
}

#[tokio::test]
async fn one_budget_is_shared_by_all_turfs_and_every_new_turf_is_announced() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    // Turf A has 15 rows, turf B 6: a limit of 10 fills on A, and B is only announced.
    let pages = pull_all(&h, &lead, &[], 10).await;
    let first = &pages[0];
    assert!(first.has_more);
    let a = first
        .scopes
        .iter()
        .find(|s| s.turf.id == h.turf_a)
        .expect("A");
    let b = first
        .scopes
        .iter()
        .find(|s| s.turf.id == h.turf_b)
        .expect("B announced");
    assert_eq!(a.households.len() + a.people.len(), 10);
    assert!(!a.complete && !b.complete);
    assert_eq!((b.cursor, b.households.len()), (0, 0));
    let total: usize = pages
        .iter()
        .flat_map(|p| &p.scopes)
        .map(|s| s.households.len() + s.people.len())
        .sum();
    assert_eq!(total, 15 + 6);
}

#[tokio::test]
async fn devices_receive_the_latest_version_of_each_script_with_the_config() {
    let h = Harness::new();
    let v = h.volunteer_on(h.turf_a, "Ana").await;
    let text = include_str!("../../examples/scripts/canvass.toml");
    let script = crate::script_file::parse(text).expect("example parses");
    let first = h.store.save_script(h.campaign, &script).expect("save");
    let mut changed = script.clone();
    changed.intro_en.push_str(" Thanks!");
    let second = h.store.save_script(h.campaign, &changed).expect("save");
    assert_eq!((first.version, second.version), (1, 2));

    let page = h.pull(&v, &[], None).await;
    let scripts = &page.campaign.scripts;
    assert_eq!(scripts.len(), 1, "one script, its latest version only");
    assert_eq!(scripts[0].version, 2);
    assert_eq!(scripts[0].script, changed);
    assert_eq!(
        page.campaign.door_script().map(|s| s.script.key.as_str()),
        Some(script.key.as_str())
    );
    // The script's questions are the campaign's, so answers to them are accepted.
    for q in script.survey_questions() {
        assert!(page.campaign.question(&q.key).is_some(), "{}", q.key);
    }
    // The stored config itself does not carry the scripts.
    let on_pg = h.on_postgres(|pg| {
        pg.query_one(
            "SELECT config FROM campaigns WHERE id = $1",
            &[&h.campaign.0],
        )
        .expect("config")
        .get(0)
    });
    let stored: String = match on_pg {
        Some(config) => config,
        None => h
            .sqlite()
            .read(|tx| {
                Ok(tx.query_row(
                    "SELECT config FROM campaigns WHERE id = ?1",
                    [h.campaign.0],
                    |r| r.get(0),
                )?)
            })
            .expect("config"),
    };
    let stored: groundgame_core::CampaignConfig = serde_json::from_str(&stored).expect("json");
    assert!(stored.scripts.is_empty());
}
