// Bypass: make the Promotion dialog's typed-confirmation witness outside the dialog (no id
// typed, no Enter pressed), then promote with it.
use quantlab::engine::gate::{Origin, PromotionWitness};
use quantlab::engine::promotion::{PromotionConfirmation, PromotionTarget, Stage};

fn main() {
    let witness = PromotionWitness {
        target: PromotionTarget {
            candidate: "cand_sma_cross_BTC_1h_00000000".into(),
            from: Stage::Paper,
            to: Stage::MicroLive,
            corridor: None,
        },
        operator: "mallory".into(),
        origin: Origin::Terminal,
    };
    let _ = PromotionConfirmation::typed(witness);
}
