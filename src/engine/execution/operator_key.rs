//! The operator's signing key: named by the environment or the OS user, created on first use,
//! kept in the credential store (the OS keyring) as `operator/<name>`, and trusted in the
//! workspace's list ([`super::operators`]). An operator has one key: where the store cannot keep
//! it, none is made and trusted silently. Approvals and promotion reports are signed with it
//! ([`super::approval_sign`]).

use ed25519_dalek::{Signer, SigningKey};

use super::operator_key_error::OperatorKeyError;
use super::operators::{self, Origin};
use crate::engine::error::{Error, Result};
use crate::engine::secrets::{self, CredentialKey, CredentialStore, Secret};
use crate::engine::workspace::Workspace;

/// Names the operator whose key signs; else the OS user (`$USER`), else "operator".
pub const OPERATOR_ENV: &str = "QUANTLAB_OPERATOR";

/// An operator key (32-byte seed, hex) for the loopback simulator only, where no keyring works.
pub const LOOPBACK_OPERATOR_ENV: &str = "QUANTLAB_LOOPBACK_OPERATOR_KEY";

/// The operator name for this process: [`OPERATOR_ENV`], else `$USER`, else "operator".
pub fn operator_name() -> Result<String> {
    operator_name_from(std::env::var(OPERATOR_ENV).ok(), std::env::var("USER").ok())
}

fn operator_name_from(explicit: Option<String>, user: Option<String>) -> Result<String> {
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (name, from) = match (nonempty(explicit), nonempty(user)) {
        (Some(n), _) => (n, OPERATOR_ENV),
        (None, Some(n)) => (n, "USER"),
        (None, None) => ("operator".to_string(), "the default"),
    };
    if !valid_name(&name) {
        return Err(OperatorKeyError::BadName { name, from, env: OPERATOR_ENV }.into());
    }
    Ok(name)
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// The operator's signing key. Its `Debug` shows the operator and the public key only; the
/// secret half is never printed, logged or written anywhere but the credential store.
pub struct OperatorKey {
    operator: String,
    key: SigningKey,
}

impl std::fmt::Debug for OperatorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperatorKey")
            .field("operator", &self.operator)
            .field("public_key", &self.public_key())
            .field("signing_key", &"***")
            .finish()
    }
}

/// A credential store failure, kept apart from other errors so a rehearsal on the fake venue
/// can go on unsigned where no keyring works.
enum KeyError {
    Store(Error),
    Other(Error),
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Error {
        match e {
            KeyError::Store(e) | KeyError::Other(e) => e,
        }
    }
}

/// A store failure as an error that says how to fix the keyring.
fn store_error(what: &'static str, cred: &CredentialKey, source: Error) -> KeyError {
    KeyError::Store(OperatorKeyError::Store { what, credential: cred.name(), source }.into())
}

/// What a rehearsal on a venue that moves no money signs with.
#[derive(Debug)]
pub enum RehearsalKey {
    Signed(Box<OperatorKey>),
    /// No credential store could keep a key here: the approval is journaled unsigned, which
    /// only the fake venue tolerates.
    Unsigned {
        why: String,
    },
}

impl OperatorKey {
    /// This process's operator key ([`operator_name`]): read from the store, or created and
    /// stored there on first use. Its public key is then trusted by the workspace.
    pub fn load_or_create(store: &dyn CredentialStore, ws: &Workspace) -> Result<OperatorKey> {
        Ok(Self::obtain(store, ws, &operator_name()?)?)
    }

    /// The same for a named operator.
    pub fn load_or_create_as(
        store: &dyn CredentialStore,
        ws: &Workspace,
        operator: &str,
    ) -> Result<OperatorKey> {
        Ok(Self::obtain(store, ws, operator)?)
    }

    /// For a rehearsal: the key, or why there is none when the store cannot keep one.
    pub fn for_rehearsal(store: &dyn CredentialStore, ws: &Workspace) -> Result<RehearsalKey> {
        match Self::obtain(store, ws, &operator_name()?) {
            Ok(k) => Ok(RehearsalKey::Signed(Box::new(k))),
            Err(KeyError::Store(e)) => Ok(RehearsalKey::Unsigned { why: e.message }),
            Err(KeyError::Other(e)) => Err(e),
        }
    }

    fn obtain(store: &dyn CredentialStore, ws: &Workspace, operator: &str) -> Result<OperatorKey, KeyError> {
        if !valid_name(operator) {
            return Err(KeyError::Other(OperatorKeyError::BadOperator(operator.into()).into()));
        }
        let cred = CredentialKey::operator(operator);
        let stored = store.get(&cred).map_err(|e| store_error("read", &cred, e))?;
        let (key, origin) = match stored {
            Some(secret) => (parse_stored(&cred, &secret)?, Origin::Keyring),
            None => {
                lost_key(store, ws, operator, &cred)?;
                (create(store, ws, &cred)?, Origin::Created)
            }
        };
        let k = OperatorKey { operator: operator.to_string(), key };
        operators::ensure(ws, operator, &k.public_key(), origin).map_err(KeyError::Other)?;
        Ok(k)
    }

    /// For a live corridor: the operator's key from the store; where no credential store can
    /// keep one, and only when `loopback` says every URL of the corridor reaches this machine,
    /// the key in [`LOOPBACK_OPERATOR_ENV`] (trusted as such in the workspace, with a warning).
    /// `loopback` is asked only then. The variable set for a corridor that is not loopback is
    /// refused (exit 3), naming why. Real venues never read the environment.
    pub fn for_live(
        store: &dyn CredentialStore,
        ws: &Workspace,
        loopback: impl FnOnce() -> std::result::Result<(), crate::engine::loopback::NotLoopback>,
    ) -> Result<(OperatorKey, Option<String>)> {
        let operator = operator_name()?;
        Self::for_live_as(store, ws, &operator, std::env::var(LOOPBACK_OPERATOR_ENV).ok(), loopback)
    }

    /// [`OperatorKey::for_live`] for `operator`, with `loopback_seed` the value of
    /// [`LOOPBACK_OPERATOR_ENV`] as the caller read it: tests pass both rather than set them in
    /// the environment of a process whose other tests would see them too.
    pub fn for_live_as(
        store: &dyn CredentialStore,
        ws: &Workspace,
        operator: &str,
        loopback_seed: Option<String>,
        loopback: impl FnOnce() -> std::result::Result<(), crate::engine::loopback::NotLoopback>,
    ) -> Result<(OperatorKey, Option<String>)> {
        match Self::obtain(store, ws, operator) {
            Ok(k) => Ok((k, None)),
            Err(KeyError::Other(e)) => Err(e),
            Err(KeyError::Store(e)) => {
                let Some(hex_seed) = loopback_seed else { return Err(e) };
                if let Err(why) = loopback() {
                    let env = LOOPBACK_OPERATOR_ENV;
                    return Err(OperatorKeyError::EnvironmentOffLoopback { env, why, source: e }.into());
                }
                let cred = CredentialKey::operator(operator);
                let key = parse_stored(&cred, &Secret::new(hex_seed))?;
                let k = OperatorKey { operator: operator.to_string(), key };
                operators::ensure(ws, operator, &k.public_key(), Origin::LoopbackEnvironment)?;
                let warning = format!(
                    "WARNING: approvals for the loopback simulator are signed with the key in {LOOPBACK_OPERATOR_ENV} \
                     because no keyring can keep one here; real venues only ever use the keyring"
                );
                tracing::warn!("{warning}");
                Ok((k, Some(warning)))
            }
        }
    }

    /// The demo's key (`quantlab demo`): `seed` drawn at random by the demo and kept in its
    /// memory only, never in a keyring, a file or the environment; given only when `loopback`
    /// says every URL of the corridor reaches this machine, and trusted in the workspace as a
    /// loopback key (`loopback_environment`), which signs for no other corridor.
    pub(crate) fn for_demo(
        ws: &Workspace,
        operator: &str,
        seed: &[u8; 32],
        loopback: impl FnOnce() -> std::result::Result<(), crate::engine::loopback::NotLoopback>,
    ) -> Result<(OperatorKey, String)> {
        if !valid_name(operator) {
            return Err(OperatorKeyError::BadOperator(operator.into()).into());
        }
        loopback().map_err(|why| OperatorKeyError::DemoOffLoopback { why })?;
        let k = OperatorKey { operator: operator.to_string(), key: SigningKey::from_bytes(seed) };
        operators::ensure(ws, operator, &k.public_key(), Origin::LoopbackEnvironment)?;
        let warning = "the demo signs approvals for its loopback simulator with a key of its own, kept in memory \
                       only; real venues only ever use the keyring"
            .to_string();
        Ok((k, warning))
    }

    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// The public key, hex: what approvals carry and the trust list holds.
    pub fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// An ed25519 signature over `bytes`, hex (other signed records: promotion reports).
    pub fn sign_bytes(&self, bytes: &[u8]) -> String {
        hex::encode(self.key.sign(bytes).to_bytes())
    }

    /// A key that no store holds and no workspace trusts (unit tests).
    #[cfg(test)]
    pub(crate) fn ephemeral(operator: &str) -> OperatorKey {
        OperatorKey { operator: operator.into(), key: SigningKey::generate(&mut rand_core::OsRng) }
    }
}

/// An operator has one key. When the workspace already trusts one of theirs (made here, or
/// found in a keyring) and the store holds none, the store did not keep it: a keyring that
/// lasts only as long as the process (headless keyutils without a persistent keyring), or one
/// emptied since. Making another key would add a new trusted key on every approval, so none is
/// made: a store failure, which rehearses unsigned on the fake venue and refuses on a live one.
/// `quantlab secrets new-operator-key` replaces a lost key on purpose.
fn lost_key(
    store: &dyn CredentialStore,
    ws: &Workspace,
    operator: &str,
    cred: &CredentialKey,
) -> Result<(), KeyError> {
    let trusted = operators::load(ws).map_err(KeyError::Other)?;
    let Some(k) = trusted.kept_key(operator) else { return Ok(()) };
    let lost = OperatorKeyError::Lost {
        store: store.name(),
        operator: operator.into(),
        public_key: k.public_key.clone(),
        since: k.created_at.clone(),
    };
    Err(store_error("find", cred, lost.into()))
}

/// Make a new key for this process's operator on purpose, when the store lost the one the
/// workspace trusts (a keyring emptied by a reboot): stored, read back, and trusted beside
/// the old one, whose approvals still verify. Refused when the store holds a key already.
pub fn replace_lost(store: &dyn CredentialStore, ws: &Workspace) -> Result<OperatorKey> {
    let operator = operator_name()?;
    let cred = CredentialKey::operator(&operator);
    if store.get(&cred).map_err(|e| Error::from(store_error("read", &cred, e)))?.is_some() {
        return Err(OperatorKeyError::AlreadyHeld { store: store.name(), operator }.into());
    }
    let key = create(store, ws, &cred)?;
    let k = OperatorKey { operator: operator.clone(), key };
    operators::ensure(ws, &operator, &k.public_key(), Origin::Created)?;
    tracing::warn!("a new signing key for operator {operator} is trusted: {}", k.public_key());
    Ok(k)
}

fn parse_stored(cred: &CredentialKey, secret: &Secret) -> Result<SigningKey, KeyError> {
    let seed: Option<[u8; 32]> = hex::decode(secret.expose().trim()).ok().and_then(|b| b.try_into().ok());
    seed.map(|s| SigningKey::from_bytes(&s))
        .ok_or_else(|| KeyError::Other(OperatorKeyError::NotAKey(cred.name()).into()))
}

/// A new key from the OS random source, stored, read back to confirm, and named in the index.
fn create(store: &dyn CredentialStore, ws: &Workspace, cred: &CredentialKey) -> Result<SigningKey, KeyError> {
    let key = SigningKey::generate(&mut rand_core::OsRng);
    let secret = Secret::new(hex::encode(key.to_bytes()));
    if let Err(e) = store.set(cred, &secret) {
        // A refused write leaves no copy of the key behind, whatever the store did with it.
        let _ = store.delete(cred);
        return Err(store_error("store", cred, e));
    }
    // The keyring store reads back by itself; this holds for every store, and a key that does
    // not come back would sign approvals no later process can repeat.
    match store.get(cred) {
        Ok(Some(back)) if back == secret => {}
        Ok(_) => {
            let _ = store.delete(cred);
            return Err(store_error("keep", cred, OperatorKeyError::NotReturned(store.name()).into()));
        }
        Err(e) => {
            let _ = store.delete(cred);
            return Err(store_error("read back", cred, e));
        }
    }
    tracing::info!("created the operator signing key {} in {}", cred.name(), store.name());
    secrets::index::add(ws, cred).map_err(KeyError::Other)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::secrets::MemoryStore;

    #[test]
    fn the_key_is_created_once_kept_in_the_store_and_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let store = MemoryStore::default();
        let k1 = OperatorKey::load_or_create_as(&store, &ws, "alice").unwrap();
        let k2 = OperatorKey::load_or_create_as(&store, &ws, "alice").unwrap();
        assert_eq!(k1.public_key(), k2.public_key(), "created once, then read back");
        let stored = store.get(&CredentialKey::operator("alice")).unwrap().expect("in the store");
        assert_eq!(stored.expose().len(), 64);
        let names: Vec<String> = secrets::index::read(&ws).credentials.iter().map(|n| n.key.name()).collect();
        assert_eq!(names, vec!["operator/alice"]);
        let trusted = operators::load(&ws).unwrap();
        assert_eq!(trusted.operators.len(), 1);
        assert_eq!(trusted.operators[0].origin, Origin::Created);
        assert!(trusted.trusts("alice", &k1.public_key()));
        // Nothing secret in Debug, the index or the trust list.
        let shown = format!("{k1:?}");
        assert!(shown.contains(&k1.public_key()) && !shown.contains(stored.expose()), "{shown}");
        for f in ["secrets_index.json", operators::FILE] {
            let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
            assert!(!text.contains(stored.expose()), "{f} holds the secret key");
        }
        // Another workspace on the same keyring trusts the same key, as found in the keyring.
        let dir2 = tempfile::tempdir().unwrap();
        let ws2 = Workspace::at(dir2.path());
        let k3 = OperatorKey::load_or_create_as(&store, &ws2, "alice").unwrap();
        assert_eq!(k3.public_key(), k1.public_key());
        assert_eq!(operators::load(&ws2).unwrap().operators[0].origin, Origin::Keyring);
    }

    /// A store that takes nothing, or takes it and forgets.
    struct Broken {
        forgets: bool,
        inner: MemoryStore,
    }

    impl CredentialStore for Broken {
        fn name(&self) -> &'static str {
            "a broken store"
        }
        fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<()> {
            if self.forgets {
                return Ok(());
            }
            self.inner.set(key, secret)?;
            Err(Error::runtime(format!(
                "the OS keyring could not store {}: No matching entry found",
                key.name()
            )))
        }
        fn get(&self, key: &CredentialKey) -> Result<Option<Secret>> {
            self.inner.get(key)
        }
        fn delete(&self, key: &CredentialKey) -> Result<bool> {
            self.inner.delete(key)
        }
    }

    #[test]
    fn a_store_that_cannot_keep_the_key_says_how_to_fix_the_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        for forgets in [false, true] {
            let store = Broken { forgets, inner: MemoryStore::default() };
            let e = OperatorKey::load_or_create_as(&store, &ws, "alice").unwrap_err();
            let Some(OperatorKeyError::Store { credential, .. }) = e.domain() else { panic!("{e}") };
            assert_eq!(credential, "operator/alice");
            // The advice on fixing the keyring is in the message, once.
            assert_eq!(e.message.matches(crate::engine::secrets::KEYRING_HELP).count(), 1, "{e}");
            assert!(operators::load(&ws).unwrap().operators.is_empty(), "an unkept key is not trusted");
            assert!(store.inner.get(&CredentialKey::operator("alice")).unwrap().is_none(), "no copy left");
        }
    }

    #[test]
    fn a_stored_value_that_is_no_key_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let store = MemoryStore::default();
        store.set(&CredentialKey::operator("alice"), &Secret::new("not-a-key")).unwrap();
        let e = OperatorKey::load_or_create_as(&store, &ws, "alice").unwrap_err();
        assert!(matches!(e.domain(), Some(OperatorKeyError::NotAKey(c)) if c == "operator/alice"), "{e}");
        assert!(!e.message.contains("not-a-key"), "the stored value is never shown");
        assert_eq!(store.get(&CredentialKey::operator("alice")).unwrap().unwrap().expose(), "not-a-key");
    }

    #[test]
    fn the_operator_is_named_by_the_environment_then_the_os_user() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(operator_name_from(s("alice"), s("bob")).unwrap(), "alice");
        assert_eq!(operator_name_from(s("  "), s("bob")).unwrap(), "bob");
        assert_eq!(operator_name_from(None, None).unwrap(), "operator");
        let e = operator_name_from(s("a/b"), s("bob")).unwrap_err();
        assert!(
            matches!(e.domain(), Some(OperatorKeyError::BadName { name, from: OPERATOR_ENV, .. }) if name == "a/b"),
            "{e}"
        );
    }
}
