//! Kraken: the REST `API-Sign` header and the strictly increasing per-key nonce it needs (shared
//! by every process using the key through a locked file, and kept across restarts by a reserved
//! ceiling on disk), the error envelope and its typed errors,
//! AssetPairs as instrument rules, the REST client, websocket v2 market data, and the spot
//! adapter behind BrokerAdapter.

pub mod adapter;
pub mod auth;
pub mod client;
pub mod errors;
pub mod holdings;
pub mod nonce;
pub mod nonce_store;
pub mod pairs;
pub mod streams;
pub mod ws;
