//! The venues: how each one's requests are signed and its numbers written. The adapters and
//! the loopback simulator (issue 7) build on these; every signature is pinned by known-answer
//! vectors from the venues' own SDKs (tests/venue_vectors.rs).

pub mod evm;
pub mod hyperliquid;
pub mod kraken;
