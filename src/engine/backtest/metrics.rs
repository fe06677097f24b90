//! Performance metrics of one simulation: returns, risk, drawdowns and trade statistics.
//!
//! Conventions (full formulas in `docs/metrics.md`):
//! - returns and ratios are fractions (0.12 = 12%);
//! - a value that is undefined for the input (a ratio over zero, statistics of no trades,
//!   growth over no time) is `None`, serialized as JSON `null`; no computed value is NaN
//!   or infinite (inputs are assumed finite);
//! - trade statistics use closed trades only; fees count every trade, open ones included.

use serde::{Deserialize, Serialize};

use super::trade::Trade;

const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_YEAR: f64 = 365.25 * MS_PER_DAY as f64;

/// A standard deviation at or below this is treated as zero: a curve growing at a constant
/// rate has return deviations of ~1e-17 from rounding alone, which would otherwise give an
/// absurd Sharpe ratio instead of `None`.
const ZERO_DEV: f64 = 1e-12;

/// Per-bar series of one simulation. `ts` and `equity` must have the same length (the
/// number of bars); `exposure` and `close` should too.
#[derive(Debug, Clone, Copy)]
pub struct MetricsInput<'a> {
    /// Bar timestamps, UTC epoch ms, ascending.
    pub ts: &'a [i64],
    /// Equity after each bar's close.
    pub equity: &'a [f64],
    /// Per-bar exposure or signed position; a bar counts as exposed when it is non-zero.
    pub exposure: &'a [f64],
    /// Close prices, for buy-and-hold.
    pub close: &'a [f64],
    pub trades: &'a [Trade],
    pub initial_cash: f64,
    /// Bars per year, used to annualize volatility, Sharpe and Sortino; see
    /// [`periods_per_year`].
    pub periods_per_year: f64,
}

/// Summary of one simulation. Field names are the JSON names and the names [`Metrics::get`]
/// accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub bars: usize,
    pub start_ts: i64,
    pub end_ts: i64,
    pub initial_cash: f64,
    pub final_equity: f64,
    pub total_return: f64,
    pub cagr: Option<f64>,
    pub volatility_ann: Option<f64>,
    pub sharpe: Option<f64>,
    pub sortino: Option<f64>,
    pub max_drawdown: f64,
    pub max_drawdown_duration_bars: usize,
    pub max_drawdown_duration_days: f64,
    pub calmar: Option<f64>,
    pub trade_count: usize,
    pub open_trades: usize,
    pub win_rate: Option<f64>,
    pub profit_factor: Option<f64>,
    pub expectancy: Option<f64>,
    pub avg_trade_return: Option<f64>,
    pub best_trade_return: Option<f64>,
    pub worst_trade_return: Option<f64>,
    pub exposure: f64,
    pub buy_and_hold_return: f64,
    pub total_fees: f64,
}

/// Every numeric field of [`Metrics`] by its JSON name, in declaration order.
pub const METRIC_NAMES: &[&str] = &[
    "bars",
    "start_ts",
    "end_ts",
    "initial_cash",
    "final_equity",
    "total_return",
    "cagr",
    "volatility_ann",
    "sharpe",
    "sortino",
    "max_drawdown",
    "max_drawdown_duration_bars",
    "max_drawdown_duration_days",
    "calmar",
    "trade_count",
    "open_trades",
    "win_rate",
    "profit_factor",
    "expectancy",
    "avg_trade_return",
    "best_trade_return",
    "worst_trade_return",
    "exposure",
    "buy_and_hold_return",
    "total_fees",
];

impl Metrics {
    /// The field named `name` (see [`METRIC_NAMES`]) as `f64`, for sorting, filters and
    /// objectives. `None` for an unknown name or an undefined value.
    /// The first metric that is NaN or infinite (JSON would write it as null), if any.
    pub fn non_finite(&self) -> Option<&'static str> {
        METRIC_NAMES.iter().copied().find(|n| self.get(n).is_some_and(|v| !v.is_finite()))
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "bars" => self.bars as f64,
            "start_ts" => self.start_ts as f64,
            "end_ts" => self.end_ts as f64,
            "initial_cash" => self.initial_cash,
            "final_equity" => self.final_equity,
            "total_return" => self.total_return,
            "cagr" => return self.cagr,
            "volatility_ann" => return self.volatility_ann,
            "sharpe" => return self.sharpe,
            "sortino" => return self.sortino,
            "max_drawdown" => self.max_drawdown,
            "max_drawdown_duration_bars" => self.max_drawdown_duration_bars as f64,
            "max_drawdown_duration_days" => self.max_drawdown_duration_days,
            "calmar" => return self.calmar,
            "trade_count" => self.trade_count as f64,
            "open_trades" => self.open_trades as f64,
            "win_rate" => return self.win_rate,
            "profit_factor" => return self.profit_factor,
            "expectancy" => return self.expectancy,
            "avg_trade_return" => return self.avg_trade_return,
            "best_trade_return" => return self.best_trade_return,
            "worst_trade_return" => return self.worst_trade_return,
            "exposure" => self.exposure,
            "buy_and_hold_return" => self.buy_and_hold_return,
            "total_fees" => self.total_fees,
            _ => return None,
        })
    }
}

/// Bars per year for a bar length of `timeframe_ms`.
///
/// - Up to one day: `bars per day * days per year`, with bars per day =
///   `86_400_000 / timeframe_ms` (the market is assumed to trade around the clock on the
///   days it trades) and 365 days if the data has weekend bars (crypto), else 252 trading
///   days. So 1h gives 8760 (24/7) or 6048, 1d gives 365 or 252.
/// - Longer than one day: `365.25 days / timeframe_ms` whatever the calendar, since a
///   weekly or monthly bar spans weekends either way (1w gives ~52.18).
/// - A non-positive timeframe gives 0, which makes annualized metrics `None`.
pub fn periods_per_year(timeframe_ms: i64, has_weekend_bars: bool) -> f64 {
    if timeframe_ms <= 0 {
        return 0.0;
    }
    let tf = timeframe_ms as f64;
    if timeframe_ms > MS_PER_DAY {
        return MS_PER_YEAR / tf;
    }
    let days = if has_weekend_bars { 365.0 } else { 252.0 };
    days * MS_PER_DAY as f64 / tf
}

/// All metrics of one simulation. Never panics; empty input gives zeros and `None`.
pub fn compute(input: &MetricsInput) -> Metrics {
    // Mismatched lengths are a caller bug; cut to the common length rather than panic.
    let n = input.ts.len().min(input.equity.len());
    let mut acc = Accumulator::new(&input.ts[..n], input.initial_cash);
    for (i, &e) in input.equity[..n].iter().enumerate() {
        acc.push(e, input.exposure.get(i).is_some_and(|&x| x != 0.0));
    }
    summarize(acc, input.exposure.len().min(n), input.close, input.trades, input.periods_per_year)
}

/// The metrics from a finished [`Accumulator`]: `exposure_bars` is how many bars had an
/// exposure to count, `close` gives buy-and-hold.
pub fn summarize(
    acc: Accumulator,
    exposure_bars: usize,
    close: &[f64],
    trades: &[Trade],
    ppy: f64,
) -> Metrics {
    summarize_tally(acc, exposure_bars, close, &TradeTally::of(trades), ppy)
}

/// [`summarize`] with the trades already folded into a [`TradeTally`] (the sweep folds them
/// as they close).
pub fn summarize_tally(
    acc: Accumulator,
    exposure_bars: usize,
    close: &[f64],
    tally: &TradeTally,
    ppy: f64,
) -> Metrics {
    let n = acc.n;
    let ts = &acc.ts[..n];
    let initial = acc.initial;
    let final_equity = if n > 0 { acc.prev } else { initial };
    let start_ts = ts.first().copied().unwrap_or(0);
    let end_ts = ts.last().copied().unwrap_or(0);

    let total_return = if initial > 0.0 { finite_or_zero(final_equity / initial - 1.0) } else { 0.0 };

    let years = end_ts.saturating_sub(start_ts) as f64 / MS_PER_YEAR;
    let cagr = if years > 0.0 && initial > 0.0 && final_equity > 0.0 {
        finite((final_equity / initial).powf(1.0 / years) - 1.0)
    } else {
        None
    };

    let risk = acc.return_stats(ppy);
    let dd = acc.drawdown();
    let calmar = match cagr {
        Some(c) if dd.max > 0.0 => finite(c / dd.max),
        _ => None,
    };
    let exposure_share = if exposure_bars == 0 { 0.0 } else { acc.exposed as f64 / exposure_bars as f64 };
    let total_fees = finite_or_zero(tally.total_fees());
    let trades = tally.stats();

    let close = &close[..close.len().min(n)];
    let buy_and_hold_return = match (close.first(), close.last()) {
        (Some(&first), Some(&last)) if first > 0.0 => finite_or_zero(last / first - 1.0),
        _ => 0.0,
    };

    Metrics {
        bars: n,
        start_ts,
        end_ts,
        initial_cash: initial,
        final_equity,
        total_return,
        cagr,
        volatility_ann: risk.volatility_ann,
        sharpe: risk.sharpe,
        sortino: risk.sortino,
        max_drawdown: dd.max,
        max_drawdown_duration_bars: dd.duration_bars,
        max_drawdown_duration_days: dd.duration_days,
        calmar,
        trade_count: trades.closed,
        open_trades: trades.open,
        win_rate: trades.win_rate,
        profit_factor: trades.profit_factor,
        expectancy: trades.expectancy,
        avg_trade_return: trades.avg_return,
        best_trade_return: trades.best_return,
        worst_trade_return: trades.worst_return,
        exposure: exposure_share,
        buy_and_hold_return,
        total_fees,
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}


/// The per-bar statistics of an equity curve, gathered bar by bar as the simulation
/// produces it: a sweep evaluates a thousand combinations over a million bars and stores no
/// per-bar series at all, and a single run feeds its stored series through the same code, so
/// both give the same numbers to the last bit.
///
/// Returns: `r[0] = equity[0] / initial - 1`, `r[i] = equity[i] / equity[i-1] - 1`.
///
/// Drawdown: `initial` is the first peak, placed one bar before the first bar (index -1,
/// timestamp `ts[0] - (ts[1] - ts[0])`) so that a loss on the very first bar counts like any
/// other. A spell runs from its peak bar to the first bar at or above the peak, or to the last
/// bar if equity never gets back. Bars and days are each the longest spell in their own unit;
/// with regular bars they are the same spell.
#[derive(Clone, Copy)]
pub struct Accumulator<'a> {
    ts: &'a [i64],
    initial: f64,
    /// Bars pushed so far.
    n: usize,
    /// The last equity pushed (`initial` before the first).
    prev: f64,
    /// Every base of a return (`initial`, then each equity but the last) is positive: a
    /// return from a ruined account has no meaning, so nothing built on returns is defined.
    returns_defined: bool,
    sum: f64,
    /// The returns shifted by the first one, summed and squared: shifted sums keep the
    /// one-pass variance exact when the mean is far from zero.
    shift: f64,
    shifted_sum: f64,
    shifted_sq: f64,
    /// Sum of squared negative returns.
    down: f64,
    peak: f64,
    peak_idx: isize,
    underwater: bool,
    /// The lowest equity of the spell under water.
    trough: f64,
    dd: Drawdown,
    /// Bars with a non-zero exposure.
    exposed: usize,
}

impl<'a> Accumulator<'a> {
    /// For a curve over the bars stamped `ts`, starting from `initial`.
    pub fn new(ts: &'a [i64], initial: f64) -> Self {
        Accumulator {
            ts,
            initial,
            n: 0,
            prev: initial,
            returns_defined: true,
            sum: 0.0,
            shift: 0.0,
            shifted_sum: 0.0,
            shifted_sq: 0.0,
            down: 0.0,
            peak: initial,
            peak_idx: -1,
            underwater: false,
            trough: initial,
            dd: Drawdown { max: 0.0, duration_bars: 0, duration_days: 0.0 },
            exposed: 0,
        }
    }

    /// The next bar's equity, and whether anything was held on it.
    #[inline]
    pub fn push(&mut self, equity: f64, exposed: bool) {
        let i = self.n;
        self.returns_defined &= self.prev > 0.0;
        let r = equity / self.prev - 1.0;
        if i == 0 {
            self.shift = r;
        }
        self.prev = equity;
        self.sum += r;
        let d = r - self.shift;
        self.shifted_sum += d;
        self.shifted_sq += d * d;
        self.down += r.min(0.0) * r.min(0.0);
        if equity >= self.peak {
            if self.underwater {
                self.record_spell(i);
                self.underwater = false;
            }
            self.peak = equity;
            self.peak_idx = i as isize;
        } else {
            // The spell's depth is taken from its trough when it ends: the same number as the
            // deepest bar's, without a division on every bar under water.
            self.trough = if self.underwater { self.trough.min(equity) } else { equity };
            self.underwater = true;
        }
        self.exposed += exposed as usize;
        self.n += 1;
    }

    /// A spell from the current peak to bar `end`.
    fn record_spell(&mut self, end: usize) {
        if self.peak > 0.0 {
            self.dd.max = self.dd.max.max(finite_or_zero((self.peak - self.trough) / self.peak));
        }
        let Some(&first) = self.ts.first() else { return };
        let peak_ts = if self.peak_idx < 0 {
            let step = self.ts.get(1).map_or(0, |&t| t.saturating_sub(first));
            first.saturating_sub(step)
        } else {
            self.ts[self.peak_idx as usize]
        };
        let end_ts = self.ts.get(end).copied().unwrap_or(first);
        self.dd.record(end as isize - self.peak_idx, end_ts.saturating_sub(peak_ts));
    }

    /// The drawdown, counting a spell still open at the last bar.
    fn drawdown(&self) -> Drawdown {
        let mut tail = *self;
        if tail.underwater && tail.n > 0 {
            tail.record_spell(tail.n - 1);
        }
        tail.dd
    }

    /// Annualized volatility, Sharpe and Sortino of the per-bar simple returns.
    fn return_stats(&self, ppy: f64) -> ReturnStats {
        let none = ReturnStats { volatility_ann: None, sharpe: None, sortino: None };
        let initial_ok = !self.initial.is_nan() && self.initial > 0.0;
        if !(initial_ok && self.returns_defined && self.n != 0 && ppy.is_finite() && ppy > 0.0) {
            return none;
        }
        let ann = ppy.sqrt();
        let n = self.n as f64;
        let m = self.sum / n;
        let std = (self.n >= 2).then(|| {
            let ss = self.shifted_sq - self.shifted_sum * self.shifted_sum / n;
            (ss.max(0.0) / (n - 1.0)).sqrt()
        });
        // Downside deviation divides by all periods, not only the losing ones.
        let downside = (self.down / n).sqrt();
        ReturnStats {
            volatility_ann: std.and_then(|s| finite(s * ann)),
            sharpe: std.filter(|&s| s > ZERO_DEV).and_then(|s| finite(m / s * ann)),
            sortino: (downside > ZERO_DEV).then(|| finite(m / downside * ann)).flatten(),
        }
    }
}

struct ReturnStats {
    volatility_ann: Option<f64>,
    sharpe: Option<f64>,
    sortino: Option<f64>,
}

#[derive(Clone, Copy)]
struct Drawdown {
    max: f64,
    duration_bars: usize,
    duration_days: f64,
}

impl Drawdown {
    /// Count one finished (or still open) underwater spell.
    fn record(&mut self, bars: isize, ms: i64) {
        self.duration_bars = self.duration_bars.max(bars.max(0) as usize);
        self.duration_days = self.duration_days.max(ms as f64 / MS_PER_DAY as f64);
    }
}

struct TradeStats {
    closed: usize,
    open: usize,
    win_rate: Option<f64>,
    profit_factor: Option<f64>,
    expectancy: Option<f64>,
    avg_return: Option<f64>,
    best_return: Option<f64>,
    worst_return: Option<f64>,
}

mod runs;
mod tally;
pub use tally::TradeTally;

#[cfg(test)]
mod tests;

/// Test support for the paths that must give a run's metrics to the last bit (streamed,
/// fused, a sweep's).
#[cfg(test)]
pub(crate) mod check {
    use super::{compute, Metrics, MetricsInput, METRIC_NAMES};
    use crate::engine::backtest::BacktestResult;
    use crate::engine::data::Bars;

    /// The metrics a run records for its simulation `r` of `bars`: `compute` over the stored series.
    pub fn of_run(bars: &Bars, r: &BacktestResult, periods_per_year: f64) -> Metrics {
        compute(&MetricsInput {
            ts: &bars.ts,
            equity: &r.equity,
            exposure: &r.position,
            close: &bars.close,
            trades: &r.trades,
            initial_cash: r.initial_cash,
            periods_per_year,
        })
    }

    /// Every metric's bits, in `METRIC_NAMES` order (None where undefined).
    pub fn bits(m: &Metrics) -> Vec<Option<u64>> {
        METRIC_NAMES.iter().map(|n| m.get(n).map(f64::to_bits)).collect()
    }
}
