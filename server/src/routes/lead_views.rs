//! What the lead's screens list besides progress: `GET /api/v1/invites` (the campaign's
//! invites, never their codes, with who joined with each), `GET /api/v1/call-lists` (the
//! call lists with their callers, to assign them) and `GET /api/v1/old-assignments` (what
//! volunteers recorded in turfs no longer assigned to them). Only a lead or admin may call
//! them, and each answers about the caller's own campaign. The meaning of each figure is
//! written in `store::lead_views`.

use axum::extract::State;
use axum::Json;
use groundgame_core::protocol::lead::{CallListList, InviteItem, InviteList, OldAssignmentList};
use groundgame_core::protocol::ErrorBody;

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::AppState;

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
            .map(|i| InviteItem {
                id: i.id,
                role: i.role,
                created_at: i.created_at,
                expires_at: i.expires_at,
                max_uses: i.max_uses,
                used: i.max_uses.saturating_sub(i.uses_left),
                expired: i.expires_at <= now,
                joined: i.joined,
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
    let call_lists = state.read(move |s| s.call_list_summaries(campaign)).await?;
    Ok(Json(CallListList { call_lists }))
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
    Ok(Json(OldAssignmentList { records }))
}
