//! The one way an intent becomes approved: a [`Confirmation`]. For a live venue it is made
//! only from a [`KeypressWitness`], which only the order confirm dialog's key handler can make
//! (its fields are private to `engine::gate`), when the operator presses its confirm key,
//! read from the terminal, on the exact intent shown. A witness of a synthetic key (a test
//! build's) approves only on corridors whose venue is loopback. On the fake venue a script may
//! rehearse with `Confirmation::rehearsal`, which refuses live corridors. The fields here are
//! private too, so no struct literal elsewhere can make one, and nothing can change one: no
//! other path, in this crate or outside it, can approve a live order (tests/gate_compile_fail.rs
//! fails to compile each attempt).

use super::error::ExecutionError;
use super::model::{Automated, CorridorId};
use crate::engine::automation::GrantCover;
use crate::engine::error::Result;
use crate::engine::gate::{KeypressWitness, Origin};

/// Proof that an operator confirmed this intent, as digested when shown.
#[derive(Debug)]
pub struct Confirmation {
    corridor: CorridorId,
    intent_id: String,
    /// The digest of the intent as the dialog showed it; an intent changed since is refused.
    intent_digest: String,
    by: String,
    /// Made from a key no terminal delivered (a `test-keys` build): loopback venues only.
    synthetic: bool,
    /// Made inside a grant, without a keypress: what the approval records of it.
    automation: Option<Automated>,
}

impl Confirmation {
    /// The confirm dialog's key, pressed: what the dialog showed, as its witness carries it.
    pub fn keypress(witness: KeypressWitness) -> Confirmation {
        Confirmation {
            corridor: witness.corridor().clone(),
            intent_id: witness.intent_id().to_string(),
            intent_digest: witness.intent_digest().to_string(),
            by: format!("console keypress ({})", witness.operator()),
            synthetic: witness.origin() == Origin::Synthetic,
            automation: None,
        }
    }

    /// An approval without a keypress, inside the live grant `cover` proves covers the intent
    /// (only `automation::cover` makes one). Signed with the grant's automation key by
    /// `Corridor::approve_automated`, its one caller.
    pub(crate) fn automated(cover: &GrantCover) -> Confirmation {
        Confirmation {
            corridor: cover.corridor().clone(),
            intent_id: cover.intent_id().to_string(),
            intent_digest: cover.intent_digest().to_string(),
            by: format!("automation {}", cover.grant_id()),
            synthetic: false,
            automation: Some(Automated {
                grant: cover.grant_id().to_string(),
                policy_fingerprint: cover.policy_fingerprint().to_string(),
                notional: cover.notional().normalize().to_string(),
            }),
        }
    }

    /// A scripted approval for a venue that moves no money.
    pub fn rehearsal(corridor: &CorridorId, intent_id: &str, intent_digest: &str) -> Result<Confirmation> {
        if corridor.venue.is_live() {
            return Err(ExecutionError::LiveNeedsConfirmKey(corridor.clone()).into());
        }
        Ok(Confirmation {
            corridor: corridor.clone(),
            intent_id: intent_id.to_string(),
            intent_digest: intent_digest.to_string(),
            by: "cli (fake venue)".to_string(),
            synthetic: false,
            automation: None,
        })
    }

    pub fn intent_id(&self) -> &str {
        &self.intent_id
    }

    pub fn corridor(&self) -> &CorridorId {
        &self.corridor
    }

    pub(crate) fn intent_digest(&self) -> &str {
        &self.intent_digest
    }

    pub(crate) fn by(&self) -> &str {
        &self.by
    }

    /// Whether it was made from a synthetic key rather than the terminal's.
    pub fn synthetic(&self) -> bool {
        self.synthetic
    }

    pub(crate) fn automation(&self) -> Option<&Automated> {
        self.automation.as_ref()
    }
}
