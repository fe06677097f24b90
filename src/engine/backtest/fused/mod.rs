//! The fused backtest: indicator, decision and simulation in tight passes over chunks of bars
//! that stay in cache, for the built-in strategies. Results are bit for bit those of the
//! generic path (`Strategy::targets`, then [`super::simulate`] and the metrics): every
//! indicator value, target, fill and metric is computed by the same operations in the same
//! order; only what is stored in between changes. (One exception, in the targets' route only:
//! a single sma_cross run compares running means whose distance from the kernel's SMAs is
//! bounded, and the kernel's own values where that leaves a bar's side in doubt; `by_bar`.)
//! `tests.rs` checks it on real data and random walks, for every strategy and every setting
//! that changes the loop.
//!
//! Per chunk of [`CHUNK`] bars: each line (an indicator series, [`lines`]) fills its chunk,
//! each strategy's rule ([`rule`]) turns the lines into targets, and the simulation
//! ([`sim`]) walks the targets a stretch at a time: between two trades nothing moves but the
//! close. [`evaluate`] runs many combinations together, each distinct line computed once per
//! chunk for all of them: the sweep's evaluation. A single run of sma_cross,
//! ema_cross or donchian_breakout goes by bar instead ([`by_bar`]): its rule and simulation
//! in one loop.

mod by_bar;
pub mod lines;
mod rule;
mod sim;

use lines::{Line, LineKey};
use rule::{Rule, Scratch};
use sim::{run_chunk, Curves, Measure, Sink};

use super::config::{per_setting, BacktestConfig};
use super::metrics::{self, Accumulator, Metrics, TradeTally};
use super::result::BacktestResult;
use super::simulate::{trade, Stepper};
use crate::engine::data::Bars;
use crate::engine::strategy::{Params, Target};

/// Bars per chunk: a chunk of every line a group of combinations reads, plus the bars' closes
/// and opens, fits in a core's L2 cache.
pub const CHUNK: usize = 4096;

/// The most bytes of line chunks a walk keeps (a core's L2 is 2 MB here), and the shortest
/// chunk it shortens to for that (per-chunk overheads stay small beside 512 bars).
const LINE_BYTES: usize = 1 << 20;
const MIN_CHUNK: usize = 512;

/// From this many combinations walked together, a chunk's opens and timestamps are streamed
/// once for all of them rather than loaded at each one's trades.
const STREAM_WARM: usize = 8;

/// A built-in strategy with its parameters, as the fused path runs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spec {
    BuyAndHold,
    SmaCross { fast: usize, slow: usize },
    EmaCross { fast: usize, slow: usize },
    MacdCross { fast: usize, slow: usize, signal: usize },
    RsiReversion { period: usize, lower: f64, upper: f64 },
    BollingerReversion { period: usize, k: f64 },
    DonchianBreakout { period: usize },
}

impl Spec {
    /// The built-in strategy `name` with `params` resolved as `strategy::build` resolves them
    /// (periods are whole numbers). None for a name that is not a built-in or a parameter
    /// missing: such a strategy runs on the generic path.
    pub fn of(name: &str, params: &Params) -> Option<Spec> {
        let f = |k: &str| params.get(k).copied();
        let n = |k: &str| f(k).map(|v| v as usize);
        Some(match name {
            "buy_and_hold" => Spec::BuyAndHold,
            "sma_cross" => Spec::SmaCross { fast: n("fast")?, slow: n("slow")? },
            "ema_cross" => Spec::EmaCross { fast: n("fast")?, slow: n("slow")? },
            "macd_cross" => Spec::MacdCross { fast: n("fast")?, slow: n("slow")?, signal: n("signal")? },
            "rsi_reversion" => Spec::RsiReversion { period: n("period")?, lower: f("lower")?, upper: f("upper")? },
            "bollinger_reversion" => Spec::BollingerReversion { period: n("period")?, k: f("k")? },
            "donchian_breakout" => Spec::DonchianBreakout { period: n("period")? },
            _ => return None,
        })
    }

    /// The lines the strategy reads.
    pub fn lines(&self) -> Vec<LineKey> {
        match *self {
            Spec::BuyAndHold => vec![],
            Spec::SmaCross { fast, slow } => vec![LineKey::Sma(fast), LineKey::Sma(slow)],
            Spec::EmaCross { fast, slow } => vec![LineKey::Ema(fast), LineKey::Ema(slow)],
            Spec::MacdCross { fast, slow, .. } => vec![LineKey::MacdLine(fast.min(slow), fast.max(slow))],
            Spec::RsiReversion { period, .. } => vec![LineKey::Rsi(period)],
            Spec::BollingerReversion { period, .. } => vec![LineKey::Moments(period)],
            Spec::DonchianBreakout { period } => vec![LineKey::Donchian(period)],
        }
    }
}

/// [`super::simulate`] of the strategy's targets, fused.
pub fn simulate(bars: &Bars, spec: &Spec, cfg: &BacktestConfig) -> BacktestResult {
    let mut out = BacktestResult::default();
    simulate_into(bars, spec, cfg, &mut out);
    out
}

/// [`simulate`] into `out`, reusing its buffers.
pub fn simulate_into(bars: &Bars, spec: &Spec, cfg: &BacktestConfig, out: &mut BacktestResult) {
    simulate_chunked(bars, spec, cfg, out, CHUNK);
}

fn simulate_chunked(bars: &Bars, spec: &Spec, cfg: &BacktestConfig, out: &mut BacktestResult, chunk: usize) {
    let n = bars.len();
    let mut sink = Curves::sized(std::mem::take(&mut out.equity), std::mem::take(&mut out.position), n);
    let mut trades = std::mem::take(&mut out.trades);
    trades.clear();
    let mut st = Stepper::with_trades(cfg, trades);
    if !by_bar::run(bars, spec, cfg, &mut st, &mut sink, chunk) {
        let mut runners = vec![Runner { st, rule: None, sink }];
        walk(bars, std::slice::from_ref(spec), cfg, &mut runners, chunk, |_| {});
        let r = runners.pop().expect("one runner");
        (st, sink) = (r.st, r.sink);
    }
    if let Some(o) = st.book.open {
        // Still open: marked to the last close, no exit fee charged.
        let last = n - 1;
        st.book.trades.push(trade(bars, o, last, bars.close[last], 0.0, true));
    }
    *out = BacktestResult {
        equity: sink.equity,
        position: sink.position,
        trades: st.book.trades,
        initial_cash: cfg.cash,
        total_fees: st.book.total_fees,
    };
}

/// [`super::simulate_metrics`] of the strategy, fused: no per-bar series stored.
pub fn simulate_metrics(bars: &Bars, spec: &Spec, cfg: &BacktestConfig, periods_per_year: f64) -> Metrics {
    evaluate(bars, std::slice::from_ref(spec), cfg, periods_per_year).pop().expect("one result")
}

/// The metrics of every spec over `bars`, as [`simulate_metrics`] gives each, computed
/// together: each chunk of bars is read once for all of them and each distinct line is
/// computed once per chunk. Memory: the lines' chunks and a few hundred bytes per spec.
pub fn evaluate(bars: &Bars, specs: &[Spec], cfg: &BacktestConfig, periods_per_year: f64) -> Vec<Metrics> {
    evaluate_chunked(bars, specs, cfg, periods_per_year, CHUNK)
}

fn evaluate_chunked(bars: &Bars, specs: &[Spec], cfg: &BacktestConfig, ppy: f64, chunk: usize) -> Vec<Metrics> {
    let finite_closes = bars.close.iter().all(|c| c.is_finite());
    let mut runners: Vec<Runner<Measure>> = specs
        .iter()
        .map(|_| Runner {
            st: Stepper::new(cfg),
            rule: None,
            sink: Measure { acc: Accumulator::new(&bars.ts, cfg.cash), tally: TradeTally::default(), finite_closes },
        })
        .collect();
    // Trades are folded into the tally as they close, so no list grows per combination.
    walk(bars, specs, cfg, &mut runners, chunk, |r| {
        for t in r.st.book.trades.drain(..) {
            r.sink.tally.add(&t);
        }
    });
    let n = bars.len();
    runners
        .into_iter()
        .map(|Runner { st, mut sink, .. }| {
            if let Some(o) = st.book.open {
                let last = n - 1;
                sink.tally.add(&trade(bars, o, last, bars.close[last], 0.0, true));
            }
            metrics::summarize_tally(sink.acc, n, &bars.close, &sink.tally, ppy)
        })
        .collect()
}

/// One combination's state between chunks.
struct Runner<S> {
    st: Stepper,
    /// Built by [`walk`] once the lines are known.
    rule: Option<Rule>,
    sink: S,
}

/// Every runner over every chunk of `chunk` bars: the lines `specs` read (each distinct one once),
/// then per runner its targets and its simulation. `after` sees each runner after each chunk.
fn walk<S: Sink>(
    bars: &Bars,
    specs: &[Spec],
    cfg: &BacktestConfig,
    runners: &mut [Runner<S>],
    chunk: usize,
    mut after: impl FnMut(&mut Runner<S>),
) {
    let n = bars.len();
    let mut keys: Vec<LineKey> = specs.iter().flat_map(|s| s.lines()).collect();
    keys.sort();
    keys.dedup();
    // Shorter chunks when many lines are read, so one chunk of all of them stays in cache.
    let outputs: usize = keys.iter().map(|k| k.outputs()).sum();
    let chunk = chunk.min((LINE_BYTES / (8 * outputs.max(1))).max(MIN_CHUNK)).min(n).max(1);
    let mut lines: Vec<Line> = keys.iter().map(|&k| Line::new(k, bars, chunk)).collect();
    for (r, spec) in runners.iter_mut().zip(specs) {
        r.rule = Some(Rule::new(spec, n, |k| keys.binary_search(&k).expect("every line a spec reads is built")));
    }
    let mut targets: Vec<Target> = vec![0; chunk];
    let mut scratch = Scratch::new(chunk);
    let mut changes = Vec::new();
    let mut a = 0;
    while a < n {
        let len = chunk.min(n - a);
        lines::fill_all(&mut lines, bars, a, len);
        let stream = runners.len() >= STREAM_WARM;
        if stream {
            sim::warm_all(bars, a, a + len);
        }
        let close = &bars.close[a..a + len];
        for r in runners.iter_mut() {
            let tg = &mut targets[..len];
            r.rule.as_mut().expect("built above").fill(&lines, close, a, tg, &mut scratch);
            if !cfg.allow_short {
                // Long-only: a short target means flat, as the loop's clamp makes it.
                for t in tg.iter_mut() {
                    *t = (*t).max(0);
                }
            }
            if !stream {
                sim::warm_changes(bars, a, tg, &mut changes);
            }
            per_setting!(cfg, run_chunk::<S>(&mut r.st, bars, a, tg, &mut r.sink));
            after(r);
        }
        a += len;
    }
}

#[cfg(test)]
mod tests;
