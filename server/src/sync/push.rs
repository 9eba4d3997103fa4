//! Accepting pushed events. One write transaction per push; per event, in order: a replay
//! of a stored event is `duplicate` (and a different event under a stored id is
//! `id_reused`), then the event must be valid for the campaign, its household in the
//! device's scope, its person living there (or added by this very event, or an earlier one
//! in the batch), and its time plausible. A rejected event changes nothing.
//!
//! Scope is the turf rule (the household is in a turf ever assigned to the volunteer); a
//! phone banker's record about a person on a call list ever assigned to them (a phone
//! result, a phone do-not-contact, or the survey answers, pledges, asks and notes taken on
//! the call) is in scope too, wherever the household is, and flagged stale once the list
//! assignment ended. An accepted phone result moves the person in the calling rounds, and a
//! do-not-call puts their number on the campaign's do-not-call list, in the same
//! transaction (see `store::claims`).
//!
//! The common path costs one INSERT per event: scope and household look-ups are cached for
//! the request, and whether an id was already stored is learnt from the insert itself
//! (`ON CONFLICT DO NOTHING`); the stored row is read only on a conflict or a rejection.

use std::collections::HashMap;

use groundgame_core::event::{Channel, DO_NOT_CALL_RESULT};
use groundgame_core::hlc::{check_time, TimeCheck};
use groundgame_core::protocol::{codes, PushOutcome, PushRequest, PushResponse};
use groundgame_core::{
    CampaignConfig, CampaignId, Event, EventBody, HlcClock, HouseholdId, PersonId, ResultEffect,
    TurfId,
};
use rusqlite::Transaction;

use crate::auth::AuthDevice;
use crate::store::claims::{self, PhoneOutcome};
use crate::store::events::{self, NewEvent, StoredEvent};
use crate::store::sequence::{self, Sequence};
use crate::store::{
    campaigns, devices, households, people, turfs, NewPerson, SqliteStore, StoreError,
};

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

/// What a device's push may touch.
enum Scope {
    /// Leads and admins: every turf of their campaign.
    Campaign,
    /// Volunteers: every turf ever assigned to them, and whether that is still so.
    Turfs(HashMap<TurfId, bool>),
}

/// What the checks decided about an event that passed them.
struct Passed {
    /// None for a phone record about a household not in any turf yet.
    turf: Option<TurfId>,
    stale_assignment: bool,
    /// The person a `PersonAdded` event introduces, when not stored yet.
    new_person: Option<(PersonId, NewPerson)>,
    time: TimeCheck,
}

/// Per-request state: the campaign, the device's scope and cached look-ups.
struct Batch<'a> {
    who: &'a AuthDevice,
    config: CampaignConfig,
    scope: Scope,
    homes: HashMap<HouseholdId, Option<(TurfId, CampaignId)>>,
    residents: HashMap<PersonId, Option<HouseholdId>>,
    /// Whether a person is on a call list ever assigned to the volunteer (and still is).
    on_my_lists: HashMap<PersonId, Option<bool>>,
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
        tx: &Transaction<'_>,
        household: HouseholdId,
    ) -> Result<Option<(TurfId, CampaignId)>, StoreError> {
        if let Some(found) = self.homes.get(&household) {
            return Ok(*found);
        }
        let found = households::lookup(tx, household)?;
        self.homes.insert(household, found);
        Ok(found)
    }

    fn resident(
        &mut self,
        tx: &Transaction<'_>,
        person: PersonId,
    ) -> Result<Option<HouseholdId>, StoreError> {
        if let Some(found) = self.residents.get(&person) {
            return Ok(*found);
        }
        let found = people::household_of(tx, person)?;
        self.residents.insert(person, found);
        Ok(found)
    }

    /// The call-list rule, for a record the turf rule refused: `Some((turf, stale))` when
    /// it is a call record about a person on a list ever assigned to this volunteer.
    fn by_call_list(
        &mut self,
        tx: &Transaction<'_>,
        e: &Event,
    ) -> Result<Option<(Option<TurfId>, bool)>, StoreError> {
        let Some(person) = e.person.filter(|_| is_call_record(&e.body)) else {
            return Ok(None);
        };
        let Some((turf, campaign)) = claims::household_home(tx, e.household)? else {
            return Ok(None);
        };
        if campaign != self.who.campaign {
            return Ok(None);
        }
        if let Scope::Campaign = self.scope {
            return Ok(Some((turf, false)));
        }
        let current = match self.on_my_lists.get(&person) {
            Some(found) => *found,
            None => {
                let found = claims::call_scope(tx, person, self.who.volunteer)?;
                self.on_my_lists.insert(person, found);
                found
            }
        };
        Ok(current.map(|current| (turf, !current)))
    }

    /// Every check but the replay one; `Err` is the rejection to answer.
    fn check(
        &mut self,
        tx: &Transaction<'_>,
        e: &Event,
        wall_ms: u64,
    ) -> Result<Result<Passed, PushOutcome>, StoreError> {
        if let Err(err) = e.validate(&self.config) {
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
                Scope::Campaign => Some((Some(turf), false)),
                Scope::Turfs(turfs) => turfs.get(&turf).map(|current| (Some(turf), !current)),
            },
            _ => None,
        };
        let (turf, stale_assignment) = match by_turf {
            Some(found) => found,
            None => match self.by_call_list(tx, e)? {
                Some(found) => found,
                None => return Ok(not_yours()),
            },
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
                _ => {
                    return Ok(Err(rejected(
                        codes::OUT_OF_SCOPE,
                        "this person is not listed at this address; sync to get the current list",
                    )))
                }
            }
        }
        let time = check_time(e.at, wall_ms);
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
            new_person,
            time,
        }))
    }
}

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

/// Apply a push in the caller's transaction. `clock` is the server clock to advance (the
/// caller merges it back once the transaction commits).
pub(crate) fn apply(
    tx: &Transaction<'_>,
    who: &AuthDevice,
    pushed: &[Event],
    pending: u32,
    app_version: Option<&str>,
    wall_ms: u64,
    clock: &mut HlcClock,
) -> Result<Vec<PushOutcome>, StoreError> {
    let scope = if who.role.sees_whole_campaign() {
        Scope::Campaign
    } else {
        Scope::Turfs(turfs::ever_assigned(tx, who.volunteer)?)
    };
    let mut batch = Batch {
        who,
        config: campaigns::config(tx, who.campaign)?,
        scope,
        homes: HashMap::new(),
        residents: HashMap::new(),
        on_my_lists: HashMap::new(),
    };
    let mut seq = Sequence::begin(tx)?;
    let mut outcomes = Vec::with_capacity(pushed.len());
    for e in pushed {
        let body = serde_json::to_string(&e.body)
            .map_err(|err| StoreError::Corrupt(format!("event body: {err}")))?;
        let passed = match batch.check(tx, e, wall_ms)? {
            Ok(passed) => passed,
            Err(rejection) => {
                outcomes.push(match events::stored(tx, e.id)? {
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
        let event_seq = seq.peek() + i64::from(passed.new_person.is_some());
        let stored_now = events::insert(
            tx,
            &NewEvent {
                seq: event_seq,
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
            },
        )?;
        if !stored_now {
            let stored = events::stored(tx, e.id)?.ok_or_else(|| {
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
            people::insert(
                tx,
                seq.take(),
                *person,
                who.campaign,
                e.household,
                turf,
                new,
            )?;
            batch.residents.insert(*person, Some(e.household));
        }
        if let (Some(person), Some((outcome, do_not_call))) =
            (e.person, phone_effect(&batch.config, &e.body))
        {
            claims::record_phone_result(tx, person, outcome, at.ms(), who.volunteer)?;
            if do_not_call {
                claims::do_not_call_person(tx, who.campaign, person, wall_ms)?;
            }
        }
        seq.take();
        outcomes.push(PushOutcome::Accepted);
    }
    seq.finish(tx)?;
    sequence::save_hlc(tx, clock.last())?;
    devices::record_push(tx, who.device, wall_ms, pending, app_version)?;
    Ok(outcomes)
}

/// Apply a push in its own write transaction and answer it.
pub(crate) fn run(
    store: &SqliteStore,
    who: &AuthDevice,
    req: &PushRequest,
    app_version: Option<&str>,
    wall_ms: u64,
) -> Result<PushResponse, StoreError> {
    let mut clock = store.clock_snapshot();
    let results = store.write(|tx| {
        apply(
            tx,
            who,
            &req.events,
            req.pending,
            app_version,
            wall_ms,
            &mut clock,
        )
    })?;
    store.clock_merge(clock.last());
    Ok(PushResponse {
        results,
        server_time: store.server_time(wall_ms),
    })
}
