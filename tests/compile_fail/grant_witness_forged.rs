// Bypass: make the grant dialog's typed-confirmation witness outside the dialog (no corridor
// name typed, no Enter pressed), then make a grant of automation with it.
use quantlab::engine::automation::{GrantConfirmation, GrantLimits, GrantTarget};
use quantlab::engine::execution::{CorridorId, OrderType, Venue};
use quantlab::engine::gate::{GrantWitness, Origin};

fn main() {
    let witness = GrantWitness {
        target: GrantTarget {
            corridor: CorridorId::new(Venue::Kraken, "main").unwrap(),
            candidate: "cand_sma_cross_BTC_1h_00000000".into(),
            limits: GrantLimits {
                symbols: vec!["XBTUSD".into()],
                order_types: vec![OrderType::Market],
                max_order_notional: 1_000_000.into(),
                max_orders_per_day: 1000,
                daily_loss_limit: 1_000_000.into(),
                max_drawdown: 1_000_000.into(),
            },
            hours: 168,
        },
        operator: "mallory".into(),
        origin: Origin::Terminal,
    };
    let _ = GrantConfirmation::typed(witness);
}
