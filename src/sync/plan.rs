//! The sync plan: pure decisions, no I/O, none of the engine's state. What a push request
//! looks like around the stored events, what the server's answers add up to (and whether
//! they can be trusted), whether to pull again, and what an HTTP failure means for the
//! device. The engine does the I/O and follows these answers.

use std::collections::HashMap;

use groundgame_core::protocol::{
    codes, PullResponse, PushOutcome, ScopeCursor, MAX_PUSH_EVENTS, PROTOCOL_VERSION,
};

use crate::store::LocalTurf;

/// The most events one push carries.
pub const PUSH_MAX_EVENTS: usize = MAX_PUSH_EVENTS;
/// The most bytes of (uncompressed) JSON one push carries.
pub const PUSH_MAX_BYTES: usize = 512 * 1024;
/// Room left in a push for the envelope around the events.
const ENVELOPE_BYTES: usize = 64;

/// How many bytes of event JSON fit in one push.
pub fn push_event_bytes() -> usize {
    PUSH_MAX_BYTES - ENVELOPE_BYTES
}

/// A push request body (`PushRequest` as JSON) around already-serialised events (the
/// comma-separated inside of the `events` array): spliced, never re-serialised.
pub fn push_body(events_json: &str, pending: u64) -> Vec<u8> {
    let pending = u32::try_from(pending).unwrap_or(u32::MAX);
    let mut body = Vec::with_capacity(events_json.len() + ENVELOPE_BYTES);
    body.extend_from_slice(b"{\"protocol\":");
    body.extend_from_slice(PROTOCOL_VERSION.to_string().as_bytes());
    body.extend_from_slice(b",\"events\":[");
    body.extend_from_slice(events_json.as_bytes());
    body.extend_from_slice(b"],\"pending\":");
    body.extend_from_slice(pending.to_string().as_bytes());
    body.push(b'}');
    body
}

/// What the server made of a pushed batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushTally {
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

/// Count the answers to a batch of `sent` events. The server must answer every event, in
/// order; anything else is not applied (the batch is simply pushed again later).
pub fn tally(sent: usize, results: &[PushOutcome]) -> Result<PushTally, PlanError> {
    if results.len() != sent {
        return Err(PlanError::WrongAnswerCount {
            sent,
            answered: results.len(),
        });
    }
    let mut t = PushTally::default();
    for r in results {
        match r {
            PushOutcome::Accepted => t.accepted += 1,
            PushOutcome::Duplicate => t.duplicates += 1,
            PushOutcome::Rejected { .. } => t.rejected += 1,
        }
    }
    Ok(t)
}

/// The next thing a sync does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Push,
    Pull,
    Done,
}

/// Push first (so our own events come back with the server's timestamps), then pull.
pub fn first_step(pending: u64) -> Step {
    if pending > 0 {
        Step::Push
    } else {
        Step::Pull
    }
}

/// After a pushed batch: more rows after it? Push them; otherwise pull.
pub fn after_push(more_waiting: bool) -> Step {
    if more_waiting {
        Step::Push
    } else {
        Step::Pull
    }
}

/// After a pull response was applied: pull again while the server has more, but only if
/// this response moved something (a cursor, a new turf, a removal) — a server that keeps
/// saying "more" without sending anything would otherwise hold the device in a loop.
pub fn after_pull(sent: &[ScopeCursor], response: &PullResponse) -> Result<Step, PlanError> {
    if !response.has_more {
        return Ok(Step::Done);
    }
    let before: HashMap<_, _> = sent.iter().map(|s| (s.turf, s.cursor)).collect();
    let moved = !response.removed.is_empty()
        || response
            .scopes
            .iter()
            .any(|p| before.get(&p.turf.id) != Some(&p.cursor) || p.map.is_some());
    if moved {
        Ok(Step::Pull)
    } else {
        Err(PlanError::PullStalled)
    }
}

/// Households held / households in scope, summed over the turfs held.
pub fn download_progress(turfs: &[LocalTurf]) -> (u64, u64) {
    turfs.iter().fold((0, 0), |(done, total), t| {
        (
            done + u64::from(t.households_held),
            total + u64::from(t.household_total.max(t.households_held)),
        )
    })
}

/// What an unsuccessful HTTP answer means for the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A lead revoked the device: wipe its voter data.
    Revoked,
    /// The token is no longer accepted: keep the data, stop until the volunteer rejoins.
    SignedOut,
    /// The server is failing or overloaded: retry with backoff.
    Transient,
    /// The request as a whole was refused: report it, retry with backoff (never in a loop).
    Refused,
    /// The push was too large or held an unacceptable value as a whole: split the batch
    /// to find the event at fault, so it cannot block the others.
    SplitBatch,
}

pub fn classify(status: u16, code: &str) -> Failure {
    match status {
        401 if code == codes::DEVICE_REVOKED => Failure::Revoked,
        401 => Failure::SignedOut,
        408 | 429 | 500..=599 => Failure::Transient,
        413 | 422 => Failure::SplitBatch,
        _ => Failure::Refused,
    }
}

/// A server answer the plan cannot follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the server answered {answered} of {sent} pushed events")]
    WrongAnswerCount { sent: usize, answered: usize },
    #[error("the server says more changes wait but sent none")]
    PullStalled,
}

#[cfg(test)]
mod tests {
    use groundgame_core::protocol::{PushRequest, ScopePage};
    use groundgame_core::{
        CampaignConfig, CampaignId, Event, EventBody, EventId, Hlc, HouseholdId, Turf, TurfId,
    };

    use super::*;

    fn event() -> Event {
        Event {
            id: EventId::new_v7(),
            at: Hlc::new(1_800_000_000_000, 1),
            household: HouseholdId(4),
            person: None,
            body: EventBody::Contact {
                channel: groundgame_core::event::Channel::Door,
                result: "not_home".into(),
                call_back_at: None,
            },
        }
    }

    #[test]
    fn the_spliced_body_is_a_push_request() {
        let events = vec![event(), event()];
        let inner = events
            .iter()
            .map(|e| serde_json::to_string(e).expect("json"))
            .collect::<Vec<_>>()
            .join(",");
        let body = push_body(&inner, 12);
        let parsed: PushRequest = serde_json::from_slice(&body).expect("a PushRequest");
        assert_eq!(parsed.protocol, PROTOCOL_VERSION);
        assert_eq!(parsed.events, events);
        assert_eq!(parsed.pending, 12);
        assert!(body.len() - inner.len() <= ENVELOPE_BYTES);
        let empty: PushRequest = serde_json::from_slice(&push_body("", 0)).expect("empty");
        assert!(empty.events.is_empty());
    }

    #[test]
    fn tallies_answers_and_refuses_a_short_answer() {
        let results = vec![
            PushOutcome::Accepted,
            PushOutcome::Duplicate,
            PushOutcome::Rejected {
                code: "x".into(),
                message: "y".into(),
            },
            PushOutcome::Accepted,
        ];
        assert_eq!(
            tally(4, &results),
            Ok(PushTally {
                accepted: 2,
                duplicates: 1,
                rejected: 1
            })
        );
        assert_eq!(
            tally(5, &results),
            Err(PlanError::WrongAnswerCount {
                sent: 5,
                answered: 4
            })
        );
    }

    #[test]
    fn push_then_pull_then_done() {
        assert_eq!(first_step(3), Step::Push);
        assert_eq!(first_step(0), Step::Pull);
        assert_eq!(after_push(true), Step::Push);
        assert_eq!(after_push(false), Step::Pull);
    }

    fn page(turf: i64, cursor: u64) -> ScopePage {
        ScopePage {
            turf: Turf {
                id: TurfId(turf),
                campaign: CampaignId(1),
                name: "t".into(),
            },
            cursor,
            complete: false,
            household_total: 0,
            households: vec![],
            people: vec![],
            events: vec![],
            removed_households: vec![],
            removed_people: vec![],
            removed_events: Vec::new(),
            map: None,
        }
    }

    fn pull(scopes: Vec<ScopePage>, removed: Vec<TurfId>, has_more: bool) -> PullResponse {
        PullResponse {
            server_time: Hlc::ZERO,
            campaign: CampaignConfig::with_defaults(CampaignId(1), "c"),
            scopes,
            removed,
            has_more,
        }
    }

    #[test]
    fn pulls_again_only_while_the_server_makes_progress() {
        let sent = [ScopeCursor {
            map: None,
            turf: TurfId(1),
            cursor: 10,
        }];
        assert_eq!(
            after_pull(&sent, &pull(vec![], vec![], false)),
            Ok(Step::Done)
        );
        assert_eq!(
            after_pull(&sent, &pull(vec![page(1, 20)], vec![], true)),
            Ok(Step::Pull)
        );
        // A turf new to the device counts as progress.
        assert_eq!(
            after_pull(&sent, &pull(vec![page(2, 0)], vec![], true)),
            Ok(Step::Pull)
        );
        assert_eq!(
            after_pull(&sent, &pull(vec![], vec![TurfId(1)], true)),
            Ok(Step::Pull)
        );
        assert_eq!(
            after_pull(&sent, &pull(vec![page(1, 10)], vec![], true)),
            Err(PlanError::PullStalled)
        );
        // A page that brings only the turf's map moved it too.
        let map_only = ScopePage {
            map: Some(groundgame_core::protocol::TurfMap {
                tag: 3,
                names: vec![],
                lines: vec![],
            }),
            ..page(1, 10)
        };
        assert_eq!(
            after_pull(&sent, &pull(vec![map_only], vec![], true)),
            Ok(Step::Pull)
        );
        assert_eq!(
            after_pull(&sent, &pull(vec![], vec![], true)),
            Err(PlanError::PullStalled)
        );
    }

    #[test]
    fn failures_are_classified_by_status_and_code() {
        assert_eq!(classify(401, codes::DEVICE_REVOKED), Failure::Revoked);
        assert_eq!(classify(401, codes::UNAUTHORIZED), Failure::SignedOut);
        assert_eq!(classify(503, codes::INTERNAL), Failure::Transient);
        assert_eq!(classify(429, ""), Failure::Transient);
        assert_eq!(classify(413, codes::TOO_LARGE), Failure::SplitBatch);
        assert_eq!(classify(422, codes::INVALID_VALUE), Failure::SplitBatch);
        assert_eq!(classify(400, codes::INVALID_BODY), Failure::Refused);
        assert_eq!(classify(403, codes::FORBIDDEN), Failure::Refused);
    }

    #[test]
    fn progress_sums_turfs() {
        let t = |held, total| LocalTurf {
            id: TurfId(1),
            name: String::new(),
            cursor: 0,
            household_total: total,
            households_held: held,
        };
        assert_eq!(download_progress(&[t(5, 10), t(3, 3)]), (8, 13));
        assert_eq!(download_progress(&[]), (0, 0));
    }
}
