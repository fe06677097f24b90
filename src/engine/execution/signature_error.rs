//! What can be wrong with a signed record: an approval's bytes, a signature over them, an
//! approval a submit is asked to send on, or a promotion report the arming gate is asked to
//! take as evidence. Limits and names travel as fields, so this file imports nothing of the
//! modules that raise them.

use crate::engine::loopback::NotLoopback;

/// A record that cannot be signed, or a signature that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    /// A field of the record holds a line break (two records could read as the same bytes).
    #[error("its {0} holds a line break")]
    LineBreak(&'static str),
    /// Some of operator, public key and signature are there, not all.
    #[error("operator, public key and signature are not all present")]
    Incomplete,
    #[error("its public key is not an ed25519 key")]
    NotEd25519Key,
    #[error("its signature is not 64 bytes of hex")]
    NotHex,
    #[error("the signature does not match the record")]
    Mismatch,
    /// An approval's signature over other bytes than its record's.
    #[error("the signature does not match the approval record")]
    NotThisApproval,
}

/// Why an approval may not send an order: the submit's last check.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApprovalProblem {
    #[error(
        "the approval of {0} is not signed; a live order needs an approval signed with the operator's key"
    )]
    Unsigned(String),
    #[error("the approval of {intent_id}'s signature does not verify: {problem}")]
    Invalid { intent_id: String, problem: SignatureProblem },
    /// The workspace's trusted keys could not be read (the error's message).
    #[error("the trusted operator keys cannot be read: {}", source.message)]
    TrustUnreadable { source: crate::engine::error::Error },
    /// Signed by a key `file` does not trust for `operator`.
    #[error("the approval of {intent_id} is signed by a key {file} does not trust for operator {operator}")]
    Untrusted { intent_id: String, file: &'static str, operator: String },
    /// Signed with the key from the environment variable `env`, which `file` trusts for the
    /// loopback simulator only, in a corridor that is not loopback (`why`).
    #[error(
        "the approval of {intent_id} is signed with the key from {env} ({file} trusts it for the loopback \
         simulator only), and corridor {corridor} is not loopback: {why}"
    )]
    EnvironmentKey {
        intent_id: String,
        env: &'static str,
        file: &'static str,
        corridor: String,
        why: Box<NotLoopback>,
    },
    /// An automated approval whose grant does not let it send now (`automation::chain`): why.
    #[error("the automated approval of {intent_id} cannot send: {why}; it waits for the keypress")]
    Grant { intent_id: String, why: String },
}

/// Why no promotion report lets a corridor above micro-live arm.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PromotionProblem {
    /// No passed report for the current policy at all.
    #[error("none")]
    NoReport,
    #[error("report {0} is not signed (made before reports were signed, or not by `promote check`)")]
    Unsigned(String),
    #[error("report {0}: operator, public key and signature are not all present")]
    Incomplete(String),
    #[error("report {id}'s signature does not verify ({problem}): it was changed after signing")]
    Signature { id: String, problem: SignatureProblem },
    /// The workspace's trusted keys could not be read (the error's message).
    #[error("the trusted operator keys cannot be read: {}", source.message)]
    TrustUnreadable { source: crate::engine::error::Error },
    /// Signed by a key `file` does not trust for `operator`.
    #[error("report {id} is signed by a key {file} does not trust for operator {operator}")]
    Untrusted { id: String, file: &'static str, operator: String },
    /// A passed report, but incidents on the corridor are open (each in one line): an open
    /// incident blocks promotion until the operator closes it.
    #[error(
        "{} open incident(s) on the corridor ({}); an open incident blocks promotion: review it with \
         `quantlab incidents list`, then `quantlab incidents close ID --note TEXT`",
        .0.len(), .0.join("; ")
    )]
    OpenIncidents(Vec<String>),
    /// Whether incidents are open cannot be told (the journal or the alert log unreadable).
    #[error("open incidents unknown: {0}")]
    IncidentsUnknown(String),
}
