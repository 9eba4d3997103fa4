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
        serde_json::from_slice(&bytes)
            .or_else(|e| integral_numbers_as_integers(&bytes).ok_or(e))
            .map(ApiJson)
            .map_err(|e| {
                ApiError::InvalidBody(match e.classify() {
                    serde_json::error::Category::Data => e.to_string(),
                    _ => format!("the body is not valid JSON: {e}"),
                })
            })
    }
}

/// JSON has one kind of number, and JSON Schema calls `6577.0` an integer; serde wants an
/// integer written without a fraction. Only for a body that already failed (the common
/// path parses once): integral numbers written as floats become integers and it is tried
/// again. `None` when that changes nothing or still fails (the first error is answered).
fn integral_numbers_as_integers<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    fn fix(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) if n.is_f64() => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() != 0.0 {
                    return false;
                }
                // The integer the float is, where one of the 64-bit types holds it.
                if (-9.223_372_036_854_776e18..0.0).contains(&f) {
                    *v = serde_json::Value::from(f as i64);
                } else if (0.0..1.844_674_407_370_955_2e19).contains(&f) {
                    *v = serde_json::Value::from(f as u64);
                } else {
                    return false;
                }
                true
            }
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, i| fix(i) | c),
            serde_json::Value::Object(map) => map.values_mut().fold(false, |c, i| fix(i) | c),
            _ => false,
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !fix(&mut value) {
        return None;
    }
    serde_json::from_value(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Claim {
        count: u32,
        ids: Vec<i64>,
    }

    #[test]
    fn integral_floats_are_integers_and_fractions_are_not() {
        let got: Option<Claim> =
            integral_numbers_as_integers(br#"{"count": 6577.0, "ids": [-5.0, 2]}"#);
        assert_eq!(
            got,
            Some(Claim {
                count: 6577,
                ids: vec![-5, 2]
            })
        );
        assert!(integral_numbers_as_integers::<Claim>(br#"{"count": 1.5, "ids": []}"#).is_none());
        assert!(integral_numbers_as_integers::<Claim>(br#"{"count": -1.0, "ids": []}"#).is_none());
        assert!(integral_numbers_as_integers::<Claim>(br#"{"count": 1e300, "ids": []}"#).is_none());
        let big: Option<Claim> =
            integral_numbers_as_integers(br#"{"count": 7.0, "ids": [-9.0e18, 4.0e15]}"#);
        assert_eq!(
            big.map(|c| c.ids),
            Some(vec![-9_000_000_000_000_000_000, 4_000_000_000_000_000])
        );
    }
}
