//! Opening a live venue account: its endpoints from `venues.toml`, its credential from the
//! keyring (or, for the loopback simulator only, the environment, with a warning), and the
//! adapter for it. The credential's shape per venue:
//! - Kraken: `API_KEY:API_SECRET` (the secret base64, as Kraken issues it);
//! - Hyperliquid: the agent (API wallet) private key, `0x` + 64 hex digits.

use std::sync::Arc;

use super::endpoints::{self, Endpoint};
use super::error::VenuesError;
use super::evm::signer::EvmSigner;
use super::http::Http;
use super::hyperliquid::adapter::HlAdapter;
use super::hyperliquid::client::HlClient;
use super::kraken::adapter::KrakenAdapter;
use super::kraken::auth::KrakenSecret;
use super::kraken::client::KrakenClient;
use super::kraken::nonce_store::PersistedNonce;
use super::ws_stream::Notifier;
use crate::engine::alerts::{self, codes};
use crate::engine::error::{Error, Result};
use crate::engine::execution::broker::BrokerAdapter;
use crate::engine::execution::{CorridorId, Venue};
use crate::engine::loopback::NotLoopback;
use crate::engine::secrets::{credential_for, CredentialKey, CredentialStore};
use crate::engine::workspace::Workspace;

/// Either live adapter, for commands that need more than the trait (previews).
pub enum Live {
    Kraken(KrakenAdapter),
    Hyperliquid(Box<HlAdapter>),
}

/// The file the Kraken nonce ceiling of one account lives in.
pub fn kraken_nonce_path(ws: &Workspace, account: &str) -> std::path::PathBuf {
    ws.root().join("venues").join("kraken").join(format!("{account}.nonce"))
}

fn notifier(ws: &Workspace, id: &CorridorId) -> Notifier {
    let ws = ws.clone();
    let source = format!("{}:{}", id.venue, id.account);
    Arc::new(move |msg: &str| {
        let _ = alerts::raise(&ws, codes::STALE_STREAM, &source, msg);
    })
}

/// Open the adapter of a live corridor. Errors never carry the credential.
pub fn open(
    ws: &Workspace,
    id: &CorridorId,
    store: &dyn CredentialStore,
) -> Result<(Live, Endpoint, Option<String>)> {
    let ep = endpoints::resolve(ws, id)?;
    let key = CredentialKey::new(id.venue, &id.account);
    let (secret, warning) = credential_for(store, &key, || ep.loopback_check()).inspect_err(|e| {
        let _ = alerts::raise_once(
            ws,
            codes::SECRET_MISSING,
            &format!("{}:{}", id.venue, id.account),
            &e.message,
        );
    })?;
    let http = Http::new(ep.timeout_ms).map_err(VenuesError::Venue)?;
    let live = match id.venue {
        Venue::Kraken => {
            let (api_key, b64) = secret.expose().split_once(':').ok_or_else(|| {
                VenuesError::KrakenCredentialForm { credential: key.name(), account: id.account.clone() }
            })?;
            let secret =
                KrakenSecret::from_base64(b64).map_err(|_| VenuesError::KrakenSecretNotBase64(key.name()))?;
            let path = kraken_nonce_path(ws, &id.account);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
            }
            let client = KrakenClient::new(
                &ep.base_url,
                http,
                api_key.to_string(),
                secret,
                PersistedNonce::open(&path)?,
            );
            Live::Kraken(
                KrakenAdapter::new(client, &ep.ws_url, &ep.ws_auth_url).with_notifier(notifier(ws, id)),
            )
        }
        Venue::Hyperliquid => {
            let signer = EvmSigner::from_hex(secret.expose().trim())
                .map_err(|_| VenuesError::NotAnAgentKey(key.name()))?;
            let account = ep.address.expect("resolve requires it for Hyperliquid");
            let network = ep.network.expect("resolve decides it for Hyperliquid");
            let client = HlClient::new(&ep.base_url, http, signer, account, ep.vault, network);
            Live::Hyperliquid(Box::new(HlAdapter::new(client, &ep.ws_url).with_notifier(notifier(ws, id))))
        }
        Venue::Fake => return Err(VenuesError::FakeNotLive.into()),
    };
    Ok((live, ep, warning))
}

impl Live {
    pub fn into_adapter(self) -> Arc<dyn BrokerAdapter> {
        match self {
            Live::Kraken(a) => Arc::new(a),
            Live::Hyperliquid(a) => Arc::<HlAdapter>::from(a),
        }
    }
}

/// Ok when every URL of `corridor` (its `venues.toml` entry, as it reads now) is loopback;
/// else why not.
pub fn corridor_loopback(ws: &Workspace, corridor: &CorridorId) -> std::result::Result<(), NotLoopback> {
    endpoints::resolve(ws, corridor).map_err(|source| NotLoopback::Endpoints { source })?.loopback_check()
}
