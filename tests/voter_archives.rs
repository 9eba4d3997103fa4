//! Voter files as leads get them — gzipped (`.gz`) or in a zip archive (North Carolina's
//! `ncvoter32.zip`) — imported through the real `groundgame-server` binary: uploaded from
//! the app's engine over HTTP, and from the command line. The compressed files are written
//! by Python's standard `gzip` and `zipfile` modules, writers independent of the Rust
//! crates that read them. Bad archives are refused with a sentence naming the problem, and
//! nothing of them is imported.

use std::path::{Path, PathBuf};
use std::process::Command;

use groundgame::sync::client::campaign_data::{
    ImportFormat, ImportJobResponse, ImportStatus, VoterUpload,
};
use groundgame::sync::{HttpTransport, Transport};
use groundgame_server::import::columns::NCVOTER_COLUMNS;

use crate::support::process::{server_binary, server_command, ServerProcess, TestDatabase};
use crate::support::{temp_dir, TestDevice};

/// A small county file as the State Board writes it: tab-separated, one bad row (no
/// address) among three voters.
fn ncvoter_text() -> String {
    let row = |values: &[(&str, &str)]| -> String {
        NCVOTER_COLUMNS
            .iter()
            .map(|column| {
                values
                    .iter()
                    .find(|(name, _)| name == column)
                    .map_or("", |(_, v)| *v)
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\t")
    };
    let voter = |ncid: &str, first: &str, address: &str| {
        row(&[
            ("ncid", ncid),
            ("first_name", first),
            ("last_name", "GARCÍA"),
            ("status_cd", "A"),
            ("res_street_address", address),
            ("res_city_desc", "DURHAM"),
            ("zip_code", "27701"),
            ("precinct_abbrv", "P1"),
            ("confidential_ind", "N"),
        ])
    };
    let mut text = NCVOTER_COLUMNS.join("\t");
    for r in [
        voter("AA1", "JOSÉ", "12 OAK ST"),
        voter("AA2", "LUIS", "12 OAK ST"),
        voter("AA3", "ANA", "14 OAK ST"),
        voter("AA4", "KIM", ""),
    ] {
        text.push('\n');
        text.push_str(&r);
    }
    text.push('\n');
    text
}

/// Run a Python script (standard library only) with `args`.
fn python(script: &str, args: &[&Path]) {
    let status = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "python3 failed: {script}");
}

/// `text` written to `dir/name`, and that file gzipped by Python to `dir/name.gz`.
fn gzip_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let plain = dir.join(name);
    std::fs::write(&plain, text).expect("write");
    let gz = dir.join(format!("{name}.gz"));
    python(
        "import gzip, shutil, sys\n\
         with open(sys.argv[1], 'rb') as f, gzip.open(sys.argv[2], 'wb') as g:\n    \
             shutil.copyfileobj(f, g)",
        &[&plain, &gz],
    );
    gz
}

struct Campaign {
    dir: tempfile::TempDir,
    db: TestDatabase,
    id: String,
    lead_invite: String,
}

fn value<'a>(output: &'a str, prefix: &str) -> &'a str {
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in:\n{output}"))
        .trim()
}

fn campaign() -> Campaign {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "campaign");
    let made = server_command(&[
        "campaign",
        "--data",
        &db.arg,
        "--name",
        "Durham",
        "--time-zone",
        "America/New_York",
    ]);
    let id = value(&made, "campaign ").to_string();
    let invite = server_command(&[
        "invite",
        "--data",
        &db.arg,
        "--campaign",
        &id,
        "--role",
        "lead",
    ]);
    Campaign {
        lead_invite: value(&invite, "lead invite:").to_string(),
        dir,
        db,
        id,
    }
}

async fn wait_done<T: Transport>(device: &TestDevice<T>, id: uuid::Uuid) -> ImportJobResponse {
    for _ in 0..400 {
        let job = device.engine.api().import_job(id).await.expect("job");
        if job.status != ImportStatus::Running {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish in 20 s");
}

fn upload(path: &Path) -> VoterUpload {
    VoterUpload {
        format: ImportFormat::Ncvoter,
        full_file: false,
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        mapping: None,
        bytes: std::fs::read(path).expect("read the file"),
    }
}

/// The regression: the lead's card took a `.gz` file, the app gzipped it again for the
/// upload, the server took off one layer and read gzip bytes as column names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzipped_voter_file_uploaded_from_the_app_is_imported() {
    let c = campaign();
    let gz = gzip_file(c.dir.path(), "ncvoter32.txt", &ncvoter_text());
    let server = ServerProcess::start_on(&c.db, "127.0.0.1:0", &[]);
    let http = HttpTransport::new(&server.url).expect("http");
    let lead = TestDevice::join(c.dir.path(), "lead", &server.url, &c.lead_invite, http).await;

    let job = lead
        .engine
        .api()
        .start_import(&upload(&gz))
        .await
        .expect("upload");
    let job = wait_done(&lead, job.id).await;
    assert_eq!(job.status, ImportStatus::Done, "{:?}", job.error);
    let counts = job.summary.expect("summary");
    assert_eq!((counts.rows, counts.added), (4, 3), "{counts:?}");
    assert_eq!(counts.skipped_total(), 1);
    let report = lead
        .engine
        .api()
        .import_report(job.id, 10)
        .await
        .expect("report");
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(report[0].source_id, "AA4");
}

/// A zip archive written by Python's `zipfile`: each `(name, contents)` a member,
/// deflated (or stored, when `stored`).
fn zip_file(dir: &Path, name: &str, members: &[(&str, &str)], stored: bool) -> PathBuf {
    let out = dir.join(name);
    let mut args: Vec<PathBuf> = vec![out.clone()];
    for (i, (member, text)) in members.iter().enumerate() {
        let source = dir.join(format!("member-{i}"));
        std::fs::write(&source, text).expect("write");
        args.push(PathBuf::from(member));
        args.push(source);
    }
    let method = if stored { "ZIP_STORED" } else { "ZIP_DEFLATED" };
    let script = format!(
        "import sys, zipfile\n\
         with zipfile.ZipFile(sys.argv[1], 'w', zipfile.{method}) as z:\n    \
             for name, source in zip(sys.argv[2::2], sys.argv[3::2]):\n        \
                 z.write(source, name)"
    );
    let refs: Vec<&Path> = args.iter().map(PathBuf::as_path).collect();
    python(&script, &refs);
    out
}

/// Mark every entry of a zip archive encrypted (bit 0 of the general-purpose flags, in
/// each local header and central directory header), as a password-protected archive has
/// it: Python's `zipfile` reads encrypted archives but does not write them.
fn mark_encrypted(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read");
    let mut i = 0;
    while i + 8 < bytes.len() {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => bytes[i + 6] |= 1,
            b"PK\x01\x02" => bytes[i + 8] |= 1,
            _ => {}
        }
        i += 1;
    }
    std::fs::write(path, bytes).expect("write");
}

/// `groundgame-server import` of `file` into the campaign: (succeeded, stdout + stderr).
fn cli_import(c: &Campaign, file: &Path) -> (bool, String) {
    let out = Command::new(server_binary())
        .args(["import", "--data", &c.db.arg, "--campaign", &c.id])
        .args(["--format", "ncvoter", "--partial", "--file"])
        .arg(file)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run groundgame-server");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn added(output: &str) -> u64 {
    output
        .lines()
        .find_map(|l| l.trim().strip_prefix("added:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no added count in:\n{output}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_county_zip_is_imported_from_the_app_and_the_command_line() {
    let c = campaign();
    let text = ncvoter_text();
    // As a Mac's "Compress" makes it: the file, plus its attributes under __MACOSX/.
    let zip = zip_file(
        c.dir.path(),
        "ncvoter32.zip",
        &[
            ("ncvoter32.txt", &text),
            ("__MACOSX/._ncvoter32.txt", "mac attributes"),
        ],
        false,
    );
    let server = ServerProcess::start_on(&c.db, "127.0.0.1:0", &[]);
    let http = HttpTransport::new(&server.url).expect("http");
    let lead = TestDevice::join(c.dir.path(), "lead", &server.url, &c.lead_invite, http).await;
    let job = lead
        .engine
        .api()
        .start_import(&upload(&zip))
        .await
        .expect("upload");
    assert_eq!(job.file_name, "ncvoter32.zip");
    let job = wait_done(&lead, job.id).await;
    assert_eq!(job.status, ImportStatus::Done, "{:?}", job.error);
    let counts = job.summary.expect("summary");
    assert_eq!((counts.rows, counts.added), (4, 3), "{counts:?}");
    drop(server);

    // The same county's newer file, zipped with another member beside it that is no data,
    // from the command line: the same voters, nobody added twice.
    let newer = text.replace("JOSÉ", "JOSÉ MARÍA");
    let zip = zip_file(
        c.dir.path(),
        "ncvoter32-newer.zip",
        &[("layout.pdf", "%PDF"), ("data/ncvoter32.txt", &newer)],
        false,
    );
    let (ok, out) = cli_import(&c, &zip);
    assert!(ok, "{out}");
    assert_eq!(added(&out), 0, "{out}");
    assert!(out.contains("updated:          1"), "{out}");
}

#[test]
fn bad_archives_are_refused_by_name_and_import_nothing() {
    let c = campaign();
    let text = ncvoter_text();
    let dir = c.dir.path();

    let none = zip_file(dir, "none.zip", &[("layout.pdf", "%PDF")], false);
    let (ok, out) = cli_import(&c, &none);
    assert!(!ok, "{out}");
    assert!(
        out.contains("holds no voter file") && out.contains("\"layout.pdf\""),
        "{out}"
    );

    let several = zip_file(
        dir,
        "several.zip",
        &[("ncvoter32.txt", &text), ("ncvoter68.csv", &text)],
        false,
    );
    let (ok, out) = cli_import(&c, &several);
    assert!(!ok, "{out}");
    assert!(
        out.contains("several voter files")
            && out.contains("\"ncvoter32.txt\"")
            && out.contains("\"ncvoter68.csv\""),
        "{out}"
    );

    let locked = zip_file(dir, "locked.zip", &[("ncvoter32.txt", &text)], false);
    mark_encrypted(&locked);
    let (ok, out) = cli_import(&c, &locked);
    assert!(!ok, "{out}");
    assert!(
        out.contains("ncvoter32.txt in the zip archive is encrypted"),
        "{out}"
    );

    // A member damaged after the header: every row reads, then its checksum fails at the
    // end; the import stops and keeps none of the rows it had read.
    let damaged = zip_file(dir, "damaged.zip", &[("ncvoter32.txt", &text)], true);
    let mut bytes = std::fs::read(&damaged).expect("read");
    let at = bytes
        .windows(4)
        .position(|w| w == b"LUIS")
        .expect("stored text");
    bytes[at] = b'M';
    std::fs::write(&damaged, bytes).expect("write");
    let (ok, out) = cli_import(&c, &damaged);
    assert!(!ok, "{out}");
    assert!(out.contains("nothing was changed"), "{out}");

    let not_zip = dir.join("truncated.zip");
    std::fs::write(&not_zip, b"PK\x03\x04 and then nothing").expect("write");
    let (ok, out) = cli_import(&c, &not_zip);
    assert!(!ok, "{out}");
    assert!(out.contains("the zip archive cannot be read"), "{out}");

    // None of them left anything: the good file adds all three voters.
    let good = zip_file(dir, "good.zip", &[("ncvoter32.txt", &text)], false);
    let (ok, out) = cli_import(&c, &good);
    assert!(ok, "{out}");
    assert_eq!(added(&out), 3, "{out}");
}
