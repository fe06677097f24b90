//! sma_cross by bar: each line's running mean ([`RunningMean`]) moves inside the simulation's
//! loop, and a bar's side is the sign of their difference wherever it exceeds both lines'
//! tolerances, which makes it the sign the kernel's SMAs give. A bar where it does not (a tie
//! on a flat stretch, or a NaN close) takes its side from the kernel's values, computed for
//! its chunk by the chunked lines, placed at the chunk's first bar. Bars before both windows
//! are whole, and lines that cannot differ (one period twice, a period longer than the series
//! or zero), go by the chunked lines alone.

use super::super::lines::{Line, LineKey};
use super::super::rule::{side, Crossing};
use super::super::sim::Curves;
use super::{bars_of, crossing_lines};
use super::running_mean::{max_abs, RunningMean};
use crate::engine::backtest::config::BacktestConfig;
use crate::engine::backtest::simulate::Stepper;
use crate::engine::data::Bars;
use crate::engine::strategy::{Target, FLAT};

pub(super) fn run(bars: &Bars, periods: [usize; 2], cfg: &BacktestConfig, st: &mut Stepper, curves: &mut Curves, chunk: usize) {
    let n = bars.len();
    let x = &bars.close;
    let [fast, slow] = periods;
    let mut exact = Exact::new(bars, periods, chunk);
    let mut cross = Crossing::START;
    // The longest window: from this bar on, both are whole and both running sums have a
    // close to take away.
    let reach = fast.max(slow);
    let running = fast != slow && fast >= 1 && slow >= 1 && reach < n;
    let mut means = periods.map(RunningMean::new);
    let mut anchored = false;
    // At least the largest |close| any window read since the sums were anchored.
    let mut m = 0.0f64;
    let mut a = 0;
    while a < n {
        let len = chunk.min(n - a);
        if !running || a < reach {
            exact.fill(a, len);
            let (fa, fb) = exact.values(len);
            bars_of(st, bars, cfg, a, len, curves, |j| cross.step(fa[j], fb[j]));
            a += len;
            continue;
        }
        // Anchored again each chunk where that is cheap beside the chunk, and after a sum
        // read a NaN or an infinity; carried from the chunk before otherwise.
        if !anchored || reach <= len || !means.iter().all(|r| r.sum.is_finite()) {
            m = max_abs(&x[a - reach..a]);
            means.iter_mut().for_each(|r| r.anchor(x, a, m));
            anchored = true;
        }
        m = m.max(max_abs(&x[a..a + len]));
        let tol = means[0].tolerance(len, m) + means[1].tolerance(len, m) + f64::MIN_POSITIVE;
        let close = &x[a..a + len];
        let (gone_f, gone_s) = (&x[a - fast..a - fast + len], &x[a - slow..a - slow + len]);
        let (mut sf, mut ss, kf, ks) = (means[0].sum, means[1].sum, means[0].inv, means[1].inv);
        let mut lazy = Lazy { exact: &mut exact, a, len, filled: false };
        bars_of(st, bars, cfg, a, len, curves, |j| {
            let v = close[j];
            sf += v - gone_f[j];
            ss += v - gone_s[j];
            let d = sf * kf - ss * ks;
            let now = (d > tol) as Target - (d < -tol) as Target;
            cross.step_side(if now != FLAT { now } else { lazy.side(j) })
        });
        (means[0].sum, means[1].sum) = (sf, ss);
        a += len;
    }
}

/// The kernel's SMA lines, filled for the chunks that need them.
struct Exact<'b> {
    bars: &'b Bars,
    /// One line, or two; the same period twice is one line read on both sides.
    lines: Vec<Line>,
    /// The bar the lines' next fill starts at without being placed.
    at: usize,
}

impl<'b> Exact<'b> {
    fn new(bars: &'b Bars, periods: [usize; 2], chunk: usize) -> Exact<'b> {
        Exact { bars, lines: crossing_lines(LineKey::Sma, periods, bars, chunk), at: 0 }
    }

    fn fill(&mut self, a: usize, len: usize) {
        for l in &mut self.lines {
            if self.at != a {
                l.seek(self.bars, a);
            }
            l.fill(self.bars, a, len);
        }
        self.at = a + len;
    }

    /// The fast and slow lines' values for the chunk filled last.
    fn values(&self, len: usize) -> (&[f64], &[f64]) {
        let last = self.lines.len() - 1;
        (&self.lines[0].out[0][..len], &self.lines[last].out[0][..len])
    }
}

/// A chunk's kernel values, filled at its first bar whose running means are too close to say.
struct Lazy<'e, 'b> {
    exact: &'e mut Exact<'b>,
    a: usize,
    len: usize,
    filled: bool,
}

impl Lazy<'_, '_> {
    /// The kernel's side at the chunk's bar `j`.
    #[cold]
    #[inline(never)]
    fn side(&mut self, j: usize) -> Target {
        if !self.filled {
            self.exact.fill(self.a, self.len);
            self.filled = true;
        }
        let (fa, fb) = self.exact.values(self.len);
        side(fa[j], fb[j])
    }
}
