//! Every committed row of every table of a server database, as text, sorted within its
//! table: two digests are equal exactly when nothing in the database changed between them.
//! The bad-input and authorization tests compare one before and one after a refused
//! request ("nothing written" means nothing, not one count unchanged); it is public so the
//! integration tests, which run the real server process, can take it too.

use std::collections::BTreeMap;

use super::{Location, StoreError};

/// Table name → its rows, each row's columns joined as text, sorted.
pub type Digest = BTreeMap<String, Vec<String>>;

impl Location {
    /// The digest of the database here. On PostgreSQL it connects with the synchronous
    /// client on a thread of its own, so it may be called from inside an async test.
    pub fn digest(&self) -> Result<Digest, StoreError> {
        match self {
            Location::Sqlite(path) => sqlite(path),
            Location::Postgres(url) => std::thread::scope(|scope| {
                scope
                    .spawn(|| postgres(url))
                    .join()
                    .map_err(|_| StoreError::Shared("the digest thread panicked".into()))?
            }),
        }
    }

    /// The tables whose rows differ between two digests.
    pub fn changed(before: &Digest, after: &Digest) -> Vec<String> {
        let mut tables: Vec<&String> = before.keys().chain(after.keys()).collect();
        tables.sort();
        tables.dedup();
        tables
            .into_iter()
            .filter(|t| before.get(*t) != after.get(*t))
            .cloned()
            .collect()
    }
}

fn sqlite(path: &std::path::Path) -> Result<Digest, StoreError> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut digest = Digest::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|v| v.join("|"))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort();
        digest.insert(table, rows);
    }
    Ok(digest)
}

fn postgres(url: &str) -> Result<Digest, StoreError> {
    let mut client = ::postgres::Client::connect(url, ::postgres::NoTls)?;
    let tables: Vec<String> = client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut digest = Digest::new();
    for table in tables {
        let mut rows: Vec<String> = client
            .query(&format!("SELECT t::text FROM \"{table}\" t"), &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        rows.sort();
        digest.insert(table, rows);
    }
    Ok(digest)
}
