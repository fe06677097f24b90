//! Kraken's REST transport: public GETs, and private POSTs whose form body is built once and
//! signed over its exact bytes with a nonce from the persisted source. Private calls are
//! serialized per key so nonces reach Kraken in the order they were drawn. Reads retry with
//! backoff; AddOrder and cancels are sent once (their fate is settled by a query).

use serde_json::Value;
use tokio::sync::Mutex;

use super::auth::KrakenSecret;
use super::errors::{parse_response, KrakenError};
use super::nonce_store::PersistedNonce;
use crate::engine::execution::broker::{VenueError, VenueResult};
use crate::engine::venues::http::{backoff, retryable, Http, Reply, READ_ATTEMPTS};

/// A private request ready to send: what `order preview` prints (with the key redacted).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SignedRequest {
    pub method: String,
    pub url: String,
    pub path: String,
    pub body: String,
    pub nonce: u64,
    pub api_sign: String,
}

pub struct KrakenClient {
    base_url: String,
    http: Http,
    api_key: String,
    secret: KrakenSecret,
    nonce: PersistedNonce,
    /// Held across a private call so nonces arrive in increasing order.
    private_lock: Mutex<()>,
}

/// Whether a private method only reads (and so may be retried).
fn is_read(method: &str) -> bool {
    !matches!(
        method,
        "AddOrder" | "CancelOrder" | "CancelAll" | "CancelAllOrdersAfter" | "AddOrderBatch" | "EditOrder"
    )
}

fn venue_err(e: KrakenError) -> VenueError {
    e.to_venue_error()
}

impl KrakenClient {
    pub fn new(
        base_url: &str,
        http: Http,
        api_key: String,
        secret: KrakenSecret,
        nonce: PersistedNonce,
    ) -> KrakenClient {
        KrakenClient {
            base_url: base_url.trim_end_matches('/').to_string(),
            http,
            api_key,
            secret,
            nonce,
            private_lock: Mutex::new(()),
        }
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// GET /0/public/{method}, retried with backoff while the failure is transient.
    pub async fn public(&self, method: &str, query: &[(&str, String)]) -> VenueResult<Value> {
        let url = format!("{}/0/public/{method}", self.base_url);
        let mut attempt = 0;
        loop {
            let r = self.http.send(self.http.get(&url).query(query), method).await;
            let out = r.and_then(|r| parse_response(r.status, &r.body).map_err(venue_err));
            match out {
                Err(e) if retryable(&e) && attempt + 1 < READ_ATTEMPTS => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The server clock from `Time` (seconds) refined by the reply's Date header when present.
    pub async fn server_time_ms(&self) -> VenueResult<i64> {
        let v = self.public("Time", &[]).await?;
        v.get("unixtime")
            .and_then(Value::as_i64)
            .map(|s| s * 1000)
            .ok_or_else(|| VenueError::Unavailable { message: "Time: reply has no unixtime".into() })
    }

    /// Build and sign a private request without sending it.
    pub fn sign(&self, method: &str, params: &[(&str, String)]) -> VenueResult<SignedRequest> {
        let nonce = self.nonce.next().map_err(|e| VenueError::Unavailable { message: e.message })?;
        let mut fields: Vec<(&str, String)> = vec![("nonce", nonce.to_string())];
        fields.extend(params.iter().cloned());
        let body = serde_urlencoded::to_string(&fields).map_err(|e| VenueError::Rejected {
            reason: format!("{method}: cannot encode the request: {e}"),
        })?;
        let path = format!("/0/private/{method}");
        let api_sign = self.secret.sign(&path, nonce, body.as_bytes());
        Ok(SignedRequest {
            method: method.to_string(),
            url: format!("{}{path}", self.base_url),
            path,
            body,
            nonce,
            api_sign,
        })
    }

    pub async fn send_signed(&self, req: &SignedRequest) -> VenueResult<Reply> {
        let b = self
            .http
            .post(&req.url)
            .header("API-Key", &self.api_key)
            .header("API-Sign", &req.api_sign)
            .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(req.body.clone());
        self.http.send(b, &req.method).await
    }

    /// POST /0/private/{method}. Reads retry (each attempt with a fresh nonce); writes never.
    pub async fn private(&self, method: &str, params: &[(&str, String)]) -> VenueResult<Value> {
        let mut attempt = 0;
        loop {
            let out = {
                let _serial = self.private_lock.lock().await;
                let req = self.sign(method, params)?;
                self.send_signed(&req)
                    .await
                    .and_then(|r| parse_response(r.status, &r.body).map_err(venue_err))
            };
            match out {
                Err(e) if is_read(method) && retryable(&e) && attempt + 1 < READ_ATTEMPTS => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}
