//! Hyperliquid websocket beyond allMids: l2Book tops, trades, and the account's orderUpdates
//! and userFills (the snapshot sent on subscribing is skipped: only new fills are events).

use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::adapter::{uuid_of, HlAdapter};
use crate::engine::execution::model::{VenueError, VenueResult};
use crate::engine::venues::events::{dec, str_of, VenueEvent};
use crate::engine::venues::ws_stream;

pub fn parse(v: &Value) -> Vec<VenueEvent> {
    let data = v.get("data").cloned().unwrap_or_default();
    let side_buy = |x: &Value| x.get("side").and_then(Value::as_str) == Some("B");
    match v.get("channel").and_then(Value::as_str).unwrap_or("") {
        "l2Book" => {
            let level = |i: usize| data.get("levels").and_then(|l| l.get(i)).and_then(|s| s.get(0)).cloned();
            let (Some(b), Some(a)) = (level(0), level(1)) else { return vec![] };
            match (dec(b.get("px")), dec(b.get("sz")), dec(a.get("px")), dec(a.get("sz"))) {
                (Some(bid), Some(bid_qty), Some(ask), Some(ask_qty)) => {
                    vec![VenueEvent::Book {
                        symbol: str_of(data.get("coin")).unwrap_or_default(),
                        bid,
                        bid_qty,
                        ask,
                        ask_qty,
                    }]
                }
                _ => vec![],
            }
        }
        "trades" => data
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some(VenueEvent::Trade {
                    symbol: str_of(t.get("coin"))?,
                    price: dec(t.get("px"))?,
                    qty: dec(t.get("sz"))?,
                    buy: side_buy(t),
                })
            })
            .collect(),
        "orderUpdates" => data
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| {
                let o = u.get("order")?;
                Some(VenueEvent::Order {
                    venue_order_id: o.get("oid")?.to_string(),
                    client_order_id: str_of(o.get("cloid")).map(|c| uuid_of(&c)),
                    symbol: str_of(o.get("coin"))?,
                    status: str_of(u.get("status"))?,
                })
            })
            .collect(),
        "userFills" if data.get("isSnapshot").and_then(Value::as_bool) != Some(true) => data
            .get("fills")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| {
                Some(VenueEvent::Fill {
                    venue_order_id: f.get("oid")?.to_string(),
                    client_order_id: str_of(f.get("cloid")).map(|c| uuid_of(&c)),
                    symbol: str_of(f.get("coin"))?,
                    buy: side_buy(f),
                    price: dec(f.get("px"))?,
                    qty: dec(f.get("sz"))?,
                    fee: dec(f.get("fee")).unwrap_or_default(),
                })
            })
            .collect(),
        _ => vec![],
    }
}

impl HlAdapter {
    /// `"l2Book"` or `"trades"` of `coins`.
    pub async fn market_stream(
        &self,
        channel: &str,
        coins: &[String],
    ) -> VenueResult<mpsc::Receiver<VenueEvent>> {
        if !matches!(channel, "l2Book" | "trades") {
            return Err(VenueError::Rejected {
                reason: format!("Hyperliquid channel '{channel}' is not l2Book or trades"),
            });
        }
        for c in coins {
            self.universe()
                .await?
                .get(c)
                .ok_or_else(|| VenueError::Rejected { reason: format!("unknown Hyperliquid coin '{c}'") })?;
        }
        let subs = coins
            .iter()
            .map(|c| json!({"method": "subscribe", "subscription": {"type": channel, "coin": c}}))
            .collect();
        Ok(ws_stream::spawn(self.ws_url().to_string(), subs, Box::new(parse), self.notifier()))
    }

    /// The account's (or vault's) order updates and fills.
    pub async fn user_stream(&self) -> VenueResult<mpsc::Receiver<VenueEvent>> {
        let user = self.client.user();
        let subs = ["orderUpdates", "userFills"]
            .iter()
            .map(|t| json!({"method": "subscribe", "subscription": {"type": t, "user": user}}))
            .collect();
        Ok(ws_stream::spawn(self.ws_url().to_string(), subs, Box::new(parse), self.notifier()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_become_events_and_the_fill_snapshot_is_skipped() {
        let book = json!({"channel": "l2Book", "data": {"coin": "BTC", "levels": [[{"px": "99", "sz": "1", "n": 1}], [{"px": "101", "sz": "2", "n": 1}]]}});
        assert!(matches!(&parse(&book)[0], VenueEvent::Book { symbol, .. } if symbol == "BTC"));
        let snap = json!({"channel": "userFills", "data": {"isSnapshot": true, "fills": [{"coin": "BTC", "px": "1", "sz": "1", "oid": 1, "side": "B"}]}});
        assert!(parse(&snap).is_empty());
        let live = json!({"channel": "userFills", "data": {"fills": [{"coin": "BTC", "px": "100.5", "sz": "0.1", "oid": 7, "side": "A", "fee": "0.01"}]}});
        assert!(
            matches!(&parse(&live)[0], VenueEvent::Fill { buy: false, venue_order_id, .. } if venue_order_id == "7")
        );
        let upd = json!({"channel": "orderUpdates", "data": [{"order": {"coin": "ETH", "oid": 9}, "status": "canceled"}]});
        assert!(matches!(&parse(&upd)[0], VenueEvent::Order { status, .. } if status == "canceled"));
    }
}
