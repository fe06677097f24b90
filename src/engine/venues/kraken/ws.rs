//! Kraken websocket v2 market data: the ticker channel as mark events (the mid of best bid
//! and ask), reconnecting and resubscribing through the shared stream.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::engine::execution::model::{Mark, MarketEvent};
use crate::engine::venues::ws_stream::{self, Notifier};

/// The subscribe request for the ticker of `ws_names` (v2 names, e.g. BTC/USD).
pub fn ticker_subscription(ws_names: &[String]) -> Value {
    json!({"method": "subscribe", "params": {"channel": "ticker", "symbol": ws_names}, "req_id": 1})
}

/// Mark events from one v2 frame; `names` maps v2 names back to the adapter's symbols.
pub fn parse_ticker(v: &Value, names: &BTreeMap<String, String>) -> Vec<MarketEvent> {
    if v.get("channel").and_then(Value::as_str) != Some("ticker") {
        return vec![];
    }
    let now = crate::engine::time::now_ms();
    let num = |x: Option<&Value>| x.and_then(|n| Decimal::from_str(&n.to_string()).ok());
    v.get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let symbol = names.get(d.get("symbol")?.as_str()?)?.clone();
            let (bid, ask) = (num(d.get("bid"))?, num(d.get("ask"))?);
            // A sum past the decimal range is no mark: skipped like any malformed entry.
            let price = bid.checked_add(ask)? / Decimal::TWO;
            Some(MarketEvent { symbol, mark: Mark { price, at_ms: now } })
        })
        .collect()
}

pub fn ticker_stream(
    url: String,
    names: Vec<(String, String)>,
    notify: Option<Notifier>,
) -> mpsc::Receiver<MarketEvent> {
    let ws: Vec<String> = names.iter().map(|n| n.0.clone()).collect();
    let map: BTreeMap<String, String> = names.into_iter().collect();
    ws_stream::spawn(url, vec![ticker_subscription(&ws)], Box::new(move |v| parse_ticker(v, &map)), notify)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticker_update_becomes_a_mark_at_the_mid() {
        let names = BTreeMap::from([("BTC/USD".to_string(), "XBTUSD".to_string())]);
        let v = json!({"channel": "ticker", "type": "update", "data": [{"symbol": "BTC/USD", "bid": 100.0, "ask": 101.0}]});
        let e = parse_ticker(&v, &names);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].symbol.as_str(), e[0].mark.price), ("XBTUSD", Decimal::from_str("100.5").unwrap()));
        assert!(parse_ticker(&json!({"channel": "heartbeat"}), &names).is_empty());
    }
}
