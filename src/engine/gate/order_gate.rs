//! The order confirm dialog's state and its key handler: what will be sent, frozen when the
//! dialog opened, and the only code that makes a [`KeypressWitness`]. It confirms only
//! - on a press of the confirm key read from the terminal (a key-repeat or release never
//!   confirms; a synthetic key of a test build is marked so in the witness),
//! - after the dialog has been drawn and [`DWELL`] has passed since (keys typed ahead, before
//!   the operator could see what they approve, are ignored),
//! - once per dialog, and while the intent is not blocked (expired, halted, not armed,
//!   failed preflight, or withdrawn: no longer waiting on the corridor when last read).

use std::time::{Duration, Instant};

use crossterm::event::KeyEventKind;

use super::input::{Origin, TerminalKey};
use super::pending::PendingIntent;
use crate::engine::execution::arm_state::ArmState;
use crate::engine::execution::model::CorridorId;

/// How long the dialog ignores every key after it was first drawn.
pub const DWELL: Duration = Duration::from_millis(250);

/// Proof that the dialog's confirm key was pressed on the intent it showed. Only
/// [`OrderGate::key`] makes one (the fields are private to this module); the execution
/// boundary turns it into a `Confirmation` with `Confirmation::keypress`, and nothing else
/// does. (The gate names no Confirmation: execution depends on the gate, not both ways.)
#[derive(Debug)]
pub struct KeypressWitness {
    corridor: CorridorId,
    intent_id: String,
    intent_digest: String,
    operator: String,
    origin: Origin,
}

impl KeypressWitness {
    pub fn corridor(&self) -> &CorridorId {
        &self.corridor
    }

    pub fn intent_id(&self) -> &str {
        &self.intent_id
    }

    /// The digest of the intent as the dialog showed it.
    pub fn intent_digest(&self) -> &str {
        &self.intent_digest
    }

    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// Whether the confirm key came from the terminal or from a test build's code.
    pub fn origin(&self) -> Origin {
        self.origin
    }
}

/// What the console's keymap makes of a key in the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateAction {
    Confirm,
    /// Deny, back or cancel: close without approving.
    Deny,
}

/// What a key did to the dialog.
#[derive(Debug)]
pub enum GateOutcome {
    /// Nothing: not a key of the dialog, a repeat or release, or typed inside the dwell.
    Ignored,
    /// A deny key: closed, nothing approved.
    Cancelled,
    /// The confirm key on a blocked intent: closed, nothing approved, and why.
    Refused(String),
    /// The confirm key: the witness to make the approval from (`Confirmation::keypress`).
    Confirmed(Box<KeypressWitness>),
}

/// What the confirm dialog shows, frozen when it opened; read-only from outside this module.
#[derive(Debug, PartialEq)]
pub struct OrderGate {
    corridor: CorridorId,
    state: ArmState,
    pending: PendingIntent,
    /// When a frame first showed it: the dwell runs from here. None until drawn.
    shown: Option<Instant>,
    /// Set once its confirm key made a confirmation: one dialog, one approval.
    spent: bool,
    /// Why the intent no longer waits, once a read of the corridor found it gone.
    withdrawn: Option<String>,
}

impl OrderGate {
    /// The dialog on `pending` (as read from the corridor) in `corridor`, whose state is `state`.
    pub fn open(corridor: CorridorId, state: ArmState, pending: PendingIntent) -> OrderGate {
        OrderGate { corridor, state, pending, shown: None, spent: false, withdrawn: None }
    }

    /// A read of the corridor after the dialog opened no longer lists its intent (approved,
    /// expired, cancelled or superseded meanwhile): it cannot be approved from here, and the
    /// dialog says so before a key is pressed. It only ever refuses more; the execution
    /// boundary refuses such an intent at the send as well.
    pub fn withdraw(&mut self, why: impl Into<String>) {
        self.withdrawn.get_or_insert_with(|| why.into());
    }

    pub fn corridor(&self) -> &CorridorId {
        &self.corridor
    }

    pub fn state(&self) -> ArmState {
        self.state
    }

    pub fn pending(&self) -> &PendingIntent {
        &self.pending
    }

    /// A frame showing the dialog was drawn at `at` (the console calls this after each frame);
    /// the first one starts the dwell.
    pub fn shown(&mut self, at: Instant) {
        self.shown.get_or_insert(at);
    }

    /// Why its subject cannot be approved now (checked again at the confirm key).
    pub fn blocked(&self, now_ms: i64) -> Option<String> {
        if let Some(why) = &self.withdrawn {
            return Some(why.clone());
        }
        let i = self.pending.intent();
        if i.expires_ms <= now_ms {
            return Some("the intent expired".into());
        }
        if self.state == ArmState::Halted {
            return Some("the corridor is halted".into());
        }
        if self.corridor.venue.is_live() && self.state != ArmState::Armed {
            return Some(format!("the corridor is {} (a arms it)", self.state.name()));
        }
        if let Some(pf) = self.pending.preflight() {
            if !pf.passed() {
                return Some(format!("preflight failed: {}", pf.reasons()));
            }
        }
        self.pending.blocked().map(String::from)
    }

    /// The dialog's key handler: `key` as read from the terminal, `action` what the keymap
    /// makes of it, at monotonic time `now` and wall time `now_ms`. The only place a
    /// [`KeypressWitness`] is made.
    pub fn key(
        &mut self,
        key: &TerminalKey,
        action: Option<GateAction>,
        now: Instant,
        now_ms: i64,
        operator: &str,
    ) -> GateOutcome {
        if key.event().kind != KeyEventKind::Press || self.spent {
            return GateOutcome::Ignored;
        }
        match self.shown.and_then(|at| now.checked_duration_since(at)) {
            Some(d) if d >= DWELL => {}
            _ => return GateOutcome::Ignored,
        }
        match action {
            Some(GateAction::Confirm) => {
                if let Some(why) = self.blocked(now_ms) {
                    return GateOutcome::Refused(why);
                }
                self.spent = true;
                let witness = KeypressWitness {
                    corridor: self.corridor.clone(),
                    intent_id: self.pending.intent().id.clone(),
                    intent_digest: self.pending.digest().to_string(),
                    operator: operator.to_string(),
                    origin: key.origin(),
                };
                GateOutcome::Confirmed(Box::new(witness))
            }
            Some(GateAction::Deny) => GateOutcome::Cancelled,
            None => GateOutcome::Ignored,
        }
    }
}
