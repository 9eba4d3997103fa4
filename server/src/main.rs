//! `groundgame-server`: runs the sync server, and is the lead/admin command line (seed a
//! demo campaign, make invite codes, assign turfs, revoke devices, print the API
//! description). Logs go to stderr (`RUST_LOG`, default `info`); stdout carries only what
//! the operator asked for.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use groundgame_core::{CampaignId, DeviceId, Role, TurfId, VolunteerId};
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::{clock, AppState, SqliteStore};

#[derive(Parser)]
#[command(
    name = "groundgame-server",
    version,
    about = "Groundgame's sync server and lead/admin command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum InviteRole {
    Volunteer,
    Lead,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API; prints `listening on http://ADDR` once ready.
    Serve {
        /// The SQLite database file (created if missing).
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Seed a demo campaign in a fictional town and print its invite codes.
    Demo {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 20_000)]
        voters: u32,
        #[arg(long, default_value_t = 10)]
        turfs: u32,
    },
    /// Make an invite code for a campaign.
    Invite {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        campaign: i64,
        #[arg(long, value_enum)]
        role: InviteRole,
        /// How many devices may register with it.
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// Days until it expires.
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Set who walks a turf (replaces its current assignees; empty list unassigns all).
    Assign {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        turf: i64,
        /// Volunteer ids, comma-separated: `--volunteers 1,2`.
        #[arg(long, value_delimiter = ',', num_args = 0..)]
        volunteers: Vec<i64>,
    },
    /// Revoke a device: its token stops working and it wipes its voter data.
    Revoke {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        device: i64,
    },
    /// Print the OpenAPI description of the API.
    Openapi,
}

fn open(data: &Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(data)
        .with_context(|| format!("could not open the database {}", data.display()))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn serve(data: PathBuf, addr: SocketAddr) -> anyhow::Result<()> {
    let store = Arc::new(open(&data)?);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("could not listen on {addr}; is another server using it?"))?;
    let bound = listener.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{bound}")?;
    out.flush()?;
    drop(out);
    tracing::info!(addr = %bound, "serving");
    tokio::select! {
        result = groundgame_server::serve(listener, AppState::new(store)) => {
            result.context("the server stopped")?;
        }
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("shutting down");
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { data, addr } => serve(data, addr).await?,
        Command::Demo {
            data,
            seed,
            voters,
            turfs,
        } => {
            let store = open(&data)?;
            let started = std::time::Instant::now();
            let made = demo::seed(
                &store,
                &DemoOptions {
                    seed,
                    voters,
                    turfs,
                },
            )
            .context("could not seed the demo campaign")?;
            tracing::info!(
                campaign = %made.campaign,
                voters,
                turfs,
                ms = started.elapsed().as_millis() as u64,
                "demo campaign seeded"
            );
            // Invite codes go to the operator's terminal on purpose, never to the log.
            println!("campaign: {}", made.campaign);
            let turf_ids: Vec<String> = made.turfs.iter().map(|t| t.to_string()).collect();
            println!("turfs: {}", turf_ids.join(","));
            println!("volunteer invite: {}", made.volunteer_invite);
            println!("lead invite: {}", made.lead_invite);
        }
        Command::Invite {
            data,
            campaign,
            role,
            uses,
            days,
        } => {
            let store = open(&data)?;
            let role = match role {
                InviteRole::Volunteer => Role::Volunteer,
                InviteRole::Lead => Role::Lead,
            };
            let expires = clock::system_ms() + u64::from(days) * clock::DAY_MS;
            let code = store
                .create_invite(CampaignId(campaign), role, uses, expires)
                .context("could not make the invite")?;
            println!("{} invite: {code}", role.as_str());
        }
        Command::Assign {
            data,
            turf,
            volunteers,
        } => {
            let store = open(&data)?;
            let ids: Vec<VolunteerId> = volunteers.into_iter().map(VolunteerId).collect();
            store
                .set_assignees(TurfId(turf), &ids)
                .context("could not assign the turf")?;
            let now: Vec<String> = store
                .assignees(TurfId(turf))?
                .iter()
                .map(|v| v.to_string())
                .collect();
            println!("turf {turf} assignees: {}", now.join(","));
        }
        Command::Revoke { data, device } => {
            let store = open(&data)?;
            store
                .revoke_device(DeviceId(device))
                .context("could not revoke the device")?;
            println!("device {device} revoked");
        }
        Command::Openapi => {
            println!("{}", groundgame_server::openapi().to_pretty_json()?);
        }
    }
    Ok(())
}
