//! Every simulator fault through the real venue adapters and the corridor, on Kraken and on
//! Hyperliquid (Kraken's dropped ack is in sim_corridor.rs): the typed outcome (the corridor's
//! error, the intent's status, its journal events), then agreement: a clean reconciliation,
//! the same position, every intent the journal placed known to the venue with the same order id
//! and fill (none it did not place known), and as many accepted placements in the simulator's
//! request log and book as the journal placed. Faults that must hit the placement itself (503,
//! rate limit) are set by a thin wrapper over the real adapter as the corridor hands it the
//! order: set earlier, they would be spent on the reads preflight makes first.

use crate::common::keypress;
mod rig;
use crate::common::sim;

use std::collections::BTreeMap;

use quantlab::engine::execution::error::{ApproveBlock, ExecutionError, SubmitRefusal};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use quantlab::engine::error::ErrorKind;
use quantlab::engine::execution::broker::BrokerAdapter;
use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::model::ExecutionIntent;
use quantlab::engine::execution::model::{
    Balance, InstrumentRules, Mark, MarketEvent, OrderRef, OrderReport, OrderRequest, OrderState, Position,
    VenueResult, VenueStatus,
};
use quantlab::engine::execution::state::IntentStatus;
use quantlab::engine::execution::{Corridor, CorridorId, OperatorKey, OrderType, Venue};
use quantlab::engine::secrets::MemoryStore;
use quantlab::engine::venues::events::VenueEvent;
use quantlab::engine::venues::hyperliquid::adapter::HlAdapter;
use quantlab::engine::venues::kraken::adapter::KrakenAdapter;
use quantlab::engine::venues::sim::exchange::SimVenue;
use quantlab::engine::workspace::Workspace;
use rig::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sim::*;
use tokio::sync::mpsc::Receiver;

/// A market buy (filled at once) and a bid 1% under the mid (rests).
fn cases(bid: Decimal) -> [(OrderType, Option<Decimal>, IntentStatus); 2] {
    [(OrderType::Market, None, IntentStatus::Filled), (OrderType::Limit, Some(bid), IntentStatus::Open)]
}

/// Venue order ids of the fills pushed until `ms` pass without one (buffered ones included).
async fn fills_pushed(rx: &mut Receiver<VenueEvent>, ms: u64) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(Some(e)) = tokio::time::timeout(Duration::from_millis(ms), rx.recv()).await {
        if let VenueEvent::Fill { venue_order_id, .. } = e {
            out.push(venue_order_id);
        }
    }
    out
}

/// The quantity of the first pushed fill of `vid`, within `secs`.
async fn fill_of(rx: &mut Receiver<VenueEvent>, vid: &str, secs: u64) -> Decimal {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    loop {
        let Ok(e) = tokio::time::timeout_at(deadline, rx.recv()).await else {
            panic!("no fill of {vid} pushed in {secs} s; saw {seen:?}");
        };
        match e.expect("the stream is open") {
            VenueEvent::Fill { venue_order_id, qty, .. } if venue_order_id == vid => return qty,
            other => seen.push(other),
        }
    }
}

async fn filled_at_venue(r: &Rig, i: &ExecutionIntent, secs: f64) -> OrderReport {
    let (a, cid) = (r.adapter.clone(), i.client_order_id.clone());
    eventually(secs, "the bid to fill at the venue", move || {
        let (a, cid) = (a.clone(), cid.clone());
        async move {
            let o = a.order_status(&OrderRef::Client(cid)).await.unwrap();
            o.filter(|o| o.state == OrderState::Filled)
        }
    })
    .await
}

/// A refresh that journaled exactly this intent's fill (it lower-cases what it reports).
fn refreshed(changed: &[String], intent_id: &str) -> bool {
    changed.len() == 1 && changed[0].eq_ignore_ascii_case(&format!("{intent_id}: filled"))
}

const SENT: [&str; 4] = ["intent_created", "approved", "preflight", "submit_started"];

fn then(more: &[&str]) -> Vec<String> {
    SENT.iter().chain(more).map(|s| s.to_string()).collect()
}

/// 300 ms on every reply: the submit is slower and still succeeds.
async fn latency(v: Venue) {
    let mut r = Rig::armed(v, Market::Walk).await;
    let bid = r.price("0.99").await;
    r.h.fault(json!({"fault": "latency", "ms": 300})).await;
    for (n, (kind, limit, want)) in cases(bid).into_iter().enumerate() {
        let case = format!("{v} latency, case {n}");
        let i = r.approved(kind, limit);
        let (out, sent) = r.c.submit_timed(&i.id).await;
        let leg = sent.expect("handed to the adapter").elapsed();
        let out = out.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!((out.status.as_str(), r.status(&i.id)), (want.name(), want), "{case}");
        // The placement and the status query after it each waited 300 ms.
        assert!(leg >= Duration::from_millis(600), "{case}: the venue answered in {leg:?}");
        assert_eq!(r.kinds(&i.id), then(&["venue_ack"]), "{case}");
    }
    // Reconciliation's reads ride out the latency too.
    r.agree(&format!("{v} latency")).await;
}

impl Rig {
    /// A pending intent whose send failed: refused until approved again, then placed once
    /// (`placements` after), and known to the venue by its client id.
    async fn placed_once_after_a_fresh_approval(
        &mut self,
        i: &ExecutionIntent,
        want: IntentStatus,
        placements: (usize, usize),
        case: &str,
    ) {
        assert_eq!(self.status(&i.id), IntentStatus::Pending, "{case}");
        let again = self.c.submit(&i.id, false).await.unwrap_err();
        assert_eq!(again.kind, ErrorKind::Refused, "{case}: {again:?}");
        let refusal = again.domain::<ExecutionError>();
        assert!(
            matches!(refusal, Some(ExecutionError::SubmitRefused(SubmitRefusal::NotApproved("pending")))),
            "{case}: {again:?}"
        );
        self.approve(&i.id);
        let out = self.c.submit(&i.id, false).await.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!((out.status.as_str(), self.status(&i.id)), (want.name(), want), "{case}");
        assert_eq!(self.placements(), placements, "{case}: placed once");
        assert_eq!(self.at_venue(i).await.unwrap().client_order_id, i.client_order_id, "{case}");
    }
}

/// A 503 on the placement: ambiguous, so settled at once by client id; nothing was placed, so
/// the intent is back to pending; re-approved, it is placed once.
async fn http_5xx(v: Venue) {
    let mut r = Rig::armed(v, Market::Walk).await;
    let bid = r.price("0.99").await;
    for (n, (kind, limit, want)) in cases(bid).into_iter().enumerate() {
        let case = format!("{v} http_5xx, case {n}");
        let i = r.approved(kind, limit);
        let before = r.placements();
        r.fault_on_submit(json!({"fault": "http_5xx", "count": 1}));
        if v == Venue::Hyperliquid && kind == OrderType::Market {
            // The adapter reads the mid to price a market order before sending it: the 503
            // lands on that read, which is retried, and the order is then placed once.
            let out = r.c.submit(&i.id, false).await.unwrap_or_else(|e| panic!("{case}: {e}"));
            assert_eq!((out.status.as_str(), r.status(&i.id)), (want.name(), want), "{case}");
            assert_eq!(r.h.app.lock().faults.http_5xx, 0, "{case}: the 503 was served");
            assert_eq!(r.placements(), (before.0 + 1, before.1), "{case}: placed once");
            assert_eq!(r.kinds(&i.id), then(&["venue_ack"]), "{case}");
            continue;
        }
        let e = r.c.submit(&i.id, false).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Venue, "{case}: {e:?}");
        assert!(
            e.message.contains("unavailable") && e.message.ends_with("the intent is now pending"),
            "{case}: {}",
            e.message
        );
        assert_eq!(r.h.app.lock().faults.http_5xx, 0, "{case}: the 503 went to the placement");
        // Not retried blind: nothing more reached the venue, which has never seen the order.
        assert_eq!(r.placements(), before, "{case}");
        assert!(r.at_venue(&i).await.is_none(), "{case}");
        assert_eq!(r.kinds(&i.id), then(&["venue_error", "not_received"]), "{case}");
        assert_eq!(r.last(&i.id, "venue_error")["ambiguous"], true, "{case}");
        assert!(r.c.state().intents[&i.id].approval.is_none(), "{case}");
        r.placed_once_after_a_fresh_approval(&i, want, (before.0 + 1, before.1), &case).await;
    }
    r.agree(&format!("{v} http_5xx")).await;
}

/// A rate-limited placement: a definite refusal, so no query is needed and nothing is placed;
/// the intent is pending, not lost: re-approved, it is placed once.
async fn rate_limit(v: Venue) {
    let mut r = Rig::armed(v, Market::Walk).await;
    let bid = r.price("0.99").await;
    for (n, (kind, limit, want)) in cases(bid).into_iter().enumerate() {
        let case = format!("{v} rate_limit, case {n}");
        let i = r.approved(kind, limit);
        let before = r.placements();
        r.fault_on_submit(json!({"fault": "rate_limit", "count": 1}));
        let e = r.c.submit(&i.id, false).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Venue, "{case}: {e:?}");
        assert!(
            e.message.contains("rate limited") && e.message.ends_with("the intent is now pending"),
            "{case}: {}",
            e.message
        );
        assert_eq!(r.h.app.lock().faults.rate_limit, 0, "{case}: the refusal went to the placement");
        // The venue refused it once and it was not sent again.
        assert_eq!(r.placements(), (before.0, before.1 + 1), "{case}");
        assert!(r.at_venue(&i).await.is_none(), "{case}");
        assert_eq!(r.kinds(&i.id), then(&["venue_error"]), "{case}");
        assert_eq!(r.last(&i.id, "venue_error")["ambiguous"], false, "{case}");
        r.placed_once_after_a_fresh_approval(&i, want, (before.0 + 1, before.1 + 1), &case).await;
    }
    r.agree(&format!("{v} rate_limit")).await;
}

/// A resting bid fills later and its websocket fill event is dropped: the corridor's REST
/// refresh still journals the fill. The next fill is pushed (the stream itself works).
async fn dropped_fill_event(v: Venue) {
    let case = format!("{v} drop_fill_event");
    let mut r = Rig::armed(v, Market::Falling).await;
    let mut events = r.user_stream().await;
    r.h.fault(json!({"fault": "drop_fill_event", "count": 1})).await;
    // 20 bps under the mid: it rests, and the falling market crosses it a second later.
    let bid = r.price("0.998").await;
    let i = r.approved(OrderType::Limit, Some(bid));
    r.c.submit(&i.id, false).await.unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(r.status(&i.id), IntentStatus::Open, "{case}: the bid rests first");
    let filled = filled_at_venue(&r, &i, 10.0).await;
    assert_eq!(filled.filled_quantity, d("0.001"), "{case}");
    assert_eq!(r.h.app.lock().faults.drop_fill_event, 0, "{case}: the fault took this fill");
    let pushed = fills_pushed(&mut events, 500).await;
    assert!(!pushed.contains(&filled.venue_order_id), "{case}: the fill was pushed: {pushed:?}");
    assert_eq!(r.status(&i.id), IntentStatus::Open, "{case}: the journal has not seen it yet");
    let changed = r.c.refresh().await.unwrap();
    assert!(refreshed(&changed, &i.id), "{case}: {changed:?}");
    let rec = &r.c.state().intents[&i.id];
    assert_eq!((rec.status, rec.filled_quantity), (IntentStatus::Filled, d("0.001")), "{case}");
    assert_eq!(r.kinds(&i.id), then(&["venue_ack", "order_update"]), "{case}");
    let m = r.approved(OrderType::Market, None);
    let out = r.c.submit(&m.id, false).await.unwrap_or_else(|e| panic!("{case}: {e}"));
    let vid = out.report.expect("a report").venue_order_id;
    assert_eq!(fill_of(&mut events, &vid, 5).await, d("0.001"), "{case}: the next fill is pushed");
    r.agree(&case).await;
}

/// The account stream is cut while a bid rests; it reconnects, the bid fills after that, and
/// the fill is pushed on the new connection. The corridor reads no stream: its refresh
/// journals the fill.
async fn fill_after_a_reconnect(v: Venue) {
    let case = format!("{v} ws_disconnect");
    let mut r = Rig::armed(v, Market::Falling).await;
    let mut events = r.user_stream().await;
    // 40 bps under the mid: the falling market crosses it about 2 s later.
    let bid = r.price("0.996").await;
    let i = r.approved(OrderType::Limit, Some(bid));
    r.c.submit(&i.id, false).await.unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(r.status(&i.id), IntentStatus::Open, "{case}: the bid rests first");
    r.h.fault(json!({"fault": "ws_disconnect"})).await;
    let seen = r.seen.clone();
    eventually(5.0, "the account stream to reconnect", move || {
        let s = seen.clone();
        async move { s.lock().unwrap().iter().any(|m| m.contains("reconnected and resubscribed")).then_some(()) }
    })
    .await;
    let notes = r.seen.lock().unwrap().clone();
    assert!(notes.iter().any(|m| m.contains("disconnected")), "{case}: {notes:?}");
    let now = r.at_venue(&i).await.expect("the venue has the bid");
    assert_eq!(now.state, OrderState::Open, "{case}: the bid filled before the stream was back");
    let vid = now.venue_order_id.clone();
    assert_eq!(fill_of(&mut events, &vid, 10).await, d("0.001"), "{case}: pushed after the reconnect");
    assert_eq!(r.status(&i.id), IntentStatus::Open, "{case}: the corridor reads no stream");
    let changed = r.c.refresh().await.unwrap();
    assert!(refreshed(&changed, &i.id), "{case}: {changed:?}");
    assert_eq!(r.status(&i.id), IntentStatus::Filled, "{case}");
    r.agree(&case).await;
}

/// The venue's clock is off by `ms`: arming refuses, so the approval is refused at the key and
/// nothing is journaled; armed with the clocks agreeing, a jump refuses the submit at
/// preflight. Nothing is placed until the clock is right again, and then the intent (still
/// approved) is placed once.
async fn clock_offset(v: Venue, ms: i64) {
    let case = format!("{v} clock_offset {ms} ms");
    // The confirm dialog was drawn while the corridor was armed; before the key lands, the
    // corridor is disarmed and a skewed clock keeps it from arming again.
    let mut r = Rig::armed(v, Market::Walk).await;
    let i = r.c.create_intent(r.spec(OrderType::Market, None)).unwrap();
    let confirmation = keypress::keypress(&r.c, &i.id);
    r.c.disarm("test", false).await.unwrap();
    r.h.fault(json!({"fault": "clock_offset", "ms": ms})).await;
    let report = r.c.arm().await.unwrap();
    assert_eq!(report.state.name(), "disarmed", "{case}: {:?}", report.checks);
    let skew = report.checks.iter().find(|c| c.name == "clock skew").expect("a clock check");
    assert!(!skew.ok && skew.detail.contains("limit 1000 ms"), "{case}: {skew:?}");
    assert!(report.reconciliation.is_none(), "{case}: not reconciled");
    assert_eq!(r.c.state().armed_seq, None, "{case}");
    // The engine checks the arm state again at the key: nothing is journaled.
    let e = r.c.approve(confirmation, &r.key).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{case}: {e:?}");
    let block = match e.domain::<ExecutionError>() {
        Some(ExecutionError::NotApprovable { why, .. }) => why,
        _ => panic!("{case}: {e:?}"),
    };
    assert!(matches!(block, ApproveBlock::NotArmed { state: "disarmed", .. }), "{case}: {e:?}");
    assert_eq!(r.kinds(&i.id), ["intent_created"], "{case}");
    assert_eq!((r.status(&i.id), r.placements()), (IntentStatus::Pending, (0, 0)), "{case}");

    r.h.fault(json!({"fault": "clear"})).await;
    r.arm().await;
    r.approve(&i.id);
    r.h.fault(json!({"fault": "clock_offset", "ms": ms})).await;
    let e = r.c.submit(&i.id, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Refused, "{case}: {e:?}");
    assert!(e.message.contains("clock_skew_ms"), "{case}: {}", e.message);
    assert_eq!(r.last(&i.id, "preflight")["failed_rules"], json!(["clock_skew_ms"]), "{case}");
    let kinds = r.kinds(&i.id);
    assert_eq!(kinds[1..], ["approved", "preflight", "submit_refused"], "{case}");
    let now = (r.status(&i.id), r.placements(), r.sim_orders());
    assert_eq!(now, (IntentStatus::Approved, (0, 0), 0), "{case}");

    r.h.fault(json!({"fault": "clear"})).await;
    let out = r.c.submit(&i.id, false).await.unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!((out.status.as_str(), r.placements()), ("filled", (1, 0)), "{case}");
    r.agree(&case).await;
}

/// A dropped acknowledgement on Hyperliquid (Kraken's is in sim_corridor.rs): the submit
/// times out, the corridor settles it at once by the client id, and nothing is sent twice.
async fn drop_ack(v: Venue) {
    let mut r = Rig::armed(v, Market::Walk).await;
    let bid = r.price("0.99").await;
    for (n, (kind, limit, want)) in cases(bid).into_iter().enumerate() {
        let case = format!("{v} drop_ack, case {n}");
        let i = r.approved(kind, limit);
        // Only placements drop their ack: the fault may be set before the preflight reads.
        r.h.fault(json!({"fault": "drop_ack", "count": 1})).await;
        let e = r.c.submit(&i.id, false).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Venue, "{case}: {e:?}");
        assert!(e.message.contains("timeout"), "{case}: {}", e.message);
        assert!(e.message.ends_with(&format!("the intent is now {}", want.name())), "{case}: {}", e.message);
        assert_eq!(r.kinds(&i.id), then(&["venue_error", "venue_ack"]), "{case}");
        assert_eq!(r.last(&i.id, "venue_ack")["recovered"], true, "{case}");
        let venue = r.at_venue(&i).await.expect("the venue has it");
        let rec = &r.c.state().intents[&i.id];
        assert_eq!((rec.status, rec.filled_quantity), (want, venue.filled_quantity), "{case}");
        assert_eq!(rec.venue_order_id.as_deref(), Some(venue.venue_order_id.as_str()), "{case}");
        assert_eq!(r.placements(), (n + 1, 0), "{case}");
    }
    r.agree(&format!("{v} drop_ack")).await;
}

macro_rules! fault_tests {
    ($($name:ident => $body:expr;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            $body.await
        }
    )*};
}

fault_tests! {
    kraken_latency_slows_a_submit_and_the_journal_agrees => latency(Venue::Kraken);
    hyperliquid_latency_slows_a_submit_and_the_journal_agrees => latency(Venue::Hyperliquid);
    kraken_a_5xx_submit_is_settled_as_not_received_and_placed_once_later => http_5xx(Venue::Kraken);
    hyperliquid_a_5xx_submit_is_settled_as_not_received_and_placed_once_later => http_5xx(Venue::Hyperliquid);
    kraken_a_rate_limited_submit_places_nothing_and_the_intent_is_not_lost => rate_limit(Venue::Kraken);
    hyperliquid_a_rate_limited_submit_places_nothing_and_the_intent_is_not_lost => rate_limit(Venue::Hyperliquid);
    kraken_a_fill_whose_event_is_dropped_is_journaled_by_refresh => dropped_fill_event(Venue::Kraken);
    hyperliquid_a_fill_whose_event_is_dropped_is_journaled_by_refresh => dropped_fill_event(Venue::Hyperliquid);
    kraken_a_fill_after_a_websocket_reconnect_reaches_the_journal => fill_after_a_reconnect(Venue::Kraken);
    hyperliquid_a_fill_after_a_websocket_reconnect_reaches_the_journal => fill_after_a_reconnect(Venue::Hyperliquid);
    kraken_a_clock_120_s_ahead_blocks_arming_and_submits => clock_offset(Venue::Kraken, 120_000);
    hyperliquid_a_clock_90_s_behind_blocks_arming_and_submits => clock_offset(Venue::Hyperliquid, -90_000);
    hyperliquid_a_dropped_ack_is_settled_and_the_journal_agrees => drop_ack(Venue::Hyperliquid);
}
