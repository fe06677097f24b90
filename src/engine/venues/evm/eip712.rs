//! The slice of EIP-712 that Hyperliquid uses: flat structs of `string`, `address`,
//! `uint64`/`uint256` and `bytes32` fields, under an `EIP712Domain` of
//! (name, version, chainId, verifyingContract).
//!
//! digest = keccak256(0x19 0x01 ++ domainSeparator ++ hashStruct(message)), where
//! hashStruct = keccak256(keccak256(typeString) ++ each field as one 32-byte word, in type order).

use sha3::{Digest, Keccak256};

use crate::engine::venues::evm::address::Address;

pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// One field's 32-byte word.
pub enum Word<'a> {
    /// `string`: keccak256 of its UTF-8 bytes.
    Str(&'a str),
    /// `address`: left-padded with zeros.
    Address(&'a Address),
    /// `uint64` / `uint256` that fits in 64 bits: big-endian, left-padded.
    Uint(u64),
    /// `bytes32`: as is.
    Bytes32(&'a [u8; 32]),
}

impl Word<'_> {
    fn encode(&self) -> [u8; 32] {
        match self {
            Word::Str(s) => keccak256(s.as_bytes()),
            Word::Address(a) => {
                let mut w = [0u8; 32];
                w[12..].copy_from_slice(&a.0);
                w
            }
            Word::Uint(n) => {
                let mut w = [0u8; 32];
                w[24..].copy_from_slice(&n.to_be_bytes());
                w
            }
            Word::Bytes32(b) => **b,
        }
    }
}

/// hashStruct for a struct whose type string (e.g. `Agent(string source,bytes32 connectionId)`)
/// lists exactly `fields`, in order.
pub fn hash_struct(type_string: &str, fields: &[Word<'_>]) -> [u8; 32] {
    let mut h = Keccak256::new();
    h.update(keccak256(type_string.as_bytes()));
    for f in fields {
        h.update(f.encode());
    }
    h.finalize().into()
}

pub const DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

/// The domain separator.
pub fn domain_separator(name: &str, version: &str, chain_id: u64, verifying_contract: &Address) -> [u8; 32] {
    hash_struct(
        DOMAIN_TYPE,
        &[Word::Str(name), Word::Str(version), Word::Uint(chain_id), Word::Address(verifying_contract)],
    )
}

/// The digest that is signed.
pub fn signing_digest(domain_separator: &[u8; 32], struct_hash: &[u8; 32]) -> [u8; 32] {
    let mut h = Keccak256::new();
    h.update([0x19, 0x01]);
    h.update(domain_separator);
    h.update(struct_hash);
    h.finalize().into()
}
