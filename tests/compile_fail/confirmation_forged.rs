// Bypass: make a live confirmation without the dialog, from the old constructor's arguments
// (corridor, intent, digest, operator).
use quantlab::engine::execution::{Confirmation, CorridorId, Venue};

fn main() {
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    let _ = Confirmation::keypress((&id, "intent_1", "digest", "mallory"));
}
