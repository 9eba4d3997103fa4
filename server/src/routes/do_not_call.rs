//! The numbers volunteers' records put on the campaign's do-not-call list:
//! `GET /api/v1/do-not-call` (who, when, which record; the number's last four digits only)
//! and a lead taking one back, `POST /api/v1/do-not-call/{id}/undo`. Only a lead or admin
//! of the campaign may call them; another campaign's addition is answered as an unknown one.

use axum::extract::{Path, State};
use axum::Json;
use groundgame_core::protocol::lead::{DoNotCallList, DoNotCallUndoResponse};
use groundgame_core::protocol::ErrorBody;

use crate::error::ApiError;
use crate::http::auth::AuthLead;
use crate::AppState;

#[utoipa::path(
    get,
    path = super::DO_NOT_CALL_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every number a volunteer's record put on the do-not-call list, newest first, with who and when", body = DoNotCallList),
        (status = 403, description = "Not a lead", body = ErrorBody),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthLead(lead): AuthLead,
) -> Result<Json<DoNotCallList>, ApiError> {
    let campaign = lead.campaign;
    let additions = state
        .read(move |s| s.do_not_call_additions(campaign))
        .await?;
    Ok(Json(DoNotCallList { additions }))
}

#[utoipa::path(
    post,
    path = super::DO_NOT_CALL_UNDO_PATH,
    tag = "lead",
    params(("id" = i64, Path, description = "The addition's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The number is off the list; the call-list entries it retired of other voters sharing it are back in the rounds", body = DoNotCallUndoResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such addition (one of another campaign is answered the same)", body = ErrorBody),
        (status = 422, description = "Already taken back", body = ErrorBody),
    )
)]
pub(crate) async fn undo(
    State(state): State<AppState>,
    AuthLead(lead): AuthLead,
    Path(id): Path<i64>,
) -> Result<Json<DoNotCallUndoResponse>, ApiError> {
    let (campaign, by, now) = (lead.campaign, lead.volunteer, state.now_ms());
    let done = state
        .write(move |s| s.undo_do_not_call(campaign, id, by, now))
        .await?;
    Ok(Json(done))
}
