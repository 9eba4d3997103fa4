//! My network on the device: the volunteer's own contacts and asks (see
//! `core::network`). Same discipline as events: every record is validated, stamped with the
//! hybrid logical clock and written together with its network-outbox row and the clock in
//! ONE transaction (an import of a thousand contacts too); the screens read only from here
//! and fold the records with the shared `core::network::fold`.
//!
//! The network has its own outbox, dead letters and pull cursor, so these private records
//! never mix with the campaign's events: the sync engine pushes them to
//! `/api/v1/network/push` and pulls this volunteer's records (from their other devices)
//! from `/api/v1/network/pull`. A revoked device wipes them with the voter data; the server
//! keeps them, so nothing is lost.

use groundgame_core::network::{
    self, NetworkBody, NetworkContactId, NetworkRecord, NetworkRecordId, NetworkState,
};
use groundgame_core::protocol::PushOutcome;
use groundgame_core::Hlc;
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{hlc, json_col, DeviceState, Store, StoreError};

/// Network records waiting to be pushed, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkBatch {
    /// Their outbox sequence numbers.
    pub seqs: Vec<i64>,
    pub records: Vec<NetworkRecord>,
}

/// A network record the server refused, with its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedNetworkRecord {
    pub record: NetworkRecord,
    pub code: String,
    pub message: String,
}

/// Delete every network record, the network outbox and dead letters, and reset the cursor
/// (a revoked device).
pub(super) fn wipe(tx: &Transaction) -> Result<(), StoreError> {
    tx.execute_batch(
        "DELETE FROM network_records;
         DELETE FROM network_outbox;
         DELETE FROM network_rejected;
         UPDATE network_cursor SET cursor = 0 WHERE id = 1;",
    )?;
    Ok(())
}

fn count(conn: &Connection, sql: &str) -> Result<u64, StoreError> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

impl Store {
    /// Record network facts in ONE transaction: each item gets a fresh UUIDv7 and a
    /// timestamp after the previous one; every record is validated first, and if any is
    /// invalid nothing is written. Never touches the network.
    pub fn record_network(
        &self,
        items: Vec<(NetworkContactId, NetworkBody)>,
    ) -> Result<Vec<NetworkRecord>, StoreError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let wall = self.now_ms();
        let mut inner = self.lock();
        match inner.state {
            Some(DeviceState::Active | DeviceState::SignedOut) => {}
            Some(DeviceState::Revoked) => return Err(StoreError::Revoked),
            None => return Err(StoreError::NetworkNotJoined),
        }
        let mut clock = inner.hlc;
        let records: Vec<NetworkRecord> = items
            .into_iter()
            .map(|(contact, body)| NetworkRecord {
                id: NetworkRecordId::new_v7(),
                at: clock.now(wall),
                contact,
                body,
            })
            .collect();
        for r in &records {
            r.validate()
                .map_err(|e| StoreError::NetworkInvalid(e.to_string()))?;
        }
        let tx = inner.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO network_records (id, contact, at, json) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut outbox =
                tx.prepare_cached("INSERT INTO network_outbox (record_id, json) VALUES (?1, ?2)")?;
            for r in &records {
                let json = serde_json::to_string(r)?;
                let id = r.id;
                insert.execute(rusqlite::params![id, r.contact, r.at.0, json])?;
                outbox.execute(rusqlite::params![id, json])?;
            }
        }
        hlc::save(&tx, clock.last())?;
        tx.commit()?;
        inner.hlc = clock;
        tracing::debug!(records = records.len(), "network recorded");
        Ok(records)
    }

    /// Every network record held, in the shared order.
    pub fn network_records(&self) -> Result<Vec<NetworkRecord>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner
            .conn
            .prepare_cached("SELECT json FROM network_records ORDER BY at, id")?;
        let rows = stmt.query_map([], |r| json_col(r, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// My contacts as they stand now (the shared fold).
    pub fn network_state(&self) -> Result<NetworkState, StoreError> {
        Ok(network::fold(&self.network_records()?))
    }

    /// Network records waiting to be pushed.
    pub fn network_pending(&self) -> Result<u64, StoreError> {
        count(&self.lock().conn, "SELECT count(*) FROM network_outbox")
    }

    /// Everything this device holds that the server has not had yet, for the sync bar: field
    /// events ([`Store::pending_count`], which is what the push plans by) and my-network
    /// records.
    pub fn waiting_count(&self) -> Result<u64, StoreError> {
        Ok(self.pending_count()? + self.network_pending()?)
    }

    /// The oldest `max` network records waiting to be pushed (None when nothing waits).
    pub fn network_outbox_batch(&self, max: usize) -> Result<Option<NetworkBatch>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner
            .conn
            .prepare_cached("SELECT seq, json FROM network_outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([i64::try_from(max).unwrap_or(i64::MAX)], |r| {
            Ok((r.get::<_, i64>(0)?, json_col::<NetworkRecord>(r, 1)?))
        })?;
        let mut batch = NetworkBatch {
            seqs: Vec::new(),
            records: Vec::new(),
        };
        for row in rows {
            let (seq, record) = row?;
            batch.seqs.push(seq);
            batch.records.push(record);
        }
        Ok((!batch.seqs.is_empty()).then_some(batch))
    }

    /// Apply the server's answers to a pushed batch, in ONE transaction: accepted and
    /// duplicate rows leave the outbox; a refused record leaves the outbox and the records
    /// for the dead letters, with the server's reason.
    pub fn apply_network_push(
        &self,
        batch: &NetworkBatch,
        outcomes: &[PushOutcome],
        server_time: Hlc,
    ) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut inner = self.lock();
        let mut clock = inner.hlc;
        clock.observe(server_time);
        let tx = inner.conn.transaction()?;
        for ((seq, record), outcome) in batch.seqs.iter().zip(&batch.records).zip(outcomes) {
            tx.prepare_cached("DELETE FROM network_outbox WHERE seq = ?1")?
                .execute([seq])?;
            if let PushOutcome::Rejected { code, message } = outcome {
                let id = record.id;
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO network_rejected
                         (record_id, json, code, message, rejected_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(rusqlite::params![
                    id,
                    serde_json::to_string(record)?,
                    code,
                    message,
                    now
                ])?;
                tx.prepare_cached("DELETE FROM network_records WHERE id = ?1")?
                    .execute([id])?;
            }
        }
        hlc::save(&tx, clock.last())?;
        tx.commit()?;
        inner.hlc = clock;
        Ok(())
    }

    /// Where this device stands in its volunteer's network feed.
    pub fn network_cursor(&self) -> Result<u64, StoreError> {
        count(
            &self.lock().conn,
            "SELECT cursor FROM network_cursor WHERE id = 1",
        )
    }

    /// Store pulled records (the server's timestamp wins) and the new cursor in ONE
    /// transaction. Re-applying a page is harmless. Returns how many records were new or
    /// changed.
    pub fn apply_network_pull(
        &self,
        records: &[NetworkRecord],
        cursor: u64,
        server_time: Hlc,
    ) -> Result<u64, StoreError> {
        let mut inner = self.lock();
        if inner.state == Some(DeviceState::Revoked) {
            return Err(StoreError::Revoked);
        }
        let mut clock = inner.hlc;
        clock.observe(server_time);
        let tx = inner.conn.transaction()?;
        let mut changed = 0u64;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO network_records (id, contact, at, json) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET
                    contact = excluded.contact, at = excluded.at, json = excluded.json
                 WHERE network_records.json IS NOT excluded.json",
            )?;
            for r in records {
                let json = serde_json::to_string(r)?;
                changed += upsert.execute(rusqlite::params![r.id, r.contact, r.at.0, json])? as u64;
            }
        }
        tx.prepare_cached("UPDATE network_cursor SET cursor = ?1 WHERE id = 1")?
            .execute([cursor])?;
        hlc::save(&tx, clock.last())?;
        tx.commit()?;
        inner.hlc = clock;
        Ok(changed)
    }

    /// Network records the server refused, oldest first.
    pub fn network_rejected(&self) -> Result<Vec<RejectedNetworkRecord>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner.conn.prepare_cached(
            "SELECT json, code, message FROM network_rejected ORDER BY rejected_at, record_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RejectedNetworkRecord {
                record: json_col(r, 0)?,
                code: r.get(1)?,
                message: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many network records this device holds, waits to push, and had refused (used
    /// to prove wipes).
    pub fn network_counts(&self) -> Result<(u64, u64, u64), StoreError> {
        let inner = self.lock();
        Ok((
            count(&inner.conn, "SELECT count(*) FROM network_records")?,
            count(&inner.conn, "SELECT count(*) FROM network_outbox")?,
            count(&inner.conn, "SELECT count(*) FROM network_rejected")?,
        ))
    }

    /// One record by id (for tests and the contact page's history).
    pub fn network_record(&self, id: NetworkRecordId) -> Result<Option<NetworkRecord>, StoreError> {
        let inner = self.lock();
        let mut stmt = inner
            .conn
            .prepare_cached("SELECT json FROM network_records WHERE id = ?1")?;
        let record = stmt.query_row([id], |r| json_col(r, 0)).optional()?;
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use groundgame_core::event::{AskAnswer, AskKind};
    use groundgame_core::network::Relationship;
    use groundgame_core::{CampaignId, DeviceId, Role, VolunteerId};

    use super::*;
    use crate::clock::fixed_clock;
    use crate::store::Identity;

    const T0: u64 = 1_800_000_000_000;

    fn joined(dir: &std::path::Path) -> Store {
        let store = Store::open(&dir.join("d.sqlite"), fixed_clock(T0)).expect("open");
        store
            .save_registration(
                &Identity {
                    device: DeviceId(1),
                    volunteer: VolunteerId(1),
                    campaign: CampaignId(1),
                    role: Role::Volunteer,
                    server_url: "http://127.0.0.1:9".into(),
                },
                "token",
                Hlc::new(T0, 0),
            )
            .expect("join");
        store
    }

    fn saved(name: &str) -> NetworkBody {
        NetworkBody::ContactSaved {
            name: name.into(),
            phone: None,
            email: None,
            relationship: Relationship::Friend,
            note: String::new(),
        }
    }

    #[test]
    fn one_bad_record_writes_nothing_and_a_batch_is_one_transaction() {
        let dir = tempfile::tempdir().expect("dir");
        let blank = Store::open(&dir.path().join("blank.sqlite"), fixed_clock(T0)).expect("open");
        assert!(matches!(
            blank.record_network(vec![(NetworkContactId::new_v7(), saved("Ana"))]),
            Err(StoreError::NetworkNotJoined)
        ));
        let store = joined(dir.path());
        let items = vec![
            (NetworkContactId::new_v7(), saved("Ana")),
            (NetworkContactId::new_v7(), saved("   ")),
        ];
        let err = store.record_network(items).expect_err("a nameless contact");
        assert_eq!(err.to_string(), "a contact needs a name");
        assert_eq!(store.network_counts().expect("counts"), (0, 0, 0));
        let many: Vec<_> = (0..300)
            .map(|i| (NetworkContactId::new_v7(), saved(&format!("Contact {i}"))))
            .collect();
        let records = store.record_network(many).expect("import");
        assert!(
            records.windows(2).all(|w| w[0].at < w[1].at),
            "ticks in order"
        );
        assert_eq!(store.network_counts().expect("counts"), (300, 300, 0));
        assert_eq!(store.last_hlc(), records[299].at, "the clock is persisted");
    }

    #[test]
    fn push_answers_pulls_and_revocation() {
        let dir = tempfile::tempdir().expect("dir");
        let store = joined(dir.path());
        let ana = NetworkContactId::new_v7();
        store
            .record_network(vec![
                (ana, saved("Ana")),
                (
                    ana,
                    NetworkBody::AskAnswered {
                        ask: AskKind::Volunteer,
                        answer: AskAnswer::Yes,
                        amount_promised_cents: None,
                        follow_up_on: None,
                    },
                ),
            ])
            .expect("record");
        let batch = store.network_outbox_batch(1).expect("batch").expect("one");
        assert_eq!(batch.records.len(), 1);
        store
            .apply_network_push(&batch, &[PushOutcome::Accepted], Hlc::new(T0 + 9_000, 0))
            .expect("accepted");
        let batch = store.network_outbox_batch(10).expect("batch").expect("one");
        let refused = PushOutcome::Rejected {
            code: "invalid_value".into(),
            message: "nope".into(),
        };
        store
            .apply_network_push(&batch, &[refused], Hlc::new(T0, 0))
            .expect("rejected");
        assert_eq!(store.network_counts().expect("counts"), (1, 0, 1));
        assert_eq!(store.network_rejected().expect("dead")[0].message, "nope");
        assert!(
            store.last_hlc() >= Hlc::new(T0 + 9_000, 0),
            "server time observed"
        );

        // A record from my other device, pulled twice: stored once, cursor kept.
        let other = NetworkRecord {
            id: NetworkRecordId::new_v7(),
            at: Hlc::new(T0 + 1, 0),
            contact: NetworkContactId::new_v7(),
            body: saved("Ben"),
        };
        let pulled = [other.clone()];
        assert_eq!(
            store
                .apply_network_pull(&pulled, 7, Hlc::ZERO)
                .expect("pull"),
            1
        );
        assert_eq!(
            store
                .apply_network_pull(&pulled, 7, Hlc::ZERO)
                .expect("again"),
            0
        );
        assert_eq!(store.network_cursor().expect("cursor"), 7);
        assert_eq!(store.network_record(other.id).expect("read"), Some(other));
        assert_eq!(store.network_state().expect("state").active().count(), 2);

        store.wipe_for_revocation().expect("wipe");
        assert_eq!(store.network_counts().expect("counts"), (0, 0, 0));
        assert_eq!(store.network_cursor().expect("cursor"), 0);
        assert!(matches!(
            store.record_network(vec![(ana, saved("Ana"))]),
            Err(StoreError::Revoked)
        ));
    }
}
