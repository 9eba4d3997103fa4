//! The wire: a [`Transport`] sends gzip-compressed JSON to the server and hands back the
//! status and the decompressed body. [`HttpTransport`] is the real one (reqwest, rustls);
//! tests use fakes that answer from memory, drop requests or lose responses.

use std::future::Future;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use reqwest::header::{ACCEPT_ENCODING, ACCEPT_LANGUAGE, CONTENT_ENCODING, CONTENT_TYPE};

/// The largest response body accepted, decompressed (a whole turf's first page is far
/// smaller).
const MAX_RESPONSE_BYTES: u64 = 512 * 1024 * 1024;

/// An HTTP answer: status, decompressed body, and how long the server asked to be left
/// alone (`Retry-After`, on a `429` or `503`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
}

impl RawResponse {
    /// An answer with no `Retry-After`.
    pub fn new(status: u16, body: Vec<u8>) -> Self {
        RawResponse {
            status,
            body,
            retry_after: None,
        }
    }
}

/// The longest `Retry-After` taken from a server: an hour (a longer one is read as an hour,
/// so a misconfigured proxy cannot park the phone for days).
pub const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// A `Retry-After` value in seconds (RFC 9110 also allows an HTTP date; no server of ours
/// sends one, and a date is read as absent, leaving the engine's own back-off).
pub fn parse_retry_after(value: &[u8]) -> Option<Duration> {
    let seconds: u64 = std::str::from_utf8(value).ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds).min(LONGEST_RETRY_AFTER))
}

/// The request did not get an answer: no connection, timeout, reset. Always worth
/// retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// How the engine reaches the server.
pub trait Transport: Send + Sync {
    /// POST `body` (already gzip-compressed JSON) to `path` (e.g.
    /// `core::protocol::PUSH_PATH`). Implementations send `Content-Type:
    /// application/json`, `Content-Encoding: gzip`, `Authorization: Bearer <token>` when
    /// token is Some, and return the status and the DECOMPRESSED response body. A network
    /// failure (no connection, timeout, reset) is Err.
    fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> impl Future<Output = Result<RawResponse, TransportError>> + Send;

    /// GET `path` (lead views).
    fn get(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> impl Future<Output = Result<RawResponse, TransportError>> + Send;

    /// PUT `body` (gzip-compressed JSON) to `path`.
    fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> impl Future<Output = Result<RawResponse, TransportError>> + Send;

    /// Response bytes received on the wire so far (compressed), when the transport can
    /// tell; the engine counts decompressed bytes otherwise.
    fn wire_bytes_received(&self) -> Option<u64> {
        None
    }
}

impl<T: Transport> Transport for Arc<T> {
    fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> impl Future<Output = Result<RawResponse, TransportError>> + Send {
        (**self).post(path, token, body)
    }
    fn get(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> impl Future<Output = Result<RawResponse, TransportError>> + Send {
        (**self).get(path, token)
    }
    fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> impl Future<Output = Result<RawResponse, TransportError>> + Send {
        (**self).put(path, token, body)
    }
    fn wire_bytes_received(&self) -> Option<u64> {
        (**self).wire_bytes_received()
    }
}

/// Compress a request body (fast level: the phone's CPU matters more than a few bytes).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Decompress a gzip body, refusing anything that inflates beyond `limit` bytes.
pub fn gunzip(data: &[u8], limit: u64) -> Result<Vec<u8>, TransportError> {
    let mut out = Vec::with_capacity(data.len() * 4);
    GzDecoder::new(data)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            TransportError(format!(
                "the server's answer could not be decompressed: {e}"
            ))
        })?;
    if out.len() as u64 > limit {
        return Err(TransportError("the server's answer is too large".into()));
    }
    Ok(out)
}

/// The real transport: HTTP/1.1 over reqwest with rustls. Connect timeout 5 s, request
/// timeout 30 s. Compression is handled here (not by reqwest) so the compressed size of
/// each answer can be counted.
pub struct HttpTransport {
    client: reqwest::Client,
    base: String,
    received: AtomicU64,
    /// The app's language, sent as `Accept-Language` so the server's own sentences (an
    /// import's reasons, a refused script's problems) come in it.
    language: RwLock<Option<&'static str>>,
}

impl HttpTransport {
    /// A transport to the server at `base_url` (e.g. `https://field.example.org`).
    pub fn new(base_url: &str) -> Result<Self, TransportError> {
        Self::with_client(Self::client()?, base_url)
    }

    /// A client configured for Groundgame, to share among many transports (one
    /// connection pool and TLS setup for a simulator's thousand devices).
    pub fn client() -> Result<reqwest::Client, TransportError> {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .no_gzip()
            .tcp_nodelay(true)
            .user_agent(concat!("groundgame/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError(format!("could not set up HTTP: {e}")))
    }

    /// A transport using an existing client (see [`HttpTransport::client`]).
    pub fn with_client(client: reqwest::Client, base_url: &str) -> Result<Self, TransportError> {
        let base = base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base).map_err(|e| {
            TransportError(format!(
                "the server address is not valid ({e}); it should look like https://field.example.org"
            ))
        })?;
        // Plain http only to this machine (a test server, the demo): anywhere else a
        // token and voters' data would cross the network readable by anyone on the way.
        let loopback = match url.host_str() {
            Some("localhost") => true,
            Some(host) => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(TransportError(
                    "the server address must start with https:// (http:// is only for a server \
                     on this same device)"
                        .into(),
                ))
            }
            _ => {
                return Err(TransportError(
                    "the server address must start with https://".into(),
                ))
            }
        }
        Ok(HttpTransport {
            client,
            base,
            received: AtomicU64::new(0),
            language: RwLock::new(None),
        })
    }

    /// Ask the server for its sentences in `tag` (`"en"`, `"es"`) from now on.
    pub fn set_language(&self, tag: &'static str) {
        *self.language.write().unwrap_or_else(|e| e.into_inner()) = Some(tag);
    }

    fn language(&self) -> Option<&'static str> {
        *self.language.read().unwrap_or_else(|e| e.into_inner())
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        token: Option<&str>,
    ) -> Result<RawResponse, TransportError> {
        let mut request = request.header(ACCEPT_ENCODING, "gzip");
        if let Some(tag) = self.language() {
            request = request.header(ACCEPT_LANGUAGE, tag);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(describe)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| parse_retry_after(v.as_bytes()));
        let gzipped = response
            .headers()
            .get(CONTENT_ENCODING)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        let bytes = response.bytes().await.map_err(describe)?;
        self.received
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let body = if gzipped {
            gunzip(&bytes, MAX_RESPONSE_BYTES)?
        } else {
            bytes.to_vec()
        };
        Ok(RawResponse {
            status,
            body,
            retry_after,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn with_body(
        &self,
        request: reqwest::RequestBuilder,
        body: Vec<u8>,
    ) -> reqwest::RequestBuilder {
        request
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_ENCODING, "gzip")
            .timeout(request_timeout(body.len()))
            .body(body)
    }
}

/// How long a request with a `body_len`-byte body may take: the usual 30 s, plus a second
/// per 64 KiB beyond the first MiB (a lead's voter file on a slow uplink is not cut off
/// half-sent; a sync batch, far smaller, keeps the 30 s).
pub fn request_timeout(body_len: usize) -> Duration {
    let extra = body_len.saturating_sub(1 << 20) / (64 << 10);
    Duration::from_secs(30 + extra as u64)
}

/// A network failure in words (reqwest's message names the URL, never the token).
fn describe(e: reqwest::Error) -> TransportError {
    let what = if e.is_timeout() {
        "the server took too long to answer"
    } else if e.is_connect() {
        "could not connect to the server"
    } else {
        "the connection to the server failed"
    };
    TransportError(format!("{what}: {e}"))
}

impl Transport for HttpTransport {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        let request = self.with_body(self.client.post(self.url(path)), body);
        self.send(request, token).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Result<RawResponse, TransportError> {
        self.send(self.client.get(self.url(path)), token).await
    }

    async fn put(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<RawResponse, TransportError> {
        let request = self.with_body(self.client.put(self.url(path)), body);
        self.send(request, token).await
    }

    fn wire_bytes_received(&self) -> Option<u64> {
        Some(self.received.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_uploads_get_time_for_a_slow_uplink() {
        assert_eq!(request_timeout(0), Duration::from_secs(30));
        assert_eq!(request_timeout(1 << 20), Duration::from_secs(30));
        // 50 MiB of gzip at 64 KiB/s: 13 minutes more.
        assert_eq!(request_timeout(50 << 20), Duration::from_secs(30 + 784));
    }

    #[test]
    fn gzip_round_trips_and_limits_inflation() {
        let data = b"{\"events\":[]}".repeat(1000);
        let packed = gzip(&data);
        assert!(packed.len() < data.len() / 10);
        assert_eq!(gunzip(&packed, 1 << 20).expect("inflate"), data);
        assert!(gunzip(&packed, 100).is_err());
        assert!(gunzip(b"not gzip", 100).is_err());
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        assert_eq!(parse_retry_after(b"7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(b" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(b"999999999"), Some(LONGEST_RETRY_AFTER));
        assert_eq!(parse_retry_after(b"Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after(b"-3"), None);
        assert_eq!(parse_retry_after(b"\xff"), None);
    }

    #[test]
    fn server_addresses_are_checked() {
        assert!(HttpTransport::new("http://127.0.0.1:8080/").is_ok());
        assert!(HttpTransport::new("not a url").is_err());
        assert!(HttpTransport::new("ftp://example.org").is_err());
        assert!(HttpTransport::new("https://field.example.org").is_ok());
        assert!(HttpTransport::new("http://localhost:8080").is_ok());
        assert!(HttpTransport::new("http://[::1]:8080").is_ok());
        // A token and voters' data in the clear over someone else's network: refused.
        for open in [
            "http://field.example.org",
            "http://192.168.1.20:8080",
            "http://10.0.2.2:8080",
        ] {
            let e = HttpTransport::new(open).err().expect(open);
            assert!(e.0.contains("https://"), "{open}: {}", e.0);
        }
    }
}
