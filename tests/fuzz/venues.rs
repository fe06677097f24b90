//! Venue replies, REST and websocket, for both venues. Every reply parser sees every reply
//! shape of its venue (a websocket message where a REST result was expected too). Seeds are the
//! venues' documented replies (tests/fixtures/venues) and the shapes the loopback simulator sends.

use std::collections::BTreeMap;

use quantlab::engine::venues::candles::{parse_hl_candles, parse_kraken_ohlc};
use quantlab::engine::venues::hyperliquid::adapter::{
    fill_totals_of, order_progress, parse_all_mids, uuid_of,
};
use quantlab::engine::venues::hyperliquid::exchange_reply::parse_exchange_reply;
use quantlab::engine::venues::hyperliquid::info::{parse_meta, parse_spot_meta, HlUniverse};
use quantlab::engine::venues::hyperliquid::streams as hl_streams;
use quantlab::engine::venues::kraken::adapter::order_report;
use quantlab::engine::venues::kraken::errors::{parse_response, KrakenError};
use quantlab::engine::venues::kraken::pairs::parse_asset_pairs;
use quantlab::engine::venues::kraken::streams::{self as kraken_streams, Books};
use quantlab::engine::venues::kraken::ws::parse_ticker;
use serde_json::{json, Value};

use super::harness::{bounded, check, runner};
use super::mutate::{json_inputs, Input};

const CASES: u32 = 3_000;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/venues/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn values(v: &Value) -> Vec<Value> {
    v.as_object().map(|m| m.values().cloned().collect()).unwrap_or_default()
}

fn kraken_rest_seeds() -> Vec<Value> {
    let mut seeds = vec![fixture("kraken_asset_pairs.json")];
    seeds.extend(values(&fixture("kraken_errors.json")["envelopes"]));
    let order = json!({"refid": null, "userref": 0, "cl_ord_id": "0123abcd-0000-4000-8000-000000000001",
        "status": "open", "opentm": 1688669448.12, "starttm": 0, "expiretm": 0, "closetm": null,
        "descr": {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30000.0", "price2": "0",
                  "leverage": "none", "order": "buy 0.01 XBTUSD @ limit 30000.0", "close": ""},
        "vol": "0.01000000", "vol_exec": "0.00500000", "cost": "150.0", "fee": "0.39",
        "price": "30000.0", "stopprice": "0", "limitprice": "0", "misc": "", "oflags": "fciq", "trades": []});
    seeds.push(json!({"error": [], "result": {"open": {"OQCLML-BW3P3-BUCMWZ": order}}}));
    seeds.push(order);
    seeds.push(json!({"error": [], "result": {"XXBTZUSD": [
        [1688671200, "30306.1", "30306.2", "30305.7", "30305.7", "30306.1", "3.39243896", 23],
        [1688671260, "30304.5", "30304.5", "30300.0", "30300.0", "30300.0", "4.42996871", 18]], "last": 1688672160}}));
    seeds.push(json!({"error": ["WGeneral:Danger"], "result": {"unixtime": 1}}));
    seeds
}

fn kraken_ws_seeds() -> Vec<Value> {
    vec![
        json!({"channel": "ticker", "type": "update", "data": [{"symbol": "BTC/USD", "bid": 100.0, "ask": 101.0,
            "bid_qty": 1.5, "ask_qty": 2.0, "last": 100.5, "volume": 10.0}]}),
        json!({"channel": "book", "type": "snapshot", "data": [{"symbol": "BTC/USD",
            "bids": [{"price": 100.0, "qty": 1.0}, {"price": 99.5, "qty": 2.0}],
            "asks": [{"price": 100.5, "qty": 1.0}], "checksum": 1234}]}),
        json!({"channel": "book", "type": "update", "data": [{"symbol": "BTC/USD",
            "bids": [{"price": 100.0, "qty": 0.0}], "asks": [{"price": 100.25, "qty": 3.0}]}]}),
        json!({"channel": "ohlc", "type": "update", "data": [{"symbol": "BTC/USD", "open": 100.0, "high": 101.0,
            "low": 99.0, "close": 100.5, "vwap": 100.2, "trades": 4, "volume": 2.5,
            "interval_begin": "2023-07-06T18:50:00.000000Z", "interval": 1}]}),
        json!({"channel": "executions", "type": "update", "data": [
            {"exec_type": "new", "order_id": "O1", "cl_ord_id": "c1", "order_status": "new", "symbol": "BTC/USD"},
            {"exec_type": "trade", "order_id": "O1", "cl_ord_id": "c1", "symbol": "BTC/USD", "side": "buy",
             "last_qty": 0.5, "last_price": 100.25, "fee_usd_equiv": 0.13}]}),
        json!({"channel": "balances", "type": "snapshot", "data": [{"asset": "USD", "balance": 1000.0},
            {"asset": "BTC", "balance": "0.5"}]}),
        json!({"method": "subscribe", "req_id": 2, "success": false, "error": "EGeneral:Invalid arguments"}),
        json!({"channel": "heartbeat"}),
    ]
}

fn hl_rest_seeds() -> Vec<Value> {
    let mut seeds = vec![fixture("hyperliquid_meta.json"), fixture("hyperliquid_spot_meta.json")];
    seeds.extend(values(&fixture("hyperliquid_order_responses.json")));
    let order = json!({"coin": "BTC", "side": "B", "limitPx": "60000", "sz": "0.005", "oid": 77738308,
        "timestamp": 1688669448000i64, "origSz": "0.01", "cloid": "0x0123456789abcdef0123456789abcdef",
        "reduceOnly": false, "orderType": "Limit", "isTrigger": false, "triggerPx": "0", "tif": "Gtc"});
    seeds.push(json!({"status": "order", "order": {"order": order, "status": "open", "statusTimestamp": 1}}));
    seeds.push(json!([{"coin": "BTC", "px": "60000.5", "sz": "0.002", "side": "B", "time": 1, "oid": 77738308,
        "fee": "0.05", "cloid": "0x0123456789abcdef0123456789abcdef"},
        {"coin": "BTC", "px": "60001", "sz": "0.003", "side": "B", "time": 2, "oid": 77738308, "fee": "0.07"}]));
    seeds.push(json!([{"t": 1688669400000i64, "T": 1688669459999i64, "s": "BTC", "i": "1m", "o": "30306.1",
        "c": "30305.7", "h": "30306.2", "l": "30305.7", "v": "3.39", "n": 23}]));
    seeds.push(json!({"BTC": "60000.5", "ETH": "3000.1"}));
    seeds
}

fn hl_ws_seeds() -> Vec<Value> {
    vec![
        json!({"channel": "allMids", "data": {"mids": {"BTC": "60000.5", "ETH": "3000.25"}}}),
        json!({"channel": "l2Book", "data": {"coin": "BTC", "time": 1688669448000i64, "levels": [
            [{"px": "60000", "sz": "1.5", "n": 2}, {"px": "59999", "sz": "0.5", "n": 1}],
            [{"px": "60001", "sz": "2", "n": 3}]]}}),
        json!({"channel": "trades", "data": [{"coin": "BTC", "side": "A", "px": "60000", "sz": "0.1",
            "time": 1688669448000i64, "hash": "0xabc", "tid": 1}]}),
        json!({"channel": "orderUpdates", "data": [{"order": {"coin": "BTC", "side": "B", "limitPx": "60000",
            "sz": "0.01", "oid": 88383, "timestamp": 1, "origSz": "0.01",
            "cloid": "0x0123456789abcdef0123456789abcdef"}, "status": "open", "statusTimestamp": 1}]}),
        json!({"channel": "userFills", "data": {"isSnapshot": false, "user": "0x0000000000000000000000000000000000000001",
            "fills": [{"coin": "BTC", "px": "60000", "sz": "0.01", "side": "B", "time": 1, "oid": 88383,
            "fee": "0.3", "cloid": "0x0123456789abcdef0123456789abcdef"}]}}),
        json!({"channel": "subscriptionResponse", "data": {"method": "subscribe", "subscription": {"type": "allMids"}}}),
        json!({"channel": "error", "data": "Invalid subscription"}),
        json!({"channel": "post", "data": {"id": 1, "response": {"type": "action", "payload": {"status": "ok",
            "response": {"type": "order", "data": {"statuses": [{"resting": {"oid": 88383}}]}}}}}}),
    ]
}

fn run_kraken_rest(body: &[u8]) {
    for status in [200, 429, 502] {
        match parse_response(status, body) {
            Ok(result) => {
                if let Ok(pairs) = parse_asset_pairs(&result) {
                    let _ = (pairs.rules(), pairs.get("XBTUSD").map(|p| p.is_online()));
                }
                let _ = parse_kraken_ohlc(&result, "XXBTZUSD", "XBTUSD");
                for (txid, o) in result.get("open").and_then(Value::as_object).into_iter().flatten() {
                    let _ = order_report(txid, o);
                }
            }
            Err(e) => {
                let _ = (e.to_venue_error(), e.to_string(), e.is_retryable_read(), e.exit_class());
            }
        }
    }
    let _ = KrakenError::http(500, body).to_string();
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        let _ = parse_asset_pairs(&v);
        let _ = order_report("T", &v);
        let _ = parse_kraken_ohlc(&v, "XXBTZUSD", "XBTUSD");
        for e in v.get("error").and_then(Value::as_array).into_iter().flatten() {
            let _ = KrakenError::from_text(e.as_str().unwrap_or_default()).to_venue_error();
        }
    }
}

fn run_kraken_ws(body: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return };
    let names = BTreeMap::from([("BTC/USD".to_string(), "XBTUSD".to_string())]);
    let books = Books::default();
    // Twice on one book: a delta applies to what the first message left.
    let _ = kraken_streams::parse(&v, &names, &books);
    let _ = kraken_streams::parse(&v, &names, &books);
    let _ = parse_ticker(&v, &names);
}

fn run_hl_rest(body: &[u8]) {
    for status in [200, 429, 500] {
        if let Ok(r) = parse_exchange_reply(status, body) {
            let _ = r.first_error().map(|e| (e.to_venue_error(), e.to_string(), e.is_retryable_read()));
        } else if let Err(e) = parse_exchange_reply(status, body) {
            let _ = (e.to_venue_error(), e.to_string(), e.kind());
        }
    }
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return };
    let mut assets = Vec::new();
    if let Ok(a) = parse_meta(&v) {
        assets.extend(a);
    }
    if let Ok(a) = parse_spot_meta(&v) {
        assets.extend(a);
    }
    if let Ok(u) = HlUniverse::new(assets) {
        for a in u.iter() {
            let _ = (a.check_price(60_000.5), a.round_size(0.123_456_789), a.price_decimals());
        }
        let _ = u.rules();
    }
    let _ = parse_hl_candles(&v);
    let order = v.get("order").and_then(|o| o.get("order")).unwrap_or(&v);
    let status = v.get("order").and_then(|o| o.get("status")).and_then(Value::as_str).unwrap_or("filled");
    if let Ok(p) = order_progress(order, status) {
        let totals = fill_totals_of(&v, p.oid);
        let _ = p.report(order, Default::default(), totals.ok().and_then(|t| t.1));
    }
    for oid in [77738308, 88383] {
        let _ = fill_totals_of(&v, oid);
    }
    if let Some(m) = v.as_object() {
        for k in m.keys() {
            let _ = uuid_of(k);
        }
    }
}

fn run_hl_ws(body: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return };
    let _ = hl_streams::parse(&v);
    let _ = parse_all_mids(&v, &["BTC".to_string(), "ETH".to_string()]);
}

fn fuzz(name: &'static str, seeds: Vec<Value>, f: fn(&[u8])) {
    let mut r = runner(CASES);
    let res = r.run(&json_inputs(seeds), |Input(body)| {
        let b = body.clone();
        bounded(name, &body, move || f(&b));
        Ok(())
    });
    check(name, res);
}

#[test]
fn kraken_rest_replies() {
    fuzz("kraken REST reply", kraken_rest_seeds(), run_kraken_rest);
}

#[test]
fn kraken_websocket_messages() {
    let mut seeds = kraken_ws_seeds();
    seeds.extend(kraken_rest_seeds());
    fuzz("kraken websocket message", seeds, run_kraken_ws);
}

#[test]
fn hyperliquid_rest_replies() {
    fuzz("hyperliquid REST reply", hl_rest_seeds(), run_hl_rest);
}

#[test]
fn hyperliquid_websocket_messages() {
    let mut seeds = hl_ws_seeds();
    seeds.extend(hl_rest_seeds());
    fuzz("hyperliquid websocket message", seeds, run_hl_ws);
}
