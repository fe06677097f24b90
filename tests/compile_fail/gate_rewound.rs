// Bypass: rewind an open dialog's dwell or reuse a spent dialog, to confirm again or early.
use quantlab::engine::gate::OrderGate;

fn rewind(d: &mut OrderGate) {
    d.shown = None;
    d.spent = false;
}

fn main() {}
