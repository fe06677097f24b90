//! The venues: how each one's requests are signed and its numbers written, their REST and
//! websocket clients and adapters behind BrokerAdapter, where each account is reached
//! (`venues.toml`), and the loopback simulator that speaks both venues' wire formats. Every
//! signature is pinned by known-answer vectors from the venues' own SDKs
//! (tests/venue_vectors.rs).

pub mod candles;
pub mod connect;
pub mod doctor;
pub mod endpoints;
pub mod events;
pub mod evm;
pub mod http;
pub mod hyperliquid;
pub mod kraken;
pub mod preview;
pub mod sim;
pub mod ws_stream;
