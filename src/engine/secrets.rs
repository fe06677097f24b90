//! Credentials through the OS keyring. Nothing here ever logs or returns a secret's value in
//! an error.

use keyring::Entry;

/// Keyring service name under which every QuantLab credential is stored.
pub const SERVICE: &str = "quantlab";

/// How to fix a machine where no keyring works; shown by `quantlab check` and by any command
/// that needs a credential. True to this build: on Linux the keyring crate is built with
/// `linux-native` only, so the kernel keyutils store is the one backend (no Secret Service).
pub const KEYRING_HELP: &str = "QuantLab keeps venue credentials only in the OS keyring; on Linux this build \
uses the kernel keyutils store and nothing else (no Secret Service: gnome-keyring or KeePassXC are not used). \
keyutils needs a session keyring. A process without one (an SSH shell without pam_keyinit, cron, su) falls \
back to the user-session keyring (`keyctl show @s` prints `_uid_ses.N`), and writes there fail with \
\"No matching entry found in secure storage\". Fix: run QuantLab inside a session keyring: \
`keyctl session - quantlab ...` (package keyutils; `keyctl show @s` then prints `_ses`), or from a session \
that has one: a login whose PAM stack runs pam_keyinit, such as a systemd user session started that way, or \
a systemd service (system services get a private one, KeyringMode=private). A credential stored so is linked \
into your persistent kernel keyring and read back from any later session; it lives in kernel memory only: \
store it again after a reboot, or after persistent_keyring_expiry (3 days by default) unused. Research and \
paper trading need no keyring; a live corridor refuses to open without its credential. Only the loopback \
simulator may read QUANTLAB_LOOPBACK_CREDENTIAL instead, with a warning, and only when every URL of the \
account in venues.toml reaches this machine (127.0.0.0/8 or ::1); real venues never read the environment.";

/// What went wrong with a credential or the keyring. The keyring's own error is kept as its
/// text only, never as a source: one of its variants holds the bytes of a credential that did
/// not decode, and a source chain is printed with `{:?}` more easily than it is reviewed.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The keyring could not `what` (open, store, keep, read, delete) the credential `name`.
    #[error("the OS keyring could not {what} {name}: {reason}. {KEYRING_HELP}")]
    Keyring { what: &'static str, name: String, reason: String },
    /// The keyring accepted a write and returned something else.
    #[error("the OS keyring returned a different value for {name} than it stored. {KEYRING_HELP}")]
    Mismatch { name: String },
    /// The probe of `quantlab check`: `step` is what failed (see [`probe`]).
    #[error("{step}{}", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    Probe { step: &'static str, reason: Option<String> },
    /// The loopback variable set for an endpoint that is not the loopback simulator.
    #[error(
        "{LOOPBACK_ENV} is set, but it is read only for the loopback simulator, and {why}. \
         A real venue's credential comes from the OS keyring only: {hint}"
    )]
    EnvNotLoopback {
        #[source]
        why: crate::engine::loopback::NotLoopback,
        hint: String,
    },
    /// The secret typed or piped in could not be read (`from`: "" for the terminal, " from
    /// stdin" for a pipe).
    #[error("cannot read the secret{from}: {source}")]
    Unreadable { from: &'static str, source: std::io::Error },
    #[error("the secret is empty: nothing was stored")]
    Empty,
    /// No credential stored for `name`; `hint` says how to store one.
    #[error("no credential for {name} in {store}: {hint}")]
    Missing { name: String, store: &'static str, hint: String },
}

/// Write, read back and delete a throwaway entry. Ok when the keyring round-trips.
pub fn probe() -> Result<(), SecretsError> {
    let failed = |step, e: keyring::Error| SecretsError::Probe { step, reason: Some(e.to_string()) };
    let user = format!("probe-{}", std::process::id());
    let entry = Entry::new(SERVICE, &user).map_err(|e| failed("keyring unavailable", e))?;
    let token = format!("probe-{}", crate::engine::time::now_ms());
    if let Err(e) = entry.set_password(&token) {
        drop_failed_write(&entry);
        return Err(failed("keyring refused a write", e));
    }
    // Read through a fresh handle, as another part of the program would.
    let back = Entry::new(SERVICE, &user)
        .and_then(|e| e.get_password())
        .map_err(|e| failed("keyring lost an entry it just stored", e));
    drop_failed_write(&entry);
    match back {
        Ok(v) if v == token => Ok(()),
        Ok(_) => Err(SecretsError::Probe {
            step: "keyring returned a different value than it stored",
            reason: None,
        }),
        Err(e) => Err(e),
    }
}

/// Remove what a failed write may have left. Without a session keyring, keyutils adds the key
/// to the user-session keyring and only then fails to link it into the persistent one; the key
/// grants no search permission there, so the crate's own delete cannot find it. Unlinking it
/// from the keyring (write permission is enough) leaves no copy of the secret in the kernel.
fn drop_failed_write(entry: &Entry) {
    let _ = entry.delete_credential();
    #[cfg(target_os = "linux")]
    if let Some(k) = entry.get_credential().downcast_ref::<keyring::keyutils::KeyutilsCredential>() {
        let Ok(links) = k.session.get_links(4096) else { return };
        for key in links.iter().filter_map(|l| l.as_key()) {
            if key.metadata().is_ok_and(|m| m.get_description() == k.description) {
                let _ = k.session.unlink_key(key);
            }
        }
    }
}

/// A credential's value. Never printed: `Debug` and `Display` show a mask, and only
/// [`Secret::expose`] gives the text, for the venue adapter's signer.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Which credential: one per venue and account, and one signing key per operator. Serialized
/// untagged, so the names index written before operator keys existed still reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum CredentialKey {
    /// A venue account's API credential.
    Venue { venue: crate::engine::execution::Venue, account: String },
    /// An operator's approval signing key (`execution::operator_key`).
    Operator { operator: String },
    /// The key a grant's automated approvals are signed with (`automation::key`), made with
    /// the grant and deleted when it is revoked.
    Automation { grant: String },
    /// A notification channel's secret (a bot token, an SMTP password, a bearer token), named
    /// by the channel of notify.toml.
    Notify { notify: String },
}

impl CredentialKey {
    pub fn new(venue: crate::engine::execution::Venue, account: &str) -> CredentialKey {
        CredentialKey::Venue { venue, account: account.to_string() }
    }

    pub fn operator(name: &str) -> CredentialKey {
        CredentialKey::Operator { operator: name.to_string() }
    }

    pub fn automation(grant: &str) -> CredentialKey {
        CredentialKey::Automation { grant: grant.to_string() }
    }

    pub fn notify(channel: &str) -> CredentialKey {
        CredentialKey::Notify { notify: channel.to_string() }
    }

    /// The keyring user name: `venue/account`, `operator/<name>`, `automation/<grant id>` or
    /// `notify/<channel>`.
    pub fn name(&self) -> String {
        match self {
            CredentialKey::Venue { venue, account } => format!("{venue}/{account}"),
            CredentialKey::Operator { operator } => format!("operator/{operator}"),
            CredentialKey::Automation { grant } => format!("automation/{grant}"),
            CredentialKey::Notify { notify } => format!("notify/{notify}"),
        }
    }
}

/// Where credentials live. Errors name the credential, never its value.
pub trait CredentialStore: Send + Sync {
    fn name(&self) -> &'static str;
    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), crate::engine::Error>;
    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, crate::engine::Error>;
    /// True when there was something to delete.
    fn delete(&self, key: &CredentialKey) -> Result<bool, crate::engine::Error>;
}

/// The OS keyring: the kernel keyutils store on Linux (the only backend this build has),
/// macOS Keychain, Windows Credential Manager.
pub struct KeyringStore;

fn keyring_error(what: &'static str, key: &CredentialKey, e: keyring::Error) -> crate::engine::Error {
    SecretsError::Keyring { what, name: key.name(), reason: e.to_string() }.into()
}

impl CredentialStore for KeyringStore {
    fn name(&self) -> &'static str {
        "the OS keyring"
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), crate::engine::Error> {
        let entry = Entry::new(SERVICE, &key.name()).map_err(|e| keyring_error("open", key, e))?;
        if let Err(e) = entry.set_password(secret.expose()) {
            drop_failed_write(&entry);
            return Err(keyring_error("store", key, e));
        }
        // Read back through a fresh handle: some backends (keyutils without a persistent
        // keyring) accept a write that no later process can read.
        let back = Entry::new(SERVICE, &key.name()).and_then(|e| e.get_password());
        match back {
            Ok(v) if v == secret.expose() => Ok(()),
            Ok(_) => Err(SecretsError::Mismatch { name: key.name() }.into()),
            Err(e) => {
                let _ = entry.delete_credential();
                Err(keyring_error("keep", key, e))
            }
        }
    }

    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, crate::engine::Error> {
        let entry = Entry::new(SERVICE, &key.name()).map_err(|e| keyring_error("open", key, e))?;
        match entry.get_password() {
            Ok(v) => Ok(Some(Secret(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error("read", key, e)),
        }
    }

    fn delete(&self, key: &CredentialKey) -> Result<bool, crate::engine::Error> {
        let entry = Entry::new(SERVICE, &key.name()).map_err(|e| keyring_error("open", key, e))?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error("delete", key, e)),
        }
    }
}

/// Credentials in memory only: tests, and nothing else.
#[derive(Default)]
pub struct MemoryStore(std::sync::Mutex<std::collections::HashMap<CredentialKey, Secret>>);

impl CredentialStore for MemoryStore {
    fn name(&self) -> &'static str {
        "the in-memory store"
    }

    fn set(&self, key: &CredentialKey, secret: &Secret) -> Result<(), crate::engine::Error> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone(), secret.clone());
        Ok(())
    }

    fn get(&self, key: &CredentialKey) -> Result<Option<Secret>, crate::engine::Error> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned())
    }

    fn delete(&self, key: &CredentialKey) -> Result<bool, crate::engine::Error> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key).is_some())
    }
}

/// The environment variable read for the loopback simulator's credential, and only for it.
pub const LOOPBACK_ENV: &str = "QUANTLAB_LOOPBACK_CREDENTIAL";

/// A credential for `key`: from the store; when the store has none, from [`LOOPBACK_ENV`] for
/// a loopback simulator endpoint only, with a warning (returned, and logged) that says so.
/// `loopback` is asked only then (it may resolve host names): Ok when every URL of the
/// endpoint is loopback, else why not. The variable set for an endpoint that is not loopback
/// is refused (exit 3), naming why.
pub fn credential_for(
    store: &dyn CredentialStore,
    key: &CredentialKey,
    loopback: impl FnOnce() -> Result<(), crate::engine::loopback::NotLoopback>,
) -> Result<(Secret, Option<String>), crate::engine::Error> {
    let stored = store.get(key);
    if let Ok(Some(s)) = stored {
        return Ok((s, None));
    }
    if let Ok(v) = std::env::var(LOOPBACK_ENV) {
        if let Err(why) = loopback() {
            let refused = SecretsError::EnvNotLoopback { why, hint: store_hint(key) };
            return Err(crate::engine::Error::from(refused).with_field("credential"));
        }
        let warning = format!(
            "WARNING: using the credential in {LOOPBACK_ENV} for {} because the endpoint is the loopback \
             simulator; real venues only ever read the keyring",
            key.name()
        );
        tracing::warn!("{warning}");
        return Ok((Secret(v), Some(warning)));
    }
    let how = store_hint(key);
    match stored {
        Err(e) => Err(e),
        // The operator's setup is missing a piece: input to fix (exit 2), not a refusal.
        _ => Err(crate::engine::Error::from(SecretsError::Missing {
            name: key.name(),
            store: store.name(),
            hint: how,
        })
        .with_field("credential")),
    }
}

/// How the credential `key` gets into the store.
fn store_hint(key: &CredentialKey) -> String {
    match key {
        CredentialKey::Venue { venue, account } => {
            format!("store it with `quantlab secrets set {venue} --account {account}`")
        }
        CredentialKey::Operator { .. } => "it is created on the first approval".to_string(),
        CredentialKey::Automation { grant } => {
            format!("it is made with its grant: {grant} cannot automate without it; make a new grant in the console")
        }
        CredentialKey::Notify { notify } => format!("store it with `quantlab notify secret set {notify}`"),
    }
}

/// Names (never values) of the credentials stored through QuantLab, kept in the workspace
/// because keyrings cannot be listed portably.
pub mod index {
    use serde::{Deserialize, Serialize};

    use super::CredentialKey;
    use crate::engine::time::{fmt_ms, now_ms};
    use crate::engine::workspace::{read_json, write_json, Workspace};

    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    pub struct Index {
        pub schema: String,
        pub credentials: Vec<Named>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Named {
        #[serde(flatten)]
        pub key: CredentialKey,
        pub stored_at: String,
    }

    fn path(ws: &Workspace) -> std::path::PathBuf {
        ws.root().join("secrets_index.json")
    }

    pub fn read(ws: &Workspace) -> Index {
        read_json(&path(ws)).unwrap_or_default()
    }

    pub fn add(ws: &Workspace, key: &CredentialKey) -> crate::engine::Result<()> {
        let mut ix = read(ws);
        ix.schema = "quantlab.secrets_index".into();
        ix.credentials.retain(|n| &n.key != key);
        ix.credentials.push(Named { key: key.clone(), stored_at: fmt_ms(now_ms()) });
        ix.credentials.sort_by(|a, b| a.key.cmp(&b.key));
        write_json(&path(ws), &ix)
    }

    pub fn remove(ws: &Workspace, key: &CredentialKey) -> crate::engine::Result<()> {
        let mut ix = read(ws);
        ix.schema = "quantlab.secrets_index".into();
        ix.credentials.retain(|n| &n.key != key);
        write_json(&path(ws), &ix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use crate::engine::loopback::{NotLoopback, UrlProblem};

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2-very-secret");
        assert!(!format!("{s:?} {s}").contains("hunter2"));
    }

    #[test]
    fn the_names_index_reads_as_written_before_operator_keys() {
        let old = r#"{"schema":"quantlab.secrets_index","credentials":[{"venue":"kraken","account":"main","stored_at":"2026-01-01T00:00:00Z"}]}"#;
        let ix: index::Index = serde_json::from_str(old).unwrap();
        assert_eq!(ix.credentials[0].key, CredentialKey::new(Venue::Kraken, "main"));
        let op = index::Named { key: CredentialKey::operator("alice"), stored_at: "t".into() };
        let text = serde_json::to_string(&op).unwrap();
        assert_eq!(text, r#"{"operator":"alice","stored_at":"t"}"#);
        let back: index::Named = serde_json::from_str(&text).unwrap();
        assert_eq!(back.key.name(), "operator/alice");
    }

    #[test]
    fn loopback_fallback_is_loopback_only_and_warns() {
        let store = MemoryStore::default();
        let key = CredentialKey::new(Venue::Kraken, "main");
        // This test is the only reader of the variable.
        std::env::set_var(LOOPBACK_ENV, "sim-secret");
        let not_loopback = || {
            Err(NotLoopback::Account {
                file: "venues.toml".into(),
                venue: "kraken",
                account: "main".into(),
                field: "base_url",
                problem: Box::new(UrlProblem::NoHost),
            })
        };
        let e = credential_for(&store, &key, not_loopback).unwrap_err();
        assert_eq!(e.kind, crate::engine::ErrorKind::Refused);
        assert!(
            matches!(e.domain(), Some(SecretsError::EnvNotLoopback { why: NotLoopback::Account { field: "base_url", .. }, hint })
                if hint.contains("quantlab secrets set kraken --account main")),
            "{e:?}"
        );
        assert!(!e.message.contains("sim-secret"), "the value is never shown");
        let (s, warning) = credential_for(&store, &key, || Ok(())).unwrap();
        assert_eq!(s.expose(), "sim-secret");
        assert!(warning.unwrap().contains("loopback"));
        store.set(&key, &Secret::new("from-store")).unwrap();
        let asked = std::cell::Cell::new(false);
        let (s, warning) = credential_for(&store, &key, || {
            asked.set(true);
            Ok(())
        })
        .unwrap();
        assert_eq!((s.expose(), warning), ("from-store", None));
        assert!(!asked.get(), "the keyring's credential needs no loopback check");
        std::env::remove_var(LOOPBACK_ENV);
        let e = credential_for(&MemoryStore::default(), &key, not_loopback).unwrap_err();
        assert_eq!(e.kind, crate::engine::ErrorKind::BadInput, "unset: the plain missing-credential error");
        assert!(matches!(e.domain(), Some(SecretsError::Missing { .. })), "{e:?}");
    }
}
