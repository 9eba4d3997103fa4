//! Status folds: a door's status and a person's latest answers, computed from events alone.
//! The device and the server run exactly this code, so they agree whenever they hold the
//! same events. The door fold is order-insensitive (it takes the strongest outcome; ties go
//! to the latest by [`Event::order_key`]), so it gives the same answer however the events
//! arrived.

use serde::{Deserialize, Serialize};

use crate::domain::{CampaignConfig, ResultEffect};
use crate::event::{Event, EventBody};
use crate::hlc::Hlc;
use crate::ids::{EventId, PersonId};

/// Where a door stands, weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DoorState {
    NotVisited,
    TryAgain,
    ComeBack,
    Closed,
    Refused,
    Contacted,
}

impl From<ResultEffect> for DoorState {
    fn from(e: ResultEffect) -> Self {
        match e {
            ResultEffect::TryAgain => DoorState::TryAgain,
            ResultEffect::ComeBack => DoorState::ComeBack,
            ResultEffect::Closed => DoorState::Closed,
            ResultEffect::Refused => DoorState::Refused,
            ResultEffect::Contacted => DoorState::Contacted,
        }
    }
}

/// A door's status: its state, the result that decided it, and how often it was tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorStatus {
    pub state: DoorState,
    /// The result code that set the state (the latest among the strongest).
    pub result: Option<String>,
    pub attempts: u32,
    /// When the door was last tried.
    pub last_attempt: Option<Hlc>,
}

impl DoorStatus {
    pub const NOT_VISITED: DoorStatus = DoorStatus {
        state: DoorState::NotVisited,
        result: None,
        attempts: 0,
        last_attempt: None,
    };
    /// Done doors need no further visit in this pass.
    pub fn is_done(&self) -> bool {
        matches!(
            self.state,
            DoorState::Closed | DoorState::Refused | DoorState::Contacted
        )
    }
}

/// Fold a household's events into its door status. Result codes the campaign no longer has
/// count as "try again", so an old event never breaks the fold.
pub fn door_status<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    config: &CampaignConfig,
) -> DoorStatus {
    let mut best: Option<(DoorState, (Hlc, EventId), &'a str)> = None;
    let mut attempts = 0u32;
    let mut last_attempt: Option<Hlc> = None;
    for e in events {
        let EventBody::Contact { result, .. } = &e.body else {
            continue;
        };
        attempts += 1;
        last_attempt = last_attempt.max(Some(e.at));
        let state = config
            .result_code(result)
            .map_or(DoorState::TryAgain, |c| c.effect.into());
        let candidate = (state, e.order_key(), result.as_str());
        if best
            .as_ref()
            .is_none_or(|b| (b.0, b.1) < (candidate.0, candidate.1))
        {
            best = Some(candidate);
        }
    }
    match best {
        None => DoorStatus::NOT_VISITED,
        Some((state, _, result)) => DoorStatus {
            state,
            result: Some(result.to_owned()),
            attempts,
            last_attempt,
        },
    }
}

/// A person's latest answer to a survey question (latest by [`Event::order_key`]).
pub fn latest_answer<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    person: PersonId,
    question: &str,
) -> Option<&'a str> {
    events
        .into_iter()
        .filter(|e| e.person == Some(person))
        .filter_map(|e| match &e.body {
            EventBody::Survey {
                question: q,
                answer,
                ..
            } if q == question => Some((e.order_key(), answer.as_str())),
            _ => None,
        })
        .max_by_key(|(k, _)| *k)
        .map(|(_, a)| a)
}

/// Whether anyone recorded a do-not-contact for this person, on any channel.
pub fn do_not_contact<'a>(events: impl IntoIterator<Item = &'a Event>, person: PersonId) -> bool {
    events
        .into_iter()
        .any(|e| e.person == Some(person) && matches!(e.body, EventBody::DoNotContact { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Channel;
    use crate::ids::{CampaignId, HouseholdId};

    fn knock(ms: u64, result: &str, person: Option<PersonId>) -> Event {
        Event {
            id: EventId::new_v7(),
            at: Hlc::new(ms, 0),
            household: HouseholdId(1),
            person,
            body: EventBody::Contact {
                channel: Channel::Door,
                result: result.into(),
                call_back_at: None,
            },
        }
    }

    #[test]
    fn strongest_outcome_wins_whatever_the_order() {
        let c = CampaignConfig::with_defaults(CampaignId(1), "t");
        let p = Some(PersonId::new_v7());
        let events = [
            knock(1_800_000_000_000, "not_home", None),
            knock(1_800_000_100_000, "talked", p),
            knock(1_800_000_200_000, "not_home", None),
        ];
        let forward = door_status(events.iter(), &c);
        let backward = door_status(events.iter().rev(), &c);
        assert_eq!(forward, backward);
        assert_eq!(forward.state, DoorState::Contacted);
        assert_eq!(forward.result.as_deref(), Some("talked"));
        assert_eq!(forward.attempts, 3);
        assert_eq!(forward.last_attempt, Some(Hlc::new(1_800_000_200_000, 0)));
        assert!(forward.is_done());
        assert_eq!(door_status([].iter(), &c), DoorStatus::NOT_VISITED);
    }

    #[test]
    fn latest_answer_by_order_key() {
        let p = PersonId::new_v7();
        let answer = |ms, a: &str| Event {
            id: EventId::new_v7(),
            at: Hlc::new(ms, 0),
            household: HouseholdId(1),
            person: Some(p),
            body: EventBody::Survey {
                attempt: None,
                question: "support".into(),
                answer: a.into(),
            },
        };
        let events = [answer(2_000, "2"), answer(1_000, "5")];
        assert_eq!(latest_answer(events.iter(), p, "support"), Some("2"));
        assert_eq!(
            latest_answer(events.iter(), PersonId::new_v7(), "support"),
            None
        );
    }
}
