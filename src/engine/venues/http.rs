//! The HTTP transport both venue clients share: one pooled client with a timeout, transport
//! failures typed (a timeout leaves the request's fate unknown; a refused connection means
//! it never arrived), and reads retried with backoff. Submits are never retried here.

use std::time::Duration;

use crate::engine::execution::model::VenueError;

/// One reply: status, body bytes, and the venue's clock from the `Date` header (epoch ms).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub date_ms: Option<i64>,
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
}

/// Backoff between read attempts: 200 ms, 400 ms, 800 ms.
pub const READ_ATTEMPTS: u32 = 4;

pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64 << attempt.min(5))
}

impl Http {
    pub fn new(timeout_ms: u64) -> Result<Http, VenueError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(timeout_ms))
            .connect_timeout(Duration::from_millis(timeout_ms.min(5_000)))
            .user_agent(concat!("quantlab/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| VenueError::Unavailable { message: format!("cannot build the HTTP client: {e}") })?;
        Ok(Http { client })
    }

    pub async fn send(&self, req: reqwest::RequestBuilder, what: &str) -> Result<Reply, VenueError> {
        let resp = req.send().await.map_err(|e| transport(what, &e))?;
        let status = resp.status().as_u16();
        let date_ms = resp
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
            .map(|d| d.timestamp_millis());
        let body = resp.bytes().await.map_err(|e| transport(what, &e))?.to_vec();
        Ok(Reply { status, body, date_ms })
    }

    pub fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.client.get(url)
    }

    pub fn post(&self, url: &str) -> reqwest::RequestBuilder {
        self.client.post(url)
    }
}

/// A transport failure, typed. Never includes headers or body (they may carry a signature).
pub fn transport(what: &str, e: &reqwest::Error) -> VenueError {
    let url =
        e.url().map(|u| format!("{}{}", u.origin().ascii_serialization(), u.path())).unwrap_or_default();
    if e.is_timeout() {
        VenueError::Timeout {
            message: format!("{what}: no reply from {url} in time; the request may have taken effect"),
        }
    } else if e.is_connect() {
        VenueError::Unavailable { message: format!("{what}: cannot connect to {url}") }
    } else {
        VenueError::Unavailable { message: format!("{what}: {url}: connection failed mid-request") }
    }
}

/// Whether a failed read may be asked again.
pub fn retryable(e: &VenueError) -> bool {
    matches!(e, VenueError::Timeout { .. } | VenueError::Unavailable { .. } | VenueError::RateLimited { .. })
}
