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

use crate::support::process::{server_command, ServerProcess};
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

fn field(output: &str, prefix: &str) -> String {
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{output}"))
        .trim()
        .to_string()
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

    let mut replicas: Vec<ServerProcess> = (0..3)
        .map(|i| {
            ServerProcess::start_on_postgres(
                &db.url,
                &dir.path().join(format!("replica-{i}")),
                "127.0.0.1:0",
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
