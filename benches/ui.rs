//! The UI's benchmark: prints one table, each figure beside a baseline measured in the
//! same run on the same disk (compare within a run, not across runs).
//!
//! `cargo bench --bench ui` (release build, default features; the `ssr` renderer and the
//! serialized event converter come from the dev-dependencies). `GROUNDGAME_BENCH_QUICK=1`
//! shrinks the run counts tenfold for a smoke run.
//!
//! What it measures (issue "The canvasser's app"), all headless: the real `App` in a
//! `VirtualDom` over a real store file, rendered with `dioxus::ssr` (no web view, so
//! painting is not included):
//! 1. app start to a usable walk list: `Services::new` + `VirtualDom::new(App)` +
//!    `rebuild_in_place` on `/turf/1`, then the walk list's data load (one resource) and
//!    re-render, until the SSR string holds every row of the 2,000-household turf;
//! 2. one door save end to end: the Save tap's handler (visit → one store transaction with
//!    its outbox rows), the re-render it causes (the next frame's mutations), and then
//!    until the next door is usable; plus tapping a result (handler, draft write, frame);
//!    The map screen the same way: app start on `/turf/1/map` until its drawing holds
//!    every door of a 2,000-door turf placed on its streets (the turf's map as a pull
//!    brings it; no tiles);
//! 3. resident memory (VmRSS) with a 20,000-voter turf loaded and its walk list rendered,
//!    in a fresh child process (this binary re-run), so nothing else is counted.

use std::any::Any;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dioxus::core::{AttributeValue, ElementId, Mutation, NoOpMutations};
use dioxus::history::{History, MemoryHistory};
use dioxus::prelude::*;
use groundgame::clock::system_clock;
use groundgame::store::{Identity, Store};
use groundgame::ui::i18n::{self, Lang};
use groundgame::ui::{data, print, App, Services};
use groundgame_core::event::Channel;
use groundgame_core::map::{encode_line, GeoPoint, Plane};
use groundgame_core::protocol::{MapLine, PullResponse, ScopePage, TurfMap};
use groundgame_core::{
    CampaignConfig, CampaignId, DeviceId, Event, EventBody, EventId, Hlc, Household, HouseholdId,
    Person, PersonId, Role, Turf, TurfId, VolunteerId,
};

#[path = "common/mod.rs"]
mod common;
use common::{bench_dir, ms, percentile, print_table, row, scale};

/// Set in the child process that measures memory: the store file to load.
const RSS_CHILD: &str = "GROUNDGAME_UI_BENCH_RSS_STORE";

fn p50_p99(mut lat: Vec<Duration>) -> String {
    lat.sort();
    format!(
        "{} / {}",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99))
    )
}

/// A kB figure from /proc/self/status ("VmRSS", "VmHWM").
fn proc_status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

const FIRST: &[&str] = &[
    "Ana", "Luis", "María", "James", "Keisha", "Wei", "Olga", "Tomás", "Priya", "Samuel", "Grace",
    "Diego", "Fatima", "Robert", "Linh", "Carmen",
];
const LAST: &[&str] = &[
    "García",
    "Johnson",
    "Nguyen",
    "Smith",
    "Hernández",
    "Williams",
    "Okafor",
    "Brown",
    "Martínez",
    "Davis",
    "López",
    "Wilson",
    "Patel",
    "Moore",
    "Rivera",
    "Taylor",
];
const PARTIES: &[&str] = &["DEM", "REP", "UNA", "LIB", "GRE"];

/// A store file holding one turf of `households` doors and `voters` people (spread one to
/// four per door), a quarter of the doors already knocked by teammates; joined, as a
/// volunteer's phone would be after its first download.
fn stocked_store(path: &Path, households: usize, voters: usize) -> Arc<Store> {
    stocked(path, households, voters, false)
}

/// Where door `i` of a stocked turf stands when it is mapped: 40 doors a street (20 a
/// side, 20 m apart, 15 m off the centreline), streets 110 m apart.
fn door_xy(i: usize) -> (f64, f64) {
    let (street, k) = (i / 40, i % 40);
    (
        10.0 + (k / 2) as f64 * 20.0,
        street as f64 * 110.0 + if k % 2 == 0 { 15.0 } else { -15.0 },
    )
}

/// The turf's map as a pull brings it: each street of `doors` and four cross streets.
fn turf_map(plane: &Plane, doors: usize) -> TurfMap {
    let streets = doors.div_ceil(40);
    let mut names: Vec<String> = (0..streets)
        .map(|s| format!("{} Street", LAST[s % LAST.len()]))
        .collect();
    let mut lines: Vec<MapLine> = (0..streets)
        .map(|s| MapLine {
            name: s as u32,
            arterial: false,
            points: encode_line(&[
                plane.to_geo((0.0, s as f64 * 110.0)),
                plane.to_geo((420.0, s as f64 * 110.0)),
            ]),
        })
        .collect();
    for (c, x) in [0.0, 140.0, 280.0, 420.0].iter().enumerate() {
        names.push(format!("Avenue {}", c + 1));
        lines.push(MapLine {
            name: names.len() as u32 - 1,
            arterial: c == 0,
            points: encode_line(&[
                plane.to_geo((*x, -60.0)),
                plane.to_geo((*x, streets as f64 * 110.0)),
            ]),
        });
    }
    TurfMap {
        tag: 1,
        names,
        lines,
    }
}

/// A store holding one turf of `households` doors and `voters` people, a quarter of the
/// doors already knocked; `mapped`: the doors placed and the turf's street map held.
fn stocked(path: &Path, households: usize, voters: usize, mapped: bool) -> Arc<Store> {
    let plane = Plane::around(GeoPoint::new(35.99, -78.90));
    let store = Store::open(path, system_clock()).expect("open store");
    let now = store.now_ms();
    store
        .save_registration(
            &Identity {
                device: DeviceId(1),
                volunteer: VolunteerId(1),
                campaign: CampaignId(1),
                role: Role::Volunteer,
                // Nothing listens here; the bench never syncs.
                server_url: "http://127.0.0.1:9".into(),
            },
            "bench-token",
            Hlc::new(now, 0),
        )
        .expect("register");
    let doors: Vec<Household> = (0..households)
        .map(|i| Household {
            id: HouseholdId(i as i64 + 1),
            turf: TurfId(1),
            street: format!("{} Street", LAST[(i / 40) % LAST.len()]),
            number: format!("{}", 100 + (i % 40) * 2),
            unit: if i % 7 == 0 {
                format!("Apt {}", i % 5 + 1)
            } else {
                String::new()
            },
            city: "Durham".into(),
            zip: "27701".into(),
            lat: mapped.then(|| plane.to_geo(door_xy(i)).lat),
            lon: mapped.then(|| plane.to_geo(door_xy(i)).lon),
            walk_order: i as u32 + 1,
        })
        .collect();
    let people: Vec<Person> = (0..voters)
        .map(|i| Person {
            id: PersonId::new_v7(),
            household: HouseholdId((i % households) as i64 + 1),
            source_id: format!("NC{i:08}"),
            first_name: FIRST[i % FIRST.len()].into(),
            last_name: LAST[(i / 3) % LAST.len()].into(),
            birth_year: Some(1940 + (i % 60) as u16),
            party: Some(PARTIES[i % PARTIES.len()].into()),
            phone: Some(format!("919555{:04}", i % 10_000)),
            language: Some(if i % 4 == 0 { "es" } else { "en" }.into()),
        })
        .collect();
    let events: Vec<Event> = (0..households)
        .filter(|i| i % 4 == 1)
        .map(|i| Event {
            id: EventId::new_v7(),
            at: Hlc::new(now - 3_600_000 + i as u64, 0),
            household: HouseholdId(i as i64 + 1),
            person: None,
            body: EventBody::Contact {
                channel: Channel::Door,
                result: if i % 8 == 1 { "not_home" } else { "come_back" }.into(),
                call_back_at: None,
            },
        })
        .collect();
    store
        .apply_pull(&PullResponse {
            server_time: Hlc::new(now, 0),
            campaign: CampaignConfig::with_defaults(CampaignId(1), "Bench campaign"),
            scopes: vec![ScopePage {
                turf: Turf {
                    id: TurfId(1),
                    campaign: CampaignId(1),
                    name: "Bench turf".into(),
                },
                cursor: 1,
                complete: true,
                household_total: households as u32,
                households: doors,
                people,
                events,
                removed_households: Vec::new(),
                removed_people: Vec::new(),
                removed_events: Vec::new(),
                map: mapped.then(|| turf_map(&plane, households)),
            }],
            removed: Vec::new(),
            has_more: false,
        })
        .expect("pull");
    Arc::new(store)
}

/// An in-memory history that tells the router when it moved (as the platforms' do).
struct BenchHistory {
    memory: MemoryHistory,
    updater: RefCell<Option<Arc<dyn Fn() + Send + Sync>>>,
}

impl BenchHistory {
    fn starting_at(path: &str) -> Rc<dyn History> {
        Rc::new(BenchHistory {
            memory: MemoryHistory::with_initial_path(path),
            updater: RefCell::new(None),
        })
    }
    fn moved(&self) {
        if let Some(update) = self.updater.borrow().clone() {
            update();
        }
    }
}

impl History for BenchHistory {
    fn current_route(&self) -> String {
        self.memory.current_route()
    }
    fn go_back(&self) {
        self.memory.go_back();
        self.moved();
    }
    fn go_forward(&self) {
        self.memory.go_forward();
        self.moved();
    }
    fn push(&self, route: String) {
        self.memory.push(route);
        self.moved();
    }
    fn replace(&self, path: String) {
        self.memory.replace(path);
        self.moved();
    }
    fn updater(&self, callback: Arc<dyn Fn() + Send + Sync>) {
        *self.updater.borrow_mut() = Some(callback);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Start the app on `path` over `store`.
fn start_app(store: &Arc<Store>, path: &str) -> VirtualDom {
    let services = Services::new(store.clone(), false, "Bench");
    VirtualDom::new(App)
        .with_root_context(services)
        .with_root_context(BenchHistory::starting_at(path))
}

/// Render to HTML until `ready` says the screen is usable (each loop: run the finished
/// tasks, such as a screen's data load, and re-render).
fn render_until(
    rt: &tokio::runtime::Runtime,
    dom: &mut VirtualDom,
    ready: impl Fn(&str) -> bool,
) -> String {
    for _ in 0..200 {
        let html = dioxus::ssr::render(dom);
        if ready(&html) {
            return html;
        }
        rt.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(10), dom.wait_for_work()).await;
        });
        dom.render_immediate(&mut NoOpMutations);
    }
    panic!("the screen never became usable");
}

/// App start to a usable walk list of `doors` doors; returns the time and the page size.
fn walk_list_start(
    rt: &tokio::runtime::Runtime,
    store: &Arc<Store>,
    doors: usize,
) -> (Duration, usize) {
    let marker = i18n::showing(Lang::En, doors);
    let _guard = rt.enter();
    let t = Instant::now();
    let mut dom = start_app(store, "/turf/1");
    dom.rebuild_in_place();
    let html = render_until(rt, &mut dom, |html| html.contains(&marker));
    (t.elapsed(), html.len())
}

/// App start to the map screen drawn with every one of `doors` doors on its streets;
/// returns the time and the page size.
fn map_screen_start(
    rt: &tokio::runtime::Runtime,
    store: &Arc<Store>,
    doors: usize,
) -> (Duration, usize) {
    let _guard = rt.enter();
    let t = Instant::now();
    let mut dom = start_app(store, "/turf/1/map");
    dom.rebuild_in_place();
    let html = render_until(rt, &mut dom, |html| {
        html.contains("map-screen-title")
            && html.contains("<polyline")
            && html.matches("<circle").count() >= doors
    });
    (t.elapsed(), html.len())
}

/// The element carrying attribute `name` = `value`, the latest made.
fn element(edits: &[Mutation], name: &str, value: &str) -> Option<ElementId> {
    edits.iter().rev().find_map(|m| match m {
        Mutation::SetAttribute {
            name: n,
            value: AttributeValue::Text(v),
            id,
            ..
        } if *n == name && v == value => Some(*id),
        _ => None,
    })
}

fn click(rt: &tokio::runtime::Runtime, dom: &mut VirtualDom, id: ElementId) {
    let data =
        dioxus::html::PlatformEventData::new(Box::<dioxus::html::SerializedMouseData>::default());
    let event = dioxus::core::Event::new(Rc::new(data) as Rc<dyn Any>, true);
    let _guard = rt.enter();
    dom.runtime().handle_event("click", event, id);
}

/// Run finished tasks and render until the door form's Save button exists.
fn until_door_usable(
    rt: &tokio::runtime::Runtime,
    dom: &mut VirtualDom,
    edits: &mut Vec<Mutation>,
) {
    for _ in 0..200 {
        if element(edits, "id", "save-visit").is_some()
            && element(edits, "data-key", "not_home").is_some()
        {
            return;
        }
        rt.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(10), dom.wait_for_work()).await;
        });
        edits.extend(dom.render_immediate_to_vec().edits);
    }
    panic!("the door never became usable");
}

/// Raw SQLite, the floor for a save: one row, one commit, as durable as ours.
fn raw_insert(conn: &rusqlite::Connection, i: u64) {
    conn.prepare_cached("INSERT INTO raw_events (id, household, at, body) VALUES (?1, ?2, ?3, ?4)")
        .expect("prepare")
        .execute(rusqlite::params![
            uuid::Uuid::now_v7().as_bytes().as_slice(),
            (i % 2000) as i64,
            i as i64,
            r#"{"kind":"contact","channel":"door","result":"not_home"}"#
        ])
        .expect("insert");
}

fn main() {
    if let Some(path) = std::env::var_os(RSS_CHILD) {
        rss_child(Path::new(&path));
        return;
    }
    dioxus::html::set_event_converter(Box::new(dioxus::html::SerializedHtmlEventConverter));
    let rt = runtime();
    let dir = bench_dir("groundgame-ui-bench-");
    let mut rows = Vec::new();

    // --- 1: app start to a usable walk list of 2,000 doors. ---
    let doors = 2_000;
    let db = dir.path().join("walk.sqlite");
    let store = stocked_store(&db, doors, 5_000);
    let runs = scale(100, 3);
    walk_list_start(&rt, &store, doors); // warm the page cache and the allocator
    let mut start = Vec::with_capacity(runs);
    let mut loads = Vec::with_capacity(runs);
    let mut raw = Vec::with_capacity(runs);
    let mut page_bytes = 0;
    let conn = common::device_raw(&db);
    for _ in 0..runs {
        let (took, bytes) = walk_list_start(&rt, &store, doors);
        start.push(took);
        page_bytes = bytes;
        let t = Instant::now();
        let walk = data::walk_rows(&store, TurfId(1)).expect("rows");
        loads.push(t.elapsed());
        assert_eq!(walk.len(), doors);
        let t = Instant::now();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, street, number, unit FROM households WHERE turf = 1
                 ORDER BY walk_order, id",
            )
            .expect("prepare");
        let rows_read: Vec<(i64, String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let mut stmt = conn
            .prepare_cached("SELECT household, json FROM events ORDER BY at, id")
            .expect("prepare");
        let events_read: Vec<(i64, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        raw.push(t.elapsed());
        assert_eq!(rows_read.len(), doors);
        assert!(!events_read.is_empty());
    }
    rows.push(row(
        &format!(
            "app start → usable walk list, {doors} doors: Services::new + VirtualDom::new(App) + \
             rebuild + data load + re-render + SSR to HTML ({:.1} MB), p50 / p99 over {runs}",
            page_bytes as f64 / 1e6
        ),
        p50_p99(start),
        format!(
            "{} (raw SQLite SELECT of the same households + events, no fold, no render)",
            p50_p99(raw)
        ),
        "",
    ));
    rows.push(row(
        "  ... of which the walk list's data (data::walk_rows: read + fold every door)",
        p50_p99(loads),
        String::new(),
        "",
    ));

    // The map screen of a turf of as many doors, placed, with its streets.
    let mapped = stocked(&dir.path().join("map.sqlite"), doors, 5_000, true);
    map_screen_start(&rt, &mapped, doors);
    let mut map_start = Vec::with_capacity(runs);
    let mut map_bytes = 0;
    for _ in 0..runs {
        let (took, bytes) = map_screen_start(&rt, &mapped, doors);
        map_start.push(took);
        map_bytes = bytes;
    }
    rows.push(row(
        &format!(
            "app start → map screen, {doors} doors drawn on their streets (no tiles): \
             the same steps ({:.1} MB of SVG and HTML), p50 / p99 over {runs}",
            map_bytes as f64 / 1e6
        ),
        p50_p99(map_start),
        "(the walk list's start, above)".to_string(),
        "< 300 ms",
    ));
    drop(mapped);

    // The paper walk list of the same turf.
    let mut sheets = Vec::with_capacity(runs);
    let mut sheet_bytes = 0;
    for _ in 0..scale(30, 3) {
        let t = Instant::now();
        let sheet = data::print_sheet(&store, TurfId(1))
            .expect("sheet")
            .expect("turf");
        let html = print::walk_list_document(
            &sheet,
            Lang::En,
            groundgame_core::time::utc_date(store.now_ms()),
        );
        sheets.push(t.elapsed());
        sheet_bytes = html.len();
    }
    rows.push(row(
        &format!(
            "paper walk list of {doors} doors (data::print_sheet + walk_list_document, {:.1} MB of HTML)",
            sheet_bytes as f64 / 1e6
        ),
        p50_p99(sheets),
        String::new(),
        "",
    ));

    // --- 2: one door save, end to end in the UI. ---
    let saves = scale(300, 3).min(doors - 1);
    let raw_conn = rusqlite::Connection::open(dir.path().join("raw.sqlite")).expect("raw");
    raw_conn
        .pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    raw_conn
        .pragma_update(None, "synchronous", "FULL")
        .expect("sync");
    raw_conn
        .execute_batch(
            "CREATE TABLE raw_events (id BLOB PRIMARY KEY, household INTEGER NOT NULL,
             at INTEGER NOT NULL, body TEXT NOT NULL);",
        )
        .expect("table");
    let mut dom = start_app(&store, "/turf/1/door/1");
    let mut edits = {
        let _guard = rt.enter();
        dom.rebuild_to_vec().edits
    };
    let mut tap_result = Vec::with_capacity(saves);
    let mut save_frame = Vec::with_capacity(saves);
    let mut save_usable = Vec::with_capacity(saves);
    let mut raw_save = Vec::with_capacity(saves);
    let mut store_only = Vec::with_capacity(saves);
    let pending_before = store.pending_count().expect("pending");
    for i in 0..saves {
        until_door_usable(&rt, &mut dom, &mut edits);
        let not_home = element(&edits, "data-key", "not_home").expect("result button");
        let t = Instant::now();
        click(&rt, &mut dom, not_home);
        edits.extend(dom.render_immediate_to_vec().edits);
        tap_result.push(t.elapsed());

        let save = element(&edits, "id", "save-visit").expect("save button");
        let t = Instant::now();
        click(&rt, &mut dom, save);
        edits.clear();
        edits.extend(dom.render_immediate_to_vec().edits);
        save_frame.push(t.elapsed());
        until_door_usable(&rt, &mut dom, &mut edits);
        save_usable.push(t.elapsed());

        // The baselines, interleaved so both see the same disk.
        let t = Instant::now();
        raw_insert(&raw_conn, i as u64);
        raw_save.push(t.elapsed());
        let t = Instant::now();
        store
            .record(
                HouseholdId((doors - i) as i64),
                None,
                EventBody::Contact {
                    channel: Channel::Door,
                    result: "not_home".into(),
                    call_back_at: None,
                },
            )
            .expect("record");
        store_only.push(t.elapsed());
    }
    let recorded = store.pending_count().expect("pending") - pending_before;
    assert_eq!(
        recorded as usize,
        saves * 2,
        "one event per save, one per baseline record"
    );
    assert_eq!(
        store.draft_count().expect("drafts"),
        0,
        "every saved door's draft cleared"
    );
    rows.push(row(
        &format!(
            "door save, UI end to end: Save tap → handler → store write (outbox row, \
             synchronous=FULL) → next frame's mutations, p50 / p99 over {saves}"
        ),
        p50_p99(save_frame),
        format!(
            "{} (raw one-row INSERT commit, FULL); {} (Store::record alone)",
            p50_p99(raw_save),
            p50_p99(store_only)
        ),
        "< 16 ms",
    ));
    rows.push(row(
        "  ... until the next door is usable (its data loaded and rendered)",
        p50_p99(save_usable),
        String::new(),
        "",
    ));
    rows.push(row(
        "tap a result: handler → draft write to SQLite → next frame's mutations",
        p50_p99(tap_result),
        String::new(),
        "< 16 ms",
    ));
    drop(dom);

    // --- 3: memory with a 20,000-voter turf, in a fresh process. ---
    let big = dir.path().join("big.sqlite");
    let voters = 20_000;
    let big_doors = 8_000;
    drop(stocked_store(&big, big_doors, voters));
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env(RSS_CHILD, &big)
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |name: &str| -> String {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or("?")
            .to_owned()
    };
    rows.push(row(
        &format!(
            "resident memory (VmRSS) with a {voters}-voter turf ({big_doors} doors) loaded and \
             its walk list rendered ({} ms to usable; peak VmHWM {} MB)",
            field("render_ms"),
            field("hwm_mb")
        ),
        format!("{} MB", field("rss_mb")),
        format!(
            "{} MB (the same process with the store open, before the UI)",
            field("base_mb")
        ),
        "< 150 MB",
    ));

    // --- 4: "Next contact" on a 50,000-contact call list held on the device. ---
    next_contact_rows(&rt, &dir, &mut rows);

    print_table(&rows);
}

/// The call screen's "Save and next contact", end to end: record the disposition (one
/// store transaction), then until the next contact's name is on screen (its data read and
/// rendered), with 50,000 contacts held; beside it, the store's `next_call` alone and a raw
/// indexed SELECT of the next row.
fn next_contact_rows(
    rt: &tokio::runtime::Runtime,
    dir: &tempfile::TempDir,
    rows: &mut Vec<common::Row>,
) {
    use groundgame::store::calls::{CallListInfo, HeldContact};
    use groundgame_core::CallListId;

    let held = 50_000u32;
    let list = CallListId(7);
    let db = dir.path().join("calls.sqlite");
    let store = stocked_store(&db, 10, 20);
    store
        .replace_call_lists(&[CallListInfo {
            id: list,
            name: "Bench phone bank".into(),
            script: None,
            total: held,
            left: held,
            call_backs: 0,
        }])
        .expect("list");
    let contacts: Vec<HeldContact> = (0..held)
        .map(|i| HeldContact {
            list,
            person: PersonId::new_v7(),
            household: HouseholdId(1_000_000 + i64::from(i)),
            first_name: format!("Caller{i}"),
            last_name: "Bench".into(),
            language: Some(if i % 3 == 0 { "es" } else { "en" }.into()),
            phone: format!("+1919{:07}", i),
            street: "Oak St".into(),
            number: i.to_string(),
            unit: String::new(),
            city: "Durham".into(),
            zip: "27701".into(),
            position: i,
            retry: false,
            expires_at: store.now_ms() + 30 * 60 * 1000,
            call_back_due: None,
        })
        .collect();
    store.hold_contacts(list, &contacts).expect("hold");
    let name_shown = |edits: &[Mutation], name: &str| {
        edits.iter().any(|m| match m {
            Mutation::CreateTextNode { value, .. } | Mutation::SetText { value, .. } => {
                value == name
            }
            _ => false,
        })
    };
    let mut dom = start_app(&store, "/calls/7");
    let mut edits = {
        let _guard = rt.enter();
        dom.rebuild_to_vec().edits
    };
    let wait = |dom: &mut VirtualDom, edits: &mut Vec<Mutation>, name: &str| {
        for _ in 0..400 {
            if name_shown(edits, name) && element(edits, "data-result", "no_answer").is_some() {
                return;
            }
            rt.block_on(async {
                let _ = tokio::time::timeout(Duration::from_secs(10), dom.wait_for_work()).await;
            });
            edits.extend(dom.render_immediate_to_vec().edits);
        }
        panic!("the next contact ({name}) never showed");
    };
    wait(&mut dom, &mut edits, "Caller0 Bench");
    let conn = common::device_raw(&db);
    let runs = scale(300, 3);
    let (mut ui, mut next_only, mut raw) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let no_answer = element(&edits, "data-result", "no_answer").expect("disposition");
        click(rt, &mut dom, no_answer);
        edits.extend(dom.render_immediate_to_vec().edits);
        let next = element(&edits, "id", "next-contact").expect("next button");
        let t = Instant::now();
        click(rt, &mut dom, next);
        edits.clear();
        edits.extend(dom.render_immediate_to_vec().edits);
        wait(&mut dom, &mut edits, &format!("Caller{} Bench", i + 1));
        ui.push(t.elapsed());

        let t = Instant::now();
        let c = store.next_call(list).expect("next").expect("a contact");
        next_only.push(t.elapsed());
        assert_eq!(c.first_name, format!("Caller{}", i + 1));
        let t = Instant::now();
        let first: String = conn
            .prepare_cached(
                "SELECT first_name FROM call_contacts WHERE list = 7 AND state = 'open'
                 ORDER BY position LIMIT 1",
            )
            .expect("prepare")
            .query_row([], |r| r.get(0))
            .expect("row");
        raw.push(t.elapsed());
        assert_eq!(first, c.first_name);
    }
    rows.push(row(
        &format!(
            "call session, {held} contacts held: \"Save and next contact\" tap → call recorded \
             (outbox rows + contact state, one transaction) → next contact on screen, \
             p50 / p99 over {runs}"
        ),
        p50_p99(ui),
        format!(
            "{} (Store::next_call alone); {} (raw indexed SELECT of the next row)",
            p50_p99(next_only),
            p50_p99(raw)
        ),
        "< 50 ms",
    ));
}

/// The child: open the store, note VmRSS, start the app on the walk list, render it, note
/// VmRSS again (with the VirtualDom alive).
fn rss_child(path: &Path) {
    let path: PathBuf = path.to_path_buf();
    let rt = runtime();
    let store = Arc::new(Store::open(&path, system_clock()).expect("open"));
    let doors = store.turfs().expect("turfs")[0].households_held as usize;
    let base = proc_status_kb("VmRSS");
    let marker = i18n::showing(Lang::En, doors);
    let _guard = rt.enter();
    let t = Instant::now();
    let mut dom = start_app(&store, "/turf/1");
    dom.rebuild_in_place();
    let html = render_until(&rt, &mut dom, |html| html.contains(&marker));
    let took = t.elapsed();
    let rss = proc_status_kb("VmRSS");
    let hwm = proc_status_kb("VmHWM");
    println!(
        "base_mb={:.1} rss_mb={:.1} hwm_mb={:.1} render_ms={:.0} html_bytes={}",
        base as f64 / 1024.0,
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0,
        took.as_secs_f64() * 1000.0,
        html.len()
    );
    drop(dom);
}
