//! Lead endpoints for the campaign's data: cut the imported households into turfs, make a
//! call list, make an invite code. The same operations as the command line, for the app.
//! Only a lead or admin of the campaign may call them; the campaign is the caller's own.

use axum::extract::State;
use axum::Json;
use groundgame_core::protocol::campaign_data::{
    CallListRequest, CallListResponse, CutRequest, CutResponse, CutTurfItem,
};
use groundgame_core::protocol::lead::{InviteRequest, InviteResponse};
use groundgame_core::protocol::ErrorBody;
use groundgame_core::Role;

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::http::json::ApiJson;
use crate::ops::cut_turfs::{self, CuttingError};
use crate::store::CallListFilter;
use crate::turfs::cut::CutMode;
use crate::{clock, AppState, StoreError};

#[utoipa::path(
    post,
    path = super::TURFS_CUT_PATH,
    tag = "lead",
    request_body = CutRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The turfs made from the households no turf held", body = CutResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 422, description = "A size of 0 doors", body = ErrorBody),
    )
)]
pub(crate) async fn cut_turfs(
    State(state): State<AppState>,
    device: AuthDevice,
    ApiJson(req): ApiJson<CutRequest>,
) -> Result<Json<CutResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let mode = CutMode::new(req.by, req.doors as usize);
    let campaign = device.campaign;
    let outcome = state
        .write(move |s| {
            cut_turfs::cut_unplaced(s, campaign, mode).map_err(|e| match e {
                CuttingError::Cut(e) => StoreError::Invalid(e.to_string()),
                CuttingError::Store(e) => e,
            })
        })
        .await?;
    tracing::info!(device = %device.device, turfs = outcome.turfs.len(), "turfs cut");
    Ok(Json(CutResponse {
        turfs: outcome
            .turfs
            .into_iter()
            .map(|(id, name, doors)| CutTurfItem {
                id,
                name,
                doors: doors as u32,
            })
            .collect(),
        without_coordinates: outcome.without_coordinates.len() as u32,
    }))
}

#[utoipa::path(
    post,
    path = super::CALL_LISTS_PATH,
    tag = "lead",
    request_body = CallListRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new call list and who was left out", body = CallListResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 422, description = "No name, or an unknown script", body = ErrorBody),
    )
)]
pub(crate) async fn create_call_list(
    State(state): State<AppState>,
    device: AuthDevice,
    ApiJson(req): ApiJson<CallListRequest>,
) -> Result<Json<CallListResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let campaign = device.campaign;
    let report = state
        .write(move |s| {
            s.create_call_list(
                campaign,
                &req.name,
                &CallListFilter {
                    precincts: req.precincts,
                    script: req.script,
                },
            )
        })
        .await?;
    tracing::info!(device = %device.device, list = %report.id, members = report.members, "call list made");
    Ok(Json(CallListResponse {
        id: report.id,
        members: report.members,
        without_phone: report.without_phone,
        do_not_call: report.do_not_call,
        shared_phone: report.shared_phone,
    }))
}

#[utoipa::path(
    post,
    path = super::INVITES_PATH,
    tag = "lead",
    request_body = InviteRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A new invite code for the caller's campaign", body = InviteResponse),
        (status = 403, description = "Not a lead, or asking for an admin invite", body = ErrorBody),
        (status = 422, description = "Uses or days out of range", body = ErrorBody),
    )
)]
pub(crate) async fn create_invite(
    State(state): State<AppState>,
    device: AuthDevice,
    ApiJson(req): ApiJson<InviteRequest>,
) -> Result<Json<InviteResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    if req.role == Role::Admin {
        return Err(ApiError::Forbidden);
    }
    if !(1..=500).contains(&req.uses) {
        return Err(ApiError::InvalidValue(
            "an invite may be used by 1 to 500 devices; choose a number in that range".into(),
        ));
    }
    if !(1..=90).contains(&req.days) {
        return Err(ApiError::InvalidValue(
            "an invite may last 1 to 90 days; choose a number in that range".into(),
        ));
    }
    let campaign = device.campaign;
    let expires_at = state.now_ms() + u64::from(req.days) * clock::DAY_MS;
    let (role, uses) = (req.role, req.uses);
    let code = state
        .write(move |s| s.create_invite(campaign, role, uses, expires_at))
        .await?;
    // The code goes to the lead who asked, never to the log.
    tracing::info!(device = %device.device, role = role.as_str(), uses, "invite made");
    Ok(Json(InviteResponse {
        code,
        role,
        uses,
        expires_at,
    }))
}
