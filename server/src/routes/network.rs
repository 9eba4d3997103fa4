//! My network (relational organizing): `POST /api/v1/network/push` and `.../pull` for a
//! volunteer's own devices, and `GET /api/v1/network/summary` for the campaign's leads.
//! Records are stored under the pushing device's volunteer and pulled back only by that
//! volunteer's devices; the summary carries counts and money, never a contact.

use axum::extract::State;
use axum::Json;
use groundgame_core::network::{
    NetworkPullRequest, NetworkPullResponse, NetworkPushRequest, NetworkPushResponse,
    NetworkSummary, MAX_NETWORK_PULL, MAX_NETWORK_PUSH, NETWORK_PULL_PATH, NETWORK_PUSH_PATH,
    NETWORK_SUMMARY_PATH,
};
use groundgame_core::protocol::{ErrorBody, PROTOCOL_VERSION};

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::http::json::ApiJson;
use crate::http::quota::{NetworkPushQuota, WithinQuota};
use crate::store::sqlite::network::NetworkOwner;
use crate::sync::push::Tally;
use crate::AppState;

#[utoipa::path(
    post,
    path = NETWORK_PUSH_PATH,
    tag = "sync",
    request_body = NetworkPushRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One outcome per record, in order; stored under the device's volunteer", body = NetworkPushResponse),
        (status = 400, description = "Malformed body or unsupported protocol", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 413, description = "Too many records", body = ErrorBody),
        (status = 429, description = "Past the device's quota of network pushes (120 at once, then 120 a minute); wait Retry-After seconds", body = ErrorBody),
    )
)]
pub(crate) async fn push(
    State(state): State<AppState>,
    WithinQuota(device, _): WithinQuota<NetworkPushQuota>,
    ApiJson(req): ApiJson<NetworkPushRequest>,
) -> Result<Json<NetworkPushResponse>, ApiError> {
    if req.protocol != PROTOCOL_VERSION {
        return Err(ApiError::UnsupportedProtocol);
    }
    if req.records.len() > MAX_NETWORK_PUSH {
        return Err(ApiError::TooLarge(format!(
            "a network push carries at most {MAX_NETWORK_PUSH} records; send them in smaller \
             batches"
        )));
    }
    let now = state.now_ms();
    let who = NetworkOwner {
        device: device.device,
        volunteer: device.volunteer,
        campaign: device.campaign,
    };
    let count = req.records.len();
    let (results, server_time) = state
        .write(move |store| {
            let results = store.network_push(who, &req.records, now)?;
            Ok((results, store.server_time(now)))
        })
        .await?;
    let tally = Tally::of(&results);
    tracing::info!(
        device = %device.device,
        records = count,
        accepted = tally.accepted,
        duplicate = tally.duplicate,
        rejected = tally.rejected,
        "network push"
    );
    Ok(Json(NetworkPushResponse {
        results,
        server_time,
    }))
}

#[utoipa::path(
    post,
    path = NETWORK_PULL_PATH,
    tag = "sync",
    request_body = NetworkPullRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's own volunteer's records above the cursor", body = NetworkPullResponse),
        (status = 400, description = "Malformed body or unsupported protocol", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 422, description = "A limit out of range", body = ErrorBody),
    )
)]
pub(crate) async fn pull(
    State(state): State<AppState>,
    device: AuthDevice,
    ApiJson(req): ApiJson<NetworkPullRequest>,
) -> Result<Json<NetworkPullResponse>, ApiError> {
    if req.protocol != PROTOCOL_VERSION {
        return Err(ApiError::UnsupportedProtocol);
    }
    let limit = match req.limit {
        None => MAX_NETWORK_PULL,
        Some(n) if (1..=MAX_NETWORK_PULL).contains(&n) => n,
        Some(n) => {
            return Err(ApiError::InvalidValue(format!(
                "limit {n} is out of range: ask for 1 to {MAX_NETWORK_PULL} records"
            )))
        }
    };
    let now = state.now_ms();
    let volunteer = device.volunteer;
    let response = state
        .read(move |store| {
            let server_time = store.server_time(now);
            store.network_pull(volunteer, req.cursor, limit, server_time)
        })
        .await?;
    Ok(Json(response))
}

#[utoipa::path(
    get,
    path = NETWORK_SUMMARY_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Network totals per volunteer and for the campaign: counts and money only, never a contact", body = NetworkSummary),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "Not a lead or admin", body = ErrorBody),
    )
)]
pub(crate) async fn summary(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<NetworkSummary>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let campaign = device.campaign;
    let now = state.now_ms();
    let summary = state
        .read(move |store| store.network_summary(campaign, now))
        .await?;
    Ok(Json(summary))
}
