//! Schema migrations: numbered SQL files embedded in the binary and applied in order by
//! `rusqlite_migration`, which keeps the version in SQLite's `user_version` header field and
//! applies whatever is pending in one transaction. Append-only: a released file is never
//! edited; a change is a new file with the next number.
//!
//! Databases written before the crate took over kept their version in a `schema_version`
//! table: [`adopt_version_table`] carries it into `user_version` once, and every run still
//! writes the table's rows so that an older server opening a newer file refuses it rather
//! than running on a schema it does not know.

use rusqlite::{Connection, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use super::StoreError;

/// (version, SQL), in order.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/0001_initial.sql")),
    (2, include_str!("migrations/0002_voter_file.sql")),
    (3, include_str!("migrations/0003_import_seen.sql")),
    (4, include_str!("migrations/0004_quarantine.sql")),
    (5, include_str!("migrations/0005_call_claims.sql")),
    (6, include_str!("migrations/0006_lead_views.sql")),
    (7, include_str!("migrations/0007_network.sql")),
    (8, include_str!("migrations/0008_placed_indexes.sql")),
    (9, include_str!("migrations/0009_events_volunteer.sql")),
    (10, include_str!("migrations/0010_device_links.sql")),
    (11, include_str!("migrations/0011_call_back_by.sql")),
    (12, include_str!("migrations/0012_campaign_time_zone.sql")),
    (13, include_str!("migrations/0013_held_events.sql")),
    (
        14,
        include_str!("migrations/0014_do_not_call_additions.sql"),
    ),
    (15, include_str!("migrations/0015_event_tombstones.sql")),
    (16, include_str!("migrations/0016_map.sql")),
];

pub(super) fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    adopt_version_table(conn)?;
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > newest {
        return Err(StoreError::Migration(format!(
            "the database is at schema version {current}, newer than this server \
             understands ({newest}); run a newer groundgame-server"
        )));
    }
    // A migration may rebuild a table other tables reference (SQLite's documented
    // procedure): foreign keys are off while it runs and checked before it commits.
    // The pragma is a no-op inside a transaction, so it is set around them.
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    // A second server on the same file waits for the write lock instead of failing later.
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    let result = migrations().to_latest(conn);
    conn.set_transaction_behavior(TransactionBehavior::Deferred);
    if enforced {
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
    }
    result.map_err(|e| match e {
        rusqlite_migration::Error::ForeignKeyCheck(broken) => StoreError::Migration(format!(
            "a migration left {} rows pointing at missing rows; restore the database from \
             its backup and report this",
            broken.len()
        )),
        other => StoreError::Migration(format!("migrating from version {current}: {other}")),
    })?;
    record_in_version_table(conn, current, newest)?;
    if current < newest {
        tracing::info!(from = current, to = newest, "applied schema migrations");
    }
    Ok(())
}

fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATIONS
            .iter()
            .map(|(_, sql)| M::up(sql).foreign_key_check())
            .collect(),
    )
}

/// A database from before `user_version` was used: take its version from the old table.
fn adopt_version_table(conn: &Connection) -> Result<(), StoreError> {
    let user_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version')",
        [],
        |r| r.get(0),
    )?;
    if user_version == 0 && has_table {
        let version: i64 = conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |r| r.get(0),
        )?;
        conn.pragma_update(None, "user_version", version)?;
    }
    Ok(())
}

/// The old table, kept written for older servers' sake (see the module's notes).
fn record_in_version_table(conn: &Connection, from: i64, to: i64) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version INTEGER PRIMARY KEY,
             applied_at INTEGER NOT NULL
         )",
    )?;
    let now = crate::clock::system_ms();
    for version in from + 1..=to {
        conn.execute(
            "INSERT OR IGNORE INTO schema_version (version, applied_at) VALUES (?1, ?2)",
            rusqlite::params![version, now],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_increasing_and_reapplying_is_a_no_op() {
        for (i, (v, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v, i as i64 + 1, "migrations must be numbered 1, 2, 3...");
        }
        let mut conn = Connection::open_in_memory().expect("memory db");
        apply(&mut conn).expect("first run");
        apply(&mut conn).expect("second run");
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, MIGRATIONS.len() as i64);
        let user_version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("user_version");
        assert_eq!(user_version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn version_2_keeps_households_and_people_of_a_version_1_database() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch("PRAGMA foreign_keys = ON").expect("fk");
        conn.execute_batch(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
             INSERT INTO schema_version VALUES (1, 0);",
        )
        .expect("version table");
        conn.execute_batch(MIGRATIONS[0].1).expect("v1");
        conn.execute_batch(
            "INSERT INTO campaigns (id, name, config, created_at) VALUES (7, 'c', '{}', 0);
             INSERT INTO turfs (id, campaign_id, name, created_at) VALUES (3, 7, 't', 0);
             INSERT INTO households (id, turf_id, seq, street, number, unit, city, zip, lat, lon,
                                     walk_order)
                 VALUES (11, 3, 5, 'Oak St', '12', '', 'Town', '27999', 35.9, -79.0, 1);
             INSERT INTO people (id, household_id, turf_id, seq, source_id, first_name, last_name,
                                 birth_year, party, phone, language)
                 VALUES (x'00112233445566778899aabbccddeeff', 11, 3, 6, 'NC1', 'Ana', 'Diaz',
                         1980, 'DEM', NULL, 'es');",
        )
        .expect("v1 rows");
        apply(&mut conn).expect("upgrade");
        let (campaign, turf, seq, key): (i64, Option<i64>, i64, String) = conn
            .query_row(
                "SELECT campaign_id, turf_id, seq, address_key FROM households WHERE id = 11",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("household kept");
        assert_eq!((campaign, turf, seq, key.as_str()), (7, Some(3), 5, ""));
        let (campaign, household, status, source): (i64, i64, String, String) = conn
            .query_row(
                "SELECT campaign_id, household_id, status, source_id FROM people",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("person kept");
        assert_eq!(
            (campaign, household, status.as_str(), source.as_str()),
            (7, 11, "active", "NC1")
        );
        let enforced: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("pragma");
        assert!(enforced, "foreign keys are on again after migrating");
        // New households continue the id sequence rather than reusing ids.
        conn.execute(
            "INSERT INTO households (campaign_id, seq, street, number, unit, city, zip, walk_order)
             VALUES (7, 0, 'Elm St', '1', '', 'Town', '27999', 0)",
            [],
        )
        .expect("insert after upgrade");
        assert!(conn.last_insert_rowid() > 11);
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused_whichever_way_it_records_its_version() {
        let mut by_header = Connection::open_in_memory().expect("memory db");
        apply(&mut by_header).expect("migrate");
        by_header
            .pragma_update(None, "user_version", 999)
            .expect("bump");
        let err = apply(&mut by_header).expect_err("refused");
        assert!(err.to_string().contains("schema version 999"), "{err}");

        let mut by_table = Connection::open_in_memory().expect("memory db");
        by_table
            .execute_batch(
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
                 INSERT INTO schema_version VALUES (999, 0);",
            )
            .expect("old table");
        let err = apply(&mut by_table).expect_err("refused");
        assert!(err.to_string().contains("schema version 999"), "{err}");
    }
}
