//! The outbox: events recorded here and not yet acknowledged by the server, in a monotonic
//! local sequence. A push takes the oldest batch (as the stored JSON, so the request body
//! is spliced, not re-serialised); the server's per-event answers are applied in ONE
//! transaction: accepted and duplicate rows leave the outbox, rejected ones move to the
//! dead-letter table with the server's reason. One bad event never blocks the rest, and a
//! lost response just means the same rows are pushed again (the server answers
//! `duplicate`).

use std::sync::atomic::Ordering;

use groundgame_core::protocol::PushOutcome;
use groundgame_core::{Event, EventId, Hlc};
use rusqlite::{Connection, OptionalExtension};

use super::{events, hlc, json_col, Store, StoreError};

/// An event the server refused, with its reason. Kept for the volunteer and lead to see;
/// never retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedEvent {
    pub event: Event,
    pub code: String,
    pub message: String,
}

/// The oldest outbox rows after a given sequence number, ready to be spliced into a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxBatch {
    /// The rows' sequence numbers, ascending and contiguous in the outbox.
    pub seqs: Vec<i64>,
    /// The rows' event JSON, comma-separated: the inside of the request's `events` array.
    pub events_json: String,
}

impl OutboxBatch {
    pub fn len(&self) -> usize {
        self.seqs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }
    /// The last row's sequence number (the next batch starts after it).
    pub fn last_seq(&self) -> i64 {
        self.seqs.last().copied().unwrap_or(0)
    }
}

/// Rows in the outbox and in the dead-letter table.
pub(super) fn counts(conn: &Connection) -> Result<(u64, u64), StoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM rejected)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

impl Store {
    /// Events waiting to be pushed.
    pub fn pending_count(&self) -> Result<u64, StoreError> {
        Ok(self.pending.load(Ordering::SeqCst))
    }

    /// Events the server refused, oldest first.
    pub fn rejected(&self) -> Result<Vec<RejectedEvent>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner.conn.prepare_cached(
            "SELECT json, code, message FROM rejected ORDER BY rejected_at, event_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RejectedEvent {
                event: json_col(r, 0)?,
                code: r.get(1)?,
                message: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many events the server refused.
    pub fn rejected_count(&self) -> Result<u64, StoreError> {
        Ok(self.rejected.load(Ordering::SeqCst))
    }

    /// The oldest outbox rows with a sequence number above `after`: at most `max_events`,
    /// and no more than `max_bytes` of JSON (but always at least one row). `None` when
    /// nothing waits. Reads only the rows it returns.
    pub fn outbox_batch(
        &self,
        after: i64,
        max_events: usize,
        max_bytes: usize,
    ) -> Result<Option<OutboxBatch>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner
            .conn
            .prepare_cached("SELECT seq, json FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
        let limit = i64::try_from(max_events).unwrap_or(i64::MAX);
        let mut rows = stmt.query(rusqlite::params![after, limit])?;
        let mut batch = OutboxBatch {
            seqs: Vec::with_capacity(max_events.min(4096)),
            events_json: String::with_capacity(max_bytes.min(1 << 20)),
        };
        while let Some(row) = rows.next()? {
            let json = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let added = json.len() + usize::from(!batch.is_empty());
            if !batch.is_empty() && batch.events_json.len() + added > max_bytes {
                break;
            }
            if !batch.is_empty() {
                batch.events_json.push(',');
            }
            batch.events_json.push_str(json);
            batch.seqs.push(row.get(0)?);
        }
        Ok((!batch.is_empty()).then_some(batch))
    }

    /// Apply the server's answers to a pushed batch in ONE transaction: rejected events
    /// become dead letters (and leave the events table), the others still shown move into
    /// the events table, every row of the batch leaves the outbox, and the server's clock
    /// is absorbed. `outcomes[i]` answers `batch.seqs[i]`.
    /// Returns how many outbox rows were removed (fewer than the batch if an earlier,
    /// lost-response push of the same rows was applied meanwhile).
    pub fn apply_push_outcomes(
        &self,
        batch: &OutboxBatch,
        outcomes: &[PushOutcome],
        server_time: Hlc,
    ) -> Result<u64, StoreError> {
        let (Some(&first), Some(&last)) = (batch.seqs.first(), batch.seqs.last()) else {
            return Ok(0);
        };
        let now = self.now_ms();
        let mut inner = self.lock();
        let mut clock = inner.hlc;
        clock.observe(server_time);
        let tx = inner.conn.transaction()?;
        let mut dead = 0u64;
        for (seq, outcome) in batch.seqs.iter().zip(outcomes) {
            let PushOutcome::Rejected { code, message } = outcome else {
                continue;
            };
            let id: Option<EventId> = tx
                .prepare_cached("SELECT event_id FROM outbox WHERE seq = ?1")?
                .query_row([seq], |r| r.get(0))
                .optional()?;
            let Some(id) = id else { continue };
            tx.prepare_cached(
                "INSERT OR REPLACE INTO rejected (event_id, json, code, message, rejected_at)
                 SELECT event_id, json, ?2, ?3, ?4 FROM outbox WHERE seq = ?1",
            )?
            .execute(rusqlite::params![seq, code, message, now])?;
            events::delete_rejected(&tx, id, *seq)?;
            dead += 1;
            tracing::warn!(code = code.as_str(), "the server rejected an event");
        }
        // What the server now holds and this phone still shows joins the events table (a
        // copy pulled back meanwhile, the server's, stays as it is).
        tx.prepare_cached(
            "INSERT INTO events (id, household, person, at, json)
             SELECT event_id, household, person, at, json FROM outbox
             WHERE seq BETWEEN ?1 AND ?2 AND shown
             ON CONFLICT (id) DO NOTHING",
        )?
        .execute([first, last])?;
        // The batch is every row in [first, last]: rows are read in sequence order and
        // new rows only ever get higher numbers. Deleting more than the batch would mean
        // that is not so: refuse rather than lose an event.
        let removed = tx
            .prepare_cached("DELETE FROM outbox WHERE seq BETWEEN ?1 AND ?2")?
            .execute([first, last])?;
        if removed > batch.len() {
            tx.rollback()?;
            return Err(StoreError::Sqlite(rusqlite::Error::StatementChangedRows(
                removed,
            )));
        }
        hlc::save(&tx, clock.last())?;
        tx.commit()?;
        inner.hlc = clock;
        // Still under the lock: nobody else moves these counters meanwhile.
        let pending = self.pending.load(Ordering::SeqCst);
        self.pending
            .store(pending.saturating_sub(removed as u64), Ordering::SeqCst);
        self.rejected.fetch_add(dead, Ordering::SeqCst);
        Ok(removed as u64)
    }
}
