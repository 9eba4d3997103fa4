//! `groundgame-liveview`: the same [`groundgame::ui::App`] served to a browser over a
//! websocket (dioxus-liveview on axum), for browser tests and for using a laptop as the
//! device. One device store (`--data DIR`) serves every tab. Prints
//! `listening on http://ADDR` as its first line of stdout.
//!
//! Routes: `GET /` (the page with the interpreter glue), `GET /ws` (the liveview socket),
//! `GET /assets/*` (the style sheet). The liveview adapter's own router only registers
//! `/{*route}`, which axum 0.8 does not match for `/`, so both are registered here.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::header;
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
}

#[derive(Clone)]
struct AppState {
    pool: Arc<LiveViewPool>,
    services: Services,
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
    let data = cli.data.unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&data)
        .with_context(|| format!("could not create the data folder {}", data.display()))?;
    let store = Store::open(&data.join("groundgame.sqlite"), system_clock())
        .with_context(|| format!("could not open this device's data in {}", data.display()))?;
    let services = Services::new(Arc::new(store), true, "Browser");
    services.sync.start();
    let state = AppState {
        pool: Arc::new(LiveViewPool::new()),
        services,
    };
    let app = Router::new()
        .route("/", get(index))
        .route("/ws", get(socket))
        .route("/assets/{*file}", get(stylesheet))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("could not listen on {}", cli.addr))?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}")?;
        out.flush()?;
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

async fn index() -> Html<String> {
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

async fn socket(ws: WebSocketUpgrade, State(state): State<AppState>) -> impl IntoResponse {
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
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        MAIN_CSS_TEXT,
    )
}
