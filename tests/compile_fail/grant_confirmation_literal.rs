// Bypass: write the grant confirmation as a struct literal, skipping the typed dialog. The
// target it names is plain data anyone may write; the confirmation around it is not.
use quantlab::engine::automation::{GrantConfirmation, GrantLimits, GrantTarget};
use quantlab::engine::execution::{CorridorId, OrderType, Venue};

fn main() {
    let _ = GrantConfirmation {
        target: GrantTarget {
            corridor: CorridorId::new(Venue::Kraken, "main").unwrap(),
            candidate: "cand_sma_cross_BTC_1h_00000000".into(),
            limits: GrantLimits {
                symbols: vec!["XBTUSD".into()],
                order_types: vec![OrderType::Market],
                max_order_notional: 500.into(),
                max_orders_per_day: 3,
                daily_loss_limit: 100.into(),
                max_drawdown: 200.into(),
            },
            hours: 8,
        },
        by: "script".into(),
        synthetic: false,
    };
}
