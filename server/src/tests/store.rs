//! Store-level behaviour: walking order, and the demo seed being deterministic and fast.

use groundgame_core::TurfId;

use super::harness::Harness;
use crate::demo::{self, DemoOptions};
use crate::store::sqlite::{households, people};
use crate::{NewHousehold, SqliteStore};

fn door(street: &str, number: &str, unit: &str) -> (NewHousehold, Vec<crate::NewPerson>) {
    (
        NewHousehold {
            street: street.into(),
            number: number.into(),
            unit: unit.into(),
            ..NewHousehold::default()
        },
        Vec::new(),
    )
}

#[test]
fn households_are_numbered_in_walking_order() {
    let h = Harness::new();
    let turf = h.store.create_turf(h.campaign, "Walk").expect("turf");
    h.store
        .add_households(
            turf,
            vec![
                door("Oak St", "4", ""),
                door("Oak St", "3", ""),
                door("Elm St", "9", ""),
            ],
        )
        .expect("add");
    h.store
        .add_households(
            turf,
            vec![
                door("Oak St", "1", ""),
                door("Oak St", "3", "201"),
                door("Oak St", "3", "101"),
            ],
        )
        .expect("add");
    let mut hs = h
        .sqlite()
        .read(|tx| households::page(tx, turf, 0, i64::MAX))
        .expect("read");
    hs.sort_by_key(|h| h.walk_order);
    let got: Vec<String> = hs
        .iter()
        .map(|h| {
            format!("{} {} {}", h.street, h.number, h.unit)
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(
        got,
        [
            "Elm St 9",
            "Oak St 1",
            "Oak St 3",
            "Oak St 3 201",
            "Oak St 3 101",
            "Oak St 4"
        ]
    );
    assert_eq!(
        hs.iter().map(|h| h.walk_order).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
}

fn snapshot(store: &SqliteStore, turf: TurfId) -> (Vec<String>, Vec<String>) {
    store
        .read(|tx| {
            let hs = households::page(tx, turf, 0, i64::MAX)?
                .iter()
                .map(|h| format!("{} {} {} {:?}", h.street, h.number, h.unit, h.lat))
                .collect();
            let ps = people::page(tx, turf, 0, i64::MAX)?
                .iter()
                .map(|p| {
                    format!(
                        "{} {} {} {:?} {:?}",
                        p.id, p.first_name, p.last_name, p.phone, p.language
                    )
                })
                .collect();
            Ok((hs, ps))
        })
        .expect("read")
}

#[test]
fn the_demo_is_deterministic_from_its_seed() {
    let dir = tempfile::tempdir().expect("dir");
    let opts = DemoOptions {
        seed: 7,
        voters: 3000,
        turfs: 4,
    };
    let a = SqliteStore::open(&dir.path().join("a.sqlite")).expect("open");
    let b = SqliteStore::open(&dir.path().join("b.sqlite")).expect("open");
    let made_a = demo::seed(&a, &opts).expect("seed");
    let made_b = demo::seed(&b, &opts).expect("seed");
    assert_eq!(made_a.turfs.len(), 4);
    assert_ne!(
        made_a.volunteer_invite, made_b.volunteer_invite,
        "invite codes are random"
    );
    let mut voters = 0;
    for turf in &made_a.turfs {
        let (hs, ps) = snapshot(&a, *turf);
        assert_eq!((hs.clone(), ps.clone()), snapshot(&b, *turf));
        assert!(!hs.is_empty());
        voters += ps.len();
    }
    assert_eq!(voters, 3000);
    let (_, ps) = snapshot(&a, made_a.turfs[0]);
    assert!(ps.iter().any(|p| p.contains("Some(\"es\")")));
    assert!(ps.iter().any(|p| p.contains("Some(\"+1")));
    let config = a.campaign_config(made_a.campaign).expect("config");
    assert!(config.door_script().is_some(), "the demo has a door script");
    let list = made_a.call_list.expect("the demo has a call list");
    assert!(!a.call_list_members(list).expect("members").is_empty());
}
