//! The Ethereum pieces Hyperliquid signing stands on: addresses, EIP-712 typed-data hashing,
//! and recoverable secp256k1 signatures (k256, RFC 6979).

pub mod address;
pub mod eip712;
pub mod signer;
