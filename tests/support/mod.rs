//! Shared machinery for the end-to-end suite. Servers bind 127.0.0.1:0 and stop on drop;
//! no test sleeps to wait for something it could observe instead.

pub mod fixture;
pub mod process;
pub mod transport;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use groundgame::clock::{system_clock, WallClock};
use groundgame::store::Store;
use groundgame::sync::{Engine, Transport};
use groundgame_server::store::postgres::ScratchDb;
use groundgame_server::{serve_until, AppState, PgStore, SqliteStore};

/// A door knock with nobody home, the commonest record.
pub fn not_home() -> groundgame_core::EventBody {
    groundgame_core::EventBody::Contact {
        channel: groundgame_core::event::Channel::Door,
        result: "not_home".into(),
        call_back_at: None,
    }
}

/// The environment a test binary re-run as a child process was given, or `None` in a
/// normal run (the child test is then a no-op).
pub fn child_env<const N: usize>(names: [&str; N]) -> Option<[String; N]> {
    let mut values = Vec::with_capacity(N);
    for name in names {
        values.push(std::env::var(name).ok()?);
    }
    values.try_into().ok()
}

/// A directory for SQLite files. Under /dev/shm when there is one, so that a thousand
/// simulated devices do not wait on the VM's disk; they are still real SQLite files.
/// The seeds one shard of a seeded sweep runs: `{var}_SEED=S` replays seed S alone (in
/// shard 0), `{var}_SEEDS=N` sets the sweep's size (`default` unless set), which must be at
/// least `min` so that `needs` holds in each shard.
pub fn sweep_seeds(
    var: &str,
    default: u64,
    min: u64,
    shards: u64,
    shard: u64,
    needs: &str,
) -> Vec<u64> {
    if let Ok(one) = std::env::var(format!("{var}_SEED")) {
        let seed: u64 = one
            .parse()
            .unwrap_or_else(|_| panic!("{var}_SEED is a number"));
        return if shard == 0 { vec![seed] } else { vec![] };
    }
    let n = match std::env::var(format!("{var}_SEEDS")) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{var}_SEEDS={text:?} is not a number")),
        Err(_) => default,
    };
    assert!(
        n >= min,
        "{var}_SEEDS={n}: a run takes at least {min} seeds, so that {needs}; replay one seed \
         with {var}_SEED=S"
    );
    (0..n).filter(|s| s % shards == shard).collect()
}

pub fn temp_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::Builder::new()
            .prefix("groundgame-")
            .tempdir_in(shm)
        {
            return dir;
        }
    }
    tempfile::Builder::new()
        .prefix("groundgame-")
        .tempdir()
        .expect("a temporary directory")
}

/// Which database in-process test servers use: the embedded SQLite file, or PostgreSQL
/// when `GROUNDGAME_TEST_BACKEND=postgres` (a scratch database per server in the cluster
/// named by `GROUNDGAME_TEST_POSTGRES`). `scripts/test.sh` runs the spine's tests both ways.
pub fn postgres_backend() -> bool {
    std::env::var("GROUNDGAME_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The real server (router, store, HTTP) in this process, on a real socket.
pub struct TestServer {
    pub url: String,
    pub store: Arc<dyn groundgame_server::Store>,
    _dir: tempfile::TempDir,
    _db: Option<ScratchDb>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = temp_dir();
        if postgres_backend() {
            let db = ScratchDb::for_tests();
            let store = Arc::new(PgStore::connect(&db.url).expect("open server store"));
            let mut server = Self::start_with(dir, store, AppState::new).await;
            server._db = Some(db);
            return server;
        }
        let store = Arc::new(
            SqliteStore::open(&dir.path().join("server.sqlite")).expect("open server store"),
        );
        Self::start_with(dir, store, AppState::new).await
    }

    pub async fn start_with(
        dir: tempfile::TempDir,
        store: Arc<dyn groundgame_server::Store>,
        state: impl FnOnce(Arc<dyn groundgame_server::Store>) -> AppState,
    ) -> TestServer {
        let listener =
            groundgame_server::listen("127.0.0.1:0".parse().expect("addr")).expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve_until(listener, state(store.clone()), async move {
            let _ = stopped.await;
        }));
        TestServer {
            url,
            store,
            _dir: dir,
            _db: None,
            task,
            stop: Some(stop),
        }
    }

    /// Stop the way a server process going away looks to a client: the listener is closed
    /// and so is every kept-alive connection, before this returns. (Dropping only aborts
    /// the accept loop; a connection a client's pool still holds would go on answering.)
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), &mut self.task).await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.abort();
    }
}

/// The app's retries inside a sync, on a test's time scale: three, after 1-10 ms.
pub fn quick_retries() -> groundgame::sync::RetryPolicy {
    groundgame::sync::RetryPolicy {
        retries: 3,
        delay: groundgame::sync::BackoffPolicy {
            min: std::time::Duration::from_millis(1),
            max: std::time::Duration::from_millis(10),
        },
        longest_wait: std::time::Duration::from_millis(100),
    }
}

/// A device: the app's store on its own SQLite file and its sync engine.
pub struct TestDevice<T: Transport> {
    pub store: Arc<Store>,
    pub engine: Engine<T>,
    pub path: PathBuf,
    pub clock: WallClock,
}

impl TestDevice<groundgame::sync::HttpTransport> {
    /// A device that joins `server`'s campaign with `invite`, put on `turf` by the lead.
    pub async fn join_on(
        server: &TestServer,
        dir: &Path,
        invite: &str,
        turf: groundgame_core::TurfId,
    ) -> Self {
        let http = groundgame::sync::HttpTransport::new(&server.url).expect("http");
        let device = Self::join(dir, "ana", &server.url, invite, http).await;
        server
            .store
            .set_assignees(turf, &[device.volunteer()])
            .expect("assign");
        device
    }
}

impl<T: Transport> TestDevice<T> {
    /// Open (or reopen, after a crash) the device whose database lives at `path`.
    pub fn open(path: &Path, transport: T, clock: WallClock) -> TestDevice<T> {
        let store = Arc::new(Store::open(path, clock.clone()).expect("open device store"));
        let engine = Engine::new(store.clone(), transport).with_retries(quick_retries());
        TestDevice {
            store,
            engine,
            path: path.to_owned(),
            clock,
        }
    }

    /// A new device that joins the campaign with an invite.
    pub async fn join(
        dir: &Path,
        name: &str,
        url: &str,
        invite: &str,
        transport: T,
    ) -> TestDevice<T> {
        Self::join_with_clock(dir, name, url, invite, transport, system_clock()).await
    }

    pub async fn join_with_clock(
        dir: &Path,
        name: &str,
        url: &str,
        invite: &str,
        transport: T,
        clock: WallClock,
    ) -> TestDevice<T> {
        let device = Self::open(&dir.join(format!("{name}.sqlite")), transport, clock);
        device
            .engine
            .register(url, invite, name, &format!("{name}'s phone"))
            .await
            .expect("register");
        device
    }

    /// Simulate the app being killed and started again: everything in memory is gone, the
    /// SQLite file is all that remains.
    pub fn restart(self, transport: T) -> TestDevice<T> {
        let TestDevice {
            store,
            engine,
            path,
            clock,
        } = self;
        drop(engine);
        drop(store);
        Self::open(&path, transport, clock)
    }

    pub fn volunteer(&self) -> groundgame_core::VolunteerId {
        self.store
            .identity()
            .expect("read identity")
            .expect("device has joined")
            .volunteer
    }
}
