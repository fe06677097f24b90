//! Kraken: the REST `API-Sign` header and the strictly increasing per-key nonce it needs.

pub mod auth;
pub mod nonce;
