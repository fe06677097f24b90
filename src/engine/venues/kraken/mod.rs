//! Kraken: the REST `API-Sign` header and the strictly increasing per-key nonce it needs (kept
//! across restarts by a reserved ceiling on disk), the
//! error envelope and its typed errors, and AssetPairs as instrument rules.

pub mod auth;
pub mod errors;
pub mod nonce;
pub mod nonce_store;
pub mod pairs;
