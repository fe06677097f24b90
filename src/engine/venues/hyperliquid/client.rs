//! Hyperliquid's REST transport: `/info` reads (retried with backoff) and signed `/exchange`
//! actions (sent once). The signer is the agent key from the keyring; the account (or vault)
//! is whose orders they are. Nonces come from one atomic source per signer, so two actions
//! never share a nonce even when sent at the same millisecond.

use serde_json::Value;

use super::action::Action;
use super::exchange_reply::{parse_exchange_reply, ExchangeReply, HlError};
use super::network::Network;
use super::sign::{exchange_body, l1_action_digest, signed_l1_body, L1Params};
use crate::engine::execution::model::{VenueError, VenueResult};
use crate::engine::venues::evm::address::Address;
use crate::engine::venues::evm::signer::EvmSigner;
use crate::engine::venues::http::{backoff, retryable, Http, Reply, READ_ATTEMPTS};
use crate::engine::venues::kraken::nonce::NonceSource;

pub struct HlClient {
    base_url: String,
    http: Http,
    signer: EvmSigner,
    /// The account the agent trades for.
    pub account: Address,
    pub vault: Option<Address>,
    nonce: NonceSource,
    /// The chain every action is signed for (the endpoint's: endpoints.rs decides it).
    network: Network,
}

/// A signed action ready to POST. Never printed: on Hyperliquid the signature alone
/// authorizes the action.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SignedAction {
    pub url: String,
    pub body: String,
    pub nonce: u64,
    pub signer: String,
}

/// What stands in a prepared body's `signature` field: the venue cannot parse it.
pub const SIGNATURE_WITHHELD: &str = "<withheld>";

/// An action with its nonce, not signed (what `order preview` shows): the body with
/// [`SIGNATURE_WITHHELD`] for its signature, the EIP-712 digest the signer would sign, and
/// the signer's address.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PreparedAction {
    pub url: String,
    pub body: String,
    pub nonce: u64,
    pub signer: String,
    /// 0x + 32 bytes hex.
    pub signing_digest: String,
}

impl HlClient {
    /// Where its REST requests go.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn new(
        base_url: &str,
        http: Http,
        signer: EvmSigner,
        account: Address,
        vault: Option<Address>,
        network: Network,
    ) -> HlClient {
        HlClient {
            base_url: base_url.trim_end_matches('/').to_string(),
            http,
            signer,
            account,
            vault,
            nonce: NonceSource::new(),
            network,
        }
    }

    /// Whose state the info queries read: the vault when trading for one.
    pub fn user(&self) -> String {
        self.vault.unwrap_or(self.account).to_lower_hex()
    }

    /// The chain its actions are signed for.
    pub fn network(&self) -> Network {
        self.network
    }

    pub fn signer_address(&self) -> Address {
        self.signer.address()
    }

    /// POST /info, retried while the failure is transient. Returns the reply (for its Date).
    pub async fn info_reply(&self, body: &Value) -> VenueResult<(Value, Reply)> {
        let url = format!("{}/info", self.base_url);
        let what = body.get("type").and_then(Value::as_str).unwrap_or("info").to_string();
        let mut attempt = 0;
        loop {
            let out = self.http.send(self.http.post(&url).json(body), &what).await.and_then(|r| {
                if r.status == 429 {
                    return Err(VenueError::RateLimited { message: format!("{what}: HTTP 429") });
                }
                if r.status >= 500 {
                    return Err(VenueError::Unavailable { message: format!("{what}: HTTP {}", r.status) });
                }
                if r.status != 200 {
                    let text = String::from_utf8_lossy(&r.body).chars().take(120).collect::<String>();
                    return Err(VenueError::Rejected {
                        reason: format!("{what}: HTTP {}: {text}", r.status),
                    });
                }
                let v = serde_json::from_slice(&r.body)
                    .map_err(|_| VenueError::Unavailable { message: format!("{what}: reply is not JSON") })?;
                Ok((v, r))
            });
            match out {
                Err(e) if retryable(&e) && attempt + 1 < READ_ATTEMPTS => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    pub async fn info(&self, body: Value) -> VenueResult<Value> {
        Ok(self.info_reply(&body).await?.0)
    }

    /// Sign an action with a fresh nonce, not sent.
    pub fn sign(&self, action: &Action) -> VenueResult<SignedAction> {
        let nonce = self.nonce.next();
        let params =
            L1Params { nonce, vault_address: self.vault, expires_after: None, is_mainnet: self.network.is_mainnet() };
        let body = signed_l1_body(&self.signer, action, &params)
            .map_err(|e| VenueError::Rejected { reason: format!("cannot sign the action: {e}") })?;
        Ok(SignedAction {
            url: format!("{}/exchange", self.base_url),
            body,
            nonce,
            signer: self.signer.address().to_lower_hex(),
        })
    }

    /// An action with a fresh nonce, never signed: the body shows [`SIGNATURE_WITHHELD`].
    pub fn prepare(&self, action: &Action) -> VenueResult<PreparedAction> {
        let nonce = self.nonce.next();
        let params =
            L1Params { nonce, vault_address: self.vault, expires_after: None, is_mainnet: self.network.is_mainnet() };
        let fail = |e: super::sign::SignError| VenueError::Rejected {
            reason: format!("cannot encode the action: {e}"),
        };
        let digest = l1_action_digest(action, &params).map_err(fail)?;
        let body =
            exchange_body(action, nonce, SIGNATURE_WITHHELD, self.vault.as_ref(), None).map_err(fail)?;
        Ok(PreparedAction {
            url: format!("{}/exchange", self.base_url),
            body,
            nonce,
            signer: self.signer.address().to_lower_hex(),
            signing_digest: format!("0x{}", hex::encode(digest)),
        })
    }

    /// POST /exchange once. A refusal is typed with the venue's text.
    pub async fn exchange(&self, action: &Action) -> VenueResult<ExchangeReply> {
        let signed = self.sign(action)?;
        let req = self.http.post(&signed.url).header("Content-Type", "application/json").body(signed.body);
        let r = self.http.send(req, "exchange").await?;
        parse_exchange_reply(r.status, &r.body).map_err(|e: HlError| e.to_venue_error())
    }
}
