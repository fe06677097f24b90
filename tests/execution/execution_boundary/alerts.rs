//! Order-event alerts: each raised by the event it names, with its canonical severity.

use quantlab::engine::execution::intent::IntentSpec;
use quantlab::engine::execution::state::IntentStatus;
use quantlab::engine::execution::Side;
use quantlab::engine::venues::fake::Fault;

use super::rig::*;

/// The codes of every alert raised in the rig's workspace, sorted (alerts raised within the
/// same millisecond have no order), each checked for its source and canonical severity.
fn raised(r: &Rig) -> Vec<String> {
    use quantlab::engine::alerts::{codes, Severity};
    let mut out = Vec::new();
    for a in quantlab::engine::alerts::list(&r.ws).unwrap() {
        assert_eq!(a.alert.source, "corridor:fake/main", "{a:?}");
        let canonical = codes::EXECUTION.iter().find(|(c, _)| *c == a.alert.code).map(|(_, s)| *s);
        assert_eq!(Some(a.alert.severity), canonical, "{a:?}");
        let info = matches!(
            a.alert.code.as_str(),
            "ORDER_SUBMITTED" | "VENUE_ACK" | "ORDER_FILLED" | "PARTIAL_FILL" | "ORDER_CANCELLED"
        );
        assert_eq!(a.alert.severity == Severity::Info, info, "{a:?}");
        out.push(a.alert.code);
    }
    out.sort();
    out
}

/// Each order-event alert is raised by the event that should raise it, and not by the
/// others: an operator who sees ORDER_FILLED can trust that something filled.
#[tokio::test]
async fn each_order_event_raises_its_alert() {
    type Scenario = Box<dyn Fn(Rig) -> std::pin::Pin<Box<dyn std::future::Future<Output = Rig>>>>;
    let scenarios: Vec<(&str, Vec<&str>, Scenario)> = vec![
        (
            "a resting limit order",
            vec!["ORDER_SUBMITTED", "VENUE_ACK"],
            Box::new(|r| {
                Box::pin(async move {
                    send(&mut r.open(), spec()).await.unwrap();
                    r
                })
            }),
        ),
        (
            "a market order",
            vec!["ORDER_SUBMITTED", "VENUE_ACK", "ORDER_FILLED"],
            Box::new(|r| {
                Box::pin(async move {
                    send(&mut r.open(), market(Side::Buy, "0.002")).await.unwrap();
                    r
                })
            }),
        ),
        (
            "a resting order the market later crosses, seen by a refresh",
            vec!["ORDER_SUBMITTED", "VENUE_ACK", "ORDER_FILLED"],
            Box::new(|r| {
                Box::pin(async move {
                    let mut c = r.open();
                    send(&mut c, spec()).await.unwrap();
                    r.venue.set_mark("BTC/USD", d("49800"));
                    assert_eq!(c.refresh().await.unwrap().len(), 1);
                    drop(c);
                    r
                })
            }),
        ),
        (
            "a marketable limit order the venue fills in part",
            vec!["ORDER_SUBMITTED", "VENUE_ACK", "PARTIAL_FILL"],
            Box::new(|r| {
                Box::pin(async move {
                    // The book holds 0.001 at the mark; the rest of the order rests.
                    r.venue.with(|s| s.set_fill_cap(Some(d("0.001"))));
                    let at_mark = IntentSpec { limit_price: Some(d("50000")), ..spec() };
                    let out = send(&mut r.open(), at_mark).await.unwrap();
                    assert_eq!(out.status, "partially_filled");
                    r
                })
            }),
        ),
        (
            "a reject",
            vec!["ORDER_SUBMITTED", "ORDER_REJECTED"],
            Box::new(|r| {
                Box::pin(async move {
                    r.venue.inject(Fault::Reject("insufficient funds".into()));
                    send(&mut r.open(), spec()).await.unwrap_err();
                    r
                })
            }),
        ),
        (
            "a cancel of a resting order",
            vec!["ORDER_SUBMITTED", "VENUE_ACK", "ORDER_CANCELLED"],
            Box::new(|r| {
                Box::pin(async move {
                    let mut c = r.open();
                    let out = send(&mut c, spec()).await.unwrap();
                    let s = c.cancel_intent(&out.intent_id, "test").await.unwrap();
                    assert_eq!(s, IntentStatus::Cancelled);
                    drop(c);
                    r
                })
            }),
        ),
        (
            "a stale mark",
            vec!["STALE_STREAM", "SUBMIT_REFUSED"],
            Box::new(|r| {
                Box::pin(async move {
                    r.venue.with(|s| s.mark_age_ms = 60_000);
                    send(&mut r.open(), spec()).await.unwrap_err();
                    r
                })
            }),
        ),
        (
            "a venue clock 5 s off",
            vec!["CLOCK_SKEW", "SUBMIT_REFUSED"],
            Box::new(|r| {
                Box::pin(async move {
                    r.venue.with(|s| s.clock_offset_ms = 5_000);
                    send(&mut r.open(), spec()).await.unwrap_err();
                    r
                })
            }),
        ),
    ];
    for (what, mut expected, run) in scenarios {
        let r = run(Rig::new()).await;
        expected.sort();
        assert_eq!(raised(&r), expected, "{what}");
    }
}
