//! `ApiJson<T>`: the JSON body extractor every handler uses. It reads the (already
//! decompressed) body under the size limit and parses it with serde, and every way that can
//! fail becomes an [`ApiError`] with serde's own words ("unknown field `colour` at line 1
//! column 80"), so a client learns exactly what to fix.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::error::{too_large_message, ApiError};

/// A JSON request body of type `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

fn has_json_content_type(req: &Request) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let mime = value.split(';').next().unwrap_or("").trim();
    mime.eq_ignore_ascii_case("application/json")
        || mime
            .rsplit_once('+')
            .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json"))
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !has_json_content_type(&req) {
            return Err(ApiError::UnsupportedMediaType(
                "the body must be JSON: send it with `Content-Type: application/json`".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| match rejection {
                BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
                    ApiError::TooLarge(too_large_message())
                }
                _ => ApiError::InvalidBody(
                    "the request body could not be read (if it is gzip-compressed, it is not \
                     valid gzip); send it again"
                        .into(),
                ),
            })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            ApiError::InvalidBody(match e.classify() {
                serde_json::error::Category::Data => e.to_string(),
                _ => format!("the body is not valid JSON: {e}"),
            })
        })
    }
}
