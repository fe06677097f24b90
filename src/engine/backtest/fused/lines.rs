//! Indicator series a chunk of bars at a time, each value bit for bit the one the
//! whole-series kernel in `engine::indicators` gives at that bar: the same operations on the
//! same operands in the same order, with the state a kernel keeps in its loop carried from
//! one chunk to the next. So a fused pass computes a chunk, consumes it from cache and moves
//! on, and a sweep never holds 8 MB per series per million bars.
//!
//! A line is filled for consecutive chunks `[a, a + len)` starting at bar 0; each output
//! buffer then holds the chunk's values at `[..len]`. The tests beside this file check every
//! line against its kernel, for many periods and chunk sizes, NaN inputs included.

mod channel;
mod moments;
mod recurrent;

use channel::Channel;
use moments::Moments;
use recurrent::{Ema, EmaMode, MacdLine, Rsi};

use crate::engine::data::Bars;

/// What a line computes; strategies name these through their parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineKey {
    /// `indicators::sma(close, n)`.
    Sma(usize),
    /// `indicators::ema(close, n)`.
    Ema(usize),
    /// `indicators::rsi(close, n)`.
    Rsi(usize),
    /// The mean and population variance of the last `n` closes as `indicators::bollinger`
    /// derives its bands from them: outputs `[mean, variance]`. Every `k` of one period reads
    /// the same pair, so a sweep over `k` computes the window once.
    Moments(usize),
    /// The MACD line of `indicators::macd(close, fast, slow, _)` from its seed bar `slow - 1`
    /// on, NaN before (the kernel itself shows it from `slow - 1 + signal - 1`; the signal is
    /// computed by the decision, so every signal period of one fast/slow pair shares it).
    MacdLine(usize, usize),
    /// `indicators::donchian(high, low, n)`: outputs `[upper, lower]`.
    Donchian(usize),
}

impl LineKey {
    /// How many output series the line fills.
    pub fn outputs(self) -> usize {
        match self {
            LineKey::Moments(_) | LineKey::Donchian(_) => 2,
            _ => 1,
        }
    }
}

/// One line: its key, its carried state and its output buffers for the current chunk.
pub struct Line {
    pub key: LineKey,
    state: State,
    pub out: [Vec<f64>; 2],
}

enum State {
    Sma(Moments<false>),
    Moments(Moments<true>),
    Ema(Ema),
    Rsi(Rsi),
    MacdLine(MacdLine),
    Donchian(Channel),
}

impl Line {
    /// A line over `bars`, before its first chunk; buffers sized for chunks of `chunk` bars.
    pub fn new(key: LineKey, bars: &Bars, chunk: usize) -> Line {
        let x = &bars.close;
        let state = match key {
            LineKey::Sma(n) => State::Sma(Moments::new(n, x.len())),
            LineKey::Moments(n) => State::Moments(Moments::new(n, x.len())),
            LineKey::Ema(n) => State::Ema(Ema::new(x, n)),
            LineKey::Rsi(n) => State::Rsi(Rsi::new(x, n)),
            LineKey::MacdLine(f, s) => State::MacdLine(MacdLine::new(x, f, s)),
            LineKey::Donchian(n) => {
                assert_eq!(bars.high.len(), bars.low.len(), "high and low differ in length");
                State::Donchian(Channel::new(n, bars.high.len()))
            }
        };
        let buf = |used: bool| if used { vec![f64::NAN; chunk] } else { Vec::new() };
        Line { key, state, out: [buf(true), buf(key.outputs() > 1)] }
    }

    /// Compute bars `[a, a + len)`: the chunk after the previous one.
    pub fn fill(&mut self, bars: &Bars, a: usize, len: usize) {
        let [o0, o1] = &mut self.out;
        let o0 = &mut o0[..len];
        let o1 = if o1.is_empty() { &mut o1[..] } else { &mut o1[..len] };
        match &mut self.state {
            State::Sma(m) => m.fill(&bars.close, a, o0, o1),
            State::Moments(m) => m.fill(&bars.close, a, o0, o1),
            State::Ema(e) => e.fill(&bars.close, a, o0),
            State::Rsi(r) => r.fill(&bars.close, a, o0),
            State::MacdLine(m) => m.fill(&bars.close, a, o0),
            State::Donchian(ch) => ch.fill(&bars.high, &bars.low, a, o0, o1),
        }
    }
}

/// Fill every line for bars `[a, a + len)`. EMA lines advance together, four at a time: each
/// is a chain of dependent operations per bar, and chains side by side overlap in the core.
pub fn fill_all(lines: &mut [Line], bars: &Bars, a: usize, len: usize) {
    let mut emas = Vec::new();
    for (i, l) in lines.iter_mut().enumerate() {
        match &l.state {
            State::Ema(e) if e.mode == EmaMode::Run => emas.push(i),
            _ => l.fill(bars, a, len),
        }
    }
    let x = &bars.close;
    for group in emas.chunks(4) {
        match *group {
            [i] => ema_bank(lines.get_disjoint_mut([i]).expect("distinct"), x, a, len),
            [i, j] => ema_bank(lines.get_disjoint_mut([i, j]).expect("distinct"), x, a, len),
            [i, j, k] => ema_bank(lines.get_disjoint_mut([i, j, k]).expect("distinct"), x, a, len),
            [i, j, k, l] => ema_bank(lines.get_disjoint_mut([i, j, k, l]).expect("distinct"), x, a, len),
            _ => unreachable!("chunks of at most four"),
        }
    }
}

/// `K` running EMA lines over bars `[a, a + len)`: each one's bars up to its seed alone, then
/// all of them bar by bar, each with its own operations in its own order.
fn ema_bank<const K: usize>(mut ls: [&mut Line; K], x: &[f64], a: usize, len: usize) {
    let b = a + len;
    // Where every line runs its recurrence: past the latest seed in the chunk.
    let joint = ls.iter().map(|l| l.ema().n).max().unwrap_or(0).clamp(a, b);
    for l in ls.iter_mut() {
        let Line { state, out, .. } = &mut **l;
        let State::Ema(e) = state else { unreachable!("an EMA bank holds EMA lines") };
        e.fill(x, a, &mut out[0][..joint - a]);
    }
    let mut prev = [0.0; K];
    let mut k = [0.0; K];
    for (m, l) in ls.iter().enumerate() {
        prev[m] = l.ema().prev;
        k[m] = l.ema().k;
    }
    let outs = ls.each_mut().map(|l| &mut l.out[0][joint - a..len]);
    for (j, &v) in x[joint..b].iter().enumerate() {
        for m in 0..K {
            prev[m] = (v - prev[m]) * k[m] + prev[m];
            outs[m][j] = prev[m];
        }
    }
    for (m, l) in ls.iter_mut().enumerate() {
        l.ema_mut().prev = prev[m];
    }
}

impl Line {
    /// An EMA line whose every bar from `a` on runs the recurrence (past its seed): its factor
    /// and its last value, for a caller that runs the recurrence itself and writes the last
    /// value back.
    pub(super) fn ema_running(&mut self, a: usize) -> Option<(f64, &mut f64)> {
        match &mut self.state {
            State::Ema(e) if e.mode == EmaMode::Run && a >= e.n => Some((e.k, &mut e.prev)),
            _ => None,
        }
    }

    /// A window line (SMA, moments) placed so that its next `fill` starts at bar `a`, with the
    /// values a fill of every chunk before would give.
    pub(super) fn seek(&mut self, bars: &Bars, a: usize) {
        match &mut self.state {
            State::Sma(m) => m.seek(&bars.close, a),
            State::Moments(m) => m.seek(&bars.close, a),
            _ => unreachable!("only window lines seek: {:?}", self.key),
        }
    }

    fn ema(&self) -> &Ema {
        match &self.state {
            State::Ema(e) => e,
            _ => unreachable!("an EMA line"),
        }
    }

    fn ema_mut(&mut self) -> &mut Ema {
        match &mut self.state {
            State::Ema(e) => e,
            _ => unreachable!("an EMA line"),
        }
    }
}

#[cfg(test)]
mod tests;
