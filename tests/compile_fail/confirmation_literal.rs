// Bypass: make a live confirmation without the dialog, by a struct literal.
use quantlab::engine::execution::{Confirmation, CorridorId, Venue};

fn main() {
    let _ = Confirmation {
        corridor: CorridorId::new(Venue::Kraken, "main").unwrap(),
        intent_id: "intent_1".into(),
        intent_digest: "digest".into(),
        by: "console keypress (mallory)".into(),
    };
}
