//! The HTTP routes, one module per area. Handlers only translate: HTTP in, a store or sync
//! call on a blocking thread, HTTP out. They hold no SQL and no sync rules.

pub(crate) mod calls;
pub(crate) mod files;
pub(crate) mod geocode;
pub(crate) mod health;
pub(crate) mod lead;
pub(crate) mod lead_actions;
pub(crate) mod lead_views;
pub(crate) mod my_calls;
pub(crate) mod network;
pub mod openapi;
pub(crate) mod progress;
pub(crate) mod pull;
pub(crate) mod push;
pub(crate) mod register;

use axum::routing::{get, post, put};
use axum::Router;

use crate::error::ApiError;
use crate::AppState;

// Every path is core's (`groundgame_core::paths`), shared with the app's client.
pub(crate) use groundgame_core::paths::*;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(REGISTER_PATH, post(register::register))
        .route(PUSH_PATH, post(push::push))
        .route(PULL_PATH, post(pull::pull))
        .route(NETWORK_PUSH_PATH, post(network::push))
        .route(NETWORK_PULL_PATH, post(network::pull))
        .route(NETWORK_SUMMARY_PATH, get(network::summary))
        .route(TURFS_PATH, get(lead::list_turfs))
        .route(TURF_ASSIGNEES_PATH, put(lead::set_assignees))
        .route(VOLUNTEERS_PATH, get(lead::list_volunteers))
        .route(DEVICE_REVOKE_PATH, post(lead::revoke_device))
        .route(DEVICE_LINK_PATH, post(register::link_device))
        .route(TURFS_CUT_PATH, post(lead_actions::cut_turfs))
        .route(
            CALL_LISTS_PATH,
            post(lead_actions::create_call_list).get(lead_views::list_call_lists),
        )
        .route(CALL_LIST_ASSIGNEES_PATH, put(calls::set_callers))
        .route(CALL_LIST_CLAIM_PATH, post(calls::claim))
        .route(CALL_LIST_RELEASE_PATH, post(calls::release))
        .route(CALL_LIST_PROGRESS_PATH, get(calls::progress))
        .route(MY_CALL_LISTS_PATH, get(my_calls::my_call_lists))
        .route(
            INVITES_PATH,
            post(lead_actions::create_invite).get(lead_views::list_invites),
        )
        .route(OLD_ASSIGNMENTS_PATH, get(lead_views::list_old_assignments))
        .route(PROGRESS_PATH, get(progress::progress))
        .route(IMPORTS_PATH, post(files::start_import))
        .route(IMPORT_PATH, get(files::import_status))
        .route(IMPORT_REPORT_PATH, get(files::import_report))
        .route(
            SCRIPTS_PATH,
            post(files::save_script).get(files::list_scripts),
        )
        .route(EXPORT_PATH, get(files::export))
        .route(GEOCODE_PATH, post(geocode::geocode))
        .route(VOLUNTEER_QUARANTINE_PATH, post(progress::quarantine))
        .route(VOLUNTEER_RELEASE_PATH, post(progress::release))
        .route(OPENAPI_PATH, get(openapi::openapi_json))
        .route(HEALTH_PATH, get(health::health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> ApiError {
    ApiError::NotFound(
        "there is nothing at this address; check it against /api/v1/openapi.json".into(),
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
