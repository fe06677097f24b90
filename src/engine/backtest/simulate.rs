//! The simulation loop. Semantics are documented in docs/backtest-semantics.md.

use super::config::{BacktestConfig, FillMode, Sizing};
use super::metrics::{self, Accumulator, Metrics};
use super::result::BacktestResult;
use super::trade::{Side, Trade};
use crate::engine::data::Bars;
use crate::engine::strategy::Target;

/// A position being held.
#[derive(Debug, Clone, Copy)]
struct Open {
    side: Side,
    qty: f64,
    entry_bar: usize,
    entry_price: f64,
    entry_fee: f64,
}

/// Cash, position and the trade log as the loop mutates them.
struct Book<'a> {
    bars: &'a Bars,
    cfg: &'a BacktestConfig,
    fee_rate: f64,
    slip: f64,
    cash: f64,
    open: Option<Open>,
    trades: Vec<Trade>,
    total_fees: f64,
}

impl Book<'_> {
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

    /// Move from the current position to `target` at `raw` price on `bar`.
    fn rebalance(&mut self, target: Target, raw: f64, bar: usize) {
        if target == self.direction() {
            return;
        }
        if self.open.is_some() {
            self.close(raw, bar);
        }
        if target != 0 {
            self.enter(if target > 0 { Side::Long } else { Side::Short }, raw, bar);
        }
    }

    fn close(&mut self, raw: f64, bar: usize) {
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
        self.trades.push(self.trade(o, bar, price, fee, false));
    }

    fn enter(&mut self, side: Side, raw: f64, bar: usize) {
        let price = self.fill_price(raw, side.sign());
        // When flat, equity is cash: the fraction is of everything we have.
        let mut qty = match self.cfg.sizing {
            Sizing::Fraction(f) => f * self.cash / (price * (1.0 + self.fee_rate)),
            Sizing::Qty(q) => q,
        };
        if self.cfg.whole_units {
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
        self.open = Some(Open { side, qty, entry_bar: bar, entry_price: price, entry_fee: fee });
    }

    fn trade(&self, o: Open, exit_bar: usize, exit_price: f64, exit_fee: f64, open: bool) -> Trade {
        let fees = o.entry_fee + exit_fee;
        let pnl = o.side.sign() * (exit_price - o.entry_price) * o.qty - fees;
        Trade {
            side: o.side,
            entry_bar: o.entry_bar,
            entry_ts: self.bars.ts[o.entry_bar],
            entry_price: o.entry_price,
            exit_bar,
            exit_ts: self.bars.ts[exit_bar],
            exit_price,
            qty: o.qty,
            fees,
            pnl,
            ret: pnl / (o.entry_price * o.qty),
            open,
        }
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
    let mut book = Book {
        bars,
        cfg,
        fee_rate: cfg.fee_bps / 10_000.0,
        slip: cfg.slippage_bps / 10_000.0,
        cash: cfg.cash,
        open: None,
        trades,
        total_fees: 0.0,
    };
    // One loop per fill mode and shorting rule, so the hot loop holds no setting checks.
    match (cfg.fill, cfg.allow_short) {
        (FillMode::NextOpen, true) => run::<true, true, S>(&mut book, targets, sink),
        (FillMode::NextOpen, false) => run::<true, false, S>(&mut book, targets, sink),
        (FillMode::Close, true) => run::<false, true, S>(&mut book, targets, sink),
        (FillMode::Close, false) => run::<false, false, S>(&mut book, targets, sink),
    }
    if let Some(o) = book.open {
        // Still open: marked to the last close, no exit fee charged.
        let last = bars.len() - 1;
        let tr = book.trade(o, last, bars.close[last], 0.0, true);
        book.trades.push(tr);
    }
    (book.trades, book.total_fees)
}

/// The bar loop. Most bars do not trade, so the book is only consulted when the target
/// moves; direction and units are mirrored in locals.
fn run<const NEXT_OPEN: bool, const SHORT: bool, S: BarSink>(
    book: &mut Book,
    targets: &[Target],
    sink: &mut S,
) {
    let bars = book.bars;
    let n = bars.len();
    let clamp = |t: Target| if SHORT { t.signum() } else { t.max(0) };
    let (mut dir, mut units): (Target, f64) = (0, 0.0);
    let mut decided: Target = 0;
    for (t, (&close, &target)) in bars.close.iter().zip(targets).enumerate() {
        // On next-open fills, the target decided on the previous close trades at this open.
        let (want, price) = if NEXT_OPEN { (decided, bars.open[t]) } else { (clamp(target), close) };
        decided = clamp(target);
        if want != dir {
            book.rebalance(want, price, t);
            dir = book.direction();
            units = book.units();
        }
        if t + 1 == n && dir != 0 && book.cfg.close_at_end {
            // Closed on the last close: that bar's equity is the cash after the exit fee.
            book.close(close, t);
            dir = 0;
            units = 0.0;
        }
        sink.bar(book.cash + units * close, units);
    }
}

#[cfg(test)]
#[path = "simulate_tests.rs"]
mod tests;
