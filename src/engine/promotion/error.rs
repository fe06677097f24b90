//! What the promotion board can refuse or fail on. The exit-code kind of each is in
//! `engine/error_kinds.rs`: a gates file or flag that cannot be used is bad input (2), a
//! promotion the gates or the process refuse is refused (3), an unknown candidate not found (5).

use super::model::Stage;
use crate::engine::execution::CorridorId;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PromotionError {
    /// A value of `promotion_gates.toml` that parses but cannot be used.
    #[error("{file}: key '{field}': {problem}")]
    Gates { file: String, field: String, problem: String },
    #[error(
        "--stage: '{0}' is not a stage; valid: research, paper, micro_live, supervised_live, automation"
    )]
    BadStage(String),
    #[error("no candidate '{0}'; `quantlab promote board` lists them")]
    NoCandidate(String),
    /// `live start --candidate X` for a session that is another candidate.
    #[error("--candidate: {given} is not this session's strategy, parameters, market and timeframe (those are {expected})")]
    CandidateMismatch { given: String, expected: String },
    /// Advancing from a script: promotion is a person's typed confirmation.
    #[error(
        "promotion is a typed confirmation in the console: tab Promotion, select {candidate}, P, type its id \
         (`quantlab promote show {candidate}` shows its gate)"
    )]
    FromCli { candidate: String },
    /// A live stage is held per corridor: the advance must name one.
    #[error("{to} is held per corridor: give --venue and --account for {candidate}")]
    NeedsCorridor { candidate: String, to: Stage },
    /// The fake venue moves no money: a candidate needs nothing beyond paper there.
    #[error("{corridor} moves no money: paper is the last stage a candidate needs there")]
    NoLiveStageOnFake { corridor: CorridorId },
    #[error("{candidate} is at {stage}, the last stage")]
    LastStage { candidate: String, stage: Stage },
    /// The gate, evaluated again at the key, has failing lines: nothing is written.
    #[error("{candidate} cannot advance to {to}{}: {}", on(corridor), failing.join("; "))]
    GateFailed { candidate: String, to: Stage, corridor: Option<CorridorId>, failing: Vec<String> },
    /// The candidate's stage moved between the dialog opening and the key.
    #[error("{candidate} is now at {now}, not {shown} as the dialog showed: open it again")]
    Stale { candidate: String, shown: Stage, now: Stage },
    /// A test build's synthetic key promotes only where no money moves.
    #[error("a synthetic key (test build) promotes nothing on {corridor}: {why}")]
    SyntheticKey { corridor: CorridorId, why: String },
    /// The demo's promotion (made by `quantlab demo`, not typed) asked for on a corridor that
    /// is not the loopback simulator: it promotes nothing there.
    #[error("the demo promotes only on the loopback simulator, and {corridor} is not loopback: {why}")]
    DemoOffLoopback { corridor: CorridorId, why: String },
    /// A session whose candidate cannot be told (its replay's dataset is gone): the promotion
    /// gate cannot be checked, so it is not passed.
    #[error("promotion: the candidate of session {0} cannot be told (its feed's dataset is gone), so it is not promoted")]
    SessionCandidateUnknown(String),
    /// The live-start gate: the candidate is not promoted to what the corridor needs.
    #[error(
        "promotion: candidate {candidate} is at {stage} on {corridor}; {needed} is needed (quantlab promote show {candidate})"
    )]
    NotPromoted { candidate: String, stage: Stage, corridor: CorridorId, needed: Stage },
}

fn on(c: &Option<CorridorId>) -> String {
    c.as_ref().map(|c| format!(" on {c}")).unwrap_or_default()
}
