//! The HTTP routes, one module per area. Handlers only translate: HTTP in, a store or sync
//! call on a blocking thread, HTTP out. They hold no SQL and no sync rules.

pub(crate) mod health;
pub(crate) mod lead;
pub mod openapi;
pub(crate) mod pull;
pub(crate) mod push;
pub(crate) mod register;

use axum::routing::{get, post, put};
use axum::Router;
use groundgame_core::protocol::{PULL_PATH, PUSH_PATH, REGISTER_PATH};

use crate::error::ApiError;
use crate::AppState;

pub(crate) const HEALTH_PATH: &str = "/api/v1/health";
pub(crate) const OPENAPI_PATH: &str = "/api/v1/openapi.json";
pub(crate) const TURFS_PATH: &str = "/api/v1/turfs";
pub(crate) const TURF_ASSIGNEES_PATH: &str = "/api/v1/turfs/{id}/assignees";
pub(crate) const VOLUNTEERS_PATH: &str = "/api/v1/volunteers";
pub(crate) const DEVICE_REVOKE_PATH: &str = "/api/v1/devices/{id}/revoke";

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(REGISTER_PATH, post(register::register))
        .route(PUSH_PATH, post(push::push))
        .route(PULL_PATH, post(pull::pull))
        .route(TURFS_PATH, get(lead::list_turfs))
        .route(TURF_ASSIGNEES_PATH, put(lead::set_assignees))
        .route(VOLUNTEERS_PATH, get(lead::list_volunteers))
        .route(DEVICE_REVOKE_PATH, post(lead::revoke_device))
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
