//! Kraken REST authentication: the `API-Sign` header.
//!
//! `API-Sign = base64(HMAC-SHA512(key = base64decode(secret), uri_path ++ SHA256(nonce ++ body)))`
//! where `nonce` is the decimal nonce and `body` the exact bytes sent (form-encoded or JSON):
//! Kraken hashes what it receives, so a body re-encoded after signing is rejected.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};

pub use crate::engine::venues::kraken::nonce::NonceSource;

/// Why a request could not be signed. Never carries any part of the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KrakenAuthError {
    /// The API secret is not standard, padded base64 (as Kraken issues it).
    InvalidSecretBase64,
    /// The API secret decodes to no bytes.
    EmptySecret,
}

impl fmt::Display for KrakenAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The decoder's own message names the offending byte and offset: not repeated here.
        match self {
            Self::InvalidSecretBase64 => f.write_str("Kraken API secret is not valid base64"),
            Self::EmptySecret => f.write_str("Kraken API secret is empty"),
        }
    }
}

impl std::error::Error for KrakenAuthError {}

/// A decoded Kraken API secret. Decode once, sign many requests; `Debug` shows no key bytes.
#[derive(Clone)]
pub struct KrakenSecret {
    key: Vec<u8>,
}

impl fmt::Debug for KrakenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KrakenSecret(<redacted>)")
    }
}

impl KrakenSecret {
    /// Decodes the secret exactly as Kraken hands it out (standard alphabet, padded).
    pub fn from_base64(secret_b64: &str) -> Result<Self, KrakenAuthError> {
        let key = STANDARD
            .decode(secret_b64.trim().as_bytes())
            .map_err(|_| KrakenAuthError::InvalidSecretBase64)?;
        if key.is_empty() {
            return Err(KrakenAuthError::EmptySecret);
        }
        Ok(Self { key })
    }

    /// The `API-Sign` value for one request. `body` must be the exact bytes that are sent.
    pub fn sign(&self, url_path: &str, nonce: u64, body: &[u8]) -> String {
        let mut inner = Sha256::new();
        inner.update(nonce.to_string().as_bytes());
        inner.update(body);
        let inner = inner.finalize();

        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = Hmac::<Sha512>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(url_path.as_bytes());
        mac.update(&inner);
        STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// One-shot form of [`KrakenSecret::sign`]: decodes `secret_b64` and signs.
pub fn api_sign(
    url_path: &str,
    nonce: u64,
    body: &[u8],
    secret_b64: &str,
) -> Result<String, KrakenAuthError> {
    Ok(KrakenSecret::from_base64(secret_b64)?.sign(url_path, nonce, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_base64_secret_is_typed_and_not_echoed() {
        let secret = "not*base64!!secretmaterial";
        let err = api_sign("/0/private/Balance", 1, b"nonce=1", secret).unwrap_err();
        assert_eq!(err, KrakenAuthError::InvalidSecretBase64);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("secretmaterial") && !shown.contains('*'), "{shown}");
    }

    #[test]
    fn empty_secret_is_refused() {
        assert_eq!(KrakenSecret::from_base64("").unwrap_err(), KrakenAuthError::EmptySecret);
    }

    #[test]
    fn debug_redacts_the_key() {
        let s = KrakenSecret::from_base64("c2VjcmV0").unwrap();
        assert_eq!(format!("{s:?}"), "KrakenSecret(<redacted>)");
    }
}
