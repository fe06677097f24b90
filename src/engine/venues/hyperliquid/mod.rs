//! Hyperliquid: action types in the SDK's msgpack field order, the L1 action hash and EIP-712
//! signatures, and how prices and sizes go on the wire.

pub mod action;
pub mod sign;
pub mod wire;
