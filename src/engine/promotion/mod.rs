//! The promotion board (docs/promotion.md): every candidate (a strategy with its parameters on
//! one market and timeframe) with its evidence at each stage and the gate to the next, from
//! `promotion_gates.toml`. Stages: research -> paper -> micro_live -> supervised_live ->
//! automation (a grant, not a promotion: docs/automation.md); the live ones are held per corridor. A promotion is a typed
//! confirmation in the console, signed and journaled; a script is refused. Demotion is
//! automatic on a kill, a breaker trip, a mismatch, a failed audit or drift, and says why. A
//! live session starts only for a candidate promoted to what its corridor needs.

pub mod error;
pub mod model;
inner_modules! {
    advance,
    board,
    candidate,
    confirm,
    decisions,
    demo_path,
    demotion,
    evidence,
    gates,
}

pub use board::{Board, CandidateView, Row, Untrusted};
pub use candidate::Candidate;
pub use confirm::PromotionConfirmation;
pub use decisions::{Cause, CauseKind, Decision, Kind};
pub use error::PromotionError;
pub use gates::{Gates, GATES_FILE};
pub use model::{GateLine, PromotionTarget, Stage};
