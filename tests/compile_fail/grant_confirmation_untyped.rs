// Bypass: make a grant confirmation from the grant it asks for alone, without the dialog's
// witness: typed() takes only a witness, and no other constructor exists.
use quantlab::engine::automation::{GrantConfirmation, GrantLimits, GrantTarget};
use quantlab::engine::execution::{CorridorId, OrderType, Venue};

fn main() {
    let target = GrantTarget {
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
    };
    let _ = GrantConfirmation::typed(target);
}
