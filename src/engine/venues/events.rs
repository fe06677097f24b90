//! What the venues push besides marks: book tops, candles, trades, and the account's own
//! order updates, fills and balances, in one vocabulary for both venues. The adapters' stream
//! methods yield these (Kraken websocket v2 book/ohlc/executions/balances; Hyperliquid
//! l2Book/trades/orderUpdates/userFills).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VenueEvent {
    /// Best bid and ask with their sizes.
    Book {
        symbol: String,
        bid: Decimal,
        bid_qty: Decimal,
        ask: Decimal,
        ask_qty: Decimal,
    },
    Candle {
        symbol: String,
        open_ms: i64,
        open: Decimal,
        high: Decimal,
        low: Decimal,
        close: Decimal,
    },
    Trade {
        symbol: String,
        price: Decimal,
        qty: Decimal,
        buy: bool,
    },
    /// One of the account's orders changed state (venue words kept: new, open, filled, ...).
    Order {
        venue_order_id: String,
        client_order_id: Option<String>,
        symbol: String,
        status: String,
    },
    /// One of the account's fills.
    Fill {
        venue_order_id: String,
        client_order_id: Option<String>,
        symbol: String,
        buy: bool,
        price: Decimal,
        qty: Decimal,
        fee: Decimal,
    },
    /// Asset balances after a change.
    Balances {
        balances: Vec<(String, Decimal)>,
    },
}

/// A number the venues send as a JSON number or a decimal string, read exactly.
pub fn dec(v: Option<&Value>) -> Option<Decimal> {
    match v? {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

/// A reply that lacks a field the adapter needs: the venue's fault, the request's fate unknown.
pub fn bad_reply(what: &str, field: &str) -> crate::engine::execution::model::VenueError {
    crate::engine::execution::model::VenueError::Unavailable {
        message: format!("{what}: reply field '{field}' is missing or malformed"),
    }
}

pub fn str_of(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}
