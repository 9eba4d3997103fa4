//! The server's two error types, in a module that depends on no other of the crate's (so
//! the store, the file readers and the HTTP layer can all name them without importing one
//! another): [`StoreError`], why a store operation failed, and the API's one error type,
//! [`ApiError`]. Every failure a request can meet becomes an [`ApiError`], and
//! its `IntoResponse` is the only place an HTTP status is chosen. Clients always get the
//! same JSON shape (`core::protocol::ErrorBody`) with a code from `core::protocol::codes`
//! and a sentence saying what to do next; internal faults are logged and shown to nobody.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use groundgame_core::protocol::{codes, ErrorBody, ErrorInfo};

/// Why a store operation failed. The invite and lookup variants are answers a caller acts
/// on; the rest are faults (logged by the server, never shown to a client).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no such invite code; ask your lead for a new one")]
    InviteUnknown,
    #[error("the invite code has expired; ask your lead for a new one")]
    InviteExpired,
    #[error("the invite code has been used up; ask your lead for a new one")]
    InviteUsedUp,
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A value the store cannot accept, said in words a lead can act on.
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The PostgreSQL connection pool could not hand out a connection in time.
    #[error("database connection: {0}")]
    Pool(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database schema: {0}")]
    Migration(String),
    /// A database failure that several requests met at once (a group commit that did not
    /// commit), told to each of them.
    #[error("database error: {0}")]
    Shared(String),
}

impl StoreError {
    /// The same failure, for another request of a group that failed together.
    pub fn duplicate(&self) -> StoreError {
        match self {
            StoreError::InviteUnknown => StoreError::InviteUnknown,
            StoreError::InviteExpired => StoreError::InviteExpired,
            StoreError::InviteUsedUp => StoreError::InviteUsedUp,
            StoreError::NotFound(what) => StoreError::NotFound(what),
            StoreError::Invalid(message) => StoreError::Invalid(message.clone()),
            other => StoreError::Shared(
                other
                    .to_string()
                    .trim_start_matches("database error: ")
                    .to_owned(),
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Not JSON, or not the expected shape; the message says what is wrong.
    #[error("{0}")]
    InvalidBody(String),
    /// The body is not JSON at all (wrong or missing content type, unknown encoding).
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    InvalidValue(String),
    #[error("this app is too old or too new for the server; update the app")]
    UnsupportedProtocol,
    #[error("sign in again: this device's token is missing or not recognised")]
    Unauthorized,
    #[error("this device was signed out by your lead; its voter data must be removed")]
    DeviceRevoked,
    #[error("your role may not do this; ask your campaign's lead")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("this address does not accept that method; check the API description at /api/v1/openapi.json")]
    MethodNotAllowed,
    #[error("that invite code is not valid; check it or ask your lead for a new one")]
    InviteInvalid,
    #[error("that code has expired; ask your lead for a new invite, or make a new code on your other device")]
    InviteExpired,
    #[error("that code has been used up; ask your lead for a new invite, or make a new code on your other device")]
    InviteUsedUp,
    #[error("{0}")]
    TooLarge(String),
    #[error("too many wrong codes from this network; wait {0} minutes, then try again")]
    TooManyAttempts(u64),
    /// Past the device's quota (`http::quota`); the number is milliseconds to wait.
    #[error("this device sent more than the server takes at once; it sends the rest in {} seconds", .0.div_ceil(1000).max(1))]
    TooManyRequests(u64),
    /// A fault on the server. The text is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

const INTERNAL_MESSAGE: &str = "Something went wrong on the server; try again later.";

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use ApiError::*;
        match self {
            InvalidBody(_) => (StatusCode::BAD_REQUEST, codes::INVALID_BODY),
            UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::INVALID_BODY),
            InvalidValue(_) => (StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_VALUE),
            UnsupportedProtocol => (StatusCode::BAD_REQUEST, codes::UNSUPPORTED_PROTOCOL),
            Unauthorized => (StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED),
            DeviceRevoked => (StatusCode::UNAUTHORIZED, codes::DEVICE_REVOKED),
            Forbidden => (StatusCode::FORBIDDEN, codes::FORBIDDEN),
            NotFound(_) => (StatusCode::NOT_FOUND, codes::NOT_FOUND),
            MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED),
            InviteInvalid => (StatusCode::FORBIDDEN, codes::INVITE_INVALID),
            InviteExpired => (StatusCode::FORBIDDEN, codes::INVITE_EXPIRED),
            InviteUsedUp => (StatusCode::FORBIDDEN, codes::INVITE_USED_UP),
            TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, codes::TOO_LARGE),
            TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_ATTEMPTS),
            TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_REQUESTS),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL),
        }
    }

    /// The error a bare status stands for, when something below the handlers (a layer, a
    /// router rejection) answered with a status of its own; `detail` is its text, if any.
    fn from_status(status: StatusCode, detail: String) -> ApiError {
        let detail = if detail.trim().is_empty() {
            status
                .canonical_reason()
                .unwrap_or("request refused")
                .to_string()
        } else {
            detail
        };
        match status {
            StatusCode::NOT_FOUND => ApiError::NotFound(format!(
                "nothing here ({detail}); check the address against /api/v1/openapi.json"
            )),
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(too_large_message()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(format!(
                "the body's encoding or type is not supported ({detail}); send JSON, \
                 optionally gzip-compressed"
            )),
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized,
            StatusCode::FORBIDDEN => ApiError::Forbidden,
            s if s.is_client_error() => ApiError::InvalidBody(format!(
                "the request was not understood ({detail}); fix it and send it again"
            )),
            _ => ApiError::Internal(format!("{status}: {detail}")),
        }
    }
}

pub(crate) fn too_large_message() -> String {
    format!(
        "the request is larger than {} bytes once decompressed; send fewer events per request",
        groundgame_core::protocol::MAX_BODY_BYTES
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                INTERNAL_MESSAGE.to_string()
            }
            other => other.to_string(),
        };
        let body = ErrorBody {
            error: ErrorInfo {
                code: code.to_string(),
                message,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let ApiError::TooManyRequests(wait_ms) = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait_ms.div_ceil(1000).max(1)),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::InviteUnknown => ApiError::InviteInvalid,
            StoreError::InviteExpired => ApiError::InviteExpired,
            StoreError::InviteUsedUp => ApiError::InviteUsedUp,
            StoreError::NotFound(what) => ApiError::NotFound(format!("no such {what}")),
            StoreError::Invalid(message) => ApiError::InvalidValue(message),
            fault @ (StoreError::Sqlite(_)
            | StoreError::Postgres(_)
            | StoreError::Pool(_)
            | StoreError::Corrupt(_)
            | StoreError::Migration(_)
            | StoreError::Shared(_)) => ApiError::Internal(fault.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(format!("blocking task failed: {e}"))
    }
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Middleware: turn any error response that is not already our JSON (axum's plain-text
/// rejections, the decompression layer's 415, an empty 404/405) into an [`ApiError`], so a
/// client only ever sees one error shape.
pub(crate) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let (_, body) = response.into_parts();
    let detail = match axum::body::to_bytes(Body::new(body), 4096).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    };
    ApiError::from_status(status, detail).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_errors_show_nothing_of_the_fault() {
        let response = ApiError::Internal("disk full at /secret/path".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        let body: ErrorBody = serde_json::from_slice(&bytes).expect("error body");
        assert_eq!(body.error.code, codes::INTERNAL);
        assert_eq!(body.error.message, INTERNAL_MESSAGE);
    }
}
