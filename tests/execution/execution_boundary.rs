//! The safety boundary against the deterministic fake venue: every policy rule refuses with
//! its reason, the breaker trips, the kill switch holds across restarts, crashes at every step
//! lose no intent and double no order, and a changed journal is caught.

use std::sync::Arc;

use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::error::{ExecutionError, SubmitRefusal};
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::model::OrderRequest;
use quantlab::engine::execution::policy::EXAMPLE;
use quantlab::engine::execution::state::IntentStatus;
use quantlab::engine::execution::{
    global_halt, paths, Corridor, CorridorId, CrashPoint, OrderType, Side, TimeInForce, Venue,
};
use quantlab::engine::venues::fake::{FakeState, Fault};
use quantlab::engine::workspace::Workspace;
use quantlab::engine::ErrorKind;

mod alerts;
mod exposure;
mod gate_state;
mod promotion;
pub(super) mod rig;
mod time_limits;

use rig::*;

/// A change to the venue before the check.
type Setup = Box<dyn Fn(&mut FakeState)>;

#[tokio::test]
async fn a_clean_intent_passes_every_rule_and_is_placed_once() {
    let r = Rig::new();
    let mut c = r.open();
    let out = send(&mut c, spec()).await.unwrap();
    assert_eq!(out.status, "open");
    assert_eq!(r.venue.orders().len(), 1);
    let id = c.state().intents.keys().next().unwrap().clone();
    let pf = c.preflight(&id).await.unwrap();
    // Only intent_open fails now: the intent is at the venue.
    assert_eq!(pf.failed().iter().map(|c| c.rule.as_str()).collect::<Vec<_>>(), vec!["intent_open"]);
}

#[tokio::test]
async fn every_policy_rule_refuses_with_its_reason() {
    // Rules that need only the intent changed.
    let cases: Vec<(IntentSpec, &str)> = vec![
        (IntentSpec { symbol: "DOGE/USD".into(), ..spec() }, "symbol_allowed"),
        (IntentSpec { symbol: "DOGE/USD".into(), ..spec() }, "instrument_known"),
        (IntentSpec { quantity: d("0.000015"), ..spec() }, "lot_size"),
        (IntentSpec { limit_price: Some(d("49900.05")), ..spec() }, "tick_size"),
        (IntentSpec { limit_price: Some(d("45000")), ..spec() }, "price_collar_bps"),
        (IntentSpec { quantity: d("0.00001"), ..spec() }, "min_notional"),
        (IntentSpec { quantity: d("0.02"), ..spec() }, "max_order_notional"),
        (IntentSpec { side: Side::Sell, reduce_only: true, ..spec() }, "reduce_only"),
    ];
    for (s, rule) in cases {
        let r = Rig::new();
        refused_by(&mut r.open(), s, rule).await;
    }

    // Venue conditions.
    let venue_cases: Vec<(Setup, &str)> = vec![
        (Box::new(|s| s.status = quantlab::engine::execution::model::VenueStatus::Offline), "venue_online"),
        (Box::new(|s| s.clock_offset_ms = 5_000), "clock_skew_ms"),
        (Box::new(|s| s.mark_age_ms = 60_000), "mark_fresh"),
        (
            Box::new(|s| {
                s.set_position("BTC/USD", d("0.03"));
            }),
            "max_position_notional",
        ),
        (
            Box::new(|s| {
                s.set_position("ETH/USD", d("0.9"));
            }),
            "max_gross_exposure",
        ),
    ];
    for (setup, rule) in venue_cases {
        let r = Rig::new();
        r.venue.with(|s| setup(s));
        refused_by(&mut r.open(), spec(), rule).await;
    }

    // The venue cannot be reached: no context, refused, with an alert.
    let r = Rig::new();
    r.venue.with(|s| s.unreachable = true);
    refused_by(&mut r.open(), spec(), "venue_context").await;
    assert!(quantlab::engine::alerts::list(&r.ws).unwrap().iter().any(|a| a.alert.code == "VENUE_ERROR"));

    // Four resting orders already at the venue.
    let r = Rig::new();
    for n in 0..4 {
        let o = OrderRequest {
            client_order_id: format!("other-{n}"),
            symbol: "BTC/USD".into(),
            side: Side::Buy,
            quantity: d("0.001"),
            order_type: OrderType::Limit,
            limit_price: Some(d("49000")),
            trigger_price: None,
            time_in_force: TimeInForce::Gtc,
            reduce_only: false,
            exits: Default::default(),
        };
        r.venue.submit(&o).await.unwrap();
    }
    refused_by(&mut r.open(), spec(), "max_open_orders").await;

    // Policy shapes.
    let r = Rig::with_policy(Some(EXAMPLE.replace(
        r#"order_types = ["market", "limit", "stop-market", "stop-limit"]"#,
        r#"order_types = ["limit"]"#,
    )));
    refused_by(&mut r.open(), market(Side::Buy, "0.002"), "order_type_allowed").await;
    let r = Rig::with_policy(None);
    refused_by(&mut r.open(), spec(), "policy").await;

    // Orders per minute.
    let r = Rig::with_policy(Some(EXAMPLE.replace("orders_per_minute = 6", "orders_per_minute = 2")));
    let mut c = r.open();
    send(&mut c, spec()).await.unwrap();
    send(&mut c, spec()).await.unwrap();
    refused_by(&mut c, spec(), "orders_per_minute").await;

    // An expired intent, and one that was cancelled.
    let r = Rig::new();
    let mut c = r.open();
    let i = c.create_intent(IntentSpec { ttl_ms: Some(1), ..spec() }).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let pf = c.preflight(&i.id).await.unwrap();
    assert!(pf.failed().iter().any(|c| c.rule == "intent_not_expired"));
    let i = c.create_intent(spec()).unwrap();
    c.cancel_intent(&i.id, "changed my mind").await.unwrap();
    let pf = c.preflight(&i.id).await.unwrap();
    assert!(pf.failed().iter().any(|c| c.rule == "intent_open"));
}

#[tokio::test]
async fn losses_stop_the_session_and_the_day() {
    // Micro daily limit 40: a ~100 loss breaks both the session (100) and the day.
    let r =
        Rig::with_policy(Some(EXAMPLE.replace("daily_loss_limit = \"150\"", "daily_loss_limit = \"40\"")));
    let mut c = r.open();
    send(&mut c, market(Side::Buy, "0.01")).await.unwrap();
    r.venue.set_mark("BTC/USD", d("40000"));
    // The price collar is measured from the mark, so a market sell goes through.
    send(&mut c, market(Side::Sell, "0.01")).await.unwrap();
    let loss = -c.state().realized_since(0);
    assert!(loss > d("100") && loss < d("102"), "loss {loss}");
    refused_by(&mut c, market(Side::Buy, "0.001"), "daily_loss").await;
    refused_by(&mut c, market(Side::Buy, "0.001"), "session_loss").await;
}

#[tokio::test]
async fn approvals_are_required_and_lapse() {
    let r = Rig::new();
    let mut c = r.open();
    let i = c.create_intent(spec()).unwrap();
    let e = c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(
        matches!(e.domain(), Some(ExecutionError::SubmitRefused(SubmitRefusal::NotApproved("pending")))),
        "{e:?}"
    );
    // A dry run needs no approval and places nothing; it is journaled as a dry run.
    let out = c.submit(&i.id, true).await.unwrap();
    assert_eq!(out.status, "valid");
    assert!(r.venue.orders().is_empty());
    assert!(c.entries().iter().any(|e| e.dry_run));
    assert_eq!(r.venue.orders().len(), 0);
}

#[tokio::test]
async fn the_breaker_trips_after_repeated_rejects() {
    let r = Rig::new();
    let mut c = r.open();
    for n in 0..3 {
        r.venue.inject(Fault::Reject(format!("insufficient margin {n}")));
        let e = send(&mut c, spec()).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Venue, "{}", e.message);
    }
    assert!(c.halted().unwrap().to_lowercase().contains("breaker"));
    refused_by(&mut c, spec(), "corridor_armed").await;
    // The halt is in the journal: a restart is still halted.
    drop(c);
    assert!(r.open().halted().is_some());
    let codes: Vec<String> =
        quantlab::engine::alerts::list(&r.ws).unwrap().into_iter().map(|a| a.alert.code).collect();
    assert!(codes.contains(&"BREAKER_TRIPPED".to_string()));
    // Rearm reconciles first, then lifts the halt.
    let mut c = r.open();
    c.rearm().await.unwrap();
    send(&mut c, spec()).await.unwrap();
}

#[tokio::test]
async fn the_kill_switch_cancels_halts_and_survives_a_restart() {
    let r = Rig::new();
    let mut c = r.open();
    send(&mut c, spec()).await.unwrap();
    send(&mut c, spec()).await.unwrap();
    let n = c.kill("drill").await.unwrap();
    assert_eq!(n, 2);
    assert!(r.venue.orders().iter().all(|o| !o.report.state.is_open()));
    assert!(c.state().intents.values().all(|i| i.status == IntentStatus::Cancelled));
    drop(c);
    // Restart: still halted; every submit refused with exit 3 and an alert.
    let mut c = r.open();
    assert!(c.halted().is_some());
    refused_by(&mut c, spec(), "corridor_armed").await;
    assert_eq!(r.venue.orders().len(), 2);
    let alerts = quantlab::engine::alerts::list(&r.ws).unwrap();
    assert!(alerts.iter().any(|a| a.alert.code == "SUBMIT_REFUSED"));
    assert!(alerts.iter().any(|a| a.alert.code == "KILL_SWITCH"));
    // Only an explicit rearm, after reconciliation, lifts it.
    c.rearm().await.unwrap();
    assert!(c.halted().is_none());
    send(&mut c, spec()).await.unwrap();
}

#[tokio::test]
async fn the_all_corridor_halt_marker_holds_for_new_corridors() {
    let r = Rig::new();
    global_halt::set(&r.ws, "operator pressed K").unwrap();
    let mut c = r.open();
    refused_by(&mut c, spec(), "corridor_armed").await;
    global_halt::clear(&r.ws).unwrap();
    send(&mut c, spec()).await.unwrap();
}

/// A crash after each step, then a restart and reconciliation: the intent is still there, the
/// venue holds at most one order for it, and sending it again never makes a second.
#[tokio::test]
async fn a_crash_at_any_step_loses_no_intent_and_doubles_no_order() {
    for point in [
        CrashPoint::AfterIntentJournaled,
        CrashPoint::AfterApprovalJournaled,
        CrashPoint::AfterSubmitJournaled,
        CrashPoint::AfterVenueCall,
    ] {
        let r = Rig::new();
        let mut c = r.open();
        c.crash_at(point);
        // The process dies at the first step that reports the crash: nothing after it runs.
        let created = c.create_intent(spec());
        let i = c.state().intents.values().next().unwrap().intent.clone();
        if created.is_ok() && c.rehearse(&i.id, key()).is_ok() {
            let _ = c.submit(&i.id, false).await;
        }
        drop(c);

        let mut c = r.open();
        let rec = c.state().intents.get(&i.id).unwrap_or_else(|| panic!("{point:?}: intent lost"));
        assert_eq!(rec.intent, i);
        let summary = c.reconcile().await.unwrap();
        assert!(summary.clean, "{point:?}: {:?}", summary.mismatches);
        let placed = r.venue.orders().len();
        assert!(placed <= 1, "{point:?}: {placed} orders");
        let status = c.state().intents[&i.id].status;
        match point {
            CrashPoint::AfterVenueCall => assert_eq!(status, IntentStatus::Open, "{point:?}"),
            CrashPoint::AfterSubmitJournaled => assert_eq!(status, IntentStatus::Pending, "{point:?}"),
            _ => assert!(
                matches!(status, IntentStatus::Pending | IntentStatus::Approved),
                "{point:?}: {status:?}"
            ),
        }
        if !status.at_venue() {
            c.rehearse(&i.id, key()).unwrap();
            c.submit(&i.id, false).await.unwrap();
        }
        // Sending the same client order id again (a second operator, a retry) still gives one.
        let req = r.venue.orders()[0].request.clone();
        r.venue.submit(&req).await.unwrap();
        assert_eq!(r.venue.orders().len(), 1, "{point:?}");
        assert_eq!(r.venue.orders()[0].report.client_order_id, i.client_order_id);
    }
}

#[tokio::test]
async fn a_lost_answer_is_settled_by_a_status_query() {
    let r = Rig::new();
    let mut c = r.open();
    r.venue.inject(Fault::TimeoutAfterPlacing);
    let e = send(&mut c, spec()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Venue);
    let rec = c.state().intents.values().next().unwrap();
    assert_eq!(rec.status, IntentStatus::Open, "settled from the venue's answer");
    r.venue.inject(Fault::TimeoutBeforePlacing);
    let e = send(&mut c, spec()).await.unwrap_err();
    assert!(matches!(e.domain(), Some(ExecutionError::SendFailed { status: "pending", .. })), "{e:?}");
    assert_eq!(r.venue.orders().len(), 1);
}

#[tokio::test]
async fn reconciliation_catches_what_the_journal_cannot_explain() {
    let r = Rig::new();
    let mut c = r.open();
    // A position held before QuantLab met the venue is adopted as the baseline.
    r.venue.with(|s| s.set_position("ETH/USD", d("0.1")));
    assert!(c.reconcile().await.unwrap().clean);
    send(&mut c, market(Side::Buy, "0.002")).await.unwrap();
    assert!(c.reconcile().await.unwrap().clean);
    // Someone trades behind our back.
    r.venue.with(|s| s.set_position("ETH/USD", d("0.3")));
    let s = c.reconcile().await.unwrap();
    assert!(!s.clean);
    assert!(s.mismatches[0].contains("ETH/USD"), "{:?}", s.mismatches);
    assert!(c.halted().unwrap().to_lowercase().contains("mismatch"));
    let e = c.rearm().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused);
    let alerts = quantlab::engine::alerts::list(&r.ws).unwrap();
    assert!(alerts.iter().any(|a| a.alert.code == "RECONCILIATION_MISMATCH"));
    // A resting order filled while we were away is resolved, not a mismatch.
    r.venue.with(|s| s.set_position("ETH/USD", d("0.1")));
    drop(c);
    let mut c = r.open();
    c.rearm().await.unwrap();
    send(&mut c, spec()).await.unwrap();
    r.venue.set_mark("BTC/USD", d("49800"));
    let s = c.reconcile().await.unwrap();
    assert!(s.clean, "{:?}", s.mismatches);
    assert!(c.state().intents.values().any(|i| i.status == IntentStatus::Filled));
}

#[tokio::test]
async fn a_changed_journal_stops_the_corridor() {
    let r = Rig::new();
    let mut c = r.open();
    send(&mut c, spec()).await.unwrap();
    drop(c);
    let p = paths::journal(&r.ws, &r.id);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("49900", "39900")).unwrap();
    let e = Corridor::open(&r.ws, &r.id, r.venue.clone()).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Refused);
    assert!(e.message.contains("changed outside QuantLab"), "{}", e.message);
    let alerts = quantlab::engine::alerts::list(&r.ws).unwrap();
    assert!(alerts.iter().any(|a| a.alert.code == "JOURNAL_TAMPERED"));
}

/// Deleting whole lines off the end keeps the chain intact; the head record still catches it.
/// Here the cut removes the kill switch, which would otherwise silently lift the halt.
#[tokio::test]
async fn cutting_the_kill_off_the_journal_tail_is_caught() {
    let r = Rig::new();
    let mut c = r.open();
    send(&mut c, spec()).await.unwrap();
    c.kill("drill").await.unwrap();
    let entries = c.entries().len();
    drop(c);
    let p = paths::journal(&r.ws, &r.id);
    let text = std::fs::read_to_string(&p).unwrap();
    let killed = text.lines().position(|l| l.contains("\"kind\":\"killed\"")).unwrap();
    let cut: String = text.lines().take(killed).map(|l| format!("{l}\n")).collect();
    std::fs::write(&p, cut).unwrap();
    let e = Corridor::open(&r.ws, &r.id, r.venue.clone()).err().expect("a cut journal must not open");
    assert_eq!(e.kind, ErrorKind::Refused);
    let missing = if killed + 1 == entries {
        format!("sequence {entries} is missing")
    } else {
        format!("sequences {}-{entries} are missing", killed + 1)
    };
    assert!(e.message.contains(&missing), "{}", e.message);
    let alerts = quantlab::engine::alerts::list(&r.ws).unwrap();
    assert!(alerts.iter().any(|a| a.alert.code == "JOURNAL_TAMPERED" && a.alert.message.contains(&missing)));
}

/// Credentials through an in-memory store: stored by name, never shown, counted by the
/// promotion gate, and required before a live venue is even contacted.
#[test]
fn credentials_in_an_in_memory_store() {
    use quantlab::engine::secrets::{MemoryStore, Secret};
    use quantlab::engine::Engine;
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::with_credentials(Workspace::at(dir.path()), Arc::new(MemoryStore::default()));
    let check = |engine: &Engine| {
        let r = engine.execution().promote_check(Venue::Kraken, "main").unwrap();
        r.items.iter().find(|i| i.item == "credentials_in_keyring").unwrap().passed
    };
    assert!(!check(&engine));
    let e = quantlab::engine::execution::adapter_for(
        engine.workspace(),
        engine.adapters().as_ref(),
        &CorridorId::new(Venue::Kraken, "main").unwrap(),
        engine.credentials(),
    )
    .err()
    .unwrap();
    assert_eq!(e.kind, ErrorKind::BadInput);
    assert!(e.message.contains("quantlab secrets set kraken --account main"), "{}", e.message);
    engine.venues().secret_set(Venue::Kraken, "main", &Secret::new("k-very-secret")).unwrap();
    assert!(check(&engine));
    let names = engine.venues().secrets().unwrap();
    assert_eq!((names[0].name.as_str(), names[0].present), ("kraken/main", Some(true)));
    assert!(!serde_json::to_string(&names).unwrap().contains("k-very-secret"));
    assert!(engine.venues().secret_delete(Venue::Kraken, "main").unwrap());
    // What stays is the operator's signing key: `promote check` signs its reports with it.
    assert!(
        engine.venues().secrets().unwrap().iter().all(|n| n.operator.is_some()),
        "{:?}",
        engine.venues().secrets()
    );
    let e = engine.venues().secret_set(Venue::Kraken, "main", &Secret::new("  ")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::BadInput);
}
