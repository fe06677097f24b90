//! The simulator's websockets: Kraken v2 (`/kraken/v2`: ticker, book, ohlc; executions and
//! balances with a token from GetWebSocketsToken) and Hyperliquid (`/ws`: allMids, l2Book,
//! trades, orderUpdates, userFills). Market channels push on every market tick; order and
//! fill events are pushed the moment the exchange produces them. A ws-disconnect fault closes
//! every connection.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use super::app::App;
use super::exchange::{Event, SimVenue, Status};
use super::hl_rest::{fill_json, l2_book, order_json, status_text};
use super::instruments::{kraken_pair, HL_PERPS};
use super::kraken_ids::{order_txid, trade_txid};
use super::state::Sim;
use crate::engine::time::fmt_ms;

pub async fn kraken(State(app): State<App>, up: WebSocketUpgrade) -> Response {
    up.on_upgrade(move |socket| run(app, socket, Box::new(KrakenSubs::default())))
}

pub async fn hyperliquid(State(app): State<App>, up: WebSocketUpgrade) -> Response {
    up.on_upgrade(move |socket| run(app, socket, Box::new(HlSubs::default())))
}

/// One connection's subscriptions, per venue protocol.
trait Protocol: Send {
    /// Replies to one client message (acks, snapshots).
    fn on_message(&mut self, sim: &mut Sim, msg: &Value) -> Vec<Value>;
    /// Market-data pushes for one tick.
    fn on_tick(&mut self, sim: &Sim) -> Vec<Value>;
    /// Pushes for one exchange event this connection subscribed to.
    fn on_event(&mut self, sim: &Sim, e: &Event) -> Vec<Value>;
}

async fn run(app: App, mut socket: WebSocket, mut proto: Box<dyn Protocol>) {
    let (mut events, mut gen, tick_ms) = {
        let sim = app.lock();
        (sim.events.subscribe(), sim.ws_generation.subscribe(), sim.tick_ms)
    };
    let mut ticks = tokio::time::interval(Duration::from_millis(tick_ms));
    loop {
        let out: Vec<Value> = tokio::select! {
            _ = gen.changed() => break,
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(t))) => match serde_json::from_str::<Value>(&t) {
                    Ok(v) => proto.on_message(&mut app.lock(), &v),
                    Err(_) => vec![json!({"error": "EGeneral:Invalid arguments", "success": false})],
                },
                Some(Ok(Message::Ping(p))) => { let _ = socket.send(Message::Pong(p)).await; continue }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => continue,
            },
            _ = ticks.tick() => proto.on_tick(&app.lock()),
            e = events.recv() => match e {
                Ok(e) => proto.on_event(&app.lock(), &e),
                // A slow client that fell behind is dropped, as venues do; it reconnects.
                Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => break,
            },
        };
        for v in out {
            if socket.send(Message::Text(v.to_string().into())).await.is_err() {
                return;
            }
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

fn f(d: rust_decimal::Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

#[derive(Default)]
struct KrakenSubs {
    ticker: BTreeSet<String>,
    book: BTreeSet<String>,
    ohlc: BTreeSet<String>,
    /// The API key behind the token.
    executions: Option<String>,
    balances: Option<String>,
    /// The book last sent per symbol, so updates carry only changes.
    last_book: BTreeMap<String, BookSides>,
}

type BookSides = (Vec<(Decimal, Decimal)>, Vec<(Decimal, Decimal)>);

impl KrakenSubs {
    fn ticker_msg(sim: &Sim, ws: &str, kind: &str) -> Option<Value> {
        let p = kraken_pair(ws)?;
        let inst = sim.ex.instrument(SimVenue::Kraken, p.altname)?;
        let mid = sim.ex.mid(inst)?;
        let l = sim.ex.shape.ladder(mid, inst.tick, sim.ex.shape.level_qty);
        Some(json!({"channel": "ticker", "type": kind, "data": [{
            "symbol": p.wsname, "bid": f(l.bids[0].0), "bid_qty": f(l.bids[0].1), "ask": f(l.asks[0].0), "ask_qty": f(l.asks[0].1),
            "last": f(mid), "volume": 0.0, "vwap": f(mid), "low": f(mid), "high": f(mid), "change": 0.0, "change_pct": 0.0}]}))
    }

    /// A snapshot, or an update carrying only what changed since the last one this connection
    /// was sent (a level gone is sent with qty 0), as Kraken's v2 book does.
    fn book_msg(&mut self, sim: &Sim, ws: &str, kind: &str) -> Option<Value> {
        let p = kraken_pair(ws)?;
        let inst = sim.ex.instrument(SimVenue::Kraken, p.altname)?;
        let l = sim.ex.shape.ladder(sim.ex.mid(inst)?, inst.tick, sim.ex.shape.level_qty);
        let prev = self.last_book.insert(p.wsname.to_string(), (l.bids.clone(), l.asks.clone()));
        let side = |now: &[(Decimal, Decimal)], before: Option<&Vec<(Decimal, Decimal)>>| -> Vec<Value> {
            let mut v: Vec<Value> = now
                .iter()
                .filter(|lv| kind == "snapshot" || !before.is_some_and(|b| b.contains(lv)))
                .map(|(p, q)| json!({"price": f(*p), "qty": f(*q)}))
                .collect();
            if kind != "snapshot" {
                for (p, _) in before.into_iter().flatten().filter(|(p, _)| !now.iter().any(|(n, _)| n == p)) {
                    v.push(json!({"price": f(*p), "qty": 0.0}));
                }
            }
            v
        };
        let (pb, pa) = match &prev {
            Some((b, a)) => (Some(b), Some(a)),
            None => (None, None),
        };
        Some(json!({"channel": "book", "type": kind, "data": [{"symbol": p.wsname, "bids": side(&l.bids, pb),
            "asks": side(&l.asks, pa), "checksum": 0, "timestamp": fmt_ms(sim.now_ms())}]}))
    }

    fn ohlc_msg(sim: &Sim, ws: &str, kind: &str) -> Option<Value> {
        let p = kraken_pair(ws)?;
        let now = sim.now_ms();
        let c = sim.market.candles(p.feed, 60_000, now - 60_000, now).pop()?;
        Some(
            json!({"channel": "ohlc", "type": kind, "data": [{"symbol": p.wsname, "open": f(c.open), "high": f(c.high),
            "low": f(c.low), "close": f(c.close), "trades": c.ticks, "volume": 0.0, "vwap": f(c.close),
            "interval_begin": fmt_ms(c.open_ms), "interval": 1, "timestamp": fmt_ms(now)}]}),
        )
    }
}

impl Protocol for KrakenSubs {
    fn on_message(&mut self, sim: &mut Sim, msg: &Value) -> Vec<Value> {
        let method = msg.get("method").and_then(Value::as_str).unwrap_or("");
        let req_id = msg.get("req_id").cloned().unwrap_or(Value::Null);
        let now = fmt_ms(sim.now_ms());
        if method == "ping" {
            return vec![json!({"method": "pong", "req_id": req_id, "time_in": now, "time_out": now})];
        }
        let params = msg.get("params").cloned().unwrap_or_default();
        let channel = params.get("channel").and_then(Value::as_str).unwrap_or("").to_string();
        let fail = |e: &str| json!({"method": method, "req_id": req_id, "success": false, "error": e, "time_in": now, "time_out": now});
        if method != "subscribe" && method != "unsubscribe" {
            return vec![fail("EGeneral:Invalid arguments:method")];
        }
        let mut out = Vec::new();
        match channel.as_str() {
            "ticker" | "book" | "ohlc" => {
                let symbols: Vec<String> = params
                    .get("symbol")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                if symbols.is_empty() {
                    return vec![fail("EGeneral:Invalid arguments:symbol")];
                }
                for s in symbols {
                    let Some(p) = kraken_pair(&s) else {
                        out.push(fail(&format!("Currency pair not supported {s}")));
                        continue;
                    };
                    let set = match channel.as_str() {
                        "ticker" => &mut self.ticker,
                        "book" => &mut self.book,
                        _ => &mut self.ohlc,
                    };
                    if method == "unsubscribe" {
                        set.remove(p.wsname);
                    } else {
                        set.insert(p.wsname.to_string());
                    }
                    out.push(json!({"method": method, "req_id": req_id, "success": true, "time_in": now, "time_out": now,
                                    "result": {"channel": channel, "symbol": p.wsname, "snapshot": true}}));
                    if method == "subscribe" {
                        let snap = match channel.as_str() {
                            "ticker" => Self::ticker_msg(sim, p.wsname, "snapshot"),
                            "book" => self.book_msg(sim, p.wsname, "snapshot"),
                            _ => Self::ohlc_msg(sim, p.wsname, "snapshot"),
                        };
                        out.extend(snap);
                    }
                }
            }
            "executions" | "balances" => {
                let token = params.get("token").and_then(Value::as_str).unwrap_or("");
                let key = match sim.ws_tokens.get(token) {
                    Some((k, exp)) if *exp > sim.now_ms() => k.clone(),
                    _ => return vec![fail("EAPI:Invalid token")],
                };
                let on = method == "subscribe";
                if channel == "executions" {
                    self.executions = on.then(|| key.clone());
                } else {
                    self.balances = on.then(|| key.clone());
                }
                out.push(json!({"method": method, "req_id": req_id, "success": true, "time_in": now, "time_out": now,
                                "result": {"channel": channel, "snapshot": true}}));
                if on && channel == "balances" {
                    let acct = sim.ex.account(SimVenue::Kraken, &key);
                    let data: Vec<Value> = acct
                        .map(|a| {
                            a.balances.iter().map(|(k, v)| json!({"asset": k, "balance": f(*v)})).collect()
                        })
                        .unwrap_or_default();
                    out.push(json!({"channel": "balances", "type": "snapshot", "data": data}));
                }
            }
            _ => out.push(fail("EGeneral:Invalid arguments:channel")),
        }
        out
    }

    fn on_tick(&mut self, sim: &Sim) -> Vec<Value> {
        let mut out: Vec<Value> =
            self.ticker.iter().filter_map(|s| Self::ticker_msg(sim, s, "update")).collect();
        let books: Vec<String> = self.book.iter().cloned().collect();
        out.extend(books.iter().filter_map(|s| self.book_msg(sim, s, "update")));
        out.extend(self.ohlc.iter().filter_map(|s| Self::ohlc_msg(sim, s, "update")));
        if self.executions.is_some() || self.balances.is_some() {
            out.push(json!({"channel": "heartbeat"}));
        }
        out
    }

    fn on_event(&mut self, sim: &Sim, e: &Event) -> Vec<Value> {
        let mine = |acct: &str, venue: SimVenue| {
            venue == SimVenue::Kraken && self.executions.as_deref() == Some(acct)
        };
        let ws_name = |s: &str| kraken_pair(s).map_or(s.to_string(), |p| p.wsname.to_string());
        match e {
            Event::Order(o) if mine(&o.req.account, o.venue) => {
                let (exec_type, status) = match o.status {
                    Status::Open if o.filled.is_zero() => ("new", "new"),
                    Status::Open => ("status", "partially_filled"),
                    Status::Filled => ("filled", "filled"),
                    Status::Canceled => ("canceled", "canceled"),
                };
                vec![json!({"channel": "executions", "type": "update", "data": [{
                    "order_id": order_txid(o.id), "cl_ord_id": o.req.client_id, "exec_type": exec_type, "order_status": status,
                    "symbol": ws_name(&o.req.symbol), "side": if o.req.buy { "buy" } else { "sell" }, "order_qty": f(o.req.qty),
                    "cum_qty": f(o.filled), "avg_price": o.average_price().map(f).unwrap_or(0.0), "timestamp": fmt_ms(o.updated_ms)}]})]
            }
            Event::Fill(fl) if mine(&fl.account, fl.venue) => {
                let o = sim.ex.orders.get(&fl.order_id);
                let mut v = vec![json!({"channel": "executions", "type": "update", "data": [{
                    "order_id": order_txid(fl.order_id), "cl_ord_id": o.and_then(|o| o.req.client_id.clone()), "exec_type": "trade",
                    "exec_id": trade_txid(fl.trade_id), "symbol": ws_name(&fl.symbol), "side": if fl.buy { "buy" } else { "sell" },
                    "last_qty": f(fl.qty), "last_price": f(fl.price), "fee_usd_equiv": f(fl.fee), "liquidity_ind": if fl.maker { "m" } else { "t" },
                    "cum_qty": o.map(|o| f(o.filled)).unwrap_or(0.0), "order_status": o.map(|o| if o.status == Status::Filled { "filled" } else { "partially_filled" }),
                    "timestamp": fmt_ms(fl.time_ms)}]})];
                if let (Some(k), Some(a)) = (&self.balances, sim.ex.account(SimVenue::Kraken, &fl.account)) {
                    if *k == fl.account {
                        let data: Vec<Value> =
                            a.balances.iter().map(|(k, v)| json!({"asset": k, "balance": f(*v)})).collect();
                        v.push(json!({"channel": "balances", "type": "update", "data": data}));
                    }
                }
                v
            }
            _ => vec![],
        }
    }
}

#[derive(Default)]
struct HlSubs {
    all_mids: bool,
    l2: BTreeSet<String>,
    trades: BTreeSet<String>,
    order_updates: BTreeSet<String>,
    user_fills: BTreeSet<String>,
}

impl Protocol for HlSubs {
    fn on_message(&mut self, sim: &mut Sim, msg: &Value) -> Vec<Value> {
        let method = msg.get("method").and_then(Value::as_str).unwrap_or("");
        if method == "ping" {
            return vec![json!({"channel": "pong"})];
        }
        let sub = msg.get("subscription").cloned().unwrap_or_default();
        let on = method == "subscribe";
        if !on && method != "unsubscribe" {
            return vec![
                json!({"channel": "error", "data": format!("Error parsing JSON into valid websocket request: {msg}")}),
            ];
        }
        let coin = sub.get("coin").and_then(Value::as_str).map(str::to_string);
        let user = sub.get("user").and_then(Value::as_str).map(str::to_ascii_lowercase);
        let toggle = |set: &mut BTreeSet<String>, k: Option<String>| -> bool {
            let Some(k) = k else { return false };
            if on {
                set.insert(k);
            } else {
                set.remove(&k);
            }
            true
        };
        let known_coin = coin.as_deref().is_some_and(|c| HL_PERPS.iter().any(|p| p.0 == c));
        let accepted = match sub.get("type").and_then(Value::as_str).unwrap_or("") {
            "allMids" => {
                self.all_mids = on;
                true
            }
            "l2Book" if known_coin => toggle(&mut self.l2, coin.clone()),
            "trades" if known_coin => toggle(&mut self.trades, coin.clone()),
            "orderUpdates" => toggle(&mut self.order_updates, user.clone()),
            "userFills" => toggle(&mut self.user_fills, user.clone()),
            _ => false,
        };
        if !accepted {
            return vec![json!({"channel": "error", "data": format!("Invalid subscription {sub}")})];
        }
        let mut out =
            vec![json!({"channel": "subscriptionResponse", "data": {"method": method, "subscription": sub}})];
        if on && sub.get("type").and_then(Value::as_str) == Some("userFills") {
            let u = user.unwrap_or_default();
            let fills: Vec<Value> = sim
                .ex
                .fills
                .iter()
                .filter(|f| f.venue == SimVenue::Hyperliquid && f.account == u)
                .map(fill_json)
                .collect();
            out.push(
                json!({"channel": "userFills", "data": {"isSnapshot": true, "user": u, "fills": fills}}),
            );
        }
        out
    }

    fn on_tick(&mut self, sim: &Sim) -> Vec<Value> {
        let mut out = Vec::new();
        if self.all_mids {
            let mids: BTreeMap<&str, String> =
                HL_PERPS.iter().filter_map(|p| Some((p.0, sim.ex.mids.get(p.0)?.to_string()))).collect();
            out.push(json!({"channel": "allMids", "data": {"mids": mids}}));
        }
        for c in &self.l2 {
            if let Some(mid) = sim.ex.mids.get(c) {
                out.push(json!({"channel": "l2Book", "data": l2_book(sim, c, *mid, sim.now_ms())}));
            }
        }
        out
    }

    fn on_event(&mut self, _sim: &Sim, e: &Event) -> Vec<Value> {
        match e {
            Event::Order(o)
                if o.venue == SimVenue::Hyperliquid && self.order_updates.contains(&o.req.account) =>
            {
                vec![
                    json!({"channel": "orderUpdates", "data": [{"order": order_json(o), "status": status_text(o), "statusTimestamp": o.updated_ms}]}),
                ]
            }
            Event::Fill(fl) if fl.venue == SimVenue::Hyperliquid => {
                let mut out = Vec::new();
                if self.user_fills.contains(&fl.account) {
                    out.push(json!({"channel": "userFills", "data": {"isSnapshot": false, "user": fl.account, "fills": [fill_json(fl)]}}));
                }
                if self.trades.contains(&fl.symbol) {
                    out.push(json!({"channel": "trades", "data": [{"coin": fl.symbol, "side": if fl.buy { "B" } else { "A" },
                        "px": fl.price.to_string(), "sz": fl.qty.to_string(), "hash": format!("0x{:064x}", fl.trade_id),
                        "time": fl.time_ms, "tid": fl.trade_id}]}));
                }
                out
            }
            _ => vec![],
        }
    }
}
