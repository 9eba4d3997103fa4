//! The lead's figures and lists on PostgreSQL: progress, quarantine, turf, volunteer and
//! invite lists, records made under ended assignments. The same meanings as the SQLite
//! modules of each family (`progress`, `quarantine`, `turfs`, `devices`, `invites`,
//! `lead_views`).
//!
//! **Progress on many replicas.** The figures are folded by the SQLite module's rules
//! (`sqlite::progress::Cache` over [`ProgressRows`]); this module only reads the rows.
//! Each replica keeps its own accumulator per campaign, and it stays right whichever
//! replica wrote what, because every request checks it against the rows of its one
//! snapshot (repeatable read), never against what this replica did:
//!
//! - it advances by feed number: `seq` is handed out in commit order per campaign (see
//!   the module doc of `postgres`), so a snapshot holds a prefix of the campaign's feed and
//!   the events with `seq` above the accumulator's cursor are exactly those not folded
//!   yet;
//! - the quarantined set is read from `quarantines` in the same snapshot and compared
//!   with the one the accumulator was adjusted for; a quarantine or release made through
//!   any replica takes that volunteer's events out of the sums (or puts them back);
//! - the result codes are read from the campaign's configuration: new codes mean a
//!   rebuild;
//! - `campaign_feeds.renumbered_by` names the last transaction that gave the campaign's
//!   stored events new feed numbers (a walk-order recomputation, a re-imported household
//!   sent again) or changed them; a database trigger keeps it, so every writer marks it
//!   without knowing, and a replica rebuilds when it differs from the one it folded under.
//!   (SQLite counts the events at or below the cursor instead: over a million events
//!   that count alone takes 130 to 340 ms on PostgreSQL on the test machine.)
//!
//! The quarantined set is compared as it is, not through a version number: it is small,
//! and it says which volunteer to take out or put back. Two quarantines of one volunteer
//! racing on two replicas both succeed and leave one in force (`quarantines_active`, the
//! partial unique index, with `ON CONFLICT DO NOTHING`).

use std::collections::HashMap;

use groundgame_core::TimeZone;
use groundgame_core::{
    CampaignId, DeviceId, EventBody, EventId, Hlc, HouseholdId, PersonId, ResultEffect, Role,
    TurfId, VolunteerId,
};
use postgres::types::ToSql;

use super::rows::{self, GenericClientDyn};
use super::PgStore;
use crate::store::sqlite::invites::InviteJoin;
use crate::store::sqlite::progress::{FeedCheck, FoldEvent, ProgressRows};
use crate::store::{
    DeviceSummary, InviteSummary, OldAssignment, Progress, StoreError, TurfItem, VolunteerSummary,
};

/// Rows fetched per round trip when folding events, so a full rebuild over a million
/// events never holds them all in memory.
const EVENT_BATCH: i32 = 10_000;

fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn small(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn role(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown role {value:?}")))
}

fn body(json: &str) -> Result<EventBody, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("event body: {e}")))
}

/// Run `sql` through a portal and hand each row to `each`, [`EVENT_BATCH`] at a time.
fn stream(
    tx: &mut postgres::Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    mut each: impl FnMut(&postgres::Row) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let portal = tx.bind(sql, params)?;
    loop {
        let batch = tx.query_portal(&portal, EVENT_BATCH)?;
        for row in &batch {
            each(row)?;
        }
        if batch.len() < EVENT_BATCH as usize {
            return Ok(());
        }
    }
}

/// [`ProgressRows`] from one PostgreSQL read snapshot.
struct PgRows<'a, 'b>(&'a mut postgres::Transaction<'b>);

impl ProgressRows for PgRows<'_, '_> {
    fn time_zone(&mut self, campaign: CampaignId) -> Result<TimeZone, StoreError> {
        rows::time_zone(self.0, campaign)
    }

    fn result_effects(
        &mut self,
        campaign: CampaignId,
    ) -> Result<Vec<(String, ResultEffect)>, StoreError> {
        Ok(rows::config(self.0, campaign)?
            .result_codes
            .iter()
            .map(|c| (c.key.clone(), c.effect))
            .collect())
    }

    fn quarantined(&mut self, campaign: CampaignId) -> Result<Vec<VolunteerId>, StoreError> {
        Ok(self
            .0
            .rows(
                "SELECT volunteer_id FROM quarantines
                 WHERE campaign_id = $1 AND released_at IS NULL ORDER BY volunteer_id",
                &[&campaign.0],
            )?
            .iter()
            .map(|r| VolunteerId(r.get(0)))
            .collect())
    }

    fn feed_check(&mut self, campaign: CampaignId, _upto: i64) -> Result<FeedCheck, StoreError> {
        // Kept by the trigger `events_renumbered`: no count over the campaign's events.
        let mark: i64 = self
            .0
            .rows(
                "SELECT renumbered_by FROM campaign_feeds WHERE campaign_id = $1",
                &[&campaign.0],
            )?
            .first()
            .map_or(0, |r| r.get(0));
        Ok(FeedCheck::Mark(mark))
    }

    fn events_after(
        &mut self,
        campaign: CampaignId,
        after: i64,
        each: &mut dyn FnMut(i64, FoldEvent),
    ) -> Result<(), StoreError> {
        stream(
            self.0,
            "SELECT seq, id, at, household_id, person_id, volunteer_id, body FROM events
             WHERE campaign_id = $1 AND seq > $2 ORDER BY seq",
            &[&campaign.0, &after],
            |r| {
                let event = FoldEvent {
                    id: EventId(r.get(1)),
                    at: Hlc(r.get::<_, i64>(2) as u64),
                    household: HouseholdId(r.get(3)),
                    person: r.get::<_, Option<uuid::Uuid>>(4).map(PersonId),
                    volunteer: VolunteerId(r.get(5)),
                    body: body(r.get(6))?,
                };
                each(r.get(0), event);
                Ok(())
            },
        )
    }

    fn volunteer_events(
        &mut self,
        volunteer: VolunteerId,
        upto: i64,
        each: &mut dyn FnMut(Hlc, HouseholdId, &EventBody),
    ) -> Result<(), StoreError> {
        stream(
            self.0,
            "SELECT at, household_id, body FROM events WHERE volunteer_id = $1 AND seq <= $2",
            &[&volunteer.0, &upto],
            |r| {
                let parsed = body(r.get(2))?;
                each(
                    Hlc(r.get::<_, i64>(0) as u64),
                    HouseholdId(r.get(1)),
                    &parsed,
                );
                Ok(())
            },
        )
    }

    fn placed_households(
        &mut self,
        campaign: CampaignId,
    ) -> Result<HashMap<HouseholdId, TurfId>, StoreError> {
        Ok(self
            .0
            .rows(
                "SELECT h.id, h.turf_id FROM turfs t JOIN households h ON h.turf_id = t.id
                 WHERE t.campaign_id = $1",
                &[&campaign.0],
            )?
            .iter()
            .map(|r| (HouseholdId(r.get(0)), TurfId(r.get(1))))
            .collect())
    }

    fn turf_names(&mut self, campaign: CampaignId) -> Result<Vec<(TurfId, String)>, StoreError> {
        Ok(self
            .0
            .rows(
                "SELECT id, name FROM turfs WHERE campaign_id = $1 ORDER BY id",
                &[&campaign.0],
            )?
            .iter()
            .map(|r| (TurfId(r.get(0)), r.get(1)))
            .collect())
    }

    fn volunteer_names(
        &mut self,
        campaign: CampaignId,
    ) -> Result<HashMap<VolunteerId, String>, StoreError> {
        Ok(self
            .0
            .rows(
                "SELECT id, name FROM volunteers WHERE campaign_id = $1",
                &[&campaign.0],
            )?
            .iter()
            .map(|r| (VolunteerId(r.get(0)), r.get(1)))
            .collect())
    }
}

/// How many events a volunteer recorded.
fn events_of(
    tx: &mut postgres::Transaction<'_>,
    volunteer: VolunteerId,
) -> Result<u64, StoreError> {
    let n: i64 = tx
        .rows(
            "SELECT COUNT(*) FROM events WHERE volunteer_id = $1",
            &[&volunteer.0],
        )?
        .first()
        .map_or(0, |r| r.get(0));
    Ok(unsigned(n))
}

impl PgStore {
    /// The campaign's progress figures now (see the module doc for why this replica's
    /// accumulator is right whichever replica wrote).
    pub(super) fn progress(
        &self,
        campaign: CampaignId,
        zone: Option<TimeZone>,
    ) -> Result<Progress, StoreError> {
        self.progress_cache.progress(campaign, zone, |fold| {
            self.read(move |tx| fold(&mut PgRows(tx)))
        })
    }

    /// Build this replica's accumulator for every campaign (one full read each); returns
    /// how many were built. A campaign that fails is skipped: its first request rebuilds.
    pub(super) fn warm_progress(&self) -> usize {
        let Ok(campaigns) = self.read(|tx| rows::campaigns(tx)) else {
            return 0;
        };
        campaigns
            .iter()
            .filter(|(id, _)| self.progress(*id, None).is_ok())
            .count()
    }

    /// Start a quarantine (a no-op when one is in force, also when another replica starts
    /// one at the same moment). Returns the volunteer's event count.
    pub(super) fn quarantine_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        self.write(move |tx| {
            let campaign = rows::volunteer_campaign(tx, volunteer)?
                .ok_or(StoreError::NotFound("volunteer"))?;
            tx.exec(
                "INSERT INTO quarantines (campaign_id, volunteer_id, started_at, started_by)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (volunteer_id) WHERE released_at IS NULL DO NOTHING",
                &[&campaign.0, &volunteer.0, &ms(now_ms), &by.0],
            )?;
            events_of(tx, volunteer)
        })
    }

    /// End the quarantine in force (a no-op when there is none). Returns the volunteer's
    /// event count.
    pub(super) fn release_volunteer(
        &self,
        volunteer: VolunteerId,
        by: DeviceId,
        now_ms: u64,
    ) -> Result<u64, StoreError> {
        self.write(move |tx| {
            if rows::volunteer_campaign(tx, volunteer)?.is_none() {
                return Err(StoreError::NotFound("volunteer"));
            }
            tx.exec(
                "UPDATE quarantines SET released_at = $2, released_by = $3
                 WHERE volunteer_id = $1 AND released_at IS NULL",
                &[&volunteer.0, &ms(now_ms), &by.0],
            )?;
            events_of(tx, volunteer)
        })
    }

    /// How many of the campaign's events are left out of figures and exports by quarantine.
    pub(super) fn quarantined_event_count(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        self.read(move |tx| {
            let n: i64 = tx
                .rows(
                    "SELECT COUNT(*) FROM events
                     WHERE campaign_id = $1
                       AND volunteer_id IN (SELECT volunteer_id FROM quarantines
                                            WHERE campaign_id = $1 AND released_at IS NULL)",
                    &[&campaign.0],
                )?
                .first()
                .map_or(0, |r| r.get(0));
            Ok(unsigned(n))
        })
    }

    /// Every turf of the campaign, by id, with its household count and active assignees.
    pub(super) fn turf_summaries(&self, campaign: CampaignId) -> Result<Vec<TurfItem>, StoreError> {
        self.read(move |tx| {
            let mut out: Vec<TurfItem> = tx
                .rows(
                    "SELECT t.id, t.name,
                            (SELECT COUNT(*) FROM households h WHERE h.turf_id = t.id)
                     FROM turfs t WHERE t.campaign_id = $1 ORDER BY t.id",
                    &[&campaign.0],
                )?
                .iter()
                .map(|r| TurfItem {
                    id: TurfId(r.get(0)),
                    name: r.get(1),
                    household_count: small(r.get(2)),
                    assignees: Vec::new(),
                })
                .collect();
            for r in tx.rows(
                "SELECT DISTINCT a.turf_id, a.volunteer_id
                 FROM assignments a JOIN turfs t ON t.id = a.turf_id
                 WHERE t.campaign_id = $1 AND a.unassigned_at IS NULL
                 ORDER BY a.turf_id, a.volunteer_id",
                &[&campaign.0],
            )? {
                let turf = TurfId(r.get(0));
                if let Ok(i) = out.binary_search_by_key(&turf, |t| t.id) {
                    out[i].assignees.push(VolunteerId(r.get(1)));
                }
            }
            Ok(out)
        })
    }

    /// The campaign's volunteers, by id, each with their devices, by id.
    pub(super) fn volunteer_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<VolunteerSummary>, StoreError> {
        self.read(move |tx| {
            let mut out: Vec<VolunteerSummary> = tx
                .rows(
                    "SELECT id, name, role FROM volunteers WHERE campaign_id = $1 ORDER BY id",
                    &[&campaign.0],
                )?
                .iter()
                .map(|r| {
                    Ok(VolunteerSummary {
                        id: VolunteerId(r.get(0)),
                        name: r.get(1),
                        role: role(r.get(2))?,
                        devices: Vec::new(),
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            for r in tx.rows(
                "SELECT d.volunteer_id, d.id, d.name, d.last_seen_at, d.pending, d.app_version,
                        d.revoked_at IS NOT NULL
                 FROM devices d JOIN volunteers v ON v.id = d.volunteer_id
                 WHERE v.campaign_id = $1
                 ORDER BY d.id",
                &[&campaign.0],
            )? {
                let volunteer = VolunteerId(r.get(0));
                if let Ok(i) = out.binary_search_by_key(&volunteer, |v| v.id) {
                    out[i].devices.push(DeviceSummary {
                        id: DeviceId(r.get(1)),
                        name: r.get(2),
                        last_seen_at: unsigned(r.get(3)),
                        pending: small(r.get(4)),
                        app_version: r.get(5),
                        revoked: r.get(6),
                    });
                }
            }
            Ok(out)
        })
    }

    /// The campaign's invites (never their codes), newest first, with who joined.
    pub(super) fn invite_summaries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<InviteSummary>, StoreError> {
        self.read(move |tx| {
            let mut out: Vec<InviteSummary> = tx
                .rows(
                    "SELECT id, role, created_at, expires_at, max_uses, uses_left FROM invites
                     WHERE campaign_id = $1 ORDER BY id DESC",
                    &[&campaign.0],
                )?
                .iter()
                .map(|r| {
                    let stored: &str = r.get(1);
                    Ok(InviteSummary {
                        id: r.get(0),
                        role: Role::parse(stored).ok_or_else(|| {
                            StoreError::Corrupt(format!("invite has unknown role {stored:?}"))
                        })?,
                        created_at: unsigned(r.get(2)),
                        expires_at: unsigned(r.get(3)),
                        max_uses: small(r.get(4)),
                        uses_left: small(r.get(5)),
                        joined: Vec::new(),
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            for r in tx.rows(
                "SELECT j.invite_id, j.volunteer_id, v.name, j.device_id, d.name, j.joined_at
                 FROM invite_joins j
                 JOIN invites i ON i.id = j.invite_id
                 JOIN volunteers v ON v.id = j.volunteer_id
                 JOIN devices d ON d.id = j.device_id
                 WHERE i.campaign_id = $1
                 ORDER BY j.joined_at, j.device_id",
                &[&campaign.0],
            )? {
                let invite: i64 = r.get(0);
                // `out` is sorted by id, descending.
                if let Ok(i) = out.binary_search_by(|s| invite.cmp(&s.id)) {
                    out[i].joined.push(InviteJoin {
                        volunteer: VolunteerId(r.get(1)),
                        volunteer_name: r.get(2),
                        device: DeviceId(r.get(3)),
                        device_name: r.get(4),
                        joined_at: unsigned(r.get(5)),
                    });
                }
            }
            Ok(out)
        })
    }

    /// Records made in turfs whose assignment to their recorder has ended: for each ended
    /// (turf, volunteer) pair with events there, counted from `events` through
    /// `events_turf_seq` (see `sqlite::lead_views` for the meaning).
    pub(super) fn old_assignments(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<OldAssignment>, StoreError> {
        self.read(move |tx| {
            let found = tx.rows(
                "WITH ended AS (
                     SELECT a.turf_id, a.volunteer_id, MAX(a.unassigned_at) AS ended_at
                     FROM assignments a JOIN turfs t ON t.id = a.turf_id
                     WHERE t.campaign_id = $1
                     GROUP BY a.turf_id, a.volunteer_id
                     HAVING COUNT(*) FILTER (WHERE a.unassigned_at IS NULL) = 0
                 )
                 SELECT p.turf_id, t.name, p.volunteer_id, v.name, p.ended_at,
                        c.events, c.knocks, c.after_end, c.last_at
                 FROM ended p
                 JOIN turfs t ON t.id = p.turf_id
                 JOIN volunteers v ON v.id = p.volunteer_id
                 CROSS JOIN LATERAL (
                     SELECT COUNT(*) AS events,
                            COUNT(*) FILTER (WHERE e.kind = 'contact'
                                             AND e.body::json ->> 'channel' = 'door') AS knocks,
                            COUNT(*) FILTER (WHERE e.stale_assignment) AS after_end,
                            MAX(e.at) AS last_at
                     FROM events e
                     WHERE e.turf_id = p.turf_id AND e.volunteer_id = p.volunteer_id
                 ) c
                 WHERE c.events > 0
                 ORDER BY p.turf_id, p.volunteer_id",
                &[&campaign.0],
            )?;
            Ok(found
                .iter()
                .map(|r| OldAssignment {
                    turf: TurfId(r.get(0)),
                    turf_name: r.get(1),
                    volunteer: VolunteerId(r.get(2)),
                    volunteer_name: r.get(3),
                    ended_at: unsigned(r.get(4)),
                    events: unsigned(r.get(5)),
                    knocks: unsigned(r.get(6)),
                    after_end: unsigned(r.get(7)),
                    // `at` is a hybrid logical timestamp: its milliseconds.
                    last_event_at: r.get::<_, Option<i64>>(8).map(|at| Hlc(at as u64).ms()),
                })
                .collect())
        })
    }
}
