//! The simulation loop. Semantics are documented in docs/backtest-semantics.md.

use super::config::{BacktestConfig, FillMode, Sizing};
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

/// Run `targets` (one per bar, decided on that bar's close) over `bars`.
pub fn simulate(bars: &Bars, targets: &[Target], cfg: &BacktestConfig) -> BacktestResult {
    let mut out = BacktestResult::default();
    simulate_into(bars, targets, cfg, &mut out);
    out
}

/// [`simulate`] into `out`, reusing its buffers: a sweep worker keeps one result per thread,
/// so a million-bar series does not fault in fresh pages for every combination.
pub fn simulate_into(bars: &Bars, targets: &[Target], cfg: &BacktestConfig, out: &mut BacktestResult) {
    assert_eq!(bars.len(), targets.len(), "one target per bar");
    let n = bars.len();
    let mut book = Book {
        bars,
        cfg,
        fee_rate: cfg.fee_bps / 10_000.0,
        slip: cfg.slippage_bps / 10_000.0,
        cash: cfg.cash,
        open: None,
        trades: Vec::new(),
        total_fees: 0.0,
    };
    let clamp = |t: Target| if cfg.allow_short { t.signum() } else { t.max(0) };
    let mut equity = std::mem::take(&mut out.equity);
    let mut position = std::mem::take(&mut out.position);
    for v in [&mut equity, &mut position] {
        v.clear();
        v.reserve(n);
    }
    // Hot loop: most bars do not trade, so the book is only consulted when the target moves;
    // direction and units are mirrored in locals.
    let (mut dir, mut units): (Target, f64) = (0, 0.0);
    let next_open = cfg.fill == FillMode::NextOpen;
    for t in 0..n {
        let (want, price) = if next_open {
            (if t > 0 { clamp(targets[t - 1]) } else { dir }, bars.open[t])
        } else {
            (clamp(targets[t]), bars.close[t])
        };
        if want != dir {
            book.rebalance(want, price, t);
            dir = book.direction();
            units = book.units();
        }
        if cfg.close_at_end && t + 1 == n && dir != 0 {
            book.close(bars.close[t], t);
            dir = 0;
            units = 0.0;
        }
        equity.push(book.cash + units * bars.close[t]);
        position.push(units);
    }
    if let Some(o) = book.open {
        // Still open: marked to the last close, no exit fee charged.
        let last = n - 1;
        let tr = book.trade(o, last, bars.close[last], 0.0, true);
        book.trades.push(tr);
    }
    *out = BacktestResult {
        equity,
        position,
        trades: book.trades,
        initial_cash: cfg.cash,
        total_fees: book.total_fees,
    };
}

#[cfg(test)]
#[path = "simulate_tests.rs"]
mod tests;
