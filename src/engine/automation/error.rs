//! What automation can refuse or fail on. The exit-code kind of each is in
//! `engine/error_kinds.rs`: a limit or flag that cannot be used is bad input (2), a grant the
//! policy, the promotion board or the process refuses is refused (3), an unknown grant not
//! found (5), a keyring that cannot keep the automation key a runtime failure (4).

use crate::engine::execution::CorridorId;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AutomationError {
    /// Making or widening a grant from a script: a grant is the operator's typed confirmation.
    #[error(
        "a grant is made in the console only: tab Corridors, select {corridor}, g, fill in its limits, \
         then type the corridor's name to sign it (`quantlab grants list` shows the grants)"
    )]
    FromCli { corridor: String },
    /// A limit of the grant form that cannot be used: `field` names it.
    #[error("{field}: {problem}")]
    BadLimit { field: &'static str, problem: String },
    /// A limit beyond what the corridor's policy allows.
    #[error("{field}: {asked} is beyond the policy's {limit} for {corridor}")]
    BeyondPolicy { corridor: CorridorId, field: &'static str, asked: String, limit: String },
    /// The corridor's policy sets no `max_grant_hours`: it allows no automation.
    #[error(
        "{corridor}'s policy allows no automation: set max_grant_hours in its [[corridor]] section \
         (at most {max} hours) to allow grants"
    )]
    NotAllowed { corridor: CorridorId, max: u64 },
    #[error("{0} has no policy: write the execution policy first (`quantlab policy init`)")]
    NoPolicy(CorridorId),
    /// The candidate is not promoted to the stage the corridor's live sessions need.
    #[error(
        "{candidate} is at {stage} on {corridor}; a grant needs it at {needed} there (the Promotion tab)"
    )]
    NotPromoted { candidate: String, stage: String, corridor: CorridorId, needed: String },
    /// The corridor is halted, or the kill switch is on: no grant is made into a halt.
    #[error("{corridor} is halted ({why}): rearm it before granting automation")]
    Halted { corridor: CorridorId, why: String },
    /// A grant made from a synthetic key (a test build's) on a corridor that is not loopback.
    #[error("{corridor}: a grant confirmed with a synthetic key is refused on a venue that is not loopback: {why}")]
    SyntheticKey { corridor: CorridorId, why: String },
    /// The dialog's target changed between opening and the key (policy, stage).
    #[error("the grant dialog for {corridor} is stale: {why}; open it again")]
    Stale { corridor: CorridorId, why: String },
    #[error("no grant '{0}'; `quantlab grants list` lists them")]
    NoGrant(String),
    /// A grant file that does not read as a grant.
    #[error("{file}: {why}")]
    Unreadable { file: String, why: String },
    /// Revoking a grant that is no longer live.
    #[error("{grant} is already {state}: nothing to revoke")]
    NotLive { grant: String, state: String },
    #[error("--reason: say why the grant is revoked")]
    NoReason,
    /// `intent approve` on an intent no live grant covers: the limit, or why no grant applies.
    #[error("{intent_id} waits for the keypress: {limit}: {why}")]
    NotCovered { intent_id: String, limit: String, why: String },
}
