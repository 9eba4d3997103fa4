//! The field simulator (`groundgame-sim`) as a user of `scripts/run.sh` meets it: run
//! against a campaign where a real canvasser already works turf 1, it must add its
//! simulated teammates beside that canvasser, never take the turf away, and a second run on
//! the same campaign (earlier runs' knocks already on the turfs) must pass too.

use std::process::Command;

use groundgame_core::{TurfId, VolunteerId};

use crate::support::process::{demo_campaign, field, server_command, ServerProcess, TestDatabase};
use crate::support::temp_dir;

fn simulate(server: &str, invite: &str, lead_invite: &str, dir: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_groundgame-sim"))
        .args(["--server", server, "--invite", invite])
        .args([
            "--lead-invite",
            lead_invite,
            "--devices",
            "4",
            "--events",
            "30",
        ])
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the simulator");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the simulator must pass:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("PASS"), "{stdout}");
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_lead_keeps_the_real_canvasser_on_turf_one() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let demo = demo_campaign(&db, 400, 2, 3);
    let invite = field(&demo, "volunteer invite: ");
    let lead_invite = field(&demo, "lead invite: ");
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);

    // The demo canvasser joins with the app's command line and is given turf 1, as
    // scripts/run.sh does.
    let joined = Command::new(env!("CARGO_BIN_EXE_groundgame"))
        .args(["join", "--server", &server.url, "--invite", &invite])
        .args(["--name", "Demo Canvasser", "--data"])
        .arg(dir.path().join("canvasser"))
        .env("RUST_LOG", "warn")
        .env("GROUNDGAME_KEYSTORE", "off")
        .output()
        .expect("run groundgame join");
    let joined = String::from_utf8_lossy(&joined.stdout).into_owned();
    let canvasser = VolunteerId(field(&joined, "volunteer: ").parse().expect("an id"));
    server_command(&[
        "assign",
        "--database",
        &db.arg,
        "--turf",
        "1",
        "--volunteers",
        &canvasser.0.to_string(),
    ]);

    simulate(&server.url, &invite, &lead_invite, &dir.path().join("sim"));
    let store = db.open();
    let turf_one = store.assignees(TurfId(1)).expect("assignees");
    assert!(
        turf_one.contains(&canvasser),
        "the demo canvasser must keep turf 1: {turf_one:?}"
    );
    assert!(
        turf_one.len() > 1,
        "the simulated teammates work turf 1 beside the canvasser: {turf_one:?}"
    );

    // Again, with the first run's knocks and teammates already there.
    simulate(&server.url, &invite, &lead_invite, &dir.path().join("sim"));
    let again = store.assignees(TurfId(1)).expect("assignees");
    assert!(again.contains(&canvasser), "{again:?}");
    assert!(
        turf_one.iter().all(|v| again.contains(v)),
        "a second run keeps the first run's teammates: {turf_one:?} then {again:?}"
    );
}
