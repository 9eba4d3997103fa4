//! The field lead's progress figures and data-quality flags, computed from the campaign's
//! events and kept up to date incrementally.
//!
//! **Definitions.** A *door* is a household placed in one of the campaign's turfs (its
//! current turf; households not in a turf are in no door total). A *knock* is a contact
//! event on the door channel (every attempt counts: two canvassers at one door, or one
//! canvasser twice, are two knocks). A door is *knocked* when it has at least one knock.
//! A *contact* is a knock whose result code has the effect `contacted` in the campaign's
//! current codes ("talked" by default; codes the campaign no longer has count as "try
//! again", as in `core::fold::door_status`). The *contact rate* is contacts / knocks (0
//! with no knocks). Phone calls are counted apart (`calls`, `call_contacts`, same rule).
//! *Pledges* are pledge events plus pledge asks answered yes; *volunteer yes* and *donate
//! yes* are asks of that kind answered yes (`donate_cents` sums their promised amounts).
//! *Support* is the distribution of each person's latest answer (by `Event::order_key`, as
//! `core::fold::latest_answer`) to the support question, 1 (strong supporter) to 5. Every
//! figure is over events as stored: `at` is the server's time (clamped when the device
//! clock ran ahead). Turf rows attribute an event to its household's current turf; hours
//! and days are in the campaign's time zone (or one the caller names), through chrono-tz,
//! so a day that springs forward has 23 hours and the repeated hour of a fall-back night
//! counts both of its halves in one hour.
//!
//! **Quarantine.** Events of quarantined volunteers are left out of every campaign figure
//! (totals, turfs, hours, days, support); their own row in `by_volunteer` still shows
//! what they recorded, marked `quarantined`, so the lead can judge them.
//!
//! **Data quality.** Per volunteer, two flags with named thresholds: a door contact rate
//! above [`HIGH_CONTACT_RATE`] over at least [`MIN_KNOCKS_FOR_RATE`] knocks (the field's
//! usual rate is 10–30%), and a median gap between consecutive knocks below
//! [`FAST_KNOCK_GAP_MS`] over at least [`MIN_KNOCKS_FOR_PACE`] knocks (normal is 2–4
//! minutes).
//!
//! **Why a cache.** A full recomputation reads and parses every event (about 1.5 s for a
//! million on this machine), far over the 200 ms a request may take. Instead of touching
//! the push path, each campaign keeps an in-memory accumulator of per-household,
//! per-volunteer, per-15-minute and per-person state, built once and then advanced to the
//! newest `seq` at each request (events are append-only and `seq` only grows). It is
//! rebuilt from scratch when what it was built under changes: the campaign's result codes,
//! or the events below its cursor (walk-order recomputation moves a household's events to
//! new `seq`s, which shows as fewer events at or below the cursor). Rebuilds are rare and
//! cost one full read. A quarantine or a release is not a rebuild: it takes that one
//! volunteer's events out of the household and time-slot sums (or puts them back), read
//! through `events_volunteer_seq`; support answers are kept per person *and* volunteer, so
//! the report picks each person's latest answer among volunteers not quarantined. The
//! server warms every campaign's accumulator when it starts ([`SqliteStore::warm_progress`]),
//! so the first request after a restart does not pay for the full read. The cache is a
//! field of the `SqliteStore` that owns the database, one accumulator per campaign.
//!
//! **Both backends.** The rules (the accumulator, its invalidation and the report) are
//! plain code over [`ProgressRows`], the few reads they need from one snapshot;
//! [`Cache::progress`] runs them. This module's `SqliteRows` reads them from SQLite and
//! `store::postgres::lead` from PostgreSQL, so the figures are the same on both. Every
//! check above is against the snapshot's rows (result codes, the quarantined set, and the
//! events at or below the cursor: counted here, or a renumbering mark the database keeps
//! on PostgreSQL, see [`FeedCheck`]), never against what this process did, so a cache is
//! also right when other processes write the same database (PostgreSQL replicas).
//!
//! The report types derive `serde` and `utoipa` schemas so the route returns them as they
//! are; nothing here knows HTTP.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use groundgame_core::domain::SUPPORT_QUESTION;
use groundgame_core::event::{AskAnswer, AskKind, Channel};
use groundgame_core::time::{NaiveDate, TimeZone};
use groundgame_core::{
    CampaignId, EventBody, EventId, Hlc, HouseholdId, PersonId, ResultEffect, TurfId, VolunteerId,
};
use rusqlite::{Connection, Row};

pub use groundgame_core::protocol::lead::{
    DayProgress, Figures, HourProgress, Progress, QualityFlag, Support, Totals, TurfProgress,
    VolunteerProgress,
};

use super::{campaigns, quarantine, SqliteStore, StoreError};

/// A volunteer's door contact rate above this is implausible (usual: 0.10–0.30)...
pub const HIGH_CONTACT_RATE: f64 = 0.60;
/// ...once they have at least this many knocks.
pub const MIN_KNOCKS_FOR_RATE: u64 = 20;
/// A median gap between consecutive knocks below this is implausible (usual: 2–4 min)...
pub const FAST_KNOCK_GAP_MS: u64 = 20_000;
/// ...once they have at least this many knocks.
pub const MIN_KNOCKS_FOR_PACE: u64 = 10;
/// The finest time slot kept. Every zone's offset from UTC (since 1970) is a whole number
/// of quarter hours, so a slot never straddles two local hours or days.
pub const SLOT_MS: i64 = 15 * 60_000;

/// One volunteer's running state.
#[derive(Debug, Default)]
struct VolunteerState {
    figures: Figures,
    /// Times of their knocks (ms), sorted when `sorted`.
    knock_times: Vec<u64>,
    sorted: bool,
}

/// What the cache was built under; a change means a rebuild.
#[derive(Debug, Default, PartialEq)]
struct Basis {
    effects: Vec<(String, ResultEffect)>,
}

/// A 15-minute slot: how many counted events fell in it, and their figures.
#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    events: u64,
    figures: Figures,
}

/// One volunteer's latest answer to the support question for one person.
#[derive(Debug, Clone, Copy)]
struct SupportAnswer {
    key: (Hlc, EventId),
    answer: u8,
    household: HouseholdId,
    volunteer: VolunteerId,
}

/// The running state of one campaign's figures, up to `cursor`.
#[derive(Debug, Default)]
struct Accumulator {
    basis: Basis,
    /// The volunteers whose events the household and slot sums leave out, sorted.
    quarantined: Vec<VolunteerId>,
    /// The highest `seq` folded in.
    cursor: i64,
    /// The backend's renumbering mark the folded events were read under (see
    /// [`FeedCheck::Mark`]); none on a backend that counts instead.
    renumbered: Option<i64>,
    /// Campaign events at or below the cursor (quarantined ones too).
    events: u64,
    quarantined_events: u64,
    effects: HashMap<String, ResultEffect>,
    households: HashMap<HouseholdId, Figures>,
    volunteers: BTreeMap<VolunteerId, VolunteerState>,
    slots: BTreeMap<i64, Slot>,
    /// Each person's latest support answer from each volunteer who asked (quarantined
    /// ones too: the report chooses among the others).
    support: HashMap<PersonId, Vec<SupportAnswer>>,
}

/// One event as the accumulator needs it.
pub(crate) struct FoldEvent {
    pub(crate) id: EventId,
    pub(crate) at: Hlc,
    pub(crate) household: HouseholdId,
    pub(crate) person: Option<PersonId>,
    pub(crate) volunteer: VolunteerId,
    pub(crate) body: EventBody,
}

/// How a backend shows that folded events were renumbered (walk-order recomputation moves
/// a household's events to new `seq`s), which would fold them twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeedCheck {
    /// How many of the campaign's events have `seq <= upto`: fewer than were folded means
    /// some moved.
    Count(u64),
    /// A mark the database changes in every transaction that renumbers, changes or deletes
    /// the campaign's events: a different mark means a rebuild, and no count is needed.
    Mark(i64),
}

/// What the figures read from a backend, all inside one read snapshot. Each backend
/// implements it over its own SQL; the rules that use it are written once, here.
pub(crate) trait ProgressRows {
    /// The campaign's time zone.
    fn time_zone(&mut self, campaign: CampaignId) -> Result<TimeZone, StoreError>;
    /// The campaign's result codes with their effects, as configured now.
    fn result_effects(
        &mut self,
        campaign: CampaignId,
    ) -> Result<Vec<(String, ResultEffect)>, StoreError>;
    /// The campaign's volunteers under quarantine now.
    fn quarantined(&mut self, campaign: CampaignId) -> Result<Vec<VolunteerId>, StoreError>;
    /// What shows whether events the accumulator folded (`seq <= upto`) have since been
    /// given new feed numbers.
    fn feed_check(&mut self, campaign: CampaignId, upto: i64) -> Result<FeedCheck, StoreError>;
    /// Each of the campaign's events with `seq > after`, in `seq` order, with its `seq`.
    fn events_after(
        &mut self,
        campaign: CampaignId,
        after: i64,
        each: &mut dyn FnMut(i64, FoldEvent),
    ) -> Result<(), StoreError>;
    /// Each event of one volunteer with `seq <= upto`: its time, household and body.
    fn volunteer_events(
        &mut self,
        volunteer: VolunteerId,
        upto: i64,
        each: &mut dyn FnMut(Hlc, HouseholdId, &EventBody),
    ) -> Result<(), StoreError>;
    /// Each household of the campaign in a turf, with its turf.
    fn placed_households(
        &mut self,
        campaign: CampaignId,
    ) -> Result<HashMap<HouseholdId, TurfId>, StoreError>;
    /// The campaign's turfs, by id.
    fn turf_names(&mut self, campaign: CampaignId) -> Result<Vec<(TurfId, String)>, StoreError>;
    fn volunteer_names(
        &mut self,
        campaign: CampaignId,
    ) -> Result<HashMap<VolunteerId, String>, StoreError>;
}

impl Accumulator {
    fn new(basis: Basis, quarantined: Vec<VolunteerId>) -> Self {
        let effects = basis.effects.iter().cloned().collect();
        Accumulator {
            basis,
            quarantined,
            effects,
            ..Accumulator::default()
        }
    }

    fn talked(&self, result: &str) -> bool {
        self.effects.get(result) == Some(&ResultEffect::Contacted)
    }

    fn is_quarantined(&self, volunteer: &VolunteerId) -> bool {
        self.quarantined.binary_search(volunteer).is_ok()
    }

    /// What one event adds to the additive figures.
    fn figures_of(&self, body: &EventBody) -> Figures {
        let mut f = Figures::default();
        match body {
            EventBody::Contact {
                channel, result, ..
            } => {
                let talked = u64::from(self.talked(result));
                match channel {
                    Channel::Door => {
                        f.knocks = 1;
                        f.contacts = talked;
                    }
                    Channel::Phone => {
                        f.calls = 1;
                        f.call_contacts = talked;
                    }
                }
            }
            EventBody::Pledge { .. } => f.pledges = 1,
            EventBody::Ask {
                ask,
                answer: AskAnswer::Yes,
                amount_cents,
                ..
            } => match ask {
                AskKind::Pledge => f.pledges = 1,
                AskKind::Volunteer => f.volunteer_yes = 1,
                AskKind::Donate => {
                    f.donate_yes = 1;
                    f.donate_cents = u64::from(amount_cents.unwrap_or(0));
                }
            },
            _ => {}
        }
        f
    }

    /// Count an event in (or, with `add` false, out of) the household and slot sums.
    fn count(&mut self, household: HouseholdId, at: Hlc, f: &Figures, add: bool) {
        let slot = (at.ms() as i64).div_euclid(SLOT_MS);
        if add {
            self.households.entry(household).or_default().add(f);
            let s = self.slots.entry(slot).or_default();
            s.events += 1;
            s.figures.add(f);
            return;
        }
        if let Some(h) = self.households.get_mut(&household) {
            h.sub(f);
        }
        if let Some(s) = self.slots.get_mut(&slot) {
            s.events = s.events.saturating_sub(1);
            s.figures.sub(f);
            if s.events == 0 {
                self.slots.remove(&slot);
            }
        }
    }

    fn fold(&mut self, e: &FoldEvent) {
        let f = self.figures_of(&e.body);
        self.events += 1;
        let v = self.volunteers.entry(e.volunteer).or_default();
        v.figures.add(&f);
        if f.knocks == 1 {
            if v.knock_times.last().is_some_and(|last| *last > e.at.ms()) {
                v.sorted = false;
            }
            v.knock_times.push(e.at.ms());
        }
        if let (
            EventBody::Survey {
                question, answer, ..
            },
            Some(person),
        ) = (&e.body, e.person)
        {
            let value = match answer.as_str() {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                "5" => 5,
                _ => 0,
            };
            if question == SUPPORT_QUESTION && value > 0 {
                let answer = SupportAnswer {
                    key: (e.at, e.id),
                    answer: value,
                    household: e.household,
                    volunteer: e.volunteer,
                };
                let answers = self.support.entry(person).or_default();
                match answers.iter_mut().find(|a| a.volunteer == e.volunteer) {
                    Some(a) if a.key < answer.key => *a = answer,
                    Some(_) => {}
                    None => answers.push(answer),
                }
            }
        }
        if self.is_quarantined(&e.volunteer) {
            self.quarantined_events += 1;
        } else {
            self.count(e.household, e.at, &f, true);
        }
    }

    /// Change the quarantined set without a rebuild: the events (up to the cursor) of each
    /// volunteer who came in are taken out of the sums, and those of each who left put back.
    fn set_quarantined(
        &mut self,
        rows: &mut dyn ProgressRows,
        quarantined: Vec<VolunteerId>,
    ) -> Result<(), StoreError> {
        if quarantined == self.quarantined {
            return Ok(());
        }
        let old = std::mem::replace(&mut self.quarantined, quarantined);
        let came: Vec<VolunteerId> = self
            .quarantined
            .iter()
            .filter(|v| old.binary_search(v).is_err())
            .copied()
            .collect();
        let left: Vec<VolunteerId> = old
            .iter()
            .filter(|v| !self.is_quarantined(v))
            .copied()
            .collect();
        let cursor = self.cursor;
        for (volunteers, add) in [(came, false), (left, true)] {
            for volunteer in volunteers {
                rows.volunteer_events(volunteer, cursor, &mut |at, household, body| {
                    let f = self.figures_of(body);
                    self.count(household, at, &f, add);
                    if add {
                        self.quarantined_events = self.quarantined_events.saturating_sub(1);
                    } else {
                        self.quarantined_events += 1;
                    }
                })?;
            }
        }
        Ok(())
    }
}

/// Each campaign's running totals, kept by the store that owns the database.
#[derive(Default)]
pub(crate) struct Cache(Mutex<HashMap<CampaignId, Arc<Mutex<Accumulator>>>>);

/// The fold a backend's read snapshot is handed: it reads what it needs through the rows.
/// `Send`, so a backend may run its snapshot on another thread.
pub(crate) type Fold<'a> =
    dyn FnMut(&mut dyn ProgressRows) -> Result<Progress, StoreError> + Send + 'a;

impl Cache {
    /// The campaign's progress figures now, hours and days in `zone` (the campaign's own
    /// when `None`). Holds the campaign's
    /// accumulator for the whole request (one request at a time per campaign) and calls
    /// `snapshot`, which opens one read snapshot and runs the fold it is given over its
    /// rows. On any error the accumulator is dropped, since it may be half-adjusted, and
    /// the next request rebuilds it.
    pub(crate) fn progress(
        &self,
        campaign: CampaignId,
        zone: Option<TimeZone>,
        snapshot: impl FnOnce(&mut Fold<'_>) -> Result<Progress, StoreError>,
    ) -> Result<Progress, StoreError> {
        let entry = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(campaign)
            .or_default()
            .clone();
        // A panic while folding leaves a half-updated accumulator: start it over.
        let mut acc = match entry.lock() {
            Ok(guard) => guard,
            Err(poisoned) => {
                let mut guard = poisoned.into_inner();
                *guard = Accumulator::default();
                guard
            }
        };
        let state: &mut Accumulator = &mut acc;
        let out = snapshot(&mut |rows| figures(state, rows, campaign, zone));
        if out.is_err() {
            *acc = Accumulator::default();
        }
        out
    }
}

/// Bring the accumulator up to the snapshot `rows` reads from and shape the report.
fn figures(
    acc: &mut Accumulator,
    rows: &mut dyn ProgressRows,
    campaign: CampaignId,
    zone: Option<TimeZone>,
) -> Result<Progress, StoreError> {
    let zone = match zone {
        Some(zone) => zone,
        None => rows.time_zone(campaign)?,
    };
    let basis = Basis {
        effects: rows.result_effects(campaign)?,
    };
    let mut quarantined = rows.quarantined(campaign)?;
    quarantined.sort_unstable();
    let check = rows.feed_check(campaign, acc.cursor)?;
    let moved = acc.cursor > 0
        && match check {
            FeedCheck::Count(n) => n != acc.events,
            FeedCheck::Mark(mark) => acc.renumbered != Some(mark),
        };
    if acc.basis != basis || moved {
        *acc = Accumulator::new(basis, quarantined);
    } else {
        acc.set_quarantined(rows, quarantined)?;
    }
    if let FeedCheck::Mark(mark) = check {
        acc.renumbered = Some(mark);
    }
    rows.events_after(campaign, acc.cursor, &mut |seq, event| {
        acc.fold(&event);
        acc.cursor = seq;
    })?;
    let placed = rows.placed_households(campaign)?;
    let turfs = rows.turf_names(campaign)?;
    let names = rows.volunteer_names(campaign)?;
    Ok(report(acc, &placed, turfs, &names, zone))
}

/// [`ProgressRows`] from one SQLite read transaction.
struct SqliteRows<'a>(&'a Connection);

fn parse_body(v: rusqlite::types::ValueRef<'_>) -> Result<EventBody, StoreError> {
    serde_json::from_str(v.as_str().map_err(rusqlite::Error::from)?)
        .map_err(|e| StoreError::Corrupt(format!("event body: {e}")))
}

fn read_row(r: &Row<'_>) -> Result<(i64, FoldEvent), StoreError> {
    let body = parse_body(r.get_ref(6)?)?;
    let person: Option<PersonId> = r.get(4)?;
    Ok((
        r.get(0)?,
        FoldEvent {
            id: r.get(1)?,
            at: Hlc(r.get::<_, i64>(2)? as u64),
            household: HouseholdId(r.get(3)?),
            person,
            volunteer: VolunteerId(r.get(5)?),
            body,
        },
    ))
}

impl ProgressRows for SqliteRows<'_> {
    fn time_zone(&mut self, campaign: CampaignId) -> Result<TimeZone, StoreError> {
        campaigns::time_zone(self.0, campaign)
    }

    fn result_effects(
        &mut self,
        campaign: CampaignId,
    ) -> Result<Vec<(String, ResultEffect)>, StoreError> {
        Ok(campaigns::config(self.0, campaign)?
            .result_codes
            .iter()
            .map(|c| (c.key.clone(), c.effect))
            .collect())
    }

    fn quarantined(&mut self, campaign: CampaignId) -> Result<Vec<VolunteerId>, StoreError> {
        quarantine::active(self.0, campaign)
    }

    fn feed_check(&mut self, campaign: CampaignId, upto: i64) -> Result<FeedCheck, StoreError> {
        Ok(FeedCheck::Count(
            self.0
                .prepare_cached("SELECT COUNT(*) FROM events WHERE campaign_id = ?1 AND seq <= ?2")?
                .query_row(rusqlite::params![campaign.0, upto], |r| r.get(0))?,
        ))
    }

    fn events_after(
        &mut self,
        campaign: CampaignId,
        after: i64,
        each: &mut dyn FnMut(i64, FoldEvent),
    ) -> Result<(), StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT seq, id, at, household_id, person_id, volunteer_id, body FROM events
             WHERE campaign_id = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let mut rows = stmt.query(rusqlite::params![campaign.0, after])?;
        while let Some(r) = rows.next()? {
            let (seq, event) = read_row(r)?;
            each(seq, event);
        }
        Ok(())
    }

    fn volunteer_events(
        &mut self,
        volunteer: VolunteerId,
        upto: i64,
        each: &mut dyn FnMut(Hlc, HouseholdId, &EventBody),
    ) -> Result<(), StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT at, household_id, body FROM events WHERE volunteer_id = ?1 AND seq <= ?2",
        )?;
        let mut rows = stmt.query(rusqlite::params![volunteer.0, upto])?;
        while let Some(r) = rows.next()? {
            let at = Hlc(r.get::<_, i64>(0)? as u64);
            let household = HouseholdId(r.get(1)?);
            let body = parse_body(r.get_ref(2)?)?;
            each(at, household, &body);
        }
        Ok(())
    }

    fn placed_households(
        &mut self,
        campaign: CampaignId,
    ) -> Result<HashMap<HouseholdId, TurfId>, StoreError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT h.id, h.turf_id FROM turfs t JOIN households h ON h.turf_id = t.id
             WHERE t.campaign_id = ?1",
        )?;
        let map = stmt
            .query_map([campaign.0], |r| {
                Ok((HouseholdId(r.get(0)?), TurfId(r.get(1)?)))
            })?
            .collect::<Result<_, _>>()?;
        Ok(map)
    }

    fn turf_names(&mut self, campaign: CampaignId) -> Result<Vec<(TurfId, String)>, StoreError> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT id, name FROM turfs WHERE campaign_id = ?1 ORDER BY id")?;
        let turfs = stmt
            .query_map([campaign.0], |r| Ok((TurfId(r.get(0)?), r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(turfs)
    }

    fn volunteer_names(
        &mut self,
        campaign: CampaignId,
    ) -> Result<HashMap<VolunteerId, String>, StoreError> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT id, name FROM volunteers WHERE campaign_id = ?1")?;
        let names = stmt
            .query_map([campaign.0], |r| Ok((VolunteerId(r.get(0)?), r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(names)
    }
}

/// The median of the gaps between consecutive sorted times (the upper median for an even
/// count); none under two times.
pub fn median_gap(sorted_times: &[u64]) -> Option<u64> {
    let mut gaps: Vec<u64> = sorted_times.windows(2).map(|w| w[1] - w[0]).collect();
    if gaps.is_empty() {
        return None;
    }
    let mid = gaps.len() / 2;
    Some(*gaps.select_nth_unstable(mid).1)
}

/// The data-quality flags for a volunteer's door figures and median knock gap.
pub fn quality_flags(figures: &Figures, median_gap_ms: Option<u64>) -> Vec<QualityFlag> {
    let mut flags = Vec::new();
    if figures.knocks >= MIN_KNOCKS_FOR_RATE && figures.contact_rate() > HIGH_CONTACT_RATE {
        flags.push(QualityFlag::HighContactRate);
    }
    if figures.knocks >= MIN_KNOCKS_FOR_PACE && median_gap_ms.is_some_and(|g| g < FAST_KNOCK_GAP_MS)
    {
        flags.push(QualityFlag::FastDoors);
    }
    flags
}

/// Shape the report from the accumulator and the campaign's current turfs and people.
fn report(
    acc: &mut Accumulator,
    placed: &HashMap<HouseholdId, TurfId>,
    turfs: Vec<(TurfId, String)>,
    names: &HashMap<VolunteerId, String>,
    zone: TimeZone,
) -> Progress {
    let mut by_turf: BTreeMap<TurfId, TurfProgress> = turfs
        .into_iter()
        .map(|(turf, name)| {
            (
                turf,
                TurfProgress {
                    turf,
                    name,
                    households: 0,
                    doors_knocked: 0,
                    figures: Figures::default(),
                    contact_rate: 0.0,
                    support: Support::default(),
                },
            )
        })
        .collect();
    for turf in placed.values() {
        if let Some(t) = by_turf.get_mut(turf) {
            t.households += 1;
        }
    }
    let mut totals = Totals {
        households: placed.len() as u64,
        doors_knocked: 0,
        figures: Figures::default(),
        contact_rate: 0.0,
        support: Support::default(),
    };
    for (household, f) in &acc.households {
        totals.figures.add(f);
        let Some(t) = placed.get(household).and_then(|t| by_turf.get_mut(t)) else {
            continue;
        };
        t.figures.add(f);
        if f.knocks > 0 {
            t.doors_knocked += 1;
            totals.doors_knocked += 1;
        }
    }
    for answers in acc.support.values() {
        let latest = answers
            .iter()
            .filter(|a| !acc.is_quarantined(&a.volunteer))
            .max_by_key(|a| a.key);
        let Some(a) = latest else { continue };
        totals.support.count(a.answer);
        if let Some(t) = placed.get(&a.household).and_then(|t| by_turf.get_mut(t)) {
            t.support.count(a.answer);
        }
    }
    totals.contact_rate = totals.figures.contact_rate();
    let by_turf: Vec<TurfProgress> = by_turf
        .into_values()
        .map(|mut t| {
            t.contact_rate = t.figures.contact_rate();
            t
        })
        .collect();

    let by_volunteer = acc
        .volunteers
        .iter_mut()
        .map(|(id, v)| {
            if !v.sorted {
                v.knock_times.sort_unstable();
                v.sorted = true;
            }
            let gap = median_gap(&v.knock_times);
            VolunteerProgress {
                volunteer: *id,
                name: names.get(id).cloned().unwrap_or_default(),
                quarantined: acc.quarantined.binary_search(id).is_ok(),
                figures: v.figures,
                contact_rate: v.figures.contact_rate(),
                median_knock_gap_ms: gap,
                flags: quality_flags(&v.figures, gap),
            }
        })
        .collect();

    let mut hours = [Figures::default(); 24];
    let mut days: BTreeMap<NaiveDate, Figures> = BTreeMap::new();
    for (slot, Slot { figures: f, .. }) in &acc.slots {
        let start = u64::try_from(slot * SLOT_MS).unwrap_or(0);
        hours[usize::from(zone.hour_of(start))].add(f);
        days.entry(zone.date_of(start)).or_default().add(f);
    }
    let by_hour = hours
        .iter()
        .enumerate()
        .map(|(hour, f)| HourProgress {
            hour: hour as u8,
            figures: *f,
            contact_rate: f.contact_rate(),
        })
        .collect();
    let by_day = days
        .iter()
        .map(|(day, f)| DayProgress {
            date: *day,
            figures: *f,
            contact_rate: f.contact_rate(),
        })
        .collect();
    Progress {
        time_zone: zone,
        totals,
        by_turf,
        by_volunteer,
        by_hour,
        by_day,
        quarantined_events: acc.quarantined_events,
    }
}

impl SqliteStore {
    /// The campaign's progress figures now, hours and days in `zone` (the campaign's own
    /// when `None`).
    pub fn progress(
        &self,
        campaign: CampaignId,
        zone: Option<TimeZone>,
    ) -> Result<Progress, StoreError> {
        self.progress_cache.progress(campaign, zone, |fold| {
            self.read(|tx| fold(&mut SqliteRows(tx)))
        })
    }

    /// Build every campaign's progress accumulator now (one full read of its events), so
    /// the lead's first request after the server starts is as fast as the ones after it.
    /// Returns how many campaigns were warmed; a campaign that fails is skipped (its first
    /// request rebuilds it and reports the error).
    pub fn warm_progress(&self) -> usize {
        let Ok(campaigns) = self.campaigns() else {
            return 0;
        };
        campaigns
            .iter()
            .filter(|(id, _)| self.progress(*id, None).is_ok())
            .count()
    }
}
