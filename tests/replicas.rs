//! Stateless replicas on one PostgreSQL: a campaign moved from its embedded database
//! (`migrate`), three real `groundgame-server` processes in front of one private
//! PostgreSQL cluster, and the real field simulator's devices spread over them. One replica
//! is SIGKILLed in the middle of the pushes and PostgreSQL itself is restarted; then every
//! event must exist exactly once, every outbox must drain, and every device must hold
//! exactly what the server holds for its turf (the simulator checks the last two).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use groundgame_core::CampaignId;
use groundgame_server::store::postgres::ScratchDb;
use groundgame_server::{PgStore, Store};

use crate::support::process::{field, server_binary, server_command, ServerProcess};
use crate::support::temp_dir;

const DEVICES: u64 = 6;
const EVENTS: u64 = 2500;

/// A PostgreSQL cluster of this test's own (restarting it must not disturb other tests).
struct Cluster {
    dir: tempfile::TempDir,
    url: String,
}

impl Cluster {
    fn script(dir: &Path, action: &str) -> String {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-cluster.sh");
        let out = Command::new("bash")
            .arg(script)
            .arg(action)
            .env("GROUNDGAME_PG_DIR", dir.join("pg"))
            .stderr(Stdio::inherit())
            .output()
            .expect("run scripts/pg-cluster.sh");
        assert!(out.status.success(), "pg-cluster.sh {action} failed");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("groundgame-replicas-")
            .tempdir_in("/tmp")
            .expect("temp dir");
        // The postgres user must be able to reach its data directory inside.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("chmod");
        let url = Self::script(dir.path(), "start");
        Cluster { dir, url }
    }

    fn restart(&self) {
        Self::script(self.dir.path(), "restart");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        Self::script(self.dir.path(), "stop");
    }
}

/// What `serve` says on its way out when it refuses to start on `url` (a replica that
/// starts serving instead fails the test, stopped after 30 seconds at most).
fn refused_replica(url: &str, options: &[&str]) -> String {
    let mut child = Command::new(server_binary())
        .args(["serve", "--database", url, "--addr", "127.0.0.1:0"])
        .args(options)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a replica");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("a replica started with {options:?} served");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        !status.success(),
        "a replica started with {options:?} served"
    );
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut said)
        .expect("read stderr");
    said
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_a_killed_replica_and_a_restarted_database_lose_nothing() {
    let cluster = Cluster::start();
    let db = ScratchDb::create(&cluster.url).expect("a database");
    let dir = temp_dir();
    let file = dir.path().join("campaign.sqlite");
    let file_str = file.to_str().expect("utf-8 path");
    let demo = server_command(&[
        "demo", "--data", file_str, "--voters", "1500", "--turfs", "6", "--seed", "7",
    ]);
    let volunteer_invite = field(&demo, "volunteer invite: ");
    let lead_invite = field(&demo, "lead invite: ");
    let moved = server_command(&["migrate", "--from", file_str, "--to", &db.url]);
    assert!(!moved.contains("differs"), "{moved}");
    // The codes stay hashed under the file's key, which never goes into the database:
    // every replica is given it, and one with any other key is refused.
    let key_file = format!("{file_str}.code-key");
    assert!(moved.contains(&key_file), "{moved}");
    let wrong_key = dir.path().join("another.code-key");
    let said = refused_replica(
        &db.url,
        &["--code-key-file", wrong_key.to_str().expect("utf-8")],
    );
    assert!(
        said.contains("not the one this database's invite codes are hashed under"),
        "{said}"
    );
    let said = refused_replica(&db.url, &[]);
    assert!(said.contains("--code-key-file"), "{said}");

    let mut replicas: Vec<ServerProcess> = (0..3)
        .map(|i| {
            ServerProcess::start_on_postgres(
                &db.url,
                &dir.path().join(format!("replica-{i}")),
                "127.0.0.1:0",
                &["--code-key-file", &key_file],
            )
        })
        .collect();
    let store = PgStore::connect(&db.url).expect("watch the database");
    let campaign = CampaignId(1);

    let mut sim = Command::new(env!("CARGO_BIN_EXE_groundgame-sim"));
    for r in &replicas {
        sim.args(["--server", &r.url]);
    }
    let sim = sim
        .args(["--invite", &volunteer_invite, "--lead-invite", &lead_invite])
        .args(["--devices", &DEVICES.to_string()])
        .args(["--events", &EVENTS.to_string()])
        .arg("--data-dir")
        .arg(dir.path().join("devices"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the simulator");

    // Pushes are landing: kill one replica in the middle of them.
    let total = DEVICES * EVENTS;
    let deadline = Instant::now() + Duration::from_secs(300);
    let at_kill = loop {
        let n = store.event_count(campaign).expect("count");
        if n > 0 {
            break n;
        }
        assert!(Instant::now() < deadline, "no push reached the server");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    replicas[1].kill();
    assert!(
        at_kill < total,
        "the kill landed mid-push ({at_kill} of {total})"
    );
    // Then the database itself goes away and comes back; the other replicas' connections
    // break under them.
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.restart();
        cluster
    })
    .await
    .expect("join");
    replicas[1].restart();

    let out = tokio::task::spawn_blocking(move || sim.wait_with_output())
        .await
        .expect("join")
        .expect("simulator output");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the simulator must drain:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        store.event_count(campaign).expect("count"),
        total,
        "every event, exactly once:\n{stdout}"
    );
    let events = store.campaign_events(campaign).expect("events");
    let unique: std::collections::BTreeSet<_> = events.iter().map(|e| e.id).collect();
    assert_eq!(unique.len() as u64, total);
    drop(replicas);
    drop(store);
    drop(db);
    drop(cluster);
}

async fn register_lead(http: &reqwest::Client, url: &str, code: &str) -> String {
    let body = serde_json::json!({"protocol": groundgame_core::protocol::PROTOCOL_VERSION,
        "invite_code": code, "volunteer_name": "Lee", "device_name": "laptop", "app_version": "1"});
    let r = http
        .post(format!("{url}/api/v1/register"))
        .json(&body)
        .send()
        .await
        .expect("register");
    assert_eq!(r.status(), 200, "register");
    let v: serde_json::Value = r.json().await.expect("json");
    v["token"].as_str().expect("token").to_string()
}

/// An ncvoter file of `rows` voters (tab-separated, quoted, Latin-1 is plain ASCII here).
pub(crate) fn ncvoter_file(path: &Path, rows: usize, first_ncid: usize) {
    use groundgame_server::import::columns::NCVOTER_COLUMNS;
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("file"));
    let quoted: Vec<String> = NCVOTER_COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    write!(out, "{}\r\n", quoted.join("\t")).expect("write");
    for i in 0..rows {
        let ncid = format!("ZZ{:07}", first_ncid + i);
        let number = (i % 400 + 1).to_string();
        let street = format!("{number} ELM {} ST", i / 400);
        let values = NCVOTER_COLUMNS.iter().map(|c| match *c {
            "ncid" => ncid.clone(),
            "first_name" => "PAT".into(),
            "last_name" => format!("VOTER{i}"),
            "status_cd" => "A".into(),
            "res_street_address" => street.clone(),
            "res_city_desc" => "DURHAM".into(),
            "zip_code" => "27701".into(),
            "precinct_abbrv" => "P1".into(),
            "confidential_ind" => "N".into(),
            _ => String::new(),
        });
        let line: Vec<String> = values.map(|v| format!("\"{v}\"")).collect();
        write!(out, "{}\r\n", line.join("\t")).expect("write");
    }
    out.flush().expect("flush");
}

async fn job(http: &reqwest::Client, url: &str, token: &str, id: &str) -> serde_json::Value {
    let r = http
        .get(format!("{url}/api/v1/imports/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("job");
    assert_eq!(r.status(), 200, "the job is known to {url}");
    r.json().await.expect("json")
}

/// Imports are shared state: a lead follows an import started on one replica from another
/// (progress, outcome, report). A replica SIGKILLed in the middle of an import leaves the
/// job failed, as every replica answers, with nothing of the file saved; the campaign's
/// next import is not blocked by the dead one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_is_followed_on_any_replica_and_a_killed_one_saves_nothing() {
    let db = ScratchDb::for_tests();
    let dir = temp_dir();
    let demo = server_command(&[
        "demo",
        "--database",
        &db.url,
        "--voters",
        "50",
        "--turfs",
        "1",
        "--seed",
        "3",
    ]);
    let lead_invite = field(&demo, "lead invite: ");
    let mut a =
        ServerProcess::start_on_postgres(&db.url, &dir.path().join("a"), "127.0.0.1:0", &[]);
    let b = ServerProcess::start_on_postgres(&db.url, &dir.path().join("b"), "127.0.0.1:0", &[]);
    let http = reqwest::Client::new();
    let token = register_lead(&http, &b.url, &lead_invite).await;
    let people = |url: &str| -> i64 {
        // The client blocks: off the test's runtime.
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut db = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                db.query_one("SELECT count(*) FROM people WHERE campaign_id = 1", &[])
                    .expect("count people")
                    .get(0)
            })
            .join()
            .expect("count")
        })
    };
    let before = people(&db.url);

    // A big file on replica A; B follows it, then A dies mid-import.
    let big = dir.path().join("ncvoter-big.txt");
    ncvoter_file(&big, 300_000, 0);
    let body = std::fs::read(&big).expect("read");
    let r = http
        .post(format!(
            "{}/api/v1/imports?format=ncvoter&file_name=big.txt",
            a.url
        ))
        .bearer_auth(&token)
        .body(body)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    let started: serde_json::Value = r.json().await.expect("json");
    let id = started["id"].as_str().expect("id").to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let j = job(&http, &b.url, &token, &id).await;
        assert_eq!(j["status"], "running", "still running when killed: {j}");
        if j["rows_read"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "replica B never saw progress");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    a.kill();
    let deadline = Instant::now() + Duration::from_secs(60);
    let failed = loop {
        let j = job(&http, &b.url, &token, &id).await;
        if j["status"] != "running" {
            break j;
        }
        assert!(
            Instant::now() < deadline,
            "the dead replica's job never failed"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(failed["status"], "failed", "{failed}");
    assert!(
        failed["error"].as_str().unwrap_or("").contains("stopped"),
        "{failed}"
    );
    // A lead reading in Spanish reads why in Spanish.
    let es: serde_json::Value = http
        .get(format!("{}/api/v1/imports/{id}", b.url))
        .bearer_auth(&token)
        .header("Accept-Language", "es")
        .send()
        .await
        .expect("job")
        .json()
        .await
        .expect("json");
    assert!(
        es["error"]
            .as_str()
            .unwrap_or("")
            .contains("se detuvo antes de terminar"),
        "{es}"
    );
    assert_eq!(people(&db.url), before, "nothing of the file was saved");

    // The next import (on B) is not blocked; A, restarted, follows it to its report.
    a.restart();
    let small = dir.path().join("ncvoter-small.txt");
    ncvoter_file(&small, 500, 900_000);
    let r = http
        .post(format!(
            "{}/api/v1/imports?format=ncvoter&file_name=small.txt",
            b.url
        ))
        .bearer_auth(&token)
        .body(std::fs::read(&small).expect("read"))
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    let started: serde_json::Value = r.json().await.expect("json");
    let id = started["id"].as_str().expect("id").to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let j = job(&http, &a.url, &token, &id).await;
        if j["status"] != "running" {
            break j;
        }
        assert!(Instant::now() < deadline, "the small import never finished");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["summary"]["added"], 500, "{done}");
    assert_eq!(done["rows_read"], 500, "{done}");
    assert_eq!(people(&db.url), before + 500);
    let report = http
        .get(format!("{}/api/v1/imports/{id}/report", a.url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("report");
    assert_eq!(report.status(), 200);
    let text = report.text().await.expect("text");
    assert!(text.starts_with("row,"), "{text}");
    drop((a, b, db));
}

/// Guessing invite codes is counted once for all replicas: twenty wrong codes spread over
/// two replicas block the address on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_invite_codes_on_any_replica_count_together() {
    use groundgame_core::protocol::codes;
    let db = ScratchDb::for_tests();
    let a = crate::support::TestServer::start_with(
        temp_dir(),
        std::sync::Arc::new(PgStore::connect(&db.url).expect("replica A")),
        groundgame_server::AppState::new,
    )
    .await;
    let b = crate::support::TestServer::start_with(
        temp_dir(),
        std::sync::Arc::new(PgStore::connect(&db.url).expect("replica B")),
        groundgame_server::AppState::new,
    )
    .await;
    let http = reqwest::Client::new();
    let attempt = |url: String, i: usize| {
        let http = &http;
        async move {
            let body = serde_json::json!({"protocol": groundgame_core::protocol::PROTOCOL_VERSION,
                "invite_code": format!("ZZZZ-ZZ{i:02}"), "volunteer_name": "Guess",
                "device_name": "x", "app_version": "1"});
            let r = http
                .post(format!("{url}/api/v1/register"))
                .json(&body)
                .send()
                .await
                .expect("register");
            let status = r.status().as_u16();
            let v: serde_json::Value = r.json().await.expect("json");
            (
                status,
                v["error"]["code"].as_str().unwrap_or("").to_string(),
            )
        }
    };
    for i in 0..20 {
        let url = if i % 2 == 0 { &a.url } else { &b.url };
        assert_eq!(
            attempt(url.clone(), i).await,
            (403, codes::INVITE_INVALID.to_string()),
            "attempt {i}"
        );
    }
    for url in [&a.url, &b.url] {
        assert_eq!(
            attempt(url.clone(), 99).await,
            (429, codes::TOO_MANY_ATTEMPTS.to_string()),
            "blocked on {url}"
        );
    }
    drop((a, b, db));
}
