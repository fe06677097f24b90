//! What `quantlab audit verify` reports: each corridor's journal problems, by line, and the
//! trust list it checked them against. The audit itself is [`super::audit`]; a failed one
//! halts its corridor ([`super::audit_halt`]).

use serde::Serialize;

use super::model::CorridorId;

pub const AUDIT_SCHEMA: &str = "quantlab.audit";

/// What is wrong with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The hash chain or the head record does not verify: the journal was changed.
    ChainBroken,
    /// The approval's signature does not match its record (or is malformed), or the record
    /// does not cover the intent as journaled.
    SignatureInvalid,
    /// A valid signature, by a key the workspace does not trust for that operator.
    UnknownKey,
    /// No signature, on a live corridor.
    Unsigned,
    /// A valid signature by the loopback simulator's environment key
    /// (`QUANTLAB_LOOPBACK_OPERATOR_KEY`), in a corridor whose endpoints are not loopback.
    EnvironmentKey,
    /// An automated approval whose grant is forged, widened, signed by an untrusted key or
    /// missing (docs/automation.md).
    GrantUntrusted,
    /// An automated approval beyond its grant: a symbol, order type, notional, the orders of
    /// its day, another policy, a key that is not the grant's, or before the grant was made.
    OutsideGrant,
    /// An automated approval signed after its grant was revoked or expired.
    RevokedKey,
}

impl ProblemKind {
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::ChainBroken => "chain broken",
            ProblemKind::SignatureInvalid => "signature invalid",
            ProblemKind::UnknownKey => "unknown key",
            ProblemKind::Unsigned => "unsigned",
            ProblemKind::EnvironmentKey => "environment key",
            ProblemKind::GrantUntrusted => "grant untrusted",
            ProblemKind::OutsideGrant => "outside its grant",
            ProblemKind::RevokedKey => "revoked key",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// 1-based line of the journal (0: its head record).
    pub line: usize,
    pub seq: Option<u64>,
    pub intent_id: Option<String>,
    pub kind: ProblemKind,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorridorAudit {
    pub corridor: CorridorId,
    pub journal: String,
    pub ok: bool,
    /// Entries that verified (all of them when the chain holds).
    pub entries: usize,
    pub chain_ok: bool,
    pub approvals: usize,
    /// Approvals with a valid signature by a trusted key.
    pub signed: usize,
    /// Unsigned approvals on the fake venue: reported, not failed (no money moves there).
    pub unsigned_tolerated: usize,
    /// The first bad entry, by line.
    pub first_problem: Option<Problem>,
    pub problems: Vec<Problem>,
    /// On a failure: how the corridor was halted (or why it could not be journaled here).
    pub halt: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub schema: String,
    pub schema_version: u32,
    pub ok: bool,
    /// Where the trusted keys are, and how many.
    pub operators_file: String,
    pub trusted_keys: usize,
    /// Why the trust list could not be read, if it could not (every signed approval then fails).
    pub trust_problem: Option<String>,
    pub corridors: Vec<CorridorAudit>,
}
