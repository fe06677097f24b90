// Bypass: make the demo's promotion confirmation (made by no key, taken only on loopback)
// from outside the promotion board, to promote on a real venue's corridor.
use quantlab::engine::execution::{CorridorId, Venue};
use quantlab::engine::promotion::{PromotionConfirmation, Stage};

fn main() {
    let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
    let _ = PromotionConfirmation::by_demo("cand", Stage::Paper, Stage::MicroLive, Some(kraken));
}
