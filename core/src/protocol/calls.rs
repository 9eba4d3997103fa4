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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallProgressResponse {
    pub call_list: CallListId,
    pub total: u32,
    /// Done with: talked, refused, wrong number, disconnected, deceased...
    pub retired: u32,
    /// Numbers on the campaign's do-not-call list (never handed out).
    pub do_not_call: u32,
    /// Never called yet.
    pub fresh: u32,
    /// Busy, no answer, left message: waiting for a later round.
    pub later_round: u32,
    /// Call-backs scheduled.
    pub call_backs: u32,
    /// Held by a device now.
    pub claimed: u32,
    /// Still to be called at some point: fresh + later round + call-backs.
    pub left: u32,
}

/// One call list and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyCallList {
    pub id: CallListId,
    pub name: String,
    /// The key of the script to read (in the campaign config's scripts), when it has one.
    pub script: Option<String>,
    /// Everyone on the list.
    pub total: u32,
    /// Still to be called at some point: fresh + later round + call-backs.
    pub left: u32,
    /// Never called yet.
    #[serde(default)]
    pub fresh: u32,
    /// Busy, no answer, left message: waiting for a later round.
    #[serde(default)]
    pub later_round: u32,
    /// Call-backs scheduled.
    pub call_backs: u32,
    /// Held by a device now.
    #[serde(default)]
    pub claimed: u32,
    /// Done with (talked, refused, wrong number...).
    #[serde(default)]
    pub retired: u32,
    /// Numbers on the campaign's do-not-call list.
    #[serde(default)]
    pub do_not_call: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyCallListsResponse {
    /// By id; empty when the volunteer calls no list.
    pub lists: Vec<MyCallList>,
}
