//! The adapters' websocket streams beyond marks, against the loopback simulator: Kraken's book
//! (kept from snapshot and deltas) and its authenticated executions and balances; Hyperliquid's
//! l2Book and its orderUpdates and userFills. A market order's fill arrives as an event.

use crate::common::sim;

use std::time::Duration;

use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::{OrderType, Side};
use quantlab::engine::venues::events::VenueEvent;
use sim::*;
use tokio::sync::mpsc::Receiver;

/// The first event `pick` accepts within 5 s.
async fn first<T>(what: &str, rx: &mut Receiver<VenueEvent>, pick: impl Fn(&VenueEvent) -> Option<T>) -> T {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let Ok(e) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!("no {what} in 5 s; saw {seen:?}");
        };
        let e = e.expect("stream open");
        if let Some(t) = pick(&e) {
            return t;
        }
        seen.push(e);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kraken_book_executions_and_balances() {
    let h = Harness::start(Market::Walk).await;
    let k = h.kraken();
    let mut book = k.market_stream("book", &["XBTUSD".to_string()]).await.unwrap();
    for _ in 0..3 {
        let (bid, ask) = first("book", &mut book, |e| match e {
            VenueEvent::Book { symbol, bid, ask, .. } if symbol == "XBTUSD" => Some((*bid, *ask)),
            _ => None,
        })
        .await;
        assert!(bid < ask, "the kept book never crosses: {bid} / {ask}");
    }
    let held = |b: Vec<quantlab::engine::execution::model::Balance>| {
        b.into_iter().find(|b| b.asset == "XXBT").map_or(d("0"), |b| b.total)
    };
    let before = held(k.balances().await.unwrap());
    let mut user = k.user_stream().await.unwrap();
    // Let the subscriptions land before the order.
    tokio::time::sleep(Duration::from_millis(300)).await;
    k.submit(&order(1, "XBTUSD", Side::Buy, "0.01", OrderType::Market, None)).await.unwrap();
    let (got, qty) = first("fill", &mut user, |e| match e {
        VenueEvent::Fill { client_order_id, qty, buy: true, .. } => Some((client_order_id.clone(), *qty)),
        _ => None,
    })
    .await;
    assert_eq!((got.as_deref(), qty), (Some(cid(1).as_str()), d("0.01")));
    let xbt = first("balances", &mut user, |e| match e {
        VenueEvent::Balances { balances } => balances.iter().find(|(a, _)| a == "XXBT").map(|(_, v)| *v),
        _ => None,
    })
    .await;
    assert_eq!(xbt, before + d("0.01"));
    // After a disconnect the stream reconnects with a fresh token and still carries fills.
    h.fault(serde_json::json!({"fault": "ws_disconnect"})).await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    k.submit(&order(3, "XBTUSD", Side::Buy, "0.01", OrderType::Market, None)).await.unwrap();
    let again = first("fill after the reconnect", &mut user, |e| match e {
        VenueEvent::Fill { client_order_id, .. } => client_order_id.clone(),
        _ => None,
    })
    .await;
    assert_eq!(again, cid(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyperliquid_book_order_updates_and_fills() {
    let h = Harness::start(Market::Walk).await;
    let a = h.hl();
    let mut book = a.market_stream("l2Book", &["BTC".to_string()]).await.unwrap();
    let (bid, ask) = first("book", &mut book, |e| match e {
        VenueEvent::Book { bid, ask, .. } => Some((*bid, *ask)),
        _ => None,
    })
    .await;
    assert!(bid < ask);
    assert!(a.market_stream("candles", &["BTC".to_string()]).await.is_err());
    let mut user = a.user_stream().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.submit(&order(2, "BTC", Side::Buy, "0.001", OrderType::Market, None)).await.unwrap();
    // The exchange reports the fill, then the order's new state.
    let qty = first("fill", &mut user, |e| match e {
        VenueEvent::Fill { qty, .. } => Some(*qty),
        _ => None,
    })
    .await;
    assert_eq!(qty, d("0.001"));
    let status = first("order update", &mut user, |e| match e {
        VenueEvent::Order { client_order_id, status, .. }
            if client_order_id.as_deref() == Some(cid(2).as_str()) =>
        {
            Some(status.clone())
        }
        _ => None,
    })
    .await;
    assert_eq!(status, "filled");
    let _ = a.positions().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_venues_serve_candles_from_their_history() {
    let h = Harness::start(Market::Walk).await;
    // The simulator's history starts with it: wait for a couple of ticks.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let now = quantlab::engine::time::now_ms();
    let k = h.kraken().candles("XBTUSD", 1, now - 3_600_000).await.unwrap();
    assert!(!k.is_empty());
    assert!(
        k.iter().all(|c| c.low <= c.open && c.open <= c.high && c.low <= c.close && c.close <= c.high),
        "{k:?}"
    );
    let hl = h.hl().candles("BTC", "1m", now - 3_600_000, now + 60_000).await.unwrap();
    assert!(!hl.is_empty() && hl[0].open_ms % 60_000 == 0, "{hl:?}");
    assert!(h.hl().candles("DOGE", "1m", 0, now).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_venue_says_which_agents_may_sign_for_the_account() {
    let h = Harness::start(Market::Walk).await;
    assert!(h.hl().agent_approved().await.unwrap());
    assert!(!h.hl_as(HL_STRANGER_KEY, None).agent_approved().await.unwrap());
}
