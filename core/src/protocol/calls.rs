//! Phone banking's wire types: a lead assigns a call list's callers
//! (`PUT /api/v1/call-lists/{id}/assignees`); a caller's device lists the lists it may work
//! (`GET /api/v1/my/call-lists`), claims the next contacts (`.../claim`), gives back the ones
//! it will not call (`.../release`); anyone who may call a list reads its progress
//! (`.../progress`). The server's routes, the app's sync and the OpenAPI document all use
//! these.

use serde::{Deserialize, Serialize};

use crate::ids::{CallListId, HouseholdId, PersonId, VolunteerId};

/// The most contacts one claim may ask for.
pub const MAX_CLAIM: u32 = 50;
/// The most people one release may name.
pub const MAX_RELEASE: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallersRequest {
    /// The volunteers who call the list from now on (replaces the current set).
    pub volunteers: Vec<VolunteerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallersResponse {
    pub call_list: CallListId,
    pub volunteers: Vec<VolunteerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// How many contacts to hold (1 to [`MAX_CLAIM`]), counting the ones this device already holds.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50))] // MAX_CLAIM
    pub count: u32,
}

/// Where the household lives, for the caller to confirm ("are you still on Oak Street?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactAddress {
    pub street: String,
    pub number: String,
    pub unit: String,
    pub city: String,
    pub zip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallContact {
    /// The person the call's records are about (`Event::person`).
    pub person: PersonId,
    /// Their household (`Event::household`).
    pub household: HouseholdId,
    pub first_name: String,
    pub last_name: String,
    /// Preferred language (BCP-47), to pick the script's language.
    pub language: Option<String>,
    /// The number to dial, E.164 (for a `tel:` link).
    pub phone: String,
    pub address: ContactAddress,
    /// Position on the list.
    pub position: u32,
    /// True for a second try or a call-back.
    pub retry: bool,
    /// When this device's hold on the contact ends (ms since the epoch): claim again before
    /// then to keep it.
    pub expires_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimResponse {
    pub call_list: CallListId,
    /// The key of the script to read (in the campaign config's scripts), when the list has one.
    pub script: Option<String>,
    /// How long a claim holds (ms).
    pub lease_ms: u64,
    /// Held contacts first (renewed), then new ones; fewer than asked when the list has no
    /// one else to call now.
    pub contacts: Vec<CallContact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// The people to give back (at most [`MAX_RELEASE`]).
    pub people: Vec<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleaseResponse {
    /// How many of them this device held.
    pub released: u32,
}

/// Where a call list stands: the server's store counts it, the caller's and the lead's
/// screens show it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallProgress {
    /// Everyone on the list.
    pub total: u32,
    /// Done with (talked, refused, wrong number, disconnected, deceased...), not counting
    /// do-not-call.
    #[serde(default)]
    pub retired: u32,
    /// Numbers on the campaign's do-not-call list (never handed out).
    #[serde(default)]
    pub do_not_call: u32,
    /// Never called yet.
    #[serde(default)]
    pub fresh: u32,
    /// Busy, no answer, left message: waiting for a later round.
    #[serde(default)]
    pub later_round: u32,
    /// Call-backs scheduled.
    pub call_backs: u32,
    /// Held by a device under an unexpired lease now.
    #[serde(default)]
    pub claimed: u32,
    /// Still to be handed out at some point: fresh + later round + call-backs.
    pub left: u32,
}

/// `GET /api/v1/call-lists/{id}/progress`: the list and its counts, side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallProgressResponse {
    pub call_list: CallListId,
    #[serde(flatten)]
    pub progress: CallProgress,
}

/// One call list and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyCallList {
    pub id: CallListId,
    pub name: String,
    /// The key of the script to read (in the campaign config's scripts), when it has one.
    pub script: Option<String>,
    #[serde(flatten)]
    pub progress: CallProgress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyCallListsResponse {
    /// By id; empty when the volunteer calls no list.
    pub lists: Vec<MyCallList>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_flat_on_the_wire_and_older_servers_lists_still_read() {
        let progress = CallProgress {
            total: 6,
            fresh: 4,
            later_round: 1,
            call_backs: 1,
            left: 6,
            ..CallProgress::default()
        };
        let wire = serde_json::to_value(CallProgressResponse {
            call_list: CallListId(3),
            progress,
        })
        .unwrap();
        assert_eq!(wire["call_list"], 3);
        assert_eq!(wire["left"], 6);
        assert_eq!(wire["later_round"], 1);
        assert!(wire.get("progress").is_none(), "{wire}");
        // A server from before the round counts: only total, left and call-backs.
        let old: MyCallList = serde_json::from_value(serde_json::json!({
            "id": 2, "name": "Seniors", "script": null,
            "total": 10, "left": 7, "call_backs": 2,
        }))
        .unwrap();
        assert_eq!((old.progress.total, old.progress.left), (10, 7));
        assert_eq!(old.progress.fresh, 0);
    }
}
