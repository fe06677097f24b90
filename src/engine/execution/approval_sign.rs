//! Signed approvals. Every approval record (intent id and digest, corridor, operator, approved
//! time and expiry) is signed with the operator's ed25519 key before it is journaled, and a
//! submit refuses an approval whose signature does not verify. The key is created on first use
//! and kept in the credential store (the OS keyring) as `operator/<name>`; its public key is
//! recorded in the workspace's trust list ([`super::operators`]), which `quantlab audit verify`
//! checks every approval against.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::operators::{self, Origin};
use super::state::Approval;
use super::types::CorridorId;
use crate::engine::error::{Error, ErrorKind, Result};
use crate::engine::secrets::{self, CredentialKey, CredentialStore, Secret, KEYRING_HELP};
use crate::engine::workspace::Workspace;

/// The first line of every signed record: names the format, so a signature over another
/// kind of record (or a later version of this one) never verifies as an approval.
pub const RECORD_TAG: &str = "quantlab.approval.v1";

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
        return Err(Error::bad_input(format!(
            "operator name '{name}' (from {from}) is not usable: letters, digits, '.', '_', '-' and '@', \
             at most 64; set {OPERATOR_ENV} to choose one"
        )));
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
fn store_error(what: &str, cred: &CredentialKey, e: Error) -> KeyError {
    let help = if e.message.contains(KEYRING_HELP) { String::new() } else { format!(" {KEYRING_HELP}") };
    KeyError::Store(Error::runtime(format!(
        "cannot {what} the operator signing key {} (approvals are signed with it): {}{help}",
        cred.name(),
        e.message
    )))
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
            return Err(KeyError::Other(Error::bad_input(format!(
                "operator name '{operator}' is not usable: letters, digits, '.', '_', '-' and '@', at most 64"
            ))));
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
        loopback: impl FnOnce() -> std::result::Result<(), String>,
    ) -> Result<(OperatorKey, Option<String>)> {
        let operator = operator_name()?;
        match Self::obtain(store, ws, &operator) {
            Ok(k) => Ok((k, None)),
            Err(KeyError::Other(e)) => Err(e),
            Err(KeyError::Store(e)) => {
                let Ok(hex_seed) = std::env::var(LOOPBACK_OPERATOR_ENV) else { return Err(e) };
                if let Err(why) = loopback() {
                    return Err(Error::new(
                        ErrorKind::Refused,
                        format!(
                            "{LOOPBACK_OPERATOR_ENV} is set, but it is read only for the loopback simulator, \
                             and {why}. A live venue's approvals are signed with the operator's key from the \
                             OS keyring: {}",
                            e.message
                        ),
                    ));
                }
                let cred = CredentialKey::operator(&operator);
                let key = parse_stored(&cred, &Secret::new(hex_seed))?;
                let k = OperatorKey { operator: operator.clone(), key };
                operators::ensure(ws, &operator, &k.public_key(), Origin::LoopbackEnvironment)?;
                let warning = format!(
                    "WARNING: approvals for the loopback simulator are signed with the key in {LOOPBACK_OPERATOR_ENV} \
                     because no keyring can keep one here; real venues only ever use the keyring"
                );
                tracing::warn!("{warning}");
                Ok((k, Some(warning)))
            }
        }
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
    fn ephemeral(operator: &str) -> OperatorKey {
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
    Err(store_error(
        "find",
        cred,
        Error::runtime(format!(
            "{} holds no key for operator {operator}, though this workspace trusts their key {} (since {}): \
             the store did not keep it. No new key is made and trusted silently; if the keyring was emptied \
             (a reboot), `quantlab secrets new-operator-key` makes and trusts a new one",
            store.name(),
            k.public_key,
            k.created_at
        )),
    ))
}

/// Make a new key for this process's operator on purpose, when the store lost the one the
/// workspace trusts (a keyring emptied by a reboot): stored, read back, and trusted beside
/// the old one, whose approvals still verify. Refused when the store holds a key already.
pub fn replace_lost(store: &dyn CredentialStore, ws: &Workspace) -> Result<OperatorKey> {
    let operator = operator_name()?;
    let cred = CredentialKey::operator(&operator);
    if store.get(&cred).map_err(|e| Error::from(store_error("read", &cred, e)))?.is_some() {
        return Err(Error::bad_input(format!(
            "{} already holds operator {operator}'s key: nothing to replace",
            store.name()
        )));
    }
    let key = create(store, ws, &cred)?;
    let k = OperatorKey { operator: operator.clone(), key };
    operators::ensure(ws, &operator, &k.public_key(), Origin::Created)?;
    tracing::warn!("a new signing key for operator {operator} is trusted: {}", k.public_key());
    Ok(k)
}

fn parse_stored(cred: &CredentialKey, secret: &Secret) -> Result<SigningKey, KeyError> {
    let seed: Option<[u8; 32]> = hex::decode(secret.expose().trim()).ok().and_then(|b| b.try_into().ok());
    seed.map(|s| SigningKey::from_bytes(&s)).ok_or_else(|| {
        KeyError::Other(Error::runtime(format!(
            "the credential {} is not a QuantLab operator signing key (32 bytes, hex); remove it from the \
             OS keyring and approve again to create a new one",
            cred.name()
        )))
    })
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
            return Err(store_error(
                "keep",
                cred,
                Error::runtime(format!("{} did not return the key it stored", store.name())),
            ));
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

/// The bytes an approval's signature covers, one `name=value` line each, in this order:
///
/// ```text
/// quantlab.approval.v1
/// corridor=<venue>/<account>
/// intent_id=<intent id>
/// intent_digest=<sha256 of the intent, hex>
/// operator=<operator name>
/// by=<how it was given>
/// approved_ms=<epoch ms>
/// expires_ms=<epoch ms>
/// ```
///
/// every line ending in `\n`, UTF-8. A value holding a line break is refused: it could make two
/// different records read as the same bytes.
pub fn signed_bytes(corridor: &CorridorId, a: &Approval, operator: &str) -> Result<Vec<u8>, String> {
    let fields = [
        ("corridor", corridor.to_string()),
        ("intent_id", a.intent_id.clone()),
        ("intent_digest", a.intent_digest.clone()),
        ("operator", operator.to_string()),
        ("by", a.by.clone()),
        ("approved_ms", a.approved_ms.to_string()),
        ("expires_ms", a.expires_ms.to_string()),
    ];
    let mut out = format!("{RECORD_TAG}\n");
    for (name, value) in fields {
        if value.contains(['\n', '\r']) {
            return Err(format!("its {name} holds a line break"));
        }
        out.push_str(&format!("{name}={value}\n"));
    }
    Ok(out.into_bytes())
}

/// Sign `a` for `corridor`: sets its operator, public key and signature.
pub fn sign(corridor: &CorridorId, a: &mut Approval, key: &OperatorKey) -> Result<()> {
    let bytes = signed_bytes(corridor, a, &key.operator)
        .map_err(|why| Error::bad_input(format!("approval of {} cannot be signed: {why}", a.intent_id)))?;
    a.operator = Some(key.operator.clone());
    a.public_key = Some(key.public_key());
    a.signature = Some(hex::encode(key.key.sign(&bytes).to_bytes()));
    Ok(())
}

/// An approval's signature, checked against its record alone (trust is separate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Signed by the key it names, over exactly this record.
    Valid,
    /// No signature at all (journaled before signing, or rehearsed without a keyring).
    Unsigned,
    /// Signed, but not over this record, or not well formed: why.
    Invalid(String),
}

pub fn verify(corridor: &CorridorId, a: &Approval) -> SignatureCheck {
    let (operator, public_key, signature) = match (&a.operator, &a.public_key, &a.signature) {
        (None, None, None) => return SignatureCheck::Unsigned,
        (Some(o), Some(p), Some(s)) => (o, p, s),
        _ => return SignatureCheck::Invalid("operator, public key and signature are not all present".into()),
    };
    let key: Option<[u8; 32]> = hex::decode(public_key).ok().and_then(|b| b.try_into().ok());
    let Some(key) = key.and_then(|k| VerifyingKey::from_bytes(&k).ok()) else {
        return SignatureCheck::Invalid("its public key is not an ed25519 key".into());
    };
    let sig: Option<[u8; 64]> = hex::decode(signature).ok().and_then(|b| b.try_into().ok());
    let Some(sig) = sig.map(|s| Signature::from_bytes(&s)) else {
        return SignatureCheck::Invalid("its signature is not 64 bytes of hex".into());
    };
    let bytes = match signed_bytes(corridor, a, operator) {
        Ok(b) => b,
        Err(why) => return SignatureCheck::Invalid(why),
    };
    // Strict: no weak keys, no malleable signatures.
    match key.verify_strict(&bytes, &sig) {
        Ok(()) => SignatureCheck::Valid,
        Err(_) => SignatureCheck::Invalid("the signature does not match the approval record".into()),
    }
}

/// Does `signature` (hex) by `public_key` (hex) verify over `bytes`? Strict, as for approvals.
pub fn verify_bytes(public_key: &str, signature: &str, bytes: &[u8]) -> Result<(), String> {
    let key: Option<[u8; 32]> = hex::decode(public_key).ok().and_then(|b| b.try_into().ok());
    let Some(key) = key.and_then(|k| VerifyingKey::from_bytes(&k).ok()) else {
        return Err("its public key is not an ed25519 key".into());
    };
    let sig: Option<[u8; 64]> = hex::decode(signature).ok().and_then(|b| b.try_into().ok());
    let Some(sig) = sig.map(|s| Signature::from_bytes(&s)) else {
        return Err("its signature is not 64 bytes of hex".into());
    };
    key.verify_strict(bytes, &sig).map_err(|_| "the signature does not match the record".into())
}

/// May `a` send an order in `corridor`? The submit's last check: a valid signature by a key the
/// workspace trusts; unsigned only on a venue that moves no money. `Err` says why not.
pub fn check_for_submit(ws: &Workspace, corridor: &CorridorId, a: &Approval) -> Result<(), String> {
    match verify(corridor, a) {
        SignatureCheck::Unsigned if !corridor.venue.is_live() => return Ok(()),
        SignatureCheck::Unsigned => {
            return Err(format!(
            "the approval of {} is not signed; a live order needs an approval signed with the operator's key",
            a.intent_id
        ))
        }
        SignatureCheck::Invalid(why) => {
            return Err(format!("the approval of {}'s signature does not verify: {why}", a.intent_id))
        }
        SignatureCheck::Valid => {}
    }
    let trusted = operators::load(ws)
        .map_err(|e| format!("the trusted operator keys cannot be read: {}", e.message))?;
    let (operator, key) = (a.operator.as_deref().unwrap_or(""), a.public_key.as_deref().unwrap_or(""));
    if !trusted.trusts(operator, key) {
        return Err(format!(
            "the approval of {} is signed by a key {} does not trust for operator {operator}",
            a.intent_id,
            operators::FILE
        ));
    }
    match environment_key_off_loopback(corridor, &trusted, a, || corridor_loopback(ws, corridor)) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// Ok when every URL of `corridor` (its `venues.toml` entry, as it reads now) is loopback;
/// else why not.
pub fn corridor_loopback(ws: &Workspace, corridor: &CorridorId) -> std::result::Result<(), String> {
    crate::engine::venues::endpoints::resolve(ws, corridor).map_err(|e| e.message)?.loopback_check()
}

/// An approval signed with a key the workspace trusts only as the loopback simulator's
/// environment key ([`LOOPBACK_OPERATOR_ENV`]), in a live corridor that `loopback` says is not
/// loopback: why that is refused. `None` for any other approval (`loopback` is then not
/// asked); the fake venue moves no money and has no endpoints.
pub fn environment_key_off_loopback(
    corridor: &CorridorId,
    trusted: &operators::Operators,
    a: &Approval,
    loopback: impl FnOnce() -> std::result::Result<(), String>,
) -> Option<String> {
    let key = a.public_key.as_deref()?;
    if !corridor.venue.is_live() || !trusted.from_environment(key) {
        return None;
    }
    let why = loopback().err()?;
    Some(format!(
        "the approval of {} is signed with the key from {LOOPBACK_OPERATOR_ENV} ({} trusts it for the loopback \
         simulator only), and corridor {corridor} is not loopback: {why}",
        a.intent_id,
        operators::FILE
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use crate::engine::secrets::MemoryStore;

    fn approval() -> Approval {
        Approval {
            intent_id: "intent_20261125T120000Z_0a1b2c3d".into(),
            by: "cli (fake venue)".into(),
            approved_ms: 1_764_072_000_000,
            expires_ms: 1_764_072_030_000,
            intent_digest: "ab".repeat(32),
            operator: None,
            public_key: None,
            signature: None,
        }
    }

    fn fake() -> CorridorId {
        CorridorId::new(Venue::Fake, "main").unwrap()
    }

    /// RFC 8032, section 7.1, TEST 1: the library signs ed25519 as the standard says.
    #[test]
    fn rfc8032_test_vector_1() {
        let seed: [u8; 32] = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap()
            .try_into()
            .unwrap();
        let k = SigningKey::from_bytes(&seed);
        assert_eq!(
            hex::encode(k.verifying_key().to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            hex::encode(k.sign(b"").to_bytes()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }

    #[test]
    fn the_signed_bytes_are_the_documented_record() {
        let bytes = signed_bytes(&fake(), &approval(), "alice").unwrap();
        let expected = format!(
            "quantlab.approval.v1\ncorridor=fake/main\nintent_id=intent_20261125T120000Z_0a1b2c3d\n\
             intent_digest={}\noperator=alice\nby=cli (fake venue)\napproved_ms=1764072000000\n\
             expires_ms=1764072030000\n",
            "ab".repeat(32)
        );
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
        let broken = Approval { by: "cli\nintent_id=other".into(), ..approval() };
        assert!(signed_bytes(&fake(), &broken, "alice").unwrap_err().contains("line break"));
        assert!(sign(&fake(), &mut broken.clone(), &OperatorKey::ephemeral("alice")).is_err());
    }

    #[test]
    fn a_signed_approval_verifies_and_any_change_breaks_it() {
        let key = OperatorKey::ephemeral("alice");
        let mut a = approval();
        sign(&fake(), &mut a, &key).unwrap();
        assert_eq!(a.operator.as_deref(), Some("alice"));
        assert_eq!(a.public_key.as_deref(), Some(key.public_key().as_str()));
        assert_eq!(verify(&fake(), &a), SignatureCheck::Valid);
        let changed = [
            Approval { intent_id: "intent_20261125T120000Z_ffffffff".into(), ..a.clone() },
            Approval { intent_digest: "cd".repeat(32), ..a.clone() },
            Approval { by: "console keypress (alice)".into(), ..a.clone() },
            Approval { approved_ms: a.approved_ms + 1, ..a.clone() },
            Approval { expires_ms: a.expires_ms + 60_000, ..a.clone() },
            Approval { operator: Some("bob".into()), ..a.clone() },
            Approval { public_key: Some(OperatorKey::ephemeral("alice").public_key()), ..a.clone() },
        ];
        for c in changed {
            assert!(matches!(verify(&fake(), &c), SignatureCheck::Invalid(_)), "{c:?}");
        }
        // The corridor is in the record: the same approval copied into another corridor fails.
        let other = CorridorId::new(Venue::Fake, "other").unwrap();
        assert!(matches!(verify(&other, &a), SignatureCheck::Invalid(_)));
        let garbled = Approval { signature: Some("zz".into()), ..a.clone() };
        assert!(matches!(verify(&fake(), &garbled), SignatureCheck::Invalid(w) if w.contains("64 bytes")));
        let partial = Approval { signature: None, ..a.clone() };
        assert!(
            matches!(verify(&fake(), &partial), SignatureCheck::Invalid(w) if w.contains("not all present"))
        );
        assert_eq!(verify(&fake(), &approval()), SignatureCheck::Unsigned);
    }

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
            assert!(
                e.message.contains(KEYRING_HELP) && e.message.contains("operator/alice"),
                "{}",
                e.message
            );
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
        assert!(e.message.contains("not a QuantLab operator signing key"), "{}", e.message);
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
        assert!(e.message.contains(OPERATOR_ENV), "{}", e.message);
    }

    #[test]
    fn a_submit_takes_only_a_valid_signature_by_a_trusted_key() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
        assert!(check_for_submit(&ws, &fake(), &approval()).is_ok(), "unsigned: fake venue only");
        assert!(check_for_submit(&ws, &kraken, &approval()).unwrap_err().contains("not signed"));
        let key = OperatorKey::load_or_create_as(&MemoryStore::default(), &ws, "alice").unwrap();
        let mut a = approval();
        sign(&kraken, &mut a, &key).unwrap();
        assert!(check_for_submit(&ws, &kraken, &a).is_ok());
        assert!(check_for_submit(&ws, &fake(), &a).unwrap_err().contains("does not verify"));
        let mut stranger = approval();
        sign(&kraken, &mut stranger, &OperatorKey::ephemeral("alice")).unwrap();
        assert!(check_for_submit(&ws, &kraken, &stranger).unwrap_err().contains("does not trust"));
    }
}
