//! The operator keys a workspace trusts: `<workspace>/operators.json` (`quantlab.operators`),
//! one entry per operator and public key, never a secret. A key is added the first time it is
//! created, or first used in this workspace when it came from the operator's own keyring; old
//! keys stay (a keyring emptied by a reboot gets a new key, and approvals signed with the old
//! one must still verify). `quantlab audit verify` flags an approval signed by any other key.
//! Like the journal's head record, this guards against mistakes and edits of the journal
//! alone, not against someone who can rewrite the whole workspace.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::operator_key_error::OperatorKeyError;
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::{Error, Result};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{write_json, Workspace};

pub const OPERATORS_SCHEMA: &str = "quantlab.operators";
/// The trust list's file name, inside the workspace.
pub const FILE: &str = "operators.json";

/// How a key came to be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Created here, on first use.
    Created,
    /// Found in the operator's keyring, first used in this workspace.
    Keyring,
    /// From the environment, for the loopback simulator only (no keyring worked). Approvals
    /// signed with such a key are refused at submit, and flagged by `quantlab audit verify`,
    /// on any corridor whose endpoints are not loopback.
    LoopbackEnvironment,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustedKey {
    pub operator: String,
    /// ed25519 public key, hex.
    pub public_key: String,
    pub origin: Origin,
    /// When this workspace started trusting it.
    pub created_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Operators {
    pub schema: String,
    pub schema_version: u32,
    pub operators: Vec<TrustedKey>,
}

impl Operators {
    /// Does the workspace trust `public_key` for `operator`?
    pub fn trusts(&self, operator: &str, public_key: &str) -> bool {
        self.operators.iter().any(|k| k.operator == operator && k.public_key == public_key)
    }

    /// The newest key trusted for `operator` that was made here or found in a keyring (not
    /// one from the environment): the one a keyring should hold.
    pub fn kept_key(&self, operator: &str) -> Option<&TrustedKey> {
        self.operators
            .iter()
            .rev()
            .find(|k| k.operator == operator && matches!(k.origin, Origin::Created | Origin::Keyring))
    }

    /// Was `public_key` taken from the environment for the loopback simulator (under any
    /// operator)? Such a key is trusted on loopback corridors only: its seed sat in an
    /// environment variable, not in a keyring.
    pub fn is_from_environment(&self, public_key: &str) -> bool {
        self.operators.iter().any(|k| k.public_key == public_key && k.origin == Origin::LoopbackEnvironment)
    }
}

pub fn path(ws: &Workspace) -> PathBuf {
    ws.root().join(FILE)
}

/// The trust list; empty when there is none. One that does not parse is an error: trusting
/// nothing would hide it, and rewriting it would lose keys.
pub fn load(ws: &Workspace) -> Result<Operators> {
    let p = path(ws);
    let bytes = match std::fs::read(&p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Operators::default()),
        Err(e) => return Err(Error::io("read the trusted operator keys", &p, e)),
    };
    serde_json::from_slice(&bytes)
        .map_err(|e| OperatorKeyError::TrustList { path: p, source: std::sync::Arc::new(e) }.into())
}

/// Trust `public_key` for `operator` unless the workspace already does.
pub fn ensure(ws: &Workspace, operator: &str, public_key: &str, origin: Origin) -> Result<()> {
    if load(ws)?.trusts(operator, public_key) {
        return Ok(());
    }
    // Read again under the workspace lock, so two processes never drop each other's key.
    let _lock = ws.lock()?;
    let mut list = load(ws)?;
    if list.trusts(operator, public_key) {
        return Ok(());
    }
    list.schema = OPERATORS_SCHEMA.into();
    list.schema_version = CONTRACT_VERSION;
    list.operators.push(TrustedKey {
        operator: operator.into(),
        public_key: public_key.into(),
        origin,
        created_at: fmt_ms(now_ms()),
    });
    write_json(&path(ws), &list)?;
    tracing::info!("{}: now trusts operator {operator}'s key {public_key}", path(ws).display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_added_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        assert!(load(&ws).unwrap().operators.is_empty());
        ensure(&ws, "alice", "aa", Origin::Created).unwrap();
        ensure(&ws, "alice", "aa", Origin::Keyring).unwrap();
        ensure(&ws, "alice", "bb", Origin::Keyring).unwrap();
        let l = load(&ws).unwrap();
        assert_eq!(l.operators.len(), 2);
        assert_eq!(l.schema, OPERATORS_SCHEMA);
        assert!(l.trusts("alice", "aa") && l.trusts("alice", "bb"));
        assert!(!l.trusts("bob", "aa"), "a key is trusted for its operator only");
        std::fs::write(path(&ws), "{").unwrap();
        assert!(load(&ws).is_err());
        assert!(ensure(&ws, "carol", "cc", Origin::Created).is_err(), "a broken list is not overwritten");
    }

    #[test]
    fn an_environment_key_is_known_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::at(dir.path());
        ensure(&ws, "alice", "aa", Origin::Created).unwrap();
        ensure(&ws, "e2e", "ee", Origin::LoopbackEnvironment).unwrap();
        let l = load(&ws).unwrap();
        assert!(!l.is_from_environment("aa"));
        assert!(l.is_from_environment("ee"));
        let text = std::fs::read_to_string(path(&ws)).unwrap();
        assert!(text.contains("\"origin\": \"loopback_environment\""), "{text}");
    }
}
