//! Field events: the immutable facts a volunteer records (a contact attempt and its result,
//! survey answers, a pledge to vote, asks and their answers, notes, do-not-contact, a person
//! added at the door). Each carries an id made on the device (UUIDv7) and a hybrid logical
//! timestamp. Events are never edited: a correction is a new event, and every status is a
//! fold over them (see [`crate::fold`]).
//!
//! [`Event::validate`] is the one place the rules for a well-formed event live; the device
//! runs it before writing, the server again before accepting.

use serde::{Deserialize, Serialize};

use crate::domain::{CampaignConfig, ResultEffect, ResultLevel};
use crate::hlc::Hlc;
use crate::ids::{EventId, HouseholdId, PersonId};

/// One field event. Every event is anchored to a household (the door, or the household of
/// the person called), which is what decides whose scope it falls in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: EventId,
    /// When it was recorded, on the recording device's hybrid logical clock.
    pub at: Hlc,
    pub household: HouseholdId,
    /// The person it is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
    pub body: EventBody,
}

/// Door or phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Door,
    Phone,
}

/// What was asked of someone: to give money, to volunteer, or to pledge to vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AskKind {
    Donate,
    Volunteer,
    Pledge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AskAnswer {
    Yes,
    No,
    Maybe,
}

/// How someone plans to vote (all optional: people give what they give).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VotePlan {
    /// "election day", "early, Saturday morning", ...
    #[serde(default)]
    pub when: String,
    /// Polling place or "by mail".
    #[serde(default)]
    pub place: String,
    /// "walking", "driving", "needs a ride", ...
    #[serde(default)]
    pub how: String,
}

/// What happened. `attempt` links an answer, pledge, ask or note to the contact attempt it
/// was recorded in, so an export can put them on one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventBody {
    /// A knock or a call, with the campaign's result code. `call_back_at` (ms since the
    /// epoch) is when the person asked to be called back: only with a phone call-back
    /// result; without it the server brings the contact back after a fixed delay.
    Contact {
        channel: Channel,
        result: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call_back_at: Option<u64>,
    },
    /// An answer to a survey question.
    Survey {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempt: Option<EventId>,
        question: String,
        answer: String,
    },
    /// A pledge to vote, with the plan.
    Pledge {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempt: Option<EventId>,
        plan: VotePlan,
    },
    /// An ask and its answer; `amount_cents` is the promised donation.
    Ask {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempt: Option<EventId>,
        ask: AskKind,
        answer: AskAnswer,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_cents: Option<u32>,
    },
    /// A free-text note for teammates.
    Note {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempt: Option<EventId>,
        text: String,
    },
    /// The person asked not to be contacted again on this channel.
    DoNotContact { channel: Channel },
    /// Someone not on the list answered the door; `person` is their new id.
    PersonAdded {
        first_name: String,
        last_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
    },
}

impl EventBody {
    /// The short name stored beside the event ("contact", "survey", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::Contact { .. } => "contact",
            EventBody::Survey { .. } => "survey",
            EventBody::Pledge { .. } => "pledge",
            EventBody::Ask { .. } => "ask",
            EventBody::Note { .. } => "note",
            EventBody::DoNotContact { .. } => "do_not_contact",
            EventBody::PersonAdded { .. } => "person_added",
        }
    }
}

/// The result key of the default "do not call" phone disposition: besides retiring the
/// contact, the server puts the number on the campaign's do-not-call list (as it does for a
/// phone `DoNotContact`).
pub const DO_NOT_CALL_RESULT: &str = "do_not_call";

pub const MAX_NOTE_CHARS: usize = 2000;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_PLAN_CHARS: usize = 200;
/// $100,000: larger promises are typing mistakes.
pub const MAX_AMOUNT_CENTS: u32 = 10_000_000;
/// The latest call-back time a call may ask for, after the call.
pub const MAX_CALL_BACK_AHEAD_MS: u64 = 90 * 24 * 60 * 60 * 1000;
/// How far before the call a call-back time may be (clock differences between phones).
pub const CALL_BACK_SLACK_MS: u64 = 5 * 60 * 1000;

/// Why an event is not acceptable. Messages are shown to volunteers and leads as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the event id must be a UUIDv7 made on the device; update the app")]
    IdNotV7,
    #[error("unknown result code \"{0}\"; sync to get the campaign's current result codes")]
    UnknownResult(String),
    #[error("result \"{0}\" is about a person: choose who answered")]
    ResultNeedsPerson(String),
    #[error("this record is about a person: choose who it is about")]
    NeedsPerson,
    #[error("unknown survey question \"{0}\"; sync to get the current script")]
    UnknownQuestion(String),
    #[error("\"{answer}\" is not one of the answers to \"{question}\"")]
    UnknownAnswer { question: String, answer: String },
    #[error("the note is empty; type something or leave it out")]
    EmptyNote,
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{0} contains control or invisible formatting characters; remove them")]
    ControlCharacters(&'static str),
    #[error("a new person needs a first or last name")]
    NameMissing,
    #[error("the phone number must be in international form, like +19195550123")]
    BadPhone,
    #[error("a donation amount only goes with a donation ask")]
    AmountWithoutDonation,
    #[error("the amount is too large: at most {MAX_AMOUNT_CENTS} cents")]
    AmountTooLarge,
    #[error("the language must be a short code like \"en\" or \"es\"")]
    BadLanguage,
    #[error("a call-back time only goes with a phone call's \"call back\" result")]
    CallBackTimeWithoutCallBack,
    #[error(
        "the call-back time must be after the call and at most 90 days later; choose another time"
    )]
    CallBackTimeOutOfRange,
}

fn check_text(field: &'static str, s: &str, max: usize, multiline: bool) -> Result<(), EventError> {
    if s.chars().count() > max {
        return Err(EventError::TooLong { field, max });
    }
    if crate::text::has_forbidden(s, multiline) {
        return Err(EventError::ControlCharacters(field));
    }
    Ok(())
}

/// Accept E.164 numbers: a plus, then 8 to 15 digits, the first not zero.
pub fn is_e164(phone: &str) -> bool {
    let Some(digits) = phone.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

impl Event {
    /// The total order every fold uses, on every device and on the server: by timestamp,
    /// then by id. Shared so that nobody orders events any other way.
    pub fn order_key(&self) -> (crate::hlc::Hlc, EventId) {
        (self.at, self.id)
    }

    /// Check the event against the campaign's codes and questions. Time is judged
    /// separately by [`crate::hlc::check_time`], which needs the server's clock.
    pub fn validate(&self, config: &CampaignConfig) -> Result<(), EventError> {
        if self.id.0.get_version_num() != 7 {
            return Err(EventError::IdNotV7);
        }
        match &self.body {
            EventBody::Contact {
                channel,
                result,
                call_back_at,
            } => {
                let code = config
                    .result_code(result)
                    .ok_or_else(|| EventError::UnknownResult(result.clone()))?;
                if code.level == ResultLevel::Person && self.person.is_none() {
                    return Err(EventError::ResultNeedsPerson(result.clone()));
                }
                if let Some(when) = call_back_at {
                    if *channel != Channel::Phone || code.effect != ResultEffect::ComeBack {
                        return Err(EventError::CallBackTimeWithoutCallBack);
                    }
                    let at = self.at.ms();
                    if when.saturating_add(CALL_BACK_SLACK_MS) < at
                        || *when > at.saturating_add(MAX_CALL_BACK_AHEAD_MS)
                    {
                        return Err(EventError::CallBackTimeOutOfRange);
                    }
                }
            }
            EventBody::Survey {
                question, answer, ..
            } => {
                self.need_person()?;
                let q = config
                    .question(question)
                    .ok_or_else(|| EventError::UnknownQuestion(question.clone()))?;
                if !q.choices.iter().any(|c| &c.key == answer) {
                    return Err(EventError::UnknownAnswer {
                        question: question.clone(),
                        answer: answer.clone(),
                    });
                }
            }
            EventBody::Pledge { plan, .. } => {
                self.need_person()?;
                check_text("when", &plan.when, MAX_PLAN_CHARS, false)?;
                check_text("place", &plan.place, MAX_PLAN_CHARS, false)?;
                check_text("how", &plan.how, MAX_PLAN_CHARS, false)?;
            }
            EventBody::Ask {
                ask, amount_cents, ..
            } => {
                self.need_person()?;
                if let Some(amount) = amount_cents {
                    if *ask != AskKind::Donate {
                        return Err(EventError::AmountWithoutDonation);
                    }
                    if *amount > MAX_AMOUNT_CENTS {
                        return Err(EventError::AmountTooLarge);
                    }
                }
            }
            EventBody::Note { text, .. } => {
                if text.trim().is_empty() {
                    return Err(EventError::EmptyNote);
                }
                check_text("note", text, MAX_NOTE_CHARS, true)?;
            }
            EventBody::DoNotContact { .. } => self.need_person()?,
            EventBody::PersonAdded {
                first_name,
                last_name,
                language,
                phone,
            } => {
                self.need_person()?;
                if first_name.trim().is_empty() && last_name.trim().is_empty() {
                    return Err(EventError::NameMissing);
                }
                check_text("first name", first_name, MAX_NAME_CHARS, false)?;
                check_text("last name", last_name, MAX_NAME_CHARS, false)?;
                if let Some(lang) = language {
                    let ok = (2..=8).contains(&lang.len())
                        && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                    if !ok {
                        return Err(EventError::BadLanguage);
                    }
                }
                if let Some(phone) = phone {
                    if !is_e164(phone) {
                        return Err(EventError::BadPhone);
                    }
                }
            }
        }
        Ok(())
    }

    fn need_person(&self) -> Result<(), EventError> {
        if self.person.is_none() {
            return Err(EventError::NeedsPerson);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CampaignId;

    fn config() -> CampaignConfig {
        CampaignConfig::with_defaults(CampaignId(1), "Test")
    }

    fn event(person: Option<PersonId>, body: EventBody) -> Event {
        Event {
            id: EventId::new_v7(),
            at: Hlc::new(1_800_000_000_000, 0),
            household: HouseholdId(7),
            person,
            body,
        }
    }

    #[test]
    fn round_trips_through_json_and_rejects_unknown_fields() {
        let e = event(
            None,
            EventBody::Contact {
                channel: Channel::Door,
                result: "not_home".into(),
                call_back_at: None,
            },
        );
        let json = serde_json::to_string(&e).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        let extra = json.replacen("\"result\"", "\"colour\":\"red\",\"result\"", 1);
        let err = serde_json::from_str::<Event>(&extra)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `colour`"), "{err}");
        let top = json.replacen('{', "{\"x\":1,", 1);
        assert!(serde_json::from_str::<Event>(&top).is_err());
    }

    #[test]
    fn validates_against_the_campaign() {
        let c = config();
        let person = Some(PersonId::new_v7());
        let ok = event(
            None,
            EventBody::Contact {
                channel: Channel::Door,
                result: "not_home".into(),
                call_back_at: None,
            },
        );
        assert_eq!(ok.validate(&c), Ok(()));
        let talked_nobody = event(
            None,
            EventBody::Contact {
                channel: Channel::Door,
                result: "talked".into(),
                call_back_at: None,
            },
        );
        assert_eq!(
            talked_nobody.validate(&c),
            Err(EventError::ResultNeedsPerson("talked".into()))
        );
        let bad_code = event(
            person,
            EventBody::Contact {
                channel: Channel::Door,
                result: "abducted".into(),
                call_back_at: None,
            },
        );
        assert!(matches!(
            bad_code.validate(&c),
            Err(EventError::UnknownResult(_))
        ));
        let bad_answer = event(
            person,
            EventBody::Survey {
                attempt: None,
                question: "support".into(),
                answer: "6".into(),
            },
        );
        assert!(matches!(
            bad_answer.validate(&c),
            Err(EventError::UnknownAnswer { .. })
        ));
        let empty_note = event(
            None,
            EventBody::Note {
                attempt: None,
                text: "  ".into(),
            },
        );
        assert_eq!(empty_note.validate(&c), Err(EventError::EmptyNote));
        let mut v4 = ok.clone();
        v4.id = EventId(uuid::Uuid::new_v4());
        assert_eq!(v4.validate(&c), Err(EventError::IdNotV7));
        let bad_phone = event(
            person,
            EventBody::PersonAdded {
                first_name: "Ana".into(),
                last_name: String::new(),
                language: Some("es".into()),
                phone: Some("919-555".into()),
            },
        );
        assert_eq!(bad_phone.validate(&c), Err(EventError::BadPhone));
    }

    #[test]
    fn a_call_back_time_goes_only_with_a_phone_call_back_within_90_days() {
        let c = config();
        let person = Some(PersonId::new_v7());
        let at = 1_800_000_000_000;
        let call = |channel, result: &str, when| {
            event(
                person,
                EventBody::Contact {
                    channel,
                    result: result.into(),
                    call_back_at: when,
                },
            )
        };
        let hour = 60 * 60 * 1000;
        assert_eq!(
            call(Channel::Phone, "call_back", Some(at + hour)).validate(&c),
            Ok(())
        );
        assert_eq!(call(Channel::Phone, "call_back", None).validate(&c), Ok(()));
        assert_eq!(
            call(Channel::Phone, "busy", Some(at + hour)).validate(&c),
            Err(EventError::CallBackTimeWithoutCallBack)
        );
        assert_eq!(
            call(Channel::Door, "come_back", Some(at + hour)).validate(&c),
            Err(EventError::CallBackTimeWithoutCallBack)
        );
        // u64::MAX and just under it: refused, not an overflow (a panic in the server).
        for when in [
            at - hour,
            at + MAX_CALL_BACK_AHEAD_MS + 1,
            u64::MAX,
            u64::MAX - 1,
        ] {
            assert_eq!(
                call(Channel::Phone, "call_back", Some(when)).validate(&c),
                Err(EventError::CallBackTimeOutOfRange)
            );
        }
        // A phone's clock a minute behind another's is not an error.
        assert_eq!(
            call(Channel::Phone, "call_back", Some(at - 60_000)).validate(&c),
            Ok(())
        );
        // Old events (no call-back time) read as before and write the same JSON.
        let json = r#"{"kind":"contact","channel":"phone","result":"call_back"}"#;
        let body: EventBody = serde_json::from_str(json).expect("parse");
        assert_eq!(serde_json::to_string(&body).expect("write"), json);
    }

    #[test]
    fn e164() {
        assert!(is_e164("+19195550123"));
        assert!(!is_e164("19195550123"));
        assert!(!is_e164("+0195550123"));
        assert!(!is_e164("+1919"));
    }
}
