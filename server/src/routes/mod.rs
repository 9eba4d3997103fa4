//! The HTTP routes, one module per area. Handlers only translate: HTTP in, a store or sync
//! call on a blocking thread, HTTP out. They hold no SQL and no sync rules.

pub(crate) mod calls;
pub(crate) mod do_not_call;
pub(crate) mod files;
pub(crate) mod geocode;
pub(crate) mod health;
pub(crate) mod held;
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
pub(crate) mod streets;

use axum::Router;

use crate::error::ApiError;
use crate::AppState;

// Every path is core's (`groundgame_core::paths`), shared with the app's client.
pub(crate) use groundgame_core::paths::*;

/// The router and [`ROUTES`], its list of (path, method), from one table: a route cannot
/// be served without being listed, so the authorization test, which needs a row for every
/// listed route (`tests::authz`), cannot miss one.
macro_rules! api {
    ($( $path:expr => $first:ident($handler:expr) $(. $method:ident($more:expr))* ;)*) => {
        /// Every route the API serves: (path, method in lower case).
        #[cfg_attr(not(test), allow(dead_code))]
        pub(crate) const ROUTES: &[(&str, &str)] = &[
            $( ($path, stringify!($first)), $( ($path, stringify!($method)), )* )*
        ];

        pub(crate) fn router() -> Router<AppState> {
            Router::new()
                $( .route($path, axum::routing::$first($handler) $(.$method($more))*) )*
                .fallback(not_found)
                .method_not_allowed_fallback(method_not_allowed)
        }
    };
}

api! {
    REGISTER_PATH => post(register::register);
    PUSH_PATH => post(push::push);
    PULL_PATH => post(pull::pull);
    NETWORK_PUSH_PATH => post(network::push);
    NETWORK_PULL_PATH => post(network::pull);
    NETWORK_SUMMARY_PATH => get(network::summary);
    TURFS_PATH => get(lead::list_turfs);
    TURF_ASSIGNEES_PATH => put(lead::set_assignees);
    VOLUNTEERS_PATH => get(lead::list_volunteers);
    DEVICE_REVOKE_PATH => post(lead::revoke_device);
    DEVICE_LINK_PATH => post(register::link_device);
    TURFS_CUT_PATH => post(lead_actions::cut_turfs);
    CALL_LISTS_PATH => post(lead_actions::create_call_list).get(lead_views::list_call_lists);
    CALL_LIST_ASSIGNEES_PATH => put(calls::set_callers);
    CALL_LIST_CLAIM_PATH => post(calls::claim);
    CALL_LIST_RELEASE_PATH => post(calls::release);
    CALL_LIST_PROGRESS_PATH => get(calls::progress);
    MY_CALL_LISTS_PATH => get(my_calls::my_call_lists);
    INVITES_PATH => post(lead_actions::create_invite).get(lead_views::list_invites);
    OLD_ASSIGNMENTS_PATH => get(lead_views::list_old_assignments);
    HELD_RECORDS_PATH => get(held::list_held);
    DO_NOT_CALL_PATH => get(do_not_call::list);
    DO_NOT_CALL_UNDO_PATH => post(do_not_call::undo);
    HELD_RECORD_ACCEPT_PATH => post(held::accept_held);
    HELD_RECORD_DISMISS_PATH => post(held::dismiss_held);
    PROGRESS_PATH => get(progress::progress);
    IMPORTS_PATH => post(files::start_import);
    IMPORT_PATH => get(files::import_status);
    IMPORT_REPORT_PATH => get(files::import_report);
    SCRIPTS_PATH => post(files::save_script).get(files::list_scripts);
    EXPORT_PATH => get(files::export);
    GEOCODE_PATH => post(geocode::geocode);
    STREETS_PATH => post(streets::load);
    GEOCODE_STREETS_PATH => post(streets::place);
    VOLUNTEER_QUARANTINE_PATH => post(progress::quarantine);
    VOLUNTEER_RELEASE_PATH => post(progress::release);
    OPENAPI_PATH => get(openapi::openapi_json);
    HEALTH_PATH => get(health::health);
}

async fn not_found() -> ApiError {
    ApiError::NotFound(
        "there is nothing at this address; check it against /api/v1/openapi.json".into(),
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
