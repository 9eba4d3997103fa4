//! The field lead's view: `GET /api/v1/progress` (the campaign's figures by turf, by
//! volunteer, by hour and by day, with data-quality flags) and quarantining a volunteer
//! (`POST /api/v1/volunteers/{id}/quarantine` and `.../release`). Only a lead or admin of
//! the caller's own campaign (for quarantine: of the volunteer's campaign) may call them.
//! What each figure means is written in `store::progress`.

use axum::extract::{Path, Query, State};
use axum::Json;
use groundgame_core::protocol::lead::{Progress, QuarantineResponse};
use groundgame_core::protocol::ErrorBody;
use groundgame_core::{TimeZone, VolunteerId};
use serde::Deserialize;

use crate::error::ApiError;
use crate::http::auth::{AuthDevice, AuthLead};

use crate::store::StoreError;
use crate::AppState;

/// The query of `GET /api/v1/progress`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressQuery {
    /// An IANA time zone for hours and days; the campaign's own when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
}

#[utoipa::path(
    get,
    path = super::PROGRESS_PATH,
    tag = "lead",
    params(("time_zone" = Option<String>, Query,
            description = "An IANA time zone (America/Chicago) for the hour and day breakdowns; the campaign's own when absent")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's progress and data-quality flags", body = Progress),
        (status = 400, description = "A query parameter this endpoint does not take", body = ErrorBody),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 422, description = "A time zone name that is not in the time-zone database", body = ErrorBody),
    )
)]
pub(crate) async fn progress(
    State(state): State<AppState>,
    AuthLead(device): AuthLead,
    Query(query): Query<ProgressQuery>,
) -> Result<Json<Progress>, ApiError> {
    // `AuthLead`: a lead of their campaign, checked before the query string was read.
    let campaign = device.campaign;
    let zone = match query.time_zone.as_deref() {
        Some(name) => Some(
            TimeZone::parse(name)
                .map_err(|e| StoreError::Invalid(format!("{e}; fix it and ask again")))?,
        ),
        None => None,
    };
    let report = state.read(move |s| s.progress(campaign, zone)).await?;
    Ok(Json(report))
}

/// Check the caller leads the volunteer's campaign.
async fn lead_of_volunteer(
    state: &AppState,
    device: &AuthDevice,
    volunteer: VolunteerId,
) -> Result<(), ApiError> {
    device.require_lead_of(device.campaign)?;
    let missing =
        || ApiError::NotFound("no such volunteer; list volunteers at /api/v1/volunteers".into());
    let campaign = state
        .read(move |s| s.volunteer_campaign(volunteer))
        .await?
        .ok_or_else(missing)?;
    device.owns(campaign, missing())
}

#[utoipa::path(
    post,
    path = super::VOLUNTEER_QUARANTINE_PATH,
    tag = "lead",
    params(("id" = i64, Path, description = "Volunteer id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Quarantined: records kept and synced, left out of figures and exports", body = QuarantineResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such volunteer (one of another campaign is answered the same)", body = ErrorBody),
    )
)]
pub(crate) async fn quarantine(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
) -> Result<Json<QuarantineResponse>, ApiError> {
    set_quarantine(&state, &device, VolunteerId(id), true).await
}

#[utoipa::path(
    post,
    path = super::VOLUNTEER_RELEASE_PATH,
    tag = "lead",
    params(("id" = i64, Path, description = "Volunteer id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Released: the volunteer's records count again", body = QuarantineResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such volunteer (one of another campaign is answered the same)", body = ErrorBody),
    )
)]
pub(crate) async fn release(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
) -> Result<Json<QuarantineResponse>, ApiError> {
    set_quarantine(&state, &device, VolunteerId(id), false).await
}

/// Quarantine (`true`) or release a volunteer's records, for a lead of their campaign.
async fn set_quarantine(
    state: &AppState,
    device: &AuthDevice,
    volunteer: VolunteerId,
    quarantined: bool,
) -> Result<Json<QuarantineResponse>, ApiError> {
    lead_of_volunteer(state, device, volunteer).await?;
    let (by, now) = (device.device, state.now_ms());
    let events = state
        .write(move |s| {
            if quarantined {
                s.quarantine_volunteer(volunteer, by, now)
            } else {
                s.release_volunteer(volunteer, by, now)
            }
        })
        .await?;
    tracing::info!(device = %device.device, volunteer = %volunteer, events, quarantined, "volunteer quarantine set");
    Ok(Json(QuarantineResponse {
        volunteer,
        quarantined,
        events,
    }))
}
