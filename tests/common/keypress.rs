//! The operator's confirm key, for tests that drive a corridor directly: the console's order
//! dialog opened on the intent as read from the corridor, drawn, and its confirm key pressed
//! once the dwell has passed. A live `Confirmation` comes from nowhere else (the type system
//! holds it: tests/gate_compile_fail.rs). The key is synthetic (this test build's `test-keys`
//! feature), so what it confirms is approved on loopback venues only.
#![allow(dead_code)]

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quantlab::engine::execution::arm_state::ArmState;
use quantlab::engine::execution::{Confirmation, Corridor};
use quantlab::engine::gate::{GateOutcome, OrderGate, TerminalKey, DWELL};
use quantlab::engine::handles::pending_intent;
use quantlab::tui::keymap::Keymap;
use quantlab::tui::panes::order_confirm;

/// `y` on the dialog showing `intent_id` of `c`, in the corridor's state as it is now.
pub fn keypress(c: &Corridor, intent_id: &str) -> Confirmation {
    keypress_in(c, intent_id, c.arm_state())
}

/// The same with the dialog showing the corridor as `state` (a screen read before a change).
pub fn keypress_in(c: &Corridor, intent_id: &str, state: ArmState) -> Confirmation {
    match press(c, intent_id, state) {
        GateOutcome::Confirmed(witness) => Confirmation::keypress(*witness),
        other => panic!("the order dialog did not confirm {intent_id}: {other:?}"),
    }
}

/// What the dialog did with the confirm key.
pub fn press(c: &Corridor, intent_id: &str, state: ArmState) -> GateOutcome {
    let mut d = OrderGate::open(c.id().clone(), state, pending_intent(c, intent_id).unwrap());
    let t0 = Instant::now();
    d.shown(t0);
    let y = TerminalKey::synthetic(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    order_confirm::key(
        &mut d,
        &y,
        &Keymap::defaults(),
        t0 + DWELL,
        quantlab::engine::time::now_ms(),
        "tester",
    )
}
