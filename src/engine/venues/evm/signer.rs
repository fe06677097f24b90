//! secp256k1 signing as eth-account does it: RFC 6979 deterministic nonce, low-s, and
//! `v = 27 + recovery id`; plus recovering the signer's address from a signature.
//!
//! `r` and `s` are written the way the Python SDK writes them (`eth_utils.to_hex(int)`):
//! `0x` + hex with leading zeros dropped, so an `r` below 2^252 has fewer than 64 digits.
//! The venue parses them as numbers; parsing here accepts both forms.

use std::fmt;

use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, SigningKey, VerifyingKey};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::venues::evm::address::Address;

/// Why a key or signature is unusable. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerError {
    /// Not 32 bytes of hex, or not a valid secp256k1 scalar (zero or >= the group order).
    InvalidPrivateKey,
    /// r/s not hex of at most 32 bytes, not valid scalars, or v not 27/28 (or 0/1).
    InvalidSignature,
    /// The signature does not recover to any public key for this digest.
    RecoveryFailed,
    /// The signer refused the digest (does not happen with RFC 6979 and a valid key).
    SigningFailed,
}

impl fmt::Display for SignerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidPrivateKey => "private key is not a valid 32-byte secp256k1 key",
            Self::InvalidSignature => "signature r/s/v is malformed",
            Self::RecoveryFailed => "no public key recovers from this signature",
            Self::SigningFailed => "secp256k1 signing failed",
        })
    }
}

impl std::error::Error for SignerError {}

/// An Ethereum-style signature over a 32-byte digest.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Signature {
    pub r: [u8; 32],
    pub s: [u8; 32],
    /// 27 or 28.
    pub v: u8,
}

/// `0x` + minimal hex of a big-endian integer (`0x0` for zero), as `eth_utils.to_hex(int)`.
fn to_hex_int(bytes: &[u8; 32]) -> String {
    let full = hex::encode(bytes);
    let trimmed = full.trim_start_matches('0');
    format!("0x{}", if trimmed.is_empty() { "0" } else { trimmed })
}

fn from_hex_int(s: &str) -> Result<[u8; 32], SignerError> {
    let digits = s.strip_prefix("0x").ok_or(SignerError::InvalidSignature)?;
    if digits.is_empty() || digits.len() > 64 {
        return Err(SignerError::InvalidSignature);
    }
    let padded = format!("{digits:0>64}");
    let mut out = [0u8; 32];
    hex::decode_to_slice(padded, &mut out).map_err(|_| SignerError::InvalidSignature)?;
    Ok(out)
}

impl Signature {
    /// `r` as the SDK writes it.
    pub fn r_hex(&self) -> String {
        to_hex_int(&self.r)
    }

    /// `s` as the SDK writes it.
    pub fn s_hex(&self) -> String {
        to_hex_int(&self.s)
    }

    /// Parses `r`/`s` (`0x` hex, padded or not) and `v` (27/28, or 0/1).
    pub fn from_parts(r: &str, s: &str, v: u64) -> Result<Self, SignerError> {
        let v = match v {
            27 | 28 => v as u8,
            0 | 1 => v as u8 + 27,
            _ => return Err(SignerError::InvalidSignature),
        };
        Ok(Signature { r: from_hex_int(r)?, s: from_hex_int(s)?, v })
    }
}

impl Serialize for Signature {
    /// `{"r": .., "s": .., "v": ..}` in that order, as the SDK posts it.
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut st = ser.serialize_struct("Signature", 3)?;
        st.serialize_field("r", &self.r_hex())?;
        st.serialize_field("s", &self.s_hex())?;
        st.serialize_field("v", &self.v)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            r: String,
            s: String,
            v: u64,
        }
        let w = Wire::deserialize(d)?;
        Signature::from_parts(&w.r, &w.s, w.v).map_err(serde::de::Error::custom)
    }
}

/// A secp256k1 private key. `Debug` shows only the address.
#[derive(Clone)]
pub struct EvmSigner {
    key: SigningKey,
    address: Address,
}

impl fmt::Debug for EvmSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EvmSigner({})", self.address)
    }
}

fn address_of(key: &VerifyingKey) -> Address {
    let point = key.to_encoded_point(false);
    let xy: &[u8; 64] = point.as_bytes()[1..].try_into().expect("uncompressed point is 65 bytes");
    Address::from_public_key_xy(xy)
}

impl EvmSigner {
    /// From 32 bytes of hex, `0x`-prefixed or not.
    pub fn from_hex(private_key: &str) -> Result<Self, SignerError> {
        let digits = private_key.trim();
        let digits = digits.strip_prefix("0x").unwrap_or(digits);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| SignerError::InvalidPrivateKey)?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, SignerError> {
        let key = SigningKey::from_slice(bytes).map_err(|_| SignerError::InvalidPrivateKey)?;
        let address = address_of(key.verifying_key());
        Ok(Self { key, address })
    }

    /// The account address of this key.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a 32-byte digest (already the EIP-712 hash; no further hashing).
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Result<Signature, SignerError> {
        // k256 uses RFC 6979 and normalises s to the lower half, flipping the recovery id,
        // which is what libsecp256k1/eth-account produce.
        let (sig, recid) =
            self.key.sign_prehash_recoverable(digest).map_err(|_| SignerError::SigningFailed)?;
        let (r, s) = sig.split_bytes();
        Ok(Signature { r: r.into(), s: s.into(), v: 27 + recid.to_byte() })
    }
}

/// The address whose key produced `sig` over `digest`.
pub fn recover_address(digest: &[u8; 32], sig: &Signature) -> Result<Address, SignerError> {
    let ecdsa = EcdsaSignature::from_scalars(sig.r, sig.s).map_err(|_| SignerError::InvalidSignature)?;
    let recid = sig.v.checked_sub(27).and_then(RecoveryId::from_byte).ok_or(SignerError::InvalidSignature)?;
    let key =
        VerifyingKey::recover_from_prehash(digest, &ecdsa, recid).map_err(|_| SignerError::RecoveryFailed)?;
    Ok(address_of(&key))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0x0123456789012345678901234567890123456789012345678901234567890123";

    #[test]
    fn address_from_private_key() {
        let signer = EvmSigner::from_hex(KEY).unwrap();
        assert_eq!(signer.address().to_checksum(), "0x14791697260E4c9A71f18484C9f997B308e59325");
        assert!(!format!("{signer:?}").contains("0123456789"));
    }

    #[test]
    fn sign_recover_round_trip() {
        let signer = EvmSigner::from_hex(KEY).unwrap();
        for i in 0u8..32 {
            let digest = [i; 32];
            let sig = signer.sign_digest(&digest).unwrap();
            assert!(sig.v == 27 || sig.v == 28);
            assert_eq!(recover_address(&digest, &sig).unwrap(), signer.address());
            // Through the wire form and back.
            let back = Signature::from_parts(&sig.r_hex(), &sig.s_hex(), sig.v as u64).unwrap();
            assert_eq!(back, sig);
            // Another digest recovers someone else.
            let other = [i ^ 0xff; 32];
            assert_ne!(recover_address(&other, &sig).ok(), Some(signer.address()));
        }
    }

    #[test]
    fn bad_inputs_are_typed() {
        assert_eq!(EvmSigner::from_hex("0x00").unwrap_err(), SignerError::InvalidPrivateKey);
        assert_eq!(EvmSigner::from_hex(&"0".repeat(64)).unwrap_err(), SignerError::InvalidPrivateKey);
        assert_eq!(Signature::from_parts("0x1", "0x1", 29).unwrap_err(), SignerError::InvalidSignature);
        assert_eq!(Signature::from_parts("12", "0x1", 27).unwrap_err(), SignerError::InvalidSignature);
        let zero = Signature { r: [0; 32], s: [0; 32], v: 27 };
        assert_eq!(recover_address(&[1; 32], &zero).unwrap_err(), SignerError::InvalidSignature);
    }

    #[test]
    fn minimal_hex_like_eth_utils() {
        let mut b = [0u8; 32];
        assert_eq!(to_hex_int(&b), "0x0");
        b[31] = 0x0a;
        assert_eq!(to_hex_int(&b), "0xa");
        b[0] = 0x0c;
        assert_eq!(to_hex_int(&b).len(), 2 + 63);
        assert_eq!(from_hex_int(&to_hex_int(&b)).unwrap(), b);
    }
}
