//! `POST /api/v1/pull`: a device sends its cursor per turf and receives the changes of the
//! turfs in its scope (paged), and the turfs it must delete.

use std::time::Instant;

use axum::extract::State;
use axum::Json;
use groundgame_core::protocol::{
    ErrorBody, PullRequest, PullResponse, PROTOCOL_VERSION, PULL_PATH,
};

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::http::json::ApiJson;
use crate::AppState;

/// A pull records that the device synced at most this often (pulls are otherwise read-only).
const SEEN_EVERY_MS: u64 = 60_000;

#[utoipa::path(
    post,
    path = PULL_PATH,
    tag = "sync",
    request_body = PullRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changes per turf in scope; `has_more` asks for another pull", body = PullResponse),
        (status = 400, description = "Malformed body or unsupported protocol", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub(crate) async fn pull(
    State(state): State<AppState>,
    device: AuthDevice,
    ApiJson(req): ApiJson<PullRequest>,
) -> Result<Json<PullResponse>, ApiError> {
    if req.protocol != PROTOCOL_VERSION {
        return Err(ApiError::UnsupportedProtocol);
    }
    let started = Instant::now();
    let now = state.now_ms();
    let response = state
        .read(move |store| store.pull(&device, &req, now))
        .await?;
    if now.saturating_sub(device.last_seen_at) >= SEEN_EVERY_MS {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = state
                .write(move |s| s.touch_device(device.device, now))
                .await
            {
                tracing::warn!(device = %device.device, error = %e, "could not record a pull");
            }
        });
    }
    tracing::info!(
        device = %device.device,
        turfs = response.scopes.len(),
        removed = response.removed.len(),
        rows = response
            .scopes
            .iter()
            .map(|s| s.households.len() + s.people.len() + s.events.len())
            .sum::<usize>(),
        has_more = response.has_more,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "pull"
    );
    Ok(Json(response))
}
