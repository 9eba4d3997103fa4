//! What volunteers' records put on the do-not-call list, on PostgreSQL (see
//! `sqlite::do_not_call` for what the list and an undo mean).

use groundgame_core::protocol::lead::{DoNotCallAddition, DoNotCallUndoResponse};
use groundgame_core::{CampaignId, DeviceId, VolunteerId};

use super::PgStore;
use crate::store::sqlite::do_not_call::{last4, retired_entries};
use crate::store::StoreError;

impl PgStore {
    pub(super) fn do_not_call_additions(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<DoNotCallAddition>, StoreError> {
        self.read(move |tx| {
            let rows = tx.query(
                "SELECT a.id, a.phone, COALESCE(e.kind, ''), a.volunteer_id,
                        COALESCE(v.name, ''), a.device_id, a.created_at, a.undone_at,
                        a.undone_by
                 FROM do_not_call_additions a
                 LEFT JOIN events e ON e.id = a.event_id
                 LEFT JOIN volunteers v ON v.id = a.volunteer_id
                 WHERE a.campaign_id = $1
                 ORDER BY a.created_at DESC, a.id DESC",
                &[&campaign.0],
            )?;
            Ok(rows
                .iter()
                .map(|r| DoNotCallAddition {
                    id: r.get(0),
                    phone_last4: last4(r.get(1)),
                    kind: r.get(2),
                    volunteer: r.get::<_, Option<i64>>(3).map(VolunteerId),
                    volunteer_name: r.get(4),
                    device: r.get::<_, Option<i64>>(5).map(DeviceId),
                    created_at: r.get::<_, i64>(6).max(0) as u64,
                    undone_at: r.get::<_, Option<i64>>(7).map(|t| t.max(0) as u64),
                    undone_by: r.get::<_, Option<i64>>(8).map(VolunteerId),
                })
                .collect())
        })
    }

    pub(super) fn undo_do_not_call(
        &self,
        campaign: CampaignId,
        id: i64,
        by: VolunteerId,
        now_ms: u64,
    ) -> Result<DoNotCallUndoResponse, StoreError> {
        self.write(move |tx| {
            let found = tx.query_opt(
                "SELECT phone, retired, undone_at FROM do_not_call_additions
                 WHERE id = $1 AND campaign_id = $2 FOR UPDATE",
                &[&id, &campaign.0],
            )?;
            let Some(found) = found else {
                return Err(StoreError::NotFound("do-not-call addition"));
            };
            let (phone, retired, undone): (String, String, Option<i64>) =
                (found.get(0), found.get(1), found.get(2));
            if undone.is_some() {
                return Err(StoreError::Invalid(
                    "this number was already taken off the do-not-call list".into(),
                ));
            }
            tx.execute(
                "DELETE FROM do_not_call WHERE campaign_id = $1 AND phone = $2",
                &[&campaign.0, &phone],
            )?;
            let mut restored = 0;
            for [list, position, round, due_at, last_call_at] in retired_entries(&retired)? {
                restored += tx.execute(
                    "UPDATE call_list_members SET round = $3, due_at = $4
                     WHERE call_list_id = $1 AND position = $2 AND round IS NULL
                       AND last_call_at = $5",
                    &[&list, &position, &round, &due_at, &last_call_at],
                )? as u32;
            }
            tx.execute(
                "UPDATE do_not_call_additions SET undone_by = $2, undone_at = $3 WHERE id = $1",
                &[&id, &by.0, &(now_ms as i64)],
            )?;
            Ok(DoNotCallUndoResponse { id, restored })
        })
    }
}
