//! The field lead's figures as last fetched from the server, kept so they stay readable
//! offline, with the time they were fetched (the screens say how old they are).
//!
//! The types mirror the JSON of the server's lead endpoints (`/api/v1/progress`, `turfs`,
//! `volunteers`, `invites`, `call-lists`, `old-assignments`); fields the app does not know
//! are ignored and missing ones take their defaults, so a newer server never breaks an older
//! app. A refresh replaces the whole [`LeadSnapshot`] in one transaction: the screens never
//! show figures from two different fetches. The cache holds volunteers' names, never voter
//! data, and is wiped with everything else when the device is revoked.

use groundgame_core::{CallListId, DeviceId, Role, TurfId, VolunteerId};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

/// Additive counts over a set of events (the server's `Figures`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Figures {
    pub knocks: u64,
    pub contacts: u64,
    pub calls: u64,
    pub call_contacts: u64,
    pub pledges: u64,
    pub volunteer_yes: u64,
    pub donate_yes: u64,
    pub donate_cents: u64,
}

/// How many people's latest support answer is each value, 1 (strong support) to 5.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Support {
    pub strong_support: u64,
    pub lean_support: u64,
    pub undecided: u64,
    pub lean_against: u64,
    pub strong_against: u64,
}

impl Support {
    /// The counts for answers 1 to 5, in order.
    pub fn counts(&self) -> [u64; 5] {
        [
            self.strong_support,
            self.lean_support,
            self.undecided,
            self.lean_against,
            self.strong_against,
        ]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Totals {
    pub households: u64,
    pub doors_knocked: u64,
    pub figures: Figures,
    pub contact_rate: f64,
    pub support: Support,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurfProgress {
    pub turf: TurfId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub households: u64,
    #[serde(default)]
    pub doors_knocked: u64,
    #[serde(default)]
    pub figures: Figures,
    #[serde(default)]
    pub contact_rate: f64,
}

/// A data-quality flag on a volunteer's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityFlag {
    HighContactRate,
    FastDoors,
    /// A flag this app version does not know yet.
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerProgress {
    pub volunteer: VolunteerId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub quarantined: bool,
    #[serde(default)]
    pub figures: Figures,
    #[serde(default)]
    pub contact_rate: f64,
    #[serde(default)]
    pub median_knock_gap_ms: Option<u64>,
    #[serde(default)]
    pub flags: Vec<QualityFlag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourProgress {
    pub hour: u8,
    #[serde(default)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayProgress {
    pub date: groundgame_core::NaiveDate,
    #[serde(default)]
    pub figures: Figures,
}

/// `GET /api/v1/progress`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// The time zone hours and days are in: the campaign's.
    pub time_zone: groundgame_core::TimeZone,
    pub totals: Totals,
    pub by_turf: Vec<TurfProgress>,
    pub by_volunteer: Vec<VolunteerProgress>,
    pub by_hour: Vec<HourProgress>,
    pub by_day: Vec<DayProgress>,
    pub quarantined_events: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurfItem {
    pub id: TurfId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub household_count: u32,
    #[serde(default)]
    pub assignees: Vec<VolunteerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceItem {
    pub id: DeviceId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub last_seen_at: u64,
    #[serde(default)]
    pub pending: u32,
    #[serde(default)]
    pub app_version: String,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub not_synced_recently: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerItem {
    pub id: VolunteerId,
    #[serde(default)]
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub devices: Vec<DeviceItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteJoin {
    pub volunteer: VolunteerId,
    #[serde(default)]
    pub volunteer_name: String,
    pub device: DeviceId,
    #[serde(default)]
    pub device_name: String,
    #[serde(default)]
    pub joined_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteItem {
    pub id: i64,
    pub role: Role,
    #[serde(default)]
    pub created_at: u64,
    #[serde(default)]
    pub expires_at: u64,
    #[serde(default)]
    pub max_uses: u32,
    #[serde(default)]
    pub used: u32,
    #[serde(default)]
    pub expired: bool,
    #[serde(default)]
    pub joined: Vec<InviteJoin>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallListItem {
    pub id: CallListId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub members: u32,
    #[serde(default)]
    pub callers: Vec<VolunteerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OldAssignment {
    pub turf: TurfId,
    #[serde(default)]
    pub turf_name: String,
    pub volunteer: VolunteerId,
    #[serde(default)]
    pub volunteer_name: String,
    #[serde(default)]
    pub ended_at: u64,
    #[serde(default)]
    pub events: u64,
    #[serde(default)]
    pub knocks: u64,
    #[serde(default)]
    pub after_end: u64,
    #[serde(default)]
    pub last_event_at: Option<u64>,
}

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
