//! What the field lead's endpoints answer: `GET /api/v1/progress`, `turfs`, `volunteers`,
//! `invites`, `call-lists` and `old-assignments`, and the answers of the lead's actions.
//! The server builds these, the app reads them and keeps them in its lead cache, and the
//! OpenAPI document describes them: one definition for all three.
//!
//! Readers ignore fields they do not know (no `deny_unknown_fields`), and every field a
//! later version added has a default, so an app reads a newer server's answer and its own
//! cache written by an older version.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::Role;
use crate::ids::{CallListId, DeviceId, EventId, TurfId, VolunteerId};
use crate::time::TimeZone;

/// Additive counts over a set of events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Figures {
    /// Door contact attempts.
    pub knocks: u64,
    /// Door attempts whose result counts as talked.
    pub contacts: u64,
    /// Phone contact attempts.
    pub calls: u64,
    /// Phone attempts whose result counts as talked.
    pub call_contacts: u64,
    /// Pledge events plus pledge asks answered yes.
    pub pledges: u64,
    pub volunteer_yes: u64,
    pub donate_yes: u64,
    /// Sum of the amounts promised with donation yeses.
    pub donate_cents: u64,
}

impl Figures {
    /// Add another set of counts to these.
    pub fn add(&mut self, o: &Figures) {
        self.knocks += o.knocks;
        self.contacts += o.contacts;
        self.calls += o.calls;
        self.call_contacts += o.call_contacts;
        self.pledges += o.pledges;
        self.volunteer_yes += o.volunteer_yes;
        self.donate_yes += o.donate_yes;
        self.donate_cents += o.donate_cents;
    }

    /// Take out what [`Figures::add`] put in (never below zero).
    pub fn sub(&mut self, o: &Figures) {
        self.knocks = self.knocks.saturating_sub(o.knocks);
        self.contacts = self.contacts.saturating_sub(o.contacts);
        self.calls = self.calls.saturating_sub(o.calls);
        self.call_contacts = self.call_contacts.saturating_sub(o.call_contacts);
        self.pledges = self.pledges.saturating_sub(o.pledges);
        self.volunteer_yes = self.volunteer_yes.saturating_sub(o.volunteer_yes);
        self.donate_yes = self.donate_yes.saturating_sub(o.donate_yes);
        self.donate_cents = self.donate_cents.saturating_sub(o.donate_cents);
    }

    /// contacts / knocks, 0 with no knocks.
    pub fn contact_rate(&self) -> f64 {
        rate(self.contacts, self.knocks)
    }
}

/// `part / whole`, 0 when `whole` is 0.
pub fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// How many people's latest support answer is each value, 1 (strong support) to 5.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Support {
    /// Answer 1: strong supporter.
    pub strong_support: u64,
    /// Answer 2.
    pub lean_support: u64,
    /// Answer 3.
    pub undecided: u64,
    /// Answer 4.
    pub lean_against: u64,
    /// Answer 5: strongly opposed.
    pub strong_against: u64,
}

impl Support {
    /// Count one person's answer (1 to 5; anything above 5 counts as 5).
    pub fn count(&mut self, answer: u8) {
        match answer {
            1 => self.strong_support += 1,
            2 => self.lean_support += 1,
            3 => self.undecided += 1,
            4 => self.lean_against += 1,
            _ => self.strong_against += 1,
        }
    }

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

/// The whole campaign.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Totals {
    /// Doors: households in the campaign's turfs.
    pub households: u64,
    /// Doors with at least one knock.
    pub doors_knocked: u64,
    pub figures: Figures,
    pub contact_rate: f64,
    pub support: Support,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    #[serde(default)]
    pub support: Support,
}

/// A data-quality flag on a volunteer's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QualityFlag {
    /// A door contact rate far above the campaign's usual, over enough knocks.
    HighContactRate,
    /// A median gap between knocks too short to have talked, over enough knocks.
    FastDoors,
    /// A flag this version does not know yet (a newer server's). The server never sends it.
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerProgress {
    pub volunteer: VolunteerId,
    #[serde(default)]
    pub name: String,
    /// Quarantined: these figures are left out of every campaign figure.
    #[serde(default)]
    pub quarantined: bool,
    #[serde(default)]
    pub figures: Figures,
    #[serde(default)]
    pub contact_rate: f64,
    /// Median time between consecutive knocks (ms); none under two knocks.
    #[serde(default)]
    pub median_knock_gap_ms: Option<u64>,
    #[serde(default)]
    pub flags: Vec<QualityFlag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourProgress {
    /// Hour of the day, 0–23, on the clocks of the report's time zone.
    pub hour: u8,
    #[serde(default)]
    pub figures: Figures,
    #[serde(default)]
    pub contact_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayProgress {
    /// The calendar day in the report's time zone.
    pub date: NaiveDate,
    #[serde(default)]
    pub figures: Figures,
    #[serde(default)]
    pub contact_rate: f64,
}

/// `GET /api/v1/progress`: the campaign's figures, by turf, by volunteer, by hour of the
/// day and by day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Progress {
    /// The time zone hours and days are in: the campaign's, unless the request named one.
    pub time_zone: TimeZone,
    pub totals: Totals,
    /// Every turf of the campaign, by id.
    pub by_turf: Vec<TurfProgress>,
    /// Every volunteer who recorded something, by id.
    pub by_volunteer: Vec<VolunteerProgress>,
    /// All 24 hours, from 0.
    pub by_hour: Vec<HourProgress>,
    /// Days with at least one event, oldest first.
    pub by_day: Vec<DayProgress>,
    /// Events left out because their volunteer is quarantined.
    pub quarantined_events: u64,
}

/// A turf in the lead's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TurfItem {
    pub id: TurfId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub household_count: u32,
    /// Volunteers currently assigned.
    #[serde(default)]
    pub assignees: Vec<VolunteerId>,
}

/// `GET /api/v1/turfs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TurfList {
    pub turfs: Vec<TurfItem>,
}

/// One of a volunteer's devices, as the lead sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceItem {
    pub id: DeviceId,
    #[serde(default)]
    pub name: String,
    /// When the device last synced (ms since the epoch).
    #[serde(default)]
    pub last_seen_at: u64,
    /// Events waiting on the device at its last push.
    #[serde(default)]
    pub pending: u32,
    #[serde(default)]
    pub app_version: String,
    #[serde(default)]
    pub revoked: bool,
    /// Not revoked, and not synced for more than [`NOT_SYNCED_HOURS`] hours.
    #[serde(default)]
    pub not_synced_recently: bool,
}

/// A device silent for longer than this is flagged for the lead.
pub const NOT_SYNCED_HOURS: u64 = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerItem {
    pub id: VolunteerId,
    #[serde(default)]
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub devices: Vec<DeviceItem>,
}

/// `GET /api/v1/volunteers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VolunteerList {
    pub volunteers: Vec<VolunteerItem>,
}

/// Who registered with an invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteJoin {
    pub volunteer: VolunteerId,
    #[serde(default)]
    pub volunteer_name: String,
    pub device: DeviceId,
    #[serde(default)]
    pub device_name: String,
    /// When they registered (ms since the epoch).
    #[serde(default)]
    pub joined_at: u64,
}

/// An invite as the lead lists it: never its code (only a hash of the code is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteItem {
    /// The invite's number.
    pub id: i64,
    pub role: Role,
    /// When it was made and when it expires (ms since the epoch).
    #[serde(default)]
    pub created_at: u64,
    #[serde(default)]
    pub expires_at: u64,
    /// How many registrations it allows, and how many it has had.
    #[serde(default)]
    pub max_uses: u32,
    #[serde(default)]
    pub used: u32,
    /// Past its expiry (when the server answered, by its clock).
    #[serde(default)]
    pub expired: bool,
    /// Who registered with it, oldest first (invites made before the server kept this
    /// show nobody).
    #[serde(default)]
    pub joined: Vec<InviteJoin>,
}

/// `GET /api/v1/invites`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct InviteList {
    /// Newest first.
    pub invites: Vec<InviteItem>,
}

/// `POST /api/v1/invites`: make an invite code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub role: Role,
    /// How many devices may register with it (1 to 500).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub uses: u32,
    /// Days until it expires (1 to 90).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 90))]
    pub days: u32,
}

/// The answer of `POST /api/v1/invites`: a new invite code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteResponse {
    /// Show it to the person joining; it is not stored and cannot be shown again.
    pub code: String,
    pub role: Role,
    pub uses: u32,
    /// When it expires (ms since the epoch).
    pub expires_at: u64,
}

/// A call list as the lead sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallListItem {
    pub id: CallListId,
    #[serde(default)]
    pub name: String,
    /// The key of the script callers read, when the list has one.
    #[serde(default)]
    pub script: Option<String>,
    /// People on the list.
    #[serde(default)]
    pub members: u32,
    /// Volunteers calling it now.
    #[serde(default)]
    pub callers: Vec<VolunteerId>,
    #[serde(default)]
    pub created_at: u64,
}

/// `GET /api/v1/call-lists`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CallListList {
    pub call_lists: Vec<CallListItem>,
}

/// The records one volunteer made in a turf no longer assigned to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OldAssignment {
    pub turf: TurfId,
    #[serde(default)]
    pub turf_name: String,
    pub volunteer: VolunteerId,
    #[serde(default)]
    pub volunteer_name: String,
    /// When their (last) assignment to the turf ended (ms since the epoch).
    #[serde(default)]
    pub ended_at: u64,
    /// Events they recorded in the turf (all kept and counted in progress).
    #[serde(default)]
    pub events: u64,
    /// Door knocks among them.
    #[serde(default)]
    pub knocks: u64,
    /// Events that reached the server after the assignment had ended.
    #[serde(default)]
    pub after_end: u64,
    /// The newest event's time (ms since the epoch).
    #[serde(default)]
    pub last_event_at: Option<u64>,
}

/// `GET /api/v1/old-assignments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct OldAssignmentList {
    /// By turf, then volunteer.
    pub records: Vec<OldAssignment>,
}

/// Where a held record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HeldStatus {
    /// Waiting for a lead: in no feed, no figure, no calling round, no do-not-call list.
    Held,
    /// A lead accepted it: stored as an event (flagged stale), its effects applied.
    Accepted,
    /// A lead kept it out.
    Dismissed,
}

/// A record a volunteer pushed after their turf or call list was taken from them, within the
/// grace window, that would change what the campaign shares: a person added at a door, a
/// phone result (which moves the calling rounds) or a do-not-contact. The server holds it
/// out of everything until a lead accepts or dismisses it. No voter's name is in it: the
/// lead's screen shows the address and the kind of record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldRecord {
    pub event: EventId,
    /// `person_added`, `contact` (a phone result) or `do_not_contact`; or another kind about
    /// a person a held record added.
    pub kind: String,
    /// For a phone result: its result code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub volunteer: VolunteerId,
    #[serde(default)]
    pub volunteer_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turf: Option<TurfId>,
    #[serde(default)]
    pub turf_name: String,
    /// The household's street address.
    #[serde(default)]
    pub address: String,
    /// When it was recorded, and when it reached the server (ms since the epoch).
    pub at: u64,
    pub received_at: u64,
    pub status: HeldStatus,
    /// The lead who decided, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<VolunteerId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<u64>,
}

/// `GET /api/v1/held-records`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HeldRecordList {
    /// Held ones first, then decided ones; each by when it reached the server.
    pub records: Vec<HeldRecord>,
}

/// The answer of `POST /api/v1/held-records/{id}/accept` and `.../dismiss`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldDecisionResponse {
    /// The records decided now: the one asked for and, for a person added, the held
    /// records about that person.
    pub decided: Vec<EventId>,
    pub status: HeldStatus,
}

/// A number a volunteer's record put on the campaign's do-not-call list. Only its last four
/// digits are shown: enough for a lead to tell additions apart, no more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoNotCallAddition {
    pub id: i64,
    pub phone_last4: String,
    /// The record that put it there: `do_not_contact`, or `contact` (a "do not call" result).
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volunteer: Option<VolunteerId>,
    #[serde(default)]
    pub volunteer_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceId>,
    /// When it was added (ms since the epoch).
    pub created_at: u64,
    /// When a lead took it back, and who.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_by: Option<VolunteerId>,
}

/// `GET /api/v1/do-not-call`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DoNotCallList {
    /// Newest first.
    pub additions: Vec<DoNotCallAddition>,
}

/// The answer of `POST /api/v1/do-not-call/{id}/undo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoNotCallUndoResponse {
    pub id: i64,
    /// Call-list entries of other voters sharing the number given back to the rounds.
    pub restored: u32,
}

/// `PUT /api/v1/turfs/{id}/assignees`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssigneesRequest {
    /// The volunteers who walk the turf from now on (replaces the current set).
    pub volunteers: Vec<VolunteerId>,
}

/// The answer of `PUT /api/v1/turfs/{id}/assignees`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssigneesResponse {
    pub turf: TurfId,
    pub volunteers: Vec<VolunteerId>,
}

/// The answer of `POST /api/v1/devices/{id}/revoke`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeResponse {
    pub device: DeviceId,
    pub revoked: bool,
}

/// The answer of `POST /api/v1/volunteers/{id}/quarantine` and `.../release`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarantineResponse {
    pub volunteer: VolunteerId,
    /// Whether the volunteer's records are now left out of figures and exports.
    pub quarantined: bool,
    /// Events the volunteer recorded (all kept, whatever the quarantine).
    pub events: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer from an older server (or a cache an older app wrote) lacks the fields
    /// added since; it still reads, with their defaults.
    #[test]
    fn older_answers_read_with_defaults() {
        let progress: Progress = serde_json::from_str(
            r#"{"totals":{"households":3},"by_turf":[{"turf":1,"name":"A"}],
                "by_hour":[{"hour":9,"figures":{"knocks":2}}],"unknown":true}"#,
        )
        .unwrap();
        assert_eq!(progress.totals.households, 3);
        assert_eq!(progress.by_turf[0].support, Support::default());
        assert_eq!(progress.by_hour[0].figures.knocks, 2);
        assert_eq!(progress.by_hour[0].contact_rate, 0.0);
        assert_eq!(progress.time_zone, TimeZone::default());

        let lists: CallListList =
            serde_json::from_str(r#"{"call_lists":[{"id":4,"name":"Seniors","members":9}]}"#)
                .unwrap();
        assert_eq!(lists.call_lists[0].script, None);
        assert_eq!(lists.call_lists[0].created_at, 0);
    }

    #[test]
    fn a_flag_from_a_newer_server_is_kept_as_other() {
        let v: VolunteerProgress =
            serde_json::from_str(r#"{"volunteer":2,"flags":["fast_doors","night_owl"]}"#).unwrap();
        assert_eq!(v.flags, vec![QualityFlag::FastDoors, QualityFlag::Other]);
    }

    #[test]
    fn figures_add_and_take_out() {
        let mut a = Figures {
            knocks: 4,
            contacts: 1,
            ..Figures::default()
        };
        let b = Figures {
            knocks: 6,
            contacts: 4,
            ..Figures::default()
        };
        a.add(&b);
        assert_eq!((a.knocks, a.contacts), (10, 5));
        assert_eq!(a.contact_rate(), 0.5);
        a.sub(&b);
        a.sub(&b);
        assert_eq!((a.knocks, a.contacts), (0, 0));
        assert_eq!(Figures::default().contact_rate(), 0.0);
    }
}
