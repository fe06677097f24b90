//! Kraken websocket v2 beyond the ticker: the book (kept locally from its snapshot and
//! updates, so the top is always right), ohlc candles, and the account's executions and
//! balances over the authenticated connection with a GetWebSocketsToken token.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::adapter::KrakenAdapter;
use crate::engine::execution::model::{VenueError, VenueResult};
use crate::engine::venues::events::{dec, str_of, VenueEvent};
use crate::engine::venues::ws_stream;

type Side = BTreeMap<Decimal, Decimal>;

/// Per-symbol books built from snapshot + updates (qty 0 deletes a level).
#[derive(Default)]
pub struct Books(Mutex<BTreeMap<String, (Side, Side)>>);

impl Books {
    fn apply(&self, symbol: &str, snapshot: bool, d: &Value) -> Option<VenueEvent> {
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (bids, asks) = all.entry(symbol.to_string()).or_default();
        if snapshot {
            bids.clear();
            asks.clear();
        }
        for (side, key) in [(&mut *bids, "bids"), (&mut *asks, "asks")] {
            for l in d.get(key).and_then(Value::as_array).into_iter().flatten() {
                let (Some(p), Some(q)) = (dec(l.get("price")), dec(l.get("qty"))) else { continue };
                if q.is_zero() {
                    side.remove(&p);
                } else {
                    side.insert(p, q);
                }
            }
        }
        let (bid, bid_qty) = bids.iter().next_back().map(|(p, q)| (*p, *q))?;
        let (ask, ask_qty) = asks.iter().next().map(|(p, q)| (*p, *q))?;
        Some(VenueEvent::Book { symbol: symbol.to_string(), bid, bid_qty, ask, ask_qty })
    }
}

/// Events from one v2 frame; `names` maps v2 symbols (BTC/USD) to the adapter's (XBTUSD).
pub fn parse(v: &Value, names: &BTreeMap<String, String>, books: &Books) -> Vec<VenueEvent> {
    let channel = v.get("channel").and_then(Value::as_str).unwrap_or("");
    let snapshot = v.get("type").and_then(Value::as_str) == Some("snapshot");
    let sym = |d: &Value| {
        let s = d.get("symbol").and_then(Value::as_str).unwrap_or("");
        names.get(s).cloned().unwrap_or_else(|| s.to_string())
    };
    let data = v.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for d in &data {
        match channel {
            "book" => out.extend(books.apply(&sym(d), snapshot, d)),
            "ohlc" => {
                let begin = d
                    .get("interval_begin")
                    .and_then(Value::as_str)
                    .and_then(|t| crate::engine::time::parse_timestamp(t).ok());
                if let (Some(open_ms), Some(o), Some(h), Some(l), Some(c)) =
                    (begin, dec(d.get("open")), dec(d.get("high")), dec(d.get("low")), dec(d.get("close")))
                {
                    out.push(VenueEvent::Candle {
                        symbol: sym(d),
                        open_ms,
                        open: o,
                        high: h,
                        low: l,
                        close: c,
                    });
                }
            }
            "executions" if d.get("exec_type").and_then(Value::as_str) == Some("trade") => {
                if let (Some(price), Some(qty)) = (dec(d.get("last_price")), dec(d.get("last_qty"))) {
                    out.push(VenueEvent::Fill {
                        venue_order_id: str_of(d.get("order_id")).unwrap_or_default(),
                        client_order_id: str_of(d.get("cl_ord_id")),
                        symbol: sym(d),
                        buy: d.get("side").and_then(Value::as_str) == Some("buy"),
                        price,
                        qty,
                        fee: dec(d.get("fee_usd_equiv")).unwrap_or_default(),
                    });
                }
            }
            "executions" => out.push(VenueEvent::Order {
                venue_order_id: str_of(d.get("order_id")).unwrap_or_default(),
                client_order_id: str_of(d.get("cl_ord_id")),
                symbol: sym(d),
                status: str_of(d.get("order_status"))
                    .or_else(|| str_of(d.get("exec_type")))
                    .unwrap_or_default(),
            }),
            _ => {}
        }
    }
    if channel == "balances" {
        let balances =
            data.iter().filter_map(|d| Some((str_of(d.get("asset"))?, dec(d.get("balance"))?))).collect();
        out.push(VenueEvent::Balances { balances });
    }
    out
}

impl KrakenAdapter {
    /// v2 names of `symbols` (XBTUSD -> BTC/USD), and the map back.
    async fn ws_names(&self, symbols: &[String]) -> VenueResult<(Vec<String>, BTreeMap<String, String>)> {
        let pairs = self.pairs().await?;
        let mut list = Vec::new();
        let mut back = BTreeMap::new();
        for s in symbols {
            let p = pairs
                .get(s)
                .ok_or_else(|| VenueError::Rejected { reason: format!("unknown Kraken pair '{s}'") })?;
            let ws = p.wsname.clone().unwrap_or_else(|| p.altname.clone()).replace("XBT/", "BTC/");
            back.insert(ws.clone(), s.clone());
            list.push(ws);
        }
        Ok((list, back))
    }

    /// The book (`"book"`) or 1-minute candles (`"ohlc"`) of `symbols`.
    pub async fn market_stream(
        &self,
        channel: &str,
        symbols: &[String],
    ) -> VenueResult<mpsc::Receiver<VenueEvent>> {
        if !matches!(channel, "book" | "ohlc") {
            return Err(VenueError::Rejected {
                reason: format!("Kraken channel '{channel}' is not book or ohlc"),
            });
        }
        let (list, back) = self.ws_names(symbols).await?;
        let mut params = json!({"channel": channel, "symbol": list});
        if channel == "ohlc" {
            params["interval"] = json!(1);
        }
        let sub = json!({"method": "subscribe", "params": params, "req_id": 2});
        let books = Books::default();
        Ok(ws_stream::spawn(
            self.ws_url().to_string(),
            vec![sub],
            Box::new(move |v| parse(v, &back, &books)),
            self.notifier(),
        ))
    }

    /// The account's executions and balances (a token from GetWebSocketsToken, on the
    /// authenticated endpoint). A token is valid for 15 minutes unless a connection uses it.
    pub async fn user_stream(&self) -> VenueResult<mpsc::Receiver<VenueEvent>> {
        let pairs = self.pairs().await?;
        let back: BTreeMap<String, String> = pairs
            .iter()
            .map(|p| {
                (
                    p.wsname.clone().unwrap_or_else(|| p.altname.clone()).replace("XBT/", "BTC/"),
                    p.altname.clone(),
                )
            })
            .collect();
        // A token lapses 15 minutes after it was last used: every (re)connect asks for a new one.
        let client = self.client.clone();
        let subscriber: ws_stream::Subscriber = Box::new(move || {
            let client = client.clone();
            Box::pin(async move {
                let v = client.private("GetWebSocketsToken", &[]).await.map_err(|e| e.to_string())?;
                let token =
                    v.get("token").and_then(Value::as_str).ok_or("GetWebSocketsToken: reply has no token")?;
                Ok(vec![
                    json!({"method": "subscribe", "params": {"channel": "executions", "token": token, "snap_orders": false, "snap_trades": false}, "req_id": 3}),
                    json!({"method": "subscribe", "params": {"channel": "balances", "token": token}, "req_id": 4}),
                ])
            })
        });
        let books = Books::default();
        Ok(ws_stream::spawn_with(
            self.ws_auth_url().to_string(),
            subscriber,
            Box::new(move |v| parse(v, &back, &books)),
            self.notifier(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_is_kept_from_snapshot_and_deltas() {
        let names = BTreeMap::from([("BTC/USD".to_string(), "XBTUSD".to_string())]);
        let books = Books::default();
        let snap = json!({"channel": "book", "type": "snapshot", "data": [{"symbol": "BTC/USD",
            "bids": [{"price": 100.0, "qty": 1.0}, {"price": 99.5, "qty": 2.0}], "asks": [{"price": 100.5, "qty": 1.0}]}]});
        let e = parse(&snap, &names, &books);
        assert!(
            matches!(&e[0], VenueEvent::Book { symbol, bid, .. } if symbol == "XBTUSD" && *bid == Decimal::from(100))
        );
        let upd = json!({"channel": "book", "type": "update", "data": [{"symbol": "BTC/USD",
            "bids": [{"price": 100.0, "qty": 0.0}], "asks": []}]});
        let e = parse(&upd, &names, &books);
        assert!(matches!(&e[0], VenueEvent::Book { bid, .. } if *bid == Decimal::new(995, 1)), "{e:?}");
    }

    #[test]
    fn executions_become_fills_and_order_updates() {
        let names = BTreeMap::new();
        let v = json!({"channel": "executions", "type": "update", "data": [
            {"exec_type": "new", "order_id": "O1", "cl_ord_id": "c1", "order_status": "new", "symbol": "BTC/USD"},
            {"exec_type": "trade", "order_id": "O1", "cl_ord_id": "c1", "symbol": "BTC/USD", "side": "buy",
             "last_qty": 0.5, "last_price": 100.25, "fee_usd_equiv": 0.13}]});
        let e = parse(&v, &names, &Books::default());
        assert!(matches!(&e[0], VenueEvent::Order { status, .. } if status == "new"));
        assert!(matches!(&e[1], VenueEvent::Fill { qty, buy: true, .. } if *qty == Decimal::new(5, 1)));
    }
}
