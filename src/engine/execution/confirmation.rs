//! The one way an intent becomes approved: a [`Confirmation`]. For a live venue it is made
//! only by the console's confirm dialog, when the operator presses its confirm key on the
//! exact intent shown (`Confirmation::keypress`, whose single call site is checked by a test);
//! on the fake venue a script may rehearse with `Confirmation::rehearsal`, which refuses live
//! corridors. Nothing else can produce one, so no other path can approve a live order.

use super::types::CorridorId;
use crate::engine::error::{Error, ErrorKind, Result};

/// Proof that an operator confirmed this intent, as digested when shown.
#[derive(Debug)]
pub struct Confirmation {
    pub(crate) corridor: CorridorId,
    pub(crate) intent_id: String,
    /// The digest of the intent as the dialog showed it; an intent changed since is refused.
    pub(crate) intent_digest: String,
    pub(crate) by: String,
}

impl Confirmation {
    /// The confirm dialog's key, pressed. Call only from the console's confirm dialog.
    pub fn keypress(
        corridor: &CorridorId,
        intent_id: &str,
        intent_digest: &str,
        operator: &str,
    ) -> Confirmation {
        Confirmation {
            corridor: corridor.clone(),
            intent_id: intent_id.to_string(),
            intent_digest: intent_digest.to_string(),
            by: format!("console keypress ({operator})"),
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
}
