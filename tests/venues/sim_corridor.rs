//! The corridor (journal, preflight, arming, settle) over the real Kraken adapter against the
//! loopback simulator, through a fault: a dropped acknowledgement leaves the submit's fate
//! unknown; the corridor settles it by the client order id, and the journal and the simulator
//! then agree on the order, its fills and the position.

use crate::common::keypress;
use crate::common::sim;

use std::sync::Arc;

use quantlab::engine::execution::broker::{BrokerAdapter, OrderRef};
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::state::IntentStatus;
use quantlab::engine::execution::{
    Corridor, CorridorId, IntentSource, OperatorKey, OrderType, Side, TimeInForce, Venue,
};
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::workspace::Workspace;
use serde_json::json;
use sim::*;

fn spec(order_type: OrderType, limit: Option<rust_decimal::Decimal>) -> IntentSpec {
    IntentSpec {
        source: IntentSource::Operator,
        venue: Venue::Kraken,
        account: "main".into(),
        symbol: "XBTUSD".into(),
        side: Side::Buy,
        quantity: d("0.001"),
        order_type,
        limit_price: limit,
        trigger_price: None,
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        ttl_ms: None,
        note: None,
        exits: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_ack_is_settled_and_the_journal_agrees_with_the_venue() {
    let h = Harness::start(Market::Walk).await;
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path());
    std::fs::write(dir.path().join("execution_policy.toml"), sim_policy(Venue::Kraken)).unwrap();
    let key = OperatorKey::load_or_create_as(&MemoryStore::default(), &ws, "tester").unwrap();
    let adapter = Arc::new(h.kraken());
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    let mut c = Corridor::open(&ws, &id, adapter.clone()).unwrap();
    let armed = c.arm().await.unwrap();
    assert_eq!(armed.state.name(), "armed", "{:?}", armed.checks);

    // A bid 1% under the market rests (inside the policy's 2% collar).
    let bid = (mid(adapter.as_ref(), "XBTUSD").await * d("0.99")).floor();
    for (n, (kind, limit)) in
        [(OrderType::Market, None), (OrderType::Limit, Some(bid))].into_iter().enumerate()
    {
        let i = c.create_intent(spec(kind, limit)).unwrap();
        c.approve(keypress::keypress(&c, &i.id), &key).unwrap();
        h.fault(json!({"fault": "drop_ack", "count": 1})).await;
        let e = c.submit(&i.id, false).await.unwrap_err();
        assert!(e.message.contains("timeout"), "case {n}: {}", e.message);
        // Settled at once by the client order id: the venue has it.
        let rec = c.state().intents[&i.id].clone();
        let venue =
            adapter.order_status(&OrderRef::Client(i.client_order_id.clone())).await.unwrap().unwrap();
        let want = if kind == OrderType::Market { IntentStatus::Filled } else { IntentStatus::Open };
        assert_eq!(rec.status, want, "case {n}");
        assert_eq!(rec.filled_quantity, venue.filled_quantity, "case {n}");
    }
    // The journal's position is the venue's (the baseline plus our one fill), and a
    // reconciliation finds nothing to explain.
    let summary = c.reconcile().await.unwrap();
    assert!(summary.clean, "{:?}", summary.mismatches);
    let venue_pos = adapter.positions().await.unwrap();
    let ours = c.state().positions.get("XBTUSD").copied().unwrap_or_default();
    let theirs = venue_pos.iter().find(|p| p.symbol == "XBTUSD").map(|p| p.quantity).unwrap_or_default();
    assert_eq!(ours, theirs);
    // Exactly two orders reached the simulator: nothing was sent twice.
    let (_, log) = h.log();
    let placed = log.iter().filter(|e| e["endpoint"] == "AddOrder" && e["accepted"] == true).count();
    assert_eq!(placed, 2);
}
