//! The HTTP routes, one module per area. Handlers only translate: HTTP in, a store or sync
//! call on a blocking thread, HTTP out. They hold no SQL and no sync rules.

pub(crate) mod calls;
pub(crate) mod campaign_data;
pub(crate) mod data_io;
pub(crate) mod geocode;
pub(crate) mod health;
pub(crate) mod lead;
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
use groundgame_core::network::{NETWORK_PULL_PATH, NETWORK_PUSH_PATH, NETWORK_SUMMARY_PATH};
use groundgame_core::protocol::{PULL_PATH, PUSH_PATH, REGISTER_PATH};

use crate::error::ApiError;
use crate::AppState;

pub(crate) const HEALTH_PATH: &str = "/api/v1/health";
pub(crate) const OPENAPI_PATH: &str = "/api/v1/openapi.json";
pub(crate) const TURFS_PATH: &str = "/api/v1/turfs";
pub(crate) const TURF_ASSIGNEES_PATH: &str = "/api/v1/turfs/{id}/assignees";
pub(crate) const VOLUNTEERS_PATH: &str = "/api/v1/volunteers";
pub(crate) const DEVICE_REVOKE_PATH: &str = "/api/v1/devices/{id}/revoke";
pub(crate) const DEVICE_LINK_PATH: &str = "/api/v1/devices/link";
pub(crate) const TURFS_CUT_PATH: &str = "/api/v1/turfs/cut";
pub(crate) const CALL_LISTS_PATH: &str = "/api/v1/call-lists";
pub(crate) const CALL_LIST_ASSIGNEES_PATH: &str = "/api/v1/call-lists/{id}/assignees";
pub(crate) const CALL_LIST_CLAIM_PATH: &str = "/api/v1/call-lists/{id}/claim";
pub(crate) const CALL_LIST_RELEASE_PATH: &str = "/api/v1/call-lists/{id}/release";
pub(crate) const CALL_LIST_PROGRESS_PATH: &str = "/api/v1/call-lists/{id}/progress";
pub(crate) const MY_CALL_LISTS_PATH: &str = "/api/v1/my/call-lists";
pub(crate) const INVITES_PATH: &str = "/api/v1/invites";
pub(crate) const PROGRESS_PATH: &str = "/api/v1/progress";
pub(crate) const IMPORTS_PATH: &str = "/api/v1/imports";
pub(crate) const IMPORT_PATH: &str = "/api/v1/imports/{id}";
pub(crate) const IMPORT_REPORT_PATH: &str = "/api/v1/imports/{id}/report";
pub(crate) const SCRIPTS_PATH: &str = "/api/v1/scripts";
pub(crate) const EXPORT_PATH: &str = "/api/v1/export";
pub(crate) const GEOCODE_PATH: &str = "/api/v1/geocode";
pub(crate) const VOLUNTEER_QUARANTINE_PATH: &str = "/api/v1/volunteers/{id}/quarantine";
pub(crate) const VOLUNTEER_RELEASE_PATH: &str = "/api/v1/volunteers/{id}/release";
pub(crate) const OLD_ASSIGNMENTS_PATH: &str = "/api/v1/old-assignments";

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
        .route(TURFS_CUT_PATH, post(campaign_data::cut_turfs))
        .route(
            CALL_LISTS_PATH,
            post(campaign_data::create_call_list).get(lead_views::list_call_lists),
        )
        .route(CALL_LIST_ASSIGNEES_PATH, put(calls::set_callers))
        .route(CALL_LIST_CLAIM_PATH, post(calls::claim))
        .route(CALL_LIST_RELEASE_PATH, post(calls::release))
        .route(CALL_LIST_PROGRESS_PATH, get(calls::progress))
        .route(MY_CALL_LISTS_PATH, get(my_calls::my_call_lists))
        .route(
            INVITES_PATH,
            post(campaign_data::create_invite).get(lead_views::list_invites),
        )
        .route(OLD_ASSIGNMENTS_PATH, get(lead_views::list_old_assignments))
        .route(PROGRESS_PATH, get(progress::progress))
        .route(IMPORTS_PATH, post(data_io::start_import))
        .route(IMPORT_PATH, get(data_io::import_status))
        .route(IMPORT_REPORT_PATH, get(data_io::import_report))
        .route(
            SCRIPTS_PATH,
            post(data_io::save_script).get(data_io::list_scripts),
        )
        .route(EXPORT_PATH, get(data_io::export))
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
