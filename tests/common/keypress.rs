//! The operator's confirm key, for tests that drive a corridor directly: the console's order
//! dialog opened on the intent as read from the corridor, drawn, and its confirm key pressed
//! once the dwell has passed. A live `Confirmation` comes from nowhere else (the type system
//! holds it: tests/gate_compile_fail.rs).
#![allow(dead_code)]

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quantlab::engine::corridor_api::pending_intent;
use quantlab::engine::execution::corridor::arming::ArmState;
use quantlab::engine::execution::{Confirmation, Corridor};
use quantlab::tui::keymap::Keymap;
use quantlab::tui::panes::order_confirm::{DialogKey, OrderDialog, DWELL};

/// `y` on the dialog showing `intent_id` of `c`, in the corridor's state as it is now.
pub fn keypress(c: &Corridor, intent_id: &str) -> Confirmation {
    keypress_in(c, intent_id, c.arm_state())
}

/// The same with the dialog showing the corridor as `state` (a screen read before a change).
pub fn keypress_in(c: &Corridor, intent_id: &str, state: ArmState) -> Confirmation {
    match press(c, intent_id, state) {
        DialogKey::Confirmed(c) => *c,
        other => panic!("the order dialog did not confirm {intent_id}: {other:?}"),
    }
}

/// What the dialog did with the confirm key.
pub fn press(c: &Corridor, intent_id: &str, state: ArmState) -> DialogKey {
    let mut d = OrderDialog::open(c.id().clone(), state, pending_intent(c, intent_id).unwrap());
    let t0 = Instant::now();
    d.shown(t0);
    let y = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE);
    d.key(&y, &Keymap::defaults(), t0 + DWELL, quantlab::engine::time::now_ms(), "tester")
}
