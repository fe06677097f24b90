//! Every line, filled chunk by chunk, equals its whole-series kernel bit for bit: for periods
//! from 0 to beyond the series, chunk sizes from 1 bar to more than the series, on a random
//! walk, on a walk with NaN bars, with flat stretches and with ±0 ties in the channel.

use super::*;
use crate::engine::data::synth::random_walk;
use crate::engine::indicators as ind;

const CHUNKS: &[usize] = &[1, 3, 7, 64, 4096];

/// The line's output `o` over all of `bars`, filled `chunk` bars at a time.
fn streamed(key: LineKey, bars: &Bars, chunk: usize, o: usize) -> Vec<f64> {
    let mut line = Line::new(key, bars, chunk);
    let mut out = Vec::with_capacity(bars.len());
    let mut a = 0;
    while a < bars.len() {
        let len = chunk.min(bars.len() - a);
        line.fill(bars, a, len);
        out.extend_from_slice(&line.out[o][..len]);
        a += len;
    }
    out
}

fn same_bits(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.to_bits(), w.to_bits(), "{what}: bar {i}: {g} vs {w}");
    }
}

/// Series to check on: a random walk; the same with NaN bars and a flat stretch; a short one.
fn series() -> Vec<(&'static str, Bars)> {
    let walk = random_walk(700, 0, 60_000, 0.01, 11);
    let mut holes = walk.clone();
    for i in [0, 5, 90, 91, 300, 699] {
        holes.close[i] = f64::NAN;
        holes.high[i] = f64::NAN;
        holes.low[i] = f64::NAN;
    }
    for i in 400..460 {
        holes.close[i] = 100.0;
        holes.high[i] = 100.0;
        holes.low[i] = 100.0;
    }
    // ±0 and equal values, where the channel's tie rule shows in the bits.
    let mut ties = random_walk(300, 0, 60_000, 0.01, 5);
    for i in 0..300 {
        let z = if i % 3 == 0 { -0.0 } else { 0.0 };
        if i % 4 < 2 {
            ties.high[i] = z;
            ties.low[i] = -z;
        }
    }
    vec![("walk", walk), ("holes", holes), ("ties", ties), ("short", random_walk(9, 0, 60_000, 0.01, 3))]
}

fn periods(len: usize) -> Vec<usize> {
    vec![0, 1, 2, 3, 5, 17, 50, 64, 200, len - 1, len, len + 1]
}

#[test]
fn sma_ema_rsi_equal_their_kernels() {
    for (name, b) in series() {
        for n in periods(b.len()) {
            let x = &b.close;
            for &chunk in CHUNKS {
                let what = |k: &str| format!("{k}({n}) on {name}, chunks of {chunk}");
                same_bits(&what("sma"), &streamed(LineKey::Sma(n), &b, chunk, 0), &ind::sma(x, n));
                same_bits(&what("ema"), &streamed(LineKey::Ema(n), &b, chunk, 0), &ind::ema(x, n));
                same_bits(&what("rsi"), &streamed(LineKey::Rsi(n), &b, chunk, 0), &ind::rsi(x, n));
            }
        }
    }
}

#[test]
fn moments_give_the_bollinger_bands_bit_for_bit() {
    for (name, b) in series() {
        for n in periods(b.len()) {
            for k in [0.5, 2.0] {
                let want = ind::bollinger(&b.close, n, k);
                for &chunk in CHUNKS {
                    let what = |s: &str| format!("bollinger({n},{k}) {s} on {name}, chunks of {chunk}");
                    let mean = streamed(LineKey::Moments(n), &b, chunk, 0);
                    let var = streamed(LineKey::Moments(n), &b, chunk, 1);
                    // The bands as the bollinger rule derives them.
                    let width: Vec<f64> = var.iter().map(|v| k * v.sqrt()).collect();
                    let upper: Vec<f64> = mean.iter().zip(&width).map(|(m, w)| m + w).collect();
                    let lower: Vec<f64> = mean.iter().zip(&width).map(|(m, w)| m - w).collect();
                    same_bits(&what("mid"), &mean, &want.mid);
                    same_bits(&what("upper"), &upper, &want.upper);
                    same_bits(&what("lower"), &lower, &want.lower);
                }
            }
        }
    }
}

#[test]
fn donchian_equals_its_kernel_ties_and_nan_included() {
    for (name, b) in series() {
        for n in periods(b.len()) {
            let want = ind::donchian(&b.high, &b.low, n);
            for &chunk in CHUNKS {
                let what = |s: &str| format!("donchian({n}) {s} on {name}, chunks of {chunk}");
                same_bits(&what("upper"), &streamed(LineKey::Donchian(n), &b, chunk, 0), &want.upper);
                same_bits(&what("lower"), &streamed(LineKey::Donchian(n), &b, chunk, 1), &want.lower);
            }
        }
    }
}

/// With a signal period of 1 the kernel shows its line from the seed bar on, as the line does.
#[test]
fn macd_line_equals_the_kernels_line() {
    for (name, b) in series() {
        for (f, s) in [(1, 2), (3, 7), (12, 26), (26, 12), (5, 5), (2, b.len()), (2, b.len() + 1), (0, 4)] {
            let want = ind::macd(&b.close, f, s, 1);
            for &chunk in CHUNKS {
                let key = LineKey::MacdLine(f, s);
                same_bits(&format!("macd({f},{s}) on {name}, chunks of {chunk}"), &streamed(key, &b, chunk, 0), &want.line);
            }
        }
    }
}

/// `fill_all` advances EMA lines together (up to four per loop, seeds at different bars):
/// each still equals its kernel, and the other lines beside them too.
#[test]
fn lines_filled_together_equal_their_kernels() {
    for (name, b) in series() {
        let len = b.len();
        let mut keys = vec![LineKey::Sma(20), LineKey::Donchian(7), LineKey::Moments(12)];
        keys.extend([1, 2, 3, 5, 17, 50, 64, 200, len, len + 1].map(LineKey::Ema));
        for &chunk in CHUNKS {
            let mut lines: Vec<Line> = keys.iter().map(|&k| Line::new(k, &b, chunk)).collect();
            let mut got: Vec<Vec<f64>> = vec![Vec::new(); keys.len()];
            let mut a = 0;
            while a < len {
                let n = chunk.min(len - a);
                fill_all(&mut lines, &b, a, n);
                for (g, l) in got.iter_mut().zip(&lines) {
                    g.extend_from_slice(&l.out[0][..n]);
                }
                a += n;
            }
            for (key, g) in keys.iter().zip(&got) {
                let want = match *key {
                    LineKey::Ema(n) => ind::ema(&b.close, n),
                    LineKey::Sma(n) => ind::sma(&b.close, n),
                    LineKey::Donchian(n) => ind::donchian(&b.high, &b.low, n).upper,
                    LineKey::Moments(n) => ind::bollinger(&b.close, n, 1.0).mid,
                    _ => unreachable!(),
                };
                same_bits(&format!("{key:?} on {name}, chunks of {chunk}, filled together"), g, &want);
            }
        }
    }
}

/// A window line placed at any bar (after filling some chunks, or none) fills from there with
/// the kernel's values: the same as a walk of every chunk before.
#[test]
fn window_lines_seek_to_any_bar() {
    for (name, b) in series() {
        let len = b.len();
        let want_sma = |n: usize| ind::sma(&b.close, n);
        for n in periods(len) {
            let (sma, bands) = (want_sma(n), ind::bollinger(&b.close, n, 1.0));
            for (key, want) in [(LineKey::Sma(n), &sma), (LineKey::Moments(n), &bands.mid)] {
                for chunk in [1, 5, 64] {
                    let mut line = Line::new(key, &b, chunk);
                    // Walk the first chunk, then jump about: forward, back, to the end.
                    let mut at = vec![0];
                    at.extend((0..len).step_by(37).rev().chain([3, len / 2, len - 1]));
                    for a in at {
                        let l = chunk.min(len - a);
                        line.seek(&b, a);
                        line.fill(&b, a, l);
                        let what = format!("{key:?} on {name}, seek to {a}, chunk {chunk}");
                        same_bits(&what, &line.out[0][..l], &want[a..a + l]);
                    }
                }
            }
        }
    }
}
