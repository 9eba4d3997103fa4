//! WAL checkpoints off the volunteer's path.
//!
//! SQLite's automatic checkpoint runs inside the commit that takes the write-ahead log past
//! its threshold: that one door save also copies the log into the database file and syncs
//! it, which was most of the door save's p99 (issue "Sync that keeps moving", §5: a door
//! save wrote an event, its outbox row and the clock, some eight pages, so it reached the
//! threshold every hundred-odd saves; four since migration 0007). Here every
//! [`EVERY_COMMITS`] commits the commit hook starts a short-lived thread which opens its
//! own connection and copies the log with `PASSIVE` checkpoints, which never block a
//! writer. Each copy still costs the saves beside it (a thread, a connection, the database
//! file's sync on the same disk): with a copy every 64 commits, one save in 64 ran beside
//! one and the door save's p99 was 1.15–1.37× the raw commit's; every 512 commits (some
//! 1,100 pages since migration 0009, about SQLite's own default of 1,000) it was
//! 1.11–1.14×. The log starts again from its beginning at the first commit that finds it
//! all copied: at a volunteer's pace (a save every few seconds), the next one. Saved back
//! to back (the bench, a script), the copy is always a commit or two behind; then SQLite's
//! own automatic checkpoint, kept as the backstop at [`BACKSTOP_PAGES`], finds all but
//! those few frames already copied, so the save that runs it copies a few pages rather than
//! the whole log (tried: finishing the copy under the store's lock instead put the database
//! file's sync in more saves' way, p99 0.73–0.82 ms against 0.50–0.65). Nothing runs while
//! nothing is written (no timer, no idle thread: a phone's battery, and the simulator's
//! thousand devices).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::key::DbKey;

/// Checkpoint after this many commits.
pub const EVERY_COMMITS: u32 = 512;
/// SQLite checkpoints in the committing thread only past this many log pages (~16 MB).
pub const BACKSTOP_PAGES: u32 = 4_000;
/// Copies one checkpoint runs, catching up with saves made meanwhile.
const CATCH_UP: usize = 4;

#[derive(Default)]
struct State {
    commits: u32,
    running: Option<JoinHandle<()>>,
    /// Checkpoints started (for tests).
    started: u64,
}

/// The background checkpoints of one database file. Dropping it waits for a running one.
pub struct Checkpointer {
    state: Arc<Mutex<State>>,
}

impl Checkpointer {
    /// Checkpoint the file at `path`, which `conn` has open under `key`, as `conn` commits.
    pub fn start(
        conn: &Connection,
        path: &Path,
        key: Option<DbKey>,
    ) -> rusqlite::Result<Checkpointer> {
        let checkpoints = Checkpointer {
            state: Arc::new(Mutex::new(State::default())),
        };
        checkpoints.attach(conn, path, key)?;
        Ok(checkpoints)
    }

    /// Checkpoint another connection's file from now on (the fresh database a wipe opens).
    pub fn attach(
        &self,
        conn: &Connection,
        path: &Path,
        key: Option<DbKey>,
    ) -> rusqlite::Result<()> {
        conn.pragma_update(None, "wal_autocheckpoint", BACKSTOP_PAGES)?;
        let hooked = self.state.clone();
        let path: PathBuf = path.to_path_buf();
        conn.commit_hook(Some(move || {
            let mut state = lock(&hooked);
            state.commits += 1;
            let busy = state.running.as_ref().is_some_and(|t| !t.is_finished());
            if state.commits >= EVERY_COMMITS && !busy {
                if let Some(done) = state.running.take() {
                    let _ = done.join();
                }
                let path = path.clone();
                let key = key.clone();
                // If the thread cannot start, the log waits for the next try or the backstop.
                if let Ok(thread) = std::thread::Builder::new()
                    .name("wal-checkpoint".into())
                    .spawn(move || checkpoint(&path, key.as_ref()))
                {
                    state.commits = 0;
                    state.started += 1;
                    state.running = Some(thread);
                }
            }
            false // never turn a commit into a rollback
        }));
        Ok(())
    }

    /// How many background checkpoints have started.
    #[cfg(test)]
    pub fn started(&self) -> u64 {
        lock(&self.state).started
    }

    /// Wait for a running checkpoint to end.
    pub fn settle(&self) {
        let running = lock(&self.state).running.take();
        if let Some(thread) = running {
            let _ = thread.join();
        }
    }
}

/// One `PASSIVE` checkpoint on `conn`: whether it copied the whole log.
fn passive(conn: &Connection) -> rusqlite::Result<bool> {
    let (log, copied): (i64, i64) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })?;
    Ok(copied >= log)
}

/// A failed checkpoint loses nothing (the log still holds every commit); the next one, or
/// SQLite's backstop, copies it.
fn checkpoint(path: &Path, key: Option<&DbKey>) {
    let run = || -> rusqlite::Result<()> {
        let conn = Connection::open(path)?;
        super::at_rest::apply_optional_key(&conn, key)?;
        // The commit that started this thread is still being written: wait for it (take
        // the write lock and let go at once, no page written), so the copy includes it.
        conn.busy_timeout(std::time::Duration::from_secs(1))?;
        if conn.execute_batch("BEGIN IMMEDIATE").is_ok() {
            conn.execute_batch("ROLLBACK")?;
        }
        for _ in 0..CATCH_UP {
            if passive(&conn)? {
                break;
            }
        }
        Ok(())
    };
    if let Err(e) = run() {
        tracing::debug!(error = %e, "background checkpoint failed");
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let running = lock(&self.state).running.take();
        if let Some(thread) = running {
            let _ = thread.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}
