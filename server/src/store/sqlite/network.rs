//! My network on the server: each volunteer's private log of network records (their own
//! contacts, asks, answers and gifts; see `core::network`). Stored under the pushing
//! device's volunteer and handed back only to that volunteer's devices; a lead reads only
//! the aggregates of [`SqliteStore::network_summary`], computed with the same fold the
//! devices run, so no name, phone, email or note ever leaves in a lead's answer.
//!
//! A push is one write transaction; per record, in order: a replay of a stored record is
//! `duplicate` (a different record under a stored id is `id_reused`), then the record must
//! be valid (`NetworkRecord::validate`) and its time plausible (a clock far ahead is
//! clamped to the server's, an impossible one rejected). A rejected record changes nothing.

use std::collections::BTreeMap;

use groundgame_core::hlc::{check_time, TimeCheck};
use groundgame_core::network::{
    self, NetworkBody, NetworkPullResponse, NetworkRecord, NetworkRecordId, NetworkSummary,
    NetworkTotals, VolunteerNetworkTotals, MAX_NETWORK_PULL,
};
use groundgame_core::protocol::{codes, PushOutcome};
use groundgame_core::{CampaignId, DeviceId, Hlc, HlcClock, TimeZone, VolunteerId};
use rusqlite::{Connection, OptionalExtension, Transaction};
use uuid::Uuid;

use super::{SqliteStore, StoreError};

/// Who pushed: the device and the volunteer (and campaign) the records are stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkOwner {
    pub device: DeviceId,
    pub volunteer: VolunteerId,
    pub campaign: CampaignId,
}

fn rejected(code: &str, message: impl Into<String>) -> PushOutcome {
    PushOutcome::Rejected {
        code: code.to_owned(),
        message: message.into(),
    }
}

/// What identifies a stored record's content, to tell a replay from a reused id.
pub(crate) struct Stored {
    pub(crate) volunteer: VolunteerId,
    pub(crate) contact: Uuid,
    pub(crate) device_at: Hlc,
    pub(crate) body: String,
}

/// What a push does with one record.
pub(crate) enum Verdict {
    /// Answer it without storing anything (a replay, a reused id, a rejection).
    Answer(PushOutcome),
    /// Store it with this server time (the device's, unless it was clamped).
    Store(Hlc),
}

/// The push rules for one record (see the module doc), given what is stored under its id
/// and its body as stored (compact JSON); `clock` is the server clock to advance. Plain
/// code, run by both backends.
pub(crate) fn judge(
    who: NetworkOwner,
    r: &NetworkRecord,
    body: &str,
    stored: Option<&Stored>,
    wall_ms: u64,
    clock: &mut HlcClock,
) -> Verdict {
    if let Some(s) = stored {
        let same = s.volunteer == who.volunteer
            && s.contact == r.contact.0
            && s.device_at == r.at
            && s.body == body;
        return Verdict::Answer(if same {
            PushOutcome::Duplicate
        } else {
            rejected(
                codes::ID_REUSED,
                "another record was already stored under this record's id; update the app",
            )
        });
    }
    if let Err(e) = r.validate() {
        return Verdict::Answer(rejected(codes::INVALID_VALUE, e.to_string()));
    }
    match check_time(r.at, wall_ms) {
        TimeCheck::Reject => Verdict::Answer(rejected(
            codes::BAD_TIMESTAMP,
            "this record's time is impossible: the phone's date and time are wrong; \
             set them correctly (automatic date and time) in the phone's settings",
        )),
        TimeCheck::Clamp => Verdict::Store(clock.now(wall_ms)),
        TimeCheck::Accept => {
            clock.observe(r.at);
            Verdict::Store(r.at)
        }
    }
}

fn stored(conn: &Connection, id: NetworkRecordId) -> Result<Option<Stored>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT volunteer_id, contact_id, device_at, body FROM network_records WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Stored {
                volunteer: VolunteerId(r.get(0)?),
                contact: r.get::<_, Uuid>(1)?,
                device_at: Hlc(r.get::<_, i64>(2)? as u64),
                body: r.get(3)?,
            })
        })
        .optional()?)
}

/// Apply one push in the caller's transaction; `clock` is the server clock to advance.
pub(crate) fn apply_push(
    tx: &Transaction<'_>,
    who: NetworkOwner,
    records: &[NetworkRecord],
    wall_ms: u64,
    clock: &mut HlcClock,
) -> Result<Vec<PushOutcome>, StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO network_records (id, campaign_id, volunteer_id, device_id, contact_id, at,
                                      device_at, kind, body, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO NOTHING",
    )?;
    let mut outcomes = Vec::with_capacity(records.len());
    for r in records {
        let body = serde_json::to_string(&r.body)
            .map_err(|e| StoreError::Corrupt(format!("network record body: {e}")))?;
        let stored = stored(tx, r.id)?;
        let at = match judge(who, r, &body, stored.as_ref(), wall_ms, clock) {
            Verdict::Answer(outcome) => {
                outcomes.push(outcome);
                continue;
            }
            Verdict::Store(at) => at,
        };
        let changed = insert.execute(rusqlite::params![
            r.id,
            who.campaign.0,
            who.volunteer.0,
            who.device.0,
            r.contact,
            at.0 as i64,
            r.at.0 as i64,
            r.body.kind(),
            body,
            wall_ms as i64,
        ])?;
        // The same id twice in one push: the second is a replay of the first.
        outcomes.push(if changed == 1 {
            PushOutcome::Accepted
        } else {
            PushOutcome::Duplicate
        });
    }
    Ok(outcomes)
}

/// Read records from rows of (seq, id, contact_id, at, body).
fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, NetworkRecord)> {
    let text: String = r.get(4)?;
    let body: NetworkBody = serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok((
        r.get(0)?,
        NetworkRecord {
            id: r.get(1)?,
            contact: r.get(2)?,
            at: Hlc(r.get::<_, i64>(3)? as u64),
            body,
        },
    ))
}

/// The volunteer's records above `cursor`, at most `limit`, in sequence order.
pub(crate) fn page(
    conn: &Connection,
    volunteer: VolunteerId,
    cursor: u64,
    limit: u32,
) -> Result<(Vec<NetworkRecord>, u64, bool), StoreError> {
    let limit = limit.clamp(1, MAX_NETWORK_PULL);
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, contact_id, at, body FROM network_records
         WHERE volunteer_id = ?1 AND seq > ?2
         ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(
            rusqlite::params![volunteer.0, cursor as i64, i64::from(limit) + 1],
            record,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(cut_page(cursor, limit, rows))
}

/// A page from up to `limit + 1` rows of (seq, record) above `cursor`, in sequence order:
/// the first `limit` records, the cursor after them, and whether more wait.
pub(crate) fn cut_page(
    cursor: u64,
    limit: u32,
    rows: Vec<(i64, NetworkRecord)>,
) -> (Vec<NetworkRecord>, u64, bool) {
    let has_more = rows.len() > limit as usize;
    let mut next = cursor;
    let records = rows
        .into_iter()
        .take(limit as usize)
        .map(|(seq, r)| {
            next = seq as u64;
            r
        })
        .collect();
    (records, next, has_more)
}

/// Every volunteer's totals in the campaign, by volunteer id.
pub(crate) fn summary(
    conn: &Connection,
    campaign: CampaignId,
    now_ms: u64,
) -> Result<NetworkSummary, StoreError> {
    let zone = super::campaigns::time_zone(conn, campaign)?;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, contact_id, at, body, volunteer_id FROM network_records
         WHERE campaign_id = ?1",
    )?;
    let mut by_volunteer: BTreeMap<VolunteerId, Vec<NetworkRecord>> = BTreeMap::new();
    let rows = stmt.query_map([campaign.0], |r| Ok((VolunteerId(r.get(5)?), record(r)?.1)))?;
    for row in rows {
        let (volunteer, rec) = row?;
        by_volunteer.entry(volunteer).or_default().push(rec);
    }
    Ok(summarize(campaign, zone, now_ms, by_volunteer))
}

/// The campaign's totals from each volunteer's records, folded as the phones fold them;
/// follow-ups are due on or before today in the campaign's time zone.
pub(crate) fn summarize(
    campaign: CampaignId,
    zone: TimeZone,
    now_ms: u64,
    by_volunteer: BTreeMap<VolunteerId, Vec<NetworkRecord>>,
) -> NetworkSummary {
    let today = zone.date_of(now_ms);
    let mut totals = NetworkTotals::default();
    let volunteers = by_volunteer
        .into_iter()
        .map(|(volunteer, records)| {
            let mine = network::fold(&records).totals(today);
            totals.merge(&mine);
            VolunteerNetworkTotals {
                volunteer,
                totals: mine,
            }
        })
        .collect();
    NetworkSummary {
        campaign,
        today,
        time_zone: zone,
        volunteers,
        totals,
    }
}

impl SqliteStore {
    /// Store pushed network records under `who.volunteer`: one outcome per record, in
    /// order, all in one transaction.
    pub fn network_push(
        &self,
        who: NetworkOwner,
        records: &[NetworkRecord],
        wall_ms: u64,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        let mut clock = self.clock_snapshot();
        let outcomes = self.write(|tx| apply_push(tx, who, records, wall_ms, &mut clock))?;
        self.clock_merge(clock.last());
        Ok(outcomes)
    }

    /// The volunteer's own network records above `cursor` (never anyone else's).
    pub fn network_pull(
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

    /// The campaign's network totals per volunteer and overall; follow-ups due on or
    /// before the campaign's today at `now_ms`. Counts and money only.
    pub fn network_summary(
        &self,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<NetworkSummary, StoreError> {
        self.read(|tx| summary(tx, campaign, now_ms))
    }
}
