// Bypass: make the demo's promotion confirmation (made by no key, taken only on loopback)
// from outside the promotion board, to promote on a real venue's corridor.
use quantlab::engine::execution::{CorridorId, Venue};
use quantlab::engine::promotion::{PromotionConfirmation, PromotionTarget, Stage};

fn main() {
    let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
    let target = PromotionTarget { candidate: "cand".into(), from: Stage::Paper, to: Stage::MicroLive, corridor: Some(kraken) };
    let _ = PromotionConfirmation::by_demo(target);
}
