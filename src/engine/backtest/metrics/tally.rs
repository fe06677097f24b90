//! Trade statistics gathered one trade at a time. A sweep folds each combination's trades in
//! as they close instead of keeping a list per combination (a fast pair trades tens of
//! thousands of times over a million bars), and a single run folds its stored list through the
//! same code, so both give the same numbers to the last bit.

use super::{finite, TradeStats};
use crate::engine::backtest::trade::Trade;

/// The neutral element `Iterator::sum` starts an `f64` sum from: every sum here is a fold from
/// it in trade order, exactly what summing the filtered list would give (an empty sum's sign
/// included, which a profit factor's sign would show).
fn sum_start() -> f64 {
    std::iter::empty::<f64>().sum()
}

/// Running sums and extremes over the trades seen so far, in their order.
#[derive(Debug, Clone, Copy)]
pub struct TradeTally {
    closed: usize,
    open: usize,
    wins: usize,
    /// Sum of the positive closed pnls, and of the negative ones.
    gains: f64,
    losses: f64,
    pnl_sum: f64,
    ret_sum: f64,
    best: f64,
    worst: f64,
    /// Fees of every trade, open ones included.
    fees: f64,
}

impl Default for TradeTally {
    fn default() -> Self {
        TradeTally {
            closed: 0,
            open: 0,
            wins: 0,
            gains: sum_start(),
            losses: sum_start(),
            pnl_sum: sum_start(),
            ret_sum: sum_start(),
            best: f64::NEG_INFINITY,
            worst: f64::INFINITY,
            fees: sum_start(),
        }
    }
}

impl TradeTally {
    /// Every trade of `trades`, in order.
    pub fn of(trades: &[Trade]) -> TradeTally {
        let mut t = TradeTally::default();
        for tr in trades {
            t.add(tr);
        }
        t
    }

    /// The next trade, in the order the simulation recorded it.
    #[inline]
    pub fn add(&mut self, t: &Trade) {
        self.fees += t.fees;
        if t.open {
            self.open += 1;
            return;
        }
        self.closed += 1;
        let p = t.pnl;
        if p > 0.0 {
            self.gains += p;
            self.wins += 1;
        }
        if p < 0.0 {
            self.losses += p;
        }
        self.pnl_sum += p;
        self.ret_sum += t.ret;
        self.best = self.best.max(t.ret);
        self.worst = self.worst.min(t.ret);
    }

    /// The fees of every trade added.
    pub fn total_fees(&self) -> f64 {
        self.fees
    }

    /// Statistics over closed trades; an open trade's marked pnl is not a realized result.
    pub(super) fn stats(&self) -> TradeStats {
        let any = self.closed > 0;
        let n = self.closed as f64;
        let gross_loss = -self.losses;
        TradeStats {
            closed: self.closed,
            open: self.open,
            win_rate: any.then(|| self.wins as f64 / n),
            profit_factor: (gross_loss > 0.0).then(|| finite(self.gains / gross_loss)).flatten(),
            expectancy: any.then(|| finite(self.pnl_sum / n)).flatten(),
            avg_return: any.then(|| finite(self.ret_sum / n)).flatten(),
            best_return: finite(self.best),
            worst_return: finite(self.worst),
        }
    }
}
