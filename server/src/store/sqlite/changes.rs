//! The change feed of a turf: every row a device pulls (households, people, events,
//! tombstones) in one sequence, so a page can stop at any row and resume from its cursor.

use groundgame_core::TurfId;
use rusqlite::Connection;

use super::StoreError;

/// The first `limit` sequence numbers of the turf above `after`, ascending.
pub(crate) fn next_seqs(
    conn: &Connection,
    turf: TurfId,
    after: i64,
    limit: u32,
) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq FROM households WHERE turf_id = ?1 AND seq > ?2
         UNION ALL SELECT seq FROM people WHERE turf_id = ?1 AND seq > ?2
         UNION ALL SELECT seq FROM events WHERE turf_id = ?1 AND seq > ?2
         UNION ALL SELECT seq FROM tombstones WHERE turf_id = ?1 AND seq > ?2
         ORDER BY seq LIMIT ?3",
    )?;
    let seqs = stmt
        .query_map(rusqlite::params![turf.0, after, limit], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(seqs)
}
