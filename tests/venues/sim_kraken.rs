//! The Kraken adapter against the loopback simulator: reads, orders through their whole life,
//! the dead-man switch, the simulator's authentication checks and request log, faults, a
//! restart, and the v2 ticker websocket. Every test starts its own simulator.

use crate::common::sim;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::model::{Balance, OrderRef, OrderState, VenueError, VenueStatus};
use quantlab::engine::execution::{OrderType, Side};
use quantlab::engine::time::now_ms;
use quantlab::engine::venues::kraken::adapter::KrakenAdapter;
use quantlab::engine::venues::kraken::auth::KrakenSecret;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sim::*;

async fn balances(k: &KrakenAdapter) -> BTreeMap<String, Balance> {
    k.balances().await.unwrap().into_iter().map(|b| (b.asset.clone(), b)).collect()
}

/// POST a private call signed by hand with `nonce`, as Kraken's docs describe it.
async fn post_signed(h: &Harness, method: &str, nonce: u64) -> (Value, String) {
    let path = format!("/0/private/{method}");
    let body = format!("nonce={nonce}");
    let sign = KrakenSecret::from_base64(KRAKEN_SECRET).unwrap().sign(&path, nonce, body.as_bytes());
    let reply = reqwest::Client::new()
        .post(format!("{}{path}", h.url))
        .header("API-Key", KRAKEN_KEY)
        .header("API-Sign", &sign)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (reply.json().await.unwrap(), sign)
}

fn limit_buy(n: u32, qty: &str, px: Decimal) -> quantlab::engine::execution::model::OrderRequest {
    order(n, "XBTUSD", Side::Buy, qty, OrderType::Limit, Some(px))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balances_instruments_and_a_market_buy_that_fills() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    assert_eq!(k.status().await.unwrap(), VenueStatus::Online);
    let b = balances(&k).await;
    assert_eq!((b["ZUSD"].total, b["ZUSD"].available, b["XXBT"].total), (d("100000"), d("100000"), d("1")));
    let rules = k.instruments().await.unwrap();
    let xbt = rules.iter().find(|r| r.symbol == "XBTUSD").expect("XBTUSD listed");
    assert_eq!((xbt.tick_size, xbt.lot_size, xbt.min_quantity), (d("0.1"), d("0.00000001"), d("0.0001")));
    assert_eq!(rules.iter().find(|r| r.symbol == "ETHUSD").unwrap().tick_size, d("0.01"));

    let m = mid(&k, "XBTUSD").await;
    let r = k.submit(&order(1, "XBTUSD", Side::Buy, "0.005", OrderType::Market, None)).await.unwrap();
    assert_eq!(
        (r.state, r.filled_quantity, r.client_order_id.as_str()),
        (OrderState::Filled, d("0.005"), cid(1).as_str())
    );
    let avg = r.average_price.expect("a filled order has a price");
    assert!(avg > m * d("0.99") && avg < m * d("1.01"), "bought at {avg}, mid {m}");
    assert_eq!(r.fees, (avg * d("0.005") * d("0.0026")).round_dp(8), "taker fee 0.26%");
    let after = balances(&k).await;
    assert_eq!(after["XXBT"].total, d("1.005"));
    assert_eq!(after["ZUSD"].total, d("100000") - avg * d("0.005") - r.fees);
    let pos = k.positions().await.unwrap();
    assert_eq!(pos.iter().find(|p| p.symbol == "XBTUSD").map(|p| p.quantity), Some(d("1.005")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_order_rests_then_fills_partially_over_ticks_then_fully() {
    // The replayed market falls 1 bp a tick: a bid at the mid rests, then the ask crosses it
    // and each tick fills one level (0.01) of the 0.04 ordered, at the limit, as a maker.
    let h = Harness::start(Market::Falling).await;
    let k = h.kraken();
    let limit = (mid(&k, "XBTUSD").await * Decimal::TEN).floor() / Decimal::TEN;
    let placed = k.submit(&limit_buy(2, "0.04", limit)).await.unwrap();
    assert_eq!((placed.state, placed.filled_quantity), (OrderState::Open, Decimal::ZERO), "{placed:?}");
    assert_eq!(k.open_orders().await.unwrap().len(), 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut partials = Vec::new();
    let done = loop {
        let r = by_client(&k, 2).await;
        match r.state {
            OrderState::Filled => break r,
            OrderState::PartiallyFilled if partials.is_empty() => {
                partials.push(r.filled_quantity);
                let open = k.open_orders().await.unwrap();
                assert!(open.iter().any(|o| o.client_order_id == cid(2) && o.state.is_open()), "{open:?}");
                let b = balances(&k).await;
                assert!(
                    b["ZUSD"].available < b["ZUSD"].total,
                    "the unfilled part holds quote: {:?}",
                    b["ZUSD"]
                );
            }
            OrderState::PartiallyFilled => partials.push(r.filled_quantity),
            OrderState::Open => {}
            other => panic!("unexpected state {other:?}"),
        }
        assert!(Instant::now() < deadline, "not filled in 5 s: {r:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert!(!partials.is_empty(), "never seen partially filled");
    assert!(
        partials.iter().all(|f| *f > Decimal::ZERO && *f < d("0.04") && (*f % d(LEVEL_QTY)).is_zero()),
        "{partials:?}"
    );
    assert_eq!((done.filled_quantity, done.average_price), (d("0.04"), Some(limit)));
    let per_fill = (limit * d(LEVEL_QTY) * d("0.0016")).round_dp(8);
    assert_eq!(done.fees, per_fill * Decimal::from(4), "four maker fills at 0.16%");
    let b = balances(&k).await;
    assert_eq!((b["XXBT"].total, b["ZUSD"].total), (d("1.04"), d("100000") - limit * d("0.04") - done.fees));
    assert!(k.open_orders().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_cancel_all_order_status_and_open_orders() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;
    for n in 10..13 {
        assert_eq!(k.submit(&limit_buy(n, "0.001", px)).await.unwrap().state, OrderState::Open);
    }
    let open = k.open_orders().await.unwrap();
    assert_eq!(open.len(), 3);
    let by_c = by_client(&k, 10).await;
    let by_v = k.order_status(&OrderRef::Venue(by_c.venue_order_id.clone())).await.unwrap().unwrap();
    assert_eq!(by_c, by_v);
    assert_eq!((by_c.symbol.as_str(), by_c.quantity, by_c.side), ("XBTUSD", d("0.001"), Side::Buy));
    assert!(open.contains(&by_c));
    let b = balances(&k).await;
    assert_eq!(b["ZUSD"].total - b["ZUSD"].available, px * d("0.003"), "three bids hold their quote");

    let c = k.cancel(&OrderRef::Venue(by_c.venue_order_id.clone())).await.unwrap();
    assert_eq!((c.state, c.venue_order_id.as_str()), (OrderState::Cancelled, by_c.venue_order_id.as_str()));
    let c = k.cancel(&OrderRef::Client(cid(11))).await.unwrap();
    assert_eq!((c.state, c.client_order_id.as_str()), (OrderState::Cancelled, cid(11).as_str()));
    let again = k.cancel(&OrderRef::Venue(by_c.venue_order_id.clone())).await.unwrap_err();
    assert!(matches!(again, VenueError::NotFound { .. }), "{again:?}");
    assert_eq!(k.cancel_all().await.unwrap(), 1);
    assert!(k.open_orders().await.unwrap().is_empty());
    assert_eq!(by_client(&k, 12).await.state, OrderState::Cancelled);
    assert_eq!(k.cancel_all().await.unwrap(), 0);
    assert_eq!(k.order_status(&OrderRef::Client(cid(99))).await.unwrap(), None);
    assert_eq!(k.order_status(&OrderRef::Venue("OAAAAA-AAAAA-AAAZZZ".into())).await.unwrap(), None);
    let b = balances(&k).await;
    assert_eq!(b["ZUSD"].available, b["ZUSD"].total, "nothing held once all are cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dead_man_switch_cancels_resting_orders_once_it_elapses() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;
    k.submit(&limit_buy(20, "0.001", px)).await.unwrap();
    k.dead_man_switch(1).await.unwrap();
    let armed = Instant::now();
    assert_eq!(by_client(&k, 20).await.state, OrderState::Open, "armed, not yet elapsed");
    let k = &k;
    eventually(4.0, "the dead-man switch to cancel", move || async move {
        (by_client(k, 20).await.state == OrderState::Cancelled).then_some(())
    })
    .await;
    assert!(armed.elapsed() >= Duration::from_millis(900), "cancelled after {:?}", armed.elapsed());
    // Disarmed, it cancels nothing.
    k.submit(&limit_buy(21, "0.001", px)).await.unwrap();
    k.dead_man_switch(1).await.unwrap();
    k.dead_man_switch(0).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(by_client(k, 21).await.state, OrderState::Open);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_checks_and_places_nothing() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;
    k.validate(&limit_buy(30, "0.01", px)).await.unwrap();
    let e = k.validate(&limit_buy(31, "10", px)).await.unwrap_err();
    assert!(matches!(&e, VenueError::Rejected { reason } if reason.contains("Insufficient funds")), "{e:?}");
    assert!(k.open_orders().await.unwrap().is_empty());
    assert_eq!(k.order_status(&OrderRef::Client(cid(30))).await.unwrap(), None);
    assert!(h.app.lock().ex.orders.is_empty());
    // The id was not used up: the real order goes through.
    assert_eq!(k.submit(&limit_buy(30, "0.01", px)).await.unwrap().state, OrderState::Open);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signature_reused_nonce_and_unknown_key_are_refused_and_logged_without_secrets() {
    let h = Harness::start(Market::Walk).await;
    let good = h.kraken();
    good.balances().await.unwrap();
    let wrong_secret = "bm90LXRoZS1zaW11bGF0b3ItdGVzdC1zZWNyZXQ=";
    let e = h.kraken_as(KRAKEN_KEY, wrong_secret, "wrong.nonce", 1000).balances().await.unwrap_err();
    assert!(
        matches!(&e, VenueError::Auth { message } if message.contains("EAPI:Invalid signature")),
        "{e:?}"
    );
    let e = h.kraken_as("no-such-key", KRAKEN_SECRET, "unknown.nonce", 1000).balances().await.unwrap_err();
    assert!(matches!(&e, VenueError::Auth { message } if message.contains("EAPI:Invalid key")), "{e:?}");

    // A fresh nonce from the adapter's own source, signed by hand: accepted once, then refused.
    let drawn = good.client.sign("Balance", &[]).unwrap();
    let (ok, sign1) = post_signed(&h, "Balance", drawn.nonce).await;
    assert_eq!(sign1, drawn.api_sign, "the hand signature is the client's");
    assert_eq!(ok["error"], json!([]), "{ok}");
    assert_eq!(ok["result"]["ZUSD"], "100000");
    let (replay, sign2) = post_signed(&h, "Balance", drawn.nonce).await;
    assert_eq!(replay["error"], json!(["EAPI:Invalid nonce"]), "{replay}");
    let (older, sign3) = post_signed(&h, "Balance", drawn.nonce - 1).await;
    assert_eq!(older["error"], json!(["EAPI:Invalid nonce"]), "{older}");
    good.balances().await.expect("a later nonce still works");

    let (text, log) = h.log();
    let refused = |err: &str, caller: &str| {
        log.iter().filter(|e| e["accepted"] == false && e["error"] == err && e["caller"] == caller).count()
    };
    assert_eq!(refused("EAPI:Invalid signature", KRAKEN_KEY), 1, "{text}");
    assert_eq!(refused("EAPI:Invalid key", "no-such-key"), 1, "{text}");
    assert_eq!(refused("EAPI:Invalid nonce", KRAKEN_KEY), 2, "{text}");
    assert!(log.iter().all(|e| e["venue"] == "kraken" && e["at_ms"].is_i64()));
    assert!(log.iter().any(|e| e["accepted"] == true && e["endpoint"] == "Balance"), "{text}");
    for secret in [KRAKEN_SECRET, wrong_secret, &sign1, &sign2, &sign3] {
        assert!(!text.contains(secret), "the request log holds a secret or signature");
    }
    // No API-Sign of any request (88 base64 characters) is anywhere in it.
    let b64 = |c: char| c.is_ascii_alphanumeric() || "+/=".contains(c);
    assert!(text.split(|c: char| !b64(c)).all(|w| w.len() < 64), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_latency_5xx_rate_limit_and_clock_offset() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;

    let reply = h.fault(json!({"fault": "latency", "ms": 300})).await;
    assert_eq!(reply["faults"]["latency_ms"], 300);
    let t = Instant::now();
    assert_eq!(balances(&k).await["ZUSD"].total, d("100000"));
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());
    h.fault(json!({"fault": "latency", "ms": 0})).await;
    let t = Instant::now();
    balances(&k).await;
    assert!(t.elapsed() < Duration::from_millis(300), "{:?}", t.elapsed());

    // Reads ride out 5xx replies; a submit that got one is ambiguous until a query settles it.
    h.fault(json!({"fault": "http_5xx", "count": 2})).await;
    assert_eq!(balances(&k).await["XXBT"].total, d("1"));
    assert_eq!(h.app.lock().faults.http_5xx, 0, "both 5xx replies were retried through");
    h.fault(json!({"fault": "http_5xx", "count": 1})).await;
    let e = k.submit(&limit_buy(60, "0.001", px)).await.unwrap_err();
    assert!(e.is_ambiguous(), "{e:?}");
    assert_eq!(k.order_status(&OrderRef::Client(cid(60))).await.unwrap(), None, "the 503 placed nothing");
    assert_eq!(k.submit(&limit_buy(60, "0.001", px)).await.unwrap().state, OrderState::Open);

    h.fault(json!({"fault": "rate_limit", "count": 1})).await;
    let e = k.submit(&limit_buy(61, "0.001", px)).await.unwrap_err();
    assert!(matches!(&e, VenueError::RateLimited { message } if message.contains("Rate limit")), "{e:?}");
    assert_eq!(k.order_status(&OrderRef::Client(cid(61))).await.unwrap(), None);
    h.fault(json!({"fault": "rate_limit", "count": 1})).await;
    assert_eq!(k.open_orders().await.unwrap().len(), 1, "a rate-limited read is retried");

    let skew = k.server_time().await.unwrap() - now_ms();
    assert!(skew.abs() < 1500, "no offset yet: {skew}");
    h.fault(json!({"fault": "clock_offset", "ms": 120_000})).await;
    let skew = k.server_time().await.unwrap() - now_ms();
    assert!((skew - 120_000).abs() < 1500, "server time off by {skew} ms, not ~120000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_ack_times_out_and_the_order_is_found_by_client_id() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;
    h.fault(json!({"fault": "drop_ack", "count": 1})).await;
    let t = Instant::now();
    let e = k.submit(&limit_buy(50, "0.01", px)).await.unwrap_err();
    assert!(is_timeout(&e) && e.is_ambiguous(), "{e:?}");
    assert!(t.elapsed() < Duration::from_secs(3), "the client gave up after {:?}", t.elapsed());
    let found = by_client(&k, 50).await;
    assert_eq!((found.state, found.quantity), (OrderState::Open, d("0.01")));
    // Resubmitting the same id returns that order, not a second one.
    let again = k.submit(&limit_buy(50, "0.01", px)).await.unwrap();
    assert_eq!(again.venue_order_id, found.venue_order_id);
    assert_eq!(k.open_orders().await.unwrap().len(), 1);
    // A market order whose ack is dropped is found filled.
    h.fault(json!({"fault": "drop_ack", "count": 1})).await;
    let e = k.submit(&order(51, "XBTUSD", Side::Buy, "0.002", OrderType::Market, None)).await.unwrap_err();
    assert!(is_timeout(&e), "{e:?}");
    assert_eq!(by_client(&k, 51).await.state, OrderState::Filled);
    assert_eq!(balances(&k).await["XXBT"].total, d("1.002"));
    // Replies still held for the dropped acks must not hold the shutdown open.
    let mut h = h;
    let t = Instant::now();
    h.stop().await;
    assert!(t.elapsed() < Duration::from_secs(3), "shutdown took {:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_balances_and_nonces_survive_a_restart() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;
    let placed = k.submit(&limit_buy(40, "0.01", px)).await.unwrap();
    k.submit(&order(41, "XBTUSD", Side::Buy, "0.003", OrderType::Market, None)).await.unwrap();
    let before = balances(&k).await;
    let used = k.client.sign("Balance", &[]).unwrap().nonce;
    assert_eq!(post_signed(&h, "Balance", used).await.0["error"], json!([]));

    let h = h.restart().await;
    let k = h.kraken();
    let after = by_client(&k, 40).await;
    assert_eq!(
        (after.state, after.venue_order_id.as_str()),
        (OrderState::Open, placed.venue_order_id.as_str())
    );
    assert_eq!(by_client(&k, 41).await.state, OrderState::Filled);
    assert_eq!(balances(&k).await, before);
    for old in [used, used - 1] {
        let (reply, _) = post_signed(&h, "Balance", old).await;
        assert_eq!(reply["error"], json!(["EAPI:Invalid nonce"]), "nonce {old} after restart: {reply}");
    }
    let (_, log) = h.log();
    assert!(log.iter().any(|e| e["detail"] == json!([placed.venue_order_id])), "the log kept its history");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticker_stream_yields_marks_and_survives_a_disconnect() {
    let h = Harness::start(Market::Walk).await;
    let (notify, seen) = recorder();
    let k = h.kraken().with_notifier(notify);
    let m = mid(&k, "XBTUSD").await;
    let mut rx = k.subscribe(&["XBTUSD".to_string()]).await.unwrap();
    let wait = Duration::from_secs(3);
    let first = tokio::time::timeout(wait, rx.recv()).await.expect("a mark in 3 s").unwrap();
    assert_eq!(first.symbol, "XBTUSD");
    assert!((first.mark.price - m).abs() < m * d("0.01"), "mark {} vs mid {m}", first.mark.price);
    h.fault(json!({"fault": "ws_disconnect"})).await;
    let seen2 = seen.clone();
    eventually(5.0, "a reconnect", move || {
        let s = seen2.clone();
        async move { s.lock().unwrap().iter().any(|m| m.contains("reconnected and resubscribed")).then_some(()) }
    })
    .await;
    assert!(seen.lock().unwrap().iter().any(|m| m.contains("disconnected")), "{:?}", seen.lock().unwrap());
    while rx.try_recv().is_ok() {}
    let next = tokio::time::timeout(wait, rx.recv()).await.expect("marks after the reconnect").unwrap();
    assert_eq!(next.symbol, "XBTUSD");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_in_the_config_apply_from_the_first_request() {
    let h = Harness::start_with(Market::Walk, "latency_ms = 200\nrate_limit = 1").await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;
    let t = Instant::now();
    let e = k.submit(&limit_buy(80, "0.001", px)).await.unwrap_err();
    assert!(matches!(e, VenueError::RateLimited { .. }), "{e:?}");
    assert!(t.elapsed() >= Duration::from_millis(200), "{:?}", t.elapsed());
    assert_eq!(k.submit(&limit_buy(80, "0.001", px)).await.unwrap().state, OrderState::Open);
    let state: Value = reqwest::get(format!("{}/_sim/state", h.url)).await.unwrap().json().await.unwrap();
    assert_eq!(
        (state["faults"]["rate_limit"].clone(), state["faults"]["latency_ms"].clone()),
        (json!(0), json!(200))
    );
}

/// Kraken enforces cl_ord_id uniqueness across open orders only: a repeat while the first
/// rests returns that order (the adapter's idempotency), and once it is closed the id may be
/// used again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_order_id_is_unique_among_open_orders() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let px = price_at(&k, "XBTUSD", "0.5").await;
    let first = k.submit(&limit_buy(90, "0.001", px)).await.unwrap();
    let again = k.submit(&limit_buy(90, "0.001", px)).await.unwrap();
    assert_eq!(again.venue_order_id, first.venue_order_id, "the repeat is the order already resting");
    k.cancel(&OrderRef::Venue(first.venue_order_id.clone())).await.unwrap();
    let reused = k.submit(&limit_buy(90, "0.001", px)).await.unwrap();
    assert_ne!(reused.venue_order_id, first.venue_order_id);
    assert_eq!(by_client(&k, 90).await.venue_order_id, reused.venue_order_id, "a query finds the open one");
}

/// A nonce refusal is retried once with a fresh nonce, and only once. A frozen clock makes
/// the nonces known: F, F+1, ... (the simulator checks only that each is above the last).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_refusal_is_retried_once_with_a_fresh_nonce() {
    use quantlab::engine::venues::http::Http;
    use quantlab::engine::venues::kraken::client::KrakenClient;
    use quantlab::engine::venues::kraken::nonce_store::PersistedNonce;
    const F: u64 = 1_700_000_000_000;
    fn frozen() -> u64 {
        F
    }
    let h = Harness::start(Market::Walk).await;
    let client = KrakenClient::new(
        &h.url,
        Http::new(1000).unwrap(),
        KRAKEN_KEY.to_string(),
        KrakenSecret::from_base64(KRAKEN_SECRET).unwrap(),
        PersistedNonce::with_clock(&h.path("frozen.nonce"), frozen).unwrap(),
    );
    let refusals = || {
        let (_, log) = h.log();
        log.iter().filter(|e| e["error"] == "EAPI:Invalid nonce").count()
    };
    // Another sender (one that ignores the shared lock) used F: the client's F is refused,
    // and its retry with F+1 goes through.
    assert_eq!(post_signed(&h, "Balance", F).await.0["error"], json!([]));
    let v = client.private("Balance", &[]).await.expect("the retry with a fresh nonce is accepted");
    assert_eq!(v["ZUSD"], "100000");
    assert_eq!(refusals(), 1, "{}", h.log().0);
    // Far ahead (F+11): F+2 and its one retry F+3 are refused, and the refusal is returned.
    assert_eq!(post_signed(&h, "Balance", F + 11).await.0["error"], json!([]));
    let e = client.private("Balance", &[]).await.unwrap_err();
    assert!(matches!(&e, VenueError::Auth { message } if message.contains("EAPI:Invalid nonce")), "{e:?}");
    assert_eq!(refusals(), 3, "one retry, not more: {}", h.log().0);
}

/// Set in the two child processes of the test below, to the workspace they share.
const NONCE_CHILD: &str = "QUANTLAB_TEST_NONCE_CHILD_WORKSPACE";
const NONCE_READS: usize = 500;

/// Two processes (this test binary, run twice as a helper) open the same Kraken account the
/// way the console and the CLI do, through the workspace's venues.toml and nonce files, and
/// each reads its balances 500 times at once: Kraken refuses any nonce not above the key's
/// last, whichever process sent it, so before nonces were shared across processes this
/// refused most of one of them (`EAPI:Invalid nonce`). Now the simulator refuses none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_signing_with_one_key_have_no_nonce_refused() {
    let h = Harness::start(Market::Walk).await;
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(ws.path().join("venues.toml"), format!("[kraken.main]\nbase_url = \"{}\"\n", h.url))
        .unwrap();
    let exe = std::env::current_exe().unwrap();
    let t = Instant::now();
    let children: Vec<_> = (0..2)
        .map(|_| {
            let child = std::process::Command::new(&exe)
                .args(["--exact", &crate::common::test_name(module_path!(), "nonce_child_reads_balances")])
                .args(["--ignored", "--nocapture"])
                .env(NONCE_CHILD, ws.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        })
        .collect();
    let mut windows = Vec::new();
    for c in children {
        let out = c.await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "a child failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        let line = stdout.lines().find(|l| l.starts_with("{\"reads\"")).expect("the child's report");
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["reads"], NONCE_READS, "{v}");
        windows.push((v["first_ms"].as_i64().unwrap(), v["last_ms"].as_i64().unwrap()));
    }
    let elapsed = t.elapsed();
    // They really ran at once: each started before the other finished.
    assert!(
        windows[0].0 < windows[1].1 && windows[1].0 < windows[0].1,
        "the children did not overlap: {windows:?}"
    );
    let (text, log) = h.log();
    let of = |accepted: bool| {
        log.iter().filter(|e| e["endpoint"] == "BalanceEx" && e["accepted"] == accepted).count()
    };
    let nonce_refusals = log.iter().filter(|e| e["error"] == "EAPI:Invalid nonce").count();
    assert_eq!(nonce_refusals, 0, "nonces refused across processes:\n{text}");
    assert_eq!((of(true), of(false)), (2 * NONCE_READS, 0), "{text}");
    eprintln!("2 x {NONCE_READS} signed reads from two processes in {elapsed:?}, no nonce refused");
}

/// The child of the test above (run only by it, in a process of its own).
#[test]
#[ignore = "a child process of two_processes_signing_with_one_key_have_no_nonce_refused"]
fn nonce_child_reads_balances() {
    use quantlab::engine::execution::{CorridorId, Venue};
    use quantlab::engine::secrets::{CredentialKey, CredentialStore, MemoryStore, Secret};
    use quantlab::engine::venues::connect::{self, Live};
    use quantlab::engine::workspace::Workspace;
    let dir = std::env::var(NONCE_CHILD)
        .unwrap_or_else(|_| panic!("run by two_processes_signing_with_one_key_have_no_nonce_refused only"));
    let ws = Workspace::at(dir);
    let store = MemoryStore::default();
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    store
        .set(
            &CredentialKey::new(Venue::Kraken, "main"),
            &Secret::new(format!("{KRAKEN_KEY}:{KRAKEN_SECRET}")),
        )
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (first_ms, last_ms) = rt.block_on(async {
        let Ok((Live::Kraken(k), ..)) = connect::open(&ws, &id, &store) else {
            panic!("cannot open kraken/main")
        };
        let first = now_ms();
        for i in 0..NONCE_READS {
            k.balances().await.unwrap_or_else(|e| panic!("read {i}: {e}"));
        }
        (first, now_ms())
    });
    println!("{}", json!({ "reads": NONCE_READS, "first_ms": first_ms, "last_ms": last_ms }));
}
