//! Kraken's REST API as the simulator serves it: `/0/public/*` and `/0/private/*`, form or
//! JSON bodies, API-Key/API-Sign checked over the exact body bytes, nonces strictly
//! increasing per key, and replies in Kraken's `{error, result}` envelope with its error text.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::app::App;
use super::exchange::{Fill, NewOrder, OrdKind, Order, Reject, SimVenue, Status, Tif};
use super::instruments::{kraken_asset_pairs, kraken_assets, kraken_pair};
use super::kraken_ids::{order_txid, parse_order_txid, trade_txid};
use super::reqlog::Entry;
use super::state::Sim;
use crate::engine::time::fmt_ms;

type Params = BTreeMap<String, String>;

fn ok(result: Value) -> Response {
    Json(json!({ "error": [], "result": result })).into_response()
}

fn err(text: &str) -> Response {
    Json(json!({ "error": [text] })).into_response()
}

fn parse_params(headers: &HeaderMap, body: &[u8]) -> Result<Params, &'static str> {
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        let v: serde_json::Map<String, Value> =
            serde_json::from_slice(body).map_err(|_| "EGeneral:Invalid arguments")?;
        return Ok(v
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
            .collect());
    }
    serde_urlencoded::from_bytes(body).map_err(|_| "EGeneral:Invalid arguments")
}

pub async fn public(
    State(app): State<App>,
    Path(method): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    if let Some(r) = app.gate().await {
        return r;
    }
    let mut params: Params =
        q.as_deref().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default();
    if let Ok(p) = serde_urlencoded::from_bytes::<Params>(&body) {
        params.extend(p);
    }
    let mut sim = app.lock();
    let now = sim.now_ms();
    let reply = match method.as_str() {
        "Time" => Ok(json!({ "unixtime": now / 1000, "rfc1123": chrono_rfc1123(now) })),
        "SystemStatus" => Ok(json!({ "status": "online", "timestamp": fmt_ms(now) })),
        "AssetPairs" => {
            let names: Option<Vec<&str>> = params.get("pair").map(|p| p.split(',').collect());
            if let Some(n) = &names {
                if let Some(bad) = n.iter().find(|n| kraken_pair(n).is_none()) {
                    let _ = bad;
                    Err("EQuery:Unknown asset pair".to_string())
                } else {
                    Ok(kraken_asset_pairs(Some(n)))
                }
            } else {
                Ok(kraken_asset_pairs(None))
            }
        }
        "Assets" => {
            let names: Option<Vec<&str>> = params.get("asset").map(|a| a.split(',').collect());
            kraken_assets(names.as_deref()).ok_or_else(|| "EQuery:Unknown asset".to_string())
        }
        "Ticker" => ticker(&sim, params.get("pair")),
        "OHLC" => ohlc(&sim, &params, now),
        _ => Err("EGeneral:Unknown method".to_string()),
    };
    sim.record(Entry {
        at_ms: now,
        venue: "kraken",
        endpoint: &method,
        caller: None,
        accepted: reply.is_ok(),
        error: reply.as_ref().err().map(String::as_str),
        detail: None,
    });
    match reply {
        Ok(v) => ok(v),
        Err(e) => err(&e),
    }
}

fn chrono_rfc1123(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%a, %d %b %y %H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

fn ticker(sim: &Sim, pair: Option<&String>) -> Result<Value, String> {
    let pair = pair.ok_or("EGeneral:Invalid arguments:pair")?;
    let mut out = serde_json::Map::new();
    for name in pair.split(',') {
        let p = kraken_pair(name).ok_or("EQuery:Unknown asset pair")?;
        let inst = sim.ex.instrument(SimVenue::Kraken, p.altname).ok_or("EQuery:Unknown asset pair")?;
        let mid = sim.ex.mid(inst).ok_or("EService:Unavailable")?;
        let l = sim.ex.shape.ladder(mid, inst.tick, sim.ex.shape.level_qty);
        let (b, a) = (l.bids[0], l.asks[0]);
        out.insert(
            p.key.to_string(),
            json!({
                "a": [a.0.to_string(), a.1.to_string(), a.1.to_string()],
                "b": [b.0.to_string(), b.1.to_string(), b.1.to_string()],
                "c": [mid.round_dp(p.pair_decimals).to_string(), "0.00000000"],
                "v": ["0", "0"], "p": [mid.to_string(), mid.to_string()], "t": [0, 0],
                "l": [mid.to_string(), mid.to_string()], "h": [mid.to_string(), mid.to_string()],
                "o": mid.to_string()
            }),
        );
    }
    Ok(Value::Object(out))
}

fn ohlc(sim: &Sim, params: &Params, now: i64) -> Result<Value, String> {
    let pair = params.get("pair").ok_or("EGeneral:Invalid arguments:pair")?;
    let p = kraken_pair(pair).ok_or("EQuery:Unknown asset pair")?;
    let minutes: i64 = params
        .get("interval")
        .map_or(Ok(1), |v| v.parse())
        .map_err(|_| "EGeneral:Invalid arguments:interval")?;
    if ![1, 5, 15, 30, 60, 240, 1440, 10080, 21600].contains(&minutes) {
        return Err("EGeneral:Invalid arguments:interval".into());
    }
    let since = params.get("since").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0) * 1000;
    let candles = sim.market.candles(p.feed, minutes * 60_000, since, now);
    let rows: Vec<Value> = candles
        .iter()
        .map(|c| {
            json!([
                c.open_ms / 1000,
                c.open.to_string(),
                c.high.to_string(),
                c.low.to_string(),
                c.close.to_string(),
                c.close.to_string(),
                "0.00000000",
                c.ticks
            ])
        })
        .collect();
    let last = candles.last().map_or(since / 1000, |c| c.open_ms / 1000);
    Ok(json!({ p.key: rows, "last": last }))
}

/// Authenticate a private call: the key is known, the signature matches the exact body, and
/// the nonce is above the last one this key used. Kraken's own error strings.
fn authenticate(
    sim: &mut Sim,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    params: &Params,
) -> Result<String, &'static str> {
    let key = headers.get("API-Key").and_then(|v| v.to_str().ok()).ok_or("EAPI:Invalid key")?;
    let secret = sim.kraken_keys.get(key).ok_or("EAPI:Invalid key")?;
    let nonce: u64 = params.get("nonce").and_then(|n| n.parse().ok()).ok_or("EAPI:Invalid nonce")?;
    let sign = headers.get("API-Sign").and_then(|v| v.to_str().ok()).ok_or("EAPI:Invalid signature")?;
    if secret.sign(path, nonce, body) != sign {
        return Err("EAPI:Invalid signature");
    }
    let last = sim.kraken_nonces.get(key).copied().unwrap_or(0);
    if nonce <= last {
        return Err("EAPI:Invalid nonce");
    }
    sim.kraken_nonces.insert(key.to_string(), nonce);
    sim.mark_dirty();
    Ok(key.to_string())
}

pub async fn private(
    State(app): State<App>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = app.gate().await {
        return r;
    }
    let path = format!("/0/private/{method}");
    let (reply, placed) = {
        let mut sim = app.lock();
        let now = sim.now_ms();
        // A refusal before the call is known to be the key's own is logged under the key it claimed.
        let refuse = |sim: &mut Sim, e: &'static str| {
            let caller = headers.get("API-Key").and_then(|v| v.to_str().ok()).map(str::to_string);
            let entry = Entry {
                at_ms: now,
                venue: "kraken",
                endpoint: &method,
                caller: caller.as_deref(),
                accepted: false,
                error: Some(e),
                detail: None,
            };
            sim.record(entry);
            err(e)
        };
        let params = match parse_params(&headers, &body) {
            Ok(p) => p,
            Err(e) => return refuse(&mut sim, e),
        };
        let key = match authenticate(&mut sim, &path, &headers, &body, &params) {
            Ok(k) => k,
            Err(e) => return refuse(&mut sim, e),
        };
        let reply = if super::faults::Faults::take(&mut sim.faults.rate_limit) {
            Err("EAPI:Rate limit exceeded".to_string())
        } else {
            handle_private(&mut sim, &method, &key, &params, now)
        };
        let placed = method == "AddOrder"
            && reply.is_ok()
            && params.get("validate").map(String::as_str) != Some("true");
        sim.record(Entry {
            at_ms: now,
            venue: "kraken",
            endpoint: &method,
            caller: Some(&key),
            accepted: reply.is_ok(),
            error: reply.as_ref().err().map(String::as_str),
            detail: reply.as_ref().ok().and_then(|v| v.get("txid").cloned()),
        });
        (reply, placed)
    };
    if placed {
        app.maybe_drop_ack().await;
    }
    match reply {
        Ok(v) => ok(v),
        Err(e) => err(&e),
    }
}

fn handle_private(sim: &mut Sim, method: &str, key: &str, p: &Params, now: i64) -> Result<Value, String> {
    let acct = sim.ex.account(SimVenue::Kraken, key).cloned().ok_or("EAPI:Invalid key")?;
    match method {
        "Balance" => {
            Ok(Value::Object(acct.balances.iter().map(|(a, v)| (a.clone(), json!(v.to_string()))).collect()))
        }
        "BalanceEx" => {
            let holds = spot_holds(sim, key);
            Ok(Value::Object(
                acct.balances
                    .iter()
                    .map(|(a, v)| {
                        let h = holds.get(a).copied().unwrap_or_default();
                        (
                            a.clone(),
                            json!({ "balance": v.to_string(), "hold_trade": h.round_dp(8).to_string() }),
                        )
                    })
                    .collect(),
            ))
        }
        "OpenOrders" => {
            let cl = p.get("cl_ord_id");
            let open = orders_map(sim, key, |o| {
                o.status == Status::Open && cl.is_none_or(|c| o.req.client_id.as_ref() == Some(c))
            });
            Ok(json!({ "open": open }))
        }
        "ClosedOrders" => {
            // 50 a page, newest first, from `ofs`, as the venue pages them; `count` is the total.
            let cl = p.get("cl_ord_id");
            let ofs: usize = p.get("ofs").and_then(|v| v.parse().ok()).unwrap_or(0);
            let mine: Vec<&Order> = sim
                .ex
                .orders
                .values()
                .rev()
                .filter(|o| o.venue == SimVenue::Kraken && o.req.account == key && o.status != Status::Open)
                .filter(|o| cl.is_none_or(|c| o.req.client_id.as_ref() == Some(c)))
                .collect();
            let page: serde_json::Map<String, Value> =
                mine.iter().skip(ofs).take(50).map(|o| (order_txid(o.id), order_info(sim, o))).collect();
            Ok(json!({ "closed": page, "count": mine.len() }))
        }
        "QueryOrders" => {
            let ids = p.get("txid").ok_or("EGeneral:Invalid arguments:txid")?;
            let mut out = serde_json::Map::new();
            for t in ids.split(',') {
                let o = parse_order_txid(t)
                    .and_then(|id| sim.ex.orders.get(&id))
                    .filter(|o| o.req.account == key);
                let o = o.ok_or("EOrder:Invalid order")?;
                out.insert(t.to_string(), order_info(sim, o));
            }
            Ok(Value::Object(out))
        }
        "TradesHistory" => {
            let trades: serde_json::Map<String, Value> = sim
                .ex
                .fills
                .iter()
                .filter(|f| f.venue == SimVenue::Kraken && f.account == key)
                .map(|f| (trade_txid(f.trade_id), trade_info(f)))
                .collect();
            let count = trades.len();
            Ok(json!({ "trades": trades, "count": count }))
        }
        "AddOrder" => add_order(sim, key, p, now),
        "CancelOrder" => {
            let id = if let Some(t) = p.get("txid") {
                parse_order_txid(t).filter(|id| sim.ex.orders.get(id).is_some_and(|o| o.req.account == key))
            } else if let Some(c) = p.get("cl_ord_id") {
                sim.ex.find_client(SimVenue::Kraken, key, c).map(|o| o.id)
            } else {
                return Err("EGeneral:Invalid arguments:txid".into());
            };
            let done = id.and_then(|id| sim.ex.cancel(id, now)).ok_or("EOrder:Unknown order")?;
            sim.publish(vec![super::exchange::Event::Order(done)]);
            Ok(json!({ "count": 1 }))
        }
        "CancelAll" => {
            let done = sim.ex.cancel_all(SimVenue::Kraken, key, now);
            let count = done.len();
            sim.publish(done.into_iter().map(super::exchange::Event::Order).collect());
            Ok(json!({ "count": count }))
        }
        "CancelAllOrdersAfter" => {
            let secs: i64 =
                p.get("timeout").and_then(|t| t.parse().ok()).ok_or("EGeneral:Invalid arguments:timeout")?;
            if !(0..=86_400).contains(&secs) {
                return Err("EGeneral:Invalid arguments:timeout".into());
            }
            let a = sim
                .ex
                .accounts
                .get_mut(&super::exchange::account_key(SimVenue::Kraken, key))
                .expect("checked");
            a.cancel_at_ms = (secs > 0).then_some(now + secs * 1000);
            sim.mark_dirty();
            let trigger = if secs > 0 { fmt_ms(now + secs * 1000) } else { "0".to_string() };
            Ok(json!({ "currentTime": fmt_ms(now), "triggerTime": trigger }))
        }
        "GetWebSocketsToken" => {
            let token = format!("sim{:x}{:x}", now, sim.ws_tokens.len() + 1);
            sim.ws_tokens.insert(token.clone(), (key.to_string(), now + 900_000));
            Ok(json!({ "token": token, "expires": 900 }))
        }
        _ => Err("EGeneral:Unknown method".into()),
    }
}

fn spot_holds(sim: &Sim, key: &str) -> BTreeMap<String, rust_decimal::Decimal> {
    let mut holds = BTreeMap::new();
    for o in sim.ex.open_orders(SimVenue::Kraken, key) {
        let Some(i) = sim.ex.instrument(SimVenue::Kraken, &o.req.symbol) else { continue };
        let super::exchange::Market::Spot { base, quote } = &i.market else { continue };
        let px = o.req.limit.or(o.req.trigger).unwrap_or_default();
        if o.req.buy {
            *holds.entry(quote.clone()).or_default() += o.remaining() * px;
        } else {
            *holds.entry(base.clone()).or_default() += o.remaining();
        }
    }
    holds
}

fn orders_map(sim: &Sim, key: &str, keep: impl Fn(&Order) -> bool) -> serde_json::Map<String, Value> {
    sim.ex
        .orders
        .values()
        .filter(|o| o.venue == SimVenue::Kraken && o.req.account == key && keep(o))
        .map(|o| (order_txid(o.id), order_info(sim, o)))
        .collect()
}

fn kraken_ordertype(o: &Order) -> &'static str {
    match (o.req.kind, o.req.limit.is_some()) {
        (OrdKind::Market, _) => "market",
        (OrdKind::Limit, _) => "limit",
        (OrdKind::Stop, false) => "stop-loss",
        (OrdKind::Stop, true) => "stop-loss-limit",
        (OrdKind::TakeProfit, false) => "take-profit",
        (OrdKind::TakeProfit, true) => "take-profit-limit",
    }
}

fn order_info(sim: &Sim, o: &Order) -> Value {
    let status = match o.status {
        Status::Open => "open",
        Status::Filled => "closed",
        Status::Canceled => "canceled",
    };
    let side = if o.req.buy { "buy" } else { "sell" };
    let price = o.req.trigger.or(o.req.limit).map(|p| p.to_string()).unwrap_or_else(|| "0".into());
    let price2 = if o.req.trigger.is_some() { o.req.limit.map(|p| p.to_string()) } else { None }
        .unwrap_or_else(|| "0".into());
    let ot = kraken_ordertype(o);
    let trades: Vec<String> =
        sim.ex.fills.iter().filter(|f| f.order_id == o.id).map(|f| trade_txid(f.trade_id)).collect();
    json!({
        "refid": o.parent.map(order_txid), "userref": 0, "cl_ord_id": o.req.client_id, "status": status,
        "opentm": o.created_ms as f64 / 1000.0, "starttm": 0, "expiretm": 0,
        "closetm": (o.status != Status::Open).then(|| o.updated_ms as f64 / 1000.0),
        "descr": { "pair": o.req.symbol, "type": side, "ordertype": ot, "price": price, "price2": price2,
                   "leverage": "none", "order": format!("{side} {} {} @ {ot} {price}", o.req.qty, o.req.symbol),
                   "close": sim.ex.waiting_exits(o.id).first().map(close_text).unwrap_or_default() },
        "vol": o.req.qty.to_string(), "vol_exec": o.filled.to_string(), "cost": o.cost.round_dp(8).to_string(),
        "fee": o.fee.to_string(), "price": o.average_price().unwrap_or_default().to_string(),
        "stopprice": o.req.trigger.unwrap_or_default().to_string(), "limitprice": o.req.limit.unwrap_or_default().to_string(),
        "misc": "", "oflags": if o.req.tif == Tif::PostOnly { "post,fciq" } else { "fciq" }, "trades": trades
    })
}

fn trade_info(f: &Fill) -> Value {
    json!({
        "ordertxid": order_txid(f.order_id), "postxid": "", "pair": f.symbol, "time": f.time_ms as f64 / 1000.0,
        "type": if f.buy { "buy" } else { "sell" }, "ordertype": if f.maker { "limit" } else { "market" },
        "price": f.price.to_string(), "cost": (f.price * f.qty).round_dp(8).to_string(), "fee": f.fee.to_string(),
        "vol": f.qty.to_string(), "margin": "0", "misc": "", "maker": f.maker
    })
}

fn decimal(p: &Params, field: &str) -> Result<Option<rust_decimal::Decimal>, String> {
    p.get(field)
        .map(|v| {
            v.parse::<rust_decimal::Decimal>().map_err(|_| format!("EGeneral:Invalid arguments:{field}"))
        })
        .transpose()
}

fn add_order(sim: &mut Sim, key: &str, p: &Params, now: i64) -> Result<Value, String> {
    let pair = p.get("pair").ok_or("EGeneral:Invalid arguments:pair")?;
    let pair = kraken_pair(pair).ok_or("EQuery:Unknown asset pair")?;
    let buy = match p.get("type").map(String::as_str) {
        Some("buy") => true,
        Some("sell") => false,
        _ => return Err("EGeneral:Invalid arguments:type".into()),
    };
    let qty = decimal(p, "volume")?.ok_or("EGeneral:Invalid arguments:volume")?;
    let (price, price2) = (decimal(p, "price")?, decimal(p, "price2")?);
    let (kind, limit, trigger) = match p.get("ordertype").map(String::as_str).unwrap_or("") {
        "market" => (OrdKind::Market, None, None),
        "limit" => (OrdKind::Limit, price, None),
        "stop-loss" => (OrdKind::Stop, None, price),
        "take-profit" => (OrdKind::TakeProfit, None, price),
        "stop-loss-limit" => (OrdKind::Stop, price2, price),
        "take-profit-limit" => (OrdKind::TakeProfit, price2, price),
        _ => return Err("EGeneral:Invalid arguments:ordertype".into()),
    };
    let post = p.get("oflags").is_some_and(|f| f.split(',').any(|f| f == "post"));
    let tif = match (p.get("timeinforce").map(String::as_str).unwrap_or("GTC"), post) {
        (_, true) => Tif::PostOnly,
        ("GTC", _) => Tif::Gtc,
        ("IOC", _) => Tif::Ioc,
        _ => return Err("EGeneral:Invalid arguments:timeinforce".into()),
    };
    if p.get("reduce_only").is_some_and(|v| v == "true") {
        return Err(
            "EGeneral:Invalid arguments:reduce_only is for margin orders; this account trades spot".into()
        );
    }
    for (f, v) in [("price", price), ("price2", price2)] {
        if v.is_some_and(|v| v.scale() > pair.pair_decimals && v.normalize().scale() > pair.pair_decimals) {
            return Err(format!(
                "EOrder:Invalid price:{} {f} can only be specified up to {} decimals.",
                pair.altname, pair.pair_decimals
            ));
        }
    }
    let req = NewOrder {
        account: key.to_string(),
        symbol: pair.altname.to_string(),
        buy,
        qty,
        kind,
        limit,
        trigger,
        tif,
        reduce_only: false,
        client_id: p.get("cl_ord_id").cloned(),
    };
    let close = conditional_close(p, &req)?;
    let side = if buy { "buy" } else { "sell" };
    let ordertype = p.get("ordertype").map(String::as_str).unwrap_or("market");
    let px = trigger.or(limit).map(|p| format!(" {p}")).unwrap_or_default();
    let mut descr = json!({ "order": format!("{side} {qty} {} @ {ordertype}{px}", pair.altname) });
    if let Some(c) = &close {
        descr["close"] = json!(close_text(c));
    }
    let exits: Vec<NewOrder> = close.into_iter().collect();
    if p.get("validate").is_some_and(|v| v == "true") {
        // Validate-only: the same checks on a copy, nothing placed.
        sim.ex.validate(SimVenue::Kraken, req, exits, now).map_err(reject_text)?;
        return Ok(json!({ "descr": descr }));
    }
    if super::faults::Faults::take(&mut sim.faults.reject_order) {
        return Err(reject_text(Reject::InsufficientFunds));
    }
    let (order, events) = sim.ex.place_with_exits(SimVenue::Kraken, req, exits, now).map_err(reject_text)?;
    sim.publish(events);
    Ok(json!({ "descr": descr, "txid": [order_txid(order.id)] }))
}

/// `close[ordertype]` and `close[price]`: the order Kraken places when this one fills, on the
/// other side for the same volume.
fn conditional_close(p: &Params, entry: &NewOrder) -> Result<Option<NewOrder>, String> {
    let Some(t) = p.get("close[ordertype]") else { return Ok(None) };
    let kind = match t.as_str() {
        "stop-loss" => OrdKind::Stop,
        "take-profit" => OrdKind::TakeProfit,
        _ => return Err("EGeneral:Invalid arguments:close[ordertype]".into()),
    };
    let price = decimal(p, "close[price]")?.ok_or("EGeneral:Invalid arguments:close[price]")?;
    Ok(Some(NewOrder {
        buy: !entry.buy,
        kind,
        limit: None,
        trigger: Some(price),
        tif: Tif::Gtc,
        client_id: None,
        ..entry.clone()
    }))
}

fn close_text(c: &NewOrder) -> String {
    let what = if c.kind == OrdKind::Stop { "stop loss" } else { "take profit" };
    format!("close position @ {what} {}", c.trigger.unwrap_or_default())
}

fn reject_text(r: Reject) -> String {
    match r {
        Reject::UnknownSymbol => "EQuery:Unknown asset pair",
        Reject::UnknownAccount => "EAPI:Invalid key",
        Reject::BadQuantity => "EGeneral:Invalid arguments:volume",
        Reject::BelowMinimum => "EOrder:Order minimum not met",
        Reject::OffTick => "EOrder:Invalid price",
        Reject::MissingPrice => "EGeneral:Invalid arguments:price",
        Reject::InsufficientFunds => "EOrder:Insufficient funds",
        Reject::PostOnlyWouldTake => "EOrder:Post only order",
        Reject::ReduceOnlyWouldIncrease => "EOrder:Reduce only:Non-PC",
        Reject::DuplicateClientId => "EOrder:Duplicate cl_ord_id",
        Reject::NoLiquidity => "EService:Unavailable",
    }
    .to_string()
}
