//! A grant's automation key: an ed25519 key made with the grant, kept in the credential store
//! (`automation/<grant id>`) and nowhere else, which signs the grant's automated approvals.
//! The grant carries its public key under the operator's signature, so an approval signed by
//! any other key is not the grant's. Deleted when the grant is revoked.

use ed25519_dalek::{Signer, SigningKey};

use super::grant::signer_name;
use crate::engine::error::{Error, Result};
use crate::engine::execution::approval_sign::ApprovalSigner;
use crate::engine::secrets::{CredentialKey, CredentialStore, Secret};

pub struct AutomationKey {
    /// `automation:<grant id>`, what its approvals record as their signer.
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for AutomationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AutomationKey").field("name", &self.name).field("signing_key", &"***").finish()
    }
}

impl AutomationKey {
    /// A new key for `grant` from the OS random source, stored and read back; a store that does
    /// not keep it refuses the grant (with the keyring's own help text).
    pub fn create(store: &dyn CredentialStore, grant: &str) -> Result<AutomationKey> {
        let cred = CredentialKey::automation(grant);
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let secret = Secret::new(hex::encode(key.to_bytes()));
        if let Err(e) = store.set(&cred, &secret) {
            let _ = store.delete(&cred);
            return Err(e);
        }
        match store.get(&cred) {
            Ok(Some(back)) if back == secret => Ok(AutomationKey { name: signer_name(grant), key }),
            Ok(_) => {
                let _ = store.delete(&cred);
                Err(Error::runtime(format!("{} did not keep {}: no grant was made", store.name(), cred.name())))
            }
            Err(e) => {
                let _ = store.delete(&cred);
                Err(e)
            }
        }
    }

    /// The key of `grant` from the store; `None` when the store holds none (deleted, or a keyring
    /// that did not outlive a reboot).
    pub fn load(store: &dyn CredentialStore, grant: &str) -> Result<Option<AutomationKey>> {
        let cred = CredentialKey::automation(grant);
        let Some(secret) = store.get(&cred)? else { return Ok(None) };
        let seed: Option<[u8; 32]> = hex::decode(secret.expose().trim()).ok().and_then(|b| b.try_into().ok());
        match seed {
            Some(s) => Ok(Some(AutomationKey { name: signer_name(grant), key: SigningKey::from_bytes(&s) })),
            None => Err(Error::runtime(format!("{} in {} is not an ed25519 key", cred.name(), store.name()))),
        }
    }

    /// Forget `grant`'s key: its approvals still verify (the grant holds the public key), no new
    /// one can be signed.
    pub fn delete(store: &dyn CredentialStore, grant: &str) -> Result<bool> {
        store.delete(&CredentialKey::automation(grant))
    }
}

impl ApprovalSigner for AutomationKey {
    fn signer(&self) -> &str {
        &self.name
    }
    fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }
    fn sign_bytes(&self, bytes: &[u8]) -> String {
        hex::encode(self.key.sign(bytes).to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::secrets::MemoryStore;

    #[test]
    fn a_key_is_kept_under_its_grant_and_read_back_the_same() {
        let store = MemoryStore::default();
        let k = AutomationKey::create(&store, "grant_x").unwrap();
        let back = AutomationKey::load(&store, "grant_x").unwrap().unwrap();
        assert_eq!(k.public_key(), back.public_key());
        assert_eq!(back.signer(), "automation:grant_x");
        assert!(!format!("{back:?}").contains(&hex::encode(back.key.to_bytes())));
        assert!(AutomationKey::delete(&store, "grant_x").unwrap());
        assert!(AutomationKey::load(&store, "grant_x").unwrap().is_none());
    }
}
