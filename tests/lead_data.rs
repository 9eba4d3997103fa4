//! The field lead's campaign data from the app's engine, against the real server over
//! HTTP: a VAN export uploaded (with a bad row) and followed to its summary and report; a
//! re-upload of a changed file updating, never duplicating; map coordinates from a geocoding
//! file (with its report, and a file without locations refused); turfs cut by area; a call
//! list made with a script; a script saved, saved again unchanged, and refused with its
//! line; and a volunteer's device refused every one of these.

use groundgame::sync::client::campaign_data::{
    CutBy, ExportFormat, ImportFormat, ImportStatus, VoterUpload,
};
use groundgame::sync::{HttpTransport, SyncError};
use groundgame::ui::views::lead::campaign_data::csv_rows;
use groundgame_core::event::Channel;
use groundgame_core::EventBody;

use crate::support::fixture::small_campaign;
use crate::support::{temp_dir, TestDevice, TestServer};

const SCRIPT: &str = include_str!("../server/examples/scripts/canvass.toml");

fn van(rows: &[&str]) -> Vec<u8> {
    let mut text =
        String::from("Voter File VANID,LastName,FirstName,Address,City,Zip5,Cell Phone,Precinct\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.into_bytes()
}

async fn wait_done<T: groundgame::sync::Transport>(
    device: &TestDevice<T>,
    id: uuid::Uuid,
) -> groundgame::sync::client::campaign_data::ImportJobResponse {
    for _ in 0..200 {
        let job = device.engine.api().import_job(id).await.expect("job");
        if job.status != ImportStatus::Running {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish in 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_imports_cuts_makes_a_list_and_saves_a_script_from_the_app() {
    let server = TestServer::start().await;
    let fx = small_campaign(server.store.as_ref(), 1, 2, 1);
    let dir = temp_dir();
    let http = || HttpTransport::new(&server.url).expect("http");
    let lead = TestDevice::join(dir.path(), "lead", &server.url, &fx.lead_invite, http()).await;
    let ana = TestDevice::join(dir.path(), "ana", &server.url, &fx.volunteer_invite, http()).await;

    // Import: three good rows (two at one door), one without an address.
    let upload = VoterUpload {
        format: ImportFormat::Van,
        full_file: true,
        file_name: "county export.csv".into(),
        mapping: None,
        bytes: van(&[
            "V1,Peña,Ana,12 Oak Ave,Durham,27701,919-555-0101,P1",
            "V2,Peña,Luis,12 OAK AVENUE,Durham,27701,(919) 555-0102,P1",
            "V3,Smith,Jo,40 Elm St,Durham,27701,9195550103,P2",
            "V4,Doe,Sam,,Durham,27701,9195550104,P2",
        ]),
    };
    let job = lead
        .engine
        .api()
        .start_import(&upload)
        .await
        .expect("upload");
    assert_eq!(job.file_name, "county_export.csv", "the name made safe");
    let job = wait_done(&lead, job.id).await;
    assert_eq!(job.status, ImportStatus::Done, "{:?}", job.error);
    assert_eq!(job.percent, 100.0);
    let counts = job.summary.clone().expect("summary");
    assert_eq!(
        (counts.rows, counts.added, counts.households_added),
        (4, 3, 2)
    );
    assert_eq!(counts.skipped_total(), 1);
    let report = lead
        .engine
        .api()
        .import_report(job.id, 50)
        .await
        .expect("report");
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(
        (report[0].row.as_str(), report[0].source_id.as_str()),
        ("5", "V4")
    );
    assert!(report[0].reason.contains("address"), "{}", report[0].reason);

    // The same file with one change: updated, not duplicated.
    let again = VoterUpload {
        bytes: van(&[
            "V1,Peña,Ana María,12 Oak Ave,Durham,27701,919-555-0101,P1",
            "V2,Peña,Luis,12 OAK AVENUE,Durham,27701,(919) 555-0102,P1",
            "V3,Smith,Jo,40 Elm St,Durham,27701,9195550103,P2",
        ]),
        ..upload.clone()
    };
    let job = lead
        .engine
        .api()
        .start_import(&again)
        .await
        .expect("upload");
    let counts = wait_done(&lead, job.id).await.summary.expect("summary");
    assert_eq!((counts.added, counts.updated, counts.unchanged), (0, 1, 2));

    // Map coordinates from a geocoding file (any spelling of the address), then turfs by
    // area, then a call list with the script.
    let geo = b"address,city,zip,lat,lon\n\
                12 Oak Avenue,Durham,27701,35.99,-78.90\n\
                40 ELM ST,Durham,27701,35.98,-78.91\n\
                99 Nowhere Rd,Durham,27701,35.90,-78.90\n\
                40 Elm St,Durham,27701,north,-78.91\n";
    let located = lead.engine.api().geocode(geo).await.expect("geocode");
    assert_eq!(
        (
            located.rows,
            located.located,
            located.unmatched,
            located.bad_rows
        ),
        (4, 2, 1, 1)
    );
    let rows: Vec<u64> = located.report.iter().map(|l| l.row).collect();
    assert_eq!(rows, vec![4, 5], "{:?}", located.report);
    match lead
        .engine
        .api()
        .geocode(b"address,city,zip\n1 Oak Ave,Durham,27701\n")
        .await
    {
        Err(SyncError::Server {
            status: 422,
            message,
            ..
        }) => assert!(message.contains("lat"), "{message}"),
        other => panic!("a file without locations must be refused: {other:?}"),
    }
    let cut = lead
        .engine
        .api()
        .cut_turfs(CutBy::Area, 60)
        .await
        .expect("cut");
    assert_eq!(cut.turfs.iter().map(|t| t.doors).sum::<u32>(), 2);
    assert_eq!(cut.without_coordinates, 0);
    let again = lead
        .engine
        .api()
        .cut_turfs(CutBy::Street, 60)
        .await
        .expect("cut");
    assert!(again.turfs.is_empty(), "every household is in a turf now");

    // The lead's own device (its scope is the whole campaign) talks with Ana Peña at her
    // door; the results export has that one attempt, with her voter id.
    lead.engine.sync_until_drained(5).await.expect("download");
    let turf = cut.turfs[0].id;
    let door = lead
        .store
        .households(turf)
        .expect("households")
        .into_iter()
        .find(|h| h.number == "12")
        .expect("12 Oak Ave")
        .id;
    let ana_pena = lead
        .store
        .people(door)
        .expect("people")
        .into_iter()
        .find(|p| p.source_id == "V1")
        .expect("V1")
        .id;
    lead.store
        .record(
            door,
            Some(ana_pena),
            EventBody::Contact {
                channel: Channel::Door,
                result: "talked".into(),
                call_back_at: None,
            },
        )
        .expect("knock");
    lead.engine.sync_until_drained(5).await.expect("push");
    let csv = lead
        .engine
        .api()
        .export_results(ExportFormat::Full)
        .await
        .expect("export");
    assert_eq!(csv_rows(&csv), 1);
    let text = String::from_utf8(csv).expect("utf-8");
    assert!(
        text.lines().nth(1).is_some_and(|row| row.contains("V1")),
        "{text}"
    );
    let van = lead
        .engine
        .api()
        .export_results(ExportFormat::Van)
        .await
        .expect("export");
    assert_eq!(csv_rows(&van), 1);

    let saved = lead.engine.api().save_script(SCRIPT).await.expect("script");
    assert_eq!((saved.version, saved.created), (1, true));
    let same = lead.engine.api().save_script(SCRIPT).await.expect("script");
    assert_eq!((same.version, same.created), (1, false));
    let broken = SCRIPT.replacen("next = \"", "next = \"nowhere-", 1);
    match lead.engine.api().save_script(&broken).await {
        Err(SyncError::Server {
            status: 422,
            message,
            ..
        }) => {
            assert!(message.contains("line "), "{message}");
            assert!(message.contains("nowhere-"), "{message}");
        }
        other => panic!("a broken script must be refused with its line: {other:?}"),
    }
    // The app in Spanish: its transport asks for Spanish, and the problems come in it.
    lead.engine.transport().set_language("es");
    match lead.engine.api().save_script(&broken).await {
        Err(SyncError::Server {
            status: 422,
            message,
            ..
        }) => {
            assert!(
                message.starts_with("el guion tiene 1 problema:\nlínea "),
                "{message}"
            );
            assert!(
                message.contains("no es una pregunta de este guion"),
                "{message}"
            );
        }
        other => panic!("a broken script must be refused in Spanish: {other:?}"),
    }
    lead.engine.transport().set_language("en");
    let scripts = lead.engine.api().scripts().await.expect("scripts");
    assert!(scripts
        .iter()
        .any(|s| s.key == saved.key && s.latest_version == 1));

    let list = lead
        .engine
        .api()
        .create_call_list("Evening P1", &["P1".to_string()], Some(&saved.key))
        .await
        .expect("call list");
    // Ana and Luis: two numbers at one door, both in P1.
    assert_eq!(list.members, 2, "{list:?}");
    let cached = lead.engine.api().refresh_lead().await.expect("refresh");
    assert!(cached
        .snapshot
        .call_lists
        .iter()
        .any(|l| l.name == "Evening P1" && l.members == 2));

    // A volunteer's device may do none of it.
    let refused = |e: SyncError| matches!(e, SyncError::Server { status: 403, .. });
    assert!(refused(
        ana.engine
            .api()
            .start_import(&upload)
            .await
            .expect_err("import")
    ));
    assert!(refused(
        ana.engine
            .api()
            .cut_turfs(CutBy::Precinct, 10)
            .await
            .expect_err("cut")
    ));
    assert!(refused(
        ana.engine.api().geocode(geo).await.expect_err("geocode")
    ));
    assert!(refused(
        ana.engine
            .api()
            .export_results(ExportFormat::Full)
            .await
            .expect_err("export")
    ));
    assert!(refused(
        ana.engine
            .api()
            .save_script(SCRIPT)
            .await
            .expect_err("script")
    ));
    assert!(refused(
        ana.engine
            .api()
            .create_call_list("Mine", &[], None)
            .await
            .expect_err("list")
    ));
}
