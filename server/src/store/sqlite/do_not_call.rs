//! What volunteers' records put on the do-not-call list (`do_not_call_additions`, written
//! by `claims::do_not_call_person`): the lead's list, and a lead's undo, which takes the
//! number off the list and gives back the call-list entries of the other voters sharing it
//! that the addition retired (those nothing has moved since). The record itself stays: the
//! person it was about keeps their own "do not call".

use groundgame_core::protocol::lead::{DoNotCallAddition, DoNotCallUndoResponse};
use groundgame_core::{CampaignId, DeviceId, VolunteerId};
use rusqlite::{Connection, OptionalExtension};

use super::SqliteStore;
use crate::store::StoreError;

/// The last four digits of a number, all a lead's screen shows of it.
pub(crate) fn last4(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(4)..].iter().collect()
}

/// The retired entries an addition noted: `[list, position, round, due_at, last_call_at]`.
pub(crate) fn retired_entries(json: &str) -> Result<Vec<[i64; 5]>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("retired entries: {e}")))
}

pub(crate) fn list(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<DoNotCallAddition>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.phone, COALESCE(e.kind, ''), a.volunteer_id, COALESCE(v.name, ''),
                a.device_id, a.created_at, a.undone_at, a.undone_by
         FROM do_not_call_additions a
         LEFT JOIN events e ON e.id = a.event_id
         LEFT JOIN volunteers v ON v.id = a.volunteer_id
         WHERE a.campaign_id = ?1
         ORDER BY a.created_at DESC, a.id DESC",
    )?;
    let rows = stmt.query_map([campaign.0], |r| {
        Ok(DoNotCallAddition {
            id: r.get(0)?,
            phone_last4: last4(&r.get::<_, String>(1)?),
            kind: r.get(2)?,
            volunteer: r.get::<_, Option<i64>>(3)?.map(VolunteerId),
            volunteer_name: r.get(4)?,
            device: r.get::<_, Option<i64>>(5)?.map(DeviceId),
            created_at: r.get::<_, i64>(6)?.max(0) as u64,
            undone_at: r.get::<_, Option<i64>>(7)?.map(|t| t.max(0) as u64),
            undone_by: r.get::<_, Option<i64>>(8)?.map(VolunteerId),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl SqliteStore {
    pub fn do_not_call_additions(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<DoNotCallAddition>, StoreError> {
        self.read(|tx| list(tx, campaign))
    }

    pub fn undo_do_not_call(
        &self,
        campaign: CampaignId,
        id: i64,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<DoNotCallUndoResponse, StoreError> {
        self.write(|tx| {
            let found: Option<(String, String, Option<i64>)> = tx
                .prepare_cached(
                    "SELECT phone, retired, undone_at FROM do_not_call_additions
                     WHERE id = ?1 AND campaign_id = ?2",
                )?
                .query_row(rusqlite::params![id, campaign.0], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((phone, retired, undone)) = found else {
                return Err(StoreError::NotFound("do-not-call addition"));
            };
            if undone.is_some() {
                return Err(StoreError::Invalid(
                    "this number was already taken off the do-not-call list".into(),
                ));
            }
            tx.prepare_cached("DELETE FROM do_not_call WHERE campaign_id = ?1 AND phone = ?2")?
                .execute(rusqlite::params![campaign.0, phone])?;
            let mut restore = tx.prepare_cached(
                "UPDATE call_list_members SET round = ?3, due_at = ?4
                 WHERE call_list_id = ?1 AND position = ?2 AND round IS NULL
                   AND last_call_at = ?5",
            )?;
            let mut restored = 0;
            for [list, position, round, due_at, last_call_at] in retired_entries(&retired)? {
                restored += restore.execute([list, position, round, due_at, last_call_at])? as u32;
            }
            tx.prepare_cached(
                "UPDATE do_not_call_additions SET undone_by = ?2, undone_at = ?3 WHERE id = ?1",
            )?
            .execute(rusqlite::params![id, by.0, now_ms])?;
            Ok(DoNotCallUndoResponse { id, restored })
        })
    }
}
