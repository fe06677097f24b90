// Bypass: write the promotion confirmation as a struct literal, skipping the typed dialog. The
// target it names is plain data anyone may write; the confirmation around it is not.
use quantlab::engine::execution::{CorridorId, Venue};
use quantlab::engine::promotion::{PromotionConfirmation, PromotionTarget, Stage};

fn main() {
    let _ = PromotionConfirmation {
        target: PromotionTarget {
            candidate: "cand_sma_cross_BTC_1h_00000000".into(),
            from: Stage::Paper,
            to: Stage::MicroLive,
            corridor: Some(CorridorId::new(Venue::Kraken, "main").unwrap()),
        },
        by: "script".into(),
        synthetic: false,
    };
}
