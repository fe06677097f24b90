//! The venues: how each one's requests are signed and its numbers written, their REST and
//! websocket clients and adapters behind BrokerAdapter, where each account is reached
//! (`venues.toml`), and the loopback simulator that speaks both venues' wire formats. Every
//! signature is pinned by known-answer vectors from the venues' own SDKs
//! (tests/venue_vectors.rs).

pub mod error;
inner_modules! {
    candles,
    connect,
    doctor,
    endpoints,
    events,
    evm,
    factory,
    fake,
    http,
    hyperliquid,
    kraken,
    preview,
    sim,
    ws_stream,
}

pub use events::VenueEvent;
pub use preview::{Ask, Preview};
pub use sim::faults::FaultChange;

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
