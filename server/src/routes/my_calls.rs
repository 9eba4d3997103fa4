//! `GET /api/v1/my/call-lists`: the call lists a device may work, with where each stands — a
//! volunteer's device sees the lists its volunteer calls now, a lead's device every list
//! of the campaign. Nothing of another campaign, and nothing of a list the volunteer does
//! not call, is ever in the answer. The caller's app refreshes its lists from here.

use axum::extract::State;
use axum::Json;
use groundgame_core::protocol::calls::MyCallListsResponse;
use groundgame_core::protocol::ErrorBody;

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::AppState;

#[utoipa::path(
    get,
    path = super::MY_CALL_LISTS_PATH,
    tag = "sync",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The lists this device may call (a lead: all of the campaign's)", body = MyCallListsResponse),
        (status = 401, description = "Not signed in, or revoked", body = ErrorBody),
    )
)]
pub(crate) async fn my_call_lists(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<MyCallListsResponse>, ApiError> {
    let campaign = device.campaign;
    let volunteer = (!device.role.sees_whole_campaign()).then_some(device.volunteer);
    let now = state.now_ms();
    let lists = state
        .read(move |s| s.call_lists_for(campaign, volunteer, now))
        .await?;
    Ok(Json(MyCallListsResponse { lists }))
}
