//! The corridor (journal, preflight, arming, settle) over the real Kraken adapter against the
//! loopback simulator, through a fault: a dropped acknowledgement leaves the submit's fate
//! unknown; the corridor settles it by the client order id, and the journal and the simulator
//! then agree on the order, its fills and the position.

use crate::common::keypress;
use crate::common::sim;

use std::sync::Arc;

use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::model::OrderRef;
use quantlab::engine::execution::state::IntentStatus;
use quantlab::engine::execution::{Corridor, CorridorId, OperatorKey, OrderType, Venue};
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::workspace::Workspace;
use serde_json::json;
use sim::*;

fn spec(order_type: OrderType, limit: Option<rust_decimal::Decimal>) -> IntentSpec {
    crate::common::intents::buy(Venue::Kraken, "XBTUSD", "0.001", order_type, limit)
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

/// An engine on a fresh workspace whose Kraken account `main` is at `base_url`, with the
/// simulator's credential in memory.
fn kraken_engine(base_url: &str) -> (tempfile::TempDir, quantlab::engine::Engine) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("execution_policy.toml"), sim_policy(Venue::Kraken)).unwrap();
    std::fs::write(
        dir.path().join("venues.toml"),
        format!("[kraken.main]\nbase_url = \"{base_url}\"\ntimeout_ms = 60000\n"),
    )
    .unwrap();
    let engine = quantlab::engine::Engine::with_credentials(
        Workspace::at(dir.path()),
        Arc::new(MemoryStore::default()),
    );
    let secret = quantlab::engine::secrets::Secret::new(format!("{KRAKEN_KEY}:{KRAKEN_SECRET}"));
    engine.venues().secret_set(Venue::Kraken, "main", &secret).unwrap();
    (dir, engine)
}

/// Two venue calls through the engine, and a call through a clone of it (what each console
/// worker holds), run on one runtime: built on the first call, never again; its workers are
/// the named `quantlab-venue` threads. (Identity is checked by the runtime's serial, not by a
/// count of runtimes built in the process: the other tests of this binary build theirs
/// concurrently.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn venue_calls_through_the_engine_share_its_one_runtime() {
    use quantlab::engine::VenueRuntime;
    let h = Harness::start(Market::Walk).await;
    let (_dir, engine) = kraken_engine(&h.url);
    // The engine's sync facade, called from a blocking thread as the CLI and console call it.
    tokio::task::spawn_blocking(move || {
        assert!(!engine.venue_runtime().started(), "no venue used yet, no runtime");
        let first = engine.execution().corridor_detail(Venue::Kraken, "main").unwrap();
        assert!(first.connection.ok, "{:?}", first.connection);
        let serial = engine.venue_runtime().serial().expect("built by the first venue call");
        let second = engine.execution().corridor_detail(Venue::Kraken, "main").unwrap();
        assert!(second.complete(), "{:?}", second.unknown());
        let worker = engine.clone();
        assert!(worker.execution().corridor_detail(Venue::Kraken, "main").unwrap().connection.ok);
        assert_eq!(worker.venue_runtime().serial(), Some(serial));
        assert_eq!(engine.venue_runtime().serial(), Some(serial));
        let served_by = engine
            .block_on(async {
                tokio::spawn(async {
                    (VenueRuntime::of_current_thread(), std::thread::current().name().map(String::from))
                })
                .await
                .unwrap()
            })
            .unwrap();
        assert_eq!(served_by, (Some(serial), Some("quantlab-venue".to_string())));
    })
    .await
    .unwrap();
}

/// Attack: a venue that accepts the connection and never answers, and a venue call stuck in
/// blocking code (a file lock, a resolver) on the runtime's blocking pool. Dropping the last
/// engine would wait for them forever (a runtime waits for its blocking threads); it returns
/// within the shutdown timeout instead.
#[test]
fn dropping_the_engine_with_a_stalled_venue_call_returns_within_the_timeout() {
    use quantlab::engine::runtime::SHUTDOWN_TIMEOUT;
    let venue = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", venue.local_addr().unwrap());
    let (_dir, engine) = kraken_engine(&url);
    let id = CorridorId::new(Venue::Kraken, "main").unwrap();
    let adapter = quantlab::engine::execution::adapter_for(
        engine.workspace(),
        engine.adapters().as_ref(),
        &id,
        engine.credentials(),
    )
    .unwrap();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let stalled = engine
        .spawn(async move {
            let _ = started_tx.send(());
            adapter.status().await.is_ok()
        })
        .unwrap();
    let (blocked_tx, blocked_rx) = std::sync::mpsc::channel();
    engine.venue_runtime().handle().unwrap().spawn_blocking(move || {
        let _ = blocked_tx.send(());
        std::thread::sleep(std::time::Duration::from_secs(60));
    });
    started_rx.recv().unwrap();
    blocked_rx.recv().unwrap();
    // The venue has the connection, and says nothing.
    let (_held, _) = venue.accept().unwrap();
    assert!(!stalled.is_finished());
    let t0 = std::time::Instant::now();
    drop(engine);
    let took = t0.elapsed();
    assert!(
        took < SHUTDOWN_TIMEOUT + std::time::Duration::from_secs(1),
        "dropping the engine took {took:?} (timeout {SHUTDOWN_TIMEOUT:?})"
    );
}
