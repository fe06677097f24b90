//! Which Hyperliquid chain an action is signed for: mainnet or testnet. The two share one wire
//! format; they differ only in what the signature covers (an L1 action's phantom agent has
//! `source` "a" on mainnet, "b" on testnet; a user-signed action carries `hyperliquidChain`
//! "Mainnet" or "Testnet"), so a signature made for one is refused by the other, which
//! recovers another signer from it ("User or API Wallet 0x... does not exist.").
//!
//! The official SDK signs for mainnet only when its base URL is mainnet's API
//! ([`MAINNET_API`]) and for testnet anywhere else; `venues.toml`'s `network` field and the
//! simulator's `[hyperliquid] network` say it outright (src/engine/venues/endpoints.rs).

use super::action::HyperliquidChain;

/// Hyperliquid's mainnet REST API, as the SDK's `MAINNET_API_URL`.
pub const MAINNET_API: &str = "https://api.hyperliquid.xyz";
/// Hyperliquid's testnet REST API, as the SDK's `TESTNET_API_URL`.
pub const TESTNET_API: &str = "https://api.hyperliquid-testnet.xyz";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    Mainnet,
    Testnet,
}

impl Network {
    /// The spelling in `venues.toml` and the simulator's config.
    pub fn name(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Testnet => "testnet",
        }
    }

    /// `"mainnet"` or `"testnet"`, exactly (a config value; anything else is refused by the
    /// caller, naming its field).
    pub fn parse(text: &str) -> Option<Network> {
        match text {
            "mainnet" => Some(Network::Mainnet),
            "testnet" => Some(Network::Testnet),
            _ => None,
        }
    }

    pub fn is_mainnet(self) -> bool {
        self == Network::Mainnet
    }

    /// An L1 action's phantom agent `source`.
    pub fn source(self) -> &'static str {
        match self {
            Network::Mainnet => "a",
            Network::Testnet => "b",
        }
    }

    /// A user-signed action's `hyperliquidChain`.
    pub fn chain(self) -> HyperliquidChain {
        match self {
            Network::Mainnet => HyperliquidChain::Mainnet,
            Network::Testnet => HyperliquidChain::Testnet,
        }
    }

    /// The network whose real API is at `host` (`api.hyperliquid.xyz`,
    /// `api.hyperliquid-testnet.xyz`, any case), if either.
    pub fn of_real_host(host: &str) -> Option<Network> {
        let host = host.trim_end_matches('.');
        if host.eq_ignore_ascii_case("api.hyperliquid.xyz") {
            Some(Network::Mainnet)
        } else if host.eq_ignore_ascii_case("api.hyperliquid-testnet.xyz") {
            Some(Network::Testnet)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sources_and_chains() {
        for (n, name, source, chain) in [
            (Network::Mainnet, "mainnet", "a", HyperliquidChain::Mainnet),
            (Network::Testnet, "testnet", "b", HyperliquidChain::Testnet),
        ] {
            assert_eq!((n.name(), n.source(), n.chain()), (name, source, chain));
            assert_eq!(Network::parse(name), Some(n));
        }
        for bad in ["Mainnet", "main", "", " testnet", "devnet"] {
            assert_eq!(Network::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_real_hosts() {
        let host = |u: &str| url::Url::parse(u).unwrap().host_str().unwrap().to_string();
        assert_eq!(Network::of_real_host(&host(MAINNET_API)), Some(Network::Mainnet));
        assert_eq!(Network::of_real_host(&host(TESTNET_API)), Some(Network::Testnet));
        assert_eq!(Network::of_real_host("API.Hyperliquid.XYZ"), Some(Network::Mainnet));
        for other in ["127.0.0.1", "api.hyperliquid.xyz.example", "hyperliquid.xyz", "localhost"] {
            assert_eq!(Network::of_real_host(other), None, "{other}");
        }
    }
}
