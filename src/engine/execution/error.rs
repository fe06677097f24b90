//! What a corridor, the kill switch or rearm can refuse or fail on: intents not found or in the
//! wrong state, approvals and sends the boundary refuses (and why), venue failures while
//! sending, and halts that stay. The exit-code kind of each is in `engine/error_kinds.rs`.
//! Names, states and limits travel as fields, so this file imports only execution's plain data.

use std::path::PathBuf;

use super::audit_report::ProblemKind;
use super::model::{CorridorId, Venue, VenueError};
use super::signature_error::{ApprovalProblem, PromotionProblem, SignatureProblem};
use crate::engine::error::Error;
use crate::engine::loopback::NotLoopback;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ExecutionError {
    #[error("no intent '{intent_id}' in corridor {corridor}")]
    NoIntent { intent_id: String, corridor: CorridorId },
    #[error("no intent '{0}' in any corridor journal")]
    NoIntentAnywhere(String),
    /// An intent spec for `venue`/`account` given to another corridor.
    #[error("intent for {venue}/{account} given to corridor {corridor}")]
    OtherCorridorsIntent { venue: Venue, account: String, corridor: CorridorId },
    /// A corridor opened with another venue's adapter.
    #[error("adapter for {adapter} used for corridor {corridor}")]
    WrongAdapter { adapter: Venue, corridor: CorridorId },
    #[error("corridor {0}: no venue adapters were given to this engine")]
    NoAdapters(CorridorId),
    /// A test's crash point was reached (`point`: its name).
    #[error("injected crash {0}")]
    InjectedCrash(String),
    #[error(
        "intent {intent_id} is an exit attached to {entry}: it is approved, sent and withdrawn with its entry"
    )]
    AttachedExit { intent_id: String, entry: String },
    /// Only a pending intent can be approved; this one is `status`.
    #[error("intent {intent_id} is {status}; only a pending intent can be approved")]
    NotPending { intent_id: String, status: &'static str },
    #[error("intent {intent_id} is already {status}")]
    AlreadyFinal { intent_id: String, status: &'static str },
    #[error("intent {0} was sent and its fate is unknown; run `quantlab reconcile` first")]
    FateUnknown(String),
    #[error("a confirmation for {confirmation} cannot approve in {corridor}")]
    OtherCorridorsConfirmation { confirmation: CorridorId, corridor: CorridorId },
    #[error("{0} is a live corridor: its intents are approved only by the console's confirm key")]
    LiveNeedsConfirmKey(CorridorId),
    #[error(
        "a synthetic key (a test build's) cannot approve in {corridor}: its venue is not loopback ({why})"
    )]
    SyntheticKey { corridor: CorridorId, why: NotLoopback },
    #[error("intent {0} changed after it was shown; review it again")]
    ChangedSinceShown(String),
    #[error("cannot approve {intent_id}: {why}")]
    NotApprovable { intent_id: String, why: ApproveBlock },
    #[error("no policy for corridor {0}: nothing can be approved")]
    NoPolicyToApprove(CorridorId),
    #[error("no policy for corridor {0}: it cannot be armed")]
    NoPolicyToArm(CorridorId),
    /// An approval whose record cannot be signed (`problem`: which field).
    #[error("approval of {intent_id} cannot be signed: {problem}")]
    Unsignable { intent_id: String, problem: SignatureProblem },
    #[error("{0}: a live approval must be signed with the operator's key")]
    LiveApprovalUnsigned(CorridorId),
    /// A send the boundary refused (journaled as `submit_refused`).
    #[error("refused: {0}")]
    SubmitRefused(SubmitRefusal),
    #[error("the venue rejected {intent_id}: {reason}")]
    VenueRejected { intent_id: String, reason: String },
    /// The venue failed (not a rejection) while sending; the intent is now `status`.
    #[error("venue {source} while sending {intent_id}; the intent is now {status}")]
    SendFailed { intent_id: String, status: &'static str, source: VenueError },
    #[error("corridor {corridor} is halted ({halt}): `quantlab rearm` lifts the halt first")]
    Halted { corridor: CorridorId, halt: String },
    #[error("{0}")]
    AuditHalted(AuditHalt),
    /// Renewing the lease of a corridor that is not armed.
    #[error("corridor {0} is not armed")]
    NotArmed(CorridorId),
    /// Disarming a corridor that was never armed (the caller's mistake, not a refusal).
    #[error("corridor {0} is not armed")]
    NothingToDisarm(CorridorId),
    #[error("corridor {0} is not halted")]
    NotHalted(CorridorId),
    #[error("reconciliation found mismatches, the corridor stays halted: {}", .0.join("; "))]
    Mismatches(Vec<String>),
    /// Above micro-live without a passed, signed promotion report (`problem`: why none is
    /// taken, [`PromotionProblem::NoReport`] when there is none at all).
    #[error(
        "corridor {corridor} has limits above micro-live and no passed promotion report signed by a trusted \
         operator for the current policy{}; run `quantlab promote check --venue {} --account {}`{}",
        promotion_detail(problem), corridor.venue, corridor.account,
        if matches!(problem, PromotionProblem::NoReport) { "" } else { " again" }
    )]
    PromotionNeeded { corridor: CorridorId, problem: PromotionProblem },
    /// A passed promotion report, but incidents on the corridor are open (each in one line).
    #[error(
        "corridor {corridor} has limits above micro-live and {} open incident(s) ({}); an open incident blocks \
         promotion: review it with `quantlab incidents list`, then `quantlab incidents close ID --note TEXT`",
        incidents.len(), incidents.join("; ")
    )]
    IncidentsOpen { corridor: CorridorId, incidents: Vec<String> },
    #[error("a promotion report for {0} must be signed with the operator's key, and none is available")]
    PromotionUnsigned(CorridorId),
    #[error("{} exists; edit it, or remove it first", .0.display())]
    PolicyExists(PathBuf),
    #[error("no execution policy at {}; `quantlab policy init` writes an example", .0.display())]
    NoPolicy(PathBuf),
    #[error("corridor {corridor} has no journal ({})", path.display())]
    NoJournal { corridor: CorridorId, path: PathBuf },
    /// An intent looked for among an open corridor's.
    #[error("intent {0}")]
    NoSuchIntent(String),
    /// Only a pending or approved intent awaits the confirm key; this one is `status`.
    #[error("intent {intent_id} is {status}; it awaits no approval")]
    AwaitsNoApproval { intent_id: String, status: &'static str },
    /// An attached exit not yet at the venue, asked to be withdrawn apart from its entry.
    #[error("intent {intent_id} is an exit attached to {entry}: it is withdrawn with its entry")]
    ExitWithdrawnWithEntry { intent_id: String, entry: String },
    #[error(
        "{0} is a live venue: its orders are sent only from the console, after the confirm key; `--dry-run` \
         has the venue validate it without placing anything"
    )]
    LiveSendFromCli(Venue),
    #[error(
        "intents are approved by the console's confirm key, or without it only inside a grant of automation, \
         and {corridor} has none (`quantlab grants list`; a grant is made in the console). Open `quantlab \
         console`, tab Corridors, select {intent_id} and press Enter"
    )]
    ApproveOnlyByKey { corridor: CorridorId, intent_id: String },
    #[error("--account needs --venue")]
    AccountNeedsVenue,
    #[error("no corridor matches --venue/--account")]
    NoCorridorMatches,
    /// The venue cancelled `cancelled` orders but no journal could record the halt (`source`).
    #[error("{cancelled} open order(s) cancelled at the venue, but the halt is not journaled: {}", source.message)]
    HaltNotJournaled { cancelled: usize, source: Error },
    /// Corridors the kill switch halted but could not finish (`corridor: detail` each).
    #[error("kill switch engaged; {}", .0.join("; "))]
    KillIncomplete(Vec<String>),
    #[error("nothing is halted")]
    NothingHalted,
    /// Corridors rearm left halted (`corridor: detail` each).
    #[error("still halted: {}", .0.join("; "))]
    StillHalted(Vec<String>),
    #[error("the kill switch halted every corridor: rearm without --venue to reconcile them all")]
    RearmEveryCorridor,
}

fn promotion_detail(p: &PromotionProblem) -> String {
    match p {
        PromotionProblem::NoReport => String::new(),
        why => format!(" ({why})"),
    }
}

/// Why a send was refused; journaled as the `submit_refused` entry's reason.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SubmitRefusal {
    /// The intent is `0` (a status name), not approved.
    #[error("intent is {0}, not approved")]
    NotApproved(&'static str),
    #[error("no approval")]
    NoApproval,
    #[error("the approval lapsed {0} s ago")]
    Lapsed(i64),
    #[error("the intent changed after approval")]
    ChangedAfterApproval,
    /// A live corridor in arm state `state` (its name).
    #[error("corridor {corridor} is {state}: `quantlab corridor arm` first")]
    NotArmed { corridor: CorridorId, state: &'static str },
    /// The preflight failed: `rules` are the failed checks' names, `reasons` says each.
    #[error("{reasons}")]
    Preflight { rules: Vec<String>, reasons: String },
    #[error("{0}")]
    Approval(ApprovalProblem),
    #[error("{0}")]
    Audit(AuditHalt),
}

/// Why an intent cannot be approved now (checked at the key, before anything is journaled);
/// each names the preflight check a submit would fail.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApproveBlock {
    #[error("corridor_armed: corridor {corridor} is halted ({halt}); `quantlab rearm` lifts it")]
    Halted { corridor: CorridorId, halt: String },
    /// A live corridor whose arm state reads `state`.
    #[error(
        "corridor_armed: corridor {corridor} is {state}; `quantlab corridor arm` (or a in the Corridors tab) first"
    )]
    NotArmed { corridor: CorridorId, state: &'static str },
    #[error("intent_not_expired: it expired at {0}; create it again")]
    Expired(String),
}

/// A corridor's journal failed its own audit: the first bad entry, and the corridor is now
/// halted. `resolve` says how the operator lifts it.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the journal fails its audit (journal line {line}: {}: {why}); corridor {corridor} is halted: {resolve}",
    kind.name()
)]
pub struct AuditHalt {
    pub line: usize,
    pub kind: ProblemKind,
    pub why: String,
    pub corridor: CorridorId,
    pub resolve: &'static str,
}
