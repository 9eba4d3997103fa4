//! `groundgame-liveview`: the same [`groundgame::ui::App`] served to a browser over a
//! websocket (dioxus-liveview on axum), for browser tests and for using a laptop as the
//! device. One device store (`--data DIR`) serves every tab. Prints
//! `listening on http://ADDR` as its first line of stdout.
//!
//! Routes: `GET /` (the page with the interpreter glue), `GET /ws` (the liveview socket),
//! `GET /assets/*` (the style sheet). The liveview adapter's own router only registers
//! `/{*route}`, which axum 0.8 does not match for `/`, so both are registered here.
//!
//! **Only the browser it was opened in.** The socket streams voter names and addresses, so
//! no other web page may reach it: every launch makes a random key and prints it in the
//! address (`listening on http://ADDR/?key=KEY`). The page answers only with that key (or
//! the cookie it then sets: `HttpOnly`, `SameSite=Strict`, so no other site's page can send
//! it), and the socket only with the cookie, an `Origin` of this very address and a `Host`
//! naming it (so a page on `evil.example` cannot open it, not even by pointing its own
//! name at 127.0.0.1). It listens on loopback unless `--allow-remote` is given.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use clap::Parser;
use dioxus::prelude::*;
use dioxus_liveview::LiveViewPool;
use groundgame::store::Store;
use groundgame::system_clock;
use groundgame::ui::{default_data_dir, App, Services, MAIN_CSS_TEXT};

#[derive(Parser)]
#[command(
    name = "groundgame-liveview",
    version,
    about = "Serve the Groundgame app to a browser"
)]
struct Cli {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// This device's data folder (default: the platform's app data folder).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Listen on an address other machines can reach (the launch key still guards it).
    #[arg(long)]
    allow_remote: bool,
}

#[derive(Clone)]
struct AppState {
    pool: Arc<LiveViewPool>,
    services: Services,
    guard: Arc<Guard>,
}

/// This launch's key and the names the browser may call this server by.
struct Guard {
    key: String,
    /// `Host` values accepted (`127.0.0.1:PORT`, `localhost:PORT`); empty with
    /// `--allow-remote`, where any name is, and the key and the `Origin` check still hold.
    hosts: Vec<String>,
}

const COOKIE: &str = "groundgame_key";

impl Guard {
    fn new(addr: SocketAddr, remote: bool) -> Guard {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let key = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let port = addr.port();
        let hosts = if remote {
            Vec::new()
        } else {
            vec![
                addr.to_string(),
                format!("localhost:{port}"),
                format!("127.0.0.1:{port}"),
                format!("[::1]:{port}"),
            ]
        };
        Guard { key, hosts }
    }

    /// The same bytes, compared in a time that does not depend on where they differ.
    fn is_key(&self, given: &str) -> bool {
        let (a, b) = (self.key.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
    }

    fn host_ok(&self, headers: &HeaderMap) -> Option<String> {
        let host = headers.get(header::HOST)?.to_str().ok()?.to_string();
        (self.hosts.is_empty() || self.hosts.contains(&host)).then_some(host)
    }

    fn cookie_ok(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == COOKIE && self.is_key(value))
    }
}

/// Refused, in words the person at the keyboard can act on.
fn refused(why: &str) -> axum::response::Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "{why} Open the address groundgame-liveview printed when it started (it carries \
             this launch's key).\n"
        ),
    )
        .into_response()
}

/// The root of each browser session: the shared services, then the app.
fn live_root(services: Services) -> Element {
    use_context_provider(|| services);
    rsx! { App {} }
}

#[tokio::main]
async fn main() -> Result<()> {
    groundgame::logging::init();
    let cli = Cli::parse();
    if !cli.addr.ip().is_loopback() && !cli.allow_remote {
        anyhow::bail!(
            "{} is reachable from other machines; the app serves this device's voter data, so \
             it listens on loopback (127.0.0.1) unless you add --allow-remote",
            cli.addr
        );
    }
    let data = cli.data.unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&data)
        .with_context(|| format!("could not create the data folder {}", data.display()))?;
    let store = Store::open_on_device(&data.join("groundgame.sqlite"), system_clock())
        .with_context(|| format!("could not open this device's data in {}", data.display()))?;
    let services = Services::new(Arc::new(store), true, "Browser");
    services.sync.start();
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("could not listen on {}", cli.addr))?;
    let addr = listener.local_addr()?;
    let guard = Arc::new(Guard::new(addr, cli.allow_remote));
    let state = AppState {
        pool: Arc::new(LiveViewPool::new()),
        services,
        guard: guard.clone(),
    };
    let app = Router::new()
        .route("/", get(index))
        .route("/ws", get(socket))
        .route("/assets/{*file}", get(stylesheet))
        .with_state(state);
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}/?key={}", guard.key)?;
        out.flush()?;
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct KeyQuery {
    key: Option<String>,
}

/// The page, for the key in the address (which sets the cookie) or the cookie.
async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<KeyQuery>,
) -> axum::response::Response {
    let guard = &state.guard;
    if guard.host_ok(&headers).is_none() {
        return refused("This address is not the app's.");
    }
    let with_key = query.key.as_deref().is_some_and(|k| guard.is_key(k));
    if !with_key && !guard.cookie_ok(&headers) {
        return refused("This page needs this launch's key.");
    }
    let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", guard.key);
    ([(header::SET_COOKIE, cookie)], page()).into_response()
}

fn page() -> Html<String> {
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Groundgame</title>
<style>{MAIN_CSS_TEXT}</style>
</head>
<body>
<div id="main"></div>
{glue}
</body>
</html>"#,
        glue = dioxus_liveview::interpreter_glue("/ws")
    ))
}

/// The liveview socket: this launch's cookie, and a page of this very address.
async fn socket(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> axum::response::Response {
    let guard = &state.guard;
    let Some(host) = guard.host_ok(&headers) else {
        return refused("This address is not the app's.");
    };
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if origin != Some(format!("http://{host}").as_str()) {
        tracing::warn!("a page from another origin tried to open the app's socket");
        return refused("Only the app's own page may open its socket.");
    }
    if !guard.cookie_ok(&headers) {
        return refused("The app's socket needs this launch's key.");
    }
    ws.on_upgrade(move |socket| async move {
        let socket = dioxus_liveview::axum_socket(socket);
        if let Err(e) = state
            .pool
            .launch_with_props(socket, live_root, state.services.clone())
            .await
        {
            tracing::info!("a browser session ended: {e}");
        }
    })
    .into_response()
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        MAIN_CSS_TEXT,
    )
}
