//! Every `/api/v1` path, written once: the server's router, its OpenAPI document and the
//! app's client all use these. A path with an id has `{id}` in it (axum's pattern syntax);
//! the client fills it with [`with_id`].

use std::fmt::Display;

pub const REGISTER_PATH: &str = "/api/v1/register";
pub const PUSH_PATH: &str = "/api/v1/push";
pub const PULL_PATH: &str = "/api/v1/pull";
pub const NETWORK_PUSH_PATH: &str = "/api/v1/network/push";
pub const NETWORK_PULL_PATH: &str = "/api/v1/network/pull";
pub const NETWORK_SUMMARY_PATH: &str = "/api/v1/network/summary";
pub const HEALTH_PATH: &str = "/api/v1/health";
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
/// `GET`: the campaign's figures; hours and days in the campaign's time zone.
pub const PROGRESS_PATH: &str = "/api/v1/progress";
pub const TURFS_PATH: &str = "/api/v1/turfs";
/// `PUT`: replace a turf's assignees.
pub const TURF_ASSIGNEES_PATH: &str = "/api/v1/turfs/{id}/assignees";
pub const TURFS_CUT_PATH: &str = "/api/v1/turfs/cut";
pub const VOLUNTEERS_PATH: &str = "/api/v1/volunteers";
pub const VOLUNTEER_QUARANTINE_PATH: &str = "/api/v1/volunteers/{id}/quarantine";
pub const VOLUNTEER_RELEASE_PATH: &str = "/api/v1/volunteers/{id}/release";
pub const DEVICE_REVOKE_PATH: &str = "/api/v1/devices/{id}/revoke";
pub const DEVICE_LINK_PATH: &str = "/api/v1/devices/link";
pub const CALL_LISTS_PATH: &str = "/api/v1/call-lists";
/// `PUT`: replace a call list's callers.
pub const CALL_LIST_ASSIGNEES_PATH: &str = "/api/v1/call-lists/{id}/assignees";
/// `POST`, body `{"count": n}`: claim contacts of a list.
pub const CALL_LIST_CLAIM_PATH: &str = "/api/v1/call-lists/{id}/claim";
/// `POST`, body `{"people": [..]}`: give contacts back.
pub const CALL_LIST_RELEASE_PATH: &str = "/api/v1/call-lists/{id}/release";
pub const CALL_LIST_PROGRESS_PATH: &str = "/api/v1/call-lists/{id}/progress";
/// The call lists this device's volunteer calls (a lead: every list of the campaign).
pub const MY_CALL_LISTS_PATH: &str = "/api/v1/my/call-lists";
/// `GET` lists invites, `POST` makes one.
pub const INVITES_PATH: &str = "/api/v1/invites";
pub const OLD_ASSIGNMENTS_PATH: &str = "/api/v1/old-assignments";
/// `GET`: records held for a lead — pushed after the volunteer's turf or call list was
/// taken from them, that would change what others share until a lead decides.
pub const HELD_RECORDS_PATH: &str = "/api/v1/held-records";
/// `POST`: store a held record (and the held ones about the person it added) as events.
pub const HELD_RECORD_ACCEPT_PATH: &str = "/api/v1/held-records/{id}/accept";
/// `POST`: keep a held record out for good (it stays listed, as dismissed).
pub const HELD_RECORD_DISMISS_PATH: &str = "/api/v1/held-records/{id}/dismiss";
/// `GET`: the numbers volunteers' records put on the do-not-call list, with who and when.
pub const DO_NOT_CALL_PATH: &str = "/api/v1/do-not-call";
/// `POST`: take one addition back (the number comes off the list).
pub const DO_NOT_CALL_UNDO_PATH: &str = "/api/v1/do-not-call/{id}/undo";
pub const IMPORTS_PATH: &str = "/api/v1/imports";
pub const IMPORT_PATH: &str = "/api/v1/imports/{id}";
pub const IMPORT_REPORT_PATH: &str = "/api/v1/imports/{id}/report";
pub const SCRIPTS_PATH: &str = "/api/v1/scripts";
pub const EXPORT_PATH: &str = "/api/v1/export";
pub const GEOCODE_PATH: &str = "/api/v1/geocode";
pub const STREETS_PATH: &str = "/api/v1/streets";
pub const GEOCODE_STREETS_PATH: &str = "/api/v1/geocode/streets";

/// `pattern` with its `{id}` filled in: `with_id(TURF_ASSIGNEES_PATH, 7)` is
/// `/api/v1/turfs/7/assignees`.
pub fn with_id(pattern: &str, id: impl Display) -> String {
    pattern.replacen("{id}", &id.to_string(), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fill_the_pattern() {
        assert_eq!(with_id(TURF_ASSIGNEES_PATH, 7), "/api/v1/turfs/7/assignees");
        assert_eq!(with_id(IMPORT_PATH, "a-b"), "/api/v1/imports/a-b");
        assert_eq!(with_id(PUSH_PATH, 1), PUSH_PATH, "no id, nothing changes");
    }
}
