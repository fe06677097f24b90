//! The venues: how each one's requests are signed and its numbers written, their REST and
//! websocket clients and adapters behind BrokerAdapter, where each account is reached
//! (`venues.toml`), and the loopback simulator that speaks both venues' wire formats. Every
//! signature is pinned by known-answer vectors from the venues' own SDKs
//! (tests/venue_vectors.rs).

pub mod candles;
pub mod connect;
pub mod doctor;
pub mod endpoints;
pub mod error;
pub mod events;
pub mod evm;
pub mod factory;
pub mod fake;
pub mod http;
pub mod hyperliquid;
pub mod kraken;
pub mod preview;
pub mod sim;
pub mod ws_stream;

use crate::engine::execution::Venue;

/// Most price decimals a venue takes where the instrument's own rule is not known here (it is
/// checked exactly, as a tick, at preflight): Hyperliquid's documented `MAX_DECIMALS` (8, spot;
/// perps allow 6), and for Kraken the finest `pair_decimals` QuantLab accepts (10).
pub fn max_price_decimals(venue: Venue) -> u32 {
    match venue {
        Venue::Hyperliquid => hyperliquid::wire::MarketKind::Spot.max_decimals(),
        Venue::Kraken => 10,
        Venue::Fake => 8,
    }
}
