//! `groundgame`: the app. Run without a subcommand it opens the window (the Dioxus UI, on
//! this platform's data folder or `GROUNDGAME_DATA`); the subcommands are a small command
//! line over the same store and sync engine: join a campaign, sync, show the status.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use groundgame::store::Store;
use groundgame::sync::{Engine, HttpTransport, SyncState, SyncStatus};
use groundgame::system_clock;

/// The database file inside the data directory.
const DB_FILE: &str = "groundgame.sqlite";

#[derive(Parser)]
#[command(
    name = "groundgame",
    version,
    about = "Offline-first canvassing. Without a subcommand, opens the app's window."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Join a campaign with an invite code from your lead, then download your turfs.
    Join {
        /// The campaign server, e.g. https://field.example.org
        #[arg(long)]
        server: String,
        /// The invite code from your lead.
        #[arg(long, env = "GROUNDGAME_INVITE", hide_env_values = true)]
        invite: String,
        /// Your name, as teammates will see it.
        #[arg(long)]
        name: String,
        /// Where this device keeps its data.
        #[arg(long)]
        data: PathBuf,
        /// What to call this device in the lead's list.
        #[arg(long, default_value = "Command line")]
        device_name: String,
    },
    /// Sync until every waiting record is on the server, then print the status.
    Sync {
        #[arg(long)]
        data: PathBuf,
        /// Give up after this many tries when the server cannot be reached.
        #[arg(long, default_value_t = 8)]
        attempts: u32,
    },
    /// Show this device's campaign, turfs and records waiting to sync.
    Status {
        #[arg(long)]
        data: PathBuf,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        // The window builds its own runtime, so none may exist yet.
        None => open_window(),
        Some(command) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("start the async runtime")?
            .block_on(run(command)),
    }
}

#[cfg(feature = "desktop")]
fn open_window() -> Result<()> {
    groundgame::ui::desktop::launch_desktop(groundgame::ui::default_data_dir())
        .context("open the Groundgame window")
}

#[cfg(not(feature = "desktop"))]
fn open_window() -> Result<()> {
    bail!("this build has no window (built without the `desktop` feature); use a subcommand")
}

async fn run(command: Command) -> Result<()> {
    groundgame::logging::init();
    match command {
        Command::Join {
            server,
            invite,
            name,
            data,
            device_name,
        } => join(&server, &invite, &name, &data, &device_name).await,
        Command::Sync { data, attempts } => sync(&data, attempts).await,
        Command::Status { data } => status(&data),
    }
}

fn open(data: &Path) -> Result<Arc<Store>> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("could not create the data directory {}", data.display()))?;
    let store = Store::open_on_device(&data.join(DB_FILE), system_clock())
        .with_context(|| format!("could not open this device's data in {}", data.display()))?;
    Ok(Arc::new(store))
}

async fn join(server: &str, invite: &str, name: &str, data: &Path, device: &str) -> Result<()> {
    let store = open(data)?;
    let engine = Engine::new(store.clone(), HttpTransport::new(server)?);
    let joined = engine
        .register(server, invite, name, device)
        .await
        .context("could not join the campaign")?;
    // One `key: value` per line, for scripts.
    println!("Joined the campaign.");
    println!("campaign: {}", joined.campaign);
    println!("volunteer: {}", joined.volunteer);
    println!("device: {}", joined.device);
    println!("role: {}", joined.role.as_str());
    let synced = engine.sync_until_drained(5).await;
    print_status(&store, &engine.status())?;
    synced.context("joined, but the first download did not finish; run `groundgame sync`")?;
    Ok(())
}

async fn sync(data: &Path, attempts: u32) -> Result<()> {
    let store = open(data)?;
    let Some(identity) = store.identity()? else {
        bail!("this device has not joined a campaign; run `groundgame join` first");
    };
    let engine = Engine::new(store.clone(), HttpTransport::new(&identity.server_url)?);
    let result = engine.sync_until_drained(attempts).await;
    print_status(&store, &engine.status())?;
    let report = result.context("the sync did not finish")?;
    println!(
        "Pushed {} ({} new, {} already there, {} refused); pulled {} rows.",
        report.pushed, report.accepted, report.duplicates, report.rejected, report.pulled_rows
    );
    if engine.status().pending > 0 {
        bail!("some records are still waiting to sync; run `groundgame sync` again");
    }
    Ok(())
}

fn status(data: &Path) -> Result<()> {
    let store = open(data)?;
    let state = match store.device_state() {
        None => SyncState::NotJoined,
        Some(groundgame::store::DeviceState::Active) => SyncState::Idle,
        Some(groundgame::store::DeviceState::SignedOut) => SyncState::SignedOut,
        Some(groundgame::store::DeviceState::Revoked) => SyncState::Revoked,
    };
    let status = SyncStatus::new(state, store.waiting_count()?, store.rejected_count()?);
    print_status(&store, &status)
}

fn print_status(store: &Store, status: &SyncStatus) -> Result<()> {
    match store.identity()? {
        Some(id) => {
            let campaign = store.campaign()?.map(|c| c.name).unwrap_or_default();
            println!(
                "Campaign {} {campaign} — device {}, volunteer {}, {}",
                id.campaign,
                id.device,
                id.volunteer,
                id.role.as_str()
            );
            println!("Server: {}", id.server_url);
        }
        None => println!("Not joined to a campaign."),
    }
    let state = match status.state {
        SyncState::NotJoined => "not joined",
        SyncState::Idle => "ready",
        SyncState::Syncing => "syncing",
        SyncState::Offline => "offline (records are saved here and will sync later)",
        SyncState::Revoked => "signed out by a lead; campaign data removed",
        SyncState::SignedOut => "signed out; join again to resume syncing",
    };
    println!("State: {state}");
    println!(
        "Waiting to sync: {}   Refused by the server: {}",
        status.pending, status.rejected
    );
    if let Some(error) = &status.last_error {
        println!("Last problem: {error}");
    }
    let turfs = store.turfs()?;
    if !turfs.is_empty() {
        println!("Turfs:");
        for t in turfs {
            println!(
                "  {:<30} {:>6} of {:>6} doors on this device",
                t.name, t.households_held, t.household_total
            );
        }
    }
    for r in store.rejected()? {
        println!(
            "  Refused record at household {}: {} ({})",
            r.event.household, r.message, r.code
        );
    }
    Ok(())
}
