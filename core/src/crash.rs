//! Crash points: named places in the middle of a write where a test can have this process
//! (the app or the server) die at once, with no destructor, flush or rollback run, as a
//! phone's app does when the system kills it or a server when its machine goes.
//! `GROUNDGAME_CRASH_AT=NAME` dies the first time the point is reached, `NAME:N` the N-th
//! time (a second pull page, say). The tests run the app or the server as a child process
//! with it set, see it die by SIGABRT (so the kill landed where it was meant to), then open
//! its database again (`tests/device_kill.rs`, `tests/server_kill.rs`).
//!
//! Only in debug builds: a release build (every phone's, every deployed server's) has no
//! crash points, and the variable means nothing to it.
//!
//! The app's points: `pull-written` (a pull response's rows, cursors and clock written,
//! not yet committed), `pull-committed` (just after that commit), `record-written` (a
//! visit's events and outbox rows written, not yet committed). The server's:
//! `push-committed` (a group of pushes committed, none of them answered yet).

/// The variable that names the crash point.
pub const CRASH_AT: &str = "GROUNDGAME_CRASH_AT";

/// Die here if this is the chosen point (and the chosen time it is reached).
#[cfg(debug_assertions)]
pub fn point(name: &str) {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::OnceLock;
    static TARGET: OnceLock<Option<(String, u32)>> = OnceLock::new();
    static HITS: AtomicU32 = AtomicU32::new(0);
    let target = TARGET.get_or_init(|| {
        let value = std::env::var(CRASH_AT).ok()?;
        Some(match value.split_once(':') {
            Some((point, n)) => (point.to_string(), n.parse().unwrap_or(1)),
            None => (value, 1),
        })
    });
    if let Some((want, nth)) = target {
        if want == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *nth {
            // SIGABRT: no unwinding, no destructors, nothing flushed — a killed process.
            std::process::abort();
        }
    }
}

/// Release builds have no crash points.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn point(_name: &str) {}
