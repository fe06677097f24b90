//! donchian_breakout by bar: the channel fills its chunk (blocks, as the chunked walk fills
//! it), then each close against the previous bar's channel marks the position in the
//! simulation's loop, as `rule::Rule::Donchian` marks it. A mark is rare (a close beyond the
//! channel), so most blocks of eight bars are seen to hold with a few vector operations.

use super::super::lines::{Line, LineKey};
use super::super::rule::mark;
use super::super::sim::Curves;
use super::ahead::{bars_ahead, Ahead};
use super::held::BLOCK;
use crate::engine::backtest::config::{per_setting, BacktestConfig};
use crate::engine::backtest::simulate::Stepper;
use crate::engine::data::Bars;
use crate::engine::strategy::{Target, FLAT, LONG, SHORT};

pub(super) fn run(bars: &Bars, period: usize, cfg: &BacktestConfig, st: &mut Stepper, curves: &mut Curves, chunk: usize) {
    let n = bars.len();
    let mut line = Line::new(LineKey::Donchian(period), bars, chunk);
    // The previous bar's channel (none before bar 1: NaN, which no close beats) and the
    // position the marks hold.
    let (mut upper, mut lower, mut cur) = (f64::NAN, f64::NAN, FLAT);
    let mut a = 0;
    while a < n {
        let len = chunk.min(n - a);
        line.fill(bars, a, len);
        let (up, lo) = (&line.out[0][..len], &line.out[1][..len]);
        let close = &bars.close[a..a + len];
        let mut rule = Breakout { close, up, lo, upper, lower, cur };
        per_setting!(cfg, bars_ahead::<_>(st, bars, a, len, curves, &mut rule));
        (upper, lower, cur) = (up[len - 1], lo[len - 1], rule.cur);
        a += len;
    }
}

/// One chunk: its closes against its channel, the channel the chunk before left for its
/// first bar, and the position the marks hold.
struct Breakout<'a> {
    close: &'a [f64],
    up: &'a [f64],
    lo: &'a [f64],
    upper: f64,
    lower: f64,
    cur: Target,
}

/// Whether any of eight numbers is above zero (a NaN is not): each one taken to zero unless
/// it is above, then a tree of pairwise maxima; vector operations, no branch. (Without the
/// first step a NaN would not do: a maximum that meets one may return it, and the next
/// maximum drop it, and a positive number with it.)
#[inline(always)]
fn any_above_zero(x: [f64; BLOCK]) -> bool {
    let max = |p: f64, q: f64| if p > q { p } else { q };
    let x = x.map(|v| if v > 0.0 { v } else { 0.0 });
    let four: [f64; 4] = std::array::from_fn(|k| max(x[k], x[k + 4]));
    let two: [f64; 2] = std::array::from_fn(|k| max(four[k], four[k + 2]));
    max(two[0], two[1]) > 0.0
}

impl Ahead for Breakout<'_> {
    #[inline(always)]
    fn target(&mut self, j: usize) -> Target {
        let (u, d) = if j == 0 { (self.upper, self.lower) } else { (self.up[j - 1], self.lo[j - 1]) };
        let c = self.close[j];
        let m = mark(c > u, c < d);
        if m != FLAT {
            self.cur = m;
        }
        self.cur
    }

    #[inline(always)]
    fn current(&self) -> Target {
        self.cur
    }

    /// A close marks long where `close - upper > 0`, which for two floats holds exactly
    /// where `close > upper` does (a difference rounds to zero only between equal numbers,
    /// and keeps its sign); where the difference is NaN (a NaN, or two like infinities) the
    /// close does not beat the channel either. So no bar of the block marks long when no
    /// difference is above zero. Short alike with `lower - close`, left to the bars
    /// wherever a close is below the channel even if also above it (upside down), where
    /// it marks long.
    #[inline(always)]
    fn holds(&self, j: usize) -> bool {
        let c: &[f64; BLOCK] = self.close[j..j + BLOCK].try_into().expect("a block of closes");
        let u: &[f64; BLOCK] = self.up[j - 1..j - 1 + BLOCK].try_into().expect("a block of uppers");
        let d: &[f64; BLOCK] = self.lo[j - 1..j - 1 + BLOCK].try_into().expect("a block of lowers");
        let no_long = || !any_above_zero(std::array::from_fn(|k| c[k] - u[k]));
        let no_short = || !any_above_zero(std::array::from_fn(|k| d[k] - c[k]));
        match self.cur {
            LONG => no_short(),
            SHORT => no_long(),
            _ => no_long() && no_short(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_above_zero_sees_a_positive_past_any_nan() {
        let (nan, inf) = (f64::NAN, f64::INFINITY);
        for at in 0..BLOCK {
            for other in 0..BLOCK {
                let mut x = [-1.0; BLOCK];
                x[other] = nan;
                assert!(!any_above_zero(x), "only a NaN at {other}");
                for v in [1e-300, 0.34, inf] {
                    x[at] = v;
                    assert!(any_above_zero(x), "{v} at {at}, NaN at {other}");
                }
            }
        }
        assert!(!any_above_zero([0.0, -0.0, f64::NEG_INFINITY, nan, -1.0, 0.0, nan, -5e-324]));
        assert!(any_above_zero([nan, nan, nan, nan, nan, nan, nan, 5e-324]));
    }
}
