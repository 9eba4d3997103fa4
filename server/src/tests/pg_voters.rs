//! Campaign data in and out, alike on SQLite and PostgreSQL: real voter files imported with
//! `ops::import_file::import_file` through `&dyn Store` (first imports, re-imports with changes
//! and removals, a file nothing imports from, a file longer than several of PostgreSQL's
//! batches), map locations, cutting turfs and a device pulling them, and the results CSV
//! byte for byte. Each scenario runs on both backends (a fresh database per test in the
//! cluster named by `GROUNDGAME_TEST_POSTGRES`) and the two answers must be equal.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use groundgame_core::event::Channel;
use groundgame_core::protocol::PROTOCOL_VERSION;
use groundgame_core::protocol::{PullRequest, PushOutcome, PushRequest, ScopeCursor};
use groundgame_core::{
    CampaignId, Event, EventBody, EventId, Hlc, Household, HouseholdId, Person, PersonId, Role,
    TurfId,
};

use super::both::{same, Backend};
use super::harness::NOW;
use crate::http::auth::{new_token, AuthDevice};
use crate::import::columns::NCVOTER_COLUMNS;
use crate::import::{Format, GeocodeSummary, ImportError, ImportSummary};
use crate::ops::cut_turfs::{cut_unplaced, CutOutcome};
use crate::ops::export::{write_csv, ExportFormat, ExportSummary};
use crate::ops::import_file::{geocode_file, import_file, ImportRequest};
use crate::store::{Store, StoreError, UnplacedHousehold};
use crate::turfs::cut::CutMode;

/// What the import left in the tables, as text: people with their door, import marks and
/// place; households; the import rows with their summaries; and rows of a turf's feed that
/// come before the household they belong to (there must be none).
fn tables(b: &Backend) -> Vec<Vec<String>> {
    vec![
        b.probe(
            "SELECT p.source_id || '|' || p.status || '|' || p.first_name || '|' || p.last_name
                    || '|' || COALESCE(p.phone, '') || '|' || COALESCE(p.party, '') || '|'
                    || COALESCE(CAST(p.birth_year AS TEXT), '') || '|' || h.address_key
                    || '|' || COALESCE(CAST(p.import_id AS TEXT), '') || '|'
                    || COALESCE(CAST(p.seen_import AS TEXT), '') || '|'
                    || CASE WHEN p.turf_id IS NULL THEN 'unplaced' ELSE 'placed' END
                    || '|' || CASE WHEN p.seq = 0 THEN 'no seq' ELSE 'seq' END
             FROM people p JOIN households h ON h.id = p.household_id",
        ),
        b.probe(
            "SELECT CAST(id AS TEXT) || '|' || address_key || '|' || precinct || '|'
                    || street || '|' || number || '|' || unit || '|' || city || '|' || zip
                    || '|' || CASE WHEN turf_id IS NULL THEN 'unplaced' ELSE 'placed' END
             FROM households",
        ),
        b.probe(
            "SELECT CAST(id AS TEXT) || '|' || format || '|' || file_name || '|'
                    || COALESCE(summary, 'no summary') || '|'
                    || CASE WHEN finished_at IS NULL THEN 'unfinished' ELSE 'finished' END
             FROM imports",
        ),
        b.probe(
            "SELECT 'person before its door: ' || p.source_id FROM people p
             JOIN households h ON h.id = p.household_id
             WHERE p.turf_id IS NOT NULL AND (p.seq <= h.seq OR p.turf_id <> h.turf_id)
             UNION ALL
             SELECT 'event before its door' FROM events e
             JOIN households h ON h.id = e.household_id
             WHERE e.turf_id IS NOT NULL AND e.seq <= h.seq",
        ),
        b.probe("SELECT CAST(COUNT(*) AS TEXT) FROM tombstones"),
    ]
}

// --- voter files ---------------------------------------------------------------------

/// A quoted, tab-separated ncvoter row: plausible defaults, `set` overriding columns.
fn nc(ncid: &str, last: &str, first: &str, address: &str, set: &[(&str, &str)]) -> String {
    let own = [
        ("ncid", ncid),
        ("last_name", last),
        ("first_name", first),
        ("res_street_address", address),
    ];
    NCVOTER_COLUMNS
        .iter()
        .map(|&c| {
            let v = set
                .iter()
                .chain(own.iter())
                .find(|(k, _)| *k == c)
                .map_or_else(
                    || match c {
                        "county_id" => "92",
                        "county_desc" => "WAKE",
                        "status_cd" => "A",
                        "voter_status_desc" => "ACTIVE",
                        "res_city_desc" => "RALEIGH",
                        "state_cd" => "NC",
                        "zip_code" => "27601",
                        "confidential_ind" => "N",
                        "party_cd" => "DEM",
                        "birth_year" => "1980",
                        "precinct_abbrv" => "01-07",
                        _ => "",
                    },
                    |(_, v)| *v,
                );
            format!("\"{v}\"")
        })
        .collect::<Vec<_>>()
        .join("\t")
}

fn nc_file(dir: &Path, name: &str, rows: &[String]) -> PathBuf {
    let header = NCVOTER_COLUMNS
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join("\t");
    let mut text = header;
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the voter file");
    path
}

/// What an import answered: its summary (or error, in words) and its report file.
#[derive(Debug, PartialEq)]
struct Imported {
    summary: Result<ImportSummary, String>,
    report: String,
}

fn import_at(
    store: &dyn Store,
    campaign: CampaignId,
    file: &Path,
    format: Format,
    full_file: bool,
) -> Imported {
    let report = file.with_extension("report.csv");
    let done = import_file(
        store,
        &ImportRequest {
            campaign,
            format,
            file: file.to_path_buf(),
            report: Some(report.clone()),
            full_file,
            show_progress: false,
            lang: crate::lang::Lang::En,
        },
    );
    let summary = done.map(|d| d.summary).map_err(|e| match e {
        ImportError::NothingImported => "nothing imported".to_string(),
        other => panic!("the import failed: {other}"),
    });
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    Imported {
        summary,
        report: text,
    }
}

fn import_nc(
    store: &dyn Store,
    campaign: CampaignId,
    dir: &Path,
    name: &str,
    rows: &[String],
) -> Imported {
    import_at(
        store,
        campaign,
        &nc_file(dir, name, rows),
        Format::NcVoter,
        true,
    )
}

fn summary(i: &Imported) -> &ImportSummary {
    i.summary.as_ref().expect("an imported file")
}

// --- devices -------------------------------------------------------------------------

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

fn push(store: &dyn Store, who: &AuthDevice, events: &[Event]) -> Vec<PushOutcome> {
    store
        .push(
            who,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                events: events.to_vec(),
                pending: 0,
            },
            None,
            NOW,
        )
        .expect("push")
        .results
}

/// Everything a device received, in the order it came.
#[derive(Debug, Default)]
struct Pulled {
    households: Vec<Household>,
    people: Vec<Person>,
    events: Vec<EventId>,
    removed_people: Vec<PersonId>,
    /// One entry per page: what it carried, as words (with a page of one row, the feed's
    /// order).
    order: Vec<String>,
    cursors: Vec<ScopeCursor>,
}

fn pull_all(
    store: &dyn Store,
    who: &AuthDevice,
    mut cursors: Vec<ScopeCursor>,
    limit: u32,
) -> Pulled {
    let mut seen = Pulled::default();
    for _ in 0..10_000 {
        let res = store
            .pull(
                who,
                &PullRequest {
                    maps: false,
                    protocol: PROTOCOL_VERSION,
                    scopes: cursors.clone(),
                    limit: Some(limit),
                },
                NOW,
            )
            .expect("pull");
        for page in &res.scopes {
            let mut words: Vec<String> = Vec::new();
            words.extend(page.households.iter().map(|h| format!("door {}", h.number)));
            words.extend(page.people.iter().map(|p| format!("voter {}", p.source_id)));
            words.extend(page.events.iter().map(|_| "event".to_string()));
            words.extend(page.removed_people.iter().map(|_| "gone".to_string()));
            if !words.is_empty() {
                seen.order.push(words.join(", "));
            }
            seen.households.extend(page.households.iter().cloned());
            seen.people.extend(page.people.iter().cloned());
            seen.events.extend(page.events.iter().map(|e| e.id));
            seen.removed_people.extend(&page.removed_people);
            match cursors.iter_mut().find(|c| c.turf == page.turf.id) {
                Some(c) => c.cursor = page.cursor,
                None => cursors.push(ScopeCursor {
                    map: None,
                    turf: page.turf.id,
                    cursor: page.cursor,
                }),
            }
        }
        if !res.has_more {
            seen.cursors = cursors;
            return seen;
        }
    }
    panic!("the pull never completed");
}

/// The pulled people as `source_id phone status-free fields`, sorted (ids differ between
/// backends: person ids are made fresh by each).
fn voters(people: &[Person]) -> Vec<String> {
    let mut v: Vec<String> = people
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {}",
                p.source_id,
                p.first_name,
                p.last_name,
                p.phone.as_deref().unwrap_or("-")
            )
        })
        .collect();
    v.sort();
    v
}

/// What each page carried, without names (the order of two voters at one door follows
/// their ids, which each backend makes afresh).
fn kinds(order: &[String]) -> Vec<String> {
    order
        .iter()
        .map(|o| o.split(' ').next().unwrap_or_default().to_string())
        .collect()
}

fn cut_streets(store: &dyn Store, campaign: CampaignId, doors: usize) -> CutOutcome {
    cut_unplaced(store, campaign, CutMode::Street { doors }).expect("cut")
}

fn turf_ids(cut: &CutOutcome) -> Vec<TurfId> {
    cut.turfs.iter().map(|(id, _, _)| *id).collect()
}

fn unplaced(store: &dyn Store, campaign: CampaignId) -> Vec<UnplacedHousehold> {
    store.unplaced_households(campaign).expect("unplaced")
}

// --- the scenarios -------------------------------------------------------------------

#[test]
fn a_first_import_counts_and_reports_the_same_on_both_backends() {
    let (first, waiting, _tables) = same(|b| {
        let store = b.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Wake", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let rows = [
            nc(
                "AA1",
                "MUÑOZ",
                "JOSÉ",
                "1204 N MAIN ST APT 3B",
                &[("full_phone_number", "(919) 555-0123")],
            ),
            // The same door spelled differently, inactive.
            nc(
                "AA2",
                "MUÑOZ",
                "ANA",
                "1204 NORTH MAIN STREET #3B",
                &[("status_cd", "I")],
            ),
            // Nothing but delimiters.
            "\t\t\t".to_string(),
            nc("AA3", "LEE", "KIM", "REMOVED", &[("status_cd", "R")]),
            // The same voter id at an address of its own: no household is left for it.
            nc("AA1", "MUNOZ", "JOSE", "77 OAK AVE", &[]),
            // No house number, a bad phone, a birth year out of range.
            nc(
                "AA6",
                "PARK",
                "SAM",
                "MAIN ST",
                &[("full_phone_number", "555-0123"), ("birth_year", "1850")],
            ),
            nc("AA7", "WU", "LI", "5 ELM ST", &[("precinct_abbrv", "")]),
            // A repeated voter id at a known door, with another precinct: on a first import
            // the door takes it, as on SQLite.
            nc(
                "AA2",
                "MUÑOZ",
                "ANA",
                "1204 N MAIN ST APT 3B",
                &[("precinct_abbrv", "02-01")],
            ),
            nc("AB2", "FOX", "ED", "PO BOX 12", &[]),
            nc("AB3", "GRAY", "FE", "10 ELM ST", &[("birth_year", "19X0")]),
            nc("AB4", "GRAY", "GUS", "12 ELM ST", &[]),
        ];
        let first = import_nc(store, campaign, dir.path(), "wake.txt", &rows);
        (first, unplaced(store, campaign), tables(b))
    });
    let s = summary(&first);
    assert_eq!(
        (s.rows, s.blank_rows, s.added, s.households_added),
        (10, 1, 6, 5)
    );
    assert_eq!(s.skipped.get("duplicate_voter_id"), Some(&2));
    assert_eq!(
        first.report,
        "row,source_id,reason\n\
         5,AA3,not imported: removed from the voter rolls (status R)\n\
         6,AA1,\"not imported: the same voter id is on an earlier row, which was kept\"\n\
         7,AA6,\"imported, but the address has no house number\"\n\
         7,AA6,imported without a phone: the number is not a valid US phone number\n\
         7,AA6,imported without a birth year: it is outside 1900 to 2010\n\
         9,AA2,\"not imported: the same voter id is on an earlier row, which was kept\"\n\
         10,AB2,not imported: a post office box is not a door to knock on\n\
         11,AB3,imported without a birth year: it is not a year\n"
    );
    let ids: Vec<i64> = waiting.iter().map(|h| h.id.0).collect();
    // As SQLite's AUTOINCREMENT numbers them: every row of a first import tries an insert
    // (AA2 at AA1's door uses up 2, the repeated AA1 makes 3 and takes it back).
    assert_eq!(ids, [1, 4, 5, 7, 8]);
    assert_eq!(waiting[0].precinct, "02-01");
}

#[test]
fn a_file_longer_than_a_batch_imports_and_reimports_alike() {
    // 10,000 rows: voters three to a door, a repeated voter id every 997 rows (reaching back
    // across batches), and a re-import with every seventh phone changed.
    let file = |changed: bool| -> Vec<String> {
        (0..10_000u32)
            .map(|i| {
                let id = if i % 997 == 996 {
                    format!("V{}", i.saturating_sub(4000))
                } else {
                    format!("V{i}")
                };
                let phone = if changed && i % 7 == 0 {
                    format!("919555{:04}", (i + 1) % 10_000)
                } else {
                    format!("919555{:04}", i % 10_000)
                };
                nc(
                    &id,
                    "LAST",
                    "FIRST",
                    &format!("{} ELM ST", 1 + i / 3),
                    &[("full_phone_number", &phone)],
                )
            })
            .collect()
    };
    let (first, again, count, _tables) = same(|b| {
        let store = b.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Big", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let first = import_nc(store, campaign, dir.path(), "big.txt", &file(false));
        let mut snapshots = vec![tables(b)];
        let again = import_nc(store, campaign, dir.path(), "big2.txt", &file(true));
        snapshots.push(tables(b));
        (first, again, unplaced(store, campaign).len(), snapshots)
    });
    let (s, t) = (summary(&first), summary(&again));
    assert_eq!(s.skipped.get("duplicate_voter_id"), Some(&10));
    assert_eq!((s.added, s.households_added), (9_990, 3_334));
    assert_eq!(t.updated + t.unchanged, 9_990);
    assert_eq!((t.added, t.removed, t.households_added), (0, 0, 0));
    assert!(t.updated > 1_000, "{t:?}");
    assert_eq!(count, 3_334);
}

#[test]
fn a_reimport_updates_removes_and_resends_placed_voters() {
    let outcome = same(|b| {
        let store = b.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Oak", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let first = [
            nc(
                "P1",
                "ADAMS",
                "AMY",
                "1 OAK ST",
                &[("full_phone_number", "9195550001")],
            ),
            nc("P2", "BAKER", "BEN", "2 OAK ST", &[]),
            nc("P3", "CRUZ", "CAL", "3 OAK ST", &[]),
            nc("P4", "DIAZ", "DEE", "9 PINE ST", &[]),
            nc("P5", "EVANS", "EVE", "9 PINE ST", &[]),
        ];
        let s1 = import_nc(store, campaign, dir.path(), "v1.txt", &first);
        let cut = cut_streets(store, campaign, 10);
        let vera = join(store, campaign, Role::Volunteer, "Vera");
        for turf in turf_ids(&cut) {
            store
                .set_assignees_at(turf, &[vera.volunteer], NOW)
                .expect("assign");
        }
        let start = pull_all(store, &vera, Vec::new(), 500);
        let mut snapshots = vec![tables(b)];
        let by_id = |id: &PersonId| {
            start
                .people
                .iter()
                .find(|p| p.id == *id)
                .map(|p| p.source_id.clone())
                .unwrap_or_default()
        };

        let second = [
            // P1: a new phone (placed: devices must receive it).
            nc(
                "P1",
                "ADAMS",
                "AMY",
                "1 OAK ST",
                &[("full_phone_number", "919-555-0002")],
            ),
            // P2 gone; P3 moved to an address in no turf.
            nc("P3", "CRUZ", "CAL", "50 ELM ST", &[]),
            // P4 unchanged, P5 inactive now, P6 new at a placed door.
            nc("P4", "DIAZ", "DEE", "9 PINE ST", &[]),
            nc("P5", "EVANS", "EVE", "9 PINE ST", &[("status_cd", "I")]),
            nc("P6", "FONG", "FAY", "1 OAK STREET", &[]),
        ];
        let s2 = import_nc(store, campaign, dir.path(), "v2.txt", &second);
        let after = pull_all(store, &vera, start.cursors.clone(), 500);
        snapshots.push(tables(b));
        let gone: Vec<String> = after.removed_people.iter().map(by_id).collect();

        // The same file again: nothing changes, nothing reaches devices.
        let s3 = import_nc(store, campaign, dir.path(), "v3.txt", &second);
        let quiet = pull_all(store, &vera, after.cursors.clone(), 500);
        snapshots.push(tables(b));

        // P2 comes back: reinstated at their door, not duplicated.
        let mut third = second.to_vec();
        third.push(nc("P2", "BAKER", "BEN", "2 OAK ST", &[]));
        let s4 = import_nc(store, campaign, dir.path(), "v4.txt", &third);
        let back = pull_all(store, &vera, quiet.cursors.clone(), 500);
        snapshots.push(tables(b));
        let waiting: Vec<String> = unplaced(store, campaign)
            .iter()
            .map(|h| format!("{} {}", h.number, h.street))
            .collect();
        (
            [s1, s2, s3, s4],
            voters(&start.people),
            voters(&after.people),
            gone,
            quiet.order,
            voters(&back.people),
            waiting,
            snapshots,
        )
    });
    let (imports, start, after, gone, quiet, back, waiting, snapshots) = outcome;
    for tables in &snapshots {
        assert!(tables[3].is_empty(), "{:?}", tables[3]);
    }
    assert_eq!(snapshots[1][4], ["2"], "P2's and P3's tombstones");
    assert_eq!(start.len(), 5);
    let s2 = summary(&imports[1]);
    assert_eq!(
        (
            s2.added,
            s2.updated,
            s2.unchanged,
            s2.removed,
            s2.moved,
            s2.moved_unplaced
        ),
        (1, 3, 1, 1, 1, 1)
    );
    assert_eq!(
        s2.sent_to_devices, 5,
        "P1, P5, P6, and P2's and P3's tombstones"
    );
    assert_eq!(
        imports[1].report,
        "row,source_id,reason\n\
         3,P3,moved to an address that is in no turf yet; cut turfs again to place them\n\
         ,P2,\"marked removed: not in this file (kept with their history, out of every turf)\"\n"
    );
    assert_eq!(
        after,
        [
            "P1 AMY ADAMS +19195550002",
            "P5 EVE EVANS -",
            "P6 FAY FONG -",
        ]
    );
    assert_eq!(
        gone,
        ["P3", "P2"],
        "in feed order: P3 left with its row, P2 at the end"
    );
    let s3 = summary(&imports[2]);
    assert_eq!((s3.unchanged, s3.updated, s3.sent_to_devices), (5, 0, 0));
    assert!(quiet.is_empty(), "{quiet:?}");
    let s4 = summary(&imports[3]);
    assert_eq!((s4.added, s4.updated), (0, 1));
    assert_eq!(back, ["P2 BEN BAKER -"]);
    assert_eq!(waiting, ["50 ELM ST"], "P3's new door waits for a turf");
}

#[test]
fn a_file_nothing_imports_from_changes_nothing() {
    let (full, partial, again, waiting, _tables) = same(|b| {
        let store = b.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Nothing", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let good = [
            nc("N1", "A", "A", "1 ELM ST", &[]),
            nc("N2", "B", "B", "2 ELM ST", &[]),
        ];
        import_nc(store, campaign, dir.path(), "good.txt", &good);
        let bad = [
            nc("N1", "A", "A", "1 ELM ST", &[("status_cd", "R")]),
            nc("N3", "C", "C", "PO BOX 9", &[]),
        ];
        let full = import_nc(store, campaign, dir.path(), "bad.txt", &bad);
        let mut snapshots = vec![tables(b)];
        let partial = import_at(
            store,
            campaign,
            &nc_file(dir.path(), "bad-part.txt", &bad),
            Format::NcVoter,
            false,
        );
        let again = import_nc(store, campaign, dir.path(), "good2.txt", &good);
        snapshots.push(tables(b));
        (
            full,
            partial,
            again,
            unplaced(store, campaign).len(),
            snapshots,
        )
    });
    assert_eq!(full.summary, Err("nothing imported".to_string()));
    assert_eq!(
        full.report,
        "row,source_id,reason\n\
         2,N1,not imported: removed from the voter rolls (status R)\n\
         3,N3,not imported: a post office box is not a door to knock on\n"
    );
    let p = summary(&partial);
    assert_eq!(
        (p.rows, p.added, p.removed, p.skipped_total()),
        (2, 0, 0, 2)
    );
    let a = summary(&again);
    assert_eq!(
        (a.unchanged, a.removed, a.added),
        (2, 0, 0),
        "nobody was removed"
    );
    assert_eq!(waiting, 2);
}

#[test]
fn map_locations_reach_unplaced_and_placed_households_alike() {
    let outcome = same(|b| {
        let store = b.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Geo", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let van = dir.path().join("van.csv");
        std::fs::write(
            &van,
            "VANID,LastName,FirstName,Address,City,Zip5\n\
             1,Ng,Ana,1 Oak St,Raleigh,27601\n\
             2,Ng,Bo,1 Oak St,Raleigh,27601\n\
             3,Ruiz,Cy,5 Elm St,Raleigh,27601\n",
        )
        .expect("write");
        import_at(store, campaign, &van, Format::Van, true);
        let geo = dir.path().join("geo.csv");
        std::fs::write(
            &geo,
            "address,city,zip,latitude,longitude\n5 Elm Street,RALEIGH,27601,35.7,-78.6\n",
        )
        .expect("write");
        let (unplaced_geo, _) = geocode_file(store, campaign, &geo, None).expect("geocode");
        let located: Vec<(String, Option<f64>, Option<f64>)> = unplaced(store, campaign)
            .into_iter()
            .map(|h| (h.number, h.lat, h.lon))
            .collect();

        let cut = cut_streets(store, campaign, 10);
        let vera = join(store, campaign, Role::Volunteer, "Vera");
        for turf in turf_ids(&cut) {
            store
                .set_assignees_at(turf, &[vera.volunteer], NOW)
                .expect("assign");
        }
        let start = pull_all(store, &vera, Vec::new(), 500);
        let oak = start
            .households
            .iter()
            .find(|h| h.number == "1")
            .expect("1 Oak St")
            .id;
        push(
            store,
            &vera,
            &[Event {
                id: EventId::new_v7(),
                at: Hlc::new(NOW - 60_000, 0),
                household: oak,
                person: None,
                body: EventBody::Contact {
                    channel: Channel::Door,
                    result: "not_home".into(),
                    call_back_at: None,
                },
            }],
        );
        let seen = pull_all(store, &vera, start.cursors, 500);
        std::fs::write(
            &geo,
            "address,city,zip,latitude,longitude\n\
             1 Oak Street,RALEIGH,27601,35.78,-78.64\n\
             99 Nowhere Rd,Raleigh,27601,35.7,-78.6\n\
             1 Oak St,Raleigh,27601,,\n\
             5 Elm St,Raleigh,27601,35.7,-78.6\n",
        )
        .expect("write");
        let report = dir.path().join("geo-report.csv");
        let (placed_geo, _) =
            geocode_file(store, campaign, &geo, Some(report.clone())).expect("geocode");
        let report = std::fs::read_to_string(&report).expect("report");
        // One row per page: the feed's order as the device receives it.
        let resent = pull_all(store, &vera, seen.cursors, 1);
        let new_place: Vec<(Option<f64>, Option<f64>)> =
            resent.households.iter().map(|h| (h.lat, h.lon)).collect();
        (
            unplaced_geo,
            located,
            placed_geo,
            report,
            kinds(&resent.order),
            new_place,
            tables(b),
        )
    });
    let (unplaced_geo, located, placed_geo, report, order, new_place, tables) = outcome;
    assert!(tables[3].is_empty(), "{:?}", tables[3]);
    assert_eq!(
        unplaced_geo,
        GeocodeSummary {
            rows: 1,
            updated: 1,
            ..GeocodeSummary::default()
        }
    );
    assert_eq!(
        located,
        [
            ("1".to_string(), None, None),
            ("5".to_string(), Some(35.7), Some(-78.6))
        ]
    );
    assert_eq!(
        (
            placed_geo.updated,
            placed_geo.unchanged,
            placed_geo.unmatched,
            placed_geo.bad_rows
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        placed_geo.sent_to_devices, 4,
        "the door, its two voters and its event"
    );
    assert_eq!(
        report,
        "row,reason\n\
         3,not used: no household has this address; check the address or import the voter file first\n\
         4,not used: the latitude or longitude is not valid\n"
    );
    assert_eq!(order, ["door", "voter", "voter", "event"]);
    assert_eq!(new_place, [(Some(35.78), Some(-78.64))]);
}

#[test]
fn cut_turfs_reach_a_device_in_walking_order() {
    let outcome = same(|b| {
        let store = b.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Cut", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let mut rows = Vec::new();
        for (i, n) in [12, 3, 7, 10, 1, 8, 5, 2].iter().enumerate() {
            rows.push(nc(
                &format!("E{i}"),
                "ELM",
                "E",
                &format!("{n} ELM ST"),
                &[],
            ));
            rows.push(nc(
                &format!("F{i}"),
                "ELM",
                "F",
                &format!("{n} ELM ST"),
                &[],
            ));
        }
        for (i, n) in [4, 2, 9].iter().enumerate() {
            rows.push(nc(
                &format!("M{i}"),
                "MAPLE",
                "M",
                &format!("{n} MAPLE AVE"),
                &[],
            ));
        }
        // A voter removed by the next file stays out of every turf.
        rows.push(nc("GONE", "X", "X", "6 MAPLE AVE", &[]));
        import_nc(store, campaign, dir.path(), "one.txt", &rows);
        rows.pop();
        import_nc(store, campaign, dir.path(), "two.txt", &rows);
        let cut = cut_streets(store, campaign, 8);
        let vera = join(store, campaign, Role::Volunteer, "Vera");
        let first = turf_ids(&cut)[0];
        store
            .set_assignees_at(first, &[vera.volunteer], NOW)
            .expect("assign");
        let got = pull_all(store, &vera, Vec::new(), 1);
        let walk: Vec<(u32, String)> = got
            .households
            .iter()
            .map(|h| (h.walk_order, format!("{} {}", h.number, h.street)))
            .collect();
        // Placing a household again, or a turf with no doors, is refused whole.
        let placed = got.households[0].id;
        let again = store
            .place_households(campaign, &[("Again".into(), vec![placed])])
            .map_err(|e| e.to_string());
        let empty = store
            .place_households(campaign, &[("Empty".into(), Vec::<HouseholdId>::new())])
            .map_err(|e| e.to_string());
        let unknown = store.place_households(CampaignId(999), &[("X".into(), vec![placed])]);
        (
            cut,
            walk,
            kinds(&got.order),
            again,
            empty,
            matches!(unknown, Err(StoreError::NotFound("campaign"))),
            unplaced(store, campaign).len(),
            tables(b),
        )
    });
    let (cut, walk, order, again, empty, unknown, left, tables) = outcome;
    assert!(tables[3].is_empty(), "{:?}", tables[3]);
    assert_eq!(
        cut.turfs.iter().map(|t| t.2).sum::<usize>(),
        11,
        "every door with a voter"
    );
    assert!(cut.turfs.len() >= 2, "{cut:?}");
    let positions: Vec<u32> = walk.iter().map(|w| w.0).collect();
    assert_eq!(positions, (1..=walk.len() as u32).collect::<Vec<_>>());
    // Every door reaches the device before its voters.
    let doors = order.iter().filter(|o| *o == "door").count();
    assert_eq!(doors, walk.len());
    assert!(order[..doors].iter().all(|o| o == "door"), "{order:?}");
    assert!(order[doors..].iter().all(|o| o == "voter"), "{order:?}");
    assert!(again
        .expect_err("placed twice")
        .contains("is not an unplaced household"));
    assert!(empty.expect_err("empty").contains("would have no doors"));
    assert!(unknown);
    assert_eq!(left, 0, "the removed voter's door has nobody to visit");
}

#[test]
fn the_results_csv_is_byte_identical_on_both_backends() {
    let (full, van, van_later, summaries, _tables) = same(|b| {
        let store = b.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Results", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let rows = [
            nc("R1", "ADAMS", "AMY", "1 OAK ST", &[]),
            nc("R2", "ADAMS", "AL", "1 OAK ST", &[]),
            nc("R3", "BAKER", "BEA", "2 OAK ST", &[]),
            nc("R4", "CRUZ", "CY", "3 OAK ST", &[]),
        ];
        import_nc(store, campaign, dir.path(), "results.txt", &rows);
        let cut = cut_streets(store, campaign, 10);
        let vera = join(store, campaign, Role::Volunteer, "Vera");
        let quinn = join(store, campaign, Role::Volunteer, "Quinn");
        let lead = join(store, campaign, Role::Lead, "Lee");
        for turf in turf_ids(&cut) {
            store
                .set_assignees_at(turf, &[vera.volunteer, quinn.volunteer], NOW)
                .expect("assign");
        }
        let got = pull_all(store, &vera, Vec::new(), 500);
        let door = |number: &str| {
            got.households
                .iter()
                .find(|h| h.number == number)
                .expect("door")
                .id
        };
        let voter = |source: &str| {
            got.people
                .iter()
                .find(|p| p.source_id == source)
                .expect("voter")
                .id
        };
        let id = |n: u128| {
            EventId(uuid::Uuid::from_u128(
                0x0190_0000_0000_7000_8000_0000_0000_0000 + n,
            ))
        };
        let at = |n: u64| Hlc::new(NOW - 3_600_000 + n * 60_000, 0);
        let added = PersonId(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_ffff,
        ));
        let contact = |result: &str| EventBody::Contact {
            channel: Channel::Door,
            result: result.into(),
            call_back_at: None,
        };
        let event = |n, household, person, body| Event {
            id: id(n),
            at: at(n as u64),
            household,
            person,
            body,
        };
        let added_at_door = [
            event(1, door("1"), None, contact("not_home")),
            event(
                2,
                door("2"),
                Some(added),
                EventBody::PersonAdded {
                    first_name: "Nia".into(),
                    last_name: "New".into(),
                    language: Some("es".into()),
                    phone: None,
                },
            ),
        ];
        let about_them = [
            event(3, door("2"), Some(added), contact("talked")),
            event(
                4,
                door("3"),
                None,
                EventBody::Note {
                    attempt: None,
                    text: "=HYPERLINK(\"x\")".into(),
                },
            ),
        ];
        for batch in [&added_at_door[..], &about_them[..]] {
            assert!(push(store, &vera, batch)
                .iter()
                .all(|o| *o == PushOutcome::Accepted));
        }
        // Quinn's records are quarantined: kept, but out of the export.
        let doubted = [event(5, door("3"), None, contact("not_home"))];
        assert_eq!(push(store, &quinn, &doubted), [PushOutcome::Accepted]);
        store
            .quarantine_volunteer(quinn.volunteer, lead.device, NOW)
            .expect("quarantine");
        let csv = |format| {
            let mut out = Vec::new();
            let summary = write_csv(store, campaign, format, &mut out).expect("export");
            (String::from_utf8(out).expect("utf-8"), summary)
        };
        let (full, full_summary) = csv(ExportFormat::Full);
        let (van, van_summary) = csv(ExportFormat::Van);
        // Results about imported voters: their person ids are each backend's own, so only the
        // VAN shape (voter ids) can be the same byte for byte.
        let later = [
            event(6, door("1"), Some(voter("R2")), contact("talked")),
            event(7, door("3"), Some(voter("R4")), contact("refused")),
        ];
        assert!(push(store, &vera, &later)
            .iter()
            .all(|o| *o == PushOutcome::Accepted));
        let (van_later, later_summary) = csv(ExportFormat::Van);
        (
            full,
            van,
            van_later,
            [full_summary, van_summary, later_summary],
            tables(b),
        )
    });
    assert_eq!(full.lines().count(), 5, "a header and four events:\n{full}");
    assert!(full.contains("'=HYPERLINK"), "{full}");
    assert!(full.contains("added at the door: Nia New (es)"), "{full}");
    assert_eq!(
        summaries[0],
        ExportSummary {
            events: 4,
            rows: 4,
            skipped: 0,
            quarantined: 1
        }
    );
    let day = groundgame_core::time::utc_date(NOW - 3_600_000);
    assert_eq!(
        van,
        format!("voter_id,result,survey_response,date\nR1,not_home,,{day}\nR2,not_home,,{day}\n")
    );
    assert_eq!(
        van_later,
        format!("{van}R2,talked,,{day}\nR4,refused,,{day}\n")
    );
    assert_eq!(
        (summaries[1].rows, summaries[1].skipped, summaries[2].rows),
        (2, 3, 4)
    );
}

#[test]
fn a_first_import_that_builds_its_indexes_half_way_imports_the_same() {
    // A first import keeps its voter ids and addresses in memory and builds their indexes
    // after the rows; past a bound it builds them where it stands and goes on through
    // them. Both ways, the same file must give the same rows, counts and report.
    let rows: Vec<String> = (0..3_000u32)
        .map(|i| {
            let id = if i % 499 == 498 {
                format!("V{}", i - 300)
            } else {
                format!("V{i}")
            };
            nc(&id, "LAST", "FIRST", &format!("{} ELM ST", 1 + i / 3), &[])
        })
        .collect();
    let run = |limit: usize| {
        crate::store::sqlite::voters::TEST_DEFERRED_MAX_KEYS.with(|l| l.set(limit));
        let backend = super::both::backends().remove(0);
        let store = backend.store();
        let dir = tempfile::tempdir().expect("dir");
        let campaign = store
            .create_campaign("Big", groundgame_core::TimeZone::UTC)
            .expect("campaign");
        let imported = import_nc(store, campaign, dir.path(), "big.txt", &rows);
        let held = tables(&backend);
        crate::store::sqlite::voters::TEST_DEFERRED_MAX_KEYS.with(|l| l.set(usize::MAX));
        (imported, held)
    };
    let (deferred, deferred_rows) = run(usize::MAX);
    let (half_way, half_way_rows) = run(1_000);
    assert_eq!(
        summary(&deferred).skipped.get("duplicate_voter_id"),
        Some(&6)
    );
    assert_eq!(deferred, half_way);
    assert_eq!(deferred_rows, half_way_rows);
}

/// On PostgreSQL a person's household must be of the person's own campaign (migration
/// 0008's one key on the pair): a row naming another campaign's door is refused, and a
/// door of its own campaign is taken.
#[test]
fn a_person_cannot_live_at_another_campaigns_door_on_postgres() {
    let db = crate::store::postgres::ScratchDb::for_tests();
    let store = crate::store::PgStore::connect(&db.url).expect("connect");
    let a = store
        .create_campaign("A", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let b = store
        .create_campaign("B", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    let mut pg = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let door: i64 = pg
        .query_one(
            "INSERT INTO households (campaign_id, seq, street, number, unit, city, zip,
                                     walk_order)
             VALUES ($1, 0, 'ELM ST', '1', '', 'Testville', '27999', 0) RETURNING id",
            &[&a.0],
        )
        .expect("household")
        .get(0);
    let mut person = |campaign: CampaignId| {
        pg.execute(
            "INSERT INTO people (id, campaign_id, household_id, seq, source_id, first_name,
                                 last_name)
             VALUES ($1, $2, $3, 0, '', 'F', 'L')",
            &[&PersonId::new_v7().0, &campaign.0, &door],
        )
    };
    let refused = person(b).expect_err("another campaign's door");
    assert_eq!(
        refused.as_db_error().map(|e| e.constraint()),
        Some(Some("people_household_in_campaign")),
        "{refused}"
    );
    assert_eq!(person(a).expect("its own campaign's door"), 1);
}
