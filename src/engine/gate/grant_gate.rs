//! The grant dialog's typed confirmation: the grant the form asked for, frozen when the dialog
//! opened, and the only code that makes a [`GrantWitness`]. It confirms only on Enter read
//! from the terminal, after the corridor's name (`venue/account`) was typed into it key by key
//! (a paste never reaches here), after the dwell, when the engine found nothing wrong with the
//! form, and once per dialog. Like the promotion dialog (`promotion_gate.rs`), whose typing
//! it shares (`typed.rs`).

use std::time::Instant;

use super::input::{Origin, TerminalKey};
use super::typed::{PromotionAction, Step, Typed};
use crate::engine::automation::grant::GrantTarget;

/// Proof that the operator typed the corridor's name and pressed Enter in the dialog that showed
/// this grant. Only [`GrantGate::key`] makes one (the fields are private to this module);
/// `GrantConfirmation::typed` turns it into the engine's confirmation, and nothing else does.
#[derive(Debug)]
pub struct GrantWitness {
    target: GrantTarget,
    operator: String,
    origin: Origin,
}

impl GrantWitness {
    pub fn target(&self) -> &GrantTarget {
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
pub enum GrantOutcome {
    Ignored,
    Typing,
    Cancelled,
    /// Enter, but no grant can be made: why (the dialog stays open).
    Refused(String),
    Confirmed(Box<GrantWitness>),
}

#[derive(Debug, PartialEq)]
pub struct GrantGate {
    target: GrantTarget,
    /// What the engine found wrong with the form (limits beyond the policy, ...): Enter refuses.
    problems: Vec<String>,
    typed: Typed,
}

impl GrantGate {
    pub fn open(target: GrantTarget, problems: Vec<String>) -> GrantGate {
        let len = target.corridor.to_string().len() + 16;
        GrantGate { target, problems, typed: Typed::new(len) }
    }

    pub fn target(&self) -> &GrantTarget {
        &self.target
    }

    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn typed(&self) -> &str {
        self.typed.text()
    }

    /// A frame showing the dialog was drawn at `at`; the first one starts the dwell.
    pub fn shown(&mut self, at: Instant) {
        self.typed.shown(at);
    }

    /// Why Enter would make no grant now, if so.
    pub fn blocked(&self) -> Option<String> {
        if let Some(p) = self.problems.first() {
            return Some(p.clone());
        }
        let name = self.target.corridor.to_string();
        if self.typed.text() != name {
            return Some(format!("type the corridor's name, {name}, to grant automation on it"));
        }
        None
    }

    /// The dialog's key handler; the only place a [`GrantWitness`] is made.
    pub fn key(
        &mut self,
        key: &TerminalKey,
        action: Option<PromotionAction>,
        now: Instant,
        operator: &str,
    ) -> GrantOutcome {
        match self.typed.key(key, action, now) {
            Step::Ignored => GrantOutcome::Ignored,
            Step::Typing => GrantOutcome::Typing,
            Step::Cancelled => GrantOutcome::Cancelled,
            Step::Enter => {
                if let Some(why) = self.blocked() {
                    return GrantOutcome::Refused(why);
                }
                self.typed.spend();
                GrantOutcome::Confirmed(Box::new(GrantWitness {
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
    use crate::engine::automation::grant::GrantLimits;
    use crate::engine::execution::model::{CorridorId, OrderType, Venue};
    use crate::engine::gate::DWELL;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use rust_decimal::Decimal;

    fn k(code: KeyCode) -> TerminalKey {
        TerminalKey::synthetic(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn target() -> GrantTarget {
        GrantTarget {
            corridor: CorridorId::new(Venue::Kraken, "main").unwrap(),
            candidate: "cand_a".into(),
            limits: GrantLimits {
                symbols: vec!["XBTUSD".into()],
                order_types: vec![OrderType::Market],
                max_order_notional: Decimal::from(100),
                max_orders_per_day: 3,
                daily_loss_limit: Decimal::from(50),
                max_drawdown: Decimal::from(80),
            },
            hours: 2,
        }
    }

    fn type_in(g: &mut GrantGate, text: &str, at: Instant) {
        for c in text.chars() {
            assert!(matches!(g.key(&k(KeyCode::Char(c)), None, at, "t"), GrantOutcome::Typing));
        }
    }

    #[test]
    fn it_confirms_the_corridor_typed_after_the_dwell_once() {
        let mut g = GrantGate::open(target(), Vec::new());
        let t0 = Instant::now();
        g.shown(t0);
        assert!(
            matches!(g.key(&k(KeyCode::Char('k')), None, t0, "t"), GrantOutcome::Ignored),
            "inside the dwell"
        );
        let later = t0 + DWELL;
        let enter = |g: &mut GrantGate| g.key(&k(KeyCode::Enter), Some(PromotionAction::Confirm), later, "t");
        type_in(&mut g, "kraken/mai", later);
        assert!(matches!(enter(&mut g), GrantOutcome::Refused(_)));
        type_in(&mut g, "n", later);
        let GrantOutcome::Confirmed(w) = enter(&mut g) else { panic!() };
        assert_eq!((w.target(), w.origin()), (&target(), Origin::Synthetic));
        assert!(matches!(enter(&mut g), GrantOutcome::Ignored), "one dialog, one grant");
    }

    #[test]
    fn a_problem_with_the_form_refuses_even_the_right_name() {
        let mut g = GrantGate::open(target(), vec!["max_order_notional: beyond the policy".into()]);
        let t0 = Instant::now();
        g.shown(t0);
        type_in(&mut g, "kraken/main", t0 + DWELL);
        let out = g.key(&k(KeyCode::Enter), Some(PromotionAction::Confirm), t0 + DWELL, "t");
        assert!(
            matches!(out, GrantOutcome::Refused(ref why) if why.contains("max_order_notional")),
            "{out:?}"
        );
    }
}
