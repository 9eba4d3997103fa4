//! My network: relational organizing. Every fellow keeps a private list of their own
//! contacts (friends, family, co-workers) and asks them for support — a donation, a pledge
//! to vote, to volunteer — tracking each ask, its answer and its follow-up.
//!
//! These records are PRIVATE to the volunteer who made them. They never enter the
//! campaign's shared event log (so they can never reach another device's pull): they are a
//! separate log of immutable [`NetworkRecord`]s, each with an id made on the device
//! (UUIDv7) and a hybrid logical timestamp, pushed to `/api/v1/network/push` and pulled back
//! only by the same volunteer's devices. Leads see only counts and totals
//! ([`NetworkSummary`]), never a contact's name, phone, email or note.
//!
//! What a contact looks like now, and the volunteer's totals, are a pure fold
//! ([`fold`]) over the records in the shared order ([`NetworkRecord::order_key`]): the
//! latest save or removal of a contact wins, the latest answer to each kind of ask is the
//! answer. The same function runs on the phone and on the server (for the lead's totals).
//!
//! Imports from a phone's address book (vCard 3.0/4.0, CSV) are parsed by pure functions in
//! [`import`], with a report line (line number and reason) for every entry left out.

pub mod import;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::{is_e164, AskAnswer, AskKind, MAX_AMOUNT_CENTS, MAX_NOTE_CHARS};
use crate::hlc::Hlc;
use crate::ids::{CampaignId, VolunteerId};
use crate::protocol::PushOutcome;
use crate::time::{NaiveDate, TimeZone};
use chrono::Datelike;

pub use crate::paths::{NETWORK_PULL_PATH, NETWORK_PUSH_PATH, NETWORK_SUMMARY_PATH};

/// The most records one network push may carry.
pub const MAX_NETWORK_PUSH: usize = 500;
/// The default and largest number of records in one network pull page.
pub const MAX_NETWORK_PULL: u32 = 2000;

pub const MAX_CONTACT_NAME_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;

/// One contact in a volunteer's network: made on the device, never by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct NetworkContactId(pub Uuid);

/// One network record, made on the device that recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct NetworkRecordId(pub Uuid);

crate::ids::sql_value!(NetworkContactId, Uuid);
crate::ids::sql_value!(NetworkRecordId, Uuid);

impl NetworkContactId {
    /// A new time-ordered id (UUIDv7), made on this machine.
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }
}

impl NetworkRecordId {
    /// A new time-ordered id (UUIDv7), made on this machine.
    pub fn new_v7() -> Self {
        Self(Uuid::now_v7())
    }
}

impl std::fmt::Display for NetworkContactId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for NetworkRecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How the volunteer knows the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Friend,
    Family,
    Coworker,
    Neighbor,
    #[default]
    Other,
}

impl Relationship {
    pub const ALL: [Relationship; 5] = [
        Relationship::Friend,
        Relationship::Family,
        Relationship::Coworker,
        Relationship::Neighbor,
        Relationship::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Friend => "friend",
            Relationship::Family => "family",
            Relationship::Coworker => "coworker",
            Relationship::Neighbor => "neighbor",
            Relationship::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Relationship> {
        Relationship::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The three asks, in the order screens show them.
pub const ASK_KINDS: [AskKind; 3] = [AskKind::Donate, AskKind::Volunteer, AskKind::Pledge];

/// One immutable fact about one of my contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkRecord {
    pub id: NetworkRecordId,
    /// When it was recorded, on the recording device's hybrid logical clock.
    pub at: Hlc,
    pub contact: NetworkContactId,
    pub body: NetworkBody,
}

/// What happened. Dates are calendar days (`YYYY-MM-DD` on the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NetworkBody {
    /// The contact as it is now (added, edited or imported): the latest save wins.
    ContactSaved {
        name: String,
        /// E.164 (`+19195550123`), or none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        #[serde(default)]
        relationship: Relationship,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// The volunteer took the contact off their list (a later save brings it back).
    ContactRemoved,
    /// The volunteer means to ask, and when to follow up.
    AskPlanned {
        ask: AskKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        follow_up_on: Option<NaiveDate>,
    },
    /// The contact answered an ask; `amount_promised_cents` goes with a yes to a donation.
    AskAnswered {
        ask: AskKind,
        answer: AskAnswer,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_promised_cents: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        follow_up_on: Option<NaiveDate>,
    },
    /// Money the contact actually gave.
    GiftReceived { amount_cents: u32 },
}

impl NetworkBody {
    /// The short name stored beside the record.
    pub fn kind(&self) -> &'static str {
        match self {
            NetworkBody::ContactSaved { .. } => "contact_saved",
            NetworkBody::ContactRemoved => "contact_removed",
            NetworkBody::AskPlanned { .. } => "ask_planned",
            NetworkBody::AskAnswered { .. } => "ask_answered",
            NetworkBody::GiftReceived { .. } => "gift_received",
        }
    }
}

/// Why a network record is not acceptable. Messages are shown to the volunteer as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    #[error("the record id must be a UUIDv7 made on the device; update the app")]
    IdNotV7,
    #[error("the contact id must be a UUID made on the device; update the app")]
    ContactIdNil,
    #[error("a contact needs a name")]
    NameMissing,
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{0} contains control or invisible formatting characters; remove them")]
    ControlCharacters(&'static str),
    #[error("the phone number must be in international form, like +19195550123")]
    BadPhone,
    #[error("\"{0}\" is not an email address; it should look like name@example.org")]
    BadEmail(String),
    #[error("\"{0}\" is not a date; use the form 2026-11-30")]
    BadDate(String),
    #[error("a promised amount goes only with a yes or maybe to a donation ask")]
    AmountWithoutDonation,
    #[error("the amount is too large: at most $100,000")]
    AmountTooLarge,
    #[error("a gift must be more than $0")]
    AmountZero,
}

fn check_text(
    field: &'static str,
    s: &str,
    max: usize,
    multiline: bool,
) -> Result<(), NetworkError> {
    if s.chars().count() > max {
        return Err(NetworkError::TooLong { field, max });
    }
    if crate::text::has_forbidden(s, multiline) {
        return Err(NetworkError::ControlCharacters(field));
    }
    Ok(())
}

/// A plausible email address: one `@` with something on both sides, a dot in the domain,
/// no spaces. (Deliverability is not knowable offline.)
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.len() >= 3
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

/// Follow-up dates a record may carry: 2000 through 2199 (anything else is a typo).
pub const FOLLOW_UP_YEARS: std::ops::RangeInclusive<i32> = 2000..=2199;

/// A `YYYY-MM-DD` date a volunteer typed, or None when it is not a date in
/// [`FOLLOW_UP_YEARS`].
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // chrono alone also takes "2027-1-5"; a follow-up date is written in full.
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| FOLLOW_UP_YEARS.contains(&d.year()))
}

fn check_date(date: &Option<NaiveDate>) -> Result<(), NetworkError> {
    match date {
        Some(d) if !FOLLOW_UP_YEARS.contains(&d.year()) => {
            Err(NetworkError::BadDate(d.to_string()))
        }
        _ => Ok(()),
    }
}

/// At most 40 characters of a bad value, for a message.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Check a contact's fields (the screens run this before saving, imports per row).
pub fn validate_contact(
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
    note: &str,
) -> Result<(), NetworkError> {
    if name.trim().is_empty() {
        return Err(NetworkError::NameMissing);
    }
    check_text("the name", name, MAX_CONTACT_NAME_CHARS, false)?;
    if let Some(phone) = phone {
        if !is_e164(phone) {
            return Err(NetworkError::BadPhone);
        }
    }
    if let Some(email) = email {
        check_text("the email", email, MAX_EMAIL_CHARS, false)?;
        if !is_email(email) {
            return Err(NetworkError::BadEmail(shorten(email)));
        }
    }
    check_text("the note", note, MAX_NOTE_CHARS, true)
}

impl NetworkRecord {
    /// The total order every fold uses, on every device and on the server: by timestamp,
    /// then by id (the same rule as [`crate::Event::order_key`]).
    pub fn order_key(&self) -> (Hlc, NetworkRecordId) {
        (self.at, self.id)
    }

    /// The one place the rules for a well-formed network record live; the device runs it
    /// before writing, the server again before accepting. Time is judged separately by
    /// [`crate::hlc::check_time`].
    pub fn validate(&self) -> Result<(), NetworkError> {
        if self.id.0.get_version_num() != 7 {
            return Err(NetworkError::IdNotV7);
        }
        if self.contact.0.is_nil() {
            return Err(NetworkError::ContactIdNil);
        }
        match &self.body {
            NetworkBody::ContactSaved {
                name,
                phone,
                email,
                note,
                ..
            } => validate_contact(name, phone.as_deref(), email.as_deref(), note),
            NetworkBody::ContactRemoved => Ok(()),
            NetworkBody::AskPlanned { follow_up_on, .. } => check_date(follow_up_on),
            NetworkBody::AskAnswered {
                ask,
                answer,
                amount_promised_cents,
                follow_up_on,
            } => {
                check_date(follow_up_on)?;
                if let Some(amount) = amount_promised_cents {
                    if *ask != AskKind::Donate || *answer == AskAnswer::No {
                        return Err(NetworkError::AmountWithoutDonation);
                    }
                    if *amount > MAX_AMOUNT_CENTS {
                        return Err(NetworkError::AmountTooLarge);
                    }
                }
                Ok(())
            }
            NetworkBody::GiftReceived { amount_cents } => {
                if *amount_cents == 0 {
                    Err(NetworkError::AmountZero)
                } else if *amount_cents > MAX_AMOUNT_CENTS {
                    Err(NetworkError::AmountTooLarge)
                } else {
                    Ok(())
                }
            }
        }
    }
}

// --- the fold ------------------------------------------------------------------------------

/// Where one kind of ask stands with one contact.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AskState {
    /// Planned (or answered) at least once.
    pub planned: bool,
    /// The latest answer, if they answered.
    pub answer: Option<AskAnswer>,
    /// With a donation yes/maybe: the latest promised amount.
    pub promised_cents: u32,
    /// The follow-up date of the latest plan or answer (cleared by an answer without one,
    /// and for donations by a gift).
    pub follow_up_on: Option<NaiveDate>,
}

/// One contact as it stands after every record about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactState {
    pub id: NetworkContactId,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub relationship: Relationship,
    pub note: String,
    pub removed: bool,
    /// Donate, volunteer, pledge (the order of [`ASK_KINDS`]).
    pub asks: [AskState; 3],
    pub given_cents: u64,
    /// The timestamp of the latest record about the contact.
    pub updated: Hlc,
}

impl ContactState {
    pub fn ask(&self, kind: AskKind) -> &AskState {
        &self.asks[ask_index(kind)]
    }
}

pub fn ask_index(kind: AskKind) -> usize {
    match kind {
        AskKind::Donate => 0,
        AskKind::Volunteer => 1,
        AskKind::Pledge => 2,
    }
}

/// Yes / no / maybe counts for one kind of ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerCounts {
    pub yes: u32,
    pub no: u32,
    pub maybe: u32,
}

impl AnswerCounts {
    pub fn total(&self) -> u32 {
        self.yes + self.no + self.maybe
    }
    fn add(&mut self, answer: AskAnswer) {
        match answer {
            AskAnswer::Yes => self.yes += 1,
            AskAnswer::No => self.no += 1,
            AskAnswer::Maybe => self.maybe += 1,
        }
    }
    fn merge(&mut self, other: &AnswerCounts) {
        self.yes += other.yes;
        self.no += other.no;
        self.maybe += other.maybe;
    }
}

/// A volunteer's progress: counts and money only, never who. What the device shows as "my
/// totals" and what a lead sees per volunteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkTotals {
    /// Contacts on the list (removed ones left out).
    pub contacts: u32,
    /// Asks answered: one per contact and kind of ask that has an answer.
    pub asks_made: u32,
    /// Asks planned and not answered yet.
    pub asks_planned: u32,
    pub donate: AnswerCounts,
    pub volunteer: AnswerCounts,
    pub pledge: AnswerCounts,
    /// Promised with a donation yes.
    pub promised_cents: u64,
    pub given_cents: u64,
    /// Follow-ups on or before today.
    pub follow_ups_due: u32,
}

impl NetworkTotals {
    pub fn answers(&self, kind: AskKind) -> &AnswerCounts {
        match kind {
            AskKind::Donate => &self.donate,
            AskKind::Volunteer => &self.volunteer,
            AskKind::Pledge => &self.pledge,
        }
    }
    fn answers_mut(&mut self, kind: AskKind) -> &mut AnswerCounts {
        match kind {
            AskKind::Donate => &mut self.donate,
            AskKind::Volunteer => &mut self.volunteer,
            AskKind::Pledge => &mut self.pledge,
        }
    }
    /// Yes, no and maybe over every kind.
    pub fn all_answers(&self) -> AnswerCounts {
        let mut all = self.donate;
        all.merge(&self.volunteer);
        all.merge(&self.pledge);
        all
    }
    /// Add another volunteer's totals (for the campaign's line).
    pub fn merge(&mut self, other: &NetworkTotals) {
        self.contacts += other.contacts;
        self.asks_made += other.asks_made;
        self.asks_planned += other.asks_planned;
        self.donate.merge(&other.donate);
        self.volunteer.merge(&other.volunteer);
        self.pledge.merge(&other.pledge);
        self.promised_cents += other.promised_cents;
        self.given_cents += other.given_cents;
        self.follow_ups_due += other.follow_ups_due;
    }
}

/// A follow-up on or before a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub contact: NetworkContactId,
    pub name: String,
    pub ask: AskKind,
    pub on: NaiveDate,
}

/// The fold's result: every contact (removed ones included, flagged), by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkState {
    pub contacts: Vec<ContactState>,
}

impl NetworkState {
    pub fn contact(&self, id: NetworkContactId) -> Option<&ContactState> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// Contacts on the list (not removed), by name.
    pub fn active(&self) -> impl Iterator<Item = &ContactState> {
        self.contacts.iter().filter(|c| !c.removed)
    }

    /// Counts and money over the contacts on the list; follow-ups due on or before `today`
    /// (`YYYY-MM-DD`).
    pub fn totals(&self, today: NaiveDate) -> NetworkTotals {
        let mut t = NetworkTotals::default();
        for c in self.active() {
            t.contacts += 1;
            t.given_cents += c.given_cents;
            for kind in ASK_KINDS {
                let ask = c.ask(kind);
                match ask.answer {
                    Some(answer) => {
                        t.asks_made += 1;
                        t.answers_mut(kind).add(answer);
                        if answer == AskAnswer::Yes {
                            t.promised_cents += u64::from(ask.promised_cents);
                        }
                    }
                    None if ask.planned => t.asks_planned += 1,
                    None => {}
                }
                if ask.follow_up_on.is_some_and(|d| d <= today) {
                    t.follow_ups_due += 1;
                }
            }
        }
        t
    }

    /// Follow-ups on or before `today`, oldest first (then by name).
    pub fn follow_ups_due(&self, today: NaiveDate) -> Vec<FollowUp> {
        let mut due: Vec<FollowUp> = self
            .active()
            .flat_map(|c| {
                ASK_KINDS.into_iter().filter_map(move |kind| {
                    let on = c.ask(kind).follow_up_on?;
                    (on <= today).then(|| FollowUp {
                        contact: c.id,
                        name: c.name.clone(),
                        ask: kind,
                        on,
                    })
                })
            })
            .collect();
        due.sort_by(|a, b| (&a.on, &a.name).cmp(&(&b.on, &b.name)));
        due
    }
}

/// Fold records (in any order: they are sorted by [`NetworkRecord::order_key`] here) into
/// each contact's current state. Records about a contact that was never saved are kept
/// aside until a save arrives (a second device may have pulled the asks first); a contact
/// with no save at all is left out.
pub fn fold(records: &[NetworkRecord]) -> NetworkState {
    let mut sorted: Vec<&NetworkRecord> = records.iter().collect();
    sorted.sort_by_key(|r| r.order_key());
    let mut by_id: BTreeMap<NetworkContactId, (ContactState, bool)> = BTreeMap::new();
    for r in sorted {
        let (c, saved) = by_id.entry(r.contact).or_insert_with(|| {
            (
                ContactState {
                    id: r.contact,
                    name: String::new(),
                    phone: None,
                    email: None,
                    relationship: Relationship::Other,
                    note: String::new(),
                    removed: false,
                    asks: Default::default(),
                    given_cents: 0,
                    updated: r.at,
                },
                false,
            )
        });
        c.updated = r.at;
        match &r.body {
            NetworkBody::ContactSaved {
                name,
                phone,
                email,
                relationship,
                note,
            } => {
                *saved = true;
                c.name = name.trim().to_owned();
                c.phone = phone.clone();
                c.email = email.clone();
                c.relationship = *relationship;
                c.note = note.clone();
                c.removed = false;
            }
            NetworkBody::ContactRemoved => c.removed = true,
            NetworkBody::AskPlanned { ask, follow_up_on } => {
                let a = &mut c.asks[ask_index(*ask)];
                a.planned = true;
                a.follow_up_on = *follow_up_on;
            }
            NetworkBody::AskAnswered {
                ask,
                answer,
                amount_promised_cents,
                follow_up_on,
            } => {
                let a = &mut c.asks[ask_index(*ask)];
                a.planned = true;
                a.answer = Some(*answer);
                a.promised_cents = if *answer == AskAnswer::No {
                    0
                } else {
                    amount_promised_cents.unwrap_or(0)
                };
                a.follow_up_on = *follow_up_on;
            }
            NetworkBody::GiftReceived { amount_cents } => {
                c.given_cents += u64::from(*amount_cents);
                c.asks[ask_index(AskKind::Donate)].follow_up_on = None;
            }
        }
    }
    let mut contacts: Vec<ContactState> = by_id
        .into_values()
        .filter_map(|(c, saved)| saved.then_some(c))
        .collect();
    contacts.sort_by_key(|c| (c.name.to_lowercase(), c.id));
    NetworkState { contacts }
}

// --- the wire ------------------------------------------------------------------------------

/// Network records from a device's network outbox, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkPushRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))] // PROTOCOL_VERSION
    pub protocol: u32,
    pub records: Vec<NetworkRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkPushResponse {
    /// One outcome per pushed record, in the request's order.
    pub results: Vec<PushOutcome>,
    pub server_time: Hlc,
}

/// Everything of my own volunteer's network above `cursor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkPullRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))] // PROTOCOL_VERSION
    pub protocol: u32,
    /// The last network sequence number this device holds (0: nothing yet).
    pub cursor: u64,
    /// Records per response, at most [`MAX_NETWORK_PULL`].
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 2000))] // MAX_NETWORK_PULL
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkPullResponse {
    /// Records as the server holds them (its timestamp wins where it clamped a skewed
    /// clock), in sequence order.
    pub records: Vec<NetworkRecord>,
    /// The new cursor once these are applied.
    pub cursor: u64,
    /// True when more records wait above `cursor`: pull again.
    pub has_more: bool,
    pub server_time: Hlc,
}

/// One volunteer's network totals, for their lead: counts and money only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VolunteerNetworkTotals {
    pub volunteer: VolunteerId,
    pub totals: NetworkTotals,
}

/// `GET /api/v1/network/summary`: the campaign's relational organizing, in aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkSummary {
    pub campaign: CampaignId,
    /// The day follow-ups are counted as due against: today in the campaign's time zone.
    pub today: NaiveDate,
    /// The campaign's time zone.
    pub time_zone: TimeZone,
    /// Every volunteer with any network record, by id.
    pub volunteers: Vec<VolunteerNetworkTotals>,
    /// The sum of the volunteers' lines.
    pub totals: NetworkTotals,
}

#[cfg(test)]
mod tests;
