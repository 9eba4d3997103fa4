//! What the lead's screens list beyond progress: the campaign's call lists with their
//! callers, its invites with who joined with each (see `invites`), and the records made
//! under an assignment that has since ended.
//!
//! **Recorded under an old assignment.** For each turf and each volunteer whose assignment
//! to it has ended (and who is not assigned to it again), the events they recorded in that
//! turf, counted straight from the `events` table: all of them, the door knocks among them,
//! and how many reached the server after the assignment had ended (the ones push flagged
//! `stale_assignment`). A reassignment loses nothing: these records are kept, synced and in
//! every figure; the list only shows the lead where to look.

use groundgame_core::protocol::lead::{CallListItem, OldAssignment};
use groundgame_core::{CallListId, CampaignId, TurfId, VolunteerId};
use rusqlite::Connection;

use super::invites::{self, InviteSummary};
use super::{claims, SqliteStore, StoreError};

pub(crate) fn call_lists(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<CallListItem>, StoreError> {
    let mut lists: Vec<CallListItem> = conn
        .prepare_cached(
            "SELECT l.id, l.name, l.script_key, l.created_at,
                    (SELECT COUNT(*) FROM call_list_members m WHERE m.call_list_id = l.id)
             FROM call_lists l WHERE l.campaign_id = ?1 ORDER BY l.id",
        )?
        .query_map([campaign.0], |r| {
            Ok(CallListItem {
                id: CallListId(r.get(0)?),
                name: r.get(1)?,
                script: r.get(2)?,
                created_at: r.get(3)?,
                members: r.get(4)?,
                callers: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    for list in &mut lists {
        list.callers = claims::callers(conn, list.id)?;
    }
    Ok(lists)
}

pub(crate) fn old_assignments(
    conn: &Connection,
    campaign: CampaignId,
) -> Result<Vec<OldAssignment>, StoreError> {
    // Ended pairs: every assignment row of the pair has ended.
    let mut ended = conn.prepare_cached(
        "SELECT a.turf_id, t.name, a.volunteer_id, v.name, MAX(a.unassigned_at)
         FROM assignments a
         JOIN turfs t ON t.id = a.turf_id
         JOIN volunteers v ON v.id = a.volunteer_id
         WHERE t.campaign_id = ?1
         GROUP BY a.turf_id, a.volunteer_id
         HAVING SUM(a.unassigned_at IS NULL) = 0
         ORDER BY a.turf_id, a.volunteer_id",
    )?;
    let pairs = ended
        .query_map([campaign.0], |r| {
            Ok((
                TurfId(r.get(0)?),
                r.get::<_, String>(1)?,
                VolunteerId(r.get(2)?),
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // Read through `events_turf_seq`: one turf's events, filtered by recorder.
    let mut counts = conn.prepare_cached(
        "SELECT COUNT(*),
                COALESCE(SUM(kind = 'contact' AND json_extract(body, '$.channel') = 'door'), 0),
                COALESCE(SUM(stale_assignment), 0),
                MAX(at)
         FROM events WHERE turf_id = ?1 AND volunteer_id = ?2",
    )?;
    let mut out = Vec::new();
    for (turf, turf_name, volunteer, volunteer_name, ended_at) in pairs {
        let (events, knocks, after_end, last) =
            counts.query_row(rusqlite::params![turf.0, volunteer.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })?;
        if events == 0 {
            continue;
        }
        out.push(OldAssignment {
            turf,
            turf_name,
            volunteer,
            volunteer_name,
            ended_at: ended_at.max(0) as u64,
            events: events as u64,
            knocks: knocks as u64,
            after_end: after_end as u64,
            // `at` is a hybrid logical timestamp: its milliseconds.
            last_event_at: last.map(|at| groundgame_core::Hlc(at as u64).ms()),
        });
    }
    Ok(out)
}

impl SqliteStore {
    /// The campaign's call lists with their current callers, by id.
    pub fn call_list_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<CallListItem>, StoreError> {
        self.read(|tx| call_lists(tx, campaign))
    }

    /// The campaign's invites (never their codes), newest first, with who joined.
    pub fn invite_summaries(&self, campaign: CampaignId) -> Result<Vec<InviteSummary>, StoreError> {
        self.read(|tx| invites::of_campaign(tx, campaign))
    }

    /// Records made in turfs whose assignment to their recorder has ended.
    pub fn old_assignments(&self, campaign: CampaignId) -> Result<Vec<OldAssignment>, StoreError> {
        self.read(|tx| old_assignments(tx, campaign))
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    /// Invites made before version 6 get numbers in the order they were made, and their
    /// remaining uses as their maximum.
    #[test]
    fn the_migration_numbers_existing_invites() {
        let conn = Connection::open_in_memory().expect("open");
        for sql in [
            include_str!("migrations/0001_initial.sql"),
            include_str!("migrations/0002_voter_file.sql"),
            include_str!("migrations/0003_import_seen.sql"),
            include_str!("migrations/0004_quarantine.sql"),
            include_str!("migrations/0005_call_claims.sql"),
        ] {
            conn.execute_batch(sql).expect("older migration");
        }
        conn.execute_batch(
            "INSERT INTO campaigns (id, name, config, created_at) VALUES (1, 'C', '{}', 0);
             INSERT INTO invites (code_hash, campaign_id, role, uses_left, expires_at, created_at)
             VALUES (x'02', 1, 'lead', 4, 99, 20), (x'01', 1, 'volunteer', 7, 99, 10);",
        )
        .expect("old invites");
        conn.execute_batch(include_str!("migrations/0006_lead_views.sql"))
            .expect("version 6");
        let rows: Vec<(String, i64, i64)> = conn
            .prepare("SELECT role, id, max_uses FROM invites ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            vec![("volunteer".into(), 1, 7), ("lead".into(), 2, 4)]
        );
    }
}
