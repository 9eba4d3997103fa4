//! What the lead's screens list besides progress: `GET /api/v1/invites` (the campaign's
//! invites, never their codes, with who joined with each), `GET /api/v1/call-lists` (the
//! call lists with their callers, to assign them) and `GET /api/v1/old-assignments` (what
//! volunteers recorded in turfs no longer assigned to them). Only a lead or admin may call
//! them, and each answers about the caller's own campaign. The meaning of each figure is
//! written in `store::lead_views`.

use axum::extract::State;
use axum::Json;
use groundgame_core::protocol::ErrorBody;
use groundgame_core::{CallListId, DeviceId, Role, TurfId, VolunteerId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::AuthDevice;
use crate::error::ApiError;
use crate::AppState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InviteJoinItem {
    pub volunteer: VolunteerId,
    pub volunteer_name: String,
    pub device: DeviceId,
    pub device_name: String,
    /// When they registered (ms since the epoch).
    pub joined_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InviteListItem {
    /// The invite's number (not its code: only a hash of the code is kept).
    pub id: i64,
    pub role: Role,
    /// When it was made and when it expires (ms since the epoch).
    pub created_at: u64,
    pub expires_at: u64,
    /// How many registrations it allows, and how many it has had.
    pub max_uses: u32,
    pub used: u32,
    /// Past its expiry (now, by the server's clock).
    pub expired: bool,
    /// Who registered with it, oldest first (invites made before the server kept this
    /// show nobody).
    pub joined: Vec<InviteJoinItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InviteList {
    /// Newest first.
    pub invites: Vec<InviteListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CallListItem {
    pub id: CallListId,
    pub name: String,
    /// The key of the script callers read, when the list has one.
    pub script: Option<String>,
    /// People on the list.
    pub members: u32,
    /// Volunteers calling it now.
    pub callers: Vec<VolunteerId>,
    pub created_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CallListList {
    pub call_lists: Vec<CallListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OldAssignmentItem {
    pub turf: TurfId,
    pub turf_name: String,
    pub volunteer: VolunteerId,
    pub volunteer_name: String,
    /// When their assignment to the turf ended (ms since the epoch).
    pub ended_at: u64,
    /// Events they recorded in the turf (all kept and counted in progress).
    pub events: u64,
    /// Door knocks among them.
    pub knocks: u64,
    /// Events that reached the server after the assignment had ended.
    pub after_end: u64,
    /// The newest event's time (ms since the epoch).
    pub last_event_at: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OldAssignmentList {
    /// By turf, then volunteer.
    pub records: Vec<OldAssignmentItem>,
}

#[utoipa::path(
    get,
    path = super::INVITES_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's invites and who joined with each", body = InviteList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list_invites(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<InviteList>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let campaign = device.campaign;
    let now = state.now_ms();
    let invites = state.read(move |s| s.invite_summaries(campaign)).await?;
    Ok(Json(InviteList {
        invites: invites
            .into_iter()
            .map(|i| InviteListItem {
                id: i.id,
                role: i.role,
                created_at: i.created_at,
                expires_at: i.expires_at,
                max_uses: i.max_uses,
                used: i.max_uses.saturating_sub(i.uses_left),
                expired: i.expires_at <= now,
                joined: i
                    .joined
                    .into_iter()
                    .map(|j| InviteJoinItem {
                        volunteer: j.volunteer,
                        volunteer_name: j.volunteer_name,
                        device: j.device,
                        device_name: j.device_name,
                        joined_at: j.joined_at,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[utoipa::path(
    get,
    path = super::CALL_LISTS_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's call lists and their callers", body = CallListList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list_call_lists(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<CallListList>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let campaign = device.campaign;
    let lists = state.read(move |s| s.call_list_summaries(campaign)).await?;
    Ok(Json(CallListList {
        call_lists: lists
            .into_iter()
            .map(|l| CallListItem {
                id: l.id,
                name: l.name,
                script: l.script,
                members: l.members,
                callers: l.callers,
                created_at: l.created_at,
            })
            .collect(),
    }))
}

#[utoipa::path(
    get,
    path = super::OLD_ASSIGNMENTS_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Records made in turfs no longer assigned to their recorder", body = OldAssignmentList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list_old_assignments(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<OldAssignmentList>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let campaign = device.campaign;
    let records = state.read(move |s| s.old_assignments(campaign)).await?;
    Ok(Json(OldAssignmentList {
        records: records
            .into_iter()
            .map(|r| OldAssignmentItem {
                turf: r.turf,
                turf_name: r.turf_name,
                volunteer: r.volunteer,
                volunteer_name: r.volunteer_name,
                ended_at: r.ended_at,
                events: r.events,
                knocks: r.knocks,
                after_end: r.after_end,
                last_event_at: r.last_event_at,
            })
            .collect(),
    }))
}
