//! A deterministic in-process venue for tests and rehearsals. It keeps orders, fills,
//! positions and a quote balance, fills marketable orders at the mark, rests the others until
//! `set_mark` crosses them, is idempotent on client order ids like a real venue, and can be
//! told to misbehave (reject, time out before or after placing, go offline) one call at a time.
//! With a path it persists its state, so the CLI can rehearse across processes.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use rust_decimal::prelude::Signed;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::broker::BrokerAdapter;
use super::model::*;
use crate::engine::time::now_ms;
use crate::engine::workspace::{read_json, write_json};

/// One injected misbehaviour, consumed by the next submit (or status call for `Offline`).
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
    pub status: VenueStatus,
    pub instruments: Vec<InstrumentRules>,
    pub marks: BTreeMap<String, Decimal>,
    /// How old every mark is reported to be, ms (0 = live).
    pub mark_age_ms: i64,
    /// Venue clock minus ours, ms.
    pub clock_offset_ms: i64,
    pub quote_asset: String,
    pub cash: Decimal,
    pub positions: BTreeMap<String, Decimal>,
    pub fee_bps: Decimal,
    /// Largest quantity filled per order per price update (None = unlimited): partial fills.
    pub fill_cap: Option<Decimal>,
    pub orders: Vec<FakeOrder>,
    pub faults: VecDeque<Fault>,
    /// Epoch ms after which every order is cancelled unless the switch is refreshed.
    pub dead_man_deadline: Option<i64>,
    /// Every submit call received, accepted or not, for tests to count.
    pub submits_received: usize,
    /// The network is down: every call fails as unreachable.
    #[serde(default)]
    pub unreachable: bool,
    pub next_id: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FakeOrder {
    pub request: OrderRequest,
    pub report: OrderReport,
    /// A stop order waiting for its trigger.
    pub armed_stop: bool,
    /// On an attached exit: the venue id of its entry ([`super::fake_exits`]).
    #[serde(default)]
    pub parent: Option<String>,
    /// On an entry with exits: they have been released (or dropped with an unfilled entry).
    #[serde(default)]
    pub exits_released: bool,
}

impl Default for FakeState {
    fn default() -> Self {
        let rules = |s: &str, tick: Decimal, lot: Decimal| InstrumentRules {
            symbol: s.into(),
            tick_size: tick,
            lot_size: lot,
            min_quantity: lot,
            min_notional: Decimal::from(5),
        };
        FakeState {
            status: VenueStatus::Online,
            instruments: vec![
                rules("BTC/USD", Decimal::new(1, 1), Decimal::new(1, 5)),
                rules("ETH/USD", Decimal::new(1, 2), Decimal::new(1, 4)),
            ],
            marks: [
                ("BTC/USD".to_string(), Decimal::from(50_000)),
                ("ETH/USD".to_string(), Decimal::from(3_000)),
            ]
            .into_iter()
            .collect(),
            mark_age_ms: 0,
            clock_offset_ms: 0,
            quote_asset: "USD".into(),
            cash: Decimal::from(10_000),
            positions: BTreeMap::new(),
            fee_bps: Decimal::from(10),
            fill_cap: None,
            orders: Vec::new(),
            faults: VecDeque::new(),
            dead_man_deadline: None,
            submits_received: 0,
            unreachable: false,
            next_id: 1,
        }
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

    /// Move a mark; resting orders that it crosses fill (or trigger).
    pub fn set_mark(&self, symbol: &str, price: Decimal) {
        self.with(|s| {
            s.marks.insert(symbol.to_string(), price);
            s.match_resting(symbol);
        });
    }

    /// Orders the venue holds, in arrival order.
    pub fn orders(&self) -> Vec<FakeOrder> {
        self.with(|s| s.orders.clone())
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

impl FakeState {
    fn rules(&self, symbol: &str) -> Option<&InstrumentRules> {
        self.instruments.iter().find(|r| r.symbol == symbol)
    }

    pub(super) fn check(&self, o: &OrderRequest) -> Result<(), String> {
        let r = self.rules(&o.symbol).ok_or_else(|| format!("unknown symbol {}", o.symbol))?;
        if o.quantity < r.min_quantity {
            return Err(format!("quantity {} below the minimum {}", o.quantity, r.min_quantity));
        }
        if (o.quantity % r.lot_size) != Decimal::ZERO {
            return Err(format!("quantity {} is not a multiple of the lot size {}", o.quantity, r.lot_size));
        }
        for p in [o.limit_price, o.trigger_price].into_iter().flatten() {
            if (p % r.tick_size) != Decimal::ZERO {
                return Err(format!("price {p} is not a multiple of the tick size {}", r.tick_size));
            }
        }
        let mark = self.marks.get(&o.symbol).copied().ok_or("no market for the symbol")?;
        let price = o.limit_price.or(o.trigger_price).unwrap_or(mark);
        if price * o.quantity < r.min_notional {
            return Err(format!("order value below the minimum {}", r.min_notional));
        }
        if o.time_in_force == TimeInForce::PostOnly {
            let marketable = match (o.order_type, o.limit_price) {
                (OrderType::Limit, Some(limit)) => match o.side {
                    Side::Buy => mark <= limit,
                    Side::Sell => mark >= limit,
                },
                _ => true,
            };
            if marketable {
                return Err(format!("post-only order would take liquidity at the mark {mark}"));
            }
        }
        if o.reduce_only {
            let pos = self.positions.get(&o.symbol).copied().unwrap_or_default();
            let after = pos + o.side.sign() * o.quantity;
            if pos == Decimal::ZERO
                || after.abs() > pos.abs()
                || (after != Decimal::ZERO && after.signum() != pos.signum())
            {
                return Err("reduce-only order would increase the position".into());
            }
        }
        Ok(())
    }

    /// Fill as much of order `i` as the mark and the fill cap allow.
    fn try_fill(&mut self, i: usize) {
        let sym = self.orders[i].request.symbol.clone();
        let Some(mark) = self.marks.get(&sym).copied() else { return };
        let o = &mut self.orders[i];
        if !o.report.state.is_open() {
            return;
        }
        let req = &o.request;
        if o.armed_stop {
            let trigger = req.trigger_price.unwrap_or(mark);
            // A stop triggers against the order (buy above, sell below); a take-profit in
            // its favour (sell above, buy below).
            let hit = match (req.side, req.order_type.is_take_profit()) {
                (Side::Buy, false) | (Side::Sell, true) => mark >= trigger,
                (Side::Sell, false) | (Side::Buy, true) => mark <= trigger,
            };
            if !hit {
                return;
            }
            o.armed_stop = false;
        }
        let price = match (req.order_type, req.limit_price) {
            (OrderType::Market | OrderType::StopMarket | OrderType::TakeProfitMarket, _) => mark,
            (_, Some(limit)) => {
                let marketable = match req.side {
                    Side::Buy => mark <= limit,
                    Side::Sell => mark >= limit,
                };
                if !marketable {
                    return;
                }
                mark
            }
            (_, None) => return,
        };
        let remaining = req.quantity - o.report.filled_quantity;
        let qty = self.fill_cap.map_or(remaining, |c| c.min(remaining));
        if qty <= Decimal::ZERO {
            return;
        }
        let fee = price * qty * self.fee_bps / Decimal::from(10_000);
        let before = o.report.filled_quantity;
        let avg = o.report.average_price.unwrap_or(Decimal::ZERO);
        o.report.filled_quantity += qty;
        o.report.average_price = Some((avg * before + price * qty) / o.report.filled_quantity);
        o.report.fees += fee;
        o.report.state = if o.report.filled_quantity >= req.quantity {
            OrderState::Filled
        } else {
            OrderState::PartiallyFilled
        };
        let signed = req.side.sign() * qty;
        *self.positions.entry(sym.clone()).or_default() += signed;
        if self.positions.get(&sym) == Some(&Decimal::ZERO) {
            self.positions.remove(&sym);
        }
        self.cash -= signed * price + fee;
    }

    fn match_resting(&mut self, symbol: &str) {
        // Exits released on the way are appended, and matched in the same pass.
        let mut i = 0;
        while i < self.orders.len() {
            if self.orders[i].request.symbol == symbol {
                self.try_fill(i);
                self.settle_exits(i);
            }
            i += 1;
        }
    }

    fn find(&self, r: &OrderRef) -> Option<usize> {
        self.orders.iter().position(|o| match r {
            OrderRef::Venue(id) => &o.report.venue_order_id == id,
            OrderRef::Client(id) => &o.report.client_order_id == id,
        })
    }

    fn expire_dead_man(&mut self, now: i64) {
        if self.dead_man_deadline.is_some_and(|d| now > d) {
            self.cancel_open();
            self.dead_man_deadline = None;
        }
    }

    /// Cancel every open order; a partly filled entry releases its exits, which are then
    /// cancelled too (nothing stays open after a cancel-all).
    fn cancel_open(&mut self) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < self.orders.len() {
            if self.orders[i].report.state.is_open() {
                self.orders[i].report.state = OrderState::Cancelled;
                self.settle_exits(i);
                n += 1;
            }
            i += 1;
        }
        n
    }
}

#[async_trait]
impl BrokerAdapter for FakeVenue {
    fn venue(&self) -> Venue {
        self.venue
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
        Ok(self.with(|s| s.instruments.clone()))
    }

    async fn balances(&self) -> VenueResult<Vec<Balance>> {
        Ok(self.with(|s| vec![Balance { asset: s.quote_asset.clone(), total: s.cash, available: s.cash }]))
    }

    async fn positions(&self) -> VenueResult<Vec<Position>> {
        Ok(self.with(|s| {
            s.positions.iter().map(|(k, v)| Position { symbol: k.clone(), quantity: *v }).collect()
        }))
    }

    async fn open_orders(&self) -> VenueResult<Vec<OrderReport>> {
        let now = self.now();
        Ok(self.with(|s| {
            s.expire_dead_man(now);
            s.orders.iter().filter(|o| o.report.state.is_open()).map(|o| o.report.clone()).collect()
        }))
    }

    async fn order_status(&self, order: &OrderRef) -> VenueResult<Option<OrderReport>> {
        let now = self.now();
        Ok(self.with(|s| {
            s.expire_dead_man(now);
            s.find(order).map(|i| s.orders[i].report.clone())
        }))
    }

    async fn submit(&self, order: &OrderRequest) -> VenueResult<OrderReport> {
        let now = self.now();
        self.with(|s| {
            s.submits_received += 1;
            s.expire_dead_man(now);
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
            if let Some(i) = s.find(&OrderRef::Client(order.client_order_id.clone())) {
                return Ok(s.orders[i].report.clone());
            }
            s.check(order).map_err(|reason| VenueError::Rejected { reason })?;
            let id = format!("F{:06}", s.next_id);
            s.next_id += 1;
            s.orders.push(FakeOrder {
                request: order.clone(),
                report: OrderReport {
                    venue_order_id: id,
                    client_order_id: order.client_order_id.clone(),
                    symbol: order.symbol.clone(),
                    side: order.side,
                    quantity: order.quantity,
                    filled_quantity: Decimal::ZERO,
                    average_price: None,
                    fees: Decimal::ZERO,
                    state: OrderState::Open,
                },
                armed_stop: order.order_type.needs_trigger_price(),
                parent: None,
                exits_released: false,
            });
            let i = s.orders.len() - 1;
            s.try_fill(i);
            s.settle_exits(i);
            if fault == Some(Fault::TimeoutAfterPlacing) {
                return Err(VenueError::Timeout { message: "no answer within the deadline".into() });
            }
            Ok(s.orders[i].report.clone())
        })
    }

    async fn validate(&self, order: &OrderRequest) -> VenueResult<()> {
        self.with(|s| s.check(order)).map_err(|reason| VenueError::Rejected { reason })
    }

    async fn cancel(&self, order: &OrderRef) -> VenueResult<OrderReport> {
        self.with(|s| {
            let i = s.find(order).ok_or(VenueError::NotFound { message: "no such order".into() })?;
            if s.orders[i].report.state.is_open() {
                s.orders[i].report.state = OrderState::Cancelled;
            }
            s.settle_exits(i);
            Ok(s.orders[i].report.clone())
        })
    }

    async fn cancel_all(&self) -> VenueResult<usize> {
        Ok(self.with(|s| s.cancel_open()))
    }

    async fn dead_man_switch(&self, seconds: u32) -> VenueResult<()> {
        let now = self.now();
        self.with(|s| s.dead_man_deadline = (seconds > 0).then(|| now + seconds as i64 * 1000));
        Ok(())
    }

    async fn marks(&self, symbols: &[String]) -> VenueResult<BTreeMap<String, Mark>> {
        let now = self.now();
        Ok(self.with(|s| {
            symbols
                .iter()
                .filter_map(|sym| {
                    s.marks.get(sym).map(|p| (sym.clone(), Mark { price: *p, at_ms: now - s.mark_age_ms }))
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
#[path = "fake_tests.rs"]
mod tests;
