//! The sync protocol's wire types (JSON over HTTP, bodies gzip-compressed both ways).
//! Versioned under `/api/v1`; a type here changes only compatibly (new optional fields).
//!
//! The exchange, from a device's side:
//! 1. `POST /api/v1/register` with an invite code → a device id and a bearer token.
//! 2. `POST /api/v1/push` with up to [`MAX_PUSH_EVENTS`] events from the outbox → one
//!    [`PushOutcome`] per event, in the same order. Pushing the same events again answers
//!    `duplicate` and changes nothing, so any retry is safe.
//! 3. `POST /api/v1/pull` with one cursor per turf the device holds → pages of changes per
//!    turf in scope, and the turfs that left the device's scope (to delete locally). Each
//!    turf's cursor is a position in the server's gapless sequence: a commit never lands
//!    behind a cursor already handed out.
//!
//! Every request carries `Authorization: Bearer <token>` (except register). A 401 whose code
//! is [`codes::DEVICE_REVOKED`] tells the device to wipe its voter data.

pub mod calls;
pub mod campaign_data;
pub mod lead;

use serde::{Deserialize, Serialize};

use crate::domain::{CampaignConfig, Household, Person, Role, Turf};
use crate::event::Event;
use crate::hlc::Hlc;
use crate::ids::{CampaignId, DeviceId, EventId, HouseholdId, PersonId, TurfId, VolunteerId};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// The most events one push may carry.
pub const MAX_PUSH_EVENTS: usize = 1000;
/// The largest request body the server reads, after decompression.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// The default and largest number of rows in one pull page.
pub const DEFAULT_PULL_LIMIT: u32 = 5000;
pub const MAX_PULL_LIMIT: u32 = 20_000;

pub use crate::paths::{PULL_PATH, PUSH_PATH, REGISTER_PATH};

/// Join a campaign with an invite code; this device becomes a registered device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))] // PROTOCOL_VERSION
    pub protocol: u32,
    /// An invite code from a lead (a new volunteer with its role), or a device-link code
    /// made by one of a volunteer's devices (`POST /api/v1/devices/link`: this device joins
    /// as that volunteer, and `volunteer_name` is not used).
    pub invite_code: String,
    /// The volunteer's name as they want teammates to see it (1 to 100 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = r"\S")
    )]
    pub volunteer_name: String,
    /// "Ana's phone".
    pub device_name: String,
    pub app_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterResponse {
    pub device: DeviceId,
    pub volunteer: VolunteerId,
    pub campaign: CampaignId,
    pub role: Role,
    /// The bearer token: shown once, stored hashed on the server.
    pub token: String,
    pub server_time: Hlc,
}

/// `POST /api/v1/devices/link`: a code another device of this volunteer joins with (typed
/// where an invite code goes), shown on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceLinkResponse {
    /// Shown once; only its hash is kept.
    pub code: String,
    /// When it stops working (ms since the epoch): 15 minutes from when it was made.
    pub expires_at: u64,
}

/// Events from a device's outbox, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))] // PROTOCOL_VERSION
    pub protocol: u32,
    pub events: Vec<Event>,
    /// How many events were waiting on the device when it sent this (for the lead's view).
    #[serde(default)]
    pub pending: u32,
}

/// What became of one pushed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// Stored now.
    Accepted,
    /// Already stored by an earlier push: nothing changed.
    Duplicate,
    /// Refused, for a reason the volunteer or lead can act on. Never retried.
    Rejected { code: String, message: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushResponse {
    /// One outcome per pushed event, in the request's order.
    pub results: Vec<PushOutcome>,
    pub server_time: Hlc,
}

/// Where a device stands in one turf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScopeCursor {
    pub turf: TurfId,
    /// The last server sequence number the device holds for this turf (0: nothing yet).
    pub cursor: u64,
    /// The [`TurfMap::tag`] of the turf's map the device holds (none yet: absent). The
    /// server sends the map again only when its tag is another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))] // PROTOCOL_VERSION
    pub protocol: u32,
    /// Every turf the device holds data for, with its cursor.
    pub scopes: Vec<ScopeCursor>,
    /// Rows per response, at most [`MAX_PULL_LIMIT`].
    #[serde(default)]
    pub limit: Option<u32>,
    /// This app draws turf maps: send each turf's streets ([`ScopePage::map`]) when the
    /// device has none or an older one. (Absent: an app that does not, and gets none.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub maps: bool,
}

/// The streets around a turf (its placed doors' box, 150 m wider), for the canvasser's map
/// with no network. Sent with the turf's page when the device holds no map or another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TurfMap {
    /// Which map this is (the campaign's map as loaded, and the turf's box); the device
    /// sends it back in [`ScopeCursor::map`].
    #[cfg_attr(feature = "openapi", schema(maximum = 9_007_199_254_740_991_u64))]
    pub tag: u64,
    /// Street names, once each; a line names its street by index.
    pub names: Vec<String>,
    pub lines: Vec<MapLine>,
}

/// One stretch of a street.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MapLine {
    /// Index into [`TurfMap::names`].
    pub name: u32,
    /// A through road for traffic (primary, secondary, trunk, motorway): drawn wider, and
    /// a walking route does not zig-zag across it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub arterial: bool,
    /// Its points in Google's encoded polyline format, 5 decimals
    /// ([`crate::map::encode_line`]).
    pub points: String,
}

/// The changes of one turf in scope, from the device's cursor up to `cursor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScopePage {
    pub turf: Turf,
    /// The new cursor for this turf once this page is applied.
    pub cursor: u64,
    /// False when more changes wait above `cursor`: pull again.
    pub complete: bool,
    /// Households in this turf, total (for progress bars).
    pub household_total: u32,
    pub households: Vec<Household>,
    pub people: Vec<Person>,
    /// Events as the server holds them (its timestamp wins where it clamped a skewed clock).
    pub events: Vec<Event>,
    pub removed_households: Vec<HouseholdId>,
    pub removed_people: Vec<PersonId>,
    /// Records a lead dismissed (held for a lead, then not taken): the phone that made
    /// them holds them as delivered, and drops them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_events: Vec<EventId>,
    /// The turf's streets, when the device asked for maps and holds none or another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<TurfMap>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PullResponse {
    pub server_time: Hlc,
    pub campaign: CampaignConfig,
    /// Pages for the turfs in scope that have changes (a turf new to the device starts at 0).
    pub scopes: Vec<ScopePage>,
    /// Turfs the device holds that are no longer in its scope: delete their voter data.
    pub removed: Vec<TurfId>,
    /// True when some turf still has changes beyond this response: pull again.
    pub has_more: bool,
}

/// Every error the API returns has this shape, with one of [`codes`] and a sentence saying
/// what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
}

/// Machine-readable error codes (HTTP status in brackets).
pub mod codes {
    /// The body is not valid JSON of the expected shape [400].
    pub const INVALID_BODY: &str = "invalid_body";
    /// A value is well-formed but not acceptable [422].
    pub const INVALID_VALUE: &str = "invalid_value";
    /// The app is older or newer than the server understands [400].
    pub const UNSUPPORTED_PROTOCOL: &str = "unsupported_protocol";
    /// Missing, malformed or unknown token [401].
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// The device was revoked by a lead: wipe local voter data [401].
    pub const DEVICE_REVOKED: &str = "device_revoked";
    /// Authenticated, but the role may not do this [403].
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    /// The path exists, but not with this HTTP method [405].
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    /// The invite code is unknown, expired or used up [403].
    pub const INVITE_INVALID: &str = "invite_invalid";
    pub const INVITE_EXPIRED: &str = "invite_expired";
    pub const INVITE_USED_UP: &str = "invite_used_up";
    /// The body is over [`super::MAX_BODY_BYTES`] or carries too many events [413].
    pub const TOO_LARGE: &str = "too_large";
    /// Too many refused invite codes from this address lately; wait, then try again [429].
    pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
    /// The device sent more pushes or link codes than its quota lately; it waits the
    /// `Retry-After` seconds, then sends the rest [429].
    pub const TOO_MANY_REQUESTS: &str = "too_many_requests";
    /// Something failed on the server; nothing is shown of it [500].
    pub const INTERNAL: &str = "internal";
    /// Per-event rejection codes in [`super::PushOutcome::Rejected`].
    pub const OUT_OF_SCOPE: &str = "out_of_scope";
    pub const BAD_TIMESTAMP: &str = "bad_timestamp";
    pub const ID_REUSED: &str = "id_reused";
    /// The volunteer's turf or call list was taken from them longer ago than the server's
    /// grace window (a field day): the record stays on the phone for the lead to see.
    pub const ASSIGNMENT_ENDED: &str = "assignment_ended";
}
