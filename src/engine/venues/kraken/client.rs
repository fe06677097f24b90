//! Kraken's REST transport: public GETs, and private POSTs whose form body is built once and
//! signed over its exact bytes with a nonce from the per-key store. A private call holds the
//! key's turn (this process's queue, then the lock every process on the machine shares) from
//! drawing its nonce until its reply, so nonces reach Kraken in the order they were drawn. A
//! nonce refusal is retried once with a fresh nonce; reads also retry with backoff; AddOrder and
//! cancels are otherwise sent once (their fate is settled by a query).

use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use super::auth::KrakenSecret;
use super::errors::{parse_response, KrakenError};
use super::nonce_store::{NonceTurn, PersistedNonce};
use crate::engine::execution::model::{VenueError, VenueResult};
use crate::engine::venues::http::{backoff, retryable, Http, Reply, READ_ATTEMPTS};

/// A private request ready to send, signature included. Never printed: the signature alone
/// (with the key) authorizes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SignedRequest {
    pub method: String,
    pub url: String,
    pub path: String,
    pub body: String,
    pub nonce: u64,
    pub api_sign: String,
}

/// A private request built and given its nonce but not signed: what `order preview` shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PreparedRequest {
    pub method: String,
    pub url: String,
    pub path: String,
    pub body: String,
    pub nonce: u64,
}

impl PreparedRequest {
    /// What the API-Sign HMAC is computed over, after the path: `SHA256(nonce ++ body)`, hex.
    /// Without the secret it authorizes nothing.
    pub fn signing_digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.nonce.to_string().as_bytes());
        h.update(self.body.as_bytes());
        hex::encode(h.finalize())
    }
}

fn nonce_error(e: crate::engine::error::Error) -> VenueError {
    VenueError::Unavailable { message: e.message }
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
    /// Where its REST requests go.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

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

    /// Wait for this key's turn: first among this client's calls, then among every process on
    /// the machine using the key. Hold it from drawing a nonce until the reply.
    pub async fn turn(&self) -> VenueResult<PrivateTurn<'_>> {
        let serial = self.private_lock.lock().await;
        let nonce = self.nonce.turn_async().await.map_err(nonce_error)?;
        Ok(PrivateTurn { client: self, nonce, _serial: serial })
    }

    fn build(&self, nonce: u64, method: &str, params: &[(&str, String)]) -> VenueResult<PreparedRequest> {
        let mut fields: Vec<(&str, String)> = vec![("nonce", nonce.to_string())];
        fields.extend(params.iter().cloned());
        let body = serde_urlencoded::to_string(&fields).map_err(|e| VenueError::Rejected {
            reason: format!("{method}: cannot encode the request: {e}"),
        })?;
        let path = format!("/0/private/{method}");
        Ok(PreparedRequest {
            method: method.to_string(),
            url: format!("{}{path}", self.base_url),
            path,
            body,
            nonce,
        })
    }

    fn seal(&self, req: &PreparedRequest) -> SignedRequest {
        SignedRequest {
            method: req.method.clone(),
            url: req.url.clone(),
            path: req.path.clone(),
            body: req.body.clone(),
            nonce: req.nonce,
            api_sign: self.secret.sign(&req.path, req.nonce, req.body.as_bytes()),
        }
    }

    /// Build a private request with a fresh nonce, not signed and not sent.
    pub fn prepare(&self, method: &str, params: &[(&str, String)]) -> VenueResult<PreparedRequest> {
        let nonce = self.nonce.next().map_err(nonce_error)?;
        self.build(nonce, method, params)
    }

    /// Build and sign a private request without sending it (tests and benches that post by
    /// hand). Nothing that prints a request uses this.
    pub fn sign(&self, method: &str, params: &[(&str, String)]) -> VenueResult<SignedRequest> {
        Ok(self.seal(&self.prepare(method, params)?))
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

    /// POST /0/private/{method}. A nonce refusal is retried once with a fresh nonce (Kraken
    /// acted on nothing); reads also retry with backoff (each attempt with a fresh nonce).
    pub async fn private(&self, method: &str, params: &[(&str, String)]) -> VenueResult<Value> {
        let mut attempt = 0;
        loop {
            let out = {
                let mut turn = self.turn().await?;
                let mut out = turn.call(method, params).await;
                if matches!(out, Ok(Err(KrakenError::InvalidNonce(_)))) {
                    tracing::warn!("kraken {method}: nonce refused; retrying once with a fresh nonce");
                    out = turn.call(method, params).await;
                }
                out.and_then(|r| r.map_err(venue_err))
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

/// One key's turn to send private requests (see [`KrakenClient::turn`]).
pub struct PrivateTurn<'a> {
    client: &'a KrakenClient,
    nonce: NonceTurn<'a>,
    _serial: tokio::sync::MutexGuard<'a, ()>,
}

impl PrivateTurn<'_> {
    /// Build a request with the next nonce; send it with [`send`](Self::send) in this turn.
    pub fn prepare(&mut self, method: &str, params: &[(&str, String)]) -> VenueResult<PreparedRequest> {
        let nonce = self.nonce.draw().map_err(nonce_error)?;
        self.client.build(nonce, method, params)
    }

    /// Sign `req` and send it; the venue's reply as a transport result around Kraken's verdict.
    async fn send_parsed(&self, req: &PreparedRequest) -> VenueResult<Result<Value, KrakenError>> {
        let r = self.client.send_signed(&self.client.seal(req)).await?;
        Ok(parse_response(r.status, &r.body))
    }

    /// Sign `req` (prepared in this turn) and send it.
    pub async fn send(&self, req: &PreparedRequest) -> VenueResult<Value> {
        self.send_parsed(req).await.and_then(|r| r.map_err(venue_err))
    }

    async fn call(
        &mut self,
        method: &str,
        params: &[(&str, String)],
    ) -> VenueResult<Result<Value, KrakenError>> {
        let req = self.prepare(method, params)?;
        self.send_parsed(&req).await
    }
}
