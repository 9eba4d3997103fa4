//! The real `groundgame-server` binary as a child process: started on 127.0.0.1 (port 0 the
//! first time, the same port after a restart), killed with SIGKILL on purpose or on drop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Where cargo put the server binary: next to this test binary's `deps/` folder. The test
/// script builds it first; if it is missing, build it now.
pub fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("GROUNDGAME_SERVER_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = profile_dir.join("groundgame-server");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "-p",
                "groundgame-server",
                "--bin",
                "groundgame-server",
            ])
            .status()
            .expect("run cargo build for the server binary");
        assert!(status.success(), "building groundgame-server failed");
    }
    bin
}

/// The rest of the first line of a command's output that starts with `prefix` (the
/// demo's "volunteer invite: ", join's "volunteer: ").
pub fn field(output: &str, prefix: &str) -> String {
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{output}"))
        .trim()
        .to_string()
}

/// Run a server subcommand to completion and return its standard output.
pub fn server_command(args: &[&str]) -> String {
    let out = Command::new(server_binary())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run groundgame-server");
    assert!(
        out.status.success(),
        "groundgame-server {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Seed `db` with the server's demo campaign (`groundgame-server demo`) and return what it
/// printed: the invite codes, read with [`field`].
pub fn demo_campaign(db: &TestDatabase, voters: u32, turfs: u32, seed: u64) -> String {
    let (voters, turfs, seed) = (voters.to_string(), turfs.to_string(), seed.to_string());
    server_command(&[
        "demo",
        "--database",
        &db.arg,
        "--voters",
        &voters,
        "--turfs",
        &turfs,
        "--seed",
        &seed,
    ])
}

/// Where a server-process test keeps the server's data: a SQLite file in the test's folder,
/// or, with `GROUNDGAME_TEST_BACKEND=postgres`, a scratch PostgreSQL database (dropped with
/// this). `arg` is what every command's `--database` is given; the log goes to `log`.
pub struct TestDatabase {
    pub arg: String,
    pub log: PathBuf,
    _scratch: Option<groundgame_server::store::postgres::ScratchDb>,
}

impl TestDatabase {
    pub fn new(dir: &Path, name: &str) -> TestDatabase {
        let file = dir.join(format!("{name}.sqlite"));
        if super::postgres_backend() {
            let db = groundgame_server::store::postgres::ScratchDb::for_tests();
            return TestDatabase {
                arg: db.url.clone(),
                log: file,
                _scratch: Some(db),
            };
        }
        TestDatabase {
            arg: file.to_str().expect("utf-8 path").to_string(),
            log: file,
            _scratch: None,
        }
    }

    /// The same database opened in this process, to set it up or look into it.
    pub fn open(&self) -> std::sync::Arc<dyn groundgame_server::Store> {
        if self._scratch.is_some() {
            return std::sync::Arc::new(
                groundgame_server::PgStore::connect(&self.arg).expect("open the database"),
            );
        }
        std::sync::Arc::new(groundgame_server::SqliteStore::open(&self.log).expect("open the file"))
    }

    /// Every committed row of every table (`groundgame_server::store::digest`).
    pub fn digest(&self) -> groundgame_server::store::digest::Digest {
        groundgame_server::store::Location::parse(&self.arg)
            .digest()
            .expect("digest")
    }
}

/// The server's log goes beside its data file, so a test can read what it logged.
pub fn log_path(data: &Path) -> PathBuf {
    data.with_extension("log")
}

fn log_file(data: &Path) -> Stdio {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path(data))
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::inherit())
}

pub struct ServerProcess {
    pub url: String,
    pub addr: String,
    /// The SQLite file, or the log's base name for a server on PostgreSQL.
    pub data: PathBuf,
    /// What `--database` was given: the file's path or a `postgres://` URL.
    database: std::ffi::OsString,
    options: Vec<String>,
    child: Option<Child>,
}

impl ServerProcess {
    /// `serve` on a test's database (see [`TestDatabase`]) with more options (such as
    /// `--claim-lease-ms 2000`); `addr` may end in `:0`.
    pub fn start_on(db: &TestDatabase, addr: &str, options: &[&str]) -> ServerProcess {
        Self::spawn(db.arg.clone().into(), &db.log, addr, options, &[])
    }

    /// `serve` set to die (SIGABRT) at a crash point (`groundgame_core::crash`); a
    /// [`restart`](Self::restart) starts it without.
    pub fn start_crashing_at(db: &TestDatabase, addr: &str, point: &str) -> ServerProcess {
        Self::spawn(
            db.arg.clone().into(),
            &db.log,
            addr,
            &[],
            &[(groundgame_core::crash::CRASH_AT, point)],
        )
    }

    /// Wait for the process to end by itself (at a crash point), at most `limit`.
    pub fn wait_for_death(&mut self, limit: std::time::Duration) -> std::process::ExitStatus {
        let child = self.child.as_mut().expect("the server is running");
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = child.try_wait().expect("wait for the server") {
                self.child = None;
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not die within {limit:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// A replica on a PostgreSQL database, with more options (such as `--code-key-file`);
    /// it logs to `log` (with `.log`).
    pub fn start_on_postgres(url: &str, log: &Path, addr: &str, options: &[&str]) -> ServerProcess {
        Self::spawn(url.into(), log, addr, options, &[])
    }

    fn spawn(
        database: std::ffi::OsString,
        data: &Path,
        addr: &str,
        options: &[&str],
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let mut child = Command::new(server_binary())
            .arg("serve")
            .arg("--database")
            .arg(&database)
            .args(["--addr", addr])
            .args(options)
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log_file(data))
            .spawn()
            .expect("start groundgame-server");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the server: {line:?}"))
            .to_string();
        let addr = url.trim_start_matches("http://").to_string();
        ServerProcess {
            url,
            addr,
            data: data.to_owned(),
            database,
            options: options.iter().map(|o| o.to_string()).collect(),
            child: Some(child),
        }
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start again on the same data and the same port.
    pub fn restart(&mut self) {
        self.kill();
        let options: Vec<&str> = self.options.iter().map(String::as_str).collect();
        let again =
            ServerProcess::spawn(self.database.clone(), &self.data, &self.addr, &options, &[]);
        *self = again;
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
