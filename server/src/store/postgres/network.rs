//! My network on PostgreSQL: each volunteer's private records, pushed and pulled by their
//! own devices, and the aggregates-only summary for leads. The push rules (replay, reused
//! id, validation, clamping a clock far ahead) and the summary's fold are the SQLite
//! module's (`store::sqlite::network`), run here over this backend's rows.
//!
//! **A pull cursor never passes a later commit.** `network_records.seq` comes from an
//! identity, and a device's cursor is the last `seq` it received of its volunteer's
//! records. With several writers a bare identity breaks that cursor: push A takes seq 10,
//! push B takes 11 and commits, a pull hands out cursor 11, then A commits 10 behind it and
//! is never pulled. So a push first locks its volunteer's row (`SELECT ... FOR NO KEY
//! UPDATE`) and holds it to commit: two pushes for one volunteer run one after the other,
//! and the second takes its numbers only after the first committed. An identity hands out
//! increasing numbers in the order they are asked for (its cache is 1), so a volunteer's
//! records are numbered in commit order and a pull's snapshot (repeatable read) always
//! holds a prefix of them. Different volunteers do not wait for each other; a rolled-back
//! push leaves a gap, which a cursor does not mind. (`NO KEY` so the rows that only refer
//! to the volunteer, like a new device or call-list assignment, are not held up.)
//!
//! The server clock: a push starts from the campaign's clock mark (`campaign_feeds.last_hlc`)
//! and writes back what it saw, as a field push does, so a replica whose wall clock lags
//! still stamps a clamped record after every time another replica accepted. Lock order:
//! the volunteer's row, then (last, just before commit) the campaign's feed row; nothing
//! takes them the other way round.

use std::collections::BTreeMap;

use groundgame_core::network::{
    NetworkBody, NetworkContactId, NetworkPullResponse, NetworkRecord, NetworkRecordId,
    NetworkSummary, MAX_NETWORK_PULL,
};
use groundgame_core::protocol::PushOutcome;
use groundgame_core::{CampaignId, Hlc, HlcClock, VolunteerId};
use uuid::Uuid;

use super::PgStore;
use crate::store::sqlite::network::{cut_page, judge, summarize, Stored, Verdict};
use crate::store::{NetworkOwner, StoreError};

type Tx<'a, 'c> = &'a mut postgres::Transaction<'c>;

fn stored(tx: Tx<'_, '_>, id: NetworkRecordId) -> Result<Option<Stored>, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT volunteer_id, contact_id, device_at, body FROM network_records WHERE id = $1",
            &[&id.0],
        )?
        .map(|r| Stored {
            volunteer: VolunteerId(r.get(0)),
            contact: r.get(1),
            device_at: Hlc(r.get::<_, i64>(2) as u64),
            body: r.get(3),
        }))
}

fn apply_push(
    tx: Tx<'_, '_>,
    who: NetworkOwner,
    records: &[NetworkRecord],
    wall_ms: u64,
    clock: &mut HlcClock,
) -> Result<Vec<PushOutcome>, StoreError> {
    // The volunteer's lock: their records are numbered in commit order (module doc).
    tx.query_opt(
        "SELECT 1 FROM volunteers WHERE id = $1 FOR NO KEY UPDATE",
        &[&who.volunteer.0],
    )?
    .ok_or(StoreError::NotFound("volunteer"))?;
    let mark = tx
        .query_opt(
            "SELECT last_hlc FROM campaign_feeds WHERE campaign_id = $1",
            &[&who.campaign.0],
        )?
        .map_or(Hlc::ZERO, |r| Hlc(r.get::<_, i64>(0) as u64));
    clock.observe(mark);
    let mut outcomes = Vec::with_capacity(records.len());
    for r in records {
        let body = serde_json::to_string(&r.body)
            .map_err(|e| StoreError::Corrupt(format!("network record body: {e}")))?;
        let at = match judge(who, r, &body, stored(tx, r.id)?.as_ref(), wall_ms, clock) {
            Verdict::Answer(outcome) => {
                outcomes.push(outcome);
                continue;
            }
            Verdict::Store(at) => at,
        };
        let changed = tx.execute(
            "INSERT INTO network_records (id, campaign_id, volunteer_id, device_id, contact_id,
                                          at, device_at, kind, body, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO NOTHING",
            &[
                &r.id.0,
                &who.campaign.0,
                &who.volunteer.0,
                &who.device.0,
                &r.contact.0,
                &(at.0 as i64),
                &(r.at.0 as i64),
                &r.body.kind(),
                &body,
                &(wall_ms as i64),
            ],
        )?;
        if changed == 1 {
            outcomes.push(PushOutcome::Accepted);
            continue;
        }
        // Another volunteer's push stored this id since it was looked up (their lock is
        // not ours): judge it against what is stored now, as SQLite would have.
        outcomes.push(
            match judge(who, r, &body, stored(tx, r.id)?.as_ref(), wall_ms, clock) {
                Verdict::Answer(outcome) => outcome,
                Verdict::Store(_) => PushOutcome::Duplicate,
            },
        );
    }
    if clock.last() > mark {
        tx.execute(
            "UPDATE campaign_feeds SET last_hlc = GREATEST(last_hlc, $2) WHERE campaign_id = $1",
            &[&who.campaign.0, &(clock.last().0 as i64)],
        )?;
    }
    Ok(outcomes)
}

/// A record from a row of (seq, id, contact_id, at, body).
fn record(r: &postgres::Row) -> Result<(i64, NetworkRecord), StoreError> {
    let body: NetworkBody = serde_json::from_str(r.get::<_, &str>(4))
        .map_err(|e| StoreError::Corrupt(format!("network record body: {e}")))?;
    Ok((
        r.get(0),
        NetworkRecord {
            id: NetworkRecordId(r.get::<_, Uuid>(1)),
            contact: NetworkContactId(r.get::<_, Uuid>(2)),
            at: Hlc(r.get::<_, i64>(3) as u64),
            body,
        },
    ))
}

fn page(
    tx: Tx<'_, '_>,
    volunteer: VolunteerId,
    cursor: u64,
    limit: u32,
) -> Result<(Vec<NetworkRecord>, u64, bool), StoreError> {
    let limit = limit.clamp(1, MAX_NETWORK_PULL);
    let rows = tx
        .query(
            "SELECT seq, id, contact_id, at, body FROM network_records
             WHERE volunteer_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3",
            &[
                &volunteer.0,
                &i64::try_from(cursor).unwrap_or(i64::MAX),
                &(i64::from(limit) + 1),
            ],
        )?
        .iter()
        .map(record)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(cut_page(cursor, limit, rows))
}

fn summary(
    tx: Tx<'_, '_>,
    campaign: CampaignId,
    now_ms: u64,
) -> Result<NetworkSummary, StoreError> {
    let zone = super::rows::time_zone(tx, campaign)?;
    let mut by_volunteer: BTreeMap<VolunteerId, Vec<NetworkRecord>> = BTreeMap::new();
    for r in tx.query(
        "SELECT seq, id, contact_id, at, body, volunteer_id FROM network_records
         WHERE campaign_id = $1 ORDER BY seq",
        &[&campaign.0],
    )? {
        let (_, rec) = record(&r)?;
        by_volunteer
            .entry(VolunteerId(r.get(5)))
            .or_default()
            .push(rec);
    }
    Ok(summarize(campaign, zone, now_ms, by_volunteer))
}

impl PgStore {
    pub(super) fn network_push(
        &self,
        who: NetworkOwner,
        records: &[NetworkRecord],
        wall_ms: u64,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        let mut clock = *self.clock();
        let outcomes = self.write(|tx| apply_push(tx, who, records, wall_ms, &mut clock))?;
        self.clock().observe(clock.last());
        Ok(outcomes)
    }

    pub(super) fn network_pull(
        &self,
        volunteer: VolunteerId,
        cursor: u64,
        limit: u32,
        server_time: Hlc,
    ) -> Result<NetworkPullResponse, StoreError> {
        let (records, cursor, has_more) = self.read(|tx| page(tx, volunteer, cursor, limit))?;
        Ok(NetworkPullResponse {
            records,
            cursor,
            has_more,
            server_time,
        })
    }

    pub(super) fn network_summary(
        &self,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<NetworkSummary, StoreError> {
        self.read(|tx| summary(tx, campaign, now_ms))
    }
}
