//! The operator's order most tests build: a good-till-cancelled buy in account `main`, no exits.
//! A test changes what it is about with struct update syntax (`IntentSpec { side, ..buy(..) }`).

use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::{IntentSource, OrderType, Side, TimeInForce, Venue};
use rust_decimal::Decimal;

pub fn buy(
    venue: Venue,
    symbol: &str,
    quantity: &str,
    order_type: OrderType,
    limit: Option<Decimal>,
) -> IntentSpec {
    IntentSpec {
        source: IntentSource::Operator,
        venue,
        account: "main".into(),
        symbol: symbol.into(),
        side: Side::Buy,
        quantity: quantity.parse().expect("a decimal quantity"),
        order_type,
        limit_price: limit,
        trigger_price: None,
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        ttl_ms: None,
        note: None,
        exits: None,
    }
}

/// A limit buy of 0.002 at 49,900.
pub fn limit_buy(venue: Venue, symbol: &str) -> IntentSpec {
    buy(venue, symbol, "0.002", OrderType::Limit, Some(Decimal::from(49_900)))
}
