//! Hyperliquid's `/info` and `/exchange` as the simulator serves them. Every action's signer is
//! recovered from its EIP-712 signature over the msgpack action hash, for the network the
//! simulator verifies (testnet unless its config says mainnet), and must be the account or
//! one of its agents; nonces follow the venue's per-signer rule; replies and error strings
//! take the venue's shapes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};

use super::app::App;
use super::exchange::{Event, Fill, NewOrder, OrdKind, Order, Reject, SimVenue, Status, Tif};
use super::faults::Faults;
use super::instruments::{hl_meta, hl_name, hl_spot_meta, HL_PERPS};
use super::reqlog::Entry;
use super::state::Sim;
use crate::engine::venues::evm::address::Address;
use crate::engine::venues::evm::signer::Signature;
use crate::engine::venues::hyperliquid::action::{
    Action, Cloid, Grouping, OrderType, OrderWire, Tif as HlTif, Tpsl,
};
use crate::engine::venues::hyperliquid::sign::{recover_l1_signer, L1Params};
use crate::engine::venues::hyperliquid::wire::{check_price, check_size, MarketKind};

fn unprocessable() -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, "Failed to deserialize the JSON body into the target type")
        .into_response()
}

fn refused(text: &str) -> Response {
    Json(json!({ "status": "err", "response": text })).into_response()
}

/// `/info`: answered, and logged as an accepted public call with its type (a refused body is
/// logged by the server's refusal layer).
pub async fn info(State(app): State<App>, body: Bytes) -> Response {
    if let Some(r) = app.gate().await {
        return r;
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else { return unprocessable() };
    let reply = info_reply(&app, &req);
    if reply.status().is_success() {
        let mut sim = app.lock();
        let now = sim.now_ms();
        let user = req.get("user").and_then(Value::as_str).map(str::to_ascii_lowercase);
        let kind = req.get("type").and_then(Value::as_str).unwrap_or("").to_string();
        sim.record(Entry {
            at_ms: now,
            venue: "hyperliquid",
            endpoint: "info",
            caller: user.as_deref().filter(|u| !u.is_empty()),
            accepted: true,
            error: None,
            detail: Some(json!({ "type": kind })),
        });
    }
    reply
}

fn info_reply(app: &App, req: &Value) -> Response {
    let sim = app.lock();
    let user = req.get("user").and_then(Value::as_str).map(str::to_ascii_lowercase);
    let user = user.as_deref().unwrap_or("");
    let reply = match req.get("type").and_then(Value::as_str).unwrap_or("") {
        "meta" => hl_meta(),
        "spotMeta" => hl_spot_meta(),
        "allMids" => {
            let mids: serde_json::Map<String, Value> = HL_PERPS
                .iter()
                .filter_map(|(n, ..)| Some((n.to_string(), json!(sim.ex.mids.get(*n)?.to_string()))))
                .collect();
            Value::Object(mids)
        }
        "metaAndAssetCtxs" => json!([hl_meta(), asset_ctxs(&sim)]),
        "clearinghouseState" => clearinghouse(&sim, user),
        "openOrders" | "frontendOpenOrders" => Value::Array(
            sim.ex.open_orders(SimVenue::Hyperliquid, user).iter().map(|o| order_json(o)).collect(),
        ),
        "orderStatus" => order_status(&sim, user, req.get("oid")),
        "extraAgents" => Value::Array(
            sim.hl_accounts
                .get(user)
                .map(|a| {
                    a.agents
                        .iter()
                        .map(|g| json!({"name": "agent", "address": g, "validUntil": 4_102_444_800_000_i64}))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        "userFills" => Value::Array(
            sim.ex
                .fills
                .iter()
                .filter(|f| f.venue == SimVenue::Hyperliquid && f.account == user)
                .rev()
                .map(fill_json)
                .collect(),
        ),
        "l2Book" => {
            let coin = req.get("coin").and_then(Value::as_str).unwrap_or("");
            let Some(inst) = sim.ex.instrument(SimVenue::Hyperliquid, coin) else {
                return Json(Value::Null).into_response();
            };
            let Some(mid) = sim.ex.mid(inst) else { return Json(Value::Null).into_response() };
            l2_book(&sim, coin, mid, sim.now_ms())
        }
        "candleSnapshot" => {
            let r = req.get("req").cloned().unwrap_or_default();
            let coin = r.get("coin").and_then(Value::as_str).unwrap_or("");
            let interval = r.get("interval").and_then(Value::as_str).unwrap_or("");
            let Some(ms) = interval_ms(interval) else { return unprocessable() };
            let start = r.get("startTime").and_then(Value::as_i64).unwrap_or(0);
            let end = r.get("endTime").and_then(Value::as_i64).unwrap_or(i64::MAX);
            Value::Array(
                sim.market
                    .candles(coin, ms, start, end)
                    .iter()
                    .map(|c| {
                        json!({"t": c.open_ms, "T": c.open_ms + ms - 1, "s": coin, "i": interval,
                               "o": c.open.to_string(), "c": c.close.to_string(), "h": c.high.to_string(),
                               "l": c.low.to_string(), "v": "0.0", "n": c.ticks})
                    })
                    .collect(),
            )
        }
        _ => return unprocessable(),
    };
    Json(reply).into_response()
}

/// Each perp's context in universe order, as `metaAndAssetCtxs` gives it: mark, mid and
/// oracle are the simulator's mid; impact prices its best bid and ask; funding, premium,
/// open interest and volumes are those of a venue where no one pays funding and nothing
/// is counted: zero. A perp with no price yet has no context (null).
fn asset_ctxs(sim: &Sim) -> Value {
    let ctx = |coin: &str| -> Option<Value> {
        let mid = *sim.ex.mids.get(coin)?;
        let l = sim.ex.shape.ladder(mid, Decimal::new(1, 2), sim.ex.shape.level_qty);
        let (bid, ask) = (l.bids.first()?.0, l.asks.first()?.0);
        let m = mid.to_string();
        Some(json!({"funding": "0.0", "openInterest": "0.0", "prevDayPx": m, "dayNtlVlm": "0.0",
                    "premium": "0.0", "oraclePx": m, "markPx": m, "midPx": m,
                    "impactPxs": [bid.to_string(), ask.to_string()], "dayBaseVlm": "0.0"}))
    };
    Value::Array(HL_PERPS.iter().map(|(n, ..)| ctx(n).unwrap_or(Value::Null)).collect())
}

fn interval_ms(i: &str) -> Option<i64> {
    Some(match i {
        "1m" => 60_000,
        "3m" => 180_000,
        "5m" => 300_000,
        "15m" => 900_000,
        "30m" => 1_800_000,
        "1h" => 3_600_000,
        "4h" => 14_400_000,
        "1d" => 86_400_000,
        _ => return None,
    })
}

pub fn l2_book(sim: &Sim, coin: &str, mid: Decimal, now: i64) -> Value {
    let l = sim.ex.shape.ladder(mid, Decimal::new(1, 2), sim.ex.shape.level_qty);
    let side = |v: &[(Decimal, Decimal)]| -> Vec<Value> {
        v.iter().map(|(p, q)| json!({"px": p.to_string(), "sz": q.to_string(), "n": 1})).collect()
    };
    json!({ "coin": coin, "time": now, "levels": [side(&l.bids), side(&l.asks)] })
}

fn clearinghouse(sim: &Sim, user: &str) -> Value {
    let Some(acct) = sim.ex.account(SimVenue::Hyperliquid, user) else {
        return json!({"marginSummary": {"accountValue": "0.0", "totalNtlPos": "0.0", "totalRawUsd": "0.0", "totalMarginUsed": "0.0"},
                      "crossMarginSummary": {"accountValue": "0.0", "totalNtlPos": "0.0", "totalRawUsd": "0.0", "totalMarginUsed": "0.0"},
                      "withdrawable": "0.0", "assetPositions": [], "time": sim.now_ms()});
    };
    let value = sim.ex.account_value(acct).round_dp(6);
    let used = sim.ex.margin_used(acct).round_dp(6);
    let mut ntl = Decimal::ZERO;
    let positions: Vec<Value> = acct
        .positions
        .iter()
        .map(|(coin, p)| {
            let mid = sim.ex.mids.get(coin).copied().unwrap_or(p.entry_price);
            let lev = HL_PERPS.iter().find(|x| x.0 == coin).map_or(1, |x| x.2);
            ntl += (p.qty * mid).abs();
            json!({"type": "oneWay", "position": {
                "coin": coin, "szi": p.qty.to_string(), "entryPx": p.entry_price.to_string(),
                "positionValue": (p.qty * mid).abs().round_dp(6).to_string(),
                "unrealizedPnl": sim.ex.unrealized(SimVenue::Hyperliquid, coin, p).round_dp(6).to_string(),
                "returnOnEquity": "0.0", "leverage": {"type": "cross", "value": lev},
                "liquidationPx": null, "marginUsed": ((p.qty * mid).abs() / Decimal::from(lev)).round_dp(6).to_string(),
                "maxLeverage": lev, "cumFunding": {"allTime": "0.0", "sinceOpen": "0.0", "sinceChange": "0.0"}}})
        })
        .collect();
    let summary = json!({"accountValue": value.to_string(), "totalNtlPos": ntl.round_dp(6).to_string(),
                         "totalRawUsd": acct.balances.get("USDC").copied().unwrap_or_default().to_string(),
                         "totalMarginUsed": used.to_string()});
    json!({"marginSummary": summary, "crossMarginSummary": summary,
           "withdrawable": sim.ex.withdrawable(acct).round_dp(6).to_string(), "assetPositions": positions, "time": sim.now_ms()})
}

pub fn order_json(o: &Order) -> Value {
    json!({"coin": o.req.symbol, "side": if o.req.buy { "B" } else { "A" },
           "limitPx": o.req.limit.or(o.req.trigger).unwrap_or_default().to_string(),
           "sz": o.remaining().to_string(), "oid": o.id, "timestamp": o.created_ms, "origSz": o.req.qty.to_string(),
           "cloid": o.req.client_id, "reduceOnly": o.req.reduce_only,
           "orderType": match o.req.kind { OrdKind::Market => "Market", OrdKind::Limit => "Limit", OrdKind::Stop => "Stop Market", OrdKind::TakeProfit => "Take Profit Market" },
           "isTrigger": matches!(o.req.kind, OrdKind::Stop | OrdKind::TakeProfit) && !o.triggered,
           "triggerPx": o.req.trigger.unwrap_or_default().to_string(), "tif": match o.req.tif { Tif::Gtc => "Gtc", Tif::Ioc => "Ioc", Tif::PostOnly => "Alo" }})
}

pub fn status_text(o: &Order) -> &'static str {
    match o.status {
        Status::Open if o.triggered => "triggered",
        Status::Open => "open",
        Status::Filled => "filled",
        Status::Canceled => "canceled",
    }
}

fn order_status(sim: &Sim, user: &str, oid: Option<&Value>) -> Value {
    let found = match oid {
        Some(Value::Number(n)) => {
            n.as_u64().and_then(|id| sim.ex.orders.get(&id)).filter(|o| o.req.account == user)
        }
        Some(Value::String(c)) => sim.ex.find_client(SimVenue::Hyperliquid, user, &c.to_ascii_lowercase()),
        _ => None,
    };
    match found {
        Some(o) => {
            json!({"status": "order", "order": {"order": order_json(o), "status": status_text(o), "statusTimestamp": o.updated_ms}})
        }
        None => json!({"status": "unknownOid"}),
    }
}

pub fn fill_json(f: &Fill) -> Value {
    let dir = match (f.buy, f.start_position.is_sign_negative() && !f.start_position.is_zero()) {
        (true, false) => "Open Long",
        (true, true) => "Close Short",
        (false, false) if f.start_position > Decimal::ZERO => "Close Long",
        (false, _) => "Open Short",
    };
    json!({"coin": f.symbol, "px": f.price.to_string(), "sz": f.qty.to_string(), "side": if f.buy { "B" } else { "A" },
           "time": f.time_ms, "startPosition": f.start_position.to_string(), "dir": dir,
           "closedPnl": f.closed_pnl.round_dp(6).to_string(), "hash": format!("0x{:064x}", f.trade_id), "oid": f.order_id,
           "crossed": !f.maker, "fee": f.fee.to_string(), "tid": f.trade_id, "feeToken": "USDC"})
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExchangeBody {
    action: Action,
    nonce: u64,
    signature: Signature,
    #[serde(default)]
    vault_address: Option<Address>,
    #[serde(default)]
    expires_after: Option<u64>,
}

pub async fn exchange(State(app): State<App>, body: Bytes) -> Response {
    if let Some(r) = app.gate().await {
        return r;
    }
    let Ok(b) = serde_json::from_slice::<ExchangeBody>(&body) else { return unprocessable() };
    let (reply, placed) = {
        let mut sim = app.lock();
        let now = sim.now_ms();
        let params = L1Params {
            nonce: b.nonce,
            vault_address: b.vault_address,
            expires_after: b.expires_after,
            // Signed for the other chain, a signature recovers some other address, which no
            // account knows: refused below in the venue's words, as the real venue does.
            is_mainnet: sim.hl_network.is_mainnet(),
        };
        let signer = match recover_l1_signer(&b.action, &params, &b.signature) {
            Ok(a) => a.to_lower_hex(),
            Err(_) => {
                let kind = action_name(&b.action);
                let e = Entry {
                    at_ms: now,
                    venue: "hyperliquid",
                    endpoint: kind,
                    caller: None,
                    accepted: false,
                    error: Some("Invalid signature"),
                    detail: None,
                };
                sim.record(e);
                return refused("Invalid signature");
            }
        };
        let vault = b.vault_address.map(|v| v.to_lower_hex());
        let kind = action_name(&b.action);
        let log = |sim: &mut Sim, error: Option<&str>, detail: Option<Value>| {
            sim.record(Entry {
                at_ms: now,
                venue: "hyperliquid",
                endpoint: kind,
                caller: Some(&signer),
                accepted: error.is_none(),
                error,
                detail,
            });
        };
        let Some(trader) = sim.hl_trader(&signer, vault.as_deref()) else {
            let text = format!("User or API Wallet {signer} does not exist.");
            log(&mut sim, Some(&text), None);
            return refused(&text);
        };
        if b.expires_after.is_some_and(|t| (t as i64) < now) {
            let text = format!("Request expired at {} (now {now})", b.expires_after.unwrap_or_default());
            log(&mut sim, Some(&text), None);
            return refused(&text);
        }
        if let Err(text) = sim.use_hl_nonce(&signer, b.nonce, now) {
            log(&mut sim, Some(&text), None);
            return refused(&text);
        }
        if super::faults::Faults::take(&mut sim.faults.rate_limit) {
            log(&mut sim, Some("rate limited"), None);
            return (StatusCode::TOO_MANY_REQUESTS, "null").into_response();
        }
        let placed = matches!(b.action, Action::Order(_));
        let reply = act(&mut sim, &trader, &b.action, now);
        log(&mut sim, None, Some(reply.clone()));
        (reply, placed)
    };
    if placed {
        app.maybe_drop_ack().await;
    }
    Json(reply).into_response()
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Order(_) => "order",
        Action::Cancel(_) => "cancel",
        Action::CancelByCloid(_) => "cancelByCloid",
        Action::ScheduleCancel(_) => "scheduleCancel",
    }
}

fn ok_statuses(kind: &str, statuses: Vec<Value>) -> Value {
    json!({"status": "ok", "response": {"type": kind, "data": {"statuses": statuses}}})
}

fn act(sim: &mut Sim, trader: &str, action: &Action, now: i64) -> Value {
    match action {
        Action::Order(o) if o.grouping == Grouping::NormalTpsl && o.orders.len() > 1 => {
            ok_statuses("order", place_grouped(sim, trader, &o.orders, now))
        }
        Action::Order(o) if o.grouping == Grouping::PositionTpsl => json!({"status": "err",
            "response": "positionTpsl is not simulated; attach exits to an entry with normalTpsl"}),
        Action::Order(o) => {
            let statuses = o.orders.iter().map(|w| place(sim, trader, w, now)).collect();
            ok_statuses("order", statuses)
        }
        Action::Cancel(c) => {
            let statuses = c
                .cancels
                .iter()
                .map(|w| cancel(sim, trader, w.a, sim.ex.orders.get(&w.o).map(|o| o.id), now))
                .collect();
            ok_statuses("cancel", statuses)
        }
        Action::CancelByCloid(c) => {
            let statuses = c
                .cancels
                .iter()
                .map(|w| {
                    let id =
                        sim.ex.find_client(SimVenue::Hyperliquid, trader, &w.cloid.to_raw()).map(|o| o.id);
                    cancel(sim, trader, w.asset, id, now)
                })
                .collect();
            ok_statuses("cancel", statuses)
        }
        Action::ScheduleCancel(s) => {
            if s.time.is_some_and(|t| (t as i64) < now + 5_000) {
                return json!({"status": "err", "response": "Scheduled cancel time too early, must be at least 5 seconds from now."});
            }
            let key = super::exchange::account_key(SimVenue::Hyperliquid, trader);
            if let Some(a) = sim.ex.accounts.get_mut(&key) {
                a.cancel_at_ms = s.time.map(|t| t as i64);
            }
            sim.mark_dirty();
            json!({"status": "ok", "response": {"type": "default"}})
        }
    }
}

fn cancel(sim: &mut Sim, trader: &str, asset: u32, id: Option<u64>, now: i64) -> Value {
    let coin = hl_name(asset).unwrap_or("");
    let owned =
        id.filter(|i| sim.ex.orders.get(i).is_some_and(|o| o.req.account == trader && o.req.symbol == coin));
    match owned.and_then(|i| sim.ex.cancel(i, now)) {
        Some(o) => {
            sim.publish(vec![Event::Order(o)]);
            json!("success")
        }
        None => {
            json!({"error": format!("Order was never placed, already canceled, or filled. asset={asset}")})
        }
    }
}

/// A `normalTpsl` group: the entry first, then its exits, which wait for it to fill.
fn place_grouped(sim: &mut Sim, trader: &str, orders: &[OrderWire], now: i64) -> Vec<Value> {
    let e = |t: &str| json!({ "error": t });
    let (entry, exits) = orders.split_first().expect("a group has an entry");
    let mut children = Vec::new();
    for x in exits {
        let ok = matches!(x.t, OrderType::Trigger { .. }) && x.r && x.b != entry.b && x.a == entry.a;
        match new_order(trader, x) {
            Ok(req) if ok => children.push(req),
            Ok(_) => {
                return vec![
                    e("Invalid TP/SL order: must be reduce only trigger on the other side.");
                    orders.len()
                ]
            }
            Err(v) => return vec![v; orders.len()],
        }
    }
    let first = match new_order(trader, entry) {
        Ok(_) if Faults::take(&mut sim.faults.reject_order) => {
            e(&reject_text(Reject::InsufficientFunds, entry.a, sim, hl_name(entry.a).unwrap_or("")))
        }
        Ok(req) => match sim.ex.place_with_exits(SimVenue::Hyperliquid, req, children, now) {
            Ok((o, events)) => {
                sim.publish(events);
                placed(&o, entry.a)
            }
            Err(r) => e(&reject_text(r, entry.a, sim, hl_name(entry.a).unwrap_or(""))),
        },
        Err(v) => v,
    };
    let rested = first.get("error").is_none();
    let mut out = vec![first.clone()];
    out.extend(exits.iter().map(|x| {
        let cloid = x.c.map(|c| c.to_raw());
        match cloid.and_then(|c| sim.ex.find_client(SimVenue::Hyperliquid, trader, &c)) {
            Some(o) => json!({"resting": {"oid": o.id, "cloid": o.req.client_id}}),
            None if rested => json!("waitingForFill"),
            None => first.clone(),
        }
    }));
    out
}

/// The venue's order from its wire form, checked as the venue checks it before matching.
fn new_order(trader: &str, w: &OrderWire) -> Result<NewOrder, Value> {
    let e = |t: String| json!({ "error": t });
    let a = w.a;
    let Some(coin) = hl_name(a) else { return Err(e(format!("Asset {a} is out of range"))) };
    let sz_dec = HL_PERPS[a as usize].1;
    let (Ok(px), Ok(sz)) = (w.p.parse::<Decimal>(), w.s.parse::<Decimal>()) else {
        return Err(e("Order has invalid price.".into()));
    };
    let wire_ok = |x: Decimal, f: fn(f64, u32, MarketKind) -> bool| {
        x.to_f64().is_some_and(|v| f(v, sz_dec, MarketKind::Perp))
    };
    if !wire_ok(px, |v, d, k| check_price(v, d, k).is_ok()) {
        return Err(e(format!("Price must be divisible by tick size. asset={a}")));
    }
    if !wire_ok(sz, |v, d, _| check_size(v, d).is_ok()) {
        return Err(e("Order has invalid size.".into()));
    }
    let (kind, limit, trigger, tif) = match &w.t {
        OrderType::Limit { tif } => {
            let t = match tif {
                HlTif::Gtc => Tif::Gtc,
                HlTif::Ioc => Tif::Ioc,
                HlTif::Alo => Tif::PostOnly,
            };
            (OrdKind::Limit, Some(px), None, t)
        }
        OrderType::Trigger { is_market, trigger_px, tpsl } => {
            let Ok(tp) = trigger_px.parse::<Decimal>() else { return Err(e("Invalid TP/SL price.".into())) };
            let k = if *tpsl == Tpsl::Sl { OrdKind::Stop } else { OrdKind::TakeProfit };
            (k, (!is_market).then_some(px), Some(tp), Tif::Gtc)
        }
    };
    Ok(NewOrder {
        account: trader.to_string(),
        symbol: coin.to_string(),
        buy: w.b,
        qty: sz,
        kind,
        limit,
        trigger,
        tif,
        reduce_only: w.r,
        client_id: w.c.map(|c: Cloid| c.to_raw()),
    })
}

fn place(sim: &mut Sim, trader: &str, w: &OrderWire, now: i64) -> Value {
    let req = match new_order(trader, w) {
        Ok(r) => r,
        Err(v) => return v,
    };
    if Faults::take(&mut sim.faults.reject_order) {
        return json!({ "error": reject_text(Reject::InsufficientFunds, w.a, sim, hl_name(w.a).unwrap_or("")) });
    }
    match sim.ex.place(SimVenue::Hyperliquid, req, now) {
        Ok((o, events)) => {
            sim.publish(events);
            placed(&o, w.a)
        }
        Err(r) => json!({ "error": reject_text(r, w.a, sim, hl_name(w.a).unwrap_or("")) }),
    }
}

/// The status of an order the venue took: filled, resting, or an IOC that found nothing.
fn placed(o: &Order, a: u32) -> Value {
    let cloid = o.req.client_id.clone();
    let filled = || {
        let avg = o.average_price().unwrap_or_default();
        json!({"filled": {"totalSz": o.filled.to_string(), "avgPx": avg.to_string(), "oid": o.id, "cloid": cloid}})
    };
    match o.status {
        Status::Filled => filled(),
        Status::Canceled if o.filled.is_zero() => json!({"error":
            format!("Order could not immediately match against any resting orders. asset={a}")}),
        Status::Canceled => filled(),
        Status::Open => json!({"resting": {"oid": o.id, "cloid": cloid}}),
    }
}

fn reject_text(r: Reject, a: u32, sim: &Sim, coin: &str) -> String {
    match r {
        Reject::UnknownSymbol => format!("Asset {a} is out of range"),
        Reject::UnknownAccount => "User does not exist.".into(),
        Reject::BadQuantity => "Order has invalid size.".into(),
        Reject::BelowMinimum => format!("Order must have minimum value of $10. asset={a}"),
        Reject::OffTick => format!("Price must be divisible by tick size. asset={a}"),
        Reject::MissingPrice => "Order has invalid price.".into(),
        Reject::InsufficientFunds => format!("Insufficient margin to place order. asset={a}"),
        Reject::PostOnlyWouldTake => {
            let mid = sim.ex.mids.get(coin).copied().unwrap_or_default();
            format!("Post only order would have immediately matched, bbo was {mid}@{mid}. asset={a}")
        }
        Reject::ReduceOnlyWouldIncrease => format!("Reduce only order would increase position. asset={a}"),
        Reject::DuplicateClientId => format!("Duplicate cloid. asset={a}"),
        Reject::NoLiquidity => {
            format!("Order could not immediately match against any resting orders. asset={a}")
        }
    }
}
