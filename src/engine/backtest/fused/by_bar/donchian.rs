//! donchian_breakout by bar: the channel fills its chunk (blocks, as the chunked walk fills
//! it), then each close against the previous bar's channel marks the position in the
//! simulation's loop, as `rule::Rule::Donchian` marks it.

use super::super::lines::{Line, LineKey};
use super::super::rule::mark;
use super::super::sim::Curves;
use super::bars_of;
use crate::engine::backtest::config::BacktestConfig;
use crate::engine::backtest::simulate::Stepper;
use crate::engine::data::Bars;
use crate::engine::strategy::FLAT;

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
        bars_of(st, bars, cfg, a, len, curves, |j| {
            let c = close[j];
            let m = mark(c > upper, c < lower);
            if m != FLAT {
                cur = m;
            }
            (upper, lower) = (up[j], lo[j]);
            cur
        });
        a += len;
    }
}
