//! The PostgreSQL schema: numbered SQL files, embedded, applied in order inside a
//! single transaction, never edited once released. Replicas starting at once take an advisory
//! lock first, so exactly one applies each file and the others find it applied.

use super::Conn;
use crate::store::StoreError;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/0001_initial.sql")),
    (2, include_str!("migrations/0002_campaign_time_zone.sql")),
    (3, include_str!("migrations/0003_held_events.sql")),
    (4, include_str!("migrations/0004_do_not_call_additions.sql")),
    (5, include_str!("migrations/0005_code_key.sql")),
    (6, include_str!("migrations/0006_event_tombstones.sql")),
    (7, include_str!("migrations/0007_map.sql")),
    (
        8,
        include_str!("migrations/0008_people_household_campaign.sql"),
    ),
];

/// Any fixed number: the key of the advisory lock migrations take.
const MIGRATION_LOCK: i64 = 0x6767_6d69_6772;

pub(super) fn apply(conn: &mut Conn) -> Result<(), StoreError> {
    let mut tx = conn.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let applied: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    if applied > newest {
        return Err(StoreError::Migration(format!(
            "the database is at schema version {applied}, newer than this server knows \
             ({newest}); run a newer groundgame-server"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > applied) {
        tx.batch_execute(sql)
            .map_err(|e| StoreError::Migration(format!("version {version}: {e}")))?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[version],
        )?;
    }
    tx.commit()?;
    Ok(())
}
