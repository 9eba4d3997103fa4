//! A campaign from a voter file, end to end through the real `groundgame-server` binary: the
//! lead makes a campaign, imports a North Carolina file (Latin-1, CRLF, a removed voter),
//! cuts turfs, loads the bilingual script, makes a call list and invites; a canvasser's
//! device downloads the turf over HTTP and records a knock; a newer file is imported while
//! the server runs (one voter gone, one added, one changed) and the device follows at its
//! next sync; the results export carries the knock once, with the voter's `ncid`.

use std::path::Path;

use groundgame::sync::HttpTransport;
use groundgame_core::event::Channel;
use groundgame_core::{EventBody, HouseholdId, TurfId};
use groundgame_server::import::columns::NCVOTER_COLUMNS;

use crate::support::process::{server_command, ServerProcess, TestDatabase};
use crate::support::{temp_dir, TestDevice};

/// The campaign's server started on `db`, and a canvasser's phone joined with a volunteer
/// invite and put on `turf` by a lead's device (both invites made with the command line).
pub(crate) async fn canvasser_on(
    dir: &Path,
    db: &TestDatabase,
    campaign: &str,
    turf: TurfId,
) -> (ServerProcess, TestDevice<HttpTransport>) {
    let data = db.arg.as_str();
    let invite = |role| {
        server_command(&[
            "invite",
            "--data",
            data,
            "--campaign",
            campaign,
            "--role",
            role,
        ])
    };
    let (volunteer, lead) = (invite("volunteer"), invite("lead"));
    let server = ServerProcess::start_on(db, "127.0.0.1:0", &[]);
    let http = || HttpTransport::new(&server.url).expect("http");
    let phone = TestDevice::join(
        dir,
        "ana",
        &server.url,
        value(&volunteer, "volunteer invite:"),
        http(),
    )
    .await;
    let lead = TestDevice::join(
        dir,
        "lee",
        &server.url,
        value(&lead, "lead invite:"),
        http(),
    )
    .await;
    lead.engine
        .api()
        .set_assignees(turf, &[phone.volunteer()])
        .await
        .expect("assign");
    (server, phone)
}

/// One ncvoter row: the named columns set, every other column empty.
pub(crate) fn row(values: &[(&str, &str)]) -> String {
    NCVOTER_COLUMNS
        .iter()
        .map(|column| {
            let value = values
                .iter()
                .find(|(name, _)| name == column)
                .map_or("", |(_, v)| *v);
            format!("\"{value}\"")
        })
        .collect::<Vec<_>>()
        .join("\t")
}

fn voter(ncid: &str, first: &str, last: &str, address: &str, phone: &str, status: &str) -> String {
    row(&[
        ("ncid", ncid),
        ("first_name", first),
        ("last_name", last),
        ("status_cd", status),
        ("res_street_address", address),
        ("res_city_desc", "DURHAM"),
        ("zip_code", "27701"),
        ("full_phone_number", phone),
        ("party_cd", "DEM"),
        ("birth_year", "1980"),
        ("precinct_abbrv", "P1"),
        ("confidential_ind", "N"),
    ])
}

/// Write the file as the State Board does: tab-separated, quoted, Latin-1, CRLF.
pub(crate) fn write_ncvoter(path: &Path, rows: &[String]) {
    let header: Vec<String> = NCVOTER_COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    let mut text = header.join("\t");
    for r in rows {
        text.push_str("\r\n");
        text.push_str(r);
    }
    text.push_str("\r\n");
    let latin1: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("latin-1"))
        .collect();
    std::fs::write(path, latin1).expect("write the voter file");
}

/// The number after `label` in the command's output (`added:            3`).
pub(crate) fn count(output: &str, label: &str) -> u64 {
    output
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {label:?} in:\n{output}"))
}

pub(crate) fn value<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in:\n{output}"))
        .trim()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voter_file_becomes_a_walked_turf_and_comes_back_as_results() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "campaign");
    let data = db.arg.as_str();
    let file = dir.path().join("ncvoter32.txt");
    let file_arg = file.to_str().expect("utf-8 path");

    // A campaign is made with its time zone, and only with a real one.
    for (zone, says) in [
        (None, "needs its time zone"),
        (Some("Eastern"), "is not a time zone name"),
    ] {
        let mut args = vec!["campaign", "--data", data, "--name", "Durham for All"];
        args.extend(zone.map(|z| ["--time-zone", z]).into_iter().flatten());
        let out = std::process::Command::new(crate::support::process::server_binary())
            .args(&args)
            .output()
            .expect("run groundgame-server");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(says),
            "{args:?}: {err}"
        );
    }
    let made = server_command(&[
        "campaign",
        "--data",
        data,
        "--name",
        "Durham for All",
        "--time-zone",
        "America/New_York",
    ]);
    let campaign = value(&made, "campaign ").to_string();
    assert_eq!(value(&made, "time zone "), "America/New_York");
    let listed = server_command(&["campaign", "--data", data]);
    assert!(
        listed.contains(&format!("{campaign}\tDurham for All\tAmerica/New_York")),
        "{listed}"
    );
    write_ncvoter(
        &file,
        &[
            voter("AA1", "JOSÉ", "GARCÍA", "12 OAK ST", "(919) 555-0101", "A"),
            voter("AA2", "LUIS", "GARCÍA", "12 OAK ST", "", "A"),
            voter("AA3", "JO", "SMITH", "14 OAK ST", "", "R"),
            voter("AA4", "KIM", "LEE", "3 ELM AVE APT 2", "919.555.0104", "I"),
        ],
    );
    let first = server_command(&[
        "import",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--format",
        "ncvoter",
        "--file",
        file_arg,
    ]);
    assert_eq!(count(&first, "added:"), 3, "{first}");
    assert_eq!(count(&first, "households added:"), 2, "{first}");
    assert_eq!(
        count(&first, "not imported:"),
        1,
        "the removed voter: {first}"
    );

    let cut = server_command(&[
        "cut",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--by",
        "street",
        "--doors",
        "10",
    ]);
    assert_eq!(value(&cut, "turfs made:"), "1", "{cut}");
    let turf: i64 = value(&cut, "turf ")
        .split(':')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("turf id");
    server_command(&[
        "script",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--file",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/server/examples/scripts/canvass.toml"
        ),
    ]);
    let calls = server_command(&[
        "call-list",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--name",
        "Calls",
        "--script",
        "canvass",
    ]);
    assert!(
        calls.contains(": 2 to call"),
        "José and Kim have phones: {calls}"
    );
    let (_server, phone) = canvasser_on(dir.path(), &db, &campaign, TurfId(turf)).await;
    phone.engine.sync_until_drained(5).await.expect("download");

    let doors = phone.store.households(TurfId(turf)).expect("households");
    assert_eq!(doors.len(), 2);
    let oak = doors
        .iter()
        .find(|h| h.street == "OAK ST")
        .expect("12 Oak St")
        .id;
    let names = |h: HouseholdId| -> Vec<String> {
        let mut n: Vec<String> = phone
            .store
            .people(h)
            .expect("people")
            .into_iter()
            .map(|p| format!("{} {} {}", p.source_id, p.first_name, p.last_name))
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(oak), vec!["AA1 JOSÉ GARCÍA", "AA2 LUIS GARCÍA"]);
    let config = phone.store.campaign().expect("config").expect("campaign");
    assert!(
        config.door_script().is_some(),
        "the script came with the turf"
    );
    let jose = phone
        .store
        .people(oak)
        .expect("people")
        .into_iter()
        .find(|p| p.source_id == "AA1")
        .expect("José")
        .id;
    phone
        .store
        .record(
            oak,
            Some(jose),
            EventBody::Contact {
                channel: Channel::Door,
                result: "talked".into(),
                call_back_at: None,
            },
        )
        .expect("record");
    phone.engine.sync_until_drained(5).await.expect("push");

    // A newer file while the server runs: Luis gone, Kim's phone changed, Ana new at 12 Oak.
    write_ncvoter(
        &file,
        &[
            voter("AA1", "JOSÉ", "GARCÍA", "12 OAK ST", "(919) 555-0101", "A"),
            voter("AA4", "KIM", "LEE", "3 ELM AVE APT 2", "919.555.0199", "I"),
            voter("AA5", "ANA", "GARCÍA", "12 OAK ST", "", "A"),
        ],
    );
    let second = server_command(&[
        "import",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--format",
        "ncvoter",
        "--file",
        file_arg,
    ]);
    assert_eq!(count(&second, "added:"), 1, "{second}");
    assert_eq!(count(&second, "updated:"), 1, "{second}");
    assert_eq!(count(&second, "unchanged:"), 1, "{second}");
    assert_eq!(count(&second, "removed:"), 1, "{second}");
    phone
        .engine
        .sync_until_drained(5)
        .await
        .expect("follow the new file");
    assert_eq!(names(oak), vec!["AA1 JOSÉ GARCÍA", "AA5 ANA GARCÍA"]);
    let elm = doors
        .iter()
        .find(|h| h.street == "ELM AVE")
        .expect("3 Elm Ave")
        .id;
    let kim = phone.store.people(elm).expect("people");
    assert_eq!(kim.len(), 1);
    assert_eq!(kim[0].phone.as_deref(), Some("+19195550199"));

    let out = dir.path().join("results.csv");
    let exported = server_command(&[
        "export",
        "--data",
        data,
        "--campaign",
        &campaign,
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(exported.contains("exported 1 events"), "{exported}");
    let csv = std::fs::read_to_string(&out).expect("results");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(
        rows[0].contains(",AA1,"),
        "the knock carries José's ncid: {csv}"
    );
    assert!(rows[0].contains("talked"), "{csv}");
}
