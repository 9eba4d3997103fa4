//! `GET /api/v1/openapi.json`: the API description, generated from the handlers'
//! `#[utoipa::path]` annotations and the protocol types' schemas, so it cannot drift from
//! the code.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use groundgame_core::domain::{SurveyChoice, Turf};
use groundgame_core::event::{AskAnswer, AskKind, Channel, VotePlan};
use groundgame_core::protocol::{
    DeviceLinkResponse, ErrorBody, ErrorInfo, PullRequest, PullResponse, PushOutcome, PushRequest,
    PushResponse, RegisterRequest, RegisterResponse, ScopeCursor, ScopePage,
};
use groundgame_core::{
    CampaignConfig, Event, EventBody, Household, Person, ResultCode, ResultEffect, ResultLevel,
    Role, SurveyQuestion,
};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::health::Health;
use groundgame_core::protocol::calls;
use groundgame_core::protocol::campaign_data::{
    self as data, CallListRequest, CallListResponse, CutBy, CutRequest, CutResponse, CutTurfItem,
};
use groundgame_core::protocol::lead::{
    AssigneesRequest, AssigneesResponse, CallListItem, CallListList, DayProgress, DeviceItem,
    DoNotCallAddition, DoNotCallList, DoNotCallUndoResponse, Figures, HeldDecisionResponse,
    HeldRecord, HeldRecordList, HeldStatus, HourProgress, InviteItem, InviteJoin, InviteList,
    InviteRequest, InviteResponse, OldAssignment, OldAssignmentList, Progress, QualityFlag,
    QuarantineResponse, RevokeResponse, Support, Totals, TurfItem, TurfList, TurfProgress,
    VolunteerItem, VolunteerList, VolunteerProgress,
};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gg_<64 hex digits>")
                    .description(Some("The token from /api/v1/register"))
                    .build(),
            ),
        );
    }
}

/// The answers every operation of a kind can give, added where a handler's annotation does
/// not list them, so the document says every status the server sends (Schemathesis checks
/// each answer against it: `scripts/schemathesis.sh`): 401 wherever a token is needed, 403
/// on the lead's operations, 404 where a path names a record, 400 and 422 where a request
/// carries parameters or a body, 413 and 415 where it carries a JSON body.
struct CommonAnswers;

impl CommonAnswers {
    fn answer(description: &str) -> RefOr<utoipa::openapi::Response> {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    }

    fn complete(path: &str, op: &mut Operation) {
        let mut add = |status: &str, description: &str| {
            op.responses
                .responses
                .entry(status.to_string())
                .or_insert_with(|| Self::answer(description));
        };
        let authed = op.security.as_ref().is_some_and(|s| !s.is_empty());
        let lead = op
            .tags
            .as_ref()
            .is_some_and(|t| t.iter().any(|t| t == "lead"));
        let json_body = op
            .request_body
            .as_ref()
            .is_some_and(|b| b.content.contains_key("application/json"));
        let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
        let names_a_record = path.contains('{');
        if authed {
            add("401", "Missing, unknown or revoked token");
        }
        if lead {
            add(
                "403",
                "This device's volunteer is not a lead of the campaign",
            );
        }
        if names_a_record {
            add("404", "No such record in this device's campaign");
        }
        if json_body || has_params || names_a_record {
            add(
                "400",
                "A malformed request: a parameter or the body is not of its type",
            );
            add(
                "422",
                "A well-formed request with a value the server cannot take",
            );
        }
        if json_body {
            add("413", "Body over the size limit");
            add(
                "415",
                "The body was not sent as JSON (Content-Type: application/json)",
            );
        }
    }
}

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                Self::complete(path, op);
            }
        }
    }
}

/// The Groundgame API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Groundgame API",
        description = "Sync protocol for Groundgame devices, and lead endpoints. Every error has \
                       the ErrorBody shape with a machine-readable code."
    ),
    paths(
        super::register::register,
        super::register::link_device,
        super::push::push,
        super::pull::pull,
        super::lead::list_turfs,
        super::lead::set_assignees,
        super::lead::list_volunteers,
        super::lead_actions::cut_turfs,
        super::lead_actions::create_call_list,
        super::lead_actions::create_invite,
        super::calls::set_callers,
        super::calls::claim,
        super::calls::release,
        super::calls::progress,
        super::my_calls::my_call_lists,
        super::lead::revoke_device,
        super::progress::progress,
        super::progress::quarantine,
        super::progress::release,
        super::lead_views::list_invites,
        super::lead_views::list_call_lists,
        super::lead_views::list_old_assignments,
        super::held::list_held,
        super::do_not_call::list,
        super::do_not_call::undo,
        super::held::accept_held,
        super::held::dismiss_held,
        super::files::start_import,
        super::files::import_status,
        super::files::import_report,
        super::files::save_script,
        super::files::list_scripts,
        super::files::export,
        super::geocode::geocode,
        super::streets::load,
        super::streets::place,
        super::network::push,
        super::network::pull,
        super::network::summary,
        super::health::health,
        openapi_json,
    ),
    components(schemas(
        RegisterRequest, RegisterResponse, DeviceLinkResponse, PushRequest, PushResponse, PushOutcome, PullRequest,
        PullResponse, ScopeCursor, ScopePage, ErrorBody, ErrorInfo, Event, EventBody, Channel,
        AskKind, AskAnswer, VotePlan, CampaignConfig, ResultCode, ResultLevel, ResultEffect,
        SurveyQuestion, SurveyChoice, Household, Person, Turf, Role, AssigneesRequest,
        AssigneesResponse, RevokeResponse, TurfList, TurfItem, VolunteerList,
        VolunteerItem, DeviceItem, Health, CutBy, CutRequest, CutResponse, CutTurfItem,
        CallListRequest, CallListResponse, InviteRequest, InviteResponse,
        calls::CallersRequest, calls::CallersResponse, calls::ClaimRequest,
        calls::ClaimResponse, calls::CallContact, calls::ContactAddress,
        calls::ReleaseRequest, calls::ReleaseResponse,
        calls::CallProgressResponse, calls::CallProgress,
        calls::MyCallList, calls::MyCallListsResponse,
        Progress, Totals, Figures, Support, TurfProgress, VolunteerProgress, QualityFlag,
        HourProgress, DayProgress, QuarantineResponse,
        groundgame_core::network::NetworkPushRequest,
        groundgame_core::network::NetworkPushResponse,
        groundgame_core::network::NetworkPullRequest,
        groundgame_core::network::NetworkPullResponse,
        groundgame_core::network::NetworkRecord, groundgame_core::network::NetworkBody,
        groundgame_core::network::NetworkRecordId, groundgame_core::network::NetworkContactId,
        groundgame_core::network::Relationship, groundgame_core::network::NetworkSummary,
        groundgame_core::network::VolunteerNetworkTotals,
        groundgame_core::network::NetworkTotals, groundgame_core::network::AnswerCounts,
        InviteList, InviteItem, InviteJoin, CallListList, CallListItem, OldAssignmentList, HeldRecordList, HeldRecord, HeldStatus, HeldDecisionResponse, DoNotCallList, DoNotCallAddition, DoNotCallUndoResponse,
        OldAssignment,
        data::ImportJobResponse, data::ImportStatus, data::ImportSummary, data::ImportFormat,
        data::ExportFormat, data::ScriptSaved, data::ScriptList, data::ScriptListItem,
        data::GeocodeResponse, data::GeocodeLine, data::StreetsResponse, data::PlacedResponse, data::NotPlaced, data::NotPlacedLine,
    )),
    modifiers(&BearerAuth, &CommonAnswers),
    tags(
        (name = "sync", description = "What devices call"),
        (name = "lead", description = "What leads call"),
        (name = "meta", description = "About the server"),
    )
)]
pub struct ApiDoc;

/// The API description as an OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

fn openapi_text() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    })
}

#[utoipa::path(
    get,
    path = super::OPENAPI_PATH,
    tag = "meta",
    responses((status = 200, description = "This API's OpenAPI 3.1 description", content_type = "application/json"))
)]
pub(crate) async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_text())
}
