//! Schema migrations: numbered SQL files embedded in the binary, applied in order by
//! `rusqlite_migration` (the version lives in SQLite's `user_version` header field; whatever
//! is pending is applied in one transaction). Append-only: a released file is never edited;
//! a change is a new file with the next number.
//!
//! Phones that installed an earlier build recorded the version in a `schema_version` table
//! instead. The first open by this build copies it into `user_version`, and every run keeps
//! the table's rows written, so an older build a volunteer reinstalls still refuses a newer
//! file instead of running on it.

use rusqlite::{Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};

use super::StoreError;

/// Every migration, in order. The number is the schema version it brings the database to.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("0001_initial.sql")),
    (2, include_str!("0002_drafts.sql")),
    (3, include_str!("0003_calls.sql")),
    (4, include_str!("0004_lead_cache.sql")),
    (5, include_str!("0005_network.sql")),
    (6, include_str!("0006_turf_maps.sql")),
    (7, include_str!("0007_lean_door_save.sql")),
    (8, include_str!("0008_no_order_index.sql")),
    (9, include_str!("0009_pending_in_the_outbox.sql")),
];

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The database's current schema version (0 for a new file): the higher of `user_version`
/// and the old `schema_version` table's newest row, so a file is judged by whichever build
/// wrote it last.
pub fn current(conn: &Connection) -> Result<u32, StoreError> {
    let header: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let old_table: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let in_table: Option<u32> = match old_table {
        Some(_) => conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))?,
        None => None,
    };
    Ok(header.max(in_table.unwrap_or(0)))
}

/// Bring the database up to [`latest`]. Refuses a database written by a newer app.
pub fn run(conn: &mut Connection) -> Result<(), StoreError> {
    let found = current(conn)?;
    if found > latest() {
        return Err(StoreError::SchemaTooNew {
            found,
            known: latest(),
        });
    }
    conn.pragma_update(None, "user_version", found)?;
    let all = Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect());
    all.to_latest(conn)
        .map_err(|e| StoreError::Migration(e.to_string()))?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version     INTEGER PRIMARY KEY,
             applied_at  TEXT NOT NULL DEFAULT (datetime('now'))
         )",
    )?;
    for version in found + 1..=latest() {
        conn.execute(
            "INSERT OR IGNORE INTO schema_version (version) VALUES (?1)",
            [version],
        )?;
    }
    if found < latest() {
        tracing::info!(
            from = found,
            to = latest(),
            "applied local schema migrations"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_rerunnable() {
        for (i, (v, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1, "migrations must be numbered 1, 2, 3...");
        }
        let mut conn = Connection::open_in_memory().expect("open");
        run(&mut conn).expect("first run");
        run(&mut conn).expect("second run is a no-op");
        assert_eq!(current(&conn).expect("version"), latest());
    }

    #[test]
    fn refuses_a_newer_database() {
        let mut conn = Connection::open_in_memory().expect("open");
        run(&mut conn).expect("run");
        conn.execute("INSERT INTO schema_version (version) VALUES (999)", [])
            .expect("bump");
        assert!(matches!(
            run(&mut conn),
            Err(StoreError::SchemaTooNew { found: 999, .. })
        ));
    }

    /// Migration 0007 rebuilds the events table and the outbox: every row, and every
    /// waiting row's number, comes through; the numbers the outbox hands out from then on
    /// (timestamps) sort after the old ones.
    #[test]
    fn the_lean_door_save_keeps_every_event_and_waiting_row() {
        let conn = Connection::open_in_memory().expect("open");
        for (version, sql) in &MIGRATIONS[..6] {
            conn.execute_batch(sql).expect("old migration");
            conn.pragma_update(None, "user_version", version)
                .expect("version");
        }
        conn.execute_batch(
            "INSERT INTO events (id, household, person, at, json) VALUES
                 (x'01', 1, NULL, 10, '{\"a\":1}'), (x'02', 2, x'aa', 20, '{\"b\":2}');
             INSERT INTO outbox (event_id, json) VALUES (x'03', '{\"c\":3}');
             INSERT INTO outbox (event_id, json) VALUES (x'02', '{\"b\":2}');
             DELETE FROM outbox WHERE event_id = x'03';",
        )
        .expect("old rows");
        // 0007 and 0008, as a phone of their day ran them (0009 has its own test).
        for (version, sql) in &MIGRATIONS[6..8] {
            conn.execute_batch(sql).expect("migration");
            conn.pragma_update(None, "user_version", version)
                .expect("version");
        }
        type EventRow = (Vec<u8>, i64, Option<Vec<u8>>, i64, String);
        let events: Vec<EventRow> = conn
            .prepare("SELECT id, household, person, at, json FROM events ORDER BY id")
            .expect("select")
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read");
        assert_eq!(
            events,
            vec![
                (vec![1], 1, None, 10, r#"{"a":1}"#.to_string()),
                (vec![2], 2, Some(vec![0xaa]), 20, r#"{"b":2}"#.to_string()),
            ]
        );
        let waiting: Vec<(i64, Vec<u8>)> = conn
            .prepare("SELECT seq, event_id FROM outbox ORDER BY seq")
            .expect("select")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read");
        assert_eq!(
            waiting,
            vec![(2, vec![2])],
            "the waiting row keeps its number"
        );
        let schema = |name: &str| -> String {
            conn.query_row(
                "SELECT sql FROM sqlite_master WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .expect(name)
        };
        assert!(schema("events").ends_with("WITHOUT ROWID"));
        assert!(!schema("outbox").contains("AUTOINCREMENT"));
        for index in ["events_by_household", "events_by_person"] {
            assert!(schema(index).starts_with("CREATE INDEX"), "{index}");
        }
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
        // Migration 0008 took the index by order away (a page on every save).
        assert_eq!(
            count("SELECT count(*) FROM sqlite_master WHERE name = 'events_by_order'"),
            0
        );
        assert_eq!(
            count("SELECT count(*) FROM sqlite_sequence WHERE name = 'outbox'"),
            0
        );
        // The next row is numbered by its timestamp, after every old number.
        let next = groundgame_core::Hlc::new(groundgame_core::hlc::EARLIEST_MS, 0).0;
        conn.execute(
            "INSERT INTO outbox (seq, event_id, json) VALUES (?1, x'04', '{}')",
            [next],
        )
        .expect("insert");
        let last: Vec<u8> = conn
            .query_row(
                "SELECT event_id FROM outbox ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("last");
        assert_eq!(last, vec![4]);
    }

    /// Migration 0009 gives every waiting row its door, person and timestamp: from the
    /// events table while it holds the event (the row stays shown), else from the row's own
    /// JSON (a door that left the phone before the push: not shown). Nothing is lost and
    /// the push sends the same JSON.
    #[test]
    fn waiting_rows_keep_their_json_and_learn_their_door() {
        let mut conn = Connection::open_in_memory().expect("open");
        for (version, sql) in &MIGRATIONS[..8] {
            conn.execute_batch(sql).expect("old migration");
            conn.pragma_update(None, "user_version", version)
                .expect("version");
        }
        let held = r#"{"id":"01a2519b-0381-7123-98b7-ec017400338f","at":117746266485620736,"household":1,"body":{"kind":"contact","channel":"door","result":"not_home"}}"#;
        let gone = r#"{"id":"01a2519b-0381-7123-98b7-ec017400339a","at":117746266485620737,"household":7,"person":"0190aaaa-bbbb-7ccc-8ddd-eeeeffff0011","body":{"kind":"do_not_contact","channel":"phone"}}"#;
        conn.execute(
            "INSERT INTO events (id, household, person, at, json) VALUES (x'01', 1, NULL, 5, ?1)",
            [held],
        )
        .expect("held event");
        conn.execute(
            "INSERT INTO outbox (seq, event_id, json) VALUES (3, x'01', ?1), (9, x'02', ?2)",
            [held, gone],
        )
        .expect("waiting rows");
        run(&mut conn).expect("upgrade");
        type Row = (i64, Vec<u8>, i64, Option<Vec<u8>>, i64, bool, String);
        let rows: Vec<Row> = conn
            .prepare(
                "SELECT seq, event_id, household, person, at, shown, json FROM outbox ORDER BY seq",
            )
            .expect("select")
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("read");
        let person = uuid::Uuid::parse_str("0190aaaa-bbbb-7ccc-8ddd-eeeeffff0011").expect("uuid");
        assert_eq!(
            rows,
            vec![
                (3, vec![1], 1, None, 5, true, held.to_string()),
                (
                    9,
                    vec![2],
                    7,
                    Some(person.as_bytes().to_vec()),
                    117746266485620737,
                    false,
                    gone.to_string()
                ),
            ]
        );
        let index: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'outbox_by_household'",
                [],
                |r| r.get(0),
            )
            .expect("index");
        assert!(index.starts_with("CREATE INDEX"));
    }

    #[test]
    fn a_phone_from_before_user_version_keeps_its_data_and_upgrades() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.execute_batch(
            "CREATE TABLE schema_version (
                 version INTEGER PRIMARY KEY,
                 applied_at TEXT NOT NULL DEFAULT (datetime('now'))
             );",
        )
        .expect("old table");
        for (version, sql) in &MIGRATIONS[..3] {
            conn.execute_batch(sql).expect("old migration");
            conn.execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [version],
            )
            .expect("old row");
        }
        let tables_before: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .expect("tables");
        assert_eq!(current(&conn).expect("version"), 3);
        run(&mut conn).expect("upgrade from 3 applies only 4 onwards");
        let header: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("header");
        assert_eq!(header, latest());
        let rows: u32 = conn
            .query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0))
            .expect("rows");
        assert_eq!(
            rows,
            latest(),
            "the old table stays written for older builds"
        );
        let tables_after: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .expect("tables");
        assert!(tables_after > tables_before);
        conn.pragma_update(None, "user_version", 999).expect("bump");
        assert!(matches!(
            run(&mut conn),
            Err(StoreError::SchemaTooNew { found: 999, .. })
        ));
    }
}
