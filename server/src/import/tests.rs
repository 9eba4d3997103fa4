//! Import tests: small files in each format written by the tests, with every messy case the
//! importer promises to handle; the report is asserted line for line. Store-level tests
//! cover atomicity (nothing half-imported on a fatal error), re-imports (updates,
//! additions, removals, no duplicates) and that changes to placed voters reach devices.

use super::columns::NCVOTER_COLUMNS as NC_COLUMNS;
use std::io::{Cursor, Read};

use groundgame_core::{CampaignId, TurfId};

use super::*;
use crate::ops::import_file as run;
use crate::store::sqlite::sequence::Sequence;
use crate::SqliteStore;

/// Text as Latin-1 bytes (every test character is below U+0100).
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("latin-1 character"))
        .collect()
}

fn nc_header() -> String {
    NC_COLUMNS
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join("\t")
}

/// A quoted, tab-separated ncvoter row: plausible defaults, `set` overriding columns.
fn nc_row(set: &[(&str, &str)]) -> String {
    NC_COLUMNS
        .iter()
        .map(|&c| {
            let v = set.iter().find(|(k, _)| *k == c).map_or_else(
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

fn voter(ncid: &str, last: &str, first: &str, address: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ncid", ncid.to_string()),
        ("last_name", last.to_string()),
        ("first_name", first.to_string()),
        ("res_street_address", address.to_string()),
    ]
}

fn row(fields: &[(&'static str, String)]) -> String {
    let set: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    nc_row(&set)
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    k: &'static str,
    v: &str,
) -> Vec<(&'static str, String)> {
    fields.retain(|(c, _)| *c != k);
    fields.push((k, v.to_string()));
    fields
}

/// A campaign in a fresh store.
struct Fixture {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    campaign: CampaignId,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("server.sqlite")).expect("open");
    let campaign = store
        .create_campaign("Test", groundgame_core::TimeZone::UTC)
        .expect("campaign");
    Fixture {
        _dir: dir,
        store,
        campaign,
    }
}

type Lines = Vec<(u64, String, String)>;

impl Fixture {
    fn import_from(
        &self,
        format: &Format,
        input: impl Read,
        full_file: bool,
    ) -> Result<(ImportSummary, Lines), ImportError> {
        let reader = VoterReader::new(input, format, ReadOptions::for_year(2026), None)?;
        let import = VoterImport {
            campaign: self.campaign,
            import_id: self
                .store
                .begin_import(self.campaign, format.name(), "test.txt")?,
            format: format.name(),
            full_file,
        };
        let mut lines = Vec::new();
        let summary = self.store.import_voters(&import, reader, &mut |l| {
            lines.push((l.row, l.source_id.clone(), l.issue.reason()));
            Ok(())
        })?;
        Ok((summary, lines))
    }

    fn import(&self, format: &Format, bytes: &[u8]) -> (ImportSummary, Lines) {
        self.import_from(format, Cursor::new(bytes.to_vec()), true)
            .expect("import")
    }

    fn count(&self, sql: &str) -> i64 {
        self.store
            .read(|tx| Ok(tx.query_row(sql, [], |r| r.get(0))?))
            .expect("count")
    }

    fn text(&self, sql: &str) -> String {
        self.store
            .read(|tx| Ok(tx.query_row(sql, [], |r| r.get(0))?))
            .expect("text")
    }

    fn last_seq(&self) -> i64 {
        self.count("SELECT last_seq FROM sync_state")
    }

    /// Place every household on `street` in a new turf, as cutting turfs would.
    fn place(&self, street: &str) -> TurfId {
        let turf = self.store.create_turf(self.campaign, street).expect("turf");
        self.store
            .write(|tx| {
                let mut seq = Sequence::begin(tx)?;
                let ids: Vec<i64> = tx
                    .prepare("SELECT id FROM households WHERE street = ?1 ORDER BY id")?
                    .query_map([street], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for (i, id) in ids.iter().enumerate() {
                    tx.execute(
                        "UPDATE households SET turf_id = ?1, seq = ?2, walk_order = ?3 WHERE id = ?4",
                        rusqlite::params![turf.0, seq.take(), i as i64 + 1, id],
                    )?;
                    let people: Vec<Vec<u8>> = tx
                        .prepare("SELECT id FROM people WHERE household_id = ?1")?
                        .query_map([id], |r| r.get(0))?
                        .collect::<Result<_, _>>()?;
                    for p in people {
                        tx.execute(
                            "UPDATE people SET turf_id = ?1, seq = ?2 WHERE id = ?3",
                            rusqlite::params![turf.0, seq.take(), p],
                        )?;
                    }
                }
                seq.finish(tx)
            })
            .expect("place");
        turf
    }
}

fn line(row: u64, id: &str, reason: &str) -> (u64, String, String) {
    (row, id.to_string(), reason.to_string())
}

#[test]
fn a_messy_ncvoter_file_imports_its_good_rows_and_reports_every_bad_one() {
    let f = fixture();
    let good = voter("AA1", "MUÑOZ", "JOSÉ", "1204 N MAIN ST APT 3B");
    let rows = [
        nc_header(),
        // 2: good; Latin-1 name; phone with parentheses.
        row(&with(good.clone(), "full_phone_number", "(919) 555-0123")),
        // 3: same door spelled differently; inactive; extension stripped; suffix.
        row(&with(
            with(
                with(
                    voter("AA2", "MUÑOZ", "ANA", "1204 NORTH MAIN STREET #3B"),
                    "status_cd",
                    "I",
                ),
                "full_phone_number",
                "919.555.0124 x5",
            ),
            "name_suffix_lbl",
            "JR",
        )),
        // 4: blank line.
        String::new(),
        // 5: removed from the rolls.
        row(&with(
            voter("AA3", "LEE", "KIM", "REMOVED"),
            "status_cd",
            "R",
        )),
        // 6: confidential.
        row(&with(
            voter("AA4", "DOE", "JAN", "9 ELM ST"),
            "confidential_ind",
            "Y",
        )),
        // 7: the same ncid again.
        row(&voter("AA1", "MUNOZ", "JOSE", "77 OAK AVE")),
        // 8: cut short.
        "\"92\"\t\"WAKE\"\t\"1\"\t\"AA5\"\t\"SHORT\"".to_string(),
        // 9: no house number, a bad phone, a birth year out of range.
        row(&with(
            with(
                voter("AA6", "PARK", "SAM", "MAIN ST"),
                "full_phone_number",
                "555-0123",
            ),
            "birth_year",
            "1850",
        )),
        // 10: one field too many, not empty.
        format!("{}\t\"EXTRA\"", row(&voter("AA7", "WU", "LI", "5 ELM ST"))),
        // 11: active but the address withheld.
        row(&voter("AA8", "FOX", "AL", "REMOVED")),
        // 12: temporary status.
        row(&with(
            voter("AA9", "FOX", "BO", "6 ELM ST"),
            "status_cd",
            "S",
        )),
        // 13: no ncid.
        row(&voter("", "FOX", "CY", "7 ELM ST")),
        // 14: denied.
        row(&with(
            voter("AB1", "FOX", "DI", "8 ELM ST"),
            "status_cd",
            "D",
        )),
        // 15: a post office box; 16: an empty trailing field is fine; 17: unreadable year.
        row(&voter("AB2", "FOX", "ED", "PO BOX 12")),
        format!("{}\t\"\"", row(&voter("AB3", "GRAY", "FE", "10 ELM ST"))),
        row(&with(
            voter("AB4", "GRAY", "GUS", "11 ELM ST"),
            "birth_year",
            "19X0",
        )),
    ];
    let mut bytes = latin1(&rows.join("\r\n"));
    bytes.extend_from_slice(b"\r\n");
    let (summary, lines) = f.import(&Format::NcVoter, &bytes);
    assert_eq!(
        lines,
        vec![
            line(5, "AA3", "not imported: removed from the voter rolls (status R)"),
            line(
                6,
                "AA4",
                "not imported: the voter's record is confidential; their address is never imported"
            ),
            line(
                7,
                "AA1",
                "not imported: the same voter id is on an earlier row, which was kept"
            ),
            line(
                8,
                "AA5",
                "not imported: the row has 5 fields but the header has 67; a delimiter or a quote is probably missing"
            ),
            line(9, "AA6", "imported, but the address has no house number"),
            line(
                9,
                "AA6",
                "imported without a phone: the number is not a valid US phone number"
            ),
            line(
                9,
                "AA6",
                "imported without a birth year: it is outside 1900 to 2010"
            ),
            line(
                10,
                "AA7",
                "not imported: the row has 68 fields but the header has 67; a field probably contains an unquoted delimiter"
            ),
            line(
                11,
                "AA8",
                "not imported: the residential address is withheld (REMOVED)"
            ),
            line(
                12,
                "AA9",
                "not imported: registration status \"S\" is neither active (A) nor inactive (I)"
            ),
            line(13, "", "not imported: no voter id in column ncid"),
            line(14, "AB1", "not imported: registration denied (status D)"),
            line(
                15,
                "AB2",
                "not imported: a post office box is not a door to knock on"
            ),
            line(17, "AB4", "imported without a birth year: it is not a year"),
        ]
    );
    assert_eq!(summary.rows, 15);
    assert_eq!(summary.blank_rows, 1);
    assert_eq!(summary.added, 5, "AA1, AA2, AA6, AB3, AB4");
    assert_eq!(
        (summary.updated, summary.unchanged, summary.removed),
        (0, 0, 0)
    );
    assert_eq!(summary.households_added, 4, "AA1 and AA2 share a door");
    assert_eq!(summary.skipped_total(), 10);
    assert_eq!(summary.skipped.get("duplicate_voter_id"), Some(&1));
    assert_eq!(summary.warnings.get("bad_phone"), Some(&1));
    assert_eq!(summary.warnings.get("no_house_number"), Some(&1));
    assert_eq!(summary.warnings.get("birth_year_out_of_range"), Some(&1));

    assert_eq!(
        f.text("SELECT first_name || ' ' || last_name || ' ' || phone FROM people WHERE source_id = 'AA1'"),
        "JOSÉ MUÑOZ +19195550123"
    );
    assert_eq!(
        f.text(
            "SELECT last_name || ' ' || status || ' ' || phone FROM people WHERE source_id = 'AA2'"
        ),
        "MUÑOZ JR inactive +19195550124"
    );
    assert_eq!(
        f.text(
            "SELECT h.number || '|' || h.street || '|' || h.unit || '|' || h.address_key || '|' || h.precinct
             FROM households h JOIN people p ON p.household_id = h.id WHERE p.source_id = 'AA1'"
        ),
        "1204|N MAIN ST|APT 3B|1204|N MAIN ST|3B|RALEIGH|27601|01-07"
    );
    assert_eq!(
        f.count("SELECT COUNT(*) FROM people WHERE turf_id IS NOT NULL OR seq <> 0"),
        0,
        "imported people are unplaced"
    );
    assert_eq!(
        f.count("SELECT COUNT(*) FROM people WHERE source_id = 'AA6' AND phone IS NULL AND birth_year IS NULL"),
        1
    );
    let stored: String = f.text("SELECT summary FROM imports");
    assert!(stored.contains("\"added\":5"), "{stored}");
}

#[test]
fn a_van_export_with_a_bom_mixed_encodings_and_coordinates() {
    let f = fixture();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        "Voter File VANID,LastName,FirstName,Address,City,State,Zip5,Cell Phone,Party,Precinct,Latitude,Longitude\n"
            .as_bytes(),
    );
    bytes.extend_from_slice(
        "101,Peña,Ana,\"12 Oak Ave, Apt 2\",Durham,NC,27701,+1 919 555 0101,D,DU-1,35.99,-78.90\n"
            .as_bytes(),
    );
    // Windows-1252 in the same file: ñ as one byte.
    bytes.extend_from_slice(
        b"102,Pe\xF1a,Luis,12 OAK AVENUE UNIT 2,DURHAM,NC,27701-0001,1-919-555-0102,D,DU-1,,\n",
    );
    bytes.extend_from_slice(b",,,,,,,,,,,\n");
    bytes.extend_from_slice(b"103,Smith,Jo,40 Elm St,Durham,NC,27701,call me,R,DU-2,95.5,-78.9\n");
    let (summary, lines) = f.import(&Format::Van, &bytes);
    assert_eq!(
        lines,
        vec![
            line(
                5,
                "103",
                "imported without a phone: the number is not a valid US phone number"
            ),
            line(
                5,
                "103",
                "imported without a location: the latitude or longitude is not valid"
            ),
        ]
    );
    assert_eq!((summary.added, summary.households_added), (3, 2));
    assert_eq!(summary.blank_rows, 1);
    assert_eq!(
        f.text("SELECT group_concat(last_name || ':' || phone, ' ') FROM (SELECT * FROM people WHERE phone IS NOT NULL ORDER BY source_id)"),
        "Peña:+19195550101 Peña:+19195550102"
    );
    assert_eq!(
        f.text(
            "SELECT lat || ',' || lon || ',' || precinct FROM households WHERE street = 'OAK AVE'"
        ),
        "35.99,-78.9,DU-1"
    );
}

#[test]
fn a_mapped_file_uses_its_mapping() {
    let f = fixture();
    let mapping = Mapping::parse(
        r#"
        delimiter = ";"
        encoding = "windows-1252"
        [columns]
        source_id = "Voter ID"
        first_name = "Given"
        last_name = "Family"
        number = "House"
        street = "Street"
        unit = "Apt"
        city = "Town"
        zip = "Postcode"
        phone = "Tel"
        birth_year = "Born"
        language = "Lang"
        "#,
    )
    .expect("mapping");
    let bytes = b"Voter ID;Family;Given;House;Street;Apt;Town;Postcode;Tel;Born;Lang\r\n\
        X1;Garc\xEDa;Mar\xEDa;5;West Lake Road;3b;Cary;27511;919 555 0188;04/02/1975;es\r\n\
        X2;Ng;Bo;;Lake Rd;;Cary;27511;;;\r\n";
    let (summary, lines) = f.import(&Format::Mapped(Box::new(mapping)), bytes);
    assert_eq!(
        lines,
        vec![line(
            3,
            "X2",
            "imported, but the address has no house number"
        )]
    );
    assert_eq!(summary.added, 2);
    assert_eq!(
        f.text("SELECT first_name || ' ' || last_name || ' ' || birth_year || ' ' || language || ' ' || phone FROM people WHERE source_id = 'X1'"),
        "María García 1975 es +19195550188"
    );
    assert_eq!(
        f.text("SELECT address_key FROM households WHERE number = '5'"),
        "5|W LAKE RD|3B|CARY|27511"
    );
}

#[test]
fn mapping_files_with_mistakes_are_refused_with_what_to_fix() {
    let err = Mapping::parse("[columns]\nsource_id = \"id\"\nfirst_name = \"f\"\n")
        .expect_err("no address");
    assert!(
        err.to_string().contains("which column holds the address"),
        "{err}"
    );
    let err = Mapping::parse(
        "[columns]\nsource_id = \"id\"\naddress = \"a\"\nfirst_name = \"f\"\nphnoe = \"p\"\n",
    )
    .expect_err("typo");
    assert!(err.to_string().contains("phnoe"), "{err}");
    let err = Mapping::parse(
        "delimiter = \"::\"\n[columns]\nsource_id = \"id\"\naddress = \"a\"\nfirst_name = \"f\"\n",
    )
    .expect_err("delimiter");
    assert!(err.to_string().contains("delimiter"), "{err}");
}

#[test]
fn a_wrong_or_unreadable_file_is_refused_and_changes_nothing() {
    let f = fixture();
    // A VAN file given as ncvoter: the header says so before anything is written.
    let err = VoterReader::new(
        Cursor::new(b"VANID,LastName,FirstName,Address\n1,A,B,1 Main St\n".to_vec()),
        &Format::NcVoter,
        ReadOptions::for_year(2026),
        None,
    )
    .expect_err("wrong format");
    assert!(err.to_string().contains("no \"ncid\" column"), "{err}");
    let err = VoterReader::new(
        Cursor::new(b"\xFF\xFEV\0".to_vec()),
        &Format::Van,
        ReadOptions::for_year(2026),
        None,
    )
    .expect_err("utf-16");
    assert!(matches!(err, ImportError::Utf16));
    let err = VoterReader::new(
        Cursor::new(Vec::new()),
        &Format::Van,
        ReadOptions::for_year(2026),
        None,
    )
    .expect_err("empty");
    assert!(matches!(err, ImportError::Empty));

    /// Good rows, then the disk fails.
    struct Failing(Cursor<Vec<u8>>);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let end = buf.len().min(64);
            let n = self.0.read(&mut buf[..end])?;
            if n == 0 {
                return Err(std::io::Error::other("disk went away"));
            }
            Ok(n)
        }
    }
    let mut text = vec![nc_header()];
    for i in 0..200 {
        text.push(row(&voter(
            &format!("N{i}"),
            "LAST",
            "FIRST",
            &format!("{i} ELM ST"),
        )));
    }
    let input = Failing(Cursor::new(latin1(&(text.join("\n") + "\n"))));
    let err = f
        .import_from(&Format::NcVoter, input, true)
        .expect_err("fatal");
    assert!(matches!(err, ImportError::Io(_)), "{err}");
    assert_eq!(f.count("SELECT COUNT(*) FROM people"), 0);
    assert_eq!(f.count("SELECT COUNT(*) FROM households"), 0);
    assert_eq!(
        f.count("SELECT COUNT(*) FROM imports WHERE summary IS NULL AND finished_at IS NULL"),
        1,
        "the failed attempt is on record, with no summary"
    );
    assert_eq!(f.last_seq(), 0);

    // A full file in which nothing could be imported removes nobody.
    f.import(&Format::NcVoter, &latin1(&(text[..3].join("\n") + "\n")));
    let only_removed = [
        nc_header(),
        row(&with(voter("N0", "L", "F", "0 ELM ST"), "status_cd", "R")),
    ];
    let err = f
        .import_from(
            &Format::NcVoter,
            Cursor::new(latin1(&only_removed.join("\n"))),
            true,
        )
        .expect_err("nothing to import");
    assert!(matches!(err, ImportError::NothingImported));
    assert_eq!(
        f.count("SELECT COUNT(*) FROM people WHERE status = 'active'"),
        2
    );
}

#[test]
fn reimporting_a_newer_file_updates_adds_and_removes_without_duplicates() {
    let f = fixture();
    let first = [
        nc_header(),
        row(&with(
            voter("P1", "ADAMS", "AMY", "1 OAK ST"),
            "full_phone_number",
            "9195550001",
        )),
        row(&voter("P2", "BAKER", "BEN", "2 OAK ST")),
        row(&voter("P3", "CRUZ", "CAL", "3 OAK ST")),
        row(&voter("P4", "DIAZ", "DEE", "9 PINE ST")),
        row(&voter("P5", "EVANS", "EVE", "9 PINE ST")),
    ];
    let (s1, _) = f.import(&Format::NcVoter, &latin1(&first.join("\n")));
    assert_eq!((s1.added, s1.households_added), (5, 4));
    let turf = f.place("OAK ST");
    let placed_seq = f.last_seq();

    let second = [
        nc_header(),
        // P1: new phone (placed: must reach devices).
        row(&with(
            voter("P1", "ADAMS", "AMY", "1 OAK ST"),
            "full_phone_number",
            "919-555-0002",
        )),
        // P2 gone. P3 moved to an unplaced address.
        row(&voter("P3", "CRUZ", "CAL", "50 ELM ST")),
        // P4 unchanged, P5 inactive now, P6 new at a placed door.
        row(&voter("P4", "DIAZ", "DEE", "9 PINE ST")),
        row(&with(
            voter("P5", "EVANS", "EVE", "9 PINE ST"),
            "status_cd",
            "I",
        )),
        row(&voter("P6", "FONG", "FAY", "1 OAK STREET")),
    ];
    let (s2, lines) = f.import(&Format::NcVoter, &latin1(&second.join("\n")));
    assert_eq!(
        lines,
        vec![
            line(
                3,
                "P3",
                "moved to an address that is in no turf yet; cut turfs again to place them"
            ),
            line(
                0,
                "P2",
                "marked removed: not in this file (kept with their history, out of every turf)"
            ),
        ]
    );
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
    assert_eq!(f.count("SELECT COUNT(*) FROM people"), 6, "no duplicates");
    assert_eq!(f.count("SELECT COUNT(DISTINCT source_id) FROM people"), 6);
    assert_eq!(f.count("SELECT COUNT(*) FROM households"), 5);

    // Devices receive P1's change and the newcomer at a placed door, after the household.
    let p1_seq = f.count("SELECT seq FROM people WHERE source_id = 'P1'");
    assert!(p1_seq > placed_seq, "{p1_seq} > {placed_seq}");
    assert_eq!(
        f.text("SELECT phone FROM people WHERE source_id = 'P1'"),
        "+19195550002"
    );
    assert_eq!(
        f.count(&format!(
            "SELECT COUNT(*) FROM people WHERE source_id = 'P6' AND turf_id = {} AND seq > {placed_seq}",
            turf.0
        )),
        1
    );
    // P2 (removed) and P3 (moved away) leave tombstones in the turf and have no turf now.
    assert_eq!(
        f.count(&format!(
            "SELECT COUNT(*) FROM tombstones WHERE turf_id = {} AND seq > {placed_seq}",
            turf.0
        )),
        2
    );
    assert_eq!(
        f.text(
            "SELECT status || ' ' || IFNULL(turf_id, 'none') FROM people WHERE source_id = 'P2'"
        ),
        "removed none"
    );
    assert_eq!(
        f.text("SELECT IFNULL(turf_id, 'none') FROM people WHERE source_id = 'P3'"),
        "none"
    );
    // Unplaced changes do not touch the feed.
    assert_eq!(
        f.text("SELECT status || ' ' || seq FROM people WHERE source_id = 'P5'"),
        "inactive 0"
    );

    // The same file again: nothing changes, nobody is sent to devices.
    let before = f.last_seq();
    let (s3, lines) = f.import(&Format::NcVoter, &latin1(&second.join("\n")));
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(
        (s3.added, s3.updated, s3.unchanged, s3.removed),
        (0, 0, 5, 0)
    );
    assert_eq!(f.last_seq(), before);

    // P2 comes back: reinstated, not duplicated.
    let mut third = second.to_vec();
    third.push(row(&voter("P2", "BAKER", "BEN", "2 OAK ST")));
    let (s4, _) = f.import(&Format::NcVoter, &latin1(&third.join("\n")));
    assert_eq!((s4.added, s4.updated), (0, 1));
    assert_eq!(
        f.text("SELECT status || ' ' || turf_id FROM people WHERE source_id = 'P2'"),
        format!("active {}", turf.0)
    );
    assert_eq!(f.count("SELECT COUNT(*) FROM people"), 6);
}

#[test]
fn a_partial_file_and_another_format_remove_nobody() {
    let f = fixture();
    let nc = [
        nc_header(),
        row(&voter("Q1", "A", "A", "1 OAK ST")),
        row(&voter("Q2", "B", "B", "2 OAK ST")),
    ];
    f.import(&Format::NcVoter, &latin1(&nc.join("\n")));
    let (s, _) = f
        .import_from(
            &Format::NcVoter,
            Cursor::new(latin1(&nc[..2].join("\n"))),
            false,
        )
        .expect("partial");
    assert_eq!((s.unchanged, s.removed), (1, 0));
    let (s, _) = f.import(
        &Format::Van,
        b"VANID,LastName,FirstName,Address,City,Zip5\n9,Z,Z,3 Oak St,Raleigh,27601\n",
    );
    assert_eq!(
        (s.added, s.removed),
        (1, 0),
        "a VAN file never removes ncvoter people"
    );
    assert_eq!(
        f.count("SELECT COUNT(*) FROM people WHERE status = 'removed'"),
        0
    );
}

#[test]
fn a_new_location_for_a_placed_household_reaches_devices_after_its_household() {
    let f = fixture();
    let van = b"VANID,LastName,FirstName,Address,City,Zip5\n1,A,A,1 Oak St,Raleigh,27601\n2,B,B,1 Oak St,Raleigh,27601\n";
    f.import(&Format::Van, van);
    f.place("OAK ST");
    let placed = f.last_seq();
    let geo = b"address,city,zip,latitude,longitude\n1 Oak Street,RALEIGH,27601,35.78,-78.64\n\
        99 Nowhere Rd,Raleigh,27601,35.7,-78.6\n1 Oak St,Raleigh,27601,,\n";
    let mut lines = Vec::new();
    let summary = f
        .store
        .set_locations(
            f.campaign,
            GeoReader::new(Cursor::new(geo.to_vec())).expect("header"),
            &mut |row, issue| {
                lines.push((row, issue.reason()));
                Ok(())
            },
        )
        .expect("geocode");
    assert_eq!(
        lines,
        vec![
            (3, GeoIssue::Unmatched.reason()),
            (4, GeoIssue::BadLocation.reason())
        ]
    );
    assert_eq!(
        (summary.updated, summary.unmatched, summary.bad_rows),
        (1, 1, 1)
    );
    assert_eq!(
        summary.sent_to_devices, 3,
        "the household and its two people"
    );
    let household_seq = f.count("SELECT seq FROM households");
    assert!(household_seq > placed);
    assert_eq!(
        f.count(&format!(
            "SELECT COUNT(*) FROM people WHERE seq > {household_seq}"
        )),
        2,
        "people follow their household in the feed"
    );
    assert_eq!(
        f.text("SELECT lat || ',' || lon FROM households"),
        "35.78,-78.64"
    );
}

#[test]
fn the_import_file_runner_writes_the_report_only_on_success() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("county.txt");
    let text = [
        nc_header(),
        row(&voter("R1", "A", "A", "1 OAK ST")),
        row(&with(voter("R2", "B", "B", "2 OAK ST"), "status_cd", "R")),
    ];
    std::fs::write(&file, latin1(&text.join("\n"))).expect("write");
    let request = run::ImportRequest {
        campaign: f.campaign,
        format: Format::NcVoter,
        file: file.clone(),
        report: None,
        full_file: true,
        show_progress: false,
        lang: crate::lang::Lang::En,
    };
    let done = run::import_file(&f.store, &request).expect("import");
    assert_eq!(done.report, dir.path().join("county-import-report.csv"));
    assert_eq!(
        std::fs::read_to_string(&done.report).expect("report"),
        "row,source_id,reason\n3,R2,not imported: removed from the voter rolls (status R)\n"
    );
    assert_eq!(
        f.text("SELECT file_name || ' ' || format FROM imports"),
        "county.txt ncvoter"
    );
    std::fs::remove_file(&done.report).expect("rm");
    let wrong = run::ImportRequest {
        format: Format::Van,
        ..request.clone()
    };
    assert!(run::import_file(&f.store, &wrong).is_err());
    let no_campaign = run::ImportRequest {
        campaign: CampaignId(99),
        ..request
    };
    let err = run::import_file(&f.store, &no_campaign).expect_err("no campaign");
    assert!(err.to_string().contains("no such campaign"), "{err}");
    assert!(!done.report.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("report"))
        .collect();
    assert!(left.is_empty(), "no report, whole or partial: {left:?}");
}

#[test]
fn the_year_of_a_timestamp() {
    assert_eq!(year_of(0), 1970);
    assert_eq!(year_of(1_800_000_000_000), 2027);
    assert_eq!(year_of(1_767_225_599_000), 2025);
    assert_eq!(year_of(1_767_225_600_000), 2026);
}

/// A campaign's first import inserts without looking every row up (the unique index tells
/// it of a repeated voter id); a later import looks up. Both must give the same report and
/// the same rows: a duplicate at an address of its own leaves no empty household behind.
#[test]
fn duplicates_are_caught_the_same_on_a_first_import_and_on_a_later_one() {
    let file = |extra: &str| {
        format!(
            "Voter File VANID,LastName,FirstName,Address,City,State,Zip5\n\
             1,Ng,Kim,1 Oak St,Durham,NC,27701\n\
             2,Ng,Lee,1 Oak St,Durham,NC,27701\n\
             1,Ng,Kim,99 Far Rd,Durham,NC,27701\n\
             {extra}"
        )
    };
    let first = fixture();
    let (summary, lines) = first.import(&Format::Van, file("").as_bytes());
    assert_eq!(
        lines,
        vec![line(
            4,
            "1",
            "not imported: the same voter id is on an earlier row, which was kept"
        )]
    );
    assert_eq!((summary.added, summary.households_added), (2, 1));
    assert_eq!(
        first.count("SELECT COUNT(*) FROM households WHERE address_key <> ''"),
        1
    );
    assert_eq!(first.count("SELECT COUNT(*) FROM people"), 2);

    // The same file again, with a new voter: the look-up path, the same answers.
    let (summary, lines) = first.import(
        &Format::Van,
        file("3,Ng,Max,5 Elm St,Durham,NC,27701\n").as_bytes(),
    );
    assert_eq!(
        lines,
        vec![line(
            4,
            "1",
            "not imported: the same voter id is on an earlier row, which was kept"
        )]
    );
    assert_eq!(
        (summary.added, summary.unchanged, summary.households_added),
        (1, 2, 1)
    );
    assert_eq!(
        first.count("SELECT COUNT(*) FROM households WHERE address_key <> ''"),
        2
    );
    assert_eq!(first.count("SELECT COUNT(*) FROM people"), 3);
    assert_eq!(
        first.count(
            "SELECT COUNT(*) FROM households h WHERE NOT EXISTS
                 (SELECT 1 FROM people p WHERE p.household_id = h.id)"
        ),
        0,
        "no household without people"
    );
}

#[test]
fn the_census_geocoders_batch_output_is_read_as_it_comes() {
    let f = fixture();
    let van = b"VANID,LastName,FirstName,Address,City,Zip5\n1,A,A,1 Oak St,Raleigh,27601\n2,B,B,7 Elm Ave,Raleigh,27601\n";
    f.import(&Format::Van, van);
    // As the Census Geocoder returns a batch: no header, "lon,lat" in one field.
    let census = b"\"1\",\"1 Oak St, Raleigh, NC, 27601\",\"Match\",\"Exact\",\"1 OAK ST, RALEIGH, NC, 27601\",\"-78.640000,35.780000\",\"123456\",\"L\"\n\
        \"2\",\"7 Elm Ave, Raleigh, NC, 27601\",\"No_Match\"\n\
        \"3\",\"9 Pine Rd, Raleigh, NC, 27601\",\"Match\",\"Non_Exact\",\"9 PINE RD, RALEIGH, NC, 27601\",\"-78.6,35.7\",\"7\",\"R\"\n";
    let mut lines = Vec::new();
    let summary = f
        .store
        .set_locations(
            f.campaign,
            GeoReader::new(Cursor::new(census.to_vec())).expect("census output"),
            &mut |row, issue| {
                lines.push((row, issue.reason()));
                Ok(())
            },
        )
        .expect("geocode");
    assert_eq!(
        lines,
        vec![
            (2, GeoIssue::CensusNoMatch.reason()),
            (3, GeoIssue::Unmatched.reason())
        ]
    );
    assert_eq!((summary.rows, summary.updated), (3, 1));
    assert_eq!(
        f.text("SELECT lat || ',' || lon FROM households WHERE number = '1'"),
        "35.78,-78.64",
        "latitude and longitude the right way round"
    );
}
