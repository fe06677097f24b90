//! Kraken: the REST `API-Sign` header and the strictly increasing per-key nonce it needs, the
//! error envelope and its typed errors, and AssetPairs as instrument rules.

pub mod auth;
pub mod errors;
pub mod nonce;
pub mod pairs;
