//! Where each venue account is reached: `venues.toml` in the workspace. Only URLs and the
//! public account address live here; secrets live in the keyring. With no entry an account
//! uses the venue's real endpoints; pointing `base_url` at the loopback simulator is the only
//! change needed to rehearse against it.
//!
//! ```toml
//! [kraken.main]
//! base_url = "http://127.0.0.1:8790"     # default https://api.kraken.com
//! [hyperliquid.main]
//! base_url = "http://127.0.0.1:8790"     # default https://api.hyperliquid.xyz
//! account = "0x..."                      # the account the agent key trades for
//! vault = "0x..."                        # optional: trade for a vault or subaccount
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::engine::error::{Error, Result};
use crate::engine::execution::{CorridorId, Venue};
use crate::engine::venues::evm::address::Address;
use crate::engine::workspace::Workspace;

pub const KRAKEN_REST: &str = "https://api.kraken.com";
pub const KRAKEN_WS: &str = "wss://ws.kraken.com/v2";
pub const KRAKEN_WS_AUTH: &str = "wss://ws-auth.kraken.com/v2";
pub const HYPERLIQUID_REST: &str = "https://api.hyperliquid.xyz";
pub const HYPERLIQUID_WS: &str = "wss://api.hyperliquid.xyz/ws";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    base_url: Option<String>,
    ws_url: Option<String>,
    ws_auth_url: Option<String>,
    account: Option<String>,
    vault: Option<String>,
    timeout_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    kraken: BTreeMap<String, Entry>,
    #[serde(default)]
    hyperliquid: BTreeMap<String, Entry>,
}

/// One account's endpoints, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub venue: Venue,
    pub account: String,
    pub base_url: String,
    pub ws_url: String,
    /// Kraken's private websocket host (the same as `ws_url` on the simulator).
    pub ws_auth_url: String,
    /// Hyperliquid: the account address orders are for (the signer is the keyring key).
    pub address: Option<Address>,
    pub vault: Option<Address>,
    pub timeout_ms: u64,
}

impl Endpoint {
    /// The loopback simulator (or anything on this machine): the only endpoint for which the
    /// environment-variable credential fallback is allowed.
    pub fn is_loopback(&self) -> bool {
        let rest = self.base_url.split("://").nth(1).unwrap_or("");
        let host = rest.split(['/', ':']).next().unwrap_or("");
        matches!(host, "127.0.0.1" | "localhost" | "[") || rest.starts_with("[::1]")
    }

    pub fn is_mainnet(&self) -> bool {
        !self.base_url.contains("testnet")
    }
}

pub fn path(ws: &Workspace) -> PathBuf {
    ws.root().join("venues.toml")
}

fn ws_from(base: &str, suffix: &str) -> String {
    let b = base.trim_end_matches('/');
    let b = b
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .unwrap_or_else(|| b.replacen("http://", "ws://", 1));
    format!("{b}{suffix}")
}

/// The endpoints of one corridor's account.
pub fn resolve(ws: &Workspace, id: &CorridorId) -> Result<Endpoint> {
    resolve_with(ws, id, true)
}

/// The same for public market data only: a Hyperliquid account address is not needed.
pub fn resolve_public(ws: &Workspace, id: &CorridorId) -> Result<Endpoint> {
    resolve_with(ws, id, false)
}

fn resolve_with(ws: &Workspace, id: &CorridorId, trading: bool) -> Result<Endpoint> {
    let p = path(ws);
    let file: File = match std::fs::read_to_string(&p) {
        Ok(t) => {
            toml::from_str(&t).map_err(|e| Error::bad_input(format!("{}: {}", p.display(), e.message())))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::default(),
        Err(e) => return Err(Error::io("cannot read", &p, e)),
    };
    let (entry, rest, ws_default, ws_auth_default) = match id.venue {
        Venue::Kraken => (file.kraken.get(&id.account), KRAKEN_REST, KRAKEN_WS, KRAKEN_WS_AUTH),
        Venue::Hyperliquid => {
            (file.hyperliquid.get(&id.account), HYPERLIQUID_REST, HYPERLIQUID_WS, HYPERLIQUID_WS)
        }
        Venue::Fake => return Err(Error::bad_input("the fake venue has no endpoints")),
    };
    let e = entry.cloned().unwrap_or_default();
    let base_url = e.base_url.clone().unwrap_or_else(|| rest.to_string()).trim_end_matches('/').to_string();
    let custom = e.base_url.is_some();
    let suffix = if id.venue == Venue::Kraken { "/kraken/v2" } else { "/ws" };
    let ws_url =
        e.ws_url
            .clone()
            .unwrap_or_else(|| if custom { ws_from(&base_url, suffix) } else { ws_default.into() });
    let ws_auth_url =
        e.ws_auth_url.clone().unwrap_or_else(|| if custom { ws_url.clone() } else { ws_auth_default.into() });
    let field = |f: &str| format!("{}: [{}.{}] {f}", p.display(), id.venue, id.account);
    let addr = |v: &Option<String>, f: &str| -> Result<Option<Address>> {
        v.as_deref()
            .map(|s| Address::from_hex(s).map_err(|e| Error::bad_input(format!("{}: {e}", field(f)))))
            .transpose()
    };
    let address = addr(&e.account, "account")?;
    let vault = addr(&e.vault, "vault")?;
    if trading && id.venue == Venue::Hyperliquid && address.is_none() {
        return Err(Error::bad_input(format!(
            "{}: is missing: set the Hyperliquid account address the agent key trades for",
            field("account")
        )));
    }
    Ok(Endpoint {
        venue: id.venue,
        account: id.account.clone(),
        base_url,
        ws_url,
        ws_auth_url,
        address,
        vault,
        timeout_ms: e.timeout_ms.unwrap_or(10_000),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_real_venues_and_the_simulator_is_one_line_away() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let k = CorridorId::new(Venue::Kraken, "main").unwrap();
        let real = resolve(&ws, &k).unwrap();
        assert_eq!((real.base_url.as_str(), real.ws_url.as_str()), (KRAKEN_REST, KRAKEN_WS));
        assert!(!real.is_loopback());
        std::fs::write(path(&ws), "[kraken.main]\nbase_url = \"http://127.0.0.1:8790/\"\n").unwrap();
        let sim = resolve(&ws, &k).unwrap();
        assert_eq!(sim.base_url, "http://127.0.0.1:8790");
        assert_eq!(sim.ws_url, "ws://127.0.0.1:8790/kraken/v2");
        assert!(sim.is_loopback());
        let h = CorridorId::new(Venue::Hyperliquid, "main").unwrap();
        let e = resolve(&ws, &h).unwrap_err();
        assert!(e.message.contains("[hyperliquid.main] account"), "{}", e.message);
    }
}
