//! ema_cross by bar: past both seed bars the two recurrences run inside the simulation's loop
//! (`prev = (v - prev) * k + prev`, the kernel's operations); before that the lines fill
//! their chunk as the chunked walk fills them and the loop reads them from there.

use super::super::lines::{self, LineKey};
use super::super::rule::Crossing;
use super::super::sim::Curves;
use super::{bars_of, crossing_lines};
use crate::engine::backtest::config::BacktestConfig;
use crate::engine::backtest::simulate::Stepper;
use crate::engine::data::Bars;

pub(super) fn run(bars: &Bars, periods: [usize; 2], cfg: &BacktestConfig, st: &mut Stepper, curves: &mut Curves, chunk: usize) {
    let n = bars.len();
    let mut ls = crossing_lines(LineKey::Ema, periods, bars, chunk);
    let (ia, ib) = (0, ls.len() - 1);
    let mut cross = Crossing::START;
    let x = &bars.close;
    let mut a = 0;
    while a < n {
        let len = chunk.min(n - a);
        let close = &x[a..a + len];
        let running = match &mut ls[..] {
            [l] => l.ema_running(a).map(|(k, p)| ([k, k], [*p, *p])),
            [l, m] => l.ema_running(a).zip(m.ema_running(a)).map(|((k, p), (j, q))| ([k, j], [*p, *q])),
            _ => None,
        };
        if let Some((k, mut prev)) = running {
            bars_of(st, bars, cfg, a, len, curves, |j| {
                let v = close[j];
                prev[0] = (v - prev[0]) * k[0] + prev[0];
                prev[1] = (v - prev[1]) * k[1] + prev[1];
                cross.step(prev[0], prev[1])
            });
            for (l, p) in ls.iter_mut().zip(prev) {
                *l.ema_running(a).expect("running above").1 = p;
            }
        } else {
            lines::fill_all(&mut ls, bars, a, len);
            let (fa, fb) = (&ls[ia].out[0][..len], &ls[ib].out[0][..len]);
            bars_of(st, bars, cfg, a, len, curves, |j| cross.step(fa[j], fb[j]));
        }
        a += len;
    }
}
