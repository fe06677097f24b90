// Bypass: make the order dialog's keypress witness outside the dialog, then the confirmation.
use quantlab::engine::execution::{Confirmation, CorridorId, Venue};
use quantlab::engine::gate::Origin;
use quantlab::KeypressWitness;

fn main() {
    let witness = KeypressWitness {
        corridor: CorridorId::new(Venue::Kraken, "main").unwrap(),
        intent_id: "intent_1".into(),
        intent_digest: "digest".into(),
        operator: "mallory".into(),
        origin: Origin::Terminal,
    };
    let _ = Confirmation::keypress(witness);
}
