//! The simulator's matching engine, shared by both venues' wire layers: instruments, accounts
//! (spot balances or a perp margin account), orders, fills and the dead-man timer. Venue
//! layers validate their own wire rules and translate [`Reject`] into the venue's error text.
//! All state is plain data so it can be persisted whole and survive a restart.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::book::{take, BookShape};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SimVenue {
    Kraken,
    Hyperliquid,
    /// The in-process fake venue's own book ([`crate::engine::venues::fake`]): no wire.
    Fake,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Market {
    Spot { base: String, quote: String },
    Perp { max_leverage: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    pub venue: SimVenue,
    pub symbol: String,
    /// Zero: the venue layer checks prices itself (Hyperliquid's significant-figure rule).
    pub tick: Decimal,
    pub lot: Decimal,
    pub min_qty: Decimal,
    pub min_notional: Decimal,
    pub market: Market,
    /// Which market-feed series drives it, and the price it starts at.
    pub feed: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrdKind {
    Market,
    Limit,
    /// Triggers when the price moves against a position (buy above, sell below).
    Stop,
    /// Triggers when the price moves in favour (sell above, buy below).
    TakeProfit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tif {
    Gtc,
    Ioc,
    PostOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Accepted; a stop waiting for its trigger is also open.
    Open,
    Filled,
    Canceled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOrder {
    pub account: String,
    pub symbol: String,
    pub buy: bool,
    pub qty: Decimal,
    pub kind: OrdKind,
    pub limit: Option<Decimal>,
    pub trigger: Option<Decimal>,
    pub tif: Tif,
    pub reduce_only: bool,
    pub client_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: u64,
    pub venue: SimVenue,
    pub req: NewOrder,
    pub filled: Decimal,
    /// Sum of price x quantity over the fills.
    pub cost: Decimal,
    pub fee: Decimal,
    pub status: Status,
    pub triggered: bool,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Exits waiting for this order to be done ([`super::attached`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached: Vec<NewOrder>,
    /// Set on an exit once it rests: the order it was attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<u64>,
}

impl Order {
    /// A new open order, nothing filled yet.
    pub fn new(id: u64, venue: SimVenue, req: NewOrder, now_ms: i64) -> Order {
        Order {
            id,
            venue,
            req,
            filled: Decimal::ZERO,
            cost: Decimal::ZERO,
            fee: Decimal::ZERO,
            status: Status::Open,
            triggered: false,
            created_ms: now_ms,
            updated_ms: now_ms,
            attached: Vec::new(),
            parent: None,
        }
    }

    pub fn remaining(&self) -> Decimal {
        self.req.qty - self.filled
    }

    /// A market order, or a triggered stop or take-profit without a limit.
    pub fn is_market(&self) -> bool {
        self.req.kind == OrdKind::Market || (self.triggered && self.req.limit.is_none())
    }

    pub fn average_price(&self) -> Option<Decimal> {
        (!self.filled.is_zero()).then(|| (self.cost / self.filled).round_dp(10).normalize())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    pub trade_id: u64,
    pub order_id: u64,
    pub venue: SimVenue,
    pub account: String,
    pub symbol: String,
    pub buy: bool,
    pub price: Decimal,
    pub qty: Decimal,
    pub fee: Decimal,
    pub maker: bool,
    pub time_ms: i64,
    /// Perps: position before the fill, and the PnL it realized.
    pub start_position: Decimal,
    pub closed_pnl: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PerpPosition {
    pub qty: Decimal,
    pub entry_price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub venue: SimVenue,
    /// Kraken: the API key; Hyperliquid: the lowercase account address.
    pub id: String,
    /// Spot assets, or "USDC" for the perp margin account.
    pub balances: BTreeMap<String, Decimal>,
    pub positions: BTreeMap<String, PerpPosition>,
    /// Dead-man switch: every open order is cancelled at this time (ms).
    pub cancel_at_ms: Option<i64>,
}

/// Done orders and fills kept; older ones are dropped so state (saved whole) stays bounded.
pub const KEEP_DONE: usize = 20_000;

/// Why the engine refused an order; each venue layer words it as that venue does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reject {
    UnknownSymbol,
    UnknownAccount,
    BadQuantity,
    BelowMinimum,
    OffTick,
    MissingPrice,
    InsufficientFunds,
    PostOnlyWouldTake,
    ReduceOnlyWouldIncrease,
    DuplicateClientId,
    NoLiquidity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    Order(Order),
    Fill(Fill),
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fees {
    pub maker: Decimal,
    pub taker: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub instruments: Vec<Instrument>,
    pub accounts: BTreeMap<String, Account>,
    pub orders: BTreeMap<u64, Order>,
    pub fills: Vec<Fill>,
    /// Mid prices by feed name.
    pub mids: BTreeMap<String, Decimal>,
    pub shape: BookShape,
    pub fees: BTreeMap<SimVenue, Fees>,
    pub next_id: u64,
}

pub fn account_key(venue: SimVenue, id: &str) -> String {
    format!("{venue:?}:{id}")
}

fn on_grid(x: Decimal, step: Decimal) -> bool {
    step.is_zero() || (x % step).is_zero()
}

impl Exchange {
    pub fn instrument(&self, venue: SimVenue, symbol: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.venue == venue && i.symbol == symbol)
    }

    pub fn mid(&self, inst: &Instrument) -> Option<Decimal> {
        self.mids.get(&inst.feed).copied()
    }

    pub fn account(&self, venue: SimVenue, id: &str) -> Option<&Account> {
        self.accounts.get(&account_key(venue, id))
    }

    fn ladder(&self, inst: &Instrument) -> Option<super::book::Ladder> {
        let mid = self.mid(inst)?;
        let tick = if inst.tick.is_zero() { Decimal::new(1, 8) } else { inst.tick };
        Some(self.shape.ladder(mid, tick, self.shape.level_qty.max(inst.lot)))
    }

    pub fn open_orders(&self, venue: SimVenue, account: &str) -> Vec<&Order> {
        self.orders
            .values()
            .filter(|o| o.venue == venue && o.req.account == account && o.status == Status::Open)
            .collect()
    }

    /// The order with this client id: the open one if any, else the newest (Kraken lets a
    /// cl_ord_id be used again once its order is closed).
    pub fn find_client(&self, venue: SimVenue, account: &str, client_id: &str) -> Option<&Order> {
        let mut mine = self.orders.values().rev().filter(|o| {
            o.venue == venue && o.req.account == account && o.req.client_id.as_deref() == Some(client_id)
        });
        let newest = mine.next()?;
        if newest.status == Status::Open {
            return Some(newest);
        }
        Some(mine.find(|o| o.status == Status::Open).unwrap_or(newest))
    }

    /// Validate-only: the checks `place_with_exits` makes, run on a copy; nothing is placed.
    pub fn validate(
        &self,
        venue: SimVenue,
        req: NewOrder,
        exits: Vec<NewOrder>,
        now_ms: i64,
    ) -> Result<(), Reject> {
        self.clone().place_with_exits(venue, req, exits, now_ms).map(|_| ())
    }

    /// Accept, match what is marketable now, and rest the remainder as the order asks.
    pub fn place(
        &mut self,
        venue: SimVenue,
        req: NewOrder,
        now_ms: i64,
    ) -> Result<(Order, Vec<Event>), Reject> {
        let inst = self.instrument(venue, &req.symbol).ok_or(Reject::UnknownSymbol)?.clone();
        let acct_key = account_key(venue, &req.account);
        if !self.accounts.contains_key(&acct_key) {
            return Err(Reject::UnknownAccount);
        }
        if let Some(c) = &req.client_id {
            // Kraken enforces cl_ord_id uniqueness across open orders only; Hyperliquid across all.
            let clash = self.orders.values().any(|o| {
                o.venue == venue
                    && o.req.account == req.account
                    && o.req.client_id.as_deref() == Some(c)
                    && (venue == SimVenue::Hyperliquid || o.status == Status::Open)
            });
            if clash {
                return Err(Reject::DuplicateClientId);
            }
        }
        if req.qty <= Decimal::ZERO || !on_grid(req.qty, inst.lot) {
            return Err(Reject::BadQuantity);
        }
        let needs_limit = req.kind == OrdKind::Limit;
        let needs_trigger = matches!(req.kind, OrdKind::Stop | OrdKind::TakeProfit);
        if (needs_limit && req.limit.is_none()) || (needs_trigger && req.trigger.is_none()) {
            return Err(Reject::MissingPrice);
        }
        for p in [req.limit, req.trigger].into_iter().flatten() {
            if p <= Decimal::ZERO || !on_grid(p, inst.tick) {
                return Err(Reject::OffTick);
            }
        }
        let ladder = self.ladder(&inst).ok_or(Reject::NoLiquidity)?;
        let touch = if req.buy { ladder.asks[0].0 } else { ladder.bids[0].0 };
        // A market order is funded at the worst level it would reach, not the touch.
        let reach = take(if req.buy { &ladder.asks } else { &ladder.bids }, req.qty, None, req.buy);
        let worst = reach.last().map_or(touch, |l| l.0);
        let ref_px = req.limit.or(req.trigger).unwrap_or(worst);
        if req.qty < inst.min_qty || req.qty * ref_px < inst.min_notional {
            return Err(Reject::BelowMinimum);
        }
        let marketable = match (req.kind, req.limit) {
            (OrdKind::Market, _) => true,
            (OrdKind::Limit, Some(l)) => (req.buy && l >= touch) || (!req.buy && l <= touch),
            _ => false,
        };
        if req.tif == Tif::PostOnly && marketable {
            return Err(Reject::PostOnlyWouldTake);
        }
        self.check_funds(&inst, &req, ref_px)?;
        let id = self.next_id;
        self.next_id += 1;
        let mut order = Order::new(id, venue, req, now_ms);
        let mut events = Vec::new();
        if marketable {
            self.take_liquidity(&inst, &mut order, now_ms, &mut events);
        }
        self.settle_after_taking(&mut order, marketable);
        self.orders.insert(id, order.clone());
        events.push(Event::Order(order.clone()));
        Ok((order, events))
    }

    /// An IOC or market remainder is cancelled; a filled order is done; the rest rests.
    fn settle_after_taking(&self, order: &mut Order, took: bool) {
        if order.remaining().is_zero() {
            order.status = Status::Filled;
        } else if took && (order.is_market() || order.req.tif == Tif::Ioc) {
            order.status = Status::Canceled;
        }
    }

    fn check_funds(&self, inst: &Instrument, req: &NewOrder, px: Decimal) -> Result<(), Reject> {
        let acct = &self.accounts[&account_key(inst.venue, &req.account)];
        let taker = self.fees[&inst.venue].taker;
        match &inst.market {
            Market::Spot { base, quote } => {
                let (asset, need) =
                    if req.buy { (quote, req.qty * px * (Decimal::ONE + taker)) } else { (base, req.qty) };
                let held: Decimal = self
                    .open_orders(inst.venue, &req.account)
                    .iter()
                    .filter_map(|o| {
                        let i = self.instrument(inst.venue, &o.req.symbol)?;
                        let Market::Spot { base: b, quote: q } = &i.market else { return None };
                        let px = o.req.limit.or(o.req.trigger).unwrap_or_default();
                        match o.req.buy {
                            true if q == asset => Some(o.remaining() * px * (Decimal::ONE + taker)),
                            false if b == asset => Some(o.remaining()),
                            _ => None,
                        }
                    })
                    .sum();
                let have = acct.balances.get(asset).copied().unwrap_or_default();
                if have - held < need {
                    return Err(Reject::InsufficientFunds);
                }
            }
            Market::Perp { max_leverage } => {
                let pos = acct.positions.get(&inst.symbol).map(|p| p.qty).unwrap_or_default();
                let signed = if req.buy { req.qty } else { -req.qty };
                if req.reduce_only {
                    let reduces = !pos.is_zero() && pos.is_sign_positive() != signed.is_sign_positive();
                    if !reduces || req.qty > pos.abs() {
                        return Err(Reject::ReduceOnlyWouldIncrease);
                    }
                    return Ok(());
                }
                let lev = Decimal::from((*max_leverage).max(1));
                let need = req.qty * px / lev;
                if self.withdrawable(acct) < need {
                    return Err(Reject::InsufficientFunds);
                }
            }
        }
        Ok(())
    }

    fn take_liquidity(&mut self, inst: &Instrument, order: &mut Order, now_ms: i64, events: &mut Vec<Event>) {
        let Some(ladder) = self.ladder(inst) else { return };
        let side = if order.req.buy { &ladder.asks } else { &ladder.bids };
        let limit = if order.is_market() { None } else { order.req.limit };
        for (px, q) in take(side, order.remaining(), limit, order.req.buy) {
            self.fill(inst, order, px, q, false, now_ms, events);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        inst: &Instrument,
        order: &mut Order,
        px: Decimal,
        qty: Decimal,
        maker: bool,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) {
        let fees = self.fees[&inst.venue];
        let fee = (px * qty * if maker { fees.maker } else { fees.taker }).round_dp(8);
        let acct =
            self.accounts.get_mut(&account_key(inst.venue, &order.req.account)).expect("checked at place");
        let mut start = Decimal::ZERO;
        let mut closed = Decimal::ZERO;
        match &inst.market {
            Market::Spot { base, quote } => {
                let sign = if order.req.buy { Decimal::ONE } else { -Decimal::ONE };
                *acct.balances.entry(base.clone()).or_default() += sign * qty;
                *acct.balances.entry(quote.clone()).or_default() -= sign * px * qty + fee;
            }
            Market::Perp { .. } => {
                let pos = acct.positions.entry(inst.symbol.clone()).or_default();
                start = pos.qty;
                let signed = if order.req.buy { qty } else { -qty };
                if pos.qty.is_zero() || pos.qty.is_sign_positive() == signed.is_sign_positive() {
                    let new_qty = pos.qty + signed;
                    pos.entry_price =
                        ((pos.entry_price * pos.qty.abs() + px * qty) / new_qty.abs()).round_dp(8);
                    pos.qty = new_qty;
                } else {
                    let closing = qty.min(pos.qty.abs());
                    closed = (px - pos.entry_price)
                        * closing
                        * if pos.qty.is_sign_negative() { -Decimal::ONE } else { Decimal::ONE };
                    let new_qty = pos.qty + signed;
                    if new_qty.is_zero() {
                        pos.entry_price = Decimal::ZERO;
                    } else if new_qty.is_sign_positive() != pos.qty.is_sign_positive() {
                        pos.entry_price = px;
                    }
                    pos.qty = new_qty;
                }
                if pos.qty.is_zero() {
                    acct.positions.remove(&inst.symbol);
                }
                *acct.balances.entry("USDC".into()).or_default() += closed - fee;
            }
        }
        order.filled += qty;
        order.cost += px * qty;
        order.fee += fee;
        order.updated_ms = now_ms;
        let trade_id = self.next_id;
        self.next_id += 1;
        let f = Fill {
            trade_id,
            order_id: order.id,
            venue: inst.venue,
            account: order.req.account.clone(),
            symbol: inst.symbol.clone(),
            buy: order.req.buy,
            price: px,
            qty,
            fee,
            maker,
            time_ms: now_ms,
            start_position: start,
            closed_pnl: closed,
        };
        self.fills.push(f.clone());
        events.push(Event::Fill(f));
    }

    /// Cancel one open order. `None` when it is unknown or already done. A partly filled
    /// entry releases its exits for what it filled (their events go out with the next tick's).
    pub fn cancel(&mut self, id: u64, now_ms: i64) -> Option<Order> {
        let o = self.orders.get_mut(&id)?;
        if o.status != Status::Open {
            return None;
        }
        o.status = Status::Canceled;
        o.updated_ms = now_ms;
        let done = o.clone();
        self.release_attached(id, now_ms, &mut Vec::new());
        Some(done)
    }

    /// Cancel every open order, the exits a partly filled entry releases on the way included.
    pub fn cancel_all(&mut self, venue: SimVenue, account: &str, now_ms: i64) -> Vec<Order> {
        let mut done = Vec::new();
        loop {
            let ids: Vec<u64> = self.open_orders(venue, account).iter().map(|o| o.id).collect();
            if ids.is_empty() {
                return done;
            }
            done.extend(ids.into_iter().filter_map(|id| self.cancel(id, now_ms)));
        }
    }

    /// A market tick: new mids, then stops triggered, resting orders filled (at most one
    /// level's quantity each), and dead-man timers that have run out.
    pub fn tick(&mut self, mids: &BTreeMap<String, Decimal>, now_ms: i64) -> Vec<Event> {
        self.mids.extend(mids.iter().map(|(k, v)| (k.clone(), *v)));
        let mut events = self.expire_dead_men(now_ms);
        let open: Vec<u64> =
            self.orders.values().filter(|o| o.status == Status::Open).map(|o| o.id).collect();
        for id in open {
            let mut order = self.orders[&id].clone();
            let Some(inst) = self.instrument(order.venue, &order.req.symbol).cloned() else { continue };
            let Some(mid) = self.mid(&inst) else { continue };
            let before = (order.filled, order.status);
            if matches!(order.req.kind, OrdKind::Stop | OrdKind::TakeProfit) && !order.triggered {
                let t = order.req.trigger.expect("checked at place");
                let up = (order.req.kind == OrdKind::Stop) == order.req.buy;
                if (up && mid >= t) || (!up && mid <= t) {
                    // The kind stays as placed (venues report a triggered stop as a stop).
                    order.triggered = true;
                    self.take_liquidity(&inst, &mut order, now_ms, &mut events);
                    self.settle_after_taking(&mut order, true);
                }
            } else if order.req.kind == OrdKind::Limit || (order.triggered && order.req.limit.is_some()) {
                let Some(ladder) = self.ladder(&inst) else { continue };
                let l = order.req.limit.expect("limit order");
                let touch = if order.req.buy { ladder.asks[0].0 } else { ladder.bids[0].0 };
                if (order.req.buy && touch <= l) || (!order.req.buy && touch >= l) {
                    let q = order.remaining().min(self.shape.level_qty.max(inst.lot));
                    self.fill(&inst, &mut order, l, q, true, now_ms, &mut events);
                    self.settle_after_taking(&mut order, false);
                }
            }
            if before != (order.filled, order.status) || order.triggered != self.orders[&id].triggered {
                order.updated_ms = now_ms;
                events.push(Event::Order(order.clone()));
                self.orders.insert(id, order);
                self.release_attached(id, now_ms, &mut events);
                self.cancel_siblings(id, now_ms, &mut events);
            }
        }
        self.prune();
        events
    }

    /// Every account whose dead-man timer has run out has its open orders cancelled.
    pub fn expire_dead_men(&mut self, now_ms: i64) -> Vec<Event> {
        let mut events = Vec::new();
        let due: Vec<String> = self
            .accounts
            .iter()
            .filter(|(_, a)| a.cancel_at_ms.is_some_and(|t| t <= now_ms))
            .map(|(k, _)| k.clone())
            .collect();
        for k in due {
            let a = self.accounts.get_mut(&k).expect("listed");
            a.cancel_at_ms = None;
            let (venue, id) = (a.venue, a.id.clone());
            events.extend(self.cancel_all(venue, &id, now_ms).into_iter().map(Event::Order));
        }
        events
    }

    fn prune(&mut self) {
        if self.fills.len() > KEEP_DONE {
            let drop = self.fills.len() - KEEP_DONE;
            self.fills.drain(..drop);
        }
        let done = self.orders.values().filter(|o| o.status != Status::Open).count();
        if done > KEEP_DONE {
            let old: Vec<u64> = self
                .orders
                .values()
                .filter(|o| o.status != Status::Open)
                .take(done - KEEP_DONE)
                .map(|o| o.id)
                .collect();
            for id in old {
                self.orders.remove(&id);
            }
        }
    }
}
