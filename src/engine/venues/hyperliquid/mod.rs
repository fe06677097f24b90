//! Hyperliquid: action types in the SDK's msgpack field order, the L1 action hash and EIP-712
//! signatures, how prices and sizes go on the wire, `meta`/`spotMeta` as instrument rules, the
//! typed `/exchange` reply, the REST client and the perp adapter behind BrokerAdapter.

pub mod action;
pub mod adapter;
pub mod client;
pub mod exchange_reply;
pub mod info;
pub mod network;
pub mod sign;
pub mod streams;
pub mod wire;
