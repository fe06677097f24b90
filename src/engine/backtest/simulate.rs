//! The simulation loop. Semantics are documented in docs/backtest-semantics.md.

use super::config::{per_setting, BacktestConfig, FillMode, Sizing};
use super::metrics::{self, Accumulator, Metrics};
use super::result::BacktestResult;
use super::trade::{Side, Trade};
use crate::engine::data::Bars;
use crate::engine::strategy::Target;
use serde::{Deserialize, Serialize};

/// A position being held.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Open {
    pub side: Side,
    pub qty: f64,
    pub entry_bar: usize,
    /// When it was entered. Kept beside the index because a live session's shadow outlives its
    /// bars' numbering: restarted, its feed counts bars from its restart, and `entry_bar` then
    /// names a bar that is not there. Absent in states saved before it was kept.
    #[serde(default)]
    pub entry_ts: Option<i64>,
    pub entry_price: f64,
    pub entry_fee: f64,
}

/// One execution the simulation made: an entry or an exit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    pub bar: usize,
    pub ts: i64,
    /// `buy` or `sell`.
    pub side: String,
    pub qty: f64,
    /// Fill price, slippage included.
    pub price: f64,
    pub fee: f64,
    /// `entry` or `exit`.
    pub kind: String,
}

/// Cash, position and the trade log as the loop mutates them. Serializable, so a paper session
/// can persist it after every bar and resume exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Book {
    sizing: Sizing,
    whole_units: bool,
    fee_rate: f64,
    slip: f64,
    pub cash: f64,
    pub open: Option<Open>,
    pub trades: Vec<Trade>,
    pub total_fees: f64,
    /// Fills are recorded only when asked (paper sessions); a sweep needs none.
    #[serde(skip)]
    fills: Option<Vec<Fill>>,
}

impl Book {
    /// Size the next entry at `qty` units (a live session's shadow follows the live sizing).
    pub fn set_qty(&mut self, qty: f64) {
        self.sizing = Sizing::Qty(qty);
    }

    fn new(cfg: &BacktestConfig, trades: Vec<Trade>) -> Book {
        Book {
            sizing: cfg.sizing,
            whole_units: cfg.whole_units,
            fee_rate: cfg.fee_bps / 10_000.0,
            slip: cfg.slippage_bps / 10_000.0,
            cash: cfg.cash,
            open: None,
            trades,
            total_fees: 0.0,
            fills: None,
        }
    }

    fn direction(&self) -> Target {
        match self.open {
            Some(Open { side: Side::Long, .. }) => 1,
            Some(Open { side: Side::Short, .. }) => -1,
            None => 0,
        }
    }

    /// Signed units held.
    fn units(&self) -> f64 {
        self.open.map_or(0.0, |o| o.side.sign() * o.qty)
    }

    /// Price after adverse slippage for a buy (`sign` = 1) or a sell (`sign` = -1).
    fn fill_price(&self, raw: f64, sign: f64) -> f64 {
        raw * (1.0 + sign * self.slip)
    }

    /// Keep a fill when fills are being recorded; `fill` is only built then.
    fn record(&mut self, fill: impl FnOnce() -> Fill) {
        if let Some(f) = self.fills.as_mut() {
            f.push(fill());
        }
    }

    /// Move from the current position to `target` at `raw` price on `bar`.
    fn rebalance(&mut self, bars: &Bars, target: Target, raw: f64, bar: usize) {
        if target == self.direction() {
            return;
        }
        if self.open.is_some() {
            self.close(bars, raw, bar);
        }
        if target != 0 {
            self.enter(bars, if target > 0 { Side::Long } else { Side::Short }, raw, bar);
        }
    }

    fn close(&mut self, bars: &Bars, raw: f64, bar: usize) {
        let Some(o) = self.open.take() else { return };
        // Closing a long sells, closing a short buys.
        let price = self.fill_price(raw, -o.side.sign());
        let notional = price * o.qty;
        let fee = notional * self.fee_rate;
        match o.side {
            Side::Long => self.cash += notional - fee,
            Side::Short => self.cash -= notional + fee,
        }
        self.total_fees += fee;
        self.record(|| fill(bars, bar, o.side == Side::Short, o.qty, price, fee, "exit"));
        let t = trade(bars, o, bar, price, fee, false);
        self.trades.push(t);
    }

    fn enter(&mut self, bars: &Bars, side: Side, raw: f64, bar: usize) {
        let price = self.fill_price(raw, side.sign());
        // When flat, equity is cash: the fraction is of everything we have.
        let mut qty = match self.sizing {
            Sizing::Fraction(f) => f * self.cash / (price * (1.0 + self.fee_rate)),
            Sizing::Qty(q) => q,
        };
        if self.whole_units {
            qty = qty.floor();
        }
        // A long must be paid for; a short needs the same margin. Never trade on credit.
        if qty.is_nan() || qty <= 0.0 || qty * price * (1.0 + self.fee_rate) > self.cash * (1.0 + 1e-12) {
            return;
        }
        let notional = price * qty;
        let fee = notional * self.fee_rate;
        match side {
            Side::Long => self.cash -= notional + fee,
            Side::Short => self.cash += notional - fee,
        }
        self.total_fees += fee;
        self.record(|| fill(bars, bar, side == Side::Long, qty, price, fee, "entry"));
        self.open = Some(Open { side, qty, entry_bar: bar, entry_ts: Some(bars.ts[bar]), entry_price: price, entry_fee: fee });
    }
}

fn fill(bars: &Bars, bar: usize, buy: bool, qty: f64, price: f64, fee: f64, kind: &str) -> Fill {
    Fill {
        bar,
        ts: bars.ts[bar],
        side: if buy { "buy" } else { "sell" }.into(),
        qty,
        price,
        fee,
        kind: kind.into(),
    }
}

pub(super) fn trade(bars: &Bars, o: Open, exit_bar: usize, exit_price: f64, exit_fee: f64, open: bool) -> Trade {
    let fees = o.entry_fee + exit_fee;
    let pnl = o.side.sign() * (exit_price - o.entry_price) * o.qty - fees;
    Trade {
        side: o.side,
        entry_bar: o.entry_bar,
        entry_ts: o.entry_ts.unwrap_or_else(|| bars.ts[o.entry_bar]),
        entry_price: o.entry_price,
        exit_bar,
        exit_ts: bars.ts[exit_bar],
        exit_price,
        qty: o.qty,
        fees,
        pnl,
        ret: pnl / (o.entry_price * o.qty),
        open,
    }
}

/// The simulation one bar at a time: the backtest's loop runs it over a whole series, a paper
/// session over bars as they arrive, so both fill, charge and size identically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stepper {
    pub book: Book,
    next_open: bool,
    allow_short: bool,
    close_at_end: bool,
    /// Direction held, mirrored from the book.
    pub(super) dir: Target,
    pub(super) units: f64,
    /// The target decided on the previous bar's close (next-open fills act on it).
    pub(super) decided: Target,
}

impl Stepper {
    pub fn new(cfg: &BacktestConfig) -> Stepper {
        Stepper::with_trades(cfg, Vec::new())
    }

    pub(super) fn with_trades(cfg: &BacktestConfig, trades: Vec<Trade>) -> Stepper {
        Stepper {
            book: Book::new(cfg, trades),
            next_open: cfg.fill == FillMode::NextOpen,
            allow_short: cfg.allow_short,
            close_at_end: cfg.close_at_end,
            dir: 0,
            units: 0.0,
            decided: 0,
        }
    }

    /// Record fills from now on (taken back with [`Stepper::take_fills`]).
    pub fn record_fills(&mut self) {
        self.book.fills.get_or_insert_with(Vec::new);
    }

    pub fn take_fills(&mut self) -> Vec<Fill> {
        self.book.fills.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Bar `t` of `bars` (bars after it need not exist yet), with the target decided on its
    /// close; `last` closes any position if the config says so. Returns (equity, units).
    pub fn on_bar(&mut self, bars: &Bars, t: usize, target: Target, last: bool) -> (f64, f64) {
        match (self.next_open, self.allow_short) {
            (true, true) => self.step::<true, true>(bars, t, target, last),
            (true, false) => self.step::<true, false>(bars, t, target, last),
            (false, true) => self.step::<false, true>(bars, t, target, last),
            (false, false) => self.step::<false, false>(bars, t, target, last),
        }
    }

    /// The per-bar rule. Most bars do not trade, so the book is only consulted when the
    /// target moves; direction and units are mirrored in fields.
    #[inline(always)]
    pub(super) fn step<const NEXT_OPEN: bool, const SHORT: bool>(
        &mut self,
        bars: &Bars,
        t: usize,
        target: Target,
        last: bool,
    ) -> (f64, f64) {
        let clamp = |x: Target| if SHORT { x.signum() } else { x.max(0) };
        let close = bars.close[t];
        // On next-open fills, the target decided on the previous close trades at this open.
        let (want, price) = if NEXT_OPEN { (self.decided, bars.open[t]) } else { (clamp(target), close) };
        self.decided = clamp(target);
        if want != self.dir {
            self.book.rebalance(bars, want, price, t);
            self.dir = self.book.direction();
            self.units = self.book.units();
        }
        if last && self.dir != 0 && self.close_at_end {
            // Closed on the last close: that bar's equity is the cash after the exit fee.
            self.book.close(bars, close, t);
            self.dir = 0;
            self.units = 0.0;
        }
        (self.book.cash + self.units * close, self.units)
    }

    /// The trades so far, with a still-open position marked at bar `last` (no exit fee).
    pub fn trades_marked(&self, bars: &Bars, last: usize) -> Vec<Trade> {
        let mut out = self.book.trades.clone();
        if let Some(o) = self.book.open {
            out.push(trade(bars, o, last, bars.close[last], 0.0, true));
        }
        out
    }
}

/// Where the loop puts each bar's marked equity and signed units.
pub trait BarSink {
    fn bar(&mut self, equity: f64, units: f64);
}

/// Stores both series, for a run's artifacts.
struct Series {
    equity: Vec<f64>,
    position: Vec<f64>,
}

impl BarSink for Series {
    #[inline]
    fn bar(&mut self, equity: f64, units: f64) {
        self.equity.push(equity);
        self.position.push(units);
    }
}

impl BarSink for Accumulator<'_> {
    #[inline]
    fn bar(&mut self, equity: f64, units: f64) {
        self.push(equity, units != 0.0);
    }
}

/// Run `targets` (one per bar, decided on that bar's close) over `bars`.
pub fn simulate(bars: &Bars, targets: &[Target], cfg: &BacktestConfig) -> BacktestResult {
    let mut out = BacktestResult::default();
    simulate_into(bars, targets, cfg, &mut out);
    out
}

/// [`simulate`] into `out`, reusing its buffers.
pub fn simulate_into(bars: &Bars, targets: &[Target], cfg: &BacktestConfig, out: &mut BacktestResult) {
    let n = bars.len();
    let mut series =
        Series { equity: std::mem::take(&mut out.equity), position: std::mem::take(&mut out.position) };
    for v in [&mut series.equity, &mut series.position] {
        v.clear();
        v.reserve(n);
    }
    let (trades, total_fees) =
        simulate_with(bars, targets, cfg, &mut series, std::mem::take(&mut out.trades));
    *out = BacktestResult {
        equity: series.equity,
        position: series.position,
        trades,
        initial_cash: cfg.cash,
        total_fees,
    };
}

/// The metrics of `targets` over `bars` without storing any per-bar series: the sweep path.
/// The same numbers as [`metrics::compute`] over [`simulate`]'s result, bit for bit.
pub fn simulate_metrics(
    bars: &Bars,
    targets: &[Target],
    cfg: &BacktestConfig,
    periods_per_year: f64,
) -> Metrics {
    let mut acc = Accumulator::new(&bars.ts, cfg.cash);
    let (trades, _) = simulate_with(bars, targets, cfg, &mut acc, Vec::new());
    metrics::summarize(acc, bars.len(), &bars.close, &trades, periods_per_year)
}

/// The simulation proper, each bar handed to `sink`; returns the trades and total fees.
/// `trades` is a buffer to reuse.
fn simulate_with<S: BarSink>(
    bars: &Bars,
    targets: &[Target],
    cfg: &BacktestConfig,
    sink: &mut S,
    mut trades: Vec<Trade>,
) -> (Vec<Trade>, f64) {
    assert_eq!(bars.len(), targets.len(), "one target per bar");
    trades.clear();
    let mut st = Stepper::with_trades(cfg, trades);
    // One loop per fill mode and shorting rule, so the hot loop holds no setting checks.
    per_setting!(cfg, run::<S>(&mut st, bars, targets, sink));
    if let Some(o) = st.book.open {
        // Still open: marked to the last close, no exit fee charged.
        let last = bars.len() - 1;
        let tr = trade(bars, o, last, bars.close[last], 0.0, true);
        st.book.trades.push(tr);
    }
    (st.book.trades, st.book.total_fees)
}

fn run<const NEXT_OPEN: bool, const SHORT: bool, S: BarSink>(
    st: &mut Stepper,
    bars: &Bars,
    targets: &[Target],
    sink: &mut S,
) {
    let n = bars.len();
    for (t, &target) in targets.iter().enumerate() {
        let (equity, units) = st.step::<NEXT_OPEN, SHORT>(bars, t, target, t + 1 == n);
        sink.bar(equity, units);
    }
}

#[cfg(test)]
mod tests;
