//! Indicator kernels over plain `f64` series.
//!
//! Definitions follow TA-Lib in its default compatibility mode with no unstable period:
//! same formulas, same seeding, same first valid index. docs/indicators.md gives each
//! definition and the few deliberate deviations.
//!
//! Conventions shared by every kernel:
//! - The output has the input's length; bars before the first valid index are `NaN`.
//! - A period of 0, or one too long for the input to reach the first valid index, gives
//!   an all-`NaN` output instead of a panic.
//! - Multi-input kernels (`true_range`, `atr`, `donchian`) panic if their inputs differ in
//!   length: callers pass columns of one `Bars`, so a mismatch is a programming error.
//! - `NaN` input never panics. Window kernels (SMA, std, Bollinger, z-score, Donchian)
//!   give `NaN` exactly for the windows that contain a `NaN`; recursive ones (EMA, RSI,
//!   ATR, MACD) carry it forward to every later bar, as TA-Lib does; ROC and true range
//!   only touch the bars that read it (a `NaN` previous close makes the true range
//!   `high - low`, as TA-Lib's comparisons do).
//! - Everything is a single O(len) pass with no per-element allocation.

use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq)]
pub struct Macd {
    pub line: Vec<f64>,
    pub signal: Vec<f64>,
    pub hist: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    pub mid: Vec<f64>,
    pub upper: Vec<f64>,
    pub lower: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub upper: Vec<f64>,
    pub lower: Vec<f64>,
}

fn nans(len: usize) -> Vec<f64> {
    vec![f64::NAN; len]
}

/// TA-Lib's EMA smoothing factor, `2 / (n + 1)`.
fn ema_k(n: usize) -> f64 {
    2.0 / (n as f64 + 1.0)
}

/// Simple moving average of the last `n` values; first valid index `n - 1`.
pub fn sma(x: &[f64], n: usize) -> Vec<f64> {
    let mut out = nans(x.len());
    window_moments(x, n, |i, mean, _| out[i] = mean);
    out
}

/// Population standard deviation (divide by `n`) of the last `n` values, i.e. TA-Lib
/// `STDDEV(n, nbdev = 1)`; first valid index `n - 1`.
pub fn rolling_std(x: &[f64], n: usize) -> Vec<f64> {
    let mut out = nans(x.len());
    window_moments(x, n, |i, _, var| out[i] = var.sqrt());
    out
}

/// Bollinger bands: `mid = SMA(n)`, `upper/lower = mid ± k · std` with the population
/// std of the same window (TA-Lib `BBANDS` with an SMA); first valid index `n - 1`.
pub fn bollinger(x: &[f64], n: usize, k: f64) -> Bands {
    let len = x.len();
    let mut b = Bands { mid: nans(len), upper: nans(len), lower: nans(len) };
    window_moments(x, n, |i, mean, var| {
        let width = k * var.sqrt();
        b.mid[i] = mean;
        b.upper[i] = mean + width;
        b.lower[i] = mean - width;
    });
    b
}

/// `(x - SMA(n)) / rolling_std(n)`; 0.0 where the window's std is exactly 0 (a flat
/// window is "at its mean", not infinitely far from it). First valid index `n - 1`.
pub fn zscore(x: &[f64], n: usize) -> Vec<f64> {
    let mut out = nans(x.len());
    window_moments(x, n, |i, mean, var| {
        let sd = var.sqrt();
        out[i] = if sd == 0.0 { 0.0 } else { (x[i] - mean) / sd };
    });
    out
}

/// Calls `emit(i, mean, population_variance)` for every full window `x[i+1-n ..= i]`.
///
/// A plain running sum (add the new bar, subtract the old) accumulates rounding error
/// over a million bars and never forgets a `NaN`. Instead, with blocks of `n` bars, every
/// window is a suffix of one block plus a prefix of the next, so its sums are at most two
/// partial sums added (van Herk / Gil-Werman): nothing is ever subtracted back out, the
/// error is that of summing `n` numbers, and a `NaN` only reaches the windows holding it.
///
/// Sums are of `d = x - c` with `c` = the first bar of the block, which every window
/// ending in that block contains. So a constant window has variance exactly 0 and mean
/// exactly `c`, and `(mean - c)² ≤ n · var` bounds the cancellation in `E[d²] - E[d]²`.
fn window_moments(x: &[f64], n: usize, mut emit: impl FnMut(usize, f64, f64)) {
    let len = x.len();
    if n == 0 || n > len {
        return;
    }
    let nf = n as f64;
    let (mut suf1, mut suf2) = (vec![0.0; n], vec![0.0; n]);
    let mut start = 0;
    while start < len {
        let end = (start + n).min(len);
        let prev = start.saturating_sub(n); // previous block: x[prev..start], empty at 0
        let c = x[start];
        let (mut s1, mut s2) = (0.0, 0.0);
        for (j, &v) in x[prev..start].iter().enumerate().rev() {
            let d = v - c;
            s1 += d;
            s2 += d * d;
            suf1[j] = s1;
            suf2[j] = s2;
        }
        let (mut p1, mut p2) = (0.0, 0.0);
        for (i, &v) in x.iter().enumerate().take(end).skip(start) {
            let d = v - c;
            p1 += d;
            p2 += d * d;
            if i + 1 < n {
                continue;
            }
            // The window starts in the previous block unless `i` closes this one.
            let w = i + 1 - n;
            let (t1, t2) = if w == start { (p1, p2) } else { (suf1[w - prev] + p1, suf2[w - prev] + p2) };
            let m = t1 / nf;
            let var = t2 / nf - m * m;
            // Clamp rounding's tiny negatives, but not with `f64::max`: it turns NaN into 0.
            emit(i, c + m, if var < 0.0 { 0.0 } else { var });
        }
        start = end;
    }
}

/// Exponential moving average, `k = 2 / (n + 1)`, seeded at index `n - 1` with the SMA
/// of the first `n` values (TA-Lib default compatibility). `n == 1` returns the input.
pub fn ema(x: &[f64], n: usize) -> Vec<f64> {
    let len = x.len();
    if n == 1 {
        return x.to_vec(); // k = 1: exactly the input, without TA-Lib's `(x-p)*1+p` rounding
    }
    let mut out = nans(len);
    if n == 0 || n > len {
        return out;
    }
    let k = ema_k(n);
    let mut prev = x[..n].iter().sum::<f64>() / n as f64;
    out[n - 1] = prev;
    for (o, &v) in out[n..].iter_mut().zip(&x[n..]) {
        prev = (v - prev) * k + prev; // TA-Lib's operation order
        *o = prev;
    }
    out
}

/// Wilder's RSI as in TA-Lib: first valid index `n`. The average gain and loss are seeded
/// with the simple mean of the first `n` changes (`x[1]-x[0] ..= x[n]-x[n-1]`), then
/// `avg = (avg · (n-1) + cur) / n`. `RSI = 100 · gain / (gain + loss)`, which is 100
/// when there are no losses and, following TA-Lib, 0.0 when gain + loss is 0 (a flat
/// stretch). TA-Lib tests that sum against a small epsilon; here it is exact zero.
pub fn rsi(x: &[f64], n: usize) -> Vec<f64> {
    let len = x.len();
    let mut out = nans(len);
    if n == 0 || n >= len {
        return out;
    }
    let nf = n as f64;
    let (mut gain, mut loss) = (0.0, 0.0);
    for w in x[..=n].windows(2) {
        let d = w[1] - w[0];
        if d < 0.0 {
            loss -= d;
        } else {
            gain += d; // a NaN change lands here and poisons the averages, as in TA-Lib
        }
    }
    gain /= nf;
    loss /= nf;
    out[n] = rsi_value(gain, loss);
    for (o, w) in out[n + 1..].iter_mut().zip(x[n..].windows(2)) {
        let d = w[1] - w[0];
        loss *= nf - 1.0;
        gain *= nf - 1.0;
        if d < 0.0 {
            loss -= d;
        } else {
            gain += d;
        }
        loss /= nf;
        gain /= nf;
        *o = rsi_value(gain, loss);
    }
    out
}

fn rsi_value(gain: f64, loss: f64) -> f64 {
    let total = gain + loss;
    if total == 0.0 {
        0.0
    } else {
        100.0 * (gain / total)
    }
}

/// MACD exactly as TA-Lib computes it (default compatibility).
///
/// If `slow < fast` the two are swapped, like TA-Lib. Both EMAs are seeded at index
/// `slow - 1`: the slow one with the mean of `x[0..slow]`, the fast one with the mean of
/// `x[slow-fast..slow]` (the fast seed window ends on the same bar). The signal EMA is
/// seeded with the mean of the first `signal` MACD-line values. All three outputs start at
/// the combined lookback `(slow - 1) + (signal - 1)`; `line` is `NaN` before it too,
/// although it could be computed from `slow - 1`, so the outputs match TA-Lib's.
pub fn macd(x: &[f64], fast: usize, slow: usize, signal: usize) -> Macd {
    let len = x.len();
    let mut out = Macd { line: nans(len), signal: nans(len), hist: nans(len) };
    let (fast, slow) = if slow < fast { (slow, fast) } else { (fast, slow) };
    // First output index, the combined lookback; checked so huge periods can't overflow.
    let first = match (fast, signal) {
        (0, _) | (_, 0) => None,
        _ => (slow - 1).checked_add(signal - 1).filter(|&f| f < len),
    };
    let Some(first) = first else {
        return out;
    };
    let (kf, ks, kg) = (ema_k(fast), ema_k(slow), ema_k(signal));

    let mut slow_sum = 0.0;
    for &v in &x[..slow - fast] {
        slow_sum += v;
    }
    let mut fast_sum = 0.0;
    for &v in &x[slow - fast..slow] {
        fast_sum += v;
        slow_sum += v;
    }
    let mut pf = fast_sum / fast as f64;
    let mut ps = slow_sum / slow as f64;
    let mut line = pf - ps;
    let mut sig = line; // accumulates the first `signal` line values for the seed
    for &v in &x[slow..=first] {
        pf = (v - pf) * kf + pf;
        ps = (v - ps) * ks + ps;
        line = pf - ps;
        sig += line;
    }
    sig /= signal as f64;
    out.line[first] = line;
    out.signal[first] = sig;
    out.hist[first] = line - sig;
    for (i, &v) in x.iter().enumerate().skip(first + 1) {
        pf = (v - pf) * kf + pf;
        ps = (v - ps) * ks + ps;
        line = pf - ps;
        sig = (line - sig) * kg + sig;
        out.line[i] = line;
        out.signal[i] = sig;
        out.hist[i] = line - sig;
    }
    out
}

/// One bar's true range in TA-Lib's comparison order: `high - low`, replaced by
/// `|prev_close - high|` or `|prev_close - low|` when larger.
#[inline]
fn tr(high: f64, low: f64, prev_close: f64) -> f64 {
    let mut g = high - low;
    let up = (prev_close - high).abs();
    if up > g {
        g = up;
    }
    let down = (prev_close - low).abs();
    if down > g {
        g = down;
    }
    g
}

fn assert_same_len(high: &[f64], low: &[f64], close: Option<&[f64]>) {
    assert_eq!(high.len(), low.len(), "high and low differ in length");
    if let Some(c) = close {
        assert_eq!(high.len(), c.len(), "high and close differ in length");
    }
}

/// TA-Lib `TRANGE`: `max(high, prev_close) - min(low, prev_close)`; first valid index 1.
/// Panics if the inputs differ in length.
pub fn true_range(high: &[f64], low: &[f64], close: &[f64]) -> Vec<f64> {
    assert_same_len(high, low, Some(close));
    let mut out = nans(high.len());
    for (i, o) in out.iter_mut().enumerate().skip(1) {
        *o = tr(high[i], low[i], close[i - 1]);
    }
    out
}

/// TA-Lib `ATR`: first valid index `n`, seeded with the mean of `TR[1..=n]`, then Wilder
/// smoothing `atr = (atr · (n-1) + tr) / n`. `n == 1` equals `true_range`. Panics if the
/// inputs differ in length.
pub fn atr(high: &[f64], low: &[f64], close: &[f64], n: usize) -> Vec<f64> {
    assert_same_len(high, low, Some(close));
    let len = high.len();
    let mut out = nans(len);
    if n == 0 || n >= len {
        return out;
    }
    let nf = n as f64;
    let mut sum = 0.0;
    for i in 1..=n {
        sum += tr(high[i], low[i], close[i - 1]);
    }
    let mut prev = sum / nf;
    out[n] = prev;
    for (i, o) in out.iter_mut().enumerate().skip(n + 1) {
        prev *= nf - 1.0; // TA-Lib's three-step order
        prev += tr(high[i], low[i], close[i - 1]);
        prev /= nf;
        *o = prev;
    }
    out
}

/// Donchian channel: highest high and lowest low of the last `n` bars including the
/// current one (TA-Lib `MAX(high, n)` / `MIN(low, n)`); first valid index `n - 1`.
/// Panics if the inputs differ in length.
pub fn donchian(high: &[f64], low: &[f64], n: usize) -> Channel {
    assert_same_len(high, low, None);
    Channel { upper: rolling_extreme(high, n, |a, b| a >= b), lower: rolling_extreme(low, n, |a, b| a <= b) }
}

/// Rolling max (`beats = >=`) or min (`<=`) over `n` bars with a monotonic deque of
/// indices: each index is pushed and popped once, so O(len) for any `n`. `NaN`s stay out
/// of the deque (they would break its ordering); windows containing one give `NaN`.
fn rolling_extreme(x: &[f64], n: usize, beats: impl Fn(f64, f64) -> bool) -> Vec<f64> {
    let len = x.len();
    let mut out = nans(len);
    if n == 0 || n > len {
        return out;
    }
    let mut dq: VecDeque<usize> = VecDeque::with_capacity(n + 1);
    let mut last_nan: Option<usize> = None;
    for (i, &v) in x.iter().enumerate() {
        if v.is_nan() {
            last_nan = Some(i);
        } else {
            while dq.back().is_some_and(|&b| beats(v, x[b])) {
                dq.pop_back();
            }
            dq.push_back(i);
        }
        if i + 1 < n {
            continue;
        }
        let start = i + 1 - n;
        while dq.front().is_some_and(|&f| f < start) {
            dq.pop_front();
        }
        if last_nan.is_none_or(|j| j < start) {
            // No NaN in the window, so it holds at least one deque entry: its extreme.
            out[i] = x[dq[0]];
        }
    }
    out
}

/// TA-Lib `ROC`: `(x[t] / x[t-n] - 1) · 100`, first valid index `n`; 0.0 when
/// `x[t-n] == 0` (TA-Lib's choice, rather than an infinity).
pub fn roc(x: &[f64], n: usize) -> Vec<f64> {
    let len = x.len();
    let mut out = nans(len);
    if n == 0 || n >= len {
        return out;
    }
    for ((o, &cur), &past) in out[n..].iter_mut().zip(&x[n..]).zip(x) {
        *o = if past != 0.0 { (cur / past - 1.0) * 100.0 } else { 0.0 };
    }
    out
}

pub mod incremental;

#[cfg(test)]
mod tests;
