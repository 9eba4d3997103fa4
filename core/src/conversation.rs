//! Turning a conversation into events: what a volunteer chose at a door or on a call becomes
//! the contact attempt and the answers that follow it, in the order the device records them
//! (the contact first, then the survey answers, the pledge with its plan, the asks, the
//! note). The door screen and the call screen both build their events here, so a pledge or a
//! note is recorded the same way whichever channel it came through, and the rules (who a
//! contact is about, what a result needs) are the same on every device.

use crate::domain::{CampaignConfig, ResultEffect, ResultLevel, SUPPORT_QUESTION};
use crate::event::{AskAnswer, AskKind, Channel, EventBody, VotePlan};
use crate::ids::PersonId;
use crate::script::{QuestionKind, ScriptQuestion};

/// One event to record: who it is about (none for the household as a whole) and what.
pub type Recorded = (Option<PersonId>, EventBody);

/// What a person answered, whichever way it was asked (the campaign's script or the fixed
/// questions), and the note the volunteer wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversation {
    /// (question key, choice key), in the order asked.
    pub survey: Vec<(String, String)>,
    pub pledged: bool,
    /// How they plan to vote (kept only with a pledge).
    pub plan: VotePlan,
    pub volunteer: Option<AskAnswer>,
    pub donate: Option<AskAnswer>,
    /// Recorded whatever the result, when not blank.
    pub note: String,
}

/// What a visit or a call still needs before it can be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("choose what happened")]
    Result,
    #[error("choose who answered")]
    Person,
    #[error("choose when to call back")]
    CallBackTime,
}

impl Conversation {
    /// The answers to the fixed questions: support (the campaign's standard question), the
    /// pledge and the two asks.
    pub fn fixed(
        support: Option<&str>,
        pledged: bool,
        volunteer: Option<AskAnswer>,
        donate: Option<AskAnswer>,
    ) -> Conversation {
        Conversation {
            survey: support
                .map(|a| vec![(SUPPORT_QUESTION.to_owned(), a.to_owned())])
                .unwrap_or_default(),
            pledged,
            volunteer,
            donate,
            ..Conversation::default()
        }
    }

    /// The answers along the path a script took: each question with the choice made, in
    /// the order asked. A pledge or an ask question's `yes` / `no` / `maybe` is its answer.
    pub fn from_script<'a>(
        path: impl IntoIterator<Item = (&'a ScriptQuestion, &'a str)>,
    ) -> Conversation {
        let mut talk = Conversation::default();
        for (q, choice) in path {
            let ask = match choice {
                "yes" => Some(AskAnswer::Yes),
                "no" => Some(AskAnswer::No),
                "maybe" => Some(AskAnswer::Maybe),
                _ => None,
            };
            match q.kind {
                QuestionKind::Survey => talk.survey.push((q.key.clone(), choice.to_owned())),
                QuestionKind::Pledge => talk.pledged = ask == Some(AskAnswer::Yes),
                QuestionKind::VolunteerAsk => talk.volunteer = ask,
                QuestionKind::DonationAsk => talk.donate = ask,
            }
        }
        talk
    }

    /// The same answers with this plan and note.
    pub fn with_plan_and_note(mut self, plan: &VotePlan, note: &str) -> Conversation {
        self.plan = plan.clone();
        self.note = note.to_owned();
        self
    }

    /// Whether anything about the person was answered (a note alone is not an answer).
    pub fn any_answer(&self) -> bool {
        !self.survey.is_empty() || self.pledged || self.volunteer.is_some() || self.donate.is_some()
    }

    /// The answers' events about `person`: the survey answers, the pledge with its plan
    /// (trimmed), the asks, then the note when it is not blank.
    pub fn events(self, person: Option<PersonId>) -> Vec<Recorded> {
        let mut items = Vec::new();
        for (question, answer) in self.survey {
            items.push((
                person,
                EventBody::Survey {
                    attempt: None,
                    question,
                    answer,
                },
            ));
        }
        if self.pledged {
            let plan = VotePlan {
                when: self.plan.when.trim().to_owned(),
                place: self.plan.place.trim().to_owned(),
                how: self.plan.how.trim().to_owned(),
            };
            items.push((
                person,
                EventBody::Pledge {
                    attempt: None,
                    plan,
                },
            ));
        }
        for (ask, answer) in [
            (AskKind::Volunteer, self.volunteer),
            (AskKind::Donate, self.donate),
        ] {
            if let Some(answer) = answer {
                items.push((
                    person,
                    EventBody::Ask {
                        attempt: None,
                        ask,
                        answer,
                        amount_cents: None,
                    },
                ));
            }
        }
        let note = self.note.trim();
        if !note.is_empty() {
            items.push((
                person,
                EventBody::Note {
                    attempt: None,
                    text: note.to_owned(),
                },
            ));
        }
        items
    }
}

/// A door visit's events, the contact first. A result about a person (someone answered)
/// needs to know who, and so does any answer; a household-level result (not home, moved)
/// is about the household, and its answers, if any, about who answered.
pub fn door_visit(
    campaign: &CampaignConfig,
    result: Option<&str>,
    answered: Option<PersonId>,
    talk: Conversation,
) -> Result<Vec<Recorded>, Missing> {
    let result = result.ok_or(Missing::Result)?;
    let level = campaign
        .result_code(result)
        .map_or(ResultLevel::Door, |c| c.level);
    if (level == ResultLevel::Person || talk.any_answer()) && answered.is_none() {
        return Err(Missing::Person);
    }
    let contact_person = if level == ResultLevel::Person {
        answered
    } else {
        None
    };
    let mut items = vec![(
        contact_person,
        EventBody::Contact {
            channel: Channel::Door,
            result: result.to_owned(),
            call_back_at: None,
        },
    )];
    items.extend(talk.events(answered));
    Ok(items)
}

/// A call's events, the contact first. A result that means "call again" needs the time the
/// caller chose; the conversation's answers are recorded only with a result where they
/// talked (the note whatever the result).
pub fn phone_call(
    campaign: &CampaignConfig,
    person: PersonId,
    result: Option<&str>,
    call_back_at: Option<u64>,
    talk: Conversation,
) -> Result<Vec<Recorded>, Missing> {
    let result = result.ok_or(Missing::Result)?;
    let effect = campaign.result_code(result).map(|c| c.effect);
    let call_back_at = if effect == Some(ResultEffect::ComeBack) {
        Some(call_back_at.ok_or(Missing::CallBackTime)?)
    } else {
        None
    };
    let talk = if effect == Some(ResultEffect::Contacted) {
        talk
    } else {
        Conversation {
            note: talk.note,
            ..Conversation::default()
        }
    };
    let mut items = vec![(
        Some(person),
        EventBody::Contact {
            channel: Channel::Phone,
            result: result.to_owned(),
            call_back_at,
        },
    )];
    items.extend(talk.events(Some(person)));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CampaignId;

    fn campaign() -> CampaignConfig {
        CampaignConfig::with_defaults(CampaignId(1), "Test")
    }

    #[test]
    fn a_door_visit_records_the_contact_first_then_the_answers_in_order() {
        let ana = PersonId(uuid::Uuid::nil());
        let talk = Conversation::fixed(Some("strong_yes"), true, Some(AskAnswer::Maybe), None)
            .with_plan_and_note(
                &VotePlan {
                    when: " election day ".into(),
                    ..VotePlan::default()
                },
                "  dog in the yard ",
            );
        let items = door_visit(&campaign(), Some("talked"), Some(ana), talk).expect("events");
        let kinds: Vec<_> = items.iter().map(|(_, b)| b.kind()).collect();
        assert_eq!(kinds, ["contact", "survey", "pledge", "ask", "note"]);
        assert!(items.iter().all(|(p, _)| *p == Some(ana)));
        match &items[2].1 {
            EventBody::Pledge { plan, .. } => assert_eq!(plan.when, "election day"),
            other => panic!("{other:?}"),
        }
        match &items[4].1 {
            EventBody::Note { text, .. } => assert_eq!(text, "dog in the yard"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_door_visit_says_what_is_missing() {
        let c = campaign();
        assert_eq!(
            door_visit(&c, None, None, Conversation::default()),
            Err(Missing::Result)
        );
        assert_eq!(
            door_visit(&c, Some("talked"), None, Conversation::default()),
            Err(Missing::Person)
        );
        let answered = Conversation::fixed(Some("lean_yes"), false, None, None);
        assert_eq!(
            door_visit(&c, Some("not_home"), None, answered),
            Err(Missing::Person),
            "an answer needs who gave it"
        );
        let items = door_visit(&c, Some("not_home"), None, Conversation::default()).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].0, None,
            "a household-level result is about the door"
        );
    }

    #[test]
    fn a_call_keeps_answers_only_when_they_talked_and_needs_a_call_back_time() {
        let c = campaign();
        let ben = PersonId(uuid::Uuid::nil());
        let talk = || {
            Conversation::fixed(Some("lean_no"), false, None, None)
                .with_plan_and_note(&VotePlan::default(), "spoke Spanish")
        };
        let talked = phone_call(&c, ben, Some("talked"), None, talk()).unwrap();
        assert_eq!(talked.len(), 3, "contact, survey, note");
        let busy = phone_call(&c, ben, Some("busy"), None, talk()).unwrap();
        let kinds: Vec<_> = busy.iter().map(|(_, b)| b.kind()).collect();
        assert_eq!(kinds, ["contact", "note"]);
        assert_eq!(
            phone_call(&c, ben, Some("call_back"), None, talk()),
            Err(Missing::CallBackTime)
        );
        let later =
            phone_call(&c, ben, Some("call_back"), Some(1_800_000_000_000), talk()).unwrap();
        match &later[0].1 {
            EventBody::Contact { call_back_at, .. } => {
                assert_eq!(*call_back_at, Some(1_800_000_000_000))
            }
            other => panic!("{other:?}"),
        }
    }
}
