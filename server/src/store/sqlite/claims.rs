//! Phone banking on the server: who calls which list (assignments with history, like
//! turfs), who is next (contacts claimed by one device under a lease that runs out, so an
//! offline phone never blocks a list), where each list entry stands in the calling rounds,
//! and the campaign's do-not-call numbers as the push that accepts a phone result updates
//! them.
//!
//! Rounds: a due call-back first (for its first [`CALL_BACK_HOLD_MS`] only to the volunteer
//! who promised it), then people never called in list order, then people to
//! try again (busy, no answer, left message) once [`LATER_ROUND_DELAY_MS`] has passed since
//! their last call. A retired entry (talked, refused, wrong number, do not call...) is never
//! handed out again, and neither is any number on the campaign's do-not-call list.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

use groundgame_core::{
    CallListId, CampaignId, DeviceId, HouseholdId, PersonId, TurfId, VolunteerId,
};
use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{devices, StoreError};

/// How long a claimed contact stays with the device that claimed it, unless renewed.
pub const CLAIM_LEASE_MS: u64 = 30 * 60 * 1000;
/// How long after a busy / no answer / left message the contact may be tried again (and
/// only once no one fresh is left before it on the list).
pub const LATER_ROUND_DELAY_MS: u64 = 60 * 60 * 1000;
/// When a "call back" result without a chosen time (`call_back_at`) comes back: this long
/// after the call.
pub const CALL_BACK_DELAY_MS: u64 = 2 * 60 * 60 * 1000;
/// How long a due call-back waits for the volunteer who promised it before anyone calling
/// the list may take it.
pub const CALL_BACK_HOLD_MS: u64 = 30 * 60 * 1000;

/// The lease this server process hands out: [`CLAIM_LEASE_MS`] unless the operator chose
/// another at start (`serve --claim-lease-ms`, for end-to-end tests of leases running out).
static LEASE_MS: AtomicU64 = AtomicU64::new(CLAIM_LEASE_MS);

/// How long a claim holds in this process.
pub fn claim_lease_ms() -> u64 {
    LEASE_MS.load(Ordering::Relaxed)
}

/// Set the lease of every later claim in this process (at least one second).
pub fn set_claim_lease_ms(ms: u64) {
    LEASE_MS.store(ms.max(1000), Ordering::Relaxed);
}

/// A list entry's place in the rounds (`call_list_members.round`; NULL is retired).
pub(crate) const ROUND_CALL_BACK: i64 = 0;
pub(crate) const ROUND_FRESH: i64 = 1;
pub(crate) const ROUND_LATER: i64 = 2;

pub(crate) use crate::sync::push::PhoneOutcome;
use crate::sync::push::{DoNotCallSource, Tenure};

/// One contact handed to a caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedContact {
    pub person: PersonId,
    pub household: HouseholdId,
    pub first_name: String,
    pub last_name: String,
    pub language: Option<String>,
    /// The number to dial (E.164), as the list holds it.
    pub phone: String,
    pub street: String,
    pub number: String,
    pub unit: String,
    pub city: String,
    pub zip: String,
    /// Position on the list (calling order).
    pub position: u32,
    /// True when this is a second try or a call-back rather than a first call.
    pub retry: bool,
    /// When the lease ends (ms since the epoch), unless claimed again.
    pub expires_at: u64,
}

/// A list's progress, for the caller's and the lead's screens (the wire's type).
pub use groundgame_core::protocol::calls::CallProgress;

/// The list's campaign, when it exists.
pub(crate) fn campaign_of(
    conn: &Connection,
    list: CallListId,
) -> Result<Option<CampaignId>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT campaign_id FROM call_lists WHERE id = ?1")?
        .query_row([list.0], |r| Ok(CampaignId(r.get(0)?)))
        .optional()?)
}

/// The key of the script the list's callers read, when it names one.
pub(crate) fn script_key(
    conn: &Connection,
    list: CallListId,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT script_key FROM call_lists WHERE id = ?1")?
        .query_row([list.0], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The list's current callers, by id.
pub(crate) fn callers(conn: &Connection, list: CallListId) -> Result<Vec<VolunteerId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT volunteer_id FROM call_list_assignments
         WHERE call_list_id = ?1 AND unassigned_at IS NULL ORDER BY volunteer_id",
    )?;
    let ids = stmt
        .query_map([list.0], |r| Ok(VolunteerId(r.get(0)?)))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Replace the list's current callers; ended assignments are kept as history.
pub(crate) fn set_callers(
    tx: &Transaction<'_>,
    list: CallListId,
    volunteers: &[VolunteerId],
    now_ms: u64,
) -> Result<(), StoreError> {
    let campaign = campaign_of(tx, list)?.ok_or(StoreError::NotFound("call list"))?;
    let wanted: HashSet<VolunteerId> = volunteers.iter().copied().collect();
    for volunteer in &wanted {
        if devices::campaign_of_volunteer(tx, *volunteer)? != Some(campaign) {
            return Err(StoreError::Invalid(format!(
                "there is no volunteer {volunteer} in this list's campaign; choose one of its \
                 volunteers (listed at /api/v1/volunteers)"
            )));
        }
    }
    let current: HashSet<VolunteerId> = callers(tx, list)?.into_iter().collect();
    let mut end = tx.prepare_cached(
        "UPDATE call_list_assignments SET unassigned_at = ?3
         WHERE call_list_id = ?1 AND volunteer_id = ?2 AND unassigned_at IS NULL",
    )?;
    for gone in current.difference(&wanted) {
        end.execute(rusqlite::params![list.0, gone.0, now_ms])?;
    }
    let mut add = tx.prepare_cached(
        "INSERT INTO call_list_assignments (call_list_id, volunteer_id, assigned_at)
         VALUES (?1, ?2, ?3)",
    )?;
    for new in wanted.difference(&current) {
        add.execute(rusqlite::params![list.0, new.0, now_ms])?;
    }
    Ok(())
}

/// Whether the volunteer calls the list now.
pub(crate) fn is_caller(
    conn: &Connection,
    list: CallListId,
    volunteer: VolunteerId,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM call_list_assignments
                            WHERE call_list_id = ?1 AND volunteer_id = ?2
                              AND unassigned_at IS NULL)",
        )?
        .query_row(rusqlite::params![list.0, volunteer.0], |r| r.get(0))?)
}

/// Whether the person is on a list ever assigned to the volunteer, and whether one such
/// assignment is current (else when the last one ended); `None` when never.
pub(crate) fn call_scope(
    conn: &Connection,
    person: PersonId,
    volunteer: VolunteerId,
) -> Result<Option<Tenure>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT MAX(a.unassigned_at IS NULL), MAX(a.unassigned_at)
             FROM call_list_members m
             JOIN call_list_assignments a ON a.call_list_id = m.call_list_id
             WHERE m.person_id = ?1 AND a.volunteer_id = ?2",
        )?
        .query_row(rusqlite::params![person, volunteer.0], |r| {
            Ok(r.get::<_, Option<bool>>(0)?
                .map(|current| Tenure::of(current, r.get(1).ok().flatten())))
        })?)
}

/// A household's turf (none until turfs are cut) and campaign, when it exists.
pub(crate) fn household_home(
    conn: &Connection,
    household: HouseholdId,
) -> Result<Option<(Option<TurfId>, CampaignId)>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT turf_id, campaign_id FROM households WHERE id = ?1")?
        .query_row([household.0], |r| {
            Ok((
                r.get::<_, Option<i64>>(0)?.map(TurfId),
                CampaignId(r.get(1)?),
            ))
        })
        .optional()?)
}

/// Hand up to `count` contacts of the list to `device`: first the ones it already holds
/// (their leases renewed), then the next ones nobody holds, in round order. One write
/// transaction, so two devices never get the same contact at once.
pub(crate) fn claim(
    tx: &Transaction<'_>,
    list: CallListId,
    campaign: CampaignId,
    device: DeviceId,
    count: u32,
    now_ms: u64,
) -> Result<Vec<ClaimedContact>, StoreError> {
    let expires_at = now_ms + claim_lease_ms();
    let volunteer: Option<i64> = tx
        .prepare_cached("SELECT volunteer_id FROM devices WHERE id = ?1")?
        .query_row([device.0], |r| r.get(0))
        .optional()?;
    let held_until = now_ms.saturating_sub(CALL_BACK_HOLD_MS) as i64;
    let mut chosen: Vec<(PersonId, String, bool)> = Vec::new();
    {
        let mut held = tx.prepare_cached(
            "SELECT c.person_id, c.phone, m.round IS NOT 1
             FROM call_claims c INDEXED BY call_claims_device
             CROSS JOIN call_list_members m ON m.call_list_id = c.call_list_id
                                     AND m.person_id = c.person_id
             WHERE c.device_id = ?1 AND c.call_list_id = ?2 AND c.expires_at > ?3
               AND m.round IS NOT NULL
             ORDER BY m.round, m.position LIMIT ?4",
        )?;
        let rows = held.query_map(
            rusqlite::params![device.0, list.0, now_ms as i64, count],
            |r| Ok((r.get::<_, PersonId>(0)?, r.get(1)?, r.get(2)?)),
        )?;
        for row in rows {
            chosen.push(row?);
        }
    }
    // One round at a time, so the index on (list, round, position) gives the order and
    // no claim sorts the list.
    for round in [ROUND_CALL_BACK, ROUND_FRESH, ROUND_LATER] {
        let want = count.saturating_sub(chosen.len() as u32);
        if want == 0 {
            break;
        }
        let mut next = tx.prepare_cached(
            "SELECT m.person_id, m.phone, m.round IS NOT 1
             FROM call_list_members m INDEXED BY call_list_members_next
             WHERE m.call_list_id = ?1 AND m.round = ?5 AND m.due_at <= ?2
               AND (m.call_back_by IS NULL OR m.call_back_by IS ?6 OR m.due_at <= ?7)
               AND NOT EXISTS (SELECT 1 FROM call_claims c
                               WHERE c.person_id = m.person_id AND c.expires_at > ?2)
               AND NOT EXISTS (SELECT 1 FROM call_claims c
                               WHERE c.phone = m.phone AND c.expires_at > ?2)
               AND NOT EXISTS (SELECT 1 FROM do_not_call d
                               WHERE d.campaign_id = ?3 AND d.phone = m.phone)
               AND NOT EXISTS (SELECT 1 FROM people p
                               WHERE p.id = m.person_id AND p.status = 'removed')
               AND NOT EXISTS (SELECT 1 FROM held_events h
                               WHERE h.person_id = m.person_id AND h.device_id = ?8
                                 AND h.status <> 'accepted'
                                 AND h.body LIKE '%\"channel\":\"phone\"%')
             ORDER BY m.position LIMIT ?4",
        )?;
        let rows = next.query_map(
            rusqlite::params![
                list.0,
                now_ms as i64,
                campaign.0,
                want,
                round,
                volunteer,
                held_until,
                device.0
            ],
            |r| Ok((r.get::<_, PersonId>(0)?, r.get(1)?, r.get(2)?)),
        )?;
        for row in rows {
            chosen.push(row?);
        }
    }
    let mut take = tx.prepare_cached(
        "INSERT INTO call_claims (person_id, call_list_id, phone, device_id, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (person_id) DO UPDATE SET
            call_list_id = excluded.call_list_id, phone = excluded.phone,
            device_id = excluded.device_id, expires_at = excluded.expires_at",
    )?;
    let mut details = tx.prepare_cached(
        "SELECT p.household_id, p.first_name, p.last_name, p.language,
                h.street, h.number, h.unit, h.city, h.zip, m.position
         FROM people p
         CROSS JOIN households h ON h.id = p.household_id
         CROSS JOIN call_list_members m ON m.call_list_id = ?2 AND m.person_id = p.id
         WHERE p.id = ?1",
    )?;
    let mut out = Vec::with_capacity(chosen.len());
    for (person, phone, retry) in chosen {
        let id = person;
        take.execute(rusqlite::params![
            id,
            list.0,
            phone,
            device.0,
            expires_at as i64
        ])?;
        let contact = details.query_row(rusqlite::params![id, list.0], |r| {
            Ok(ClaimedContact {
                person,
                household: HouseholdId(r.get(0)?),
                first_name: r.get(1)?,
                last_name: r.get(2)?,
                language: r.get(3)?,
                phone: phone.clone(),
                street: r.get(4)?,
                number: r.get(5)?,
                unit: r.get(6)?,
                city: r.get(7)?,
                zip: r.get(8)?,
                position: r.get(9)?,
                retry,
                expires_at,
            })
        })?;
        out.push(contact);
    }
    Ok(out)
}

/// Give back contacts this device holds on the list; returns how many it held.
pub(crate) fn release(
    tx: &Transaction<'_>,
    list: CallListId,
    device: DeviceId,
    people: &[PersonId],
) -> Result<u32, StoreError> {
    let mut stmt = tx.prepare_cached(
        "DELETE FROM call_claims WHERE person_id = ?1 AND call_list_id = ?2 AND device_id = ?3",
    )?;
    let mut released = 0;
    for person in people {
        released += stmt.execute(rusqlite::params![person, list.0, device.0])? as u32;
    }
    Ok(released)
}

/// Where the list stands now.
pub(crate) fn progress(
    conn: &Connection,
    list: CallListId,
    campaign: CampaignId,
    now_ms: u64,
) -> Result<CallProgress, StoreError> {
    let mut p = conn
        .prepare_cached(
            "SELECT COUNT(*),
                    COALESCE(SUM(d.phone IS NULL AND m.round IS NULL), 0),
                    COALESCE(SUM(d.phone IS NOT NULL), 0),
                    COALESCE(SUM(d.phone IS NULL AND m.round = 1), 0),
                    COALESCE(SUM(d.phone IS NULL AND m.round = 2), 0),
                    COALESCE(SUM(d.phone IS NULL AND m.round = 0), 0)
             FROM call_list_members m
             LEFT JOIN do_not_call d ON d.campaign_id = ?2 AND d.phone = m.phone
             WHERE m.call_list_id = ?1",
        )?
        .query_row(rusqlite::params![list.0, campaign.0], |r| {
            Ok(CallProgress {
                total: r.get(0)?,
                retired: r.get(1)?,
                do_not_call: r.get(2)?,
                fresh: r.get(3)?,
                later_round: r.get(4)?,
                call_backs: r.get(5)?,
                ..CallProgress::default()
            })
        })?;
    p.claimed = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM call_claims WHERE call_list_id = ?1 AND expires_at > ?2",
        )?
        .query_row(rusqlite::params![list.0, now_ms as i64], |r| r.get(0))?;
    p.left = p.fresh + p.later_round + p.call_backs;
    Ok(p)
}

/// Move the person's list entries (on every list) according to a phone result recorded at
/// `at_ms`, and free their claims. A result older than one already applied changes nothing,
/// except that a retirement is final whenever it arrives.
pub(crate) fn record_phone_result(
    tx: &Transaction<'_>,
    person: PersonId,
    outcome: PhoneOutcome,
    at_ms: u64,
    caller: VolunteerId,
) -> Result<(), StoreError> {
    let id = person;
    let at = at_ms as i64;
    match outcome {
        PhoneOutcome::Retire => {
            tx.prepare_cached(
                "UPDATE call_list_members SET round = NULL, last_call_at = MAX(last_call_at, ?2)
                 WHERE person_id = ?1",
            )?
            .execute(rusqlite::params![id, at])?;
        }
        PhoneOutcome::LaterRound | PhoneOutcome::CallBack(_) => {
            let (round, due, promised_by) = match outcome {
                PhoneOutcome::CallBack(Some(chosen)) => {
                    (ROUND_CALL_BACK, chosen as i64, Some(caller.0))
                }
                PhoneOutcome::CallBack(None) => (
                    ROUND_CALL_BACK,
                    at + CALL_BACK_DELAY_MS as i64,
                    Some(caller.0),
                ),
                _ => (ROUND_LATER, at + LATER_ROUND_DELAY_MS as i64, None),
            };
            tx.prepare_cached(
                "UPDATE call_list_members
                 SET round = ?2, due_at = ?3, last_call_at = ?4, call_back_by = ?5
                 WHERE person_id = ?1 AND round IS NOT NULL AND last_call_at <= ?4",
            )?
            .execute(rusqlite::params![id, round, due, at, promised_by])?;
        }
    }
    tx.prepare_cached("DELETE FROM call_claims WHERE person_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Put on the campaign's do-not-call list the numbers of the person the recorder could
/// know ([`DoNotCallSource`]: their voter-file number, and the numbers of their entries on
/// the recorder's call lists), retire every list entry with those numbers and free their
/// claims. Each number this puts on the list is noted in `do_not_call_additions` with the
/// entries it retired, for a lead to see and undo. Returns how many numbers that was.
pub(crate) fn do_not_call_person(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    person: PersonId,
    source: &DoNotCallSource,
    now_ms: u64,
) -> Result<usize, StoreError> {
    let phones: Vec<String> = tx
        .prepare_cached(
            "SELECT phone FROM people
             WHERE id = ?1 AND phone IS NOT NULL AND source_id <> ''
             UNION
             SELECT m.phone FROM call_list_members m
             WHERE m.person_id = ?1
               AND (?2 IS NULL OR m.call_list_id IN
                    (SELECT call_list_id FROM call_list_assignments WHERE volunteer_id = ?2))",
        )?
        .query_map(
            rusqlite::params![person, source.lists_of.map(|v| v.0)],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let phones: Vec<String> = phones
        .into_iter()
        .filter(|p| groundgame_core::event::is_e164(p))
        .collect();
    let mut retiring = tx.prepare_cached(
        "SELECT call_list_id, position, round, due_at, last_call_at FROM call_list_members
         WHERE phone = ?1 AND round IS NOT NULL
           AND call_list_id IN (SELECT id FROM call_lists WHERE campaign_id = ?2)",
    )?;
    let mut retire = tx.prepare_cached(
        "UPDATE call_list_members SET round = NULL
         WHERE phone = ?1
           AND call_list_id IN (SELECT id FROM call_lists WHERE campaign_id = ?2)",
    )?;
    let mut free = tx.prepare_cached(
        "DELETE FROM call_claims WHERE phone = ?1
           AND call_list_id IN (SELECT id FROM call_lists WHERE campaign_id = ?2)",
    )?;
    let mut add = tx.prepare_cached(
        "INSERT OR IGNORE INTO do_not_call (campaign_id, phone, created_at) VALUES (?1, ?2, ?3)",
    )?;
    let mut note = tx.prepare_cached(
        "INSERT INTO do_not_call_additions (campaign_id, phone, person_id, event_id,
                                            volunteer_id, device_id, created_at, retired)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for phone in &phones {
        let retired: Vec<[i64; 5]> = retiring
            .query_map(rusqlite::params![phone, campaign.0], |r| {
                Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
            })?
            .collect::<Result<_, _>>()?;
        if add.execute(rusqlite::params![campaign.0, phone, now_ms])? == 1 {
            note.execute(rusqlite::params![
                campaign.0,
                phone,
                person,
                source.event,
                source.volunteer.0,
                source.device.0,
                now_ms,
                serde_json::to_string(&retired)
                    .map_err(|e| StoreError::Corrupt(format!("retired entries: {e}")))?
            ])?;
        }
        retire.execute(rusqlite::params![phone, campaign.0])?;
        free.execute(rusqlite::params![phone, campaign.0])?;
    }
    Ok(phones.len())
}

/// Whether the volunteer was ever given a call list.
pub(crate) fn calls_any_list(
    conn: &Connection,
    volunteer: VolunteerId,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM call_list_assignments WHERE volunteer_id = ?1)",
        )?
        .query_row([volunteer.0], |r| r.get(0))?)
}

/// The do-not-call numbers on the lists the volunteer calls now, sorted: what a device
/// hides at its next sync.
pub(crate) fn do_not_call_for(
    conn: &Connection,
    campaign: CampaignId,
    volunteer: VolunteerId,
) -> Result<Vec<String>, StoreError> {
    let calls_any: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM call_list_assignments
                            WHERE volunteer_id = ?1 AND unassigned_at IS NULL)",
        )?
        .query_row([volunteer.0], |r| r.get(0))?;
    if !calls_any {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT d.phone FROM do_not_call d
         WHERE d.campaign_id = ?1
           AND EXISTS (SELECT 1 FROM call_list_members m
                       JOIN call_list_assignments a ON a.call_list_id = m.call_list_id
                       WHERE m.phone = d.phone AND a.volunteer_id = ?2
                         AND a.unassigned_at IS NULL)
         ORDER BY d.phone",
    )?;
    let phones = stmt
        .query_map(rusqlite::params![campaign.0, volunteer.0], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(phones)
}

impl super::SqliteStore {
    /// Replace the list's callers; past assignments are kept as history.
    pub fn set_call_list_callers(
        &self,
        list: CallListId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<Vec<VolunteerId>, StoreError> {
        self.write(|tx| {
            set_callers(tx, list, volunteers, now_ms)?;
            callers(tx, list)
        })
    }

    pub fn call_list_campaign(&self, list: CallListId) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| campaign_of(tx, list))
    }

    pub fn is_call_list_caller(
        &self,
        list: CallListId,
        volunteer: VolunteerId,
    ) -> Result<bool, StoreError> {
        self.read(|tx| is_caller(tx, list, volunteer))
    }

    pub fn call_list_script(&self, list: CallListId) -> Result<Option<String>, StoreError> {
        self.read(|tx| script_key(tx, list))
    }

    /// Claim up to `count` contacts for `device` (see [`claim`]).
    pub fn claim_calls(
        &self,
        list: CallListId,
        campaign: CampaignId,
        device: DeviceId,
        count: u32,
        now_ms: u64,
    ) -> Result<Vec<ClaimedContact>, StoreError> {
        self.write(|tx| claim(tx, list, campaign, device, count, now_ms))
    }

    pub fn release_calls(
        &self,
        list: CallListId,
        device: DeviceId,
        people: &[PersonId],
    ) -> Result<u32, StoreError> {
        self.write(|tx| release(tx, list, device, people))
    }

    pub fn call_progress(
        &self,
        list: CallListId,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<CallProgress, StoreError> {
        self.read(|tx| progress(tx, list, campaign, now_ms))
    }
}

/// A call list a device may work, with where it stands (`GET /api/v1/my/call-lists`: the
/// wire's type).
pub use groundgame_core::protocol::calls::MyCallList;

/// The campaign's call lists that `volunteer` calls now (every list of the campaign when
/// `volunteer` is `None`: a lead), by id, with their progress.
pub(crate) fn lists_for(
    conn: &Connection,
    campaign: CampaignId,
    volunteer: Option<VolunteerId>,
    now_ms: u64,
) -> Result<Vec<MyCallList>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.name, l.script_key FROM call_lists l
         WHERE l.campaign_id = ?1
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM call_list_assignments a
                                      WHERE a.call_list_id = l.id AND a.volunteer_id = ?2
                                        AND a.unassigned_at IS NULL))
         ORDER BY l.id",
    )?;
    let lists: Vec<(CallListId, String, Option<String>)> = stmt
        .query_map(rusqlite::params![campaign.0, volunteer.map(|v| v.0)], |r| {
            Ok((CallListId(r.get(0)?), r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    lists
        .into_iter()
        .map(|(id, name, script)| {
            Ok(MyCallList {
                id,
                name,
                script,
                progress: progress(conn, id, campaign, now_ms)?,
            })
        })
        .collect()
}

impl super::SqliteStore {
    /// The call lists a device sees (see [`lists_for`]).
    pub fn call_lists_for(
        &self,
        campaign: CampaignId,
        volunteer: Option<VolunteerId>,
        now_ms: u64,
    ) -> Result<Vec<MyCallList>, StoreError> {
        self.read(|tx| lists_for(tx, campaign, volunteer, now_ms))
    }
}
