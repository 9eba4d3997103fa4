//! Records held for a lead: `GET /api/v1/held-records` and a lead's decision on one,
//! `POST /api/v1/held-records/{id}/accept` or `.../dismiss`. What is held, and why, is in
//! `sync::push`. Only a lead or admin of the campaign may call them; another campaign's
//! record is answered exactly as an unknown one.

use axum::extract::{Path, State};
use axum::Json;
use groundgame_core::protocol::lead::{HeldDecisionResponse, HeldRecordList};
use groundgame_core::protocol::ErrorBody;
use groundgame_core::EventId;
use uuid::Uuid;

use crate::error::ApiError;
use crate::http::auth::AuthLead;
use crate::AppState;

#[utoipa::path(
    get,
    path = super::HELD_RECORDS_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's held records: waiting ones first, then those a lead decided", body = HeldRecordList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list_held(
    State(state): State<AppState>,
    AuthLead(lead): AuthLead,
) -> Result<Json<HeldRecordList>, ApiError> {
    let campaign = lead.campaign;
    let records = state.read(move |s| s.held_records(campaign)).await?;
    Ok(Json(HeldRecordList { records }))
}

#[utoipa::path(
    post,
    path = super::HELD_RECORD_ACCEPT_PATH,
    tag = "lead",
    params(("id" = String, Path, description = "The held record's event id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted: stored as events (flagged stale) with their effects, with the held records about the person it added", body = HeldDecisionResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such held record (one of another campaign is answered the same)", body = ErrorBody),
        (status = 422, description = "Already decided, or it no longer fits the campaign (its household left the turfs): dismiss it instead", body = ErrorBody),
    )
)]
pub(crate) async fn accept_held(
    State(state): State<AppState>,
    lead: AuthLead,
    Path(id): Path<String>,
) -> Result<Json<HeldDecisionResponse>, ApiError> {
    decide(&state, lead, &id, true).await
}

#[utoipa::path(
    post,
    path = super::HELD_RECORD_DISMISS_PATH,
    tag = "lead",
    params(("id" = String, Path, description = "The held record's event id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Dismissed: kept out for good (still listed), with the held records about the person it added", body = HeldDecisionResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such held record (one of another campaign is answered the same)", body = ErrorBody),
        (status = 422, description = "Already decided", body = ErrorBody),
    )
)]
pub(crate) async fn dismiss_held(
    State(state): State<AppState>,
    lead: AuthLead,
    Path(id): Path<String>,
) -> Result<Json<HeldDecisionResponse>, ApiError> {
    decide(&state, lead, &id, false).await
}

async fn decide(
    state: &AppState,
    AuthLead(lead): AuthLead,
    id: &str,
    accept: bool,
) -> Result<Json<HeldDecisionResponse>, ApiError> {
    let id = Uuid::parse_str(id)
        .map(EventId)
        .map_err(|_| ApiError::NotFound("no such held record".into()))?;
    let (campaign, by, now) = (lead.campaign, lead.volunteer, state.now_ms());
    let decided = state
        .write(move |s| s.decide_held(campaign, id, accept, by, now))
        .await?;
    Ok(Json(decided))
}
