//! Replay of an entry with attached exits: the exits follow the entry until the venue holds
//! them, then their own reports move them and the position.

use rust_decimal::Decimal;

use super::intent::IntentSpec;
use super::model::{
    AttachedExits, Entry, Event, ExecutionIntent, IntentSource, OrderReport, OrderState, OrderType, Side,
    TimeInForce, Venue,
};
use super::state::{CorridorState, IntentStatus};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn entry(seq: u64, event: Event) -> Entry {
    Entry {
        schema: String::new(),
        schema_version: 1,
        seq,
        time: String::new(),
        time_ms: 1_000 + seq as i64,
        prev: String::new(),
        dry_run: false,
        event,
        hash: String::new(),
    }
}

fn bracket(limit: &str) -> ExecutionIntent {
    IntentSpec {
        source: IntentSource::Operator,
        venue: Venue::Hyperliquid,
        account: "main".into(),
        symbol: "BTC".into(),
        side: Side::Buy,
        quantity: d("0.01"),
        order_type: OrderType::Limit,
        limit_price: Some(d(limit)),
        trigger_price: None,
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        ttl_ms: None,
        note: None,
        exits: Some(AttachedExits { take_profit: Some(d("110")), stop_loss: Some(d("90")) }),
    }
    .build(1_000)
    .unwrap()
}

fn report(i: &ExecutionIntent, filled: &str, px: Option<&str>, state: OrderState) -> OrderReport {
    OrderReport {
        venue_order_id: format!("v-{}", i.id),
        client_order_id: i.client_order_id.clone(),
        symbol: i.symbol.clone(),
        side: i.side,
        quantity: i.quantity,
        filled_quantity: d(filled),
        average_price: px.map(d),
        fees: Decimal::ZERO,
        state,
    }
}

#[test]
fn exits_follow_their_entry_then_their_own_fills() {
    let p = bracket("100");
    let kids = super::exits::children(&p);
    assert_eq!(kids.len(), 2);
    let (tp, sl) = (&kids[0], &kids[1]);
    assert_eq!(
        (tp.side, tp.order_type, tp.trigger_price),
        (Side::Sell, OrderType::TakeProfitMarket, Some(d("110")))
    );
    assert_eq!(
        (sl.order_type, sl.reduce_only, sl.parent.as_deref()),
        (OrderType::StopMarket, true, Some(p.id.as_str()))
    );
    let mut events = vec![Event::IntentCreated { intent: p.clone() }];
    let mut s = CorridorState::replay(&[entry(1, events[0].clone())]);
    assert_eq!(s.intents.len(), 3);
    assert!(s.intents[&p.id].awaits_approval());
    assert!(!s.intents[&tp.id].awaits_approval(), "an exit is approved with its entry");
    events.push(Event::SubmitStarted { intent_id: p.id.clone(), request: p.order_request() });
    events.push(Event::VenueAck {
        intent_id: p.id.clone(),
        report: report(&p, "0.01", Some("100"), OrderState::Filled),
        recovered: false,
    });
    let replay = |ev: &[Event]| {
        let entries: Vec<Entry> =
            ev.iter().cloned().enumerate().map(|(n, e)| entry(n as u64 + 1, e)).collect();
        CorridorState::replay(&entries)
    };
    s = replay(&events);
    assert_eq!(s.intents[&tp.id].status, IntentStatus::Waiting);
    assert_eq!(s.positions["BTC"], d("0.01"));
    events.push(Event::VenueAck {
        intent_id: sl.id.clone(),
        report: report(sl, "0", None, OrderState::Open),
        recovered: true,
    });
    events.push(Event::VenueAck {
        intent_id: tp.id.clone(),
        report: report(tp, "0", None, OrderState::Open),
        recovered: true,
    });
    events.push(Event::OrderUpdate {
        intent_id: sl.id.clone(),
        report: report(sl, "0.01", Some("90"), OrderState::Filled),
    });
    events.push(Event::OrderUpdate {
        intent_id: tp.id.clone(),
        report: report(tp, "0", None, OrderState::Cancelled),
    });
    s = replay(&events);
    assert_eq!(s.intents[&sl.id].status, IntentStatus::Filled);
    assert_eq!(s.intents[&tp.id].status, IntentStatus::Cancelled);
    assert!(!s.positions.contains_key("BTC"), "the stop closed the entry: {:?}", s.positions);
    assert_eq!(s.realized.iter().map(|(_, p)| *p).sum::<Decimal>(), d("-0.1"));
}

#[test]
fn an_entry_that_ends_unfilled_or_unsent_moves_its_exits() {
    let p = bracket("100");
    let tp = format!("{}.tp", p.id);
    let sent = [
        Event::IntentCreated { intent: p.clone() },
        Event::SubmitStarted { intent_id: p.id.clone(), request: p.order_request() },
    ];
    let run = |more: Vec<Event>| {
        let all: Vec<Entry> =
            sent.iter().cloned().chain(more).enumerate().map(|(n, e)| entry(n as u64 + 1, e)).collect();
        CorridorState::replay(&all)
    };
    let s = run(vec![Event::VenueAck {
        intent_id: p.id.clone(),
        report: report(&p, "0", None, OrderState::Cancelled),
        recovered: false,
    }]);
    assert_eq!(s.intents[&tp].status, IntentStatus::Cancelled);
    let s = run(vec![Event::VenueReject { intent_id: p.id.clone(), reason: "no".into() }]);
    assert_eq!(s.intents[&tp].status, IntentStatus::Rejected);
    let s = run(vec![Event::NotReceived { intent_id: p.id.clone() }]);
    assert_eq!(s.intents[&tp].status, IntentStatus::Pending, "sent again with its entry");
    let s =
        run(vec![Event::VenueError { intent_id: p.id.clone(), message: "timeout".into(), ambiguous: true }]);
    assert_eq!(s.intents[&tp].status, IntentStatus::Waiting, "its fate is its entry's");
    let s = run(vec![Event::VenueAck {
        intent_id: p.id.clone(),
        report: report(&p, "0", None, OrderState::Open),
        recovered: false,
    }]);
    assert_eq!(s.intents[&tp].status, IntentStatus::Waiting);
}
