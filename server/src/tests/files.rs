//! Campaign data in and out over HTTP: a voter file uploaded and imported in the background
//! with progress and a report; script files stored as versions with line-numbered errors;
//! the results CSV streamed. Leads of the campaign only.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use groundgame_core::protocol::codes;

use super::harness::{event_at, knock, Device, Harness, Response};
use groundgame_core::protocol::campaign_data::{
    ImportJobResponse, ImportStatus, ScriptList, ScriptSaved,
};

const VAN_FILE: &str =
    "Voter File VANID,LastName,FirstName,Address,City,State,Zip5,Cell Phone,Party,Precinct\n\
101,Peña,Ana,\"12 Oak Ave, Apt 2\",Durham,NC,27701,+1 919 555 0101,D,DU-1\n\
102,Smith,Jo,40 Elm St,Durham,NC,27701,call me,R,DU-2\n\
103,,,,,,,,,\n\
104,Ng,Kim,41 Elm St,Durham,NC,27701,919-555-0104,U,DU-2\n";

const SCRIPT: &str = include_str!("../../examples/scripts/canvass.toml");

async fn upload(h: &Harness, token: &str, query: &str, body: Vec<u8>, gzip: bool) -> Response {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/imports?{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv");
    let body = if gzip {
        builder = builder.header(header::CONTENT_ENCODING, "gzip");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &body).expect("gzip");
        enc.finish().expect("gzip")
    } else {
        body
    };
    h.send(builder.body(Body::from(body)).expect("request"))
        .await
}

/// The sentence of an error answer.
fn error_message(r: &Response) -> String {
    r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn get(h: &Harness, path: &str, token: &str) -> Response {
    h.call(Method::GET, path, Some(token), None).await
}

/// The job's report, which must be there, as CSV text.
async fn report_text(h: &Harness, lead: &Device, id: uuid::Uuid) -> String {
    let report = get(h, &format!("/api/v1/imports/{id}/report"), &lead.token).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.headers[header::CONTENT_TYPE]
        .to_str()
        .expect("type")
        .starts_with("text/csv"));
    String::from_utf8(report.body).expect("utf-8")
}

/// Poll the job until it is no longer running.
async fn finished(h: &Harness, lead: &Device, id: uuid::Uuid) -> ImportJobResponse {
    for _ in 0..200 {
        let r = get(h, &format!("/api/v1/imports/{id}"), &lead.token).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        let job: ImportJobResponse = r.parse();
        if job.status != ImportStatus::Running {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the import did not finish in 5 s");
}

fn people(h: &Harness) -> u64 {
    let on_pg = h.on_postgres(|pg| {
        let n: i64 = pg
            .query_one(
                "SELECT count(*) FROM people WHERE campaign_id = $1 AND import_id IS NOT NULL",
                &[&h.campaign.0],
            )
            .expect("count")
            .get(0);
        n as u64
    });
    if let Some(n) = on_pg {
        return n;
    }
    let conn = rusqlite::Connection::open(h.sqlite().path()).expect("open");
    conn.query_row(
        "SELECT count(*) FROM people WHERE campaign_id = ?1 AND import_id IS NOT NULL",
        [h.campaign.0],
        |r| r.get(0),
    )
    .expect("count")
}

#[tokio::test]
async fn a_lead_uploads_a_voter_file_and_follows_it_to_its_report() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let r = upload(
        &h,
        &lead.token,
        "format=van&file_name=..%2Fdurham%20van.csv",
        VAN_FILE.as_bytes().to_vec(),
        true,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let started: ImportJobResponse = r.parse();
    assert_eq!(
        started.total_bytes,
        VAN_FILE.len() as u64,
        "decompressed size"
    );
    assert_eq!(started.file_name, "durham_van.csv", "a safe name, no path");

    let job = finished(&h, &lead, started.id).await;
    assert_eq!(job.status, ImportStatus::Done, "{:?}", job.error);
    assert_eq!(job.percent, 100.0);
    assert_eq!(job.bytes_read, job.total_bytes);
    let summary = job.summary.expect("summary");
    assert_eq!((summary.rows, summary.added), (4, 3));
    assert_eq!(summary.skipped.values().sum::<u64>(), 1);
    assert_eq!(people(&h), 3);

    let text = report_text(&h, &lead, job.id).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "row,source_id,reason");
    assert!(
        lines.iter().any(|l| l.starts_with("3,102,")),
        "the bad phone is reported on its row: {text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("4,103,")),
        "the row with no name or address is reported: {text}"
    );
    assert_eq!(job.report_lines as usize, lines.len() - 1);

    // Importing the same file again updates nobody and duplicates nobody.
    let again: ImportJobResponse = upload(&h, &lead.token, "format=van", VAN_FILE.into(), false)
        .await
        .parse();
    let again = finished(&h, &lead, again.id).await;
    let summary = again.summary.expect("summary");
    assert_eq!((summary.added, summary.unchanged), (0, 3));
    assert_eq!(people(&h), 3);
}

/// App versions before the fix gzip a `.gz` file once more for the upload: the server takes
/// one layer off the request and opens the gzip file inside.
#[tokio::test]
async fn a_gzip_file_gzipped_again_for_the_upload_is_imported() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, VAN_FILE.as_bytes()).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let r = upload(
        &h,
        &lead.token,
        "format=van&file_name=van.csv.gz",
        gz.clone(),
        true,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let started: ImportJobResponse = r.parse();
    assert_eq!(started.total_bytes, gz.len() as u64, "the file as stored");
    let job = finished(&h, &lead, started.id).await;
    assert_eq!(job.status, ImportStatus::Done, "{:?}", job.error);
    assert_eq!(job.bytes_read, job.total_bytes);
    let summary = job.summary.expect("summary");
    assert_eq!((summary.rows, summary.added), (4, 3));
    assert_eq!(people(&h), 3);
}

#[tokio::test]
async fn a_file_nothing_can_be_imported_from_fails_with_its_report_and_changes_nothing() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let file = "Voter File VANID,LastName,FirstName,Address,City,State,Zip5\n,,,,,,\n7,,,,,,\n";
    let started: ImportJobResponse = upload(
        &h,
        &lead.token,
        "format=van&full_file=true",
        file.into(),
        false,
    )
    .await
    .parse();
    let job = finished(&h, &lead, started.id).await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(
        job.error
            .as_deref()
            .unwrap_or_default()
            .contains("nothing was changed"),
        "{:?}",
        job.error
    );
    assert!(job.report, "the report says why each row was skipped");
    let report = get(
        &h,
        &format!("/api/v1/imports/{}/report", job.id),
        &lead.token,
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(people(&h), 0);

    // A file without the columns the format needs: the error names them.
    let started: ImportJobResponse = upload(
        &h,
        &lead.token,
        "format=ncvoter",
        b"a,b\n1,2\n".to_vec(),
        false,
    )
    .await
    .parse();
    let job = finished(&h, &lead, started.id).await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(
        job.error.as_deref().unwrap_or_default().contains("ncid"),
        "{:?}",
        job.error
    );
    assert!(!job.report);
    let report = get(
        &h,
        &format!("/api/v1/imports/{}/report", job.id),
        &lead.token,
    )
    .await;
    assert_eq!(report.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_import_requests_get_clear_errors() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let cases: &[(&str, &[u8], StatusCode, &str)] = &[
        ("format=van", b"", StatusCode::UNPROCESSABLE_ENTITY, "empty"),
        (
            "format=mapped",
            b"x",
            StatusCode::UNPROCESSABLE_ENTITY,
            "mapping",
        ),
        (
            "format=mapped&mapping=not%20toml%20%5B",
            b"x",
            StatusCode::UNPROCESSABLE_ENTITY,
            "mapping",
        ),
        (
            "format=van&mapping=x",
            b"x",
            StatusCode::UNPROCESSABLE_ENTITY,
            "only for format=mapped",
        ),
        ("format=excel", b"x", StatusCode::BAD_REQUEST, ""),
        ("", b"x", StatusCode::BAD_REQUEST, ""),
        ("format=van&colour=red", b"x", StatusCode::BAD_REQUEST, ""),
    ];
    for (query, body, status, words) in cases {
        let r = upload(&h, &lead.token, query, body.to_vec(), false).await;
        let text = String::from_utf8_lossy(&r.body).to_string();
        assert_eq!(r.status, *status, "{query}: {text}");
        assert!(text.contains(words), "{query}: {text}");
    }
    assert_eq!(people(&h), 0);
    let r = get(&h, "/api/v1/imports/not-a-uuid", &lead.token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = get(
        &h,
        &format!("/api/v1/imports/{}", uuid::Uuid::new_v4()),
        &lead.token,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_the_campaigns_leads_reach_imports_scripts_and_exports() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let other_lead = h.register(&h.other_lead_invite, "Oz").await;
    let volunteer = h.register(&h.volunteer_invite, "Vic").await;
    let started: ImportJobResponse = upload(&h, &lead.token, "format=van", VAN_FILE.into(), false)
        .await
        .parse();
    let job = finished(&h, &lead, started.id).await;
    let status_path = format!("/api/v1/imports/{}", job.id);
    let report_path = format!("/api/v1/imports/{}/report", job.id);

    // Another campaign's lead cannot see that the import exists.
    for path in [&status_path, &report_path] {
        let r = get(&h, path, &other_lead.token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    // A volunteer is refused everything.
    for path in [
        status_path.as_str(),
        report_path.as_str(),
        "/api/v1/scripts",
        "/api/v1/export",
    ] {
        let r = get(&h, path, &volunteer.token).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(r.error_code(), codes::FORBIDDEN);
    }
    let r = upload(&h, &volunteer.token, "format=van", VAN_FILE.into(), false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = h
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/scripts")
                .header(header::AUTHORIZATION, format!("Bearer {}", volunteer.token))
                .body(Body::from(SCRIPT))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // No token at all.
    let r = h.call(Method::GET, "/api/v1/export", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(people(&h), 3, "only the lead's import happened");
}

async fn post_script(h: &Harness, token: &str, text: &str) -> Response {
    h.send(
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/scripts")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/toml")
            .body(Body::from(text.to_string()))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn script_files_are_stored_as_versions_and_mistakes_name_their_lines() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let r = post_script(&h, &lead.token, SCRIPT).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let first: ScriptSaved = r.parse();
    assert_eq!((first.version, first.created), (1, true));
    assert!(first.questions > 0);

    let r = post_script(&h, &lead.token, SCRIPT).await;
    assert_eq!(r.status, StatusCode::OK);
    let same: ScriptSaved = r.parse();
    assert_eq!((same.version, same.created), (1, false));

    let changed = SCRIPT.replacen(
        "name_en = \"Door canvass\"",
        "name_en = \"Door canvass, second week\"",
        1,
    );
    assert_ne!(changed, SCRIPT, "the example has an English name");
    let second: ScriptSaved = post_script(&h, &lead.token, &changed).await.parse();
    assert_eq!((second.version, second.created), (2, true));

    let list: ScriptList = get(&h, "/api/v1/scripts", &lead.token).await.parse();
    assert!(list
        .scripts
        .iter()
        .any(|s| s.key == first.key && s.latest_version == 2));

    // A branch to a question that does not exist, and TOML that is not TOML.
    let broken = SCRIPT.replacen("next = \"", "next = \"nowhere-", 1);
    assert_ne!(broken, SCRIPT, "the example has a branch");
    let r = post_script(&h, &lead.token, &broken).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_message(&r);
    assert!(message.contains("line "), "{message}");
    assert!(message.contains("nowhere-"), "{message}");

    let r = post_script(&h, &lead.token, "key = \"x\"\n[[questions]\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_message(&r);
    assert!(message.contains("line 2"), "{message}");

    let r = h
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/scripts")
                .header(header::AUTHORIZATION, format!("Bearer {}", lead.token))
                .body(Body::from(vec![0xff, 0xfe, 0x00]))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let list: ScriptList = get(&h, "/api/v1/scripts", &lead.token).await.parse();
    assert_eq!(list.scripts.len(), 1, "nothing stored by the bad files");
}

#[tokio::test]
async fn the_results_csv_streams_every_recorded_attempt_once() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let volunteer = h.volunteer_on(h.turf_a, "Vic").await;
    let doors = h.households_of(h.turf_a);
    let events: Vec<_> = doors
        .iter()
        .enumerate()
        .map(|(i, d)| event_at(h.now() - 1000 * i as u64, *d, None, knock("not_home")))
        .collect();
    h.push(&volunteer, &events).await;

    let r = get(&h, "/api/v1/export", &lead.token).await;
    assert_eq!(r.status, StatusCode::OK);
    let disposition = r.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("header")
        .to_string();
    assert!(disposition.contains("groundgame-results-"), "{disposition}");
    let text = String::from_utf8(r.body).expect("utf-8");
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let headers = csv.headers().expect("header").clone();
    let id_col = headers
        .iter()
        .position(|h| h == "event_id")
        .unwrap_or_else(|| panic!("an event_id column in {headers:?}"));
    let mut ids: Vec<String> = csv
        .records()
        .map(|r| r.expect("row")[id_col].to_string())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = events.iter().map(|e| e.id.0.to_string()).collect();
    expected.sort();
    assert_eq!(ids, expected);

    let r = get(&h, "/api/v1/export?format=van", &lead.token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&r.body).lines().count() > 1);
    let r = get(&h, "/api/v1/export?format=pdf", &lead.token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// A lead whose app is in Spanish (`Accept-Language: es-MX`) gets the server's own
/// sentences in Spanish: an import's report reasons and a refused script's problems. No
/// header, or a language the server does not speak, is English.
#[tokio::test]
async fn the_servers_sentences_come_in_the_leads_language() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let broken = SCRIPT.replacen("next = \"", "next = \"nowhere-", 1);
    for (language, says, not) in [
        (
            Some("es-MX,es;q=0.9,en;q=0.5"),
            "no es una pregunta de este guion",
            "is not a question",
        ),
        (
            Some("fr-CA"),
            "is not a question of this script",
            "no es una pregunta",
        ),
        (
            None,
            "is not a question of this script",
            "no es una pregunta",
        ),
    ] {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/scripts")
            .header(header::AUTHORIZATION, format!("Bearer {}", lead.token))
            .header(header::CONTENT_TYPE, "application/toml");
        if let Some(language) = language {
            request = request.header(header::ACCEPT_LANGUAGE, language);
        }
        let r = h
            .send(request.body(Body::from(broken.clone())).expect("request"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let message = error_message(&r);
        assert!(
            message.contains(says) && !message.contains(not),
            "{language:?}: {message}"
        );
        assert!(message.contains("nowhere-"), "{message}");
        if language.is_some_and(|l| l.starts_with("es")) {
            assert!(
                message.starts_with("el guion tiene 1 problema:\nlínea "),
                "{message}"
            );
        }
    }

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, VAN_FILE.as_bytes()).expect("gzip");
    let r = h
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/imports?format=van&file_name=van.csv")
                .header(header::AUTHORIZATION, format!("Bearer {}", lead.token))
                .header(header::CONTENT_ENCODING, "gzip")
                .header(header::ACCEPT_LANGUAGE, "es")
                .body(Body::from(gz.finish().expect("gzip")))
                .expect("request"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let started: ImportJobResponse = r.parse();
    let job = finished(&h, &lead, started.id).await;
    assert_eq!(job.status, ImportStatus::Done, "{:?}", job.error);
    let report = get(
        &h,
        &format!("/api/v1/imports/{}/report", job.id),
        &lead.token,
    )
    .await;
    let text = String::from_utf8(report.body).expect("utf-8");
    assert!(
        text.contains("importado sin teléfono: el número no es un teléfono válido de EE. UU.")
            && text.contains("no importado: no tiene nombre ni apellido"),
        "{text}"
    );
    assert!(
        text.starts_with("row,source_id,reason\n"),
        "the columns stay as programs read them"
    );
}

/// An import that fails says why in the lead's language: a file without the columns its
/// format needs, a mapping that names no address, and a zip archive with no voter file.
#[tokio::test]
async fn a_failed_import_says_why_in_the_leads_language() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let start = |query: &'static str, body: Vec<u8>, language: &'static str| {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/imports?{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", lead.token))
            .header(header::ACCEPT_LANGUAGE, language)
            .body(Body::from(body))
            .expect("request");
        h.send(request)
    };
    for (language, says, not) in [
        (
            "es",
            "el archivo no tiene la columna \"ncid\" (el identificador del votante)",
            "the file has no",
        ),
        (
            "en",
            "the file has no \"ncid\" column (the voter id)",
            "no tiene la columna",
        ),
    ] {
        let r = start("format=ncvoter", b"a,b\n1,2\n".to_vec(), language).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        let started: ImportJobResponse = r.parse();
        let job = finished(&h, &lead, started.id).await;
        assert_eq!(job.status, ImportStatus::Failed);
        let error = job.error.unwrap_or_default();
        assert!(
            error.contains(says) && !error.contains(not),
            "{language}: {error}"
        );
        assert!(
            error.contains("a, b"),
            "the file's own columns are listed: {error}"
        );
    }

    // A zip with no voter file in it.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("readme.pdf", zip::write::SimpleFileOptions::default())
        .expect("zip member");
    std::io::Write::write_all(&mut zip, b"%PDF").expect("zip data");
    let zip = zip.finish().expect("zip").into_inner();
    let r = start("format=ncvoter", zip, "es-MX").await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let started: ImportJobResponse = r.parse();
    let job = finished(&h, &lead, started.id).await;
    let error = job.error.unwrap_or_default();
    assert!(
        error.starts_with("el archivo zip no contiene ningún archivo de votantes")
            && error.contains("readme.pdf"),
        "{error}"
    );
    assert_eq!(people(&h), 0, "nothing was imported");

    // A mapping that is not TOML is refused at once, in Spanish too.
    let r = start(
        "format=mapped&mapping=%5Bcolumns",
        b"id\n1\n".to_vec(),
        "es",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_message(&r);
    assert!(
        message.starts_with("el archivo de columnas no está bien"),
        "{message}"
    );
}

/// A voter id that a spreadsheet would run as a formula reaches the report defused.
#[tokio::test]
async fn a_report_line_never_carries_a_formula() {
    let h = Harness::new();
    let lead = h.register(&h.lead_invite, "Lee").await;
    let file =
        "Voter File VANID,LastName,FirstName,Address,City,State,Zip5,Cell Phone,Party,Precinct\n\
                =HYPERLINK(\"http://evil.example\"),,,,,,,,,\n";
    let started: ImportJobResponse = upload(&h, &lead.token, "format=van", file.into(), false)
        .await
        .parse();
    let job = finished(&h, &lead, started.id).await;
    let text = report_text(&h, &lead, job.id).await;
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let ids: Vec<String> = csv
        .records()
        .map(|r| r.expect("a report line")[1].to_string())
        .collect();
    assert_eq!(ids, vec!["'=HYPERLINK(\"http://evil.example\")"], "{text}");
}
