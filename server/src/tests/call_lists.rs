//! Call lists: voters with a valid phone, minus removed voters and do-not-call numbers,
//! one entry per number, filtered by precinct, in a stable calling order.

use super::harness::Harness;
use crate::store::CallListFilter;
use crate::StoreError;

#[tokio::test]
async fn a_list_takes_callable_voters_once_per_number() {
    let h = Harness::new();
    h.imported_household(
        "Oak St",
        "1",
        "P1",
        &[
            ("Adams", Some("+19195550101"), "active"),
            // Same landline as Adams: one call reaches the household.
            ("Baker", Some("+19195550101"), "active"),
            ("Clark", None, "active"),
        ],
    );
    h.imported_household(
        "Oak St",
        "2",
        "P1",
        &[
            ("Davis", Some("+19195550102"), "inactive"),
            ("Evans", Some("+19195550103"), "removed"),
            ("Fox", Some("+19195550104"), "active"),
        ],
    );
    h.imported_household(
        "Elm St",
        "3",
        "P2",
        &[("Gray", Some("+19195550105"), "active")],
    );
    h.store
        .add_do_not_call(h.campaign, "+19195550104")
        .expect("dnc");

    let report = h
        .store
        .create_call_list(
            h.campaign,
            "Precinct 1",
            &CallListFilter {
                precincts: vec!["P1".into()],
                script: None,
            },
        )
        .expect("list");
    assert_eq!(
        (
            report.members,
            report.without_phone,
            report.do_not_call,
            report.shared_phone
        ),
        (2, 1, 1, 1)
    );
    let phones: Vec<String> = h
        .store
        .call_list_members(report.id)
        .expect("members")
        .into_iter()
        .map(|m| m.phone)
        .collect();
    assert_eq!(
        phones,
        vec!["+19195550101", "+19195550102"],
        "Adams, then Davis"
    );

    let all = h
        .store
        .create_call_list(h.campaign, "Everyone", &CallListFilter::default())
        .expect("list");
    assert_eq!(all.members, 3, "P2's Gray joins");
}

#[tokio::test]
async fn a_list_naming_an_unknown_script_is_refused_and_not_made() {
    let h = Harness::new();
    h.imported_household(
        "Oak St",
        "1",
        "P1",
        &[("Adams", Some("+19195550101"), "active")],
    );
    let err = h
        .store
        .create_call_list(
            h.campaign,
            "Calls",
            &CallListFilter {
                precincts: vec![],
                script: Some("nope".into()),
            },
        )
        .expect_err("no such script");
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("script")),
        "{err}"
    );
    let lists = h.rows_in("call_lists");
    assert_eq!(lists, 0);
}

#[tokio::test]
async fn a_malformed_do_not_call_number_is_refused() {
    let h = Harness::new();
    let err = h
        .store
        .add_do_not_call(h.campaign, "919-555-0101")
        .expect_err("not E.164");
    assert!(err.to_string().contains("+19195550123"), "{err}");
}
