//! `POST /api/v1/push`: a device sends up to `MAX_PUSH_EVENTS` events from its outbox and
//! learns, per event, whether it was accepted, already stored, or rejected (and why).

use std::time::Instant;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use groundgame_core::protocol::{
    ErrorBody, PushRequest, PushResponse, MAX_PUSH_EVENTS, PROTOCOL_VERSION, PUSH_PATH,
};

use crate::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::quota::{PushQuota, WithinQuota};
use crate::store::PushJob;
use crate::sync::push::Tally;
use crate::AppState;

/// Optional request header carrying the app's version, recorded for the lead's device view.
pub const APP_VERSION_HEADER: &str = "x-groundgame-app-version";

fn app_version(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(APP_VERSION_HEADER)?.to_str().ok()?;
    super::register::check_version(value).ok()
}

#[utoipa::path(
    post,
    path = PUSH_PATH,
    tag = "sync",
    request_body = PushRequest,
    params(("x-groundgame-app-version" = Option<String>, Header, description = "The app's version, shown to leads")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One outcome per event, in order", body = PushResponse),
        (status = 400, description = "Malformed body or unsupported protocol", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 413, description = "Body over the size limit, or too many events", body = ErrorBody),
        (status = 429, description = "Past the device's quota of pushes (600 at once, then 600 a minute); wait Retry-After seconds", body = ErrorBody),
    )
)]
pub(crate) async fn push(
    State(state): State<AppState>,
    WithinQuota(device, _): WithinQuota<PushQuota>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if req.protocol != PROTOCOL_VERSION {
        return Err(ApiError::UnsupportedProtocol);
    }
    if req.events.len() > MAX_PUSH_EVENTS {
        return Err(ApiError::TooLarge(format!(
            "a push carries at most {MAX_PUSH_EVENTS} events; send them in smaller batches"
        )));
    }
    let started = Instant::now();
    let now = state.now_ms();
    let count = req.events.len();
    let response = state
        .push(PushJob {
            who: device,
            req,
            app_version: app_version(&headers),
            wall_ms: now,
        })
        .await?;
    let tally = Tally::of(&response.results);
    tracing::info!(
        device = %device.device,
        events = count,
        accepted = tally.accepted,
        duplicate = tally.duplicate,
        rejected = tally.rejected,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "push"
    );
    Ok(Json(response))
}
