//! The one way an intent becomes approved: a [`Confirmation`]. For a live venue it is made
//! only from a [`KeypressWitness`](crate::KeypressWitness), which only the console's order
//! confirm dialog can make (its fields are private to `tui::panes::order_confirm`), when the
//! operator presses its confirm key on the exact intent shown. On the fake venue a script may
//! rehearse with `Confirmation::rehearsal`, which refuses live corridors. The fields here are
//! private too, so no struct literal elsewhere can make one, and nothing can change one: no
//! other path, in this crate or outside it, can approve a live order (tests/gate_compile_fail.rs
//! fails to compile each attempt).

use super::model::CorridorId;
use crate::engine::error::{Error, ErrorKind, Result};
use crate::KeypressWitness;

/// Proof that an operator confirmed this intent, as digested when shown.
#[derive(Debug)]
pub struct Confirmation {
    corridor: CorridorId,
    intent_id: String,
    /// The digest of the intent as the dialog showed it; an intent changed since is refused.
    intent_digest: String,
    by: String,
}

impl Confirmation {
    /// The confirm dialog's key, pressed: what the dialog showed, as its witness carries it.
    pub fn keypress(witness: KeypressWitness) -> Confirmation {
        Confirmation {
            corridor: witness.corridor().clone(),
            intent_id: witness.intent_id().to_string(),
            intent_digest: witness.intent_digest().to_string(),
            by: format!("console keypress ({})", witness.operator()),
        }
    }

    /// A scripted approval for a venue that moves no money.
    pub fn rehearsal(corridor: &CorridorId, intent_id: &str, intent_digest: &str) -> Result<Confirmation> {
        if corridor.venue.is_live() {
            return Err(Error::new(
                ErrorKind::Refused,
                format!("{corridor} is a live corridor: its intents are approved only by the console's confirm key"),
            ));
        }
        Ok(Confirmation {
            corridor: corridor.clone(),
            intent_id: intent_id.to_string(),
            intent_digest: intent_digest.to_string(),
            by: "cli (fake venue)".to_string(),
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
}
