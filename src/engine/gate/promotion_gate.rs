//! The Promotion tab's typed-confirmation dialog: what it would promote, frozen when it opened,
//! and the only code that makes a [`PromotionWitness`]. It confirms only
//! - on Enter read from the terminal, after the candidate's id was typed into it character by
//!   character from the terminal's keys (a paste is text, never keys: it never reaches here),
//! - after [`DWELL`] since the dialog was first drawn (keys typed ahead are ignored),
//! - when the typed text is exactly the candidate's id and no line of its gate failed,
//! - once per dialog.

use std::time::Instant;

use super::input::{Origin, TerminalKey};
pub use super::typed::PromotionAction;
use super::typed::{Step, Typed};
use crate::engine::execution::model::CorridorId;
use crate::engine::promotion::model::{GateLine, PromotionTarget, Stage};

/// Proof that the operator typed the candidate's id and pressed Enter in the dialog that showed
/// its gate. Only [`PromotionGate::key`] makes one (the fields are private to this module);
/// `PromotionConfirmation::typed` turns it into the engine's confirmation, and nothing else does.
#[derive(Debug)]
pub struct PromotionWitness {
    target: PromotionTarget,
    operator: String,
    origin: Origin,
}

impl PromotionWitness {
    /// What the dialog showed.
    pub fn target(&self) -> &PromotionTarget {
        &self.target
    }

    pub fn operator(&self) -> &str {
        &self.operator
    }

    pub fn origin(&self) -> Origin {
        self.origin
    }
}

#[derive(Debug)]
pub enum PromotionOutcome {
    /// Nothing: a repeat or release, a key inside the dwell, or one that types nothing.
    Ignored,
    /// A character typed or taken back; `typed()` is the text so far.
    Typing,
    /// Closed, nothing promoted.
    Cancelled,
    /// Enter, but the promotion cannot be made: why (the dialog stays open to correct the id).
    Refused(String),
    /// Enter on the id typed: the witness to make the confirmation from.
    Confirmed(Box<PromotionWitness>),
}

/// The dialog's state; read-only from outside this module.
#[derive(Debug, PartialEq)]
pub struct PromotionGate {
    target: PromotionTarget,
    gates: Vec<GateLine>,
    typed: Typed,
}

impl PromotionGate {
    /// The dialog on promoting `candidate` from `from` to `to` (on `corridor` for a live stage),
    /// with the gate's lines as the board read them.
    pub fn open(
        candidate: &str,
        from: Stage,
        to: Stage,
        corridor: Option<CorridorId>,
        gates: Vec<GateLine>,
    ) -> Self {
        PromotionGate {
            typed: Typed::new(candidate.len() + 16),
            target: PromotionTarget { candidate: candidate.into(), from, to, corridor },
            gates,
        }
    }

    /// What it would promote.
    pub fn target(&self) -> &PromotionTarget {
        &self.target
    }

    pub fn gates(&self) -> &[GateLine] {
        &self.gates
    }

    /// What was typed so far.
    pub fn typed(&self) -> &str {
        self.typed.text()
    }

    /// A frame showing the dialog was drawn at `at`; the first one starts the dwell.
    pub fn shown(&mut self, at: Instant) {
        self.typed.shown(at);
    }

    /// Why Enter would promote nothing now, if so.
    pub fn blocked(&self) -> Option<String> {
        let failing: Vec<&str> = self.gates.iter().filter(|g| !g.passed).map(|g| g.item.as_str()).collect();
        if self.gates.is_empty() {
            return Some("the gate has no lines to pass".into());
        }
        if !failing.is_empty() {
            return Some(format!("the gate to {} fails: {}", self.target.to, failing.join(", ")));
        }
        if self.typed.text() != self.target.candidate {
            return Some(format!("type the candidate's id, {}, to promote it", self.target.candidate));
        }
        None
    }

    /// The dialog's key handler: `key` as read from the terminal, `action` what the keymap
    /// makes of it, at monotonic time `now`. The only place a [`PromotionWitness`] is made.
    pub fn key(
        &mut self,
        key: &TerminalKey,
        action: Option<PromotionAction>,
        now: Instant,
        operator: &str,
    ) -> PromotionOutcome {
        match self.typed.key(key, action, now) {
            Step::Ignored => PromotionOutcome::Ignored,
            Step::Typing => PromotionOutcome::Typing,
            Step::Cancelled => PromotionOutcome::Cancelled,
            Step::Enter => {
                if let Some(why) = self.blocked() {
                    return PromotionOutcome::Refused(why);
                }
                self.typed.spend();
                PromotionOutcome::Confirmed(Box::new(PromotionWitness {
                    target: self.target.clone(),
                    operator: operator.to_string(),
                    origin: key.origin(),
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gate::DWELL;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn k(code: KeyCode) -> TerminalKey {
        TerminalKey::synthetic(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn line(passed: bool) -> GateLine {
        GateLine::new(Stage::Paper, "sweep_rank", passed, "", Vec::new())
    }

    fn type_in(g: &mut PromotionGate, text: &str, at: Instant) {
        for c in text.chars() {
            assert!(matches!(g.key(&k(KeyCode::Char(c)), None, at, "t"), PromotionOutcome::Typing));
        }
    }

    #[test]
    fn it_confirms_only_the_id_typed_after_the_dwell_once() {
        let mut g = PromotionGate::open("cand_a", Stage::Research, Stage::Paper, None, vec![line(true)]);
        let t0 = Instant::now();
        // Nothing counts before the dialog was drawn, or within the dwell.
        assert!(matches!(g.key(&k(KeyCode::Char('c')), None, t0, "t"), PromotionOutcome::Ignored));
        g.shown(t0);
        assert!(matches!(g.key(&k(KeyCode::Char('c')), None, t0, "t"), PromotionOutcome::Ignored));
        let later = t0 + DWELL;
        type_in(&mut g, "cand_b", later);
        let enter =
            |g: &mut PromotionGate| g.key(&k(KeyCode::Enter), Some(PromotionAction::Confirm), later, "t");
        assert!(matches!(enter(&mut g), PromotionOutcome::Refused(_)), "another id");
        g.key(&k(KeyCode::Backspace), Some(PromotionAction::Erase), later, "t");
        type_in(&mut g, "a", later);
        assert_eq!(g.typed(), "cand_a");
        let PromotionOutcome::Confirmed(w) = enter(&mut g) else { panic!() };
        assert_eq!(
            (w.target().candidate.as_str(), w.target().to, w.origin()),
            ("cand_a", Stage::Paper, Origin::Synthetic)
        );
        assert!(matches!(enter(&mut g), PromotionOutcome::Ignored), "one dialog, one promotion");
    }

    #[test]
    fn a_failing_gate_refuses_even_the_right_id() {
        let mut g =
            PromotionGate::open("cand_a", Stage::Research, Stage::Paper, None, vec![line(true), line(false)]);
        let t0 = Instant::now();
        g.shown(t0);
        type_in(&mut g, "cand_a", t0 + DWELL);
        let out = g.key(&k(KeyCode::Enter), Some(PromotionAction::Confirm), t0 + DWELL, "t");
        assert!(matches!(out, PromotionOutcome::Refused(ref why) if why.contains("sweep_rank")), "{out:?}");
        let out = g.key(&k(KeyCode::Esc), Some(PromotionAction::Cancel), t0 + DWELL, "t");
        assert!(matches!(out, PromotionOutcome::Cancelled));
    }
}
