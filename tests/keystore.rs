//! The device's database key in the platform keystore: the real `groundgame` app (its
//! command line, which opens the store exactly as the window does) against a real secret
//! service — GNOME Keyring on a D-Bus session bus of this test's own — and the real server
//! process. What is read back from the keyring is read with `secret-tool` (libsecret), an
//! independent client.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::process::{demo_campaign, field, server_command, ServerProcess, TestDatabase};
use crate::support::temp_dir;

#[test]
fn the_key_lives_in_the_keyring_survives_it_going_away_and_is_replaced_on_revocation() {
    let dir = temp_dir();
    let db = TestDatabase::new(dir.path(), "server");
    let demo = demo_campaign(&db, 200, 2, 5);
    let invite = field(&demo, "volunteer invite: ");
    let server = ServerProcess::start_on(&db, "127.0.0.1:0", &[]);
    let mut keyring = Keyring::start(&dir.path().join("session"));

    // A first launch with a keyring running: the key goes into it, none into a file.
    let phone = dir.path().join("phone");
    let joined = keyring
        .app(&["join", "--server", &server.url, "--invite", &invite])
        .args(["--name", "Ana", "--data"])
        .arg(&phone)
        .output()
        .expect("run groundgame join");
    assert_ok(&joined, "join");
    let volunteer = field(&stdout(&joined), "volunteer: ");
    let device = field(&stdout(&joined), "device: ");
    server_command(&[
        "assign",
        "--database",
        &db.arg,
        "--turf",
        "1",
        "--volunteers",
        &volunteer,
    ]);
    let synced = keyring
        .app(&["sync", "--data"])
        .arg(&phone)
        .output()
        .expect("sync");
    assert_ok(&synced, "sync");
    let db_file = phone.join("groundgame.sqlite");
    assert!(!phone.join("groundgame.sqlite.key").exists(), "no key file");
    let account = marker_account(&phone);
    let key = keyring
        .lookup(&account)
        .expect("the keyring holds the device's key");
    assert_eq!(key.len(), 32, "a 32-byte database key");
    let head = std::fs::read(&db_file).expect("database")[..16].to_vec();
    assert_ne!(&head, b"SQLite format 3\0", "the database is encrypted");
    let status = keyring
        .app(&["status", "--data"])
        .arg(&phone)
        .output()
        .expect("status");
    assert_ok(&status, "status");
    let before = stdout(&status);
    assert!(
        before.contains("Turfs:"),
        "the turf is on the phone:\n{before}"
    );

    // The keyring goes away (the desktop session has none running): the app says so in
    // plain words and changes nothing, rather than taking the key for lost.
    let files_before = listing(&phone);
    keyring.stop();
    let refused = keyring
        .app(&["status", "--data"])
        .arg(&phone)
        .output()
        .expect("status");
    assert!(!refused.status.success(), "no key, no data");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("keyring") && said.contains("Nothing on this device was changed"),
        "a plain-words refusal: {said}"
    );
    assert_eq!(listing(&phone), files_before, "every file as it was");

    // It comes back: so does everything on the phone.
    keyring.restart();
    let status = keyring
        .app(&["status", "--data"])
        .arg(&phone)
        .output()
        .expect("status");
    assert_ok(&status, "status after the keyring came back");
    assert_eq!(stdout(&status), before);

    // A device that kept its key in a file (no keyring at first) moves it into the keyring
    // when one turns up, and the file is destroyed.
    let laptop = dir.path().join("laptop");
    let joined = keyring
        .app(&["join", "--server", &server.url, "--invite", &invite])
        .args(["--name", "Ben", "--data"])
        .arg(&laptop)
        .env("GROUNDGAME_KEYSTORE", "off")
        .output()
        .expect("join");
    assert_ok(&joined, "join with the keystore off");
    let key_file = laptop.join("groundgame.sqlite.key");
    let file_key = std::fs::read(&key_file).expect("the key is in its file");
    assert!(!laptop.join("groundgame.sqlite.keystore").exists());
    let status = keyring
        .app(&["status", "--data"])
        .arg(&laptop)
        .output()
        .expect("status");
    assert_ok(&status, "status with the keyring");
    assert!(
        !key_file.exists(),
        "the key file is destroyed once the key is moved"
    );
    let moved = keyring.lookup(&marker_account(&laptop)).expect("moved");
    assert_eq!(moved, file_key, "the same key, now in the keyring");
    let again = keyring
        .app(&["status", "--data"])
        .arg(&laptop)
        .output()
        .expect("status");
    assert_ok(&again, "status again");

    // The lead revokes the phone: the wipe destroys the key in the keyring first; the new,
    // empty database has a new key.
    server_command(&["revoke", "--database", &db.arg, "--device", &device]);
    let revoked = keyring
        .app(&["sync", "--data"])
        .arg(&phone)
        .output()
        .expect("sync");
    assert!(!revoked.status.success(), "a revoked device is refused");
    let now = keyring.lookup(&account).expect("the new database's key");
    assert_ne!(now, key, "the old key is gone from the keyring");
    let status = keyring
        .app(&["status", "--data"])
        .arg(&phone)
        .output()
        .expect("status");
    assert_ok(&status, "status after revocation");
    assert!(
        stdout(&status).contains("signed out by a lead"),
        "{}",
        stdout(&status)
    );
    drop(server);
}

/// A D-Bus session bus with no service activation (a secret service stopped stays
/// stopped) and GNOME Keyring's secret service on it, unlocked, with its own home.
struct Keyring {
    home: PathBuf,
    runtime: PathBuf,
    address: String,
    bus: Child,
    daemon: Option<Child>,
}

const PASSWORD: &[u8] = b"test keyring password";

impl Keyring {
    fn start(dir: &Path) -> Keyring {
        let home = dir.join("home");
        let runtime = dir.join("run");
        for d in [&home, &runtime] {
            std::fs::create_dir_all(d).expect("folder");
        }
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
                 <busconfig><type>session</type><listen>unix:dir={}</listen>\
                 <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
                 <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n",
                runtime.display()
            ),
        )
        .expect("bus config");
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("dbus-daemon ({e}): run scripts/setup.sh"));
        let mut address = String::new();
        {
            use std::io::BufRead;
            let out = bus.stdout.take().expect("stdout");
            std::io::BufReader::new(out)
                .read_line(&mut address)
                .expect("the bus's address");
        }
        let mut keyring = Keyring {
            home,
            runtime,
            address: address.trim().to_owned(),
            bus,
            daemon: None,
        };
        keyring.restart();
        keyring
    }

    /// Start the secret service (again), unlocking the same login keyring.
    fn restart(&mut self) {
        let mut daemon = self
            .env(&mut Command::new("gnome-keyring-daemon"))
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("gnome-keyring-daemon ({e}): run scripts/setup.sh"));
        let mut stdin = daemon.stdin.take().expect("stdin");
        stdin.write_all(PASSWORD).expect("password");
        drop(stdin);
        self.daemon = Some(daemon);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let owner = self
                .env(&mut Command::new("dbus-send"))
                .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus"])
                .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner"])
                .arg("string:org.freedesktop.secrets")
                .output()
                .expect("dbus-send");
            if String::from_utf8_lossy(&owner.stdout).contains("boolean true") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the secret service never came up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
    }

    fn env<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command
            .env("HOME", &self.home)
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env_remove("GROUNDGAME_KEYSTORE")
    }

    /// The app, in this session.
    fn app(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_groundgame"));
        self.env(&mut command).args(args).env("RUST_LOG", "warn");
        command
    }

    /// The secret the keyring keeps for `account`, read by libsecret's own client.
    fn lookup(&self, account: &str) -> Option<Vec<u8>> {
        let out = self
            .env(&mut Command::new("secret-tool"))
            .args([
                "lookup",
                "service",
                "org.groundgame.field",
                "username",
                account,
            ])
            .output()
            .expect("secret-tool (run scripts/setup.sh)");
        out.status.success().then_some(out.stdout)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        self.stop();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// The keystore account the marker beside the database names.
fn marker_account(data: &Path) -> String {
    let marker = std::fs::read_to_string(data.join("groundgame.sqlite.keystore"))
        .expect("a marker says the key is in the keystore");
    marker
        .lines()
        .find_map(|l| l.strip_prefix("account="))
        .expect("an account")
        .to_owned()
}

/// Every file in `dir` with its length and contents' hash, to see nothing changed.
fn listing(dir: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("folder")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read");
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            (
                e.file_name().to_string_lossy().into_owned(),
                bytes.len(),
                h.finish(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A key that does not read the device's data (a file restored from another phone): the app
/// says so in its own plain words and changes nothing, and SQLCipher adds nothing of its own
/// to the volunteer's terminal (its log is compiled out: `.cargo/config.toml`).
#[test]
fn a_key_that_does_not_read_the_data_is_said_in_plain_words_and_only_those() {
    let dir = temp_dir();
    let phone = dir.path().join("phone");
    let app = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_groundgame"))
            .args(args)
            .arg(&phone)
            .env("GROUNDGAME_KEYSTORE", "off")
            .env("RUST_LOG", "warn")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("run groundgame")
    };
    let first = app(&["status", "--data"]);
    assert_ok(&first, "status");
    let db_file = phone.join("groundgame.sqlite");
    let before = std::fs::read(&db_file).expect("database");
    std::fs::write(phone.join("groundgame.sqlite.key"), [0x5a; 32]).expect("another key");
    let refused = app(&["status", "--data"]);
    assert!(!refused.status.success(), "{}", stdout(&refused));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("cannot be read with the key this device keeps"),
        "{said}"
    );
    for noise in ["sqlcipher", "hmac", "Codec", "ERROR CORE"] {
        assert!(
            !said.contains(noise),
            "SQLCipher's own log reached the terminal: {said}"
        );
    }
    assert_eq!(
        std::fs::read(&db_file).expect("database"),
        before,
        "nothing changed"
    );
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "groundgame {what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        stdout(out)
    );
}
