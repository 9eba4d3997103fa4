//! The database file at rest: opened under its key, an older app's plain file encrypted in
//! place on first open, and every file the app wrote removed when the device is revoked.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::key::{self, DbKey};
use super::StoreError;

/// The first 16 bytes of every unencrypted SQLite database.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What is at a database path before it is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OnDisk {
    /// No file, or an empty one: a new database.
    Nothing,
    /// A database an app before encryption wrote.
    Plain,
    /// Anything else: pages only the key reads.
    Encrypted,
}

pub(super) fn on_disk(path: &Path) -> Result<OnDisk, StoreError> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(OnDisk::Nothing),
        Err(e) => return Err(StoreError::File(path.to_path_buf(), e)),
    };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(StoreError::File(path.to_path_buf(), e)),
        }
    }
    Ok(match read {
        0 => OnDisk::Nothing,
        _ if &head == PLAIN_HEADER => OnDisk::Plain,
        _ => OnDisk::Encrypted,
    })
}

/// Open `path` under `key` (a plain file from an older app is encrypted first), and check
/// that the key reads it. With no key (the benchmarks' baseline), a plain file.
pub(super) fn open(path: &Path, key: Option<&DbKey>) -> Result<Connection, StoreError> {
    if let Some(key) = key {
        if on_disk(path)? == OnDisk::Plain {
            encrypt_plain_file(path, key)?;
        }
    }
    let conn = Connection::open(path)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    // The first read is where a wrong key shows ("file is not a database").
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(StoreError::Unreadable)
        }
        Err(e) => Err(e.into()),
    }
}

/// Give a fresh connection its key, if the store has one (before anything else touches
/// the file).
pub(super) fn apply_optional_key(conn: &Connection, key: Option<&DbKey>) -> rusqlite::Result<()> {
    key.map_or(Ok(()), |key| apply_key(conn, key))
}

fn apply_key(conn: &Connection, key: &DbKey) -> rusqlite::Result<()> {
    // The literal is 64 hex digits in `x'…'`: nothing in it needs quoting.
    let pragma =
        zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", &*key.sqlcipher_literal()));
    conn.execute_batch(&pragma)
}

/// An older app's plain database becomes an encrypted copy (SQLCipher's `sqlcipher_export`,
/// the schema version carried over), which then replaces it by rename: a crash before the
/// rename leaves the plain file as it was (the half-made copy is dropped on the next try),
/// one after it leaves the encrypted file. The log is folded in first, so no commit is
/// left behind in a plain `-wal`.
fn encrypt_plain_file(path: &Path, key: &DbKey) -> Result<(), StoreError> {
    let copy = sibling(path, ".encrypting");
    remove_if_there(&copy)?;
    {
        let conn = Connection::open(path)?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let literal = key.sqlcipher_literal();
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            (copy.to_string_lossy().as_ref(), literal.as_str()),
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
        conn.execute_batch("DETACH DATABASE encrypted;")?;
        conn.close().map_err(|(_, e)| e)?;
    }
    let file = |e| StoreError::File(copy.clone(), e);
    std::fs::File::open(&copy)
        .and_then(|f| f.sync_all())
        .map_err(file)?;
    std::fs::rename(&copy, path).map_err(file)?;
    for side in ["-wal", "-shm", "-journal"] {
        remove_if_there(&sibling(path, side))?;
    }
    key::sync_folder(path).map_err(|e| StoreError::File(path.to_path_buf(), e))?;
    tracing::info!("the device's database was encrypted at rest");
    Ok(())
}

/// `<path><suffix>`.
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_there(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::File(path.to_path_buf(), e)),
    }
}

/// Every file the app wrote in its data folder for the database at `db`: the database and
/// its log, a half-made encrypted copy, saved results exports, saved paper walk lists (and
/// the temporary files their writes may have left), the desktop web view's storage. Files
/// of other databases in the same folder are not the app's to remove.
pub(super) fn app_files(db: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["", "-wal", "-shm", "-journal", ".encrypting"]
        .iter()
        .map(|s| sibling(db, s))
        .collect();
    let Some(folder) = db.parent() else {
        return files;
    };
    files.push(folder.join("exports"));
    files.push(folder.join("webview"));
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("walk-list-") || name.starts_with(".walk-list-") {
                files.push(entry.path());
            }
        }
    }
    files
}

/// Remove `files` (folders with everything in them); what was not there is fine. Returns
/// the first failure after trying every one.
pub(super) fn remove_all(files: &[PathBuf]) -> Result<(), StoreError> {
    let mut first = None;
    for f in files {
        let gone = match std::fs::symlink_metadata(f) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => Err(e),
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(f),
            Ok(_) => std::fs::remove_file(f),
        };
        if let Err(e) = gone {
            if e.kind() != std::io::ErrorKind::NotFound && first.is_none() {
                first = Some(StoreError::File(f.clone(), e));
            }
        }
    }
    first.map_or(Ok(()), Err)
}
