//! `POST /api/v1/geocode`: a lead's geocoding CSV (an address and its latitude and
//! longitude per row, as the command line's `geocode` takes it) sets households' map
//! locations, so an area cut and the turf map can use them. One transaction: all of the
//! file's usable rows, or on a fatal error (no address or location columns) nothing. The
//! answer has the counts and the first report lines (row, reason); devices holding a placed
//! household receive its new location at their next pull.

use axum::body::Body;
use axum::extract::State;
use axum::Json;
use groundgame_core::protocol::campaign_data::{GeocodeLine, GeocodeResponse};
use groundgame_core::protocol::ErrorBody;
use http_body_util::BodyExt;

use crate::error::ApiError;
use crate::http::auth::AuthDevice;
use crate::import::{GeoReader, ImportError};
use crate::AppState;

/// The largest geocoding file taken (decompressed): about a million addresses.
pub const MAX_GEOCODE_BYTES: usize = 64 << 20;
/// Report lines sent back at most (the counts cover them all).
pub const MAX_REPORT_LINES: usize = 200;

async fn read_body(body: Body) -> Result<Vec<u8>, ApiError> {
    let mut body = body;
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::InvalidBody(format!(
                "the upload stopped before the end of the file ({e}); send it again"
            ))
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if bytes.len() + data.len() > MAX_GEOCODE_BYTES {
            return Err(ApiError::TooLarge(format!(
                "geocoding files over {} MiB are not taken over the API; split the file, or \
                 use the command line's `geocode` on the server",
                MAX_GEOCODE_BYTES >> 20
            )));
        }
        bytes.extend_from_slice(&data);
    }
    Ok(bytes)
}

#[utoipa::path(
    post,
    path = super::GEOCODE_PATH,
    tag = "lead",
    request_body(content = String, content_type = "text/csv", description = "The geocoding CSV: an address (address_key, a one-line address, or number/street/unit with city and zip) and lat/lon per row; gzip Content-Encoding allowed"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Locations set; the counts and the first report lines", body = GeocodeResponse),
        (status = 403, description = "Not a lead", body = ErrorBody),
        (status = 413, description = "Over 64 MiB", body = ErrorBody),
        (status = 422, description = "Not a geocoding file (no address or location columns), or empty: nothing changed", body = ErrorBody),
    )
)]
pub(crate) async fn geocode(
    State(state): State<AppState>,
    device: AuthDevice,
    lang: crate::lang::Lang,
    body: Body,
) -> Result<Json<GeocodeResponse>, ApiError> {
    device.require_lead_of(device.campaign)?;
    let bytes = read_body(body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidValue(
            "the geocoding file is empty; export it again".into(),
        ));
    }
    let campaign = device.campaign;
    let (summary, report, report_lines) = state
        .write(move |store| {
            let mut reader = match GeoReader::new(std::io::Cursor::new(bytes)) {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            let mut report = Vec::new();
            let mut lines = 0u64;
            let result = store.set_locations(campaign, &mut reader, &mut |row, issue| {
                lines += 1;
                if report.len() < MAX_REPORT_LINES {
                    report.push(GeocodeLine {
                        row,
                        reason: issue.reason_in(lang).to_owned(),
                    });
                }
                Ok(())
            });
            Ok(result.map(|summary| (summary, report, lines)))
        })
        .await?
        .map_err(|e| match e {
            ImportError::Store(e) => ApiError::from(e),
            other => ApiError::InvalidValue(format!(
                "{}; {}",
                other.message_in(lang),
                lang.pick("nothing was changed", "no se cambió nada")
            )),
        })?;
    tracing::info!(device = %device.device, rows = summary.rows, located = summary.updated, "geocoding file applied");
    Ok(Json(GeocodeResponse {
        rows: summary.rows,
        located: summary.updated,
        unchanged: summary.unchanged,
        unmatched: summary.unmatched,
        bad_rows: summary.bad_rows,
        sent_to_devices: summary.sent_to_devices,
        report,
        report_lines,
    }))
}
