//! `POST /api/v1/register`: a device joins a campaign with an invite code and receives its
//! bearer token (shown once; the server keeps only its hash).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use groundgame_core::protocol::{
    DeviceLinkResponse, ErrorBody, RegisterRequest, RegisterResponse, PROTOCOL_VERSION,
    REGISTER_PATH,
};

use crate::error::ApiError;
use crate::http::auth::new_token;
use crate::http::json::ApiJson;
use crate::http::quota::{DeviceLinkQuota, WithinQuota};
use crate::AppState;

const MAX_NAME_CHARS: usize = 100;
const MAX_VERSION_CHARS: usize = 50;

/// A name people will read: 1 to 100 characters after trimming, no control characters.
pub(crate) fn check_name(field: &str, value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(ApiError::InvalidValue(format!(
            "{field} must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    if groundgame_core::text::has_forbidden(value, false) {
        return Err(ApiError::InvalidValue(format!(
            "{field} contains control or invisible formatting characters; remove them"
        )));
    }
    Ok(value.to_string())
}

/// An app version as reported by the app: short and printable (empty is allowed).
pub(crate) fn check_version(value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.chars().count() > MAX_VERSION_CHARS || value.chars().any(char::is_control) {
        return Err(ApiError::InvalidValue(format!(
            "app_version must be at most {MAX_VERSION_CHARS} printable characters"
        )));
    }
    Ok(value.to_string())
}

#[utoipa::path(
    post,
    path = REGISTER_PATH,
    tag = "sync",
    request_body = RegisterRequest,
    responses(
        (status = 200, description = "Registered: keep the token, it is shown once", body = RegisterResponse),
        (status = 400, description = "Malformed body or unsupported protocol", body = ErrorBody),
        (status = 403, description = "Invite code invalid, expired or used up", body = ErrorBody),
        (status = 422, description = "A name is empty, too long or has control characters", body = ErrorBody),
    )
)]
pub(crate) async fn register(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Json<RegisterResponse>, ApiError> {
    if req.protocol != PROTOCOL_VERSION {
        return Err(ApiError::UnsupportedProtocol);
    }
    let volunteer_name = check_name("volunteer_name", &req.volunteer_name)?;
    let device_name = check_name("device_name", &req.device_name)?;
    let app_version = check_version(&req.app_version)?;
    let (token, token_hash) = new_token();
    let now = state.now_ms();
    let invite_code = req.invite_code;
    let registered = state
        .write(move |store| {
            store.register_device(
                &invite_code,
                &volunteer_name,
                &device_name,
                &app_version,
                &token_hash,
                now,
            )
        })
        .await?;
    tracing::info!(
        device = %registered.device,
        volunteer = %registered.volunteer,
        campaign = %registered.campaign,
        role = registered.role.as_str(),
        "device registered"
    );
    Ok(Json(RegisterResponse {
        device: registered.device,
        volunteer: registered.volunteer,
        campaign: registered.campaign,
        role: registered.role,
        token,
        server_time: state.store().server_time(now),
    }))
}

#[utoipa::path(
    post,
    path = super::DEVICE_LINK_PATH,
    tag = "sync",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A code another device joins with as the same volunteer (15 minutes, one use)", body = DeviceLinkResponse),
        (status = 401, description = "No token, an unknown one, or a revoked device", body = ErrorBody),
        (status = 429, description = "Past the device's quota of link codes (5 at once, then one each 12 minutes); wait Retry-After seconds", body = ErrorBody),
    )
)]
pub(crate) async fn link_device(
    State(state): State<AppState>,
    WithinQuota(device, _): WithinQuota<DeviceLinkQuota>,
) -> Result<(StatusCode, Json<DeviceLinkResponse>), ApiError> {
    let now = state.now_ms();
    let id = device.device;
    let (code, expires_at) = state
        .write(move |store| store.create_device_link(id, now))
        .await?;
    tracing::info!(device = %id, volunteer = %device.volunteer, "device link code made");
    Ok((
        StatusCode::CREATED,
        Json(DeviceLinkResponse { code, expires_at }),
    ))
}
