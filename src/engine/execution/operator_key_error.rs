//! What getting, making or using the operator's signing key can fail on: a name that is not
//! usable, a credential store that cannot keep the key (which a rehearsal on the fake venue
//! survives unsigned), a stored value that is no key, and the loopback simulator's environment
//! key asked for off loopback. The exit-code kind of each is in `engine/error_kinds.rs`; the
//! environment variables' names travel as fields.

use std::path::PathBuf;

use crate::engine::error::Error;
use crate::engine::loopback::NotLoopback;
use crate::engine::secrets::KEYRING_HELP;

#[derive(Debug, Clone, thiserror::Error)]
pub enum OperatorKeyError {
    /// The process's operator name (`from`: where it came from; `env`: the variable that
    /// chooses one).
    #[error(
        "operator name '{name}' (from {from}) is not usable: letters, digits, '.', '_', '-' and '@', at most \
         64; set {env} to choose one"
    )]
    BadName { name: String, from: &'static str, env: &'static str },
    /// An operator named by the caller.
    #[error("operator name '{0}' is not usable: letters, digits, '.', '_', '-' and '@', at most 64")]
    BadOperator(String),
    /// The store failed to `what` (read, store, keep, ...) the key `credential`; the keyring
    /// advice follows unless the store's error already gives it.
    #[error(
        "cannot {what} the operator signing key {credential} (approvals are signed with it): {}{}",
        source.message,
        if source.message.contains(KEYRING_HELP) { String::new() } else { format!(" {KEYRING_HELP}") }
    )]
    Store { what: &'static str, credential: String, source: Error },
    /// The store holds no key for an operator the workspace trusts a key of: it did not keep it.
    #[error(
        "{store} holds no key for operator {operator}, though this workspace trusts their key {public_key} \
         (since {since}): the store did not keep it. No new key is made and trusted silently; if the keyring \
         was emptied (a reboot), `quantlab secrets new-operator-key` makes and trusts a new one"
    )]
    Lost { store: &'static str, operator: String, public_key: String, since: String },
    #[error("{0} did not return the key it stored")]
    NotReturned(&'static str),
    #[error("{store} already holds operator {operator}'s key: nothing to replace")]
    AlreadyHeld { store: &'static str, operator: String },
    #[error(
        "the credential {0} is not a QuantLab operator signing key (32 bytes, hex); remove it from the OS \
         keyring and approve again to create a new one"
    )]
    NotAKey(String),
    /// The loopback simulator's key variable (`env`) is set for a corridor that is not loopback
    /// (`why`); `source` is why the keyring had no key.
    #[error(
        "{env} is set, but it is read only for the loopback simulator, and {why}. A live venue's approvals \
         are signed with the operator's key from the OS keyring: {}",
        source.message
    )]
    EnvironmentOffLoopback { env: &'static str, why: NotLoopback, source: Error },
    /// The demo's key (made for its loopback simulator, kept in memory only) asked for on a
    /// corridor that is not loopback (`why`): it signs nothing there.
    #[error("the demo's operator key signs only for the loopback simulator, and {why}")]
    DemoOffLoopback { why: NotLoopback },
    #[error("{} is not a list of trusted operator keys: {source}", path.display())]
    TrustList { path: PathBuf, source: std::sync::Arc<serde_json::Error> },
}
