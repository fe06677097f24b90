//! The one way a candidate is promoted: a [`PromotionConfirmation`], made only from the
//! [`PromotionWitness`] the console's typed-confirmation dialog makes when the operator typed
//! the candidate's id and pressed Enter (its fields are private to `engine::gate`). The fields
//! here are private too, and there is no other constructor, so no script and no struct literal
//! can promote (tests/compile_fail). A witness of a synthetic key (a test build's) promotes only
//! where no money moves: to paper, or on a corridor whose venue is fake or loopback; so does
//! the demo's own (`by_demo`, private to the board, see demo_path.rs).

use super::model::PromotionTarget;
use crate::engine::gate::{Origin, PromotionWitness};

/// What a decision made by the demo records as its maker.
pub const DEMO_BY: &str = "demo (loopback only)";

#[derive(Debug)]
pub struct PromotionConfirmation {
    target: PromotionTarget,
    by: String,
    synthetic: bool,
}

impl PromotionConfirmation {
    /// The dialog's id typed and Enter pressed: what the dialog showed, as its witness carries it.
    pub fn typed(witness: PromotionWitness) -> PromotionConfirmation {
        PromotionConfirmation {
            target: witness.target().clone(),
            by: format!("console typed confirmation ({})", witness.operator()),
            synthetic: witness.origin() == Origin::Synthetic,
        }
    }

    /// The demo's promotion (`quantlab demo`), made by no key at all: synthetic, so
    /// [`advance`](super::advance) takes it only to paper or on a corridor whose venue is
    /// loopback, and recorded as made by the demo. Private to the promotion board: its one
    /// caller is [`super::demo_path`], which refuses any corridor that is not loopback first.
    pub(super) fn by_demo(target: PromotionTarget) -> Self {
        PromotionConfirmation { target, by: DEMO_BY.to_string(), synthetic: true }
    }

    /// What the dialog showed: the candidate, the stage it was at, the next, the corridor.
    pub fn target(&self) -> &PromotionTarget {
        &self.target
    }

    pub fn by(&self) -> &str {
        &self.by
    }

    /// Made from a key no terminal delivered (a `test-keys` build).
    pub fn synthetic(&self) -> bool {
        self.synthetic
    }
}
