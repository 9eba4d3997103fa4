//! Phone-bank endpoints: a lead assigns a call list's callers; a caller's device claims the
//! next contacts (each held for it under a lease, 30 minutes unless the server was started
//! with another), gives back the ones it will not call, and reads the list's progress. Only the list's current callers and the
//! campaign's leads may claim, release or read progress; everyone else gets 403.
//! Their request and response types are core's (`groundgame_core::protocol::calls`).

use axum::extract::{Path, State};
use axum::Json;
use groundgame_core::protocol::calls::{
    CallContact, CallProgressResponse, CallersRequest, CallersResponse, ClaimRequest,
    ClaimResponse, ContactAddress, ReleaseRequest, ReleaseResponse, MAX_CLAIM, MAX_RELEASE,
};
use groundgame_core::protocol::ErrorBody;
use groundgame_core::CallListId;

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::http::json::ApiJson;
use crate::store::sqlite::claims::claim_lease_ms;
use crate::store::ClaimedContact;
use crate::AppState;

impl From<ClaimedContact> for CallContact {
    fn from(c: ClaimedContact) -> Self {
        CallContact {
            person: c.person,
            household: c.household,
            first_name: c.first_name,
            last_name: c.last_name,
            language: c.language,
            phone: c.phone,
            address: ContactAddress {
                street: c.street,
                number: c.number,
                unit: c.unit,
                city: c.city,
                zip: c.zip,
            },
            position: c.position,
            retry: c.retry,
            expires_at: c.expires_at,
        }
    }
}

/// The list's campaign, after checking the caller may work it: a lead of that campaign, or
/// a volunteer who calls the list now.
async fn may_call(
    state: &AppState,
    device: &AuthDevice,
    list: CallListId,
) -> Result<groundgame_core::CampaignId, ApiError> {
    let missing =
        || ApiError::NotFound("no such call list; ask your lead which list to call".into());
    let campaign = state
        .read(move |s| s.call_list_campaign(list))
        .await?
        .ok_or_else(missing)?;
    device.owns(campaign, missing())?;
    if device.role.sees_whole_campaign() {
        return Ok(campaign);
    }
    let volunteer = device.volunteer;
    if state
        .read(move |s| s.is_call_list_caller(list, volunteer))
        .await?
    {
        Ok(campaign)
    } else {
        Err(ApiError::Forbidden)
    }
}

#[utoipa::path(
    put,
    path = super::CALL_LIST_ASSIGNEES_PATH,
    tag = "lead",
    params(("id" = i64, Path, description = "Call list id")),
    request_body = CallersRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The list's callers now", body = CallersResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 404, description = "No such call list (one of another campaign is answered the same)", body = ErrorBody),
        (status = 422, description = "A volunteer is not in the list's campaign", body = ErrorBody),
    )
)]
pub(crate) async fn set_callers(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<CallersRequest>,
) -> Result<Json<CallersResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let list = CallListId(id);
    let missing = || ApiError::NotFound("no such call list; make one first".into());
    let campaign = state
        .read(move |s| s.call_list_campaign(list))
        .await?
        .ok_or_else(missing)?;
    device.owns(campaign, missing())?;
    let now = state.now_ms();
    let volunteers = state
        .write(move |s| s.set_call_list_callers(list, &req.volunteers, now))
        .await?;
    tracing::info!(device = %device.device, list = %list, callers = volunteers.len(), "call list assigned");
    Ok(Json(CallersResponse {
        call_list: list,
        volunteers,
    }))
}

#[utoipa::path(
    post,
    path = super::CALL_LIST_CLAIM_PATH,
    tag = "sync",
    params(("id" = i64, Path, description = "Call list id")),
    request_body = ClaimRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contacts this device holds now", body = ClaimResponse),
        (status = 403, description = "Not a caller of this list", body = ErrorBody),
        (status = 404, description = "No such call list (one of another campaign is answered the same)", body = ErrorBody),
        (status = 422, description = "A count outside 1 to 50", body = ErrorBody),
    )
)]
pub(crate) async fn claim(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ClaimRequest>,
) -> Result<Json<ClaimResponse>, ApiError> {
    let list = CallListId(id);
    if !(1..=MAX_CLAIM).contains(&req.count) {
        return Err(ApiError::InvalidValue(format!(
            "ask for 1 to {MAX_CLAIM} contacts at a time"
        )));
    }
    let campaign = may_call(&state, &device, list).await?;
    let now = state.now_ms();
    let who = device.device;
    let count = req.count;
    let (script, contacts) = state
        .write(move |s| {
            Ok((
                s.call_list_script(list)?,
                s.claim_calls(list, campaign, who, count, now)?,
            ))
        })
        .await?;
    tracing::debug!(device = %device.device, list = %list, contacts = contacts.len(), "calls claimed");
    Ok(Json(ClaimResponse {
        call_list: list,
        script,
        lease_ms: claim_lease_ms(),
        contacts: contacts.into_iter().map(CallContact::from).collect(),
    }))
}

#[utoipa::path(
    post,
    path = super::CALL_LIST_RELEASE_PATH,
    tag = "sync",
    params(("id" = i64, Path, description = "Call list id")),
    request_body = ReleaseRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Given back: others may call them now", body = ReleaseResponse),
        (status = 403, description = "Not a caller of this list", body = ErrorBody),
        (status = 404, description = "No such call list (one of another campaign is answered the same)", body = ErrorBody),
        (status = 422, description = "More than 1,000 people", body = ErrorBody),
    )
)]
pub(crate) async fn release(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ReleaseRequest>,
) -> Result<Json<ReleaseResponse>, ApiError> {
    let list = CallListId(id);
    if req.people.len() > MAX_RELEASE {
        return Err(ApiError::InvalidValue(format!(
            "give back at most {MAX_RELEASE} people at a time; split the request"
        )));
    }
    may_call(&state, &device, list).await?;
    let who = device.device;
    let released = state
        .write(move |s| s.release_calls(list, who, &req.people))
        .await?;
    Ok(Json(ReleaseResponse { released }))
}

#[utoipa::path(
    get,
    path = super::CALL_LIST_PROGRESS_PATH,
    tag = "sync",
    params(("id" = i64, Path, description = "Call list id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Where the list stands", body = CallProgressResponse),
        (status = 403, description = "Not a caller of this list", body = ErrorBody),
        (status = 404, description = "No such call list (one of another campaign is answered the same)", body = ErrorBody),
    )
)]
pub(crate) async fn progress(
    State(state): State<AppState>,
    device: AuthDevice,
    Path(id): Path<i64>,
) -> Result<Json<CallProgressResponse>, ApiError> {
    let list = CallListId(id);
    let campaign = may_call(&state, &device, list).await?;
    let now = state.now_ms();
    let progress = state
        .read(move |s| s.call_progress(list, campaign, now))
        .await?;
    Ok(Json(CallProgressResponse {
        call_list: list,
        progress,
    }))
}
