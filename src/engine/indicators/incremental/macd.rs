//! MACD one value at a time, as the `macd` kernel (TA-Lib's default compatibility): both EMAs
//! seeded at value `slow - 1` (the slow one with the mean of the first `slow` values, the fast
//! one with the mean of the `fast` values ending there), the signal seeded with the mean of the
//! first `signal` MACD-line values, every output starting at `(slow - 1) + (signal - 1)`.

use super::super::ema_k;

/// One bar of MACD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdPoint {
    pub line: f64,
    pub signal: f64,
    pub hist: f64,
}

const NONE: MacdPoint = MacdPoint { line: f64::NAN, signal: f64::NAN, hist: f64::NAN };

/// MACD ([`Macd::update`]).
#[derive(Debug, Clone)]
pub struct Macd {
    fast: usize,
    slow: usize,
    signal: usize,
    /// The first index with an output; `None` for a period of 0 (never an output).
    first: Option<usize>,
    kf: f64,
    ks: f64,
    kg: f64,
    seen: usize,
    fast_sum: f64,
    slow_sum: f64,
    pf: f64,
    ps: f64,
    line: f64,
    /// The sum of the first `signal` line values, then the signal line.
    sig: f64,
}

impl Macd {
    pub fn new(fast: usize, slow: usize, signal: usize) -> Macd {
        // As the kernel: a slow period shorter than the fast one swaps them.
        let (fast, slow) = if slow < fast { (slow, fast) } else { (fast, slow) };
        let first = match (fast, signal) {
            (0, _) | (_, 0) => None,
            _ => (slow - 1).checked_add(signal - 1),
        };
        Macd {
            fast,
            slow,
            signal,
            first,
            kf: ema_k(fast),
            ks: ema_k(slow),
            kg: ema_k(signal),
            seen: 0,
            fast_sum: 0.0,
            slow_sum: 0.0,
            pf: 0.0,
            ps: 0.0,
            line: 0.0,
            sig: 0.0,
        }
    }

    /// Take the next value; MACD at it, all `NaN` before the first output.
    pub fn update(&mut self, x: f64) -> MacdPoint {
        let Some(first) = self.first else { return NONE };
        let (fast, slow) = (self.fast, self.slow);
        let i = self.seen;
        self.seen += 1;
        if i < slow - fast {
            self.slow_sum += x;
        } else if i < slow {
            self.fast_sum += x;
            self.slow_sum += x;
            if i == slow - 1 {
                self.pf = self.fast_sum / fast as f64;
                self.ps = self.slow_sum / slow as f64;
                self.line = self.pf - self.ps;
                self.sig = self.line;
            }
        } else {
            self.pf = (x - self.pf) * self.kf + self.pf;
            self.ps = (x - self.ps) * self.ks + self.ps;
            self.line = self.pf - self.ps;
            if i <= first {
                self.sig += self.line;
            } else {
                self.sig = (self.line - self.sig) * self.kg + self.sig;
            }
        }
        if i == first {
            self.sig /= self.signal as f64;
        }
        if i < first {
            return NONE;
        }
        MacdPoint { line: self.line, signal: self.sig, hist: self.line - self.sig }
    }
}
