// Bypass: swap the intent under an open dialog, or the intent or digest of a pending intent,
// after the operator saw it.
use quantlab::engine::gate::PendingIntent;
use quantlab::engine::execution::model::ExecutionIntent;
use quantlab::engine::gate::OrderGate as OrderDialog;

fn swap(shown: &mut OrderDialog, other: PendingIntent) {
    shown.pending = other;
}

fn tamper(p: &mut PendingIntent, intent: ExecutionIntent) {
    p.intent = intent;
    p.digest = String::new();
}

fn main() {}
