//! The one way a grant is made: a [`GrantConfirmation`], made only from the [`GrantWitness`]
//! the console's grant dialog makes when the operator typed the corridor's name and pressed
//! Enter (its fields are private to `engine::gate`). The fields here are private too, with no
//! other constructor, so no script and no struct literal can make or widen a grant
//! (tests/compile_fail). A witness of a synthetic key (a test build's) makes a grant only on a
//! corridor whose venue is fake or loopback.

use super::grant::GrantTarget;
use crate::engine::gate::{GrantWitness, Origin};

#[derive(Debug)]
pub struct GrantConfirmation {
    target: GrantTarget,
    by: String,
    synthetic: bool,
}

impl GrantConfirmation {
    /// The dialog's corridor name typed and Enter pressed: what the dialog showed.
    pub fn typed(witness: GrantWitness) -> GrantConfirmation {
        GrantConfirmation {
            target: witness.target().clone(),
            by: format!("console typed confirmation ({})", witness.operator()),
            synthetic: witness.origin() == Origin::Synthetic,
        }
    }

    pub fn target(&self) -> &GrantTarget {
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
