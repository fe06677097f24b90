//! The Hyperliquid adapter against the loopback simulator: meta, a position from a market buy,
//! resting orders and cancels, scheduleCancel, the adapter's refusal to round a price, the
//! simulator's signer recovery and nonce rule, vault trading, faults, a restart, and allMids
//! on the websocket. Every test starts its own simulator.

use crate::common::sim;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::model::{OrderRef, OrderState, VenueError, VenueStatus};
use quantlab::engine::execution::{OrderType, Side};
use quantlab::engine::time::now_ms;
use quantlab::engine::venues::evm::signer::EvmSigner;
use quantlab::engine::venues::hyperliquid::action::{Action, Grouping, OrderAction};
use quantlab::engine::venues::hyperliquid::adapter::{order_wire, HlAdapter};
use quantlab::engine::venues::sim::exchange::SimVenue;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sim::*;
use tokio_tungstenite::tungstenite::Message;

fn limit_buy(n: u32, qty: &str, px: Decimal) -> quantlab::engine::execution::model::OrderRequest {
    order(n, "BTC", Side::Buy, qty, OrderType::Limit, Some(px))
}

fn market_buy(n: u32, qty: &str) -> quantlab::engine::execution::model::OrderRequest {
    order(n, "BTC", Side::Buy, qty, OrderType::Market, None)
}

/// The simulator's own record of an account's USDC cash.
fn cash(h: &Harness, account: &str) -> Decimal {
    h.app.lock().ex.account(SimVenue::Hyperliquid, account).unwrap().balances["USDC"]
}

/// A signed order action for `o`, as the adapter would send it.
async fn signed_order(a: &HlAdapter, o: &quantlab::engine::execution::model::OrderRequest) -> String {
    let asset = a.universe().await.unwrap().get(&o.symbol).unwrap().clone();
    let action = Action::Order(OrderAction {
        orders: vec![order_wire(&asset, o, None).unwrap()],
        grouping: Grouping::Na,
    });
    a.client.sign(&action).unwrap().body
}

async fn post_exchange(h: &Harness, body: &str) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}/exchange", h.url))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meta_instruments_and_a_market_buy_that_opens_a_position() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    assert_eq!(a.status().await.unwrap(), VenueStatus::Online);
    let u = a.universe().await.unwrap();
    assert_eq!((u.get("BTC").unwrap().asset, u.get("ETH").unwrap().asset), (0, 1));
    let rules = a.instruments().await.unwrap();
    let btc = rules.iter().find(|r| r.symbol == "BTC").unwrap();
    assert_eq!((btc.lot_size, btc.tick_size, btc.min_notional), (d("0.00001"), d("0.1"), d("10")));
    assert_eq!(rules.iter().find(|r| r.symbol == "ETH").unwrap().lot_size, d("0.0001"));
    let b = a.balances().await.unwrap();
    assert_eq!((b[0].asset.as_str(), b[0].total, b[0].available), ("USDC", d("100000"), d("100000")));
    assert!(a.positions().await.unwrap().is_empty());

    let m = mid(&a, "BTC").await;
    let r = a.submit(&market_buy(1, "0.002")).await.unwrap();
    assert_eq!(
        (r.state, r.filled_quantity, r.client_order_id.as_str()),
        (OrderState::Filled, d("0.002"), cid(1).as_str())
    );
    let avg = r.average_price.unwrap();
    assert!(avg > m && avg < m * d("1.01"), "bought at {avg}, mid {m}");
    assert_eq!(r.fees, (avg * d("0.002") * d("0.00045")).round_dp(8), "taker fee 0.045%");
    let pos = a.positions().await.unwrap();
    assert_eq!((pos.len(), pos[0].symbol.as_str(), pos[0].quantity), (1, "BTC", d("0.002")));
    assert_eq!(cash(&h, HL_ACCOUNT), d("100000") - r.fees, "the fee came out of the margin account");
    let b = a.balances().await.unwrap();
    assert!((b[0].total - d("100000")).abs() < d("5"), "account value {}", b[0].total);
    assert!(b[0].available < b[0].total, "the position uses margin: {b:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resting_orders_cancel_by_oid_and_cloid_and_unknown_orders() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let px = price_at(&a, "BTC", "0.8").await;
    for n in 10..13 {
        assert_eq!(a.submit(&limit_buy(n, "0.001", px)).await.unwrap().state, OrderState::Open);
    }
    let open = a.open_orders().await.unwrap();
    assert_eq!(open.len(), 3);
    let r10 = by_client(&a, 10).await;
    assert_eq!(
        a.order_status(&OrderRef::Venue(r10.venue_order_id.clone())).await.unwrap(),
        Some(r10.clone())
    );
    assert!(open.contains(&r10));
    assert_eq!((r10.symbol.as_str(), r10.quantity, r10.filled_quantity), ("BTC", d("0.001"), Decimal::ZERO));

    let c = a.cancel(&OrderRef::Venue(r10.venue_order_id.clone())).await.unwrap();
    assert_eq!((c.state, c.client_order_id.as_str()), (OrderState::Cancelled, cid(10).as_str()));
    let c = a.cancel(&OrderRef::Client(cid(11))).await.unwrap();
    assert_eq!((c.state, c.client_order_id.as_str()), (OrderState::Cancelled, cid(11).as_str()));
    let e = a.cancel(&OrderRef::Client(cid(11))).await.unwrap_err();
    assert!(matches!(&e, VenueError::NotFound { message } if message.contains("already canceled")), "{e:?}");
    let open = a.open_orders().await.unwrap();
    assert_eq!(open.iter().map(|o| o.client_order_id.clone()).collect::<Vec<_>>(), vec![cid(12)]);
    assert_eq!(a.cancel_all().await.unwrap(), 1);
    assert!(a.open_orders().await.unwrap().is_empty());
    assert_eq!(a.order_status(&OrderRef::Client(cid(99))).await.unwrap(), None);
    assert_eq!(a.order_status(&OrderRef::Venue("987654".into())).await.unwrap(), None);
    assert!(matches!(a.cancel(&OrderRef::Client(cid(99))).await, Err(VenueError::NotFound { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_cancel_cancels_resting_orders_when_it_comes() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let px = price_at(&a, "BTC", "0.8").await;
    a.submit(&limit_buy(20, "0.001", px)).await.unwrap();
    // 5 s from our clock is under 5 s from the venue's once it arrives: refused up front.
    for early in [3, 5] {
        let e = a.dead_man_switch(early).await.unwrap_err();
        assert!(matches!(&e, VenueError::Rejected { reason } if reason.contains("6 s or more")), "{e:?}");
    }
    a.dead_man_switch(6).await.unwrap();
    let armed = Instant::now();
    assert_eq!(by_client(&a, 20).await.state, OrderState::Open);
    let a = &a;
    eventually(9.0, "scheduleCancel to cancel", move || async move {
        (by_client(a, 20).await.state == OrderState::Cancelled).then_some(())
    })
    .await;
    assert!(armed.elapsed() >= Duration::from_millis(5500), "cancelled after {:?}", armed.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_with_too_many_significant_figures_is_refused_not_rounded() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let px = price_at(&a, "BTC", "0.8").await + d("0.5");
    for o in [limit_buy(1, "0.001", px), limit_buy(2, "0.000001", px.floor())] {
        let e = a.submit(&o).await.unwrap_err();
        assert!(
            matches!(&e, VenueError::Rejected { reason } if reason.contains("refused, not rounded")),
            "{e:?}"
        );
        assert!(a.validate(&o).await.is_err(), "validate refuses it too");
    }
    let e = a.submit(&limit_buy(1, "0.001", px)).await.unwrap_err();
    assert!(e.message().contains("significant figures") && e.message().contains(&px.to_string()), "{e}");
    assert!(a.open_orders().await.unwrap().is_empty());
    let (_, log) = h.log();
    assert!(log.iter().all(|e| e["endpoint"] != "order"), "nothing was sent: {log:?}");
    // The whole-dollar price goes through.
    assert_eq!(a.submit(&limit_buy(1, "0.001", px.floor())).await.unwrap().state, OrderState::Open);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signer_is_recovered_nonces_are_single_use_and_agents_trade_for_vaults() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let px = price_at(&a, "BTC", "0.8").await;
    let stranger = EvmSigner::from_hex(HL_STRANGER_KEY).unwrap().address().to_lower_hex();
    let e = h.hl_as(HL_STRANGER_KEY, None).submit(&limit_buy(30, "0.001", px)).await.unwrap_err();
    let want = format!("User or API Wallet {stranger} does not exist.");
    assert!(matches!(&e, VenueError::Rejected { reason } if reason.contains(&want)), "{e:?}");
    let (_, log) = h.log();
    assert!(log.iter().any(|e| e["accepted"] == false && e["caller"] == stranger.as_str()), "{log:?}");

    // The same signed body twice: the second is refused on its nonce and places nothing.
    let body = signed_order(&a, &limit_buy(31, "0.001", px)).await;
    let first = post_exchange(&h, &body).await;
    assert_eq!(first["status"], "ok", "{first}");
    assert!(first["response"]["data"]["statuses"][0]["resting"]["oid"].is_u64(), "{first}");
    let second = post_exchange(&h, &body).await;
    assert_eq!(second["status"], "err", "{second}");
    assert!(second["response"].as_str().unwrap().contains("Invalid nonce"), "{second}");
    assert_eq!(a.open_orders().await.unwrap().len(), 1);

    // The agent trades for the configured vault; its orders are the vault's, not the account's.
    let v = h.hl_as(HL_AGENT_KEY, Some(HL_VAULT));
    let r = v.submit(&limit_buy(32, "0.001", px)).await.unwrap();
    assert_eq!(r.state, OrderState::Open);
    let vault_open = v.open_orders().await.unwrap();
    assert_eq!(vault_open.iter().map(|o| o.client_order_id.clone()).collect::<Vec<_>>(), vec![cid(32)]);
    assert!(a.open_orders().await.unwrap().iter().all(|o| o.client_order_id != cid(32)));
    assert_eq!(h.app.lock().ex.orders.values().filter(|o| o.req.account == HL_VAULT).count(), 1);
    let vb = v.submit(&market_buy(33, "0.001")).await.unwrap();
    assert_eq!(cash(&h, HL_VAULT), d("100000") - vb.fees);
    assert_eq!(cash(&h, HL_ACCOUNT), d("100000"));
    // A vault the account may not trade is refused.
    let other = "0x00000000000000000000000000000000000000c3";
    let e = h.hl_as(HL_AGENT_KEY, Some(other)).submit(&limit_buy(34, "0.001", px)).await.unwrap_err();
    assert!(matches!(&e, VenueError::Rejected { reason } if reason.contains("does not exist")), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_latency_drop_ack_5xx_rate_limit_and_clock_offset() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let px = price_at(&a, "BTC", "0.8").await;

    h.fault(json!({"fault": "latency", "ms": 300})).await;
    let t = Instant::now();
    assert_eq!(a.balances().await.unwrap()[0].total, d("100000"));
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());
    h.fault(json!({"fault": "latency", "ms": 0})).await;

    // The fill happened; only its acknowledgement was lost.
    h.fault(json!({"fault": "drop_ack", "count": 1})).await;
    let t = Instant::now();
    let e = a.submit(&market_buy(40, "0.002")).await.unwrap_err();
    assert!(is_timeout(&e), "{e:?}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let found = by_client(&a, 40).await;
    assert_eq!((found.state, found.filled_quantity), (OrderState::Filled, d("0.002")));
    assert!(found.fees > Decimal::ZERO && found.average_price.is_some(), "{found:?}");
    assert_eq!(a.positions().await.unwrap()[0].quantity, d("0.002"));
    let again = a.submit(&market_buy(40, "0.002")).await.unwrap();
    assert_eq!(again.venue_order_id, found.venue_order_id, "a resubmit finds it, not a second fill");
    assert_eq!(a.positions().await.unwrap()[0].quantity, d("0.002"));

    h.fault(json!({"fault": "http_5xx", "count": 2})).await;
    assert_eq!(a.positions().await.unwrap().len(), 1);
    assert_eq!(h.app.lock().faults.http_5xx, 0, "both 5xx replies were retried through");
    h.fault(json!({"fault": "http_5xx", "count": 1})).await;
    let e = a.submit(&limit_buy(41, "0.001", px)).await.unwrap_err();
    assert!(e.is_ambiguous(), "{e:?}");
    assert_eq!(a.order_status(&OrderRef::Client(cid(41))).await.unwrap(), None, "the 503 placed nothing");

    h.fault(json!({"fault": "rate_limit", "count": 1})).await;
    let e = a.submit(&limit_buy(42, "0.001", px)).await.unwrap_err();
    assert!(matches!(e, VenueError::RateLimited { .. }), "{e:?}");
    assert_eq!(a.order_status(&OrderRef::Client(cid(42))).await.unwrap(), None);
    assert_eq!(a.submit(&limit_buy(42, "0.001", px)).await.unwrap().state, OrderState::Open);

    let skew = a.server_time().await.unwrap() - now_ms();
    assert!(skew.abs() < 1500, "no offset yet: {skew}");
    h.fault(json!({"fault": "clock_offset", "ms": -90_000})).await;
    let skew = a.server_time().await.unwrap() - now_ms();
    assert!((skew + 90_000).abs() < 1500, "server time off by {skew} ms, not ~-90000");
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next JSON text frame, or None after `ms` of silence.
async fn next_json(ws: &mut Ws, ms: u64) -> Option<Value> {
    loop {
        match tokio::time::timeout(Duration::from_millis(ms), ws.next()).await.ok()?? {
            Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
            Ok(_) => continue,
            Err(e) => panic!("websocket failed: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fill_dropped_from_the_websocket_is_still_in_rest() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let (mut ws, _) = tokio_tungstenite::connect_async(h.hl_ws()).await.unwrap();
    let sub = json!({"method": "subscribe", "subscription": {"type": "userFills", "user": HL_ACCOUNT}});
    ws.send(Message::Text(sub.to_string().into())).await.unwrap();
    let mut snapshot = false;
    while let Some(v) = next_json(&mut ws, 2000).await {
        if v["channel"] == "userFills" && v["data"]["isSnapshot"] == true {
            snapshot = true;
            break;
        }
    }
    assert!(snapshot, "no userFills snapshot");
    h.fault(json!({"fault": "drop_fill_event", "count": 1})).await;
    let missed = a.submit(&market_buy(50, "0.001")).await.unwrap();
    let pushed = a.submit(&market_buy(51, "0.001")).await.unwrap();
    let oid = |r: &quantlab::engine::execution::model::OrderReport| r.venue_order_id.parse::<u64>().unwrap();
    let mut oids = Vec::new();
    while let Some(v) = next_json(&mut ws, 1500).await {
        if v["channel"] == "userFills" {
            oids.extend(v["data"]["fills"].as_array().unwrap().iter().filter_map(|f| f["oid"].as_u64()));
            if oids.contains(&oid(&pushed)) {
                break;
            }
        }
    }
    assert!(oids.contains(&oid(&pushed)), "the second fill was pushed: {oids:?}");
    assert!(!oids.contains(&oid(&missed)), "the first fill was dropped: {oids:?}");
    // REST still has both.
    let fills = a.client.info(json!({"type": "userFills", "user": HL_ACCOUNT})).await.unwrap();
    let rest: Vec<u64> = fills.as_array().unwrap().iter().filter_map(|f| f["oid"].as_u64()).collect();
    assert!(rest.contains(&oid(&missed)) && rest.contains(&oid(&pushed)), "{rest:?}");
    assert_eq!(by_client(&a, 50).await.state, OrderState::Filled);
    assert_eq!(a.positions().await.unwrap()[0].quantity, d("0.002"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_positions_and_nonces_survive_a_restart() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let px = price_at(&a, "BTC", "0.8").await;
    let resting = a.submit(&limit_buy(60, "0.001", px)).await.unwrap();
    a.submit(&market_buy(61, "0.002")).await.unwrap();
    let body = signed_order(&a, &limit_buy(62, "0.001", px)).await;
    assert_eq!(post_exchange(&h, &body).await["status"], "ok");
    let cash_before = cash(&h, HL_ACCOUNT);

    let h = h.restart().await;
    let a = h.hl();
    let r = by_client(&a, 60).await;
    assert_eq!((r.state, r.venue_order_id.as_str()), (OrderState::Open, resting.venue_order_id.as_str()));
    assert_eq!(a.positions().await.unwrap()[0].quantity, d("0.002"));
    assert_eq!(cash(&h, HL_ACCOUNT), cash_before);
    assert_eq!(a.open_orders().await.unwrap().len(), 2);
    let replay = post_exchange(&h, &body).await;
    assert!(replay["response"].as_str().is_some_and(|t| t.contains("Invalid nonce")), "{replay}");
    assert_eq!(a.open_orders().await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_mids_on_the_websocket_yields_marks() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let m = mid(&a, "ETH").await;
    let mut rx = a.subscribe(&["BTC".to_string(), "ETH".to_string()]).await.unwrap();
    let mut got = std::collections::BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(3);
    while got.len() < 2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let e = tokio::time::timeout(left, rx.recv()).await.expect("marks for BTC and ETH in 3 s").unwrap();
        got.insert(e.symbol.clone(), e.mark.price);
    }
    assert!((got["ETH"] - m).abs() < m * d("0.01"), "ETH mark {} vs mid {m}", got["ETH"]);
    assert!(got["BTC"] > d("10000"), "{got:?}");
    assert!(a.subscribe(&["NOPE".to_string()]).await.is_err(), "an unknown coin is refused");
}
