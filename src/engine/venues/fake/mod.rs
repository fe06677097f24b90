//! A deterministic in-process venue for tests and rehearsals: the loopback simulator's
//! matching engine ([`Exchange`]) with one perp margin account, called in process rather than
//! over a wire. Fills, partial fills, rejects, attached exits, cancels, the dead-man timer,
//! balances and positions are the simulator's, written once there. This file adds only what a
//! wire would carry: the venue's status, how old its marks are, its clock, failures injected
//! one submit at a time, and a venue that cannot be reached. The book is one level at the mark
//! (no spread), so a taker fills at the mark and a resting limit fills at its price once a
//! mark crosses it; the fill cap is the level's size (partial fills). Idempotent on client
//! order ids like a real venue. With a path it persists its state, so the CLI can rehearse
//! across processes.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::sim::book::BookShape;
use super::sim::exchange::{
    Account, Exchange, Fees, Instrument, Market, NewOrder, OrdKind, Order, PerpPosition, Reject, SimVenue,
    Status, Tif,
};
use crate::engine::execution::broker::BrokerAdapter;
use crate::engine::execution::exits::attached_requests;
use crate::engine::execution::model::*;
use crate::engine::time::now_ms;
use crate::engine::workspace::{read_json, write_json};

/// The one account the fake venue keeps in its exchange.
pub const ACCOUNT: &str = "main";
const VENUE: SimVenue = SimVenue::Fake;
/// The margin asset of the account (the simulator's perp margin account holds USDC).
const MARGIN: &str = "USDC";

/// The book's level size when no fill cap is set: more than any test order.
fn unlimited() -> Decimal {
    Decimal::from(1_000_000_000u64)
}

/// One injected misbehaviour, consumed by the next submit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    Reject(String),
    /// The request never arrives; nothing is placed.
    TimeoutBeforePlacing,
    /// The order is placed but the answer is lost: the ambiguous case.
    TimeoutAfterPlacing,
    Unavailable,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FakeState {
    /// The matching engine, instruments, account, orders and marks (a mark is the mid of the
    /// feed named like its symbol).
    pub exchange: Exchange,
    pub status: VenueStatus,
    /// How old every mark is reported to be, ms (0 = live).
    pub mark_age_ms: i64,
    /// Venue clock minus ours, ms.
    pub clock_offset_ms: i64,
    pub faults: VecDeque<Fault>,
    /// Every submit call received, accepted or not, for tests to count.
    pub submits_received: usize,
    /// The network is down: every call fails as unreachable.
    #[serde(default)]
    pub unreachable: bool,
}

/// One order as the venue holds it: what was asked and what the venue reports.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeOrder {
    pub request: OrderRequest,
    pub report: OrderReport,
}

impl Default for FakeState {
    fn default() -> Self {
        let perp = |s: &str, tick: Decimal, lot: Decimal| Instrument {
            venue: VENUE,
            symbol: s.into(),
            tick,
            lot,
            min_qty: lot,
            min_notional: Decimal::from(5),
            market: Market::Perp { max_leverage: 10 },
            feed: s.into(),
        };
        let account = Account {
            venue: VENUE,
            id: ACCOUNT.into(),
            balances: BTreeMap::from([(MARGIN.to_string(), Decimal::from(10_000))]),
            positions: BTreeMap::new(),
            cancel_at_ms: None,
        };
        let fee = Decimal::new(10, 4);
        let exchange = Exchange {
            instruments: vec![
                perp("BTC/USD", Decimal::new(1, 1), Decimal::new(1, 5)),
                perp("ETH/USD", Decimal::new(1, 2), Decimal::new(1, 4)),
            ],
            accounts: BTreeMap::from([(super::sim::exchange::account_key(VENUE, ACCOUNT), account)]),
            orders: BTreeMap::new(),
            fills: Vec::new(),
            mids: BTreeMap::from([
                ("BTC/USD".to_string(), Decimal::from(50_000)),
                ("ETH/USD".to_string(), Decimal::from(3_000)),
            ]),
            shape: BookShape {
                half_spread_bps: Decimal::ZERO,
                step_bps: Decimal::ZERO,
                levels: 1,
                level_qty: unlimited(),
            },
            fees: BTreeMap::from([(VENUE, Fees { maker: fee, taker: fee })]),
            next_id: 1,
        };
        FakeState {
            exchange,
            status: VenueStatus::Online,
            mark_age_ms: 0,
            clock_offset_ms: 0,
            faults: VecDeque::new(),
            submits_received: 0,
            unreachable: false,
        }
    }
}

impl FakeState {
    pub fn account(&self) -> &Account {
        self.exchange.account(VENUE, ACCOUNT).expect("the fake venue's account")
    }

    pub fn account_mut(&mut self) -> &mut Account {
        let key = super::sim::exchange::account_key(VENUE, ACCOUNT);
        self.exchange.accounts.get_mut(&key).expect("the fake venue's account")
    }

    /// Hold `qty` of `symbol` (0 closes it), entered at its mark: a position made behind the
    /// corridor's back.
    pub fn set_position(&mut self, symbol: &str, qty: Decimal) {
        let entry_price = self.exchange.mids.get(symbol).copied().unwrap_or_default();
        let positions = &mut self.account_mut().positions;
        if qty.is_zero() {
            positions.remove(symbol);
        } else {
            positions.insert(symbol.to_string(), PerpPosition { qty, entry_price });
        }
    }

    /// Largest quantity filled per order per market tick (None = unlimited): partial fills.
    pub fn set_fill_cap(&mut self, cap: Option<Decimal>) {
        self.exchange.shape.level_qty = cap.unwrap_or_else(unlimited);
    }

    /// Account value: cash plus unrealized PnL at the marks.
    pub fn equity(&self) -> Decimal {
        self.exchange.account_value(self.account())
    }

    pub fn instrument_rules(&self) -> Vec<InstrumentRules> {
        self.exchange
            .instruments
            .iter()
            .filter(|i| i.venue == VENUE)
            .map(|i| InstrumentRules {
                symbol: i.symbol.clone(),
                tick_size: i.tick,
                lot_size: i.lot,
                min_quantity: i.min_qty,
                min_notional: i.min_notional,
                max_price_sig_figs: None,
            })
            .collect()
    }

    pub fn rules(&self, symbol: &str) -> Option<InstrumentRules> {
        self.instrument_rules().into_iter().find(|r| r.symbol == symbol)
    }

    /// Every order of the account, in arrival order.
    pub fn orders(&self) -> Vec<FakeOrder> {
        self.exchange
            .orders
            .values()
            .filter(|o| o.venue == VENUE && o.req.account == ACCOUNT)
            .map(|o| FakeOrder { request: self.request(o), report: report(o) })
            .collect()
    }

    fn find(&self, r: &OrderRef) -> Option<&Order> {
        match r {
            OrderRef::Venue(id) => {
                let n: u64 = id.strip_prefix('F')?.parse().ok()?;
                self.exchange.orders.get(&n).filter(|o| o.venue == VENUE)
            }
            OrderRef::Client(id) => self.exchange.find_client(VENUE, ACCOUNT, id),
        }
    }

    /// The request an order was placed with, its exits read back from the engine (waiting on
    /// it, or resting as its children).
    fn request(&self, o: &Order) -> OrderRequest {
        let children: Vec<&NewOrder> =
            self.exchange.orders.values().filter(|c| c.parent == Some(o.id)).map(|c| &c.req).collect();
        let mut exits = AttachedExits::default();
        for x in o.attached.iter().chain(children) {
            match x.kind {
                OrdKind::TakeProfit => exits.take_profit = x.trigger,
                OrdKind::Stop => exits.stop_loss = x.trigger,
                _ => {}
            }
        }
        let r = &o.req;
        OrderRequest {
            client_order_id: r.client_id.clone().unwrap_or_default(),
            symbol: r.symbol.clone(),
            side: if r.buy { Side::Buy } else { Side::Sell },
            quantity: r.qty,
            order_type: match (r.kind, r.limit.is_some()) {
                (OrdKind::Market, _) => OrderType::Market,
                (OrdKind::Limit, _) => OrderType::Limit,
                (OrdKind::Stop, false) => OrderType::StopMarket,
                (OrdKind::Stop, true) => OrderType::StopLimit,
                (OrdKind::TakeProfit, false) => OrderType::TakeProfitMarket,
                (OrdKind::TakeProfit, true) => OrderType::TakeProfitLimit,
            },
            limit_price: r.limit,
            trigger_price: r.trigger,
            time_in_force: match r.tif {
                Tif::Gtc => TimeInForce::Gtc,
                Tif::Ioc => TimeInForce::Ioc,
                Tif::PostOnly => TimeInForce::PostOnly,
            },
            reduce_only: r.reduce_only,
            exits,
        }
    }

    /// A reject in words, as the fake venue has always put it.
    fn reject_text(&self, r: Reject, o: &OrderRequest) -> String {
        let i = self.exchange.instrument(VENUE, &o.symbol);
        let (tick, lot) = i.map_or((Decimal::ZERO, Decimal::ZERO), |i| (i.tick, i.lot));
        match r {
            Reject::UnknownSymbol => format!("unknown symbol {}", o.symbol),
            Reject::UnknownAccount => "unknown account".into(),
            Reject::BadQuantity => format!("quantity {} is not a multiple of the lot size {lot}", o.quantity),
            Reject::BelowMinimum => {
                let (q, n) = i.map_or((Decimal::ZERO, Decimal::ZERO), |i| (i.min_qty, i.min_notional));
                format!("order below the minimum (quantity {q}, value {n})")
            }
            Reject::OffTick => format!("price is not a multiple of the tick size {tick}"),
            Reject::MissingPrice => format!("a {} order needs its price", o.order_type.name()),
            Reject::InsufficientFunds => "insufficient margin".into(),
            Reject::PostOnlyWouldTake => "post-only order would take liquidity at the mark".into(),
            Reject::ReduceOnlyWouldIncrease => "reduce-only order would increase the position".into(),
            Reject::DuplicateClientId => format!("client order id {} is in use", o.client_order_id),
            Reject::NoLiquidity => "no market for the symbol".into(),
        }
    }

    /// Place `o` with its exits waiting on it, or check it only.
    fn place(&mut self, o: &OrderRequest, now: i64, validate_only: bool) -> VenueResult<()> {
        let exits = attached_requests(o).iter().map(new_order).collect();
        let result = if validate_only {
            self.exchange.validate(VENUE, new_order(o), exits, now)
        } else {
            self.exchange.place_with_exits(VENUE, new_order(o), exits, now).map(|_| ())
        };
        result.map_err(|r| VenueError::Rejected { reason: self.reject_text(r, o) })
    }
}

/// The venue's id of an order.
fn venue_id(id: u64) -> String {
    format!("F{id:06}")
}

/// The order as the engine's matching takes it.
fn new_order(o: &OrderRequest) -> NewOrder {
    NewOrder {
        account: ACCOUNT.into(),
        symbol: o.symbol.clone(),
        buy: o.side == Side::Buy,
        qty: o.quantity,
        kind: match o.order_type {
            OrderType::Market => OrdKind::Market,
            OrderType::Limit => OrdKind::Limit,
            OrderType::StopMarket | OrderType::StopLimit => OrdKind::Stop,
            OrderType::TakeProfitMarket | OrderType::TakeProfitLimit => OrdKind::TakeProfit,
        },
        limit: o.limit_price.filter(|_| o.order_type.needs_limit_price()),
        trigger: o.trigger_price.filter(|_| o.order_type.needs_trigger_price()),
        tif: match o.time_in_force {
            TimeInForce::Gtc => Tif::Gtc,
            // The engine has no fill-or-kill: the nearest it has never rests either.
            TimeInForce::Ioc | TimeInForce::Fok => Tif::Ioc,
            TimeInForce::PostOnly => Tif::PostOnly,
        },
        reduce_only: o.reduce_only,
        client_id: Some(o.client_order_id.clone()),
    }
}

fn report(o: &Order) -> OrderReport {
    OrderReport {
        venue_order_id: venue_id(o.id),
        client_order_id: o.req.client_id.clone().unwrap_or_default(),
        symbol: o.req.symbol.clone(),
        side: if o.req.buy { Side::Buy } else { Side::Sell },
        quantity: o.req.qty,
        filled_quantity: o.filled,
        average_price: o.average_price(),
        fees: o.fee,
        state: match o.status {
            Status::Open if o.filled.is_zero() => OrderState::Open,
            Status::Open => OrderState::PartiallyFilled,
            Status::Filled => OrderState::Filled,
            Status::Canceled => OrderState::Cancelled,
        },
    }
}

pub struct FakeVenue {
    state: Mutex<FakeState>,
    path: Option<PathBuf>,
    /// The venue it answers as: `Fake`, unless a test needs a live venue's rules.
    venue: Venue,
}

impl Default for FakeVenue {
    fn default() -> Self {
        FakeVenue { state: Mutex::new(FakeState::default()), path: None, venue: Venue::Fake }
    }
}

impl FakeVenue {
    pub fn new() -> FakeVenue {
        FakeVenue::default()
    }

    /// The fake answering as `venue`, for tests of what only live corridors must do (the
    /// promotion gate). It still moves no money; only tests build one.
    pub fn posing_as(venue: Venue) -> FakeVenue {
        FakeVenue { venue, ..FakeVenue::default() }
    }

    /// The venue as its state in `path` reads now (defaults when absent), for reads only:
    /// nothing it does is saved.
    pub fn snapshot(path: &std::path::Path) -> crate::engine::error::Result<FakeVenue> {
        let state = if path.exists() { read_json(path)? } else { FakeState::default() };
        Ok(FakeVenue { state: Mutex::new(state), path: None, venue: Venue::Fake })
    }

    /// A venue whose state lives in `path` (created with defaults when absent).
    pub fn persistent(path: PathBuf) -> crate::engine::error::Result<FakeVenue> {
        let state = if path.exists() { read_json(&path)? } else { FakeState::default() };
        let v = FakeVenue { state: Mutex::new(state), path: Some(path), venue: Venue::Fake };
        v.save();
        Ok(v)
    }

    /// Inspect or change the state directly (tests, rehearsals).
    pub fn with<R>(&self, f: impl FnOnce(&mut FakeState) -> R) -> R {
        let r = f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()));
        self.save();
        r
    }

    pub fn inject(&self, fault: Fault) {
        self.with(|s| s.faults.push_back(fault));
    }

    /// Move a mark: a market tick, so resting orders that it crosses fill (or trigger).
    pub fn set_mark(&self, symbol: &str, price: Decimal) {
        let now = self.now();
        self.with(|s| {
            s.exchange.tick(&BTreeMap::from([(symbol.to_string(), price)]), now);
        });
    }

    /// Orders the venue holds, in arrival order.
    pub fn orders(&self) -> Vec<FakeOrder> {
        self.with(|s| s.orders())
    }

    fn save(&self) {
        if let Some(p) = &self.path {
            let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            // A rehearsal venue: a failed save shows up as lost state on the next call.
            let _ = write_json(p, &*s);
        }
    }

    fn now(&self) -> i64 {
        now_ms()
    }

    fn reachable(&self) -> VenueResult<()> {
        if self.with(|s| s.unreachable) {
            return Err(VenueError::Unavailable { message: "connection refused".into() });
        }
        Ok(())
    }
}

#[async_trait]
impl BrokerAdapter for FakeVenue {
    fn venue(&self) -> Venue {
        self.venue
    }

    fn loopback_only(&self) -> std::result::Result<(), crate::engine::loopback::NotLoopback> {
        Ok(())
    }

    async fn status(&self) -> VenueResult<VenueStatus> {
        self.reachable()?;
        Ok(self.with(|s| s.status))
    }

    async fn server_time(&self) -> VenueResult<i64> {
        self.reachable()?;
        let now = self.now();
        Ok(self.with(|s| now + s.clock_offset_ms))
    }

    async fn instruments(&self) -> VenueResult<Vec<InstrumentRules>> {
        Ok(self.with(|s| s.instrument_rules()))
    }

    async fn balances(&self) -> VenueResult<Vec<Balance>> {
        Ok(self.with(|s| {
            let acct = s.account();
            let (total, available) = (s.exchange.account_value(acct), s.exchange.withdrawable(acct));
            vec![Balance { asset: MARGIN.into(), total, available }]
        }))
    }

    async fn positions(&self) -> VenueResult<Vec<Position>> {
        Ok(self.with(|s| {
            s.account()
                .positions
                .iter()
                .map(|(k, p)| Position { symbol: k.clone(), quantity: p.qty })
                .collect()
        }))
    }

    async fn open_orders(&self) -> VenueResult<Vec<OrderReport>> {
        let now = self.now();
        Ok(self.with(|s| {
            s.exchange.expire_dead_men(now);
            s.exchange.open_orders(VENUE, ACCOUNT).into_iter().map(report).collect()
        }))
    }

    async fn order_status(&self, order: &OrderRef) -> VenueResult<Option<OrderReport>> {
        let now = self.now();
        Ok(self.with(|s| {
            s.exchange.expire_dead_men(now);
            s.find(order).map(report)
        }))
    }

    async fn submit(&self, order: &OrderRequest) -> VenueResult<OrderReport> {
        let now = self.now();
        self.with(|s| {
            s.submits_received += 1;
            s.exchange.expire_dead_men(now);
            let fault = s.faults.pop_front();
            match &fault {
                Some(Fault::Reject(reason)) => return Err(VenueError::Rejected { reason: reason.clone() }),
                Some(Fault::TimeoutBeforePlacing) => {
                    return Err(VenueError::Timeout { message: "no answer within the deadline".into() })
                }
                Some(Fault::Unavailable) => {
                    return Err(VenueError::Unavailable { message: "503 from the venue".into() })
                }
                _ => {}
            }
            if s.status != VenueStatus::Online {
                return Err(VenueError::Rejected { reason: "venue is not accepting new orders".into() });
            }
            // Idempotent on the client id: the existing order, never a second one.
            if let Some(o) = s.find(&OrderRef::Client(order.client_order_id.clone())) {
                return Ok(report(o));
            }
            s.place(order, now, false)?;
            if fault == Some(Fault::TimeoutAfterPlacing) {
                return Err(VenueError::Timeout { message: "no answer within the deadline".into() });
            }
            let placed = s.find(&OrderRef::Client(order.client_order_id.clone())).expect("just placed");
            Ok(report(placed))
        })
    }

    async fn validate(&self, order: &OrderRequest) -> VenueResult<()> {
        let now = self.now();
        self.with(|s| s.place(order, now, true))
    }

    async fn cancel(&self, order: &OrderRef) -> VenueResult<OrderReport> {
        let now = self.now();
        self.with(|s| {
            let id = s.find(order).ok_or(VenueError::NotFound { message: "no such order".into() })?.id;
            s.exchange.cancel(id, now);
            Ok(report(&s.exchange.orders[&id]))
        })
    }

    async fn cancel_all(&self) -> VenueResult<usize> {
        let now = self.now();
        Ok(self.with(|s| s.exchange.cancel_all(VENUE, ACCOUNT, now).len()))
    }

    async fn dead_man_switch(&self, seconds: u32) -> VenueResult<()> {
        let now = self.now();
        self.with(|s| s.account_mut().cancel_at_ms = (seconds > 0).then(|| now + seconds as i64 * 1000));
        Ok(())
    }

    async fn marks(&self, symbols: &[String]) -> VenueResult<BTreeMap<String, Mark>> {
        let now = self.now();
        Ok(self.with(|s| {
            symbols
                .iter()
                .filter_map(|sym| {
                    let price = *s.exchange.mids.get(sym)?;
                    Some((sym.clone(), Mark { price, at_ms: now - s.mark_age_ms }))
                })
                .collect()
        }))
    }

    async fn subscribe(&self, symbols: &[String]) -> VenueResult<tokio::sync::mpsc::Receiver<MarketEvent>> {
        // A snapshot of the current marks; the fake has no feed of its own.
        let marks = self.marks(symbols).await?;
        let (tx, rx) = tokio::sync::mpsc::channel(marks.len().max(1));
        for (symbol, mark) in marks {
            let _ = tx.try_send(MarketEvent { symbol, mark });
        }
        Ok(rx)
    }
}

#[cfg(test)]
mod tests;
