//! What the app's benchmark binaries share: the result table (ours beside a baseline from
//! the same run, and the target), percentiles, the quick mode, and a scratch folder on the
//! real disk.

use std::time::Duration;

pub struct Row {
    pub what: String,
    pub ours: String,
    pub baseline: String,
    pub target: String,
}

pub fn row(what: &str, ours: String, baseline: String, target: &str) -> Row {
    Row {
        what: what.into(),
        ours,
        baseline,
        target: target.into(),
    }
}

/// `n`, or a tenth of it (at least `min`) when `GROUNDGAME_BENCH_QUICK` is set.
pub fn scale(n: usize, min: usize) -> usize {
    if std::env::var("GROUNDGAME_BENCH_QUICK").is_ok() {
        (n / 10).max(min)
    } else {
        n
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// A scratch folder on the real disk, not tmpfs: durability costs are part of what is
/// measured (`GROUNDGAME_BENCH_DIR`, default `target`).
pub fn bench_dir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(std::env::var("GROUNDGAME_BENCH_DIR").unwrap_or_else(|_| "target".into()))
        .expect("temp dir")
}

pub fn print_table(rows: &[Row]) {
    println!();
    println!("| measure | groundgame | baseline (same run) | target |");
    println!("|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} |",
            r.what, r.ours, r.baseline, r.target
        );
    }
}

/// Raw SQLite, the floor: a table shaped like the events table, WAL, the given
/// `synchronous` level.
#[allow(dead_code)]
pub fn raw_sqlite(path: &std::path::Path, synchronous: &str) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    conn.pragma_update(None, "synchronous", synchronous)
        .expect("sync");
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS events (id BLOB PRIMARY KEY, household INTEGER NOT NULL,
         at INTEGER NOT NULL, body TEXT NOT NULL);",
    )
    .expect("table");
    conn
}

/// One row into [`raw_sqlite`]'s table, one autocommit.
#[allow(dead_code)]
pub fn raw_insert(conn: &rusqlite::Connection, i: u64) {
    conn.prepare_cached("INSERT INTO events (id, household, at, body) VALUES (?1, ?2, ?3, ?4)")
        .expect("prepare")
        .execute(rusqlite::params![
            uuid::Uuid::now_v7().as_bytes().as_slice(),
            (i % 5000) as i64,
            i as i64,
            r#"{"kind":"contact","channel":"door","result":"not_home"}"#
        ])
        .expect("insert");
}

/// A raw connection to a device's database, under the device's own key (the file is
/// encrypted at rest): the baselines read the same encrypted pages the app does.
#[allow(dead_code)]
pub fn device_raw(path: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("raw open");
    let key = std::fs::read(groundgame::store::KeyFile::beside(path).path()).expect("key");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
        .expect("key");
    conn
}
