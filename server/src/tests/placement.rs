//! Placing imported (unplaced) households into turfs: the households and their active
//! people enter the new turf's feed in walking order, each person after its household;
//! removed people stay out; a bad plan places nothing.

use groundgame_core::HouseholdId;

use super::harness::Harness;
use crate::StoreError;

fn unplaced(h: &Harness, street: &str, number: &str, people: &[(&str, bool)]) -> HouseholdId {
    let voters: Vec<(&str, Option<&str>, &str)> = people
        .iter()
        .map(|(source, removed)| (*source, None, if *removed { "removed" } else { "active" }))
        .collect();
    h.imported_household(street, number, "", &voters)
}

#[tokio::test]
async fn placed_households_reach_the_new_turfs_walker_in_walking_order() {
    let h = Harness::new();
    let far = unplaced(&h, "Oak St", "30", &[("V1", false), ("V2", false)]);
    let near = unplaced(&h, "Oak St", "10", &[("V3", false), ("V4", true)]);
    let gone = unplaced(&h, "Elm St", "5", &[("V5", true)]);
    let waiting = h.store.unplaced_households(h.campaign).expect("unplaced");
    let ids: Vec<HouseholdId> = waiting.iter().map(|u| u.id).collect();
    assert_eq!(ids, vec![far, near]);
    assert!(
        !ids.contains(&gone),
        "a household of removed voters only is not walked"
    );

    let turfs = h
        .store
        .place_households(h.campaign, &[("Oak St".to_string(), vec![far, near])])
        .expect("place");
    assert_eq!(turfs.len(), 1);
    assert!(h
        .store
        .unplaced_households(h.campaign)
        .expect("unplaced")
        .is_empty());
    assert_eq!(
        h.households_of(turfs[0]),
        vec![near, far],
        "walking order by number"
    );

    let walker = h.volunteer_on(turfs[0], "Walker").await;
    let page = h.pull(&walker, &[(turfs[0], 0)], None).await;
    let scope = &page.scopes[0];
    let households: Vec<HouseholdId> = scope.households.iter().map(|x| x.id).collect();
    assert_eq!(households, vec![near, far]);
    let sources: Vec<&str> = scope.people.iter().map(|p| p.source_id.as_str()).collect();
    assert_eq!(
        sources.len(),
        3,
        "the removed voter is not sent: {sources:?}"
    );
    assert!(!sources.contains(&"V4"));
}

#[tokio::test]
async fn a_plan_with_an_already_placed_household_places_nothing() {
    let h = Harness::new();
    let one = unplaced(&h, "Oak St", "1", &[("V1", false)]);
    let two = unplaced(&h, "Oak St", "2", &[("V2", false)]);
    h.store
        .place_households(h.campaign, &[("First".to_string(), vec![one])])
        .expect("first cut");
    let before = h.store.turf_summaries(h.campaign).expect("turfs").len();
    let err = h
        .store
        .place_households(
            h.campaign,
            &[
                ("Second".to_string(), vec![two]),
                ("Third".to_string(), vec![one]),
            ],
        )
        .expect_err("one is placed already");
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("already")),
        "{err}"
    );
    assert_eq!(
        h.store.turf_summaries(h.campaign).expect("turfs").len(),
        before
    );
    assert_eq!(
        h.store
            .unplaced_households(h.campaign)
            .expect("unplaced")
            .len(),
        1,
        "household two is still waiting"
    );
}

#[tokio::test]
async fn households_of_another_campaign_cannot_be_placed() {
    let h = Harness::new();
    let mine = unplaced(&h, "Oak St", "1", &[("V1", false)]);
    let err = h
        .store
        .place_households(h.other_campaign, &[("Theirs".to_string(), vec![mine])])
        .expect_err("other campaign");
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
}

#[tokio::test]
async fn cutting_by_street_puts_every_waiting_household_in_exactly_one_turf() {
    use crate::ops::cut_turfs::cut_unplaced;
    use crate::turfs::cut::CutMode;

    let h = Harness::new();
    let mut made = Vec::new();
    for street in ["Oak St", "Elm St", "Ash Ave"] {
        for n in 1..=7 {
            let source = format!("{street}{n}");
            made.push(unplaced(&h, street, &n.to_string(), &[(&source, false)]));
        }
    }
    let outcome =
        cut_unplaced(h.store.as_ref(), h.campaign, CutMode::Street { doors: 5 }).expect("cut");
    assert!(outcome.without_coordinates.is_empty());
    let mut placed: Vec<HouseholdId> = Vec::new();
    for (turf, _name, size) in &outcome.turfs {
        assert!((1..=5).contains(size), "turf of {size} doors");
        let members = h.households_of(*turf);
        assert_eq!(members.len(), *size);
        placed.extend(members);
    }
    placed.sort();
    made.sort();
    assert_eq!(placed, made, "each household once");
    assert!(h
        .store
        .unplaced_households(h.campaign)
        .expect("unplaced")
        .is_empty());

    let again =
        cut_unplaced(h.store.as_ref(), h.campaign, CutMode::Street { doors: 5 }).expect("cut");
    assert!(again.turfs.is_empty(), "nothing left to cut");
}

#[tokio::test]
async fn an_area_cut_leaves_households_without_coordinates_waiting() {
    use crate::ops::cut_turfs::cut_unplaced;
    use crate::turfs::cut::CutMode;

    let h = Harness::new();
    let lost = unplaced(&h, "Oak St", "1", &[("V", false)]);
    let outcome =
        cut_unplaced(h.store.as_ref(), h.campaign, CutMode::Area { doors: 5 }).expect("cut");
    assert!(outcome.turfs.is_empty());
    assert_eq!(outcome.without_coordinates, vec![lost]);
    let waiting: Vec<HouseholdId> = h
        .store
        .unplaced_households(h.campaign)
        .expect("unplaced")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(waiting, vec![lost], "still waiting for coordinates");
}
