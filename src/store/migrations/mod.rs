//! Schema migrations: numbered SQL files embedded in the binary, applied in order, each in
//! its own transaction together with its row in `schema_version`. Append-only: a released
//! file is never edited; a change is a new file with the next number.

use rusqlite::Connection;

use super::StoreError;

/// Every migration, in order. The number is the schema version it brings the database to.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("0001_initial.sql")),
    (2, include_str!("0002_drafts.sql")),
    (3, include_str!("0003_calls.sql")),
    (4, include_str!("0004_lead_cache.sql")),
    (5, include_str!("0005_network.sql")),
];

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The database's current schema version (0 for a new file).
pub fn current(conn: &Connection) -> Result<u32, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version     INTEGER PRIMARY KEY,
             applied_at  TEXT NOT NULL DEFAULT (datetime('now'))
         )",
    )?;
    let version: Option<u32> =
        conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))?;
    Ok(version.unwrap_or(0))
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
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )?;
        tx.commit()?;
        tracing::info!(version, "applied local schema migration");
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
}
