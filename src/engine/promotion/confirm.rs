//! The one way a candidate is promoted: a [`PromotionConfirmation`], made only from the
//! [`PromotionWitness`] the console's typed-confirmation dialog makes when the operator typed
//! the candidate's id and pressed Enter (its fields are private to `engine::gate`). The fields
//! here are private too, and there is no other constructor, so no script and no struct literal
//! can promote (tests/compile_fail). A witness of a synthetic key (a test build's) promotes only
//! where no money moves: to paper, or on a corridor whose venue is fake or loopback; so does
//! the demo's own (`by_demo`, private to the board, see demo_path.rs).

use super::model::Stage;
use crate::engine::execution::CorridorId;
use crate::engine::gate::{Origin, PromotionWitness};

/// What a decision made by the demo records as its maker.
pub const DEMO_BY: &str = "demo (loopback only)";

#[derive(Debug)]
pub struct PromotionConfirmation {
    candidate: String,
    from: Stage,
    to: Stage,
    corridor: Option<CorridorId>,
    by: String,
    synthetic: bool,
}

impl PromotionConfirmation {
    /// The dialog's id typed and Enter pressed: what the dialog showed, as its witness carries it.
    pub fn typed(witness: PromotionWitness) -> PromotionConfirmation {
        PromotionConfirmation {
            candidate: witness.candidate().to_string(),
            from: witness.from(),
            to: witness.to(),
            corridor: witness.corridor().cloned(),
            by: format!("console typed confirmation ({})", witness.operator()),
            synthetic: witness.origin() == Origin::Synthetic,
        }
    }

    /// The demo's promotion (`quantlab demo`), made by no key at all: synthetic, so
    /// [`advance`](super::advance) takes it only to paper or on a corridor whose venue is
    /// loopback, and recorded as made by the demo. Private to the promotion board: its one
    /// caller is [`super::demo_path`], which refuses any corridor that is not loopback first.
    pub(super) fn by_demo(candidate: &str, from: Stage, to: Stage, corridor: Option<CorridorId>) -> Self {
        PromotionConfirmation {
            candidate: candidate.to_string(),
            from,
            to,
            corridor,
            by: DEMO_BY.to_string(),
            synthetic: true,
        }
    }

    pub fn candidate(&self) -> &str {
        &self.candidate
    }

    /// The stage the dialog showed the candidate at.
    pub fn from(&self) -> Stage {
        self.from
    }

    pub fn to(&self) -> Stage {
        self.to
    }

    pub fn corridor(&self) -> Option<&CorridorId> {
        self.corridor.as_ref()
    }

    pub fn by(&self) -> &str {
        &self.by
    }

    /// Made from a key no terminal delivered (a `test-keys` build).
    pub fn synthetic(&self) -> bool {
        self.synthetic
    }
}
