//! The simulation over a chunk of targets, a stretch at a time. A bar can only trade when the
//! target to fill differs from the direction held; between two such bars the cash and the
//! units held do not move, so each bar's equity is `cash + units * close` and the stretch is
//! handed to the sink whole. Bars that trade (and the last bar, which may close the position)
//! go through `Stepper::step` itself, so fills, fees and sizing are the loop's own.

use super::super::metrics::{Accumulator, TradeTally};
use super::super::simulate::Stepper;
use crate::engine::data::Bars;
use crate::engine::strategy::Target;

/// Where the simulation puts each bar's equity and units.
pub(super) trait Sink {
    /// One bar, after its fills.
    fn bar(&mut self, equity: f64, units: f64);
    /// Bars with no fill, holding `units` beside `cash`, closing at `close`.
    fn hold(&mut self, cash: f64, units: f64, close: &[f64]);
}

/// Both per-bar series, for a run's artifacts, written in place: bar `at` is the next.
pub(super) struct Curves {
    pub equity: Vec<f64>,
    pub position: Vec<f64>,
    pub at: usize,
}

impl Curves {
    /// Curves of `n` bars in the buffers given (a previous result's, say). Buffers that
    /// already hold `n` values are written over as they are, and fresh ones come zeroed from
    /// the allocator, so no pass writes 16 MB of zeros per million bars before the run.
    pub fn sized(mut equity: Vec<f64>, mut position: Vec<f64>, n: usize) -> Curves {
        for v in [&mut equity, &mut position] {
            if v.capacity() < n {
                *v = vec![0.0; n];
            } else {
                v.resize(n, 0.0);
            }
        }
        Curves { equity, position, at: 0 }
    }

    /// The next `len` bars of both series.
    #[inline]
    pub fn next(&mut self, len: usize) -> (&mut [f64], &mut [f64]) {
        let r = self.at..self.at + len;
        self.at += len;
        (&mut self.equity[r.clone()], &mut self.position[r])
    }
}

impl Sink for Curves {
    #[inline]
    fn bar(&mut self, equity: f64, units: f64) {
        let (e, u) = self.next(1);
        e[0] = equity;
        u[0] = units;
    }

    #[inline]
    fn hold(&mut self, cash: f64, units: f64, close: &[f64]) {
        let (e, u) = self.next(close.len());
        for (o, &c) in e.iter_mut().zip(close) {
            *o = cash + units * c;
        }
        u.fill(units);
    }
}

/// The metrics' accumulators, for a sweep: nothing per bar is stored.
pub(super) struct Measure<'a> {
    pub acc: Accumulator<'a>,
    pub tally: TradeTally,
    /// Every close is finite, so a flat bar's equity `cash + 0 * close` is the cash itself.
    pub finite_closes: bool,
}

impl Sink for Measure<'_> {
    #[inline]
    fn bar(&mut self, equity: f64, units: f64) {
        self.acc.push(equity, units != 0.0);
    }

    #[inline]
    fn hold(&mut self, cash: f64, units: f64, close: &[f64]) {
        if units != 0.0 {
            self.acc.push_held(cash, units, close);
        } else if self.finite_closes && cash.is_finite() && cash > 0.0 {
            self.acc.push_flat(cash, close.len());
        } else {
            for &c in close {
                self.acc.push(cash + units * c, false);
            }
        }
    }
}

/// Bars `[a, a + targets.len())` of `bars`, with their targets (already clamped to what the
/// config allows), continuing the stepper's state from the chunk before.
pub(super) fn run_chunk<const NEXT_OPEN: bool, const SHORT: bool, S: Sink>(
    st: &mut Stepper,
    bars: &Bars,
    a: usize,
    targets: &[Target],
    sink: &mut S,
) {
    let b = a + targets.len();
    let last = bars.len() - 1;
    let mut t = a;
    while t < b {
        // The target this bar fills: decided on the previous close, or on this one.
        let want = if NEXT_OPEN { st.decided } else { targets[t - a] };
        if want != st.dir || t == last {
            let (equity, units) = st.step::<NEXT_OPEN, SHORT>(bars, t, targets[t - a], t == last);
            sink.bar(equity, units);
            t += 1;
            continue;
        }
        // Nothing trades until the target to fill differs from the direction held: on
        // next-open fills, the bar after the first target that differs; on close fills, that
        // bar itself. The last bar is left to `step`.
        let j = a + first_other(targets, t - a, st.dir);
        let stop = if NEXT_OPEN { (j + 1).min(b) } else { j }.min(last);
        sink.hold(st.book.cash, st.units, &bars.close[t..stop]);
        if NEXT_OPEN {
            st.decided = targets[stop - 1 - a];
        }
        t = stop;
    }
}

/// Read the chunk's opens and timestamps once, in order: a trade reads its bar's open (its
/// fill price on next-open fills) and timestamp, and nothing else reads those series, so each
/// trade would otherwise wait on a cache miss of its own. Streamed, the hardware prefetches
/// them; worth it when many combinations trade in the chunk.
pub(super) fn warm_all(bars: &Bars, a: usize, b: usize) {
    let seen = bars.open[a..b].iter().zip(&bars.ts[a..b]).fold(0u64, |s, (o, t)| s | (o.to_bits() ^ *t as u64));
    std::hint::black_box(seen);
}

/// Ask the core to bring bar `i` of `xs` into cache ahead of its use, without waiting for
/// it: a trade found bar by bar reads its bar's open and timestamp, which nothing else in the
/// loop touches. A hint only; no effect on results, nothing on other architectures.
#[inline(always)]
pub(super) fn prefetch<T>(xs: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = xs.get(i) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: `_mm_prefetch` needs SSE, which every x86_64 has; a prefetch reads nothing
        // into the program and cannot fault, and the address comes from a live reference.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (xs, i);
}

/// For one combination: the bars of the chunk that may trade (where the target changes, and
/// the bar after), found first, then their opens and timestamps loaded back to back, so the
/// cache misses overlap instead of each trade stalling on its own.
pub(super) fn warm_changes(bars: &Bars, a: usize, targets: &[Target], at: &mut Vec<usize>) {
    at.clear();
    let mut i = 0;
    while i < targets.len() {
        let j = first_other(targets, i, targets[i]);
        at.push(a + j);
        i = j + 1;
    }
    let last = bars.len() - 1;
    let mut seen = 0u64;
    for &t in at.iter() {
        for u in [t.min(last), (t + 1).min(last)] {
            seen |= bars.open[u].to_bits() ^ bars.ts[u] as u64;
        }
    }
    std::hint::black_box(seen);
}

/// The first index from `from` whose target is not `x`, or `targets.len()`: eight targets per
/// compare.
#[inline]
fn first_other(targets: &[Target], from: usize, x: Target) -> usize {
    let rest = &targets[from..];
    let splat = u64::from_ne_bytes([x as u8; 8]);
    let mut words = rest.chunks_exact(8);
    let mut done = 0;
    for w in words.by_ref() {
        let v = u64::from_ne_bytes([
            w[0] as u8, w[1] as u8, w[2] as u8, w[3] as u8, w[4] as u8, w[5] as u8, w[6] as u8, w[7] as u8,
        ]);
        if v != splat {
            break;
        }
        done += 8;
    }
    from + done + rest[done..].iter().position(|&t| t != x).unwrap_or(rest.len() - done)
}
