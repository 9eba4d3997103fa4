//! Accepting pushed events. One write transaction per push; per event, in order: a replay
//! of a stored event is `duplicate` (and a different event under a stored id is
//! `id_reused`), then the event must be valid for the campaign, its household in the
//! device's scope, its person living there (or added by this very event, or an earlier one
//! in the batch), and its time plausible. A rejected event changes nothing.
//!
//! Scope is the turf rule (the household is in a turf ever assigned to the volunteer); a
//! phone banker's record about a person on a call list ever assigned to them (a phone
//! result, a phone do-not-contact, or the survey answers, pledges, asks and notes taken on
//! the call) is in scope too, wherever the household is. An accepted phone result moves the
//! person in the calling rounds, and a do-not-call puts their number on the campaign's
//! do-not-call list, in the same transaction (see `store::claims`).
//!
//! Stale scope — a turf or list taken from the volunteer — holds for a grace window after
//! the assignment ended ([`stale_grace_ms`], a field day unless the server is told
//! otherwise), so a canvasser who knocked on, offline, before hearing of the change loses
//! nothing; after it, their records are refused (`assignment_ended`, and they stay on the
//! phone). Within it, a stale record is stored flagged, except one that would change what
//! the campaign shares — a person added (teammates pull them), a phone result (the calling
//! rounds), a do-not-contact (the do-not-call list, the door's status): that one is *held*,
//! in no feed, figure or round, until a lead accepts it ([`release`]) or dismisses it.
//!
//! The common path costs one INSERT per event: scope and household look-ups are cached for
//! the request, and whether an id was already stored is learnt from the insert itself
//! (`ON CONFLICT DO NOTHING`); the stored row is read only on a conflict or a rejection.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use groundgame_core::event::{Channel, DO_NOT_CALL_RESULT};
use groundgame_core::hlc::{check_time, TimeCheck};
use groundgame_core::protocol::{codes, PushOutcome, PushResponse};
use groundgame_core::{
    CampaignConfig, CampaignId, Event, EventBody, HlcClock, HouseholdId, PersonId, ResultEffect,
    Role, TurfId,
};
use groundgame_core::{DeviceId, EventId, Hlc, VolunteerId};

use crate::http::auth::AuthDevice;
use crate::store::{NewPerson, StoreError};

/// How long after a turf or call list was taken from a volunteer their records about it are
/// still taken in, unless the server is told otherwise: a field day.
pub const DEFAULT_STALE_GRACE_MS: u64 = 24 * 60 * 60 * 1000;

static STALE_GRACE_MS: AtomicU64 = AtomicU64::new(DEFAULT_STALE_GRACE_MS);

/// The grace window of stale scope in this process (ms).
pub fn stale_grace_ms() -> u64 {
    STALE_GRACE_MS.load(Ordering::Relaxed)
}

/// Set the grace window of stale scope for every later push in this process (`serve
/// --stale-grace-hours`; tests use seconds).
pub fn set_stale_grace_ms(ms: u64) {
    STALE_GRACE_MS.store(ms, Ordering::Relaxed);
}

/// A volunteer's hold on a turf or a call list they were ever given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tenure {
    /// Still theirs (one of their assignments to it has not ended).
    Current,
    /// Taken from them: their last assignment to it ended then (ms since the epoch).
    Ended(u64),
}

impl Tenure {
    /// From whether one assignment is current and the latest end among them.
    pub(crate) fn of(current: bool, last_end: Option<i64>) -> Tenure {
        if current {
            Tenure::Current
        } else {
            Tenure::Ended(last_end.unwrap_or(0).max(0) as u64)
        }
    }
}

/// What a phone result does to a contact's place in the calling rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PhoneOutcome {
    /// Never handed out again (talked, refused, wrong number, deceased, do not call...).
    Retire,
    /// Back in a later round (busy, no answer, left message).
    LaterRound,
    /// Back when the call-back is due: at the time the caller chose (ms since the epoch),
    /// else a backend-wide delay after the call.
    CallBack(Option<u64>),
}

/// One event to store, with what the server decided about it.
pub(crate) struct NewEvent<'a> {
    pub seq: i64,
    pub id: EventId,
    pub campaign: CampaignId,
    /// None for a phone record about a household not in any turf yet (never pulled).
    pub turf: Option<TurfId>,
    pub household: HouseholdId,
    pub person: Option<PersonId>,
    pub device: DeviceId,
    pub volunteer: VolunteerId,
    /// The server's timestamp (the device's, unless it was clamped).
    pub at: Hlc,
    /// The device's timestamp as sent.
    pub device_at: Hlc,
    pub kind: &'static str,
    /// `EventBody` as compact JSON.
    pub body: &'a str,
    pub stale_assignment: bool,
    pub received_at: u64,
}

/// What identifies an event's content, to tell a replay from a reused id.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct StoredEvent {
    pub household: HouseholdId,
    pub person: Option<PersonId>,
    pub device_at: Hlc,
    pub body: String,
}

/// The look-ups and writes a push needs, inside one write transaction of a backend. The
/// rules below decide; an implementation only reads and writes rows.
pub(crate) trait PushTx {
    fn campaign_config(&mut self, campaign: CampaignId) -> Result<CampaignConfig, StoreError>;
    /// Every turf ever assigned to the volunteer, and whether it still is.
    fn ever_assigned(
        &mut self,
        volunteer: VolunteerId,
    ) -> Result<HashMap<TurfId, Tenure>, StoreError>;
    /// The turf and campaign of a household placed in a turf.
    fn household_turf(
        &mut self,
        household: HouseholdId,
    ) -> Result<Option<(TurfId, CampaignId)>, StoreError>;
    /// The household's turf (if placed) and campaign, placed or not.
    fn household_home(
        &mut self,
        household: HouseholdId,
    ) -> Result<Option<(Option<TurfId>, CampaignId)>, StoreError>;
    fn household_of(&mut self, person: PersonId) -> Result<Option<HouseholdId>, StoreError>;
    /// Whether the person is on a call list ever assigned to the volunteer, and whether
    /// one such assignment is current; `None` when never.
    fn call_scope(
        &mut self,
        person: PersonId,
        volunteer: VolunteerId,
    ) -> Result<Option<Tenure>, StoreError>;
    fn stored_event(&mut self, id: EventId) -> Result<Option<StoredEvent>, StoreError>;
    /// The record held under this id for a lead, whatever the lead decided.
    fn held_event(&mut self, id: EventId) -> Result<Option<StoredEvent>, StoreError>;
    /// Whether a record was ever held under this id (held, accepted or dismissed). The
    /// default asks [`PushTx::held_event`]; a backend may answer from what it prefetched.
    fn was_held(&mut self, id: EventId) -> Result<bool, StoreError> {
        Ok(self.held_event(id)?.is_some())
    }
    /// Hold a record for a lead (`e.seq` is not used): in no feed or figure.
    fn insert_held(&mut self, e: &NewEvent<'_>) -> Result<(), StoreError>;
    /// The household of a person added by a record that is still held.
    fn held_person(&mut self, person: PersonId) -> Result<Option<HouseholdId>, StoreError>;
    /// A look at the whole push before its events are checked one by one, under the feed
    /// lock: a backend whose look-ups cost a round trip each may load what the events
    /// need all at once. (It must still answer the look-ups for rows the push itself adds.)
    fn prefetch(&mut self, _pushed: &[Event]) -> Result<(), StoreError> {
        Ok(())
    }
    /// The campaign's last feed number, held for this transaction: every number handed out
    /// until [`PushTx::end_feed`] follows it, and no other writer may take one meanwhile.
    /// With it, the latest time any server (replica) accepted in the campaign.
    fn begin_feed(&mut self, campaign: CampaignId) -> Result<(i64, Hlc), StoreError>;
    fn end_feed(&mut self, campaign: CampaignId, last: i64) -> Result<(), StoreError>;
    /// Store the event unless its id is already stored; true when it was stored now.
    fn insert_event(&mut self, e: &NewEvent<'_>) -> Result<bool, StoreError>;
    #[allow(clippy::too_many_arguments)]
    fn insert_person(
        &mut self,
        seq: i64,
        id: PersonId,
        campaign: CampaignId,
        household: HouseholdId,
        turf: TurfId,
        person: &NewPerson,
    ) -> Result<(), StoreError>;
    fn record_phone_result(
        &mut self,
        person: PersonId,
        outcome: PhoneOutcome,
        at_ms: u64,
        caller: VolunteerId,
    ) -> Result<(), StoreError>;
    /// Free the device's claim on a person it called (its result is held for a lead: the
    /// call does not count yet, and the phone will not call them again).
    fn free_claim(&mut self, person: PersonId, device: DeviceId) -> Result<(), StoreError>;
    /// Put on the campaign's do-not-call list the numbers of the person the recorder could
    /// know (see [`DoNotCallSource`]), noting each addition.
    fn do_not_call_person(
        &mut self,
        campaign: CampaignId,
        person: PersonId,
        source: &DoNotCallSource,
        now_ms: u64,
    ) -> Result<(), StoreError>;
    /// Whether the volunteer was ever given a call list.
    fn calls_any_list(&mut self, volunteer: VolunteerId) -> Result<bool, StoreError>;
    /// Keep the server clock's high-water mark (after everything it accepted).
    fn save_clock(&mut self, campaign: CampaignId, last: Hlc) -> Result<(), StoreError>;
    fn record_push(
        &mut self,
        device: DeviceId,
        now_ms: u64,
        pending: u32,
        app_version: Option<&str>,
    ) -> Result<(), StoreError>;
    /// [`PushTx::ever_assigned`] for several volunteers at once (a group's); every one
    /// asked for is in the answer.
    fn ever_assigned_many(
        &mut self,
        volunteers: &[VolunteerId],
    ) -> Result<HashMap<VolunteerId, HashMap<TurfId, Tenure>>, StoreError> {
        volunteers
            .iter()
            .map(|v| Ok((*v, self.ever_assigned(*v)?)))
            .collect()
    }
    /// [`PushTx::record_push`] for several pushes at once, in order (a device may push
    /// twice in one group: the later one's figures win, as they would one after the other).
    fn record_pushes(&mut self, pushes: &[DevicePush<'_>]) -> Result<(), StoreError> {
        for p in pushes {
            self.record_push(p.device, p.now_ms, p.pending, p.app_version)?;
        }
        Ok(())
    }
}

/// What a push tells about its device: when it was seen, how many records still waited
/// there, the app's version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DevicePush<'a> {
    pub device: DeviceId,
    pub now_ms: u64,
    pub pending: u32,
    pub app_version: Option<&'a str>,
}

/// Numbers handed out in a push, in memory until the transaction ends.
struct Feed {
    last: i64,
}

impl Feed {
    fn peek(&self) -> i64 {
        self.last + 1
    }
    fn take(&mut self) -> i64 {
        self.last += 1;
        self.last
    }
}

/// Counts of one push's outcomes, for the log.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    pub accepted: usize,
    pub duplicate: usize,
    pub rejected: usize,
}

impl Tally {
    pub(crate) fn of(outcomes: &[PushOutcome]) -> Tally {
        let mut t = Tally::default();
        for o in outcomes {
            match o {
                PushOutcome::Accepted => t.accepted += 1,
                PushOutcome::Duplicate => t.duplicate += 1,
                PushOutcome::Rejected { .. } => t.rejected += 1,
            }
        }
        t
    }
}

fn rejected(code: &str, message: impl Into<String>) -> PushOutcome {
    PushOutcome::Rejected {
        code: code.to_string(),
        message: message.into(),
    }
}

/// The record that puts a person's numbers on the do-not-call list, and what it may take:
/// the person's voter-file number (they are in the recorder's scope: the push checked it)
/// and the numbers their entries carry on the call lists the recorder was given (`lists_of`;
/// `None` for a lead, who may take any list's). Never a number typed in at a door for a
/// person added there: any canvasser could otherwise bar any number campaign-wide.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DoNotCallSource {
    pub event: EventId,
    pub volunteer: VolunteerId,
    pub device: DeviceId,
    pub lists_of: Option<VolunteerId>,
}

/// What a device's push may touch.
enum Scope {
    /// Leads and admins: every turf of their campaign.
    Campaign,
    /// Volunteers: every turf ever assigned to them, and whether that is still so.
    Turfs(HashMap<TurfId, Tenure>),
}

/// Whether a batch comes from a device, or is a lead releasing held records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Push,
    /// A lead accepted these held records: stored flagged stale, their effects applied.
    Release,
}

/// What the checks decided about an event that passed them.
struct Passed {
    /// None for a phone record about a household not in any turf yet.
    turf: Option<TurfId>,
    stale_assignment: bool,
    /// Stale, and it would change shared state: held for a lead instead of stored.
    hold: bool,
    /// The person a `PersonAdded` event introduces, when not stored yet.
    new_person: Option<(PersonId, NewPerson)>,
    time: TimeCheck,
}

/// Per-request state: the campaign, the device's scope and cached look-ups.
struct Batch<'a> {
    who: &'a AuthDevice,
    config: &'a CampaignConfig,
    scope: Scope,
    mode: Mode,
    homes: HashMap<HouseholdId, Option<(TurfId, CampaignId)>>,
    residents: HashMap<PersonId, Option<HouseholdId>>,
    /// Whether a person is on a call list ever assigned to the volunteer (and still is).
    on_my_lists: HashMap<PersonId, Option<Tenure>>,
    /// Whether the volunteer was ever given a call list (asked once, on a phone result).
    calls_lists: Option<bool>,
}

/// A stale record that would change what the campaign shares: people (a person added, who
/// teammates pull), the calling rounds (a phone result) or the do-not-call list and a
/// door's status (a do-not-contact).
fn shares_state(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::PersonAdded { .. }
            | EventBody::DoNotContact { .. }
            | EventBody::Contact {
                channel: Channel::Phone,
                ..
            }
    )
}

/// A record a phone banker makes about the person called: anything but a door result, a
/// door do-not-contact, or a person added at the door.
fn is_call_record(body: &EventBody) -> bool {
    !matches!(
        body,
        EventBody::Contact {
            channel: Channel::Door,
            ..
        } | EventBody::DoNotContact {
            channel: Channel::Door
        } | EventBody::PersonAdded { .. }
    )
}

/// What an accepted event does to the calling rounds, and whether it is a do-not-call.
fn phone_effect(config: &CampaignConfig, body: &EventBody) -> Option<(PhoneOutcome, bool)> {
    match body {
        EventBody::Contact {
            channel: Channel::Phone,
            result,
            call_back_at,
        } => {
            let effect = config.result_code(result)?.effect;
            let outcome = match effect {
                ResultEffect::TryAgain => PhoneOutcome::LaterRound,
                ResultEffect::ComeBack => PhoneOutcome::CallBack(*call_back_at),
                ResultEffect::Closed | ResultEffect::Refused | ResultEffect::Contacted => {
                    PhoneOutcome::Retire
                }
            };
            Some((outcome, result == DO_NOT_CALL_RESULT))
        }
        EventBody::DoNotContact {
            channel: Channel::Phone,
        } => Some((PhoneOutcome::Retire, true)),
        _ => None,
    }
}

impl Batch<'_> {
    fn home(
        &mut self,
        tx: &mut dyn PushTx,
        household: HouseholdId,
    ) -> Result<Option<(TurfId, CampaignId)>, StoreError> {
        if let Some(found) = self.homes.get(&household) {
            return Ok(*found);
        }
        let found = tx.household_turf(household)?;
        self.homes.insert(household, found);
        Ok(found)
    }

    fn resident(
        &mut self,
        tx: &mut dyn PushTx,
        person: PersonId,
    ) -> Result<Option<HouseholdId>, StoreError> {
        if let Some(found) = self.residents.get(&person) {
            return Ok(*found);
        }
        let found = tx.household_of(person)?;
        self.residents.insert(person, found);
        Ok(found)
    }

    /// The call-list rule, for a record the turf rule refused: `Some((turf, tenure))` when
    /// it is a call record about a person on a list ever assigned to this volunteer.
    fn by_call_list(
        &mut self,
        tx: &mut dyn PushTx,
        e: &Event,
    ) -> Result<Option<(Option<TurfId>, Tenure)>, StoreError> {
        let Some(person) = e.person.filter(|_| is_call_record(&e.body)) else {
            return Ok(None);
        };
        let Some((turf, campaign)) = tx.household_home(e.household)? else {
            return Ok(None);
        };
        if campaign != self.who.campaign {
            return Ok(None);
        }
        if let Scope::Campaign = self.scope {
            return Ok(Some((turf, Tenure::Current)));
        }
        let current = match self.on_my_lists.get(&person) {
            Some(found) => *found,
            None => {
                let found = tx.call_scope(person, self.who.volunteer)?;
                self.on_my_lists.insert(person, found);
                found
            }
        };
        Ok(current.map(|tenure| (turf, tenure)))
    }

    /// Every check but the replay one; `Err` is the rejection to answer.
    fn check(
        &mut self,
        tx: &mut dyn PushTx,
        e: &Event,
        wall_ms: u64,
    ) -> Result<Result<Passed, PushOutcome>, StoreError> {
        if let Err(err) = e.validate(self.config) {
            return Ok(Err(rejected(codes::INVALID_VALUE, err.to_string())));
        }
        let not_yours = || {
            Err(rejected(
                codes::OUT_OF_SCOPE,
                "this address is not in any turf you were given; sync to get your current turfs",
            ))
        };
        let by_turf = match self.home(tx, e.household)? {
            Some((turf, campaign)) if campaign == self.who.campaign => match &self.scope {
                Scope::Campaign => Some((Some(turf), Tenure::Current)),
                Scope::Turfs(turfs) => turfs.get(&turf).map(|tenure| (Some(turf), *tenure)),
            },
            _ => None,
        };
        // A turf taken from a volunteer who still calls the person on a list: the list is
        // the record's current scope (a caller's phone result is not stale because the same
        // door left their walk list).
        let (turf, tenure) = match by_turf {
            Some(found @ (_, Tenure::Current)) => found,
            ended => match (self.by_call_list(tx, e)?, ended) {
                (Some(by_list @ (_, Tenure::Current)), _) => by_list,
                (_, Some(by_turf)) => by_turf,
                (Some(by_list), None) => by_list,
                (None, None) => return Ok(not_yours()),
            },
        };
        // A phone result comes from the call screen, which only a caller has.
        if let (
            Scope::Turfs(_),
            EventBody::Contact {
                channel: Channel::Phone,
                ..
            },
        ) = (&self.scope, &e.body)
        {
            let calls = match self.calls_lists {
                Some(known) => known,
                None => {
                    let found = tx.calls_any_list(self.who.volunteer)?;
                    self.calls_lists = Some(found);
                    found
                }
            };
            if !calls {
                return Ok(Err(rejected(
                    codes::OUT_OF_SCOPE,
                    "phone results come from the call screen, and you were not given a \
                     call list; ask your field lead",
                )));
            }
        }
        if let Tenure::Ended(ended) = tenure {
            if wall_ms > ended.saturating_add(stale_grace_ms()) {
                return Ok(Err(rejected(
                    codes::ASSIGNMENT_ENDED,
                    "this address was taken off your list more than a day ago, so the \
                     server no longer takes records about it from you; the record stays \
                     on this phone: show it to your field lead",
                )));
            }
        }
        let (stale_assignment, mut hold) = match self.mode {
            Mode::Push => {
                let stale = tenure != Tenure::Current;
                (stale, stale && shares_state(&e.body))
            }
            // A lead accepted it: stored as the stale record it was, never held again.
            Mode::Release => (true, false),
        };
        let mut new_person = None;
        if let Some(person) = e.person {
            let lives_at = self.resident(tx, person)?;
            match (&e.body, lives_at) {
                (_, Some(h)) if h == e.household => {}
                (
                    EventBody::PersonAdded {
                        first_name,
                        last_name,
                        language,
                        phone,
                    },
                    None,
                ) => {
                    new_person = Some((
                        person,
                        NewPerson {
                            first_name: first_name.clone(),
                            last_name: last_name.clone(),
                            language: language.clone(),
                            phone: phone.clone(),
                            ..NewPerson::default()
                        },
                    ))
                }
                (EventBody::PersonAdded { .. }, Some(_)) => {
                    return Ok(Err(rejected(
                        codes::INVALID_VALUE,
                        "this new person's id is already used at another address; update the app",
                    )))
                }
                // About a person a held record added: held with it.
                (_, None)
                    if self.mode == Mode::Push && tx.held_person(person)? == Some(e.household) =>
                {
                    hold = true;
                }
                _ => {
                    return Ok(Err(rejected(
                        codes::OUT_OF_SCOPE,
                        "this person is not listed at this address; sync to get the current list",
                    )))
                }
            }
        }
        let mut time = check_time(e.at, wall_ms);
        // Older than the device that sent it: the app's clock took the server's time when
        // it registered, so only a forged record (or a broken app) can be. It is kept —
        // nothing is lost — but ordered at the time the server received it, so it cannot
        // rewrite what came before it (last week's figures, an answer a later one replaced).
        if time == TimeCheck::Accept
            && e.at.ms().saturating_add(BACKDATE_SLACK_MS) < self.who.registered_at
        {
            time = TimeCheck::Clamp;
        }
        if time == TimeCheck::Reject {
            return Ok(Err(rejected(
                codes::BAD_TIMESTAMP,
                "this record's time is impossible: the phone's date and time are wrong; set \
                 them correctly (automatic date and time) in the phone's settings",
            )));
        }
        Ok(Ok(Passed {
            turf,
            stale_assignment,
            hold,
            new_person,
            time,
        }))
    }
}

/// How far before its device's registration a record's time may be before it is ordered
/// at the time it arrived instead: the registration's own round trip, with room to spare.
const BACKDATE_SLACK_MS: u64 = 10 * 60_000;

/// A stored event under the same id: the same event again, or a different one.
fn replay(stored: &StoredEvent, e: &Event, body: &str) -> PushOutcome {
    let same = stored.household == e.household
        && stored.person == e.person
        && stored.device_at == e.at
        && stored.body == body;
    if same {
        PushOutcome::Duplicate
    } else {
        rejected(
            codes::ID_REUSED,
            "another record was already stored under this record's id; update the app",
        )
    }
}

/// Tests make a push fail in the store by sending this app version.
#[cfg(test)]
pub(crate) const TEST_FAILING_PUSH: &str = "test: fail this push in the store";

/// One push of a group, as [`apply_many`] takes it.
#[derive(Clone, Copy)]
pub(crate) struct Pushed<'a> {
    pub who: &'a AuthDevice,
    pub events: &'a [Event],
    pub pending: u32,
    pub app_version: Option<&'a str>,
    pub wall_ms: u64,
}

/// Apply pushes to ONE campaign in the caller's transaction (a push alone is a group of
/// one); `clock` is the server clock to advance (the caller merges it back once the
/// transaction commits). One after the other in the order given, each answered exactly as if it had been applied alone — but with the
/// campaign's rules read, its feed locked and its events' rows looked up once for all of
/// them, and the feed and clock written back once (a group commit's pushes share that
/// work). An error fails them all: the caller rolls back and, to find the push at fault,
/// applies them one by one.
pub(crate) fn apply_many(
    tx: &mut dyn PushTx,
    pushes: &[Pushed<'_>],
    clock: &mut HlcClock,
) -> Result<Vec<Vec<PushOutcome>>, StoreError> {
    let Some(first) = pushes.first() else {
        return Ok(Vec::new());
    };
    let campaign = first.who.campaign;
    if pushes.iter().any(|p| p.who.campaign != campaign) {
        return Err(StoreError::Corrupt(
            "pushes to several campaigns were applied as one".into(),
        ));
    }
    let config = tx.campaign_config(campaign)?;
    let (last, seen) = tx.begin_feed(campaign)?;
    if let [only] = pushes {
        tx.prefetch(only.events)?;
    } else {
        let all: Vec<Event> = pushes
            .iter()
            .flat_map(|p| p.events.iter().cloned())
            .collect();
        tx.prefetch(&all)?;
    }
    // Another replica may have accepted later times in this campaign: stay after them.
    clock.observe(seen);
    let mut seq = Feed { last };
    let start = seq.last;
    let mut volunteers: Vec<VolunteerId> = pushes
        .iter()
        .filter(|p| !p.who.role.sees_whole_campaign())
        .map(|p| p.who.volunteer)
        .collect();
    volunteers.sort_unstable_by_key(|v| v.0);
    volunteers.dedup();
    let mut assigned = if volunteers.is_empty() {
        HashMap::new()
    } else {
        tx.ever_assigned_many(&volunteers)?
    };
    let mut answers = Vec::with_capacity(pushes.len());
    for push in pushes {
        let who = push.who;
        #[cfg(test)]
        if push.app_version == Some(TEST_FAILING_PUSH) {
            return Err(StoreError::Corrupt("a push made to fail by a test".into()));
        }
        let scope = if who.role.sees_whole_campaign() {
            Scope::Campaign
        } else {
            let turfs = match assigned.get(&who.volunteer) {
                Some(turfs) => turfs.clone(),
                None => {
                    let turfs = tx.ever_assigned(who.volunteer)?;
                    assigned.insert(who.volunteer, turfs.clone());
                    turfs
                }
            };
            Scope::Turfs(turfs)
        };
        let mut batch = Batch {
            who,
            config: &config,
            scope,
            mode: Mode::Push,
            homes: HashMap::new(),
            residents: HashMap::new(),
            on_my_lists: HashMap::new(),
            calls_lists: None,
        };
        let outcomes = apply_events(tx, &mut batch, push.events, push.wall_ms, clock, &mut seq)?;
        answers.push(outcomes);
    }
    if seq.last != start {
        tx.end_feed(campaign, seq.last)?;
    }
    tx.save_clock(campaign, clock.last())?;
    let devices: Vec<DevicePush<'_>> = pushes
        .iter()
        .map(|p| DevicePush {
            device: p.who.device,
            now_ms: p.wall_ms,
            pending: p.pending,
            app_version: p.app_version,
        })
        .collect();
    tx.record_pushes(&devices)?;
    Ok(answers)
}

/// What is stored under an event id: for a device, an event or a held record (a replay of
/// either is a duplicate); for a lead releasing held records, events only.
fn known(tx: &mut dyn PushTx, mode: Mode, id: EventId) -> Result<Option<StoredEvent>, StoreError> {
    match (tx.stored_event(id)?, mode) {
        (Some(stored), _) => Ok(Some(stored)),
        (None, Mode::Push) => tx.held_event(id),
        (None, Mode::Release) => Ok(None),
    }
}

/// One push's events, checked and stored in order.
fn apply_events(
    tx: &mut dyn PushTx,
    batch: &mut Batch<'_>,
    pushed: &[Event],
    wall_ms: u64,
    clock: &mut HlcClock,
    seq: &mut Feed,
) -> Result<Vec<PushOutcome>, StoreError> {
    let who = batch.who;
    let mut outcomes = Vec::with_capacity(pushed.len());
    for e in pushed {
        let body = serde_json::to_string(&e.body)
            .map_err(|err| StoreError::Corrupt(format!("event body: {err}")))?;
        let passed = match batch.check(tx, e, wall_ms)? {
            Ok(passed) => passed,
            Err(rejection) => {
                outcomes.push(match known(tx, batch.mode, e.id)? {
                    Some(stored) => replay(&stored, e, &body),
                    None => rejection,
                });
                continue;
            }
        };
        let at = match passed.time {
            TimeCheck::Clamp => clock.now(wall_ms),
            _ => e.at,
        };
        // A person added at the door enters the feed just before the event adding them.
        let new_event = NewEvent {
            seq: seq.peek() + i64::from(passed.new_person.is_some()),
            id: e.id,
            campaign: who.campaign,
            turf: passed.turf,
            household: e.household,
            person: e.person,
            device: who.device,
            volunteer: who.volunteer,
            at,
            device_at: e.at,
            kind: e.body.kind(),
            body: &body,
            stale_assignment: passed.stale_assignment,
            received_at: wall_ms,
        };
        if passed.hold {
            // Already stored (or held) under this id: a replay, answered as one.
            if let Some(stored) = known(tx, batch.mode, e.id)? {
                outcomes.push(replay(&stored, e, &body));
                continue;
            }
            tx.insert_held(&new_event)?;
            // A held phone result: the phone has called them and shows them done, so its
            // claim must not hold them from every other caller (each of its claims would
            // renew it) until a lead decides.
            if let (Some(person), Some(_)) = (e.person, phone_effect(batch.config, &e.body)) {
                tx.free_claim(person, who.device)?;
            }
            if let Some((person, _)) = &passed.new_person {
                batch.residents.remove(person);
            }
            // The phone has delivered it: the server keeps it, and a lead decides.
            outcomes.push(PushOutcome::Accepted);
            continue;
        }
        // Held once (and perhaps dismissed by a lead): a device retrying it after its scope
        // came back is answered as a replay, never stored behind the lead's decision.
        if batch.mode == Mode::Push && tx.was_held(e.id)? {
            if let Some(held) = tx.held_event(e.id)? {
                outcomes.push(replay(&held, e, &body));
                continue;
            }
        }
        let stored_now = tx.insert_event(&new_event)?;
        if !stored_now {
            let stored = tx.stored_event(e.id)?.ok_or_else(|| {
                StoreError::Corrupt("an event id conflicted but is not stored".into())
            })?;
            outcomes.push(replay(&stored, e, &body));
            continue;
        }
        clock.observe(at);
        if let Some((person, new)) = &passed.new_person {
            let turf = passed
                .turf
                .ok_or_else(|| StoreError::Corrupt("a person was added outside any turf".into()))?;
            tx.insert_person(seq.take(), *person, who.campaign, e.household, turf, new)?;
            batch.residents.insert(*person, Some(e.household));
        }
        if let (Some(person), Some((outcome, do_not_call))) =
            (e.person, phone_effect(batch.config, &e.body))
        {
            tx.record_phone_result(person, outcome, at.ms(), who.volunteer)?;
            if do_not_call {
                let source = DoNotCallSource {
                    event: e.id,
                    volunteer: who.volunteer,
                    device: who.device,
                    lists_of: (!who.role.sees_whole_campaign()).then_some(who.volunteer),
                };
                tx.do_not_call_person(who.campaign, person, &source, wall_ms)?;
            }
        }
        seq.take();
        outcomes.push(PushOutcome::Accepted);
    }
    Ok(outcomes)
}

/// A held record as a lead releases it: the event as its device pushed it, and who did.
#[derive(Debug, Clone)]
pub(crate) struct HeldEvent {
    pub event: Event,
    pub device: DeviceId,
    pub volunteer: VolunteerId,
}

/// Store held records a lead accepted, in the order given (a person added before the
/// records about them), each as the event it was — flagged stale, with its effects on
/// people, the calling rounds and the do-not-call list — checked again against today's
/// campaign (the household may have left its turf meanwhile). One outcome per record:
/// `duplicate` when it was stored meanwhile, a rejection when it no longer fits.
pub(crate) fn release(
    tx: &mut dyn PushTx,
    campaign: CampaignId,
    held: &[HeldEvent],
    wall_ms: u64,
    clock: &mut HlcClock,
) -> Result<Vec<PushOutcome>, StoreError> {
    let config = tx.campaign_config(campaign)?;
    let (last, seen) = tx.begin_feed(campaign)?;
    let events: Vec<Event> = held.iter().map(|h| h.event.clone()).collect();
    tx.prefetch(&events)?;
    clock.observe(seen);
    let mut seq = Feed { last };
    let start = seq.last;
    let mut outcomes = Vec::with_capacity(held.len());
    let mut residents = HashMap::new();
    for h in held {
        let who = AuthDevice {
            device: h.device,
            volunteer: h.volunteer,
            campaign,
            role: Role::Lead,
            last_seen_at: 0,
            // A lead read the record before releasing it: its time stands as it was sent.
            registered_at: 0,
        };
        let mut batch = Batch {
            who: &who,
            config: &config,
            scope: Scope::Campaign,
            mode: Mode::Release,
            homes: HashMap::new(),
            residents: std::mem::take(&mut residents),
            on_my_lists: HashMap::new(),
            calls_lists: None,
        };
        outcomes.extend(apply_events(
            tx,
            &mut batch,
            std::slice::from_ref(&h.event),
            wall_ms,
            clock,
            &mut seq,
        )?);
        residents = batch.residents;
    }
    if seq.last != start {
        tx.end_feed(campaign, seq.last)?;
    }
    tx.save_clock(campaign, clock.last())?;
    Ok(outcomes)
}

/// A lead's acceptance fails as a whole when one of its records no longer fits (the
/// caller's transaction then rolls back): told in words the lead can act on.
pub(crate) fn refused_release(outcomes: &[PushOutcome]) -> Result<(), StoreError> {
    match outcomes.iter().find_map(|o| match o {
        PushOutcome::Rejected { message, .. } => Some(message),
        _ => None,
    }) {
        Some(message) => Err(StoreError::Invalid(format!(
            "this record no longer fits the campaign, so it cannot be accepted; dismiss it \
             instead ({message})"
        ))),
        None => Ok(()),
    }
}

/// The answer to a push whose outcomes are `results`, stamped by the server clock.
pub(crate) fn response(results: Vec<PushOutcome>, server_time: Hlc) -> PushResponse {
    PushResponse {
        results,
        server_time,
    }
}
