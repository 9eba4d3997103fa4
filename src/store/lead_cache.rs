//! The field lead's figures as last fetched from the server, kept so they stay readable
//! offline, with the time they were fetched (the screens say how old they are).
//!
//! The types are the server's answers themselves (`groundgame_core::protocol::lead`, for
//! `/api/v1/progress`, `turfs`, `volunteers`, `invites`, `call-lists`, `old-assignments`):
//! fields the app does not know are ignored and missing ones take their defaults, so a newer
//! server never breaks an older app, nor an older cache a newer one. A refresh replaces the whole [`LeadSnapshot`] in one transaction: the screens never
//! show figures from two different fetches. The cache holds volunteers' names, never voter
//! data, and is wiped with everything else when the device is revoked.

use groundgame_core::VolunteerId;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

pub use groundgame_core::protocol::lead::{
    CallListItem, DayProgress, DeviceItem, DoNotCallAddition, Figures, HeldRecord, HeldStatus,
    HourProgress, InviteItem, InviteJoin, OldAssignment, Progress, QualityFlag, Support, Totals,
    TurfItem, TurfProgress, VolunteerItem, VolunteerProgress,
};

/// Everything the lead's screens show, from one refresh.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadSnapshot {
    pub progress: Progress,
    pub turfs: Vec<TurfItem>,
    pub volunteers: Vec<VolunteerItem>,
    pub invites: Vec<InviteItem>,
    pub call_lists: Vec<CallListItem>,
    pub old_assignments: Vec<OldAssignment>,
    /// Records held for the lead's decision (`/api/v1/held-records`).
    pub held: Vec<HeldRecord>,
    /// Numbers volunteers' records put on the do-not-call list (`/api/v1/do-not-call`;
    /// last four digits only).
    pub do_not_call: Vec<DoNotCallAddition>,
}

impl LeadSnapshot {
    /// A volunteer's name from the lists (their id when unknown).
    pub fn volunteer_name(&self, id: VolunteerId) -> String {
        self.volunteers
            .iter()
            .find(|v| v.id == id)
            .map(|v| v.name.clone())
            .or_else(|| {
                self.progress
                    .by_volunteer
                    .iter()
                    .find(|v| v.volunteer == id)
                    .map(|v| v.name.clone())
            })
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("#{}", id.0))
    }
}

/// The cached snapshot and when it was fetched (ms since the epoch).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedLead {
    pub snapshot: LeadSnapshot,
    pub fetched_at: u64,
}

impl Store {
    /// Keep a fresh snapshot, replacing the previous one (one transaction) unless that one
    /// was fetched later.
    pub fn save_lead_snapshot(
        &self,
        snapshot: &LeadSnapshot,
        fetched_at: u64,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(snapshot)?;
        let mut inner = self.lock();
        let tx = inner.conn.transaction()?;
        tx.execute(
            "INSERT INTO lead_cache (id, snapshot, fetched_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot,
                                            fetched_at = excluded.fetched_at
             WHERE excluded.fetched_at >= lead_cache.fetched_at",
            rusqlite::params![json, fetched_at],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The last snapshot fetched, if any.
    pub fn lead_snapshot(&self) -> Result<Option<CachedLead>, StoreError> {
        let inner = self.lock();
        let row: Option<(String, u64)> = inner
            .conn
            .query_row(
                "SELECT snapshot, fetched_at FROM lead_cache WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some((json, fetched_at)) => Ok(Some(CachedLead {
                snapshot: serde_json::from_str(&json)?,
                fetched_at,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::fixed_clock;

    #[test]
    fn a_snapshot_survives_reopening_and_is_replaced_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("device.sqlite");
        let store = Store::open(&path, fixed_clock(1)).expect("open");
        assert_eq!(store.lead_snapshot().expect("read"), None);
        let mut snapshot = LeadSnapshot::default();
        snapshot.progress.totals.households = 40;
        snapshot.progress.totals.doors_knocked = 12;
        store.save_lead_snapshot(&snapshot, 1_000).expect("save");
        drop(store);
        let store = Store::open(&path, fixed_clock(1)).expect("reopen");
        let cached = store.lead_snapshot().expect("read").expect("cached");
        assert_eq!(
            (cached.snapshot.clone(), cached.fetched_at),
            (snapshot.clone(), 1_000)
        );
        store
            .save_lead_snapshot(&LeadSnapshot::default(), 2_000)
            .expect("replace");
        let cached = store.lead_snapshot().expect("read").expect("cached");
        assert_eq!(cached.fetched_at, 2_000);
        assert_eq!(cached.snapshot.progress.totals.households, 0);
        // A fetch that was asked for earlier and answered later does not win.
        store.save_lead_snapshot(&snapshot, 1_500).expect("late");
        let cached = store.lead_snapshot().expect("read").expect("cached");
        assert_eq!(cached.fetched_at, 2_000);
    }

    #[test]
    fn unknown_fields_and_flags_from_a_newer_server_are_tolerated() {
        let json = r#"{"tz_offset_minutes":0,"totals":{"households":3,"doors_knocked":1,
            "figures":{"knocks":2,"contacts":1,"new_figure":5},"contact_rate":0.5,
            "support":{"strong_support":1}},"by_turf":[],"by_volunteer":[{"volunteer":4,
            "name":"Ana","quarantined":false,"figures":{},"contact_rate":0,
            "median_knock_gap_ms":null,"flags":["fast_doors","too_early"]}],
            "by_hour":[],"by_day":[],"quarantined_events":0,"extra":true}"#;
        let p: Progress = serde_json::from_str(json).expect("parse");
        assert_eq!(p.totals.figures.knocks, 2);
        assert_eq!(p.totals.support.counts(), [1, 0, 0, 0, 0]);
        assert_eq!(
            p.by_volunteer[0].flags,
            vec![QualityFlag::FastDoors, QualityFlag::Other]
        );
    }
}
