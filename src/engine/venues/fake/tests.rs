//! The fake venue over the simulator's matching engine: fills at the mark, resting, triggers,
//! post-only, the dead-man switch, attached exits, and the knobs tests turn.
use super::*;

fn order(
    id: &str,
    t: OrderType,
    side: Side,
    qty: &str,
    limit: Option<&str>,
    trigger: Option<&str>,
) -> OrderRequest {
    OrderRequest {
        client_order_id: id.into(),
        symbol: "BTC/USD".into(),
        side,
        quantity: qty.parse().unwrap(),
        order_type: t,
        limit_price: limit.map(|p| p.parse().unwrap()),
        trigger_price: trigger.map(|p| p.parse().unwrap()),
        time_in_force: TimeInForce::Gtc,
        reduce_only: false,
        exits: Default::default(),
    }
}

#[tokio::test]
async fn fills_rests_triggers_and_partially_fills() {
    let v = FakeVenue::new();
    let m = v.submit(&order("a", OrderType::Market, Side::Buy, "0.01", None, None)).await.unwrap();
    assert_eq!((m.state, m.average_price), (OrderState::Filled, Some(Decimal::from(50_000))));
    let l = v.submit(&order("b", OrderType::Limit, Side::Buy, "0.01", Some("49000"), None)).await.unwrap();
    assert_eq!(l.state, OrderState::Open);
    let s =
        v.submit(&order("c", OrderType::StopMarket, Side::Sell, "0.01", None, Some("48000"))).await.unwrap();
    assert_eq!(s.state, OrderState::Open);
    v.with(|s| s.set_fill_cap(Some("0.004".parse().unwrap())));
    v.set_mark("BTC/USD", Decimal::from(48_500));
    let b = v.order_status(&OrderRef::Client("b".into())).await.unwrap().unwrap();
    assert_eq!((b.state, b.filled_quantity), (OrderState::PartiallyFilled, "0.004".parse().unwrap()));
    let c = v.order_status(&OrderRef::Client("c".into())).await.unwrap().unwrap();
    assert_eq!(c.state, OrderState::Open, "the stop has not triggered");
    v.set_mark("BTC/USD", Decimal::from(47_900));
    let c = v.order_status(&OrderRef::Client("c".into())).await.unwrap().unwrap();
    assert_eq!(c.filled_quantity, "0.004".parse().unwrap(), "triggered, filled up to the cap");
    // Idempotent on the client id.
    let again =
        v.submit(&order("b", OrderType::Limit, Side::Buy, "0.01", Some("49000"), None)).await.unwrap();
    assert_eq!(again.venue_order_id, b.venue_order_id);
    assert_eq!(v.orders().len(), 3);
}

#[tokio::test]
async fn take_profits_trigger_in_favour_and_post_only_never_takes() {
    let v = FakeVenue::new();
    let sell = v
        .submit(&order("tp-s", OrderType::TakeProfitMarket, Side::Sell, "0.01", None, Some("51000")))
        .await
        .unwrap();
    let buy = v
        .submit(&order("tp-b", OrderType::TakeProfitLimit, Side::Buy, "0.01", Some("49100"), Some("49000")))
        .await
        .unwrap();
    assert_eq!((sell.state, buy.state), (OrderState::Open, OrderState::Open));
    v.set_mark("BTC/USD", Decimal::from(49_500));
    let status = |id: &'static str| {
        let v = &v;
        async move { v.order_status(&OrderRef::Client(id.into())).await.unwrap().unwrap() }
    };
    assert_eq!(status("tp-s").await.state, OrderState::Open, "a fall does not trigger a sell take-profit");
    assert_eq!(status("tp-b").await.state, OrderState::Open, "not yet down to the buy trigger");
    v.set_mark("BTC/USD", Decimal::from(48_900));
    let b = status("tp-b").await;
    assert_eq!((b.state, b.average_price), (OrderState::Filled, Some(Decimal::from(48_900))));
    v.set_mark("BTC/USD", Decimal::from(51_200));
    let s = status("tp-s").await;
    assert_eq!((s.state, s.average_price), (OrderState::Filled, Some(Decimal::from(51_200))));

    let post = |id: &str, limit: &str| OrderRequest {
        time_in_force: TimeInForce::PostOnly,
        ..order(id, OrderType::Limit, Side::Buy, "0.01", Some(limit), None)
    };
    let taker = post("po-take", "51300");
    assert!(matches!(v.validate(&taker).await, Err(VenueError::Rejected { .. })));
    assert!(matches!(v.submit(&taker).await, Err(VenueError::Rejected { .. })));
    let maker = v.submit(&post("po-make", "51000")).await.unwrap();
    assert_eq!(maker.state, OrderState::Open, "rests as a maker");
    v.set_mark("BTC/USD", Decimal::from(50_900));
    assert_eq!(status("po-make").await.state, OrderState::Filled, "then fills when crossed");
}

#[tokio::test]
async fn the_dead_man_switch_cancels_unless_refreshed() {
    let v = FakeVenue::new();
    v.submit(&order("a", OrderType::Limit, Side::Buy, "0.01", Some("49000"), None)).await.unwrap();
    v.dead_man_switch(60).await.unwrap();
    assert_eq!(v.open_orders().await.unwrap().len(), 1);
    // Pretend the deadline passed.
    v.with(|s| s.account_mut().cancel_at_ms = Some(0));
    assert!(v.open_orders().await.unwrap().is_empty());
    v.submit(&order("b", OrderType::Limit, Side::Buy, "0.01", Some("49000"), None)).await.unwrap();
    v.dead_man_switch(0).await.unwrap();
    assert_eq!(v.open_orders().await.unwrap().len(), 1, "0 disarms it");
}

#[tokio::test]
async fn validates_like_a_venue_and_streams_marks() {
    let v = FakeVenue::new();
    let bad = order("x", OrderType::Limit, Side::Buy, "0.000015", Some("49000"), None);
    assert!(matches!(v.validate(&bad).await, Err(VenueError::Rejected { .. })));
    let reduce =
        OrderRequest { reduce_only: true, ..order("y", OrderType::Market, Side::Sell, "0.01", None, None) };
    assert!(v.submit(&reduce).await.is_err(), "nothing to reduce");
    assert!(v.orders().is_empty());
    let mut rx = v.subscribe(&["BTC/USD".into()]).await.unwrap();
    let ev = rx.recv().await.unwrap();
    assert_eq!((ev.symbol.as_str(), ev.mark.price), ("BTC/USD", Decimal::from(50_000)));
}

#[tokio::test]
async fn attached_exits_wait_for_the_entry_then_one_cancels_the_other() {
    use crate::engine::execution::exits::attached_client_id;
    use crate::engine::execution::model::{AttachedExits, ExitLeg};
    let v = FakeVenue::new();
    let exits =
        AttachedExits { take_profit: Some(Decimal::from(52_000)), stop_loss: Some(Decimal::from(49_000)) };
    let bid = OrderRequest { exits, ..order("e", OrderType::Limit, Side::Buy, "0.01", Some("49900"), None) };
    v.submit(&bid).await.unwrap();
    let (tp, sl) = (attached_client_id("e", ExitLeg::TakeProfit), attached_client_id("e", ExitLeg::StopLoss));
    let status = |c: String| {
        let v = &v;
        async move { v.order_status(&OrderRef::Client(c)).await.unwrap() }
    };
    assert!(status(tp.clone()).await.is_none(), "the exits wait off the book for the entry");
    assert_eq!(v.open_orders().await.unwrap().len(), 1);
    v.set_mark("BTC/USD", Decimal::from(49_900));
    let (t, s) = (status(tp.clone()).await.unwrap(), status(sl.clone()).await.unwrap());
    assert_eq!((t.state, t.side, t.quantity), (OrderState::Open, Side::Sell, "0.01".parse().unwrap()));
    assert_eq!(s.state, OrderState::Open);
    v.set_mark("BTC/USD", Decimal::from(48_900));
    assert_eq!(status(sl).await.unwrap().state, OrderState::Filled, "the stop closed the entry");
    assert_eq!(status(tp).await.unwrap().state, OrderState::Cancelled, "and its sibling went");
    assert!(v.positions().await.unwrap().is_empty());
    // An entry cancelled unfilled drops its exits.
    let next = OrderRequest { exits, ..order("f", OrderType::Limit, Side::Buy, "0.01", Some("48000"), None) };
    v.submit(&next).await.unwrap();
    v.cancel(&OrderRef::Client("f".into())).await.unwrap();
    assert!(status(attached_client_id("f", ExitLeg::StopLoss)).await.is_none());
    assert!(v.open_orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_cancel_all_leaves_no_exit_open_after_a_partial_fill() {
    use crate::engine::execution::exits::attached_client_id;
    use crate::engine::execution::model::{AttachedExits, ExitLeg};
    let v = FakeVenue::new();
    v.with(|s| s.set_fill_cap(Some("0.004".parse().unwrap())));
    let exits = AttachedExits { take_profit: None, stop_loss: Some(Decimal::from(45_000)) };
    // A marketable limit: what the cap leaves rests (a market order's remainder is cancelled).
    let entry =
        OrderRequest { exits, ..order("p", OrderType::Limit, Side::Buy, "0.01", Some("50000"), None) };
    let r = v.submit(&entry).await.unwrap();
    assert_eq!(r.state, OrderState::PartiallyFilled);
    assert_eq!(v.cancel_all().await.unwrap(), 2, "the entry, then the stop it released");
    let stop = v.order_status(&OrderRef::Client(attached_client_id("p", ExitLeg::StopLoss))).await.unwrap();
    let stop = stop.expect("the released stop answers by its id");
    assert_eq!((stop.state, stop.quantity), (OrderState::Cancelled, "0.004".parse().unwrap()));
    assert!(v.open_orders().await.unwrap().is_empty());
}
