//! What can be wrong with a signed record: an approval's bytes, a signature over them, or a
//! promotion report the arming gate is asked to take as evidence.

/// A record that cannot be signed, or a signature that does not hold.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignatureProblem {
    /// A field of the record holds a line break (two records could read as the same bytes).
    #[error("its {0} holds a line break")]
    LineBreak(&'static str),
    #[error("its public key is not an ed25519 key")]
    NotEd25519Key,
    #[error("its signature is not 64 bytes of hex")]
    NotHex,
    #[error("the signature does not match the record")]
    Mismatch,
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
}
