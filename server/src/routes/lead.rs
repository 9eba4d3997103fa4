//! Lead endpoints: list turfs and volunteers, assign turfs, revoke devices. Only a lead or
//! admin of the same campaign as the target may call them; everyone else gets 403.
//! Their request and response types are core's (`groundgame_core::protocol::lead`).

use axum::extract::{Path, State};
use axum::Json;
use groundgame_core::protocol::lead::{
    AssigneesRequest, AssigneesResponse, DeviceItem, RevokeResponse, TurfList, VolunteerItem,
    VolunteerList, NOT_SYNCED_HOURS,
};
use groundgame_core::protocol::ErrorBody;
use groundgame_core::{DeviceId, TurfId};

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::http::json::ApiJson;
use crate::AppState;

fn require_lead(device: &AuthDevice) -> Result<(), ApiError> {
    device.require_lead_of(device.campaign)
}

#[utoipa::path(
    put,
    path = super::TURF_ASSIGNEES_PATH,
    tag = "lead",
    params(("id" = i64, Path, description = "Turf id")),
    request_body = AssigneesRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The turf's assignees now", body = AssigneesResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such turf (one of another campaign is answered the same)", body = ErrorBody),
        (status = 422, description = "A volunteer is not in the turf's campaign", body = ErrorBody),
    )
)]
pub(crate) async fn set_assignees(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AssigneesRequest>,
) -> Result<Json<AssigneesResponse>, ApiError> {
    require_lead(&device)?;
    let turf = TurfId(id);
    let missing = || ApiError::NotFound("no such turf; list turfs at /api/v1/turfs".into());
    let campaign = state
        .read(move |s| s.turf_campaign(turf))
        .await?
        .ok_or_else(missing)?;
    device.owns(campaign, missing())?;
    let now = state.now_ms();
    let volunteers = state
        .write(move |s| {
            s.set_assignees_at(turf, &req.volunteers, now)?;
            s.assignees(turf)
        })
        .await?;
    tracing::info!(device = %device.device, turf = %turf, assignees = volunteers.len(), "turf assigned");
    Ok(Json(AssigneesResponse { turf, volunteers }))
}

#[utoipa::path(
    post,
    path = super::DEVICE_REVOKE_PATH,
    tag = "lead",
    params(("id" = i64, Path, description = "Device id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked: the device wipes its voter data on its next sync", body = RevokeResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such device (one of another campaign is answered the same)", body = ErrorBody),
    )
)]
pub(crate) async fn revoke_device(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
) -> Result<Json<RevokeResponse>, ApiError> {
    require_lead(&device)?;
    let target = DeviceId(id);
    let missing =
        || ApiError::NotFound("no such device; list devices at /api/v1/volunteers".into());
    let campaign = state
        .read(move |s| s.device_campaign(target))
        .await?
        .ok_or_else(missing)?;
    device.owns(campaign, missing())?;
    state.write(move |s| s.revoke_device(target)).await?;
    tracing::info!(device = %device.device, revoked = %target, "device revoked");
    Ok(Json(RevokeResponse {
        device: target,
        revoked: true,
    }))
}

#[utoipa::path(
    get,
    path = super::TURFS_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's turfs", body = TurfList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list_turfs(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<TurfList>, ApiError> {
    require_lead(&device)?;
    let campaign = device.campaign;
    let turfs = state.read(move |s| s.turf_summaries(campaign)).await?;
    Ok(Json(TurfList { turfs }))
}

#[utoipa::path(
    get,
    path = super::VOLUNTEERS_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's volunteers and their devices", body = VolunteerList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list_volunteers(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<VolunteerList>, ApiError> {
    require_lead(&device)?;
    let campaign = device.campaign;
    let now = state.now_ms();
    let volunteers = state.read(move |s| s.volunteer_summaries(campaign)).await?;
    Ok(Json(VolunteerList {
        volunteers: volunteers
            .into_iter()
            .map(|v| VolunteerItem {
                id: v.id,
                name: v.name,
                role: v.role,
                devices: v
                    .devices
                    .into_iter()
                    .map(|d| DeviceItem {
                        id: d.id,
                        name: d.name,
                        last_seen_at: d.last_seen_at,
                        pending: d.pending,
                        app_version: d.app_version,
                        revoked: d.revoked,
                        not_synced_recently: !d.revoked
                            && now.saturating_sub(d.last_seen_at) > NOT_SYNCED_HOURS * 3_600_000,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
