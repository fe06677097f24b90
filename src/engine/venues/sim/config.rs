//! The simulator's TOML configuration: the market it quotes, the accounts it knows, the book's
//! shape and the faults it starts with. Every field is checked when the file is read, and an
//! error names the field; a secret is never echoed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;

use super::error::SimError;
use super::faults::Faults;
use crate::engine::config::toml_error;
use crate::engine::error::{Error, Result};
use crate::engine::venues::evm::address::Address;
use crate::engine::venues::hyperliquid::network::Network;
use crate::engine::venues::kraken::auth::KrakenSecret;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    pub market: MarketConfig,
    #[serde(default)]
    pub kraken: KrakenConfig,
    #[serde(default)]
    pub hyperliquid: HyperliquidConfig,
    #[serde(default)]
    pub book: BookConfig,
    #[serde(default)]
    pub faults: Faults,
    /// Where state is kept across restarts (default: beside the config, `<name>.state.json`).
    pub state: Option<PathBuf>,
    /// The JSONL log of every request accepted or refused (default `<name>.requests.jsonl`).
    pub request_log: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketConfig {
    /// A workspace dataset (id, prefix or SYMBOL:TF) or a CSV/Parquet path, replayed in a loop.
    pub replay: Option<String>,
    /// A seeded random walk instead of a replay.
    pub seed: Option<u64>,
    /// Milliseconds between market ticks (one replayed bar, or one random-walk step).
    #[serde(default = "default_tick_ms")]
    pub tick_ms: u64,
    /// Random walk: standard deviation of one step, in basis points.
    #[serde(default = "default_vol_bps")]
    pub step_bps: Decimal,
}

fn default_tick_ms() -> u64 {
    250
}

fn default_vol_bps() -> Decimal {
    Decimal::from(5)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KrakenConfig {
    #[serde(default)]
    pub accounts: Vec<KrakenAccount>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KrakenAccount {
    pub api_key: String,
    /// Base64, as Kraken issues it.
    pub api_secret: String,
    #[serde(default)]
    pub balances: BTreeMap<String, Decimal>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HyperliquidConfig {
    #[serde(default)]
    pub accounts: Vec<HyperliquidAccount>,
    /// The chain whose signatures the simulator verifies: "testnet" (default) or "mainnet".
    /// A simulator is not mainnet: the official SDK, pointed at any URL but mainnet's, signs
    /// for testnet, and so does QuantLab's adapter at a loopback URL (endpoints.rs).
    pub network: Option<String>,
}

impl HyperliquidConfig {
    /// The network verified (checked by [`SimConfig::parse`]; testnet when unset).
    pub fn network(&self) -> Network {
        self.network.as_deref().and_then(Network::parse).unwrap_or(Network::Testnet)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HyperliquidAccount {
    pub address: String,
    /// Signer addresses (API or agent wallets) allowed to act for this account.
    #[serde(default)]
    pub agents: Vec<String>,
    pub usdc: Decimal,
    /// Vaults or subaccounts this account's signers may trade for.
    #[serde(default)]
    pub vaults: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookConfig {
    #[serde(default = "five")]
    pub half_spread_bps: Decimal,
    #[serde(default = "five")]
    pub step_bps: Decimal,
    #[serde(default = "default_levels")]
    pub levels: u32,
    /// Base units per level per tick, by venue symbol (default for any other: `level_qty`).
    #[serde(default = "default_level_qty")]
    pub level_qty: Decimal,
}

fn five() -> Decimal {
    Decimal::from(5)
}

fn default_levels() -> u32 {
    10
}

fn default_level_qty() -> Decimal {
    Decimal::ONE
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            half_spread_bps: five(),
            step_bps: five(),
            levels: default_levels(),
            level_qty: default_level_qty(),
        }
    }
}

fn bad(path: &Path, field: &str, why: impl std::fmt::Display) -> Error {
    SimError::ConfigField { path: path.to_path_buf(), field: field.to_string(), problem: why.to_string() }
        .into()
}

impl SimConfig {
    pub fn load(path: &Path) -> Result<SimConfig> {
        // The config is the caller's input: a missing or unreadable one is bad input (exit 2).
        let text = std::fs::read_to_string(path)
            .map_err(|e| SimError::ConfigUnreadable { path: path.to_path_buf(), source: e })?;
        let cfg = Self::parse(path, &text)?;
        for (field, p) in [("state", cfg.state_path(path)), ("request_log", cfg.request_log_path(path))] {
            if p.is_dir() {
                return Err(bad(path, field, format!("{} is a directory; name a file", p.display())));
            }
        }
        Ok(cfg)
    }

    pub fn parse(path: &Path, text: &str) -> Result<SimConfig> {
        let cfg: SimConfig = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
        cfg.validate(path)?;
        Ok(cfg)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        match (&self.market.replay, self.market.seed) {
            (Some(_), Some(_)) => return Err(bad(path, "market", "set replay or seed, not both")),
            (None, None) => return Err(bad(path, "market", "set replay = \"DATA_ID\" or seed = N")),
            _ => {}
        }
        if self.market.tick_ms == 0 {
            return Err(bad(path, "market.tick_ms", "must be at least 1"));
        }
        for (i, a) in self.kraken.accounts.iter().enumerate() {
            let f = |n: &str| format!("kraken.accounts[{i}].{n}");
            if a.api_key.trim().is_empty() {
                return Err(bad(path, &f("api_key"), "is empty"));
            }
            // The error names the field only: the value is a secret.
            KrakenSecret::from_base64(&a.api_secret)
                .map_err(|_| bad(path, &f("api_secret"), "is not base64"))?;
            for (asset, v) in &a.balances {
                if v.is_sign_negative() {
                    return Err(bad(path, &f(&format!("balances.{asset}")), "is negative"));
                }
            }
        }
        if let Some(n) = &self.hyperliquid.network {
            if Network::parse(n).is_none() {
                return Err(bad(path, "hyperliquid.network", format!("'{n}': say \"testnet\" or \"mainnet\"")));
            }
        }
        for (i, a) in self.hyperliquid.accounts.iter().enumerate() {
            let f = |n: &str| format!("hyperliquid.accounts[{i}].{n}");
            Address::from_hex(&a.address).map_err(|e| bad(path, &f("address"), e))?;
            for (j, g) in a.agents.iter().enumerate() {
                Address::from_hex(g).map_err(|e| bad(path, &f(&format!("agents[{j}]")), e))?;
            }
            for (j, g) in a.vaults.iter().enumerate() {
                Address::from_hex(g).map_err(|e| bad(path, &f(&format!("vaults[{j}]")), e))?;
            }
            if a.usdc.is_sign_negative() {
                return Err(bad(path, &f("usdc"), "is negative"));
            }
        }
        if self.book.levels == 0 || self.book.level_qty <= Decimal::ZERO {
            return Err(bad(path, "book", "levels and level_qty must be positive"));
        }
        Ok(())
    }

    fn beside(config: &Path, suffix: &str) -> PathBuf {
        let stem = config.file_stem().and_then(|s| s.to_str()).unwrap_or("sim");
        config.with_file_name(format!("{stem}.{suffix}"))
    }

    pub fn state_path(&self, config: &Path) -> PathBuf {
        self.state.clone().unwrap_or_else(|| Self::beside(config, "state.json"))
    }

    pub fn request_log_path(&self, config: &Path) -> PathBuf {
        self.request_log.clone().unwrap_or_else(|| Self::beside(config, "requests.jsonl"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
[market]
seed = 42
[[kraken.accounts]]
api_key = "key-1"
api_secret = "c2VjcmV0"
balances = { ZUSD = "10000" }
[[hyperliquid.accounts]]
address = "0x0000000000000000000000000000000000000001"
agents = ["0x0000000000000000000000000000000000000002"]
usdc = "10000"
"#;

    #[test]
    fn the_bundled_example_parses() {
        let c =
            SimConfig::parse(Path::new("examples/sim.toml"), include_str!("../../../../examples/sim.toml"))
                .unwrap();
        assert_eq!((c.kraken.accounts.len(), c.hyperliquid.accounts.len()), (1, 1));
    }

    #[test]
    fn a_full_config_parses() {
        let c = SimConfig::parse(Path::new("sim.toml"), OK).unwrap();
        assert_eq!(c.kraken.accounts[0].balances["ZUSD"], Decimal::from(10_000));
        assert_eq!(c.market.tick_ms, 250);
    }

    #[test]
    fn the_network_verified_defaults_to_testnet() {
        let c = SimConfig::parse(Path::new("sim.toml"), OK).unwrap();
        assert_eq!(c.hyperliquid.network(), Network::Testnet);
        let with = |n: &str| OK.replace("[[hyperliquid.accounts]]", &format!("[hyperliquid]\nnetwork = \"{n}\"\n[[hyperliquid.accounts]]"));
        assert_eq!(SimConfig::parse(Path::new("sim.toml"), &with("mainnet")).unwrap().hyperliquid.network(), Network::Mainnet);
        assert_eq!(SimConfig::parse(Path::new("sim.toml"), &with("testnet")).unwrap().hyperliquid.network(), Network::Testnet);
        let e = SimConfig::parse(Path::new("sim.toml"), &with("Mainnet")).unwrap_err();
        assert!(
            matches!(e.domain(), Some(SimError::ConfigField { field, path, .. }) if field == "hyperliquid.network" && path.ends_with("sim.toml")),
            "{e:?}"
        );
    }

    #[test]
    fn errors_name_the_field_and_never_the_secret() {
        let text = OK.replace("c2VjcmV0", "not base64 !!");
        let e = SimConfig::parse(Path::new("sim.toml"), &text).unwrap_err();
        let field = match e.domain() {
            Some(crate::engine::venues::sim::error::SimError::ConfigField { field, .. }) => field.as_str(),
            _ => panic!("{e:?}"),
        };
        assert_eq!(field, "kraken.accounts[0].api_secret");
        assert!(!e.message.contains("not base64 !!"));
        let e = SimConfig::parse(Path::new("sim.toml"), &OK.replace("seed = 42", "")).unwrap_err();
        assert!(e.message.contains("market"), "{}", e.message);
        let e = SimConfig::parse(
            Path::new("sim.toml"),
            &OK.replace("0x0000000000000000000000000000000000000002", "0xzz"),
        )
        .unwrap_err();
        assert!(e.message.contains("agents[0]"), "{}", e.message);
    }
}
