//! What reaching a live venue outside a corridor's send can fail on: the account's endpoints
//! (`venues.toml`), its credential's form, an order preview the venue's listed rules refuse,
//! the Kraken nonce ceiling, and the venue's own failure said as the venue said it. The
//! exit-code kind of each is in `engine/error_kinds.rs`; the venues' wire errors
//! (`KrakenError`, `HlError`, `PairError`, `InfoError`) are their own types beside their parsers.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::evm::address::AddressError;
use super::hyperliquid::network::Network;
use crate::engine::execution::model::VenueError;
use crate::engine::execution::Venue;

#[derive(Debug, thiserror::Error)]
pub enum VenuesError {
    /// The venue's failure, in its own words (no "venue" prefix, unlike a corridor's send).
    #[error("{0}")]
    Venue(VenueError),
    /// An order the venue's client cannot put in its wire form (the caller's order).
    #[error("{0}")]
    Unpreviewable(VenueError),
    /// `venues.toml` does not parse (`problem`: the parser's message, without its excerpt).
    #[error("{}: {problem}", path.display())]
    EndpointsFile { path: PathBuf, problem: String, source: toml::de::Error },
    #[error("the fake venue has no endpoints")]
    FakeHasNoEndpoints,
    #[error("the fake venue is not a live venue")]
    FakeNotLive,
    /// An address field (`at`: the file, the account's table and the field).
    #[error("{at}: {source}")]
    Address { at: String, source: AddressError },
    #[error("{0}: is missing: set the Hyperliquid account address the agent key trades for")]
    NoAccountAddress(String),
    /// A Hyperliquid `network` that is neither `"mainnet"` nor `"testnet"` (`at`: the file, the
    /// account's table and the field).
    #[error("{at}: '{value}' is not a Hyperliquid network; say \"mainnet\" or \"testnet\"")]
    NetworkValue { at: String, value: String },
    /// `network` says one chain while `base_url` is the other chain's real API: actions would
    /// be signed for a chain that is not the one they are sent to, and refused there.
    #[error(
        "{at}: network = \"{network}\" contradicts base_url {url}, Hyperliquid's {url_network} API; \
         remove `network` (it follows the URL) or point base_url at the {network} API"
    )]
    NetworkContradiction { at: String, network: Network, url: String, url_network: Network },
    /// `network` in a Kraken table: Kraken's API has no chains to choose between.
    #[error("{0}: Kraken has no networks to choose between; remove the field")]
    NetworkNotHyperliquid(String),
    #[error(
        "the credential {credential} is not API_KEY:API_SECRET; store it again with `quantlab secrets set \
         kraken --account {account}`"
    )]
    KrakenCredentialForm { credential: String, account: String },
    #[error("the credential {0}: the API secret is not base64")]
    KrakenSecretNotBase64(String),
    #[error("the credential {0} is not a 0x-prefixed 32-byte private key")]
    NotAnAgentKey(String),
    /// The nonce ceiling file holds something else (`found`: its first 40 characters).
    #[error("{}: not a nonce ceiling ('{found}'); delete it only if no process uses this key", path.display())]
    NotANonceCeiling { path: PathBuf, found: String },
    #[error("nonce lock task failed: {0}")]
    NonceLockTask(#[source] tokio::task::JoinError),
    #[error("--qty: {0} must be positive")]
    QtyNotPositive(Decimal),
    /// A price flag (`--limit`, `--trigger`) that is zero or negative.
    #[error("{0}: must be positive")]
    PriceNotPositive(&'static str),
    /// The order type (by name) needs a price that was not given.
    #[error("--limit: a {0} order needs a limit price")]
    NeedsLimitPrice(&'static str),
    #[error("--trigger: a {0} order needs a trigger price")]
    NeedsTriggerPrice(&'static str),
    /// A symbol the venue does not list; `listed`: some it does.
    #[error("--symbol: '{symbol}' is not listed on {venue}; some listed: {}", listed.join(", "))]
    NotListed { symbol: String, venue: Venue, listed: Vec<String> },
    #[error("--qty: {quantity} {symbol} must be a multiple of {lot} and at least {min}")]
    OffLot { quantity: Decimal, symbol: String, lot: Decimal, min: Decimal },
    #[error("{flag}: {price} is not a multiple of the tick {tick}")]
    OffTick { flag: &'static str, price: Decimal, tick: Decimal },
    /// An order worth `value` (its quantity at `price`) below the venue's minimum.
    #[error("--qty: {quantity} at {price} is worth {value}, below the venue's minimum of {min}")]
    BelowMinimum { quantity: Decimal, price: Decimal, value: Decimal, min: Decimal },
}
