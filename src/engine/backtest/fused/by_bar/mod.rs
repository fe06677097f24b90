//! One combination's run into curves, its rule and the simulation in one loop per bar, for
//! sma_cross, ema_cross and donchian_breakout. Between trades a bar's work is the rule's few
//! comparisons and selects, a held bar's equity and two stores, each bar independent of the
//! one before; in one loop the core runs them in the shadow of the lines' chains of dependent
//! operations (an EMA bar waits on the bar before through a subtraction, a multiplication and
//! an addition), where in passes of their own each pass waited on its own. Measured on a
//! million bars in docs/performance.md.
//!
//! donchian_breakout goes further ([`ahead`]): where a vector check finds that no close of a
//! block of eight bars would move the position, the block's equity and units are written at
//! once, with no compare per bar.
//!
//! Every target, fill and metric is the one the chunked path gives. The EMA recurrences and
//! the Donchian channel are the kernels' own operations in their order; sma_cross compares
//! running means whose distance from the kernel's SMAs is bounded ([`running_mean`]), and
//! takes the kernel's values wherever the bound leaves a bar's side in doubt. The fused tests
//! compare every run with the generic path bit for bit.

mod ahead;
mod donchian;
mod ema_cross;
mod held;
mod running_mean;
mod sma_cross;

use super::lines::{Line, LineKey};
use super::sim::{prefetch, Curves};
use super::Spec;
use crate::engine::backtest::config::{per_setting, BacktestConfig};
use crate::engine::backtest::simulate::Stepper;
use crate::engine::data::Bars;
use crate::engine::strategy::Target;
use held::{clamp, Held, BLOCK};

/// How many bars ahead of the loop a bar's open and timestamp are prefetched: a trade reads
/// them, nothing else in the loop does, and a trade found bar by bar would otherwise wait on
/// each one's cache miss.
const AHEAD: usize = 64;

/// Run `spec` over `bars` into `curves` in chunks of `chunk` bars, continuing `st`, when it
/// runs by bar; false (nothing done) when it is left to the chunked walk.
pub(super) fn run(bars: &Bars, spec: &Spec, cfg: &BacktestConfig, st: &mut Stepper, curves: &mut Curves, chunk: usize) -> bool {
    let chunk = chunk.min(bars.len()).max(1);
    match *spec {
        Spec::SmaCross { fast, slow } => sma_cross::run(bars, [fast, slow], cfg, st, curves, chunk),
        Spec::EmaCross { fast, slow } => ema_cross::run(bars, [fast, slow], cfg, st, curves, chunk),
        Spec::DonchianBreakout { period } => donchian::run(bars, period, cfg, st, curves, chunk),
        _ => return false,
    }
    true
}

/// The lines a crossing of `key(periods[0])` against `key(periods[1])` reads: one, read on
/// both sides, when the periods are the same; the fast is the first, the slow the last.
fn crossing_lines(key: fn(usize) -> LineKey, periods: [usize; 2], bars: &Bars, chunk: usize) -> Vec<Line> {
    let mut lines = vec![Line::new(key(periods[0]), bars, chunk)];
    if periods[1] != periods[0] {
        lines.push(Line::new(key(periods[1]), bars, chunk));
    }
    lines
}

/// Bars `[a, a + len)`: each one's target from `decide` (called once per bar, in order, with
/// the bar's offset from `a`), then the bar's simulation as `sim::run_chunk` does it.
#[inline(always)]
fn bars_of(
    st: &mut Stepper,
    bars: &Bars,
    cfg: &BacktestConfig,
    a: usize,
    len: usize,
    curves: &mut Curves,
    decide: impl FnMut(usize) -> Target,
) {
    per_setting!(cfg, bars_as::<>(st, bars, a, len, curves, decide))
}

#[inline(always)]
fn bars_as<const NEXT_OPEN: bool, const SHORT: bool>(
    st: &mut Stepper,
    bars: &Bars,
    a: usize,
    len: usize,
    curves: &mut Curves,
    mut decide: impl FnMut(usize) -> Target,
) {
    let mut target_of = |j: usize| clamp::<SHORT>(decide(j));
    let close = &bars.close[a..a + len];
    let (eq, pos) = curves.next(len);
    // The series' last bar always goes through `trade` (it may close the position): it is
    // taken after the loop, so the loop tests no bar for being the last.
    let body = if a + len == bars.len() { len - 1 } else { len };
    let mut r = Held::of(st);
    for j in 0..body {
        // One prefetch per cache line of each series (eight bars), not one per bar.
        if j % BLOCK == 0 {
            prefetch(&bars.open, a + j + AHEAD);
            prefetch(&bars.ts, a + j + AHEAD);
        }
        r.bar::<NEXT_OPEN, SHORT>(st, bars, a + j, target_of(j), close[j], &mut eq[j], &mut pos[j]);
    }
    r.store(st);
    if body < len {
        (eq[body], pos[body]) = trade::<NEXT_OPEN, SHORT>(st, bars, a + body, target_of(body), true);
    }
}

/// A bar that may trade, out of the loop's way (cold: a few bars in a hundred trade, and the
/// loop's state then stays in registers on the path that does not).
#[cold]
#[inline(never)]
fn trade<const NEXT_OPEN: bool, const SHORT: bool>(
    st: &mut Stepper,
    bars: &Bars,
    t: usize,
    target: Target,
    last: bool,
) -> (f64, f64) {
    st.step::<NEXT_OPEN, SHORT>(bars, t, target, last)
}
