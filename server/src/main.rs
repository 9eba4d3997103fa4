//! `groundgame-server`: runs the sync server, and is the lead/admin command line (seed a
//! demo campaign, make invite codes, assign turfs, revoke devices, print the API
//! description). Logs go to stderr (`RUST_LOG`, default `info`); stdout carries only what
//! the operator asked for.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use groundgame_core::protocol::campaign_data::{CutBy, ExportFormat, ImportFormat};
use groundgame_core::{CampaignId, DeviceId, Role, TimeZone, TurfId, VolunteerId};
use groundgame_server::demo::{self, DemoOptions};
use groundgame_server::import::{Format, Mapping};
use groundgame_server::ops::cut_turfs;
use groundgame_server::ops::export;
use groundgame_server::ops::import_file as run;
use groundgame_server::script_file;
use groundgame_server::store::{CallListFilter, Location};
use groundgame_server::turfs::cut::CutMode;
use groundgame_server::{clock, AppState, SqliteStore, Store};

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

/// Where the data is: `--database FILE` (the embedded SQLite database, created if missing)
/// or `--database postgres://user@host:port/db`; `--data` is the same option's older name.
#[derive(clap::Args, Clone)]
struct Database {
    #[arg(
        long = "database",
        visible_alias = "data",
        env = "GROUNDGAME_DATABASE_URL",
        value_name = "FILE_OR_URL"
    )]
    database: String,
    /// The key invite and device-link codes are hashed under: 64 hex digits in a file only
    /// its owner can read, made there if missing. Default: `<FILE>.code-key` beside an
    /// SQLite file; every replica of a PostgreSQL database needs the same one.
    #[arg(long, env = "GROUNDGAME_CODE_KEY_FILE", value_name = "KEY_FILE")]
    code_key_file: Option<PathBuf>,
}

impl Database {
    fn location(&self) -> Location {
        Location::parse(&self.database)
    }

    /// The code key named on the command line, if one was.
    fn code_key(&self) -> anyhow::Result<Option<groundgame_server::CodeKey>> {
        self.code_key_file
            .as_deref()
            .map(groundgame_server::CodeKey::load_or_create)
            .transpose()
            .context("could not use the code key")
    }
}

impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.location().fmt(f)
    }
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
        #[command(flatten)]
        data: Database,
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// How long a caller's claim on a contact holds, in ms (default 30 minutes; tests
        /// of leases running out use seconds).
        #[arg(long, hide = true)]
        claim_lease_ms: Option<u64>,
        /// How long after a turf or call list is taken from a volunteer their records about
        /// it are still taken in (records that would change shared state are then held for
        /// a lead); after it they are refused. Default: a field day (24 hours).
        #[arg(long, value_name = "HOURS")]
        stale_grace_hours: Option<u32>,
        /// The same in ms (tests of the window running out use seconds).
        #[arg(long, hide = true, conflicts_with = "stale_grace_hours")]
        stale_grace_ms: Option<u64>,
        /// A reverse proxy in front of this server (an address or a network, `10.0.0.0/8`;
        /// repeat for more): requests from it are counted by the client address it names in
        /// `X-Forwarded-For`. Without one, that header is ignored and each TCP peer is a
        /// client.
        #[arg(long = "trusted-proxy", value_name = "CIDR", value_parser = parse_proxy)]
        trusted_proxies: Vec<ipnet::IpNet>,
        /// Pushes a device may send at once, and then a minute (default 600, of up to
        /// 1,000 events each); past it the device is answered 429 with Retry-After.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        push_quota: Option<u32>,
    },
    /// Seed a demo campaign in a fictional town and print its invite codes.
    Demo {
        #[command(flatten)]
        data: Database,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 20_000)]
        voters: u32,
        #[arg(long, default_value_t = 10)]
        turfs: u32,
    },
    /// Make an invite code for a campaign.
    Invite {
        #[command(flatten)]
        data: Database,
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
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        turf: i64,
        /// Volunteer ids, comma-separated: `--volunteers 1,2`.
        #[arg(long, value_delimiter = ',', num_args = 0..)]
        volunteers: Vec<i64>,
    },
    /// Replace a call list's callers (past assignments are kept as history).
    AssignCalls {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        list: i64,
        /// Volunteer ids, comma-separated: `--volunteers 1,2`.
        #[arg(long, value_delimiter = ',', num_args = 0..)]
        volunteers: Vec<i64>,
    },
    /// Revoke a device: its token stops working and it wipes its voter data.
    Revoke {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        device: i64,
    },
    /// Cut the campaign's households that are in no turf yet into new turfs.
    Cut {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        /// precinct: one turf per precinct (split by street above --doors); street: whole
        /// streets packed; area: compact areas from coordinates.
        #[arg(long, value_enum)]
        by: CutBy,
        /// Doors per turf (the most for precinct and street, about this many for area).
        #[arg(long, default_value_t = 60)]
        doors: usize,
    },
    /// Make a phone-bank call list of voters with a valid phone, minus do-not-call.
    CallList {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        #[arg(long)]
        name: String,
        /// Only these precincts, comma-separated (all when left out).
        #[arg(long, value_delimiter = ',')]
        precincts: Vec<String>,
        /// The key of the script callers read.
        #[arg(long)]
        script: Option<String>,
    },
    /// Put a number on the campaign's do-not-call list (international form, +19195550123).
    DoNotCall {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        #[arg(long)]
        phone: String,
    },
    /// Check a script file (TOML, English and Spanish) and store it as the next version of
    /// its key; phones keep the version they have until they sync.
    Script {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        /// The script file, like server/examples/scripts/canvass.toml.
        #[arg(long)]
        file: PathBuf,
        /// Only check the file; store nothing.
        #[arg(long)]
        check: bool,
    },
    /// Export the campaign's results as CSV (one row per contact attempt, or the VAN-style
    /// upload).
    Export {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        /// The CSV file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "full")]
        format: ExportFormat,
    },
    /// Print the OpenAPI description of the API.
    Openapi,
    /// Copy an embedded database into an empty PostgreSQL database, everything or nothing;
    /// devices keep syncing with the cursors they hold. Stop the server first.
    Migrate {
        /// The SQLite database file to copy.
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL database: postgres://user@host:port/db (made and migrated if new).
        #[arg(long)]
        to: String,
    },
    /// List the campaigns, or make one: `--name NAME --time-zone ZONE` prints the id of the
    /// campaign with that name, creating it only if none has it (and setting its time zone
    /// when one is given).
    Campaign {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        name: Option<String>,
        /// The campaign's time zone, an IANA name like America/New_York: the lead's hours
        /// and days, the export's dates and which follow-ups are due are in it. Needed to
        /// make a campaign.
        #[arg(long, value_parser = parse_zone)]
        time_zone: Option<TimeZone>,
    },
    /// Import a voter file into a campaign (all of it or, on any error, none of it); prints
    /// the summary and writes a report (row, voter id, reason) next to the file.
    Import {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        #[arg(long, value_enum)]
        format: ImportFormat,
        /// The column mapping (TOML) for `--format mapped`.
        #[arg(long)]
        mapping: Option<PathBuf>,
        #[arg(long)]
        file: PathBuf,
        /// Where to write the report (default: `<file>-import-report.csv` beside the file).
        #[arg(long)]
        report: Option<PathBuf>,
        /// The file is only part of the voter file (a county, an update): nobody absent
        /// from it is marked removed.
        #[arg(long)]
        partial: bool,
    },
    /// Place households (set their latitude and longitude): from a geocoding file (address,
    /// lat, lon), or with `--from-streets` from the campaign's map (`streets`), with no
    /// network: an exact mapped address where there is one, else interpolated along the
    /// street. Placed households already in a turf reach its devices.
    Geocode {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        #[arg(
            long,
            required_unless_present = "from_streets",
            conflicts_with = "from_streets"
        )]
        file: Option<PathBuf>,
        /// Place every household from the streets and address points `streets` loaded.
        #[arg(long)]
        from_streets: bool,
        /// Where to list the rows not used (default: beside the file, or beside the
        /// database with --from-streets).
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Load a campaign's map from an OpenStreetMap extract (`.osm.pbf`, as Geofabrik or
    /// BBBike publish them): its named streets and mapped addresses, replacing the map
    /// before. Read streaming: memory follows the streets, not the file.
    Streets {
        #[command(flatten)]
        data: Database,
        #[arg(long)]
        campaign: i64,
        #[arg(long)]
        file: PathBuf,
    },
}

fn open(data: &Database) -> anyhow::Result<Arc<dyn Store>> {
    data.location()
        .open_with_code_key(data.code_key_file.as_deref())
        .with_context(|| format!("could not open the database {data}"))
}

fn parse_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::parse(name).map_err(|e| e.to_string())
}

/// List campaigns, or print the id of the one named `name` (made if missing, in
/// `time_zone`; an existing one's zone is set to `time_zone` when given).
fn campaign(
    data: &Database,
    name: Option<&str>,
    time_zone: Option<TimeZone>,
) -> anyhow::Result<()> {
    let store = open(data)?;
    let all = store.campaigns()?;
    let Some(name) = name else {
        if time_zone.is_some() {
            bail!("--time-zone needs --name: the campaign whose time zone to set");
        }
        if all.is_empty() {
            println!("no campaigns yet; make one with --name NAME --time-zone ZONE");
        }
        for (id, name) in all {
            let zone = store.campaign_time_zone(id)?;
            println!("{id}\t{name}\t{zone}");
        }
        return Ok(());
    };
    if let Some((id, _)) = all.iter().find(|(_, n)| n.trim() == name.trim()) {
        match time_zone {
            Some(zone) => {
                store
                    .set_campaign_time_zone(*id, zone)
                    .context("could not set the campaign's time zone")?;
                println!("campaign {id} (already existed; its time zone is now {zone})");
            }
            None => println!("campaign {id} (already existed)"),
        }
        return Ok(());
    }
    let Some(zone) = time_zone else {
        bail!(
            "a new campaign needs its time zone, where its volunteers are: add --time-zone \
             America/New_York (or America/Chicago, America/Denver, America/Los_Angeles...)"
        );
    };
    let id = store
        .create_campaign(name, zone)
        .context("could not make the campaign")?;
    println!("campaign {id}");
    println!("time zone {zone}");
    Ok(())
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// `10.0.0.0/8`, or one address as its own network.
fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("{text:?} is not an address or a network like 10.0.0.0/8"))
}

async fn serve(
    data: Database,
    addr: SocketAddr,
    trusted_proxies: Vec<ipnet::IpNet>,
    quotas: groundgame_server::http::quota::Quotas,
) -> anyhow::Result<()> {
    let store = open(&data)?;
    let listener = groundgame_server::listen(addr)
        .with_context(|| format!("could not listen on {addr}; is another server using it?"))?;
    // Every phone syncing at once holds a connection, and so a file descriptor: Debian's
    // default soft limit (1,024) would refuse the thousand-and-first. Raise it to the
    // hard limit, as Go's runtime does for every server.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(fds) => tracing::info!(fds, "open files allowed"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open-file limit"),
    }
    let bound = listener.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{bound}")?;
    out.flush()?;
    drop(out);
    tracing::info!(addr = %bound, backend = store.backend(), "serving");
    // Build the lead's progress figures in the background: requests are served meanwhile,
    // and the first progress request after a restart does not pay for a full read.
    let warm = store.clone();
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let campaigns = warm.warm_progress();
        tracing::info!(
            campaigns,
            ms = started.elapsed().as_millis() as u64,
            "progress figures ready"
        );
    });
    tokio::select! {
        result = groundgame_server::serve(
            listener,
            AppState::new(store)
                .with_trusted_proxies(trusted_proxies)
                .with_quotas(quotas),
        ) => {
            result.context("the server stopped")?;
        }
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("shutting down");
        }
    }
    Ok(())
}

/// Only `serve` runs an async runtime; every other command is plain blocking work (the
/// PostgreSQL client must not block inside an async task).
fn main() -> anyhow::Result<()> {
    init_logging();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            data,
            addr,
            claim_lease_ms,
            stale_grace_hours,
            stale_grace_ms,
            trusted_proxies,
            push_quota,
        } => {
            let mut quotas = groundgame_server::http::quota::Quotas::default();
            if let Some(n) = push_quota {
                quotas.push = groundgame_server::http::quota::Quota::per_minute(n);
            }
            if let Some(ms) = claim_lease_ms {
                groundgame_server::store::set_claim_lease_ms(ms);
            }
            if let Some(ms) = stale_grace_ms.or(stale_grace_hours.map(|h| u64::from(h) * 3_600_000))
            {
                groundgame_server::store::set_stale_grace_ms(ms);
            }
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("could not start the server's runtime")?
                .block_on(serve(data, addr, trusted_proxies, quotas))?
        }
        Command::Demo {
            data,
            seed,
            voters,
            turfs,
        } => {
            let started = std::time::Instant::now();
            let options = DemoOptions {
                seed,
                voters,
                turfs,
            };
            let made = match data.location() {
                Location::Sqlite(path) => {
                    let store = match data.code_key()? {
                        Some(key) => SqliteStore::open_with_code_key(&path, key),
                        None => SqliteStore::open(&path),
                    }
                    .with_context(|| format!("could not open the database {}", path.display()))?;
                    demo::seed(&store, &options).context("could not seed the demo campaign")?
                }
                // The demo town is built on an embedded database, then moved: PostgreSQL
                // gets exactly the rows `migrate` would give it, its codes hashed under the
                // key PostgreSQL's replicas use.
                Location::Postgres(url) => {
                    let target =
                        groundgame_server::PgStore::connect_with_code_key(&url, data.code_key()?)
                            .with_context(|| format!("could not open {data}"))?;
                    let key = target
                        .code_key()
                        .with_context(|| format!("could not open {data}"))?
                        .clone();
                    let scratch =
                        tempfile::tempdir().context("could not make a temporary folder")?;
                    let store =
                        SqliteStore::open_with_code_key(&scratch.path().join("demo.sqlite"), key)?;
                    let made =
                        demo::seed(&store, &options).context("could not seed the demo campaign")?;
                    groundgame_server::store::migrate::copy(&store, &target).context(
                        "could not move the demo campaign into PostgreSQL (nothing was written)",
                    )?;
                    made
                }
            };
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
            if let Some(list) = made.call_list {
                println!("call list: {list}");
            }
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
                .set_assignees_at(TurfId(turf), &ids, clock::system_ms())
                .context("could not assign the turf")?;
            let now: Vec<String> = store
                .assignees(TurfId(turf))?
                .iter()
                .map(|v| v.to_string())
                .collect();
            println!("turf {turf} assignees: {}", now.join(","));
        }
        Command::AssignCalls {
            data,
            list,
            volunteers,
        } => {
            let store = open(&data)?;
            let ids: Vec<VolunteerId> = volunteers.into_iter().map(VolunteerId).collect();
            let now = store
                .set_call_list_callers(groundgame_core::CallListId(list), &ids, clock::system_ms())
                .context("could not assign the call list")?;
            let now: Vec<String> = now.iter().map(|v| v.to_string()).collect();
            println!("call list {list} callers: {}", now.join(","));
        }
        Command::Revoke { data, device } => {
            let store = open(&data)?;
            store
                .revoke_device(DeviceId(device))
                .context("could not revoke the device")?;
            println!("device {device} revoked");
        }
        Command::Cut {
            data,
            campaign,
            by,
            doors,
        } => {
            let store = open(&data)?;
            let mode = CutMode::new(by, doors);
            let outcome = cut_turfs::cut_unplaced(store.as_ref(), CampaignId(campaign), mode)
                .context("could not cut turfs")?;
            for (id, name, size) in &outcome.turfs {
                println!("turf {id}: {name} ({size} doors)");
            }
            println!("turfs made: {}", outcome.turfs.len());
            if !outcome.without_coordinates.is_empty() {
                println!(
                    "left without a turf (no coordinates; geocode them or cut by street): {}",
                    outcome.without_coordinates.len()
                );
            }
        }
        Command::CallList {
            data,
            campaign,
            name,
            precincts,
            script,
        } => {
            let store = open(&data)?;
            let report = store
                .create_call_list(
                    CampaignId(campaign),
                    &name,
                    &CallListFilter { precincts, script },
                )
                .context("could not make the call list")?;
            println!("call list {}: {} to call", report.id, report.members);
            println!("left out, no valid phone: {}", report.without_phone);
            println!("left out, do not call: {}", report.do_not_call);
            println!(
                "left out, number already on the list: {}",
                report.shared_phone
            );
        }
        Command::DoNotCall {
            data,
            campaign,
            phone,
        } => {
            let store = open(&data)?;
            store
                .add_do_not_call(CampaignId(campaign), phone.trim())
                .context("could not add the number")?;
            println!("added to do-not-call");
        }
        Command::Script {
            data,
            campaign,
            file,
            check,
        } => {
            let script = script_file::read(&file)
                .with_context(|| format!("the script {} cannot be used", file.display()))?;
            if check {
                println!(
                    "script {}: fine ({} questions)",
                    script.key,
                    script.questions.len()
                );
            } else {
                let store = open(&data)?;
                let saved = store
                    .save_script(CampaignId(campaign), &script)
                    .context("could not store the script")?;
                if saved.created {
                    println!("script {} stored as version {}", script.key, saved.version);
                } else {
                    println!(
                        "script {} unchanged: still version {}",
                        script.key, saved.version
                    );
                }
            }
        }
        Command::Export {
            data,
            campaign,
            out,
            format,
        } => {
            let store = open(&data)?;
            // Whole or not at all: an export that stops midway leaves no file that looks
            // complete (and an older export of the same name stays as it was).
            let mut file = atomic_write_file::AtomicWriteFile::open(&out)
                .with_context(|| format!("could not create {}", out.display()))?;
            let summary = export::write_csv(
                store.as_ref(),
                CampaignId(campaign),
                format,
                std::io::BufWriter::new(&mut file),
            )
            .context("could not export the results")?;
            file.commit()
                .with_context(|| format!("could not write {}", out.display()))?;
            println!(
                "exported {} events as {} rows to {}",
                summary.events,
                summary.rows,
                out.display()
            );
            if summary.quarantined > 0 {
                println!(
                    "left out, recorded by quarantined volunteers (release them to include): {}",
                    summary.quarantined
                );
            }
            if summary.skipped > 0 {
                println!(
                    "left out of the upload (no voter id, or notes): {}",
                    summary.skipped
                );
            }
        }
        Command::Migrate { from, to } => {
            if !from.exists() {
                anyhow::bail!("there is no database file {}", from.display());
            }
            let source = SqliteStore::open(&from)
                .with_context(|| format!("could not open the database {}", from.display()))?;
            // The copied codes are hashed under the file's key: PostgreSQL's replicas must be
            // given that key (it is never copied into the database).
            let key_file = groundgame_server::CodeKey::path_beside(&from);
            let target = groundgame_server::PgStore::connect_with_code_key(
                &to,
                Some(source.code_key().clone()),
            )
            .with_context(|| format!("could not open {}", Location::parse(&to)))?;
            let started = std::time::Instant::now();
            let copied = groundgame_server::store::migrate::copy(&source, &target)
                .context("could not copy the data (nothing was written to PostgreSQL)")?;
            let rows: u64 = copied.iter().map(|(_, n)| n).sum();
            tracing::info!(rows, ms = started.elapsed().as_millis() as u64, "migrated");
            for (table, sqlite, pg) in groundgame_server::store::migrate::counts(&source, &target)?
            {
                let mark = if sqlite == pg { "" } else { "  <- differs" };
                println!("{table}: {sqlite} -> {pg}{mark}");
            }
            println!("copied {rows} rows to {}", Location::parse(&to));
            println!(
                "invite codes are hashed under the key in {}: start every replica with \
                 --code-key-file and a copy of that file (readable by its owner only)",
                key_file.display()
            );
        }
        Command::Openapi => {
            println!("{}", groundgame_server::openapi().to_pretty_json()?);
        }
        Command::Campaign {
            data,
            name,
            time_zone,
        } => campaign(&data, name.as_deref(), time_zone)?,
        Command::Import {
            data,
            campaign,
            format,
            mapping,
            file,
            report,
            partial,
        } => {
            let format = match (format, mapping) {
                (ImportFormat::Ncvoter, _) => Format::NcVoter,
                (ImportFormat::Van, _) => Format::Van,
                (ImportFormat::Mapped, Some(path)) => {
                    let text = std::fs::read_to_string(&path).with_context(|| {
                        format!("could not read the mapping file {}", path.display())
                    })?;
                    Format::Mapped(Box::new(Mapping::parse(&text)?))
                }
                (ImportFormat::Mapped, None) => anyhow::bail!(
                    "--format mapped needs --mapping FILE: a TOML file naming the columns"
                ),
            };
            let store = open(&data)?;
            let request = run::ImportRequest {
                campaign: CampaignId(campaign),
                format,
                file: file.clone(),
                report,
                full_file: !partial,
                show_progress: true,
                lang: groundgame_server::lang::Lang::En,
            };
            let done = run::import_file(store.as_ref(), &request).with_context(|| {
                format!(
                    "could not import {} into campaign {campaign} (nothing was changed); \
                     list campaigns with `groundgame-server campaign --database {}`",
                    file.display(),
                    data
                )
            })?;
            tracing::info!(
                rows = done.summary.rows,
                ms = done.elapsed.as_millis() as u64,
                "voter file imported"
            );
            print!("{}", done.summary);
            println!(
                "report: {} ({} lines)",
                done.report.display(),
                done.report_lines
            );
        }
        Command::Streets {
            data,
            campaign,
            file,
        } => {
            let store = open(&data)?;
            let summary =
                groundgame_server::maps::load_streets(store.as_ref(), CampaignId(campaign), &file)
                    .with_context(|| {
                        format!(
                            "could not load the map from {} (nothing was changed)",
                            file.display()
                        )
                    })?;
            print!("{summary}");
        }
        Command::Geocode {
            data,
            campaign,
            file: None,
            report,
            ..
        } => {
            let store = open(&data)?;
            let report = report.unwrap_or_else(|| PathBuf::from("geocode-from-streets-report.csv"));
            let (summary, report) = groundgame_server::maps::geocode_from_streets(
                store.as_ref(),
                CampaignId(campaign),
                report,
            )
            .context("could not place the households from the map (nothing was changed)")?;
            print!("{summary}");
            println!("report: {}", report.display());
        }
        Command::Geocode {
            data,
            campaign,
            file: Some(file),
            report,
            ..
        } => {
            let store = open(&data)?;
            let (summary, report) =
                run::geocode_file(store.as_ref(), CampaignId(campaign), &file, report)
                    .with_context(|| {
                        format!(
                            "could not geocode from {} (nothing was changed)",
                            file.display()
                        )
                    })?;
            print!("{summary}");
            println!("report: {}", report.display());
        }
    }
    Ok(())
}
