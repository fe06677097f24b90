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
    let ts = &input.ts[..n];
    let equity = &input.equity[..n];
    let initial = input.initial_cash;
    let final_equity = equity.last().copied().unwrap_or(initial);
    let start_ts = ts.first().copied().unwrap_or(0);
    let end_ts = ts.last().copied().unwrap_or(0);

    let total_return = if initial > 0.0 { finite_or_zero(final_equity / initial - 1.0) } else { 0.0 };

    let years = end_ts.saturating_sub(start_ts) as f64 / MS_PER_YEAR;
    let cagr = if years > 0.0 && initial > 0.0 && final_equity > 0.0 {
        finite((final_equity / initial).powf(1.0 / years) - 1.0)
    } else {
        None
    };

    let risk = return_stats(equity, initial, input.periods_per_year);
    let dd = drawdown(ts, equity, initial);
    let calmar = match cagr {
        Some(c) if dd.max > 0.0 => finite(c / dd.max),
        _ => None,
    };
    let trades = trade_stats(input.trades);

    let exposure = &input.exposure[..input.exposure.len().min(n)];
    // Exposure or signed position: a bar is exposed when it is non-zero.
    let exposed = exposure.iter().filter(|&&x| x != 0.0).count();
    let exposure_share = if exposure.is_empty() { 0.0 } else { exposed as f64 / exposure.len() as f64 };

    let close = &input.close[..input.close.len().min(n)];
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
        total_fees: finite_or_zero(input.trades.iter().map(|t| t.fees).sum()),
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

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

struct ReturnStats {
    volatility_ann: Option<f64>,
    sharpe: Option<f64>,
    sortino: Option<f64>,
}

/// Annualized volatility, Sharpe and Sortino of per-bar simple returns, the first measured
/// from `initial`.
fn return_stats(equity: &[f64], initial: f64, ppy: f64) -> ReturnStats {
    let none = ReturnStats { volatility_ann: None, sharpe: None, sortino: None };
    // A return from a non-positive equity has no meaning (a ruined account), so nothing
    // built on the return series is defined.
    if !returns_defined(equity, initial) || equity.is_empty() || !(ppy.is_finite() && ppy > 0.0) {
        return none;
    }
    let ann = ppy.sqrt();
    let n = equity.len();
    // Two passes over the returns computed in place: a sweep evaluates this 1,000 times over
    // a million bars, and a returns vector per call would cost more than the arithmetic.
    let (mut sum, mut down) = (0.0, 0.0);
    for_each_return(equity, initial, |r| {
        sum += r;
        down += r.min(0.0).powi(2);
    });
    let m = sum / n as f64;
    let std = if n >= 2 {
        let mut ss = 0.0;
        for_each_return(equity, initial, |r| ss += (r - m).powi(2));
        Some((ss / (n - 1) as f64).sqrt())
    } else {
        None
    };
    // Downside deviation divides by all periods, not only the losing ones.
    let downside = (down / n as f64).sqrt();

    ReturnStats {
        volatility_ann: std.and_then(|s| finite(s * ann)),
        sharpe: std.filter(|&s| s > ZERO_DEV).and_then(|s| finite(m / s * ann)),
        sortino: (downside > ZERO_DEV).then(|| finite(m / downside * ann)).flatten(),
    }
}

/// Every base of a return (`initial`, then each equity but the last) is positive.
fn returns_defined(equity: &[f64], initial: f64) -> bool {
    let ok = |x: f64| !x.is_nan() && x > 0.0;
    ok(initial) && equity[..equity.len().saturating_sub(1)].iter().all(|&e| ok(e))
}

/// `r[0] = equity[0] / initial - 1`, `r[i] = equity[i] / equity[i-1] - 1`, in order.
fn for_each_return(equity: &[f64], initial: f64, mut f: impl FnMut(f64)) {
    let mut prev = initial;
    for &e in equity {
        f(e / prev - 1.0);
        prev = e;
    }
}

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

/// Deepest decline from a running peak and the longest underwater spell.
///
/// `initial` is the first peak, placed one bar before the first bar (index -1, timestamp
/// `ts[0] - (ts[1] - ts[0])`) so that a loss on the very first bar counts like any other.
/// A spell runs from its peak bar to the first bar at or above the peak, or to the last bar
/// if equity never gets back. Bars and days are each the longest spell in their own unit;
/// with regular bars they are the same spell.
fn drawdown(ts: &[i64], equity: &[f64], initial: f64) -> Drawdown {
    let mut out = Drawdown { max: 0.0, duration_bars: 0, duration_days: 0.0 };
    let (Some(&first_ts), Some(&last_ts)) = (ts.first(), ts.last()) else {
        return out;
    };
    let step = ts.get(1).map_or(0, |&t| t.saturating_sub(first_ts));
    let mut peak = initial;
    let mut peak_idx: isize = -1;
    let mut peak_ts = first_ts.saturating_sub(step);
    let mut underwater = false;

    for (i, (&e, &t)) in equity.iter().zip(ts).enumerate() {
        if e >= peak {
            if underwater {
                out.record(i as isize - peak_idx, t.saturating_sub(peak_ts));
                underwater = false;
            }
            peak = e;
            peak_idx = i as isize;
            peak_ts = t;
        } else {
            underwater = true;
            if peak > 0.0 {
                out.max = out.max.max(finite_or_zero((peak - e) / peak));
            }
        }
    }
    if underwater {
        out.record(equity.len() as isize - 1 - peak_idx, last_ts.saturating_sub(peak_ts));
    }
    out
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

/// Statistics over closed trades; an open trade's marked pnl is not a realized result.
fn trade_stats(trades: &[Trade]) -> TradeStats {
    let closed: Vec<&Trade> = trades.iter().filter(|t| !t.open).collect();
    let open = trades.len() - closed.len();
    let pnl: Vec<f64> = closed.iter().map(|t| t.pnl).collect();
    let ret: Vec<f64> = closed.iter().map(|t| t.ret).collect();
    let gross_profit: f64 = pnl.iter().filter(|&&p| p > 0.0).sum();
    let gross_loss: f64 = -pnl.iter().filter(|&&p| p < 0.0).sum::<f64>();
    let any = !closed.is_empty();

    TradeStats {
        closed: closed.len(),
        open,
        win_rate: any.then(|| pnl.iter().filter(|&&p| p > 0.0).count() as f64 / pnl.len() as f64),
        profit_factor: (gross_loss > 0.0).then(|| finite(gross_profit / gross_loss)).flatten(),
        expectancy: any.then(|| finite(mean(&pnl))).flatten(),
        avg_return: any.then(|| finite(mean(&ret))).flatten(),
        best_return: finite(ret.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        worst_return: finite(ret.iter().copied().fold(f64::INFINITY, f64::min)),
    }
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
