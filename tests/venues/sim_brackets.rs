//! Exits attached to an entry, end to end through the corridor and the real adapters against
//! the loopback simulator: Hyperliquid takes a take-profit and a stop-loss in one `normalTpsl`
//! order action, Kraken one conditional close (`close[ordertype]`). The exits wait for the
//! entry, rest once it fills, close the position when triggered (the other one is cancelled),
//! and the journal, the position and the venue agree throughout.

use crate::common::keypress;
use crate::common::sim;

use std::sync::Arc;

use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::exits::attached_client_id;
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::model::{AttachedExits, ExitLeg};
use quantlab::engine::execution::model::{OrderRef, OrderState};
use quantlab::engine::execution::state::IntentStatus;
use quantlab::engine::execution::{Corridor, CorridorId, OperatorKey, OrderType, Side, Venue};
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::venues::sim::exchange::SimVenue;
use quantlab::engine::workspace::Workspace;
use rust_decimal::Decimal;
use sim::*;

/// The simulator's policy, with the exits' order types allowed.
fn policy(venue: Venue) -> String {
    sim_policy(venue).replace(
        "order_types = [\"market\", \"limit\", \"stop-market\", \"stop-limit\"]",
        "order_types = [\"market\", \"limit\", \"stop-market\", \"take-profit-market\"]",
    )
}

fn spec(
    venue: Venue,
    symbol: &str,
    kind: OrderType,
    limit: Option<Decimal>,
    exits: AttachedExits,
) -> IntentSpec {
    IntentSpec { exits: Some(exits), ..crate::common::intents::buy(venue, symbol, "0.001", kind, limit) }
}

struct Rig {
    dir: tempfile::TempDir,
    key: OperatorKey,
    id: CorridorId,
    c: Corridor,
}

async fn rig(venue: Venue, adapter: Arc<dyn BrokerAdapter>) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::at(dir.path());
    std::fs::write(dir.path().join("execution_policy.toml"), policy(venue)).unwrap();
    let key = OperatorKey::load_or_create_as(&MemoryStore::default(), &ws, "tester").unwrap();
    let id = CorridorId::new(venue, "main").unwrap();
    let mut c = Corridor::open(&ws, &id, adapter).unwrap();
    let armed = c.arm().await.unwrap();
    assert_eq!(armed.state.name(), "armed", "{:?}", armed.checks);
    Rig { dir, key, id, c }
}

impl Rig {
    async fn send(&mut self, s: IntentSpec) -> String {
        let i = self.c.create_intent(s).unwrap();
        self.c.approve(keypress::keypress(&self.c, &i.id), &self.key).unwrap();
        self.c.submit(&i.id, false).await.unwrap();
        i.id
    }

    fn status(&self, id: &str) -> IntentStatus {
        self.c.state().intents[id].status
    }

    fn position(&self, symbol: &str) -> Decimal {
        self.c.state().positions.get(symbol).copied().unwrap_or_default()
    }
}

/// Move the simulator's price of `feed` to `frac` of where it is now; the market walks on from
/// there and the next tick triggers what it crosses.
fn shove(h: &Harness, feed: &str, frac: &str) {
    let mut sim = h.app.lock();
    let px = sim.ex.mids[feed] * d(frac);
    sim.ex.mids.insert(feed.to_string(), px);
}

async fn venue_position(a: &dyn BrokerAdapter, symbol: &str) -> Decimal {
    a.positions().await.unwrap().iter().filter(|p| p.symbol == symbol).map(|p| p.quantity).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyperliquid_take_profit_and_stop_loss_ride_with_the_entry_and_close_it() {
    let h = Harness::start(Market::Walk).await;
    let adapter = Arc::new(h.hl());
    let mut r = rig(Venue::Hyperliquid, adapter.clone()).await;
    let m = mid(adapter.as_ref(), "BTC").await;
    let exits = AttachedExits {
        take_profit: Some((m * d("1.03")).floor()),
        stop_loss: Some((m * d("0.97")).floor()),
    };
    let entry = r.send(spec(Venue::Hyperliquid, "BTC", OrderType::Market, None, exits)).await;
    let (tp, sl) = (format!("{entry}.tp"), format!("{entry}.sl"));
    assert_eq!(r.status(&entry), IntentStatus::Filled);
    // The entry filled at once, so both exits rest at the venue, known by their derived ids.
    for (leg, id) in [(ExitLeg::TakeProfit, &tp), (ExitLeg::StopLoss, &sl)] {
        assert_eq!(r.status(id), IntentStatus::Open, "{id}");
        let cid = attached_client_id(&r.c.state().intents[&entry].intent.client_order_id, leg);
        assert_eq!(r.c.state().intents[id].intent.client_order_id, cid);
        let at_venue = adapter.order_status(&OrderRef::Client(cid)).await.unwrap().expect("the exit rests");
        assert_eq!((at_venue.side, at_venue.quantity), (Side::Sell, d("0.001")), "{id}");
    }
    // One order action carried all three, grouped.
    let (_, log) = h.log();
    let orders: Vec<_> = log.iter().filter(|e| e["endpoint"] == "order" && e["accepted"] == true).collect();
    assert_eq!(orders.len(), 1, "{orders:?}");
    assert_eq!(r.position("BTC"), d("0.001"));
    let summary = r.c.reconcile().await.unwrap();
    assert!(summary.clean, "the resting exits are ours: {:?}", summary.mismatches);

    // The price falls through the stop: it closes the position and the take-profit goes.
    shove(&h, "BTC", "0.96");
    let sl_cid = r.c.state().intents[&sl].intent.client_order_id.clone();
    eventually(5.0, "the stop-loss to fill", || {
        let a = adapter.clone();
        let cid = sl_cid.clone();
        async move {
            let o = a.order_status(&OrderRef::Client(cid)).await.unwrap()?;
            (o.state == OrderState::Filled).then_some(())
        }
    })
    .await;
    r.c.refresh().await.unwrap();
    assert_eq!(r.status(&sl), IntentStatus::Filled);
    assert_eq!(r.status(&tp), IntentStatus::Cancelled, "the sibling is cancelled");
    assert_eq!(r.position("BTC"), Decimal::ZERO);
    assert_eq!(venue_position(adapter.as_ref(), "BTC").await, Decimal::ZERO);
    assert!(adapter.open_orders().await.unwrap().is_empty());
    let summary = r.c.reconcile().await.unwrap();
    assert!(summary.clean, "{:?}", summary.mismatches);
    // The journal of a bracket, and its exits as intents, keep their published contracts.
    let journal = quantlab::engine::execution::paths::journal(&Workspace::at(r.dir.path()), &r.id);
    let entry_schema = schema("journal_entry.schema.json");
    for line in std::fs::read_to_string(journal).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let errors: Vec<String> = entry_schema.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{v}");
    }
    let intent_schema = schema("execution_intent.schema.json");
    for id in [&entry, &tp, &sl] {
        let v = serde_json::to_value(&r.c.state().intents[id].intent).unwrap();
        let errors: Vec<String> = intent_schema.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{id}: {errors:?}\n{v}");
    }
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contracts").join(name);
    jsonschema::validator_for(&serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_cancelled_unfilled_takes_its_exits_with_it() {
    let h = Harness::start(Market::Walk).await;
    let adapter = Arc::new(h.hl());
    let mut r = rig(Venue::Hyperliquid, adapter.clone()).await;
    let m = mid(adapter.as_ref(), "BTC").await;
    let bid = (m * d("0.99")).floor();
    let exits = AttachedExits {
        take_profit: Some((m * d("1.05")).floor()),
        stop_loss: Some((bid * d("0.97")).floor()),
    };
    let entry = r.send(spec(Venue::Hyperliquid, "BTC", OrderType::Limit, Some(bid), exits)).await;
    assert_eq!(r.status(&entry), IntentStatus::Open);
    for leg in ["tp", "sl"] {
        let id = format!("{entry}.{leg}");
        assert_eq!(r.status(&id), IntentStatus::Waiting, "{id}");
        // An exit cannot be approved, sent or withdrawn on its own.
        let e = r.c.cancel_intent(&id, "no").await.unwrap_err();
        assert!(e.message.contains("attached to"), "{}", e.message);
        let e = r.c.submit(&id, false).await.unwrap_err();
        assert!(e.message.contains("attached to"), "{}", e.message);
    }
    // While the entry rests, only it is on the venue's book; the exits wait off the book.
    assert_eq!(adapter.open_orders().await.unwrap().len(), 1);
    let summary = r.c.reconcile().await.unwrap();
    assert!(summary.clean, "{:?}", summary.mismatches);
    r.c.cancel_intent(&entry, "changed my mind").await.unwrap();
    assert_eq!(r.status(&entry), IntentStatus::Cancelled);
    for leg in ["tp", "sl"] {
        assert_eq!(r.status(&format!("{entry}.{leg}")), IntentStatus::Cancelled);
    }
    assert!(adapter.open_orders().await.unwrap().is_empty());
    let summary = r.c.reconcile().await.unwrap();
    assert!(summary.clean, "{:?}", summary.mismatches);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kraken_places_one_conditional_close_when_the_entry_fills() {
    let h = Harness::start(Market::Walk).await;
    let adapter = Arc::new(h.kraken());
    let mut r = rig(Venue::Kraken, adapter.clone()).await;
    let m = mid(adapter.as_ref(), "XBTUSD").await;
    let baseline = r.position("XBTUSD");
    // Kraken attaches one close: both is refused before anything is journaled or sent.
    let both = AttachedExits {
        take_profit: Some((m * d("1.03")).floor()),
        stop_loss: Some((m * d("0.97")).floor()),
    };
    let e = r.c.create_intent(spec(Venue::Kraken, "XBTUSD", OrderType::Market, None, both)).unwrap_err();
    assert!(e.message.contains("Kraken attaches one conditional close"), "{}", e.message);
    let stop = AttachedExits { take_profit: None, stop_loss: Some((m * d("0.97")).floor()) };
    let entry = r.send(spec(Venue::Kraken, "XBTUSD", OrderType::Market, None, stop)).await;
    let sl = format!("{entry}.sl");
    assert_eq!(r.status(&entry), IntentStatus::Filled);
    assert_eq!(r.status(&sl), IntentStatus::Open, "the close rests once the entry filled");
    let (_, log) = h.log();
    assert_eq!(log.iter().filter(|e| e["endpoint"] == "AddOrder" && e["accepted"] == true).count(), 1);
    // The venue names the close by its parent's txid; the adapter gives it the derived id.
    let open = adapter.open_orders().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].client_order_id, r.c.state().intents[&sl].intent.client_order_id);
    assert_eq!(r.position("XBTUSD"), baseline + d("0.001"));
    let summary = r.c.reconcile().await.unwrap();
    assert!(summary.clean, "{:?}", summary.mismatches);

    let feed = h.app.lock().ex.instrument(SimVenue::Kraken, "XBTUSD").unwrap().feed.clone();
    shove(&h, &feed, "0.96");
    eventually(5.0, "the close to fill", || {
        let a = adapter.clone();
        async move { a.open_orders().await.unwrap().is_empty().then_some(()) }
    })
    .await;
    r.c.refresh().await.unwrap();
    assert_eq!(r.status(&sl), IntentStatus::Filled);
    assert_eq!(r.position("XBTUSD"), baseline);
    assert_eq!(venue_position(adapter.as_ref(), "XBTUSD").await, baseline);
    let summary = r.c.reconcile().await.unwrap();
    assert!(summary.clean, "{:?}", summary.mismatches);
    // Sixty newer closed orders push the close past Kraken's first page of ClosedOrders (50 a
    // page): a lookup by its derived id still finds it.
    for n in 0..60 {
        let side = if n % 2 == 0 { Side::Buy } else { Side::Sell };
        adapter.submit(&order(1_000 + n, "XBTUSD", side, "0.001", OrderType::Market, None)).await.unwrap();
    }
    let cid = r.c.state().intents[&sl].intent.client_order_id.clone();
    let found = adapter.order_status(&OrderRef::Client(cid)).await.unwrap().expect("found past page one");
    assert_eq!(found.state, OrderState::Filled);
}
