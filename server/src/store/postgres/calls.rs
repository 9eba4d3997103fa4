//! Phone banking on PostgreSQL: call lists (made from the campaign's voters with a phone),
//! who calls them (assignments with history), contacts claimed under leases, the calling
//! rounds, and where each list stands. The same rules as `store::sqlite::{call_lists,
//! claims, lead_views}`, whose plain parts (who joins a list, the round numbers, the
//! lease) this module uses; the rounds a pushed phone result moves are in `rows.rs`.
//!
//! **Claims with many replicas.** SQLite has one writer, so a claim sees every claim before
//! it. Here two replicas may claim from the same list at the same moment, and the rule is
//! stronger than "one holder per list entry": one holder per *person* and per *number*
//! campaign-wide, across lists (a person or a household's landline may be on two lists).
//! A lock on the list row would serialise claims on one list but not two lists sharing a
//! person, so a claim instead:
//!
//! 1. picks its candidates with `FOR UPDATE OF m SKIP LOCKED` on the list entries, so two
//!    claims on one list pass over each other's candidates instead of queueing, and a push
//!    moving an entry (a phone result) and a claim taking it are ordered by the row lock;
//! 2. takes a transaction-scoped advisory lock per number and per person with
//!    `pg_try_advisory_xact_lock` (never waiting: a candidate another claim is taking is
//!    skipped), so at most one open transaction can be handing out a given number or
//!    person;
//! 3. under those locks, checks again in a new statement (read committed: a fresh
//!    snapshot, which sees every claim committed by an earlier holder of the same locks)
//!    that no unexpired claim holds the person or the number, and skips a candidate whose
//!    old claim row another transaction has locked;
//! 4. writes the claims, and renews the ones it already held (locked `SKIP LOCKED`).
//!
//! So a claim never waits on a lock (it cannot take part in a deadlock), two devices never
//! hold one person or number at once, and a claim that lost a race tops itself up from the
//! next candidates.

use std::collections::{HashMap, HashSet};

use groundgame_core::{CallListId, CampaignId, DeviceId, HouseholdId, PersonId, VolunteerId};
use uuid::Uuid;

use super::{rows, PgStore};
use crate::clock;
use crate::store::sqlite::call_lists::{admit, list_name, unknown_script};
use crate::store::sqlite::claims::{
    claim_lease_ms, CALL_BACK_HOLD_MS, ROUND_CALL_BACK, ROUND_FRESH, ROUND_LATER,
};
use crate::store::{
    CallListFilter, CallListItem, CallListMember, CallListReport, CallProgress, ClaimedContact,
    MyCallList, StoreError,
};

type Tx<'a, 'c> = &'a mut postgres::Transaction<'c>;

/// The advisory-lock classes of a claim (the first of the two 32-bit keys; the second is
/// a hash of the number or the person). Migrations lock with a single 64-bit key, a key
/// space that does not overlap this one.
const PHONE_LOCK: i32 = 0x4767_0001;
const PERSON_LOCK: i32 = 0x4767_0002;

/// How many times a claim looks for more candidates in one round after losing some to a
/// concurrent claim.
const CLAIM_ATTEMPTS: usize = 4;

/// Voters read per trip while a list is made.
const LIST_CHUNK: i32 = 5000;

fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn position(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("call list position {n}")))
}

/// A 32-bit key for an advisory lock (FNV-1a; a collision only makes a claim skip a
/// candidate it could have had).
fn lock_key(bytes: &[u8]) -> i32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as i32
}

// --- lists and callers ------------------------------------------------------------------

fn create_list(
    tx: Tx<'_, '_>,
    campaign: CampaignId,
    name: &str,
    filter: &CallListFilter,
    now_ms: u64,
) -> Result<CallListReport, StoreError> {
    if tx
        .query_opt("SELECT 1 FROM campaigns WHERE id = $1", &[&campaign.0])?
        .is_none()
    {
        return Err(StoreError::NotFound("campaign"));
    }
    let name = list_name(name)?;
    if let Some(key) = &filter.script {
        let known: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM scripts WHERE campaign_id = $1 AND key = $2)",
                &[&campaign.0, key],
            )?
            .get(0);
        if !known {
            return Err(unknown_script(key));
        }
    }
    let id = CallListId(
        tx.query_one(
            "INSERT INTO call_lists (campaign_id, name, script_key, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[&campaign.0, &name, &filter.script, &ms(now_ms)],
        )?
        .get(0),
    );
    let mut report = CallListReport {
        id,
        members: 0,
        without_phone: 0,
        do_not_call: 0,
        shared_phone: 0,
    };
    // Calling order as SQLite sorts it: byte order ("C"), not the database's locale.
    let candidates = tx.bind(
        "SELECT p.id, p.phone, h.precinct,
                p.phone IS NOT NULL AND EXISTS (SELECT 1 FROM do_not_call d
                                                WHERE d.campaign_id = $1 AND d.phone = p.phone)
         FROM people p JOIN households h ON h.id = p.household_id
         WHERE p.campaign_id = $1 AND p.status <> 'removed'
           AND (cardinality($2::text[]) = 0 OR h.precinct = ANY($2))
         ORDER BY h.precinct COLLATE \"C\", p.last_name COLLATE \"C\",
                  p.first_name COLLATE \"C\", p.source_id COLLATE \"C\", p.id",
        &[&campaign.0, &filter.precincts],
    )?;
    let mut seen = HashSet::new();
    loop {
        let chunk = tx.query_portal(&candidates, LIST_CHUNK)?;
        let (mut positions, mut people, mut phones) = (Vec::new(), Vec::new(), Vec::new());
        for r in &chunk {
            let precinct: String = r.get(2);
            let Some(phone) = admit(
                &mut report,
                &mut seen,
                filter,
                &precinct,
                r.get(1),
                r.get(3),
            ) else {
                continue;
            };
            positions.push(i64::from(report.members));
            people.push(r.get::<_, Uuid>(0));
            phones.push(phone);
        }
        if !positions.is_empty() {
            tx.execute(
                "INSERT INTO call_list_members (call_list_id, position, person_id, phone)
                 SELECT $1, m.position, m.person, m.phone
                 FROM unnest($2::bigint[], $3::uuid[], $4::text[]) AS m (position, person, phone)",
                &[&id.0, &positions, &people, &phones],
            )?;
        }
        if chunk.len() < LIST_CHUNK as usize {
            return Ok(report);
        }
    }
}

fn members(tx: Tx<'_, '_>, list: CallListId) -> Result<Vec<CallListMember>, StoreError> {
    tx.query(
        "SELECT position, person_id, phone FROM call_list_members
         WHERE call_list_id = $1 ORDER BY position",
        &[&list.0],
    )?
    .iter()
    .map(|r| {
        Ok(CallListMember {
            position: position(r.get(0))?,
            person: PersonId(r.get(1)),
            phone: r.get(2),
        })
    })
    .collect()
}

fn campaign_of(tx: Tx<'_, '_>, list: CallListId) -> Result<Option<CampaignId>, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT campaign_id FROM call_lists WHERE id = $1",
            &[&list.0],
        )?
        .map(|r| CampaignId(r.get(0))))
}

fn callers(tx: Tx<'_, '_>, list: CallListId) -> Result<Vec<VolunteerId>, StoreError> {
    Ok(tx
        .query(
            "SELECT DISTINCT volunteer_id FROM call_list_assignments
             WHERE call_list_id = $1 AND unassigned_at IS NULL ORDER BY volunteer_id",
            &[&list.0],
        )?
        .iter()
        .map(|r| VolunteerId(r.get(0)))
        .collect())
}

/// Replace the list's current callers; ended assignments are kept as history. The list's
/// row is locked first, so two leads changing one list at once apply one after the other.
fn set_callers(
    tx: Tx<'_, '_>,
    list: CallListId,
    volunteers: &[VolunteerId],
    now_ms: u64,
) -> Result<Vec<VolunteerId>, StoreError> {
    let campaign = CampaignId(
        tx.query_opt(
            "SELECT campaign_id FROM call_lists WHERE id = $1 FOR NO KEY UPDATE",
            &[&list.0],
        )?
        .ok_or(StoreError::NotFound("call list"))?
        .get(0),
    );
    let wanted: HashSet<VolunteerId> = volunteers.iter().copied().collect();
    for volunteer in &wanted {
        if rows::volunteer_campaign(tx, *volunteer)? != Some(campaign) {
            return Err(StoreError::Invalid(format!(
                "there is no volunteer {volunteer} in this list's campaign; choose one of its \
                 volunteers (listed at /api/v1/volunteers)"
            )));
        }
    }
    let current: HashSet<VolunteerId> = callers(tx, list)?.into_iter().collect();
    for gone in current.difference(&wanted) {
        tx.execute(
            "UPDATE call_list_assignments SET unassigned_at = $3
             WHERE call_list_id = $1 AND volunteer_id = $2 AND unassigned_at IS NULL",
            &[&list.0, &gone.0, &ms(now_ms)],
        )?;
    }
    for new in wanted.difference(&current) {
        tx.execute(
            "INSERT INTO call_list_assignments (call_list_id, volunteer_id, assigned_at)
             VALUES ($1, $2, $3)",
            &[&list.0, &new.0, &ms(now_ms)],
        )?;
    }
    callers(tx, list)
}

// --- claims -----------------------------------------------------------------------------

/// A candidate for a claim: who, the number the list holds, whether it is a retry, and
/// its place on the list.
struct Candidate {
    person: Uuid,
    phone: String,
    retry: bool,
    position: i64,
}

/// Hand up to `count` contacts of the list to `device`: first the ones it already holds
/// (renewed), then due call-backs (for their first [`CALL_BACK_HOLD_MS`] only to the
/// volunteer who promised them), people never called, and people to try again, each in
/// list order. See the module doc for why two replicas never hand out the same contact.
fn claim(
    tx: Tx<'_, '_>,
    list: CallListId,
    campaign: CampaignId,
    device: DeviceId,
    count: u32,
    now_ms: u64,
) -> Result<Vec<ClaimedContact>, StoreError> {
    let now = ms(now_ms);
    let expires_at = now_ms + claim_lease_ms();
    let volunteer: Option<i64> = tx
        .query_opt(
            "SELECT volunteer_id FROM devices WHERE id = $1",
            &[&device.0],
        )?
        .map(|r| r.get(0));
    let held_until = ms(now_ms.saturating_sub(CALL_BACK_HOLD_MS));

    let mut chosen: Vec<Candidate> = tx
        .query(
            "SELECT c.person_id, c.phone, m.round IS DISTINCT FROM 1, m.position
             FROM call_claims c
             JOIN call_list_members m ON m.call_list_id = c.call_list_id
                                     AND m.person_id = c.person_id
             WHERE c.device_id = $1 AND c.call_list_id = $2 AND c.expires_at > $3
               AND m.round IS NOT NULL
             ORDER BY m.round, m.position
             LIMIT $4
             FOR UPDATE OF c SKIP LOCKED",
            &[&device.0, &list.0, &now, &i64::from(count)],
        )?
        .iter()
        .map(|r| Candidate {
            person: r.get(0),
            phone: r.get(1),
            retry: r.get(2),
            position: r.get(3),
        })
        .collect();
    if !chosen.is_empty() {
        let held: Vec<Uuid> = chosen.iter().map(|c| c.person).collect();
        tx.execute(
            "UPDATE call_claims SET expires_at = $2 WHERE person_id = ANY($1)",
            &[&held, &ms(expires_at)],
        )?;
    }

    // Everyone this claim has looked at, taken or not, so no candidate is tried twice.
    let mut tried: Vec<Uuid> = Vec::new();
    for round in [ROUND_CALL_BACK, ROUND_FRESH, ROUND_LATER] {
        let mut taken: Vec<Candidate> = Vec::new();
        for _ in 0..CLAIM_ATTEMPTS {
            let want = (count as usize).saturating_sub(chosen.len() + taken.len());
            if want == 0 {
                break;
            }
            let candidates: Vec<Candidate> = tx
                .query(
                    "SELECT m.person_id, m.phone, m.round IS DISTINCT FROM 1, m.position
                     FROM call_list_members m
                     WHERE m.call_list_id = $1 AND m.round = $5 AND m.due_at <= $2
                       AND (m.call_back_by IS NULL OR m.call_back_by = $6 OR m.due_at <= $7)
                       AND NOT EXISTS (SELECT 1 FROM call_claims c
                                       WHERE c.person_id = m.person_id AND c.expires_at > $2)
                       AND NOT EXISTS (SELECT 1 FROM call_claims c
                                       WHERE c.phone = m.phone AND c.expires_at > $2)
                       AND NOT EXISTS (SELECT 1 FROM do_not_call d
                                       WHERE d.campaign_id = $3 AND d.phone = m.phone)
                       AND NOT EXISTS (SELECT 1 FROM people p
                                       WHERE p.id = m.person_id AND p.status = 'removed')
                       AND NOT EXISTS (SELECT 1 FROM held_events h
                                       WHERE h.person_id = m.person_id AND h.device_id = $9
                                         AND h.status <> 'accepted'
                                         AND h.body LIKE '%\"channel\":\"phone\"%')
                       AND m.person_id <> ALL($8)
                     ORDER BY m.position
                     LIMIT $4
                     FOR UPDATE OF m SKIP LOCKED",
                    &[
                        &list.0,
                        &now,
                        &campaign.0,
                        &(want as i64),
                        &round,
                        &volunteer,
                        &held_until,
                        &tried,
                        &device.0,
                    ],
                )?
                .iter()
                .map(|r| Candidate {
                    person: r.get(0),
                    phone: r.get(1),
                    retry: r.get(2),
                    position: r.get(3),
                })
                .collect();
            if candidates.is_empty() {
                break;
            }
            tried.extend(candidates.iter().map(|c| c.person));
            let won = take(tx, list, device, candidates, now, ms(expires_at))?;
            let lost_none = won.len() == want;
            taken.extend(won);
            if lost_none {
                break;
            }
        }
        taken.sort_by_key(|c| c.position);
        chosen.extend(taken);
    }
    details(tx, list, chosen, expires_at)
}

/// Claim as many of `candidates` (list entries this transaction has locked) as no one
/// else holds or is taking, for `device` until `expires_at`; returns those, in order.
fn take(
    tx: Tx<'_, '_>,
    list: CallListId,
    device: DeviceId,
    candidates: Vec<Candidate>,
    now: i64,
    expires_at: i64,
) -> Result<Vec<Candidate>, StoreError> {
    let phone_keys: Vec<i32> = candidates
        .iter()
        .map(|c| lock_key(c.phone.as_bytes()))
        .collect();
    let person_keys: Vec<i32> = candidates
        .iter()
        .map(|c| lock_key(c.person.as_bytes()))
        .collect();
    let locked: HashSet<i64> = tx
        .query(
            "SELECT k.i FROM unnest($3::int4[], $4::int4[]) WITH ORDINALITY AS k (phone, person, i)
             WHERE pg_try_advisory_xact_lock($1, k.phone)
               AND pg_try_advisory_xact_lock($2, k.person)",
            &[&PHONE_LOCK, &PERSON_LOCK, &phone_keys, &person_keys],
        )?
        .iter()
        .map(|r| r.get::<_, i64>(0) - 1)
        .collect();
    let mine: Vec<Candidate> = candidates
        .into_iter()
        .enumerate()
        .filter(|(i, _)| locked.contains(&(*i as i64)))
        .map(|(_, c)| c)
        .collect();
    if mine.is_empty() {
        return Ok(mine);
    }
    // A fresh snapshot, under the locks: nobody took them since the candidates were read.
    let people: Vec<Uuid> = mine.iter().map(|c| c.person).collect();
    let phones: Vec<&str> = mine.iter().map(|c| c.phone.as_str()).collect();
    let free: HashSet<Uuid> = tx
        .query(
            "SELECT x.person FROM unnest($1::uuid[], $2::text[]) AS x (person, phone)
             WHERE NOT EXISTS (SELECT 1 FROM call_claims c
                               WHERE c.person_id = x.person AND c.expires_at > $3)
               AND NOT EXISTS (SELECT 1 FROM call_claims c
                               WHERE c.phone = x.phone AND c.expires_at > $3)",
            &[&people, &phones, &now],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // An old (expired) claim row of theirs that another transaction holds (a push freeing
    // it) would make the write wait: leave that person for the next claim.
    let free_people: Vec<Uuid> = people
        .iter()
        .copied()
        .filter(|p| free.contains(p))
        .collect();
    let lockable: HashSet<Uuid> = tx
        .query(
            "SELECT person_id FROM call_claims WHERE person_id = ANY($1)
             FOR UPDATE SKIP LOCKED",
            &[&free_people],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let not_locked: Vec<Uuid> = free_people
        .iter()
        .copied()
        .filter(|p| !lockable.contains(p))
        .collect();
    let busy: HashSet<Uuid> = tx
        .query(
            "SELECT person_id FROM call_claims WHERE person_id = ANY($1)",
            &[&not_locked],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let won: Vec<Candidate> = mine
        .into_iter()
        .filter(|c| free.contains(&c.person) && !busy.contains(&c.person))
        .collect();
    if !won.is_empty() {
        let people: Vec<Uuid> = won.iter().map(|c| c.person).collect();
        let phones: Vec<&str> = won.iter().map(|c| c.phone.as_str()).collect();
        tx.execute(
            "INSERT INTO call_claims (person_id, call_list_id, phone, device_id, expires_at)
             SELECT x.person, $1, x.phone, $2, $3
             FROM unnest($4::uuid[], $5::text[]) AS x (person, phone)
             ON CONFLICT (person_id) DO UPDATE SET
                call_list_id = excluded.call_list_id, phone = excluded.phone,
                device_id = excluded.device_id, expires_at = excluded.expires_at",
            &[&list.0, &device.0, &expires_at, &people, &phones],
        )?;
    }
    Ok(won)
}

/// The claimed contacts with what the caller needs to see, in `chosen`'s order.
fn details(
    tx: Tx<'_, '_>,
    list: CallListId,
    chosen: Vec<Candidate>,
    expires_at: u64,
) -> Result<Vec<ClaimedContact>, StoreError> {
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<Uuid> = chosen.iter().map(|c| c.person).collect();
    let mut found: HashMap<Uuid, postgres::Row> = tx
        .query(
            "SELECT p.id, p.household_id, p.first_name, p.last_name, p.language,
                    h.street, h.number, h.unit, h.city, h.zip, m.position
             FROM people p
             JOIN households h ON h.id = p.household_id
             JOIN call_list_members m ON m.call_list_id = $2 AND m.person_id = p.id
             WHERE p.id = ANY($1)",
            &[&people, &list.0],
        )?
        .into_iter()
        .map(|r| (r.get(0), r))
        .collect();
    chosen
        .into_iter()
        .map(|c| {
            let r = found
                .remove(&c.person)
                .ok_or_else(|| StoreError::Corrupt("a claimed contact has no person".into()))?;
            Ok(ClaimedContact {
                person: PersonId(c.person),
                household: HouseholdId(r.get(1)),
                first_name: r.get(2),
                last_name: r.get(3),
                language: r.get(4),
                phone: c.phone,
                street: r.get(5),
                number: r.get(6),
                unit: r.get(7),
                city: r.get(8),
                zip: r.get(9),
                position: position(r.get(10))?,
                retry: c.retry,
                expires_at,
            })
        })
        .collect()
}

// --- where lists stand ------------------------------------------------------------------

fn progress(
    tx: Tx<'_, '_>,
    list: CallListId,
    campaign: CampaignId,
    now_ms: u64,
) -> Result<CallProgress, StoreError> {
    let r = tx.query_one(
        "SELECT COUNT(*),
                COUNT(*) FILTER (WHERE d.phone IS NULL AND m.round IS NULL),
                COUNT(*) FILTER (WHERE d.phone IS NOT NULL),
                COUNT(*) FILTER (WHERE d.phone IS NULL AND m.round = 1),
                COUNT(*) FILTER (WHERE d.phone IS NULL AND m.round = 2),
                COUNT(*) FILTER (WHERE d.phone IS NULL AND m.round = 0)
         FROM call_list_members m
         LEFT JOIN do_not_call d ON d.campaign_id = $2 AND d.phone = m.phone
         WHERE m.call_list_id = $1",
        &[&list.0, &campaign.0],
    )?;
    let mut p = CallProgress {
        total: count(r.get(0)),
        retired: count(r.get(1)),
        do_not_call: count(r.get(2)),
        fresh: count(r.get(3)),
        later_round: count(r.get(4)),
        call_backs: count(r.get(5)),
        ..CallProgress::default()
    };
    p.claimed = count(
        tx.query_one(
            "SELECT COUNT(*) FROM call_claims WHERE call_list_id = $1 AND expires_at > $2",
            &[&list.0, &ms(now_ms)],
        )?
        .get(0),
    );
    p.left = p.fresh + p.later_round + p.call_backs;
    Ok(p)
}

fn lists_for(
    tx: Tx<'_, '_>,
    campaign: CampaignId,
    volunteer: Option<VolunteerId>,
    now_ms: u64,
) -> Result<Vec<MyCallList>, StoreError> {
    let lists: Vec<(CallListId, String, Option<String>)> = tx
        .query(
            "SELECT l.id, l.name, l.script_key FROM call_lists l
             WHERE l.campaign_id = $1
               AND ($2::bigint IS NULL
                    OR EXISTS (SELECT 1 FROM call_list_assignments a
                               WHERE a.call_list_id = l.id AND a.volunteer_id = $2
                                 AND a.unassigned_at IS NULL))
             ORDER BY l.id",
            &[&campaign.0, &volunteer.map(|v| v.0)],
        )?
        .iter()
        .map(|r| (CallListId(r.get(0)), r.get(1), r.get(2)))
        .collect();
    lists
        .into_iter()
        .map(|(id, name, script)| {
            Ok(MyCallList {
                id,
                name,
                script,
                progress: progress(tx, id, campaign, now_ms)?,
            })
        })
        .collect()
}

fn lead_summaries(tx: Tx<'_, '_>, campaign: CampaignId) -> Result<Vec<CallListItem>, StoreError> {
    let mut lists: Vec<CallListItem> = tx
        .query(
            "SELECT l.id, l.name, l.script_key, l.created_at,
                    (SELECT COUNT(*) FROM call_list_members m WHERE m.call_list_id = l.id)
             FROM call_lists l WHERE l.campaign_id = $1 ORDER BY l.id",
            &[&campaign.0],
        )?
        .iter()
        .map(|r| CallListItem {
            id: CallListId(r.get(0)),
            name: r.get(1),
            script: r.get(2),
            created_at: u64::try_from(r.get::<_, i64>(3)).unwrap_or(0),
            members: count(r.get(4)),
            callers: Vec::new(),
        })
        .collect();
    for list in &mut lists {
        list.callers = callers(tx, list.id)?;
    }
    Ok(lists)
}

impl PgStore {
    pub(super) fn create_call_list(
        &self,
        campaign: CampaignId,
        name: &str,
        filter: &CallListFilter,
    ) -> Result<CallListReport, StoreError> {
        let now = clock::system_ms();
        self.write(|tx| create_list(tx, campaign, name, filter, now))
    }

    pub(super) fn call_list_members(
        &self,
        list: CallListId,
    ) -> Result<Vec<CallListMember>, StoreError> {
        self.read(|tx| members(tx, list))
    }

    pub(super) fn set_call_list_callers(
        &self,
        list: CallListId,
        volunteers: &[VolunteerId],
        now_ms: u64,
    ) -> Result<Vec<VolunteerId>, StoreError> {
        self.write(|tx| set_callers(tx, list, volunteers, now_ms))
    }

    pub(super) fn call_list_campaign(
        &self,
        list: CallListId,
    ) -> Result<Option<CampaignId>, StoreError> {
        self.read(|tx| campaign_of(tx, list))
    }

    pub(super) fn is_call_list_caller(
        &self,
        list: CallListId,
        volunteer: VolunteerId,
    ) -> Result<bool, StoreError> {
        self.read(|tx| {
            Ok(tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM call_list_assignments
                                    WHERE call_list_id = $1 AND volunteer_id = $2
                                      AND unassigned_at IS NULL)",
                    &[&list.0, &volunteer.0],
                )?
                .get(0))
        })
    }

    pub(super) fn call_list_script(&self, list: CallListId) -> Result<Option<String>, StoreError> {
        self.read(|tx| {
            Ok(tx
                .query_opt(
                    "SELECT script_key FROM call_lists WHERE id = $1",
                    &[&list.0],
                )?
                .and_then(|r| r.get(0)))
        })
    }

    pub(super) fn claim_calls(
        &self,
        list: CallListId,
        campaign: CampaignId,
        device: DeviceId,
        count: u32,
        now_ms: u64,
    ) -> Result<Vec<ClaimedContact>, StoreError> {
        self.write(|tx| claim(tx, list, campaign, device, count, now_ms))
    }

    pub(super) fn release_calls(
        &self,
        list: CallListId,
        device: DeviceId,
        people: &[PersonId],
    ) -> Result<u32, StoreError> {
        let people: Vec<Uuid> = people.iter().map(|p| p.0).collect();
        self.write(|tx| {
            let released = tx.execute(
                "DELETE FROM call_claims
                 WHERE person_id = ANY($1) AND call_list_id = $2 AND device_id = $3",
                &[&people, &list.0, &device.0],
            )?;
            Ok(u32::try_from(released).unwrap_or(u32::MAX))
        })
    }

    pub(super) fn call_progress(
        &self,
        list: CallListId,
        campaign: CampaignId,
        now_ms: u64,
    ) -> Result<CallProgress, StoreError> {
        self.read(|tx| progress(tx, list, campaign, now_ms))
    }

    pub(super) fn call_lists_for(
        &self,
        campaign: CampaignId,
        volunteer: Option<VolunteerId>,
        now_ms: u64,
    ) -> Result<Vec<MyCallList>, StoreError> {
        self.read(|tx| lists_for(tx, campaign, volunteer, now_ms))
    }

    pub(super) fn call_list_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<CallListItem>, StoreError> {
        self.read(|tx| lead_summaries(tx, campaign))
    }
}

#[cfg(test)]
mod tests {
    use super::lock_key;

    #[test]
    fn lock_keys_are_stable_and_spread() {
        assert_eq!(lock_key(b"+19195550101"), lock_key(b"+19195550101"));
        let keys: std::collections::HashSet<i32> = (0..10_000)
            .map(|i| lock_key(format!("+1919555{i:04}").as_bytes()))
            .collect();
        assert_eq!(
            keys.len(),
            10_000,
            "no collisions among a phone bank's numbers"
        );
    }
}
