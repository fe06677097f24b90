//! A 20-byte Ethereum address: parsing, lowercase wire form, EIP-55 checksum form.
//!
//! Hyperliquid takes addresses as lowercase `0x` hex in actions (that is what the SDK echoes);
//! the checksum form is only for showing an address to a person.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha3::{Digest, Keccak256};

/// Why a string is not an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// Not 40 hex digits after an optional `0x`.
    Malformed { input: String },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { input } => write!(f, "not a 20-byte hex address: {input:?}"),
        }
    }
}

impl std::error::Error for AddressError {}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address(pub [u8; 20]);

impl Address {
    pub const ZERO: Address = Address([0; 20]);

    /// Parses `0x`-prefixed or bare hex, any case (the checksum is not enforced).
    pub fn from_hex(s: &str) -> Result<Self, AddressError> {
        let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
        let mut out = [0u8; 20];
        hex::decode_to_slice(digits, &mut out)
            .map_err(|_| AddressError::Malformed { input: s.to_owned() })?;
        Ok(Address(out))
    }

    /// The last 20 bytes of keccak256 of an uncompressed public key's 64 coordinate bytes.
    pub fn from_public_key_xy(xy: &[u8; 64]) -> Self {
        let hash = Keccak256::digest(xy);
        let mut out = [0u8; 20];
        out.copy_from_slice(&hash[12..]);
        Address(out)
    }

    /// `0x` + 40 lowercase hex digits: the form put in actions.
    pub fn to_lower_hex(self) -> String {
        format!("0x{}", hex::encode(self.0))
    }

    /// EIP-55 mixed-case form: a hex letter is upper case where keccak(lowercase hex) has a
    /// nibble >= 8.
    pub fn to_checksum(self) -> String {
        let lower = hex::encode(self.0);
        let hash = Keccak256::digest(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            out.push(if nibble >= 8 { c.to_ascii_uppercase() } else { c });
        }
        out
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_lower_hex())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_lower_hex())
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_lower_hex())
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Address::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_eip55_examples() {
        for s in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            assert_eq!(Address::from_hex(s).unwrap().to_checksum(), s);
        }
    }

    #[test]
    fn malformed_is_refused() {
        assert!(Address::from_hex("0x1234").is_err());
        assert!(Address::from_hex("0xzz19884eb866cb12b2287399b15f7db5e7d775ea").is_err());
        assert_eq!(
            Address::from_hex("1719884EB866CB12B2287399B15F7DB5E7D775EA").unwrap().to_lower_hex(),
            "0x1719884eb866cb12b2287399b15f7db5e7d775ea"
        );
    }
}
