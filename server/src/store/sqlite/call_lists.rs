//! Phone-bank call lists: the campaign's voters with a valid phone (stored as E.164 by the
//! importer), minus removed voters and the campaign's do-not-call numbers, one entry per
//! number (the first person in calling order keeps it), in calling order.

use std::collections::HashSet;

use groundgame_core::{CallListId, CampaignId, PersonId};
use rusqlite::{Connection, Transaction};

use super::{campaigns, StoreError};

/// Which voters a new call list takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallListFilter {
    /// Only voters whose household is in one of these precincts (all when empty).
    pub precincts: Vec<String>,
    /// The script callers read, by key (must exist in the campaign).
    pub script: Option<String>,
}

/// What making a list did, for the lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallListReport {
    pub id: CallListId,
    pub members: u32,
    /// Voters in the filter without a usable phone.
    pub without_phone: u32,
    /// Voters whose number is on the do-not-call list.
    pub do_not_call: u32,
    /// Voters sharing a number already on the list (one call reaches the household).
    pub shared_phone: u32,
}

/// One entry of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallListMember {
    pub position: u32,
    pub person: PersonId,
    pub phone: String,
}

pub(crate) fn create(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    name: &str,
    filter: &CallListFilter,
    now_ms: u64,
) -> Result<CallListReport, StoreError> {
    if !campaigns::exists(tx, campaign)? {
        return Err(StoreError::NotFound("campaign"));
    }
    let name = list_name(name)?;
    if let Some(key) = &filter.script {
        let known: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM scripts WHERE campaign_id = ?1 AND key = ?2)",
            )?
            .query_row(rusqlite::params![campaign.0, key], |r| r.get(0))?;
        if !known {
            return Err(unknown_script(key));
        }
    }
    tx.prepare_cached(
        "INSERT INTO call_lists (campaign_id, name, script_key, created_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![campaign.0, name, filter.script, now_ms])?;
    let id = CallListId(tx.last_insert_rowid());

    let mut report = CallListReport {
        id,
        members: 0,
        without_phone: 0,
        do_not_call: 0,
        shared_phone: 0,
    };
    let mut candidates = tx.prepare_cached(
        "SELECT p.id, p.phone, h.precinct,
                p.phone IS NOT NULL AND EXISTS (SELECT 1 FROM do_not_call d
                                                WHERE d.campaign_id = ?1 AND d.phone = p.phone)
         FROM people p JOIN households h ON h.id = p.household_id
         WHERE p.campaign_id = ?1 AND p.status <> 'removed'
         ORDER BY h.precinct, p.last_name, p.first_name, p.source_id, p.id",
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO call_list_members (call_list_id, position, person_id, phone)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut seen = HashSet::new();
    let mut rows = candidates.query([campaign.0])?;
    while let Some(r) = rows.next()? {
        let precinct: String = r.get(2)?;
        let Some(phone) = admit(
            &mut report,
            &mut seen,
            filter,
            &precinct,
            r.get(1)?,
            r.get::<_, bool>(3)?,
        ) else {
            continue;
        };
        let person = r.get::<_, PersonId>(0)?;
        insert.execute(rusqlite::params![id.0, report.members, person, phone])?;
    }
    Ok(report)
}

/// A new list's name, trimmed, or why it cannot be one.
pub(crate) fn list_name(name: &str) -> Result<&str, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "a call list needs a name of 1 to 200 characters".into(),
        ));
    }
    Ok(name)
}

/// The answer to a list naming a script the campaign does not have.
pub(crate) fn unknown_script(key: &str) -> StoreError {
    StoreError::Invalid(format!(
        "there is no script \"{key}\" in this campaign; load it first with the `script` \
         command"
    ))
}

/// Whether a voter (met in calling order) joins a new list, and with which number: the
/// filter's precincts, a valid phone, not on the do-not-call list, and the first on the
/// list with that number. Counts the ones left out, and the members, in `report`.
pub(crate) fn admit(
    report: &mut CallListReport,
    seen: &mut HashSet<String>,
    filter: &CallListFilter,
    precinct: &str,
    phone: Option<String>,
    do_not_call: bool,
) -> Option<String> {
    if !filter.precincts.is_empty() && !filter.precincts.iter().any(|p| p == precinct) {
        return None;
    }
    let Some(phone) = phone.filter(|p| groundgame_core::event::is_e164(p)) else {
        report.without_phone += 1;
        return None;
    };
    if do_not_call {
        report.do_not_call += 1;
        return None;
    }
    if !seen.insert(phone.clone()) {
        report.shared_phone += 1;
        return None;
    }
    report.members += 1;
    Some(phone)
}

pub(crate) fn members(
    conn: &Connection,
    list: CallListId,
) -> Result<Vec<CallListMember>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT position, person_id, phone FROM call_list_members
         WHERE call_list_id = ?1 ORDER BY position",
    )?;
    let rows = stmt
        .query_map([list.0], |r| {
            Ok(CallListMember {
                position: r.get(0)?,
                person: r.get::<_, PersonId>(1)?,
                phone: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A number a lead may put on the do-not-call list (E.164), or what is wrong with it.
pub(crate) fn check_do_not_call(phone: &str) -> Result<(), StoreError> {
    if !groundgame_core::event::is_e164(phone) {
        return Err(StoreError::Invalid(format!(
            "\"{phone}\" is not a phone number in international form (+19195550123)"
        )));
    }
    Ok(())
}

/// Put a number on the campaign's do-not-call list (idempotent).
pub(crate) fn add_do_not_call(
    tx: &Transaction<'_>,
    campaign: CampaignId,
    phone: &str,
    now_ms: u64,
) -> Result<(), StoreError> {
    check_do_not_call(phone)?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO do_not_call (campaign_id, phone, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(rusqlite::params![campaign.0, phone, now_ms])?;
    Ok(())
}

impl super::SqliteStore {
    /// Make a call list from the campaign's voters (see the module doc for who is left out).
    pub fn create_call_list(
        &self,
        campaign: CampaignId,
        name: &str,
        filter: &CallListFilter,
    ) -> Result<CallListReport, StoreError> {
        self.write(|tx| create(tx, campaign, name, filter, crate::clock::system_ms()))
    }

    /// The list's entries in calling order.
    pub fn call_list_members(&self, list: CallListId) -> Result<Vec<CallListMember>, StoreError> {
        self.read(|tx| members(tx, list))
    }

    /// Never hand this number out again in the campaign.
    pub fn add_do_not_call(&self, campaign: CampaignId, phone: &str) -> Result<(), StoreError> {
        self.write(|tx| add_do_not_call(tx, campaign, phone, crate::clock::system_ms()))
    }
}
