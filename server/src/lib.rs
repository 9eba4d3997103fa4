//! Groundgame's sync server: devices register with an invite code, push the events they
//! recorded and pull the turfs in their scope; leads assign turfs and revoke devices.
//!
//! [`app`] builds the whole HTTP API as an axum `Router` (tests drive it with `oneshot`, no
//! socket); [`serve`] runs it on a listener. Requests flow: layers (trace, gzip both ways,
//! body limit, JSON errors) → `routes` (HTTP only) → `sync` (the rules) → `store` (all
//! the SQL). Store calls block, so they run on blocking threads, admitted through two gates
//! sized to what the store can serve at once (`Store::concurrency`).

pub mod clock;
pub mod demo;
pub mod error;
pub mod http;
pub mod import;
pub mod import_jobs;
pub mod lang;
pub mod maps;
pub mod ops;
mod routes;
pub mod script_file;
pub mod store;
mod sync;
pub mod turfs;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use groundgame_core::protocol::{PushResponse, MAX_BODY_BYTES};
use tokio::sync::Semaphore;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::trace::TraceLayer;

pub use clock::WallClock;
pub use error::ApiError;
pub use http::auth::AuthDevice;
pub use routes::openapi::{openapi, ApiDoc};
pub use routes::push::APP_VERSION_HEADER;
pub use store::codes::CodeKey;
pub use store::{NewHousehold, NewPerson, PgStore, SqliteStore, Store, StoreError};

/// What every handler shares: the store, the wall clock, and the gates that keep blocking
/// work to what the store can serve at once.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    clock: WallClock,
    write_gate: Arc<Semaphore>,
    read_gate: Arc<Semaphore>,
    pushes: Arc<http::group_commit::PushQueue>,
    trusted_proxies: Arc<[ipnet::IpNet]>,
    meter: Arc<http::quota::Meter>,
}

impl AppState {
    /// A server on the machine's clock.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_clock(store, clock::system())
    }

    /// A server whose wall clock (ms since the epoch) is `clock`: tests skew it at will.
    pub fn with_clock(store: Arc<dyn Store>, clock: Arc<dyn Fn() -> u64 + Send + Sync>) -> Self {
        let (writers, readers) = store.concurrency();
        AppState {
            store,
            clock,
            write_gate: Arc::new(Semaphore::new(writers)),
            read_gate: Arc::new(Semaphore::new(readers)),
            pushes: Arc::default(),
            trusted_proxies: Arc::new([]),
            meter: Arc::default(),
        }
    }

    /// Per-device quotas other than the defaults (`serve --push-quota`).
    pub fn with_quotas(mut self, quotas: http::quota::Quotas) -> Self {
        self.meter = Arc::new(http::quota::Meter::new(quotas));
        self
    }

    pub(crate) fn meter(&self) -> &http::quota::Meter {
        &self.meter
    }

    /// Reverse proxies whose `X-Forwarded-For` names the client (see
    /// [`http::register_limit::client_address`]); by default none, and the TCP peer is the
    /// client.
    pub fn with_trusted_proxies(mut self, proxies: Vec<ipnet::IpNet>) -> Self {
        self.trusted_proxies = proxies.into();
        self
    }

    pub(crate) fn trusted_proxies(&self) -> &[ipnet::IpNet] {
        &self.trusted_proxies
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// How many push groups this server has applied, and pushes in them.
    pub fn push_stats(&self) -> http::group_commit::GroupStats {
        self.pushes.stats()
    }

    /// The wall clock now, in ms since the epoch.
    pub fn now_ms(&self) -> u64 {
        (self.clock)()
    }

    /// Run a writing store call on a blocking thread, one at a time.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        Self::blocking(&self.write_gate, self.store.clone(), f).await
    }

    /// Apply a push, together with any others waiting for the writer (group commit).
    pub(crate) async fn push(&self, job: store::PushJob) -> Result<PushResponse, ApiError> {
        self.pushes.push(&self.write_gate, &self.store, job).await
    }

    /// Run a reading store call on a blocking thread, at most as many as there are readers.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        Self::blocking(&self.read_gate, self.store.clone(), f).await
    }

    async fn blocking<T, F>(gate: &Semaphore, store: Arc<dyn Store>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let _permit = gate
            .acquire()
            .await
            .map_err(|_| ApiError::Internal("store gate closed".into()))?;
        Ok(
            tokio::task::spawn_blocking(move || store::on_blocking_thread(|| f(store.as_ref())))
                .await??,
        )
    }
}

/// The whole HTTP API.
pub fn app(state: AppState) -> Router {
    routes::router()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::register_limit::guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Decompress gzip request bodies; the body limit above counts decompressed bytes,
        // so a small gzip bomb is stopped at the limit like any large body.
        .layer(RequestDecompressionLayer::new().gzip(true))
        .layer(axum::middleware::map_response(error::json_errors))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .quality(CompressionLevel::Fastest)
                .compress_when(compress_when()),
        )
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Answers worth compressing: those bigger than one TCP segment (a smaller one goes in one
/// packet either way, so gzip would save the phone nothing and cost the server a
/// compressor), and not of a kind gzip cannot shrink (images) or must not hold back (event
/// streams).
fn compress_when() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
    DefaultPredicate::new().and(SizeAbove::new(1400))
}

/// Connections the kernel holds for the server before it accepts them. A crowd of phones
/// arrives at once (a shift starting, a cell tower back up); past this queue the kernel
/// drops each new handshake, and the phone waits a second or more to try again. The
/// standard library and tokio ask for 128, which 1,000 phones at once overflow; Linux caps
/// the figure at `net.core.somaxconn` (4,096 by default since 5.4).
pub const LISTEN_BACKLOG: u32 = 4096;

/// A listener on `addr` for [`serve`], with a queue for a crowd ([`LISTEN_BACKLOG`]).
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As tokio's own bind does: a restarted server takes its port back at once.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serve the API on `listener` until the task is dropped or the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, std::future::pending()).await
}

/// Serve until `stop` completes, then stop accepting, close idle keep-alive connections,
/// let requests in flight finish, and return once every connection is closed.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        // Small JSON answers should leave at once, not wait for Nagle.
        let _ = tcp.set_nodelay(true);
    });
    // The peer's address goes with each request (the registration limit counts by it).
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(stop)
        .await
}

#[cfg(test)]
mod tests;
