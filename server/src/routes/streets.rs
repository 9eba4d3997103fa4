//! The campaign's map over the API, for the lead's app: `POST /api/v1/streets` takes an
//! OpenStreetMap extract (`.osm.pbf`) and makes it the campaign's map, as the command line's
//! `streets` does; `POST /api/v1/geocode/streets` places every household from it, as
//! `geocode --from-streets` does. Each is one transaction: on a refusal nothing changes.

use axum::body::Body;
use axum::extract::State;
use axum::Json;
use groundgame_core::protocol::campaign_data::{
    NotPlaced, NotPlacedLine, PlacedResponse, StreetsResponse,
};
use groundgame_core::protocol::ErrorBody;

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::maps::MapError;
use crate::store::StoreError;
use crate::AppState;

/// The largest extract taken over the API: a large county's (a state's is for the command
/// line on the server).
pub const MAX_EXTRACT_BYTES: u64 = 512 << 20;
/// Households not placed listed in the answer at most (the counts cover them all).
const MAX_REPORT_LINES: usize = 200;

fn refused(e: MapError) -> ApiError {
    match e {
        MapError::Store(e) => ApiError::from(e),
        MapError::Import(crate::import::ImportError::Store(e)) => ApiError::from(e),
        other => ApiError::InvalidValue(format!("{other}; nothing was changed")),
    }
}

#[utoipa::path(
    post,
    path = super::STREETS_PATH,
    tag = "lead",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The area's OpenStreetMap extract (.osm.pbf), as Geofabrik or BBBike publish it"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign's map, replaced", body = StreetsResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 413, description = "Over 512 MiB", body = ErrorBody),
        (status = 422, description = "Not an extract, or no named street in it: nothing changed", body = ErrorBody),
    )
)]
pub(crate) async fn load(
    State(state): State<AppState>,
    device: AuthDevice,
    body: Body,
) -> Result<Json<StreetsResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let file = tempfile::NamedTempFile::new()
        .map_err(|e| ApiError::Internal(format!("map upload: {e}")))?;
    let out = tokio::fs::File::create(file.path())
        .await
        .map_err(|e| ApiError::Internal(format!("map upload: {e}")))?;
    super::files::stream_to_file(body, out, MAX_EXTRACT_BYTES, "map upload", || {
        format!(
            "map extracts over {} MiB are not taken over the API; use the command line's \
             `streets` on the server",
            MAX_EXTRACT_BYTES >> 20
        )
    })
    .await?;
    let campaign = device.campaign;
    let summary = state
        .write(move |store| {
            let done = crate::maps::load_streets(store, campaign, file.path());
            drop(file);
            Ok(done)
        })
        .await?
        .map_err(refused)?;
    tracing::info!(device = %device.device, streets = summary.streets, "map loaded");
    Ok(Json(StreetsResponse {
        streets: summary.streets,
        names: summary.names,
        address_points: summary.address_points,
        unnamed_ways: summary.unnamed_ways,
        ways_without_geometry: summary.ways_without_geometry,
        bad_addresses: summary.bad_addresses,
    }))
}

#[utoipa::path(
    post,
    path = super::GEOCODE_STREETS_PATH,
    tag = "lead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Households placed; the counts and the first households not placed", body = PlacedResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 422, description = "The campaign has no map yet: nothing changed", body = ErrorBody),
    )
)]
pub(crate) async fn place(
    State(state): State<AppState>,
    device: AuthDevice,
) -> Result<Json<PlacedResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let campaign = device.campaign;
    let (summary, report) = state
        .write(move |store| {
            let mut report = Vec::new();
            let placed = crate::maps::place_from_streets(store, campaign, &mut |address, why| {
                if report.len() < MAX_REPORT_LINES {
                    report.push(NotPlacedLine {
                        address: address.to_owned(),
                        reason: why.reason().to_owned(),
                    });
                }
                Ok(())
            });
            Ok::<_, StoreError>(placed.map(|s| (s, report)))
        })
        .await?
        .map_err(refused)?;
    tracing::info!(device = %device.device, exact = summary.exact, interpolated = summary.interpolated, "households placed from the map");
    Ok(Json(PlacedResponse {
        households: summary.households,
        exact: summary.exact,
        interpolated: summary.interpolated,
        not_found: summary
            .not_found
            .iter()
            .map(|(why, n)| NotPlaced {
                reason: why.reason().to_owned(),
                households: *n,
            })
            .collect(),
        located: summary.updated,
        sent_to_devices: summary.sent_to_devices,
        report,
    }))
}
