//! An approval: the operator's go-ahead for one intent, as journaled.

use serde::{Deserialize, Serialize};

/// The operator's go-ahead for one intent, valid until `expires_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub intent_id: String,
    /// How it was given: "console keypress", or "cli" on a venue that moves no money.
    pub by: String,
    pub approved_ms: i64,
    pub expires_ms: i64,
    /// sha256 of the intent as approved: an intent that changed is not approved.
    pub intent_digest: String,
    /// Whose key signed it (`approval_sign`). These three are absent on approvals journaled
    /// before signing, and on fake-venue rehearsals where no keyring could keep a key; left out
    /// when absent, so those entries serialize exactly as written and their hashes still hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The operator's ed25519 public key, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// ed25519 signature (hex) over `approval_sign::signed_bytes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Set on an approval made without a keypress, inside a grant (docs/automation.md): signed
    /// with the grant's automation key, and covered by the signature like every field here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<Automated>,
}

/// What an automated approval was made under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Automated {
    /// The grant whose limits it fits.
    pub grant: String,
    /// The policy in force when it was made (the grant's own).
    pub policy_fingerprint: String,
    /// The order's notional as checked against the grant, quote currency.
    pub notional: String,
}
