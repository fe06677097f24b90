//! The rolling maximum or minimum of the last `n` values one value at a time, with the
//! kernel's monotonic deque (each value pushed and popped once: amortized O(1)), and the
//! Donchian channel built from two of them.

use std::collections::VecDeque;

/// The rolling maximum ([`RollingExtreme::max`]) or minimum of the last `n` values.
#[derive(Debug, Clone)]
pub struct RollingExtreme {
    n: usize,
    /// True for the maximum.
    max: bool,
    seen: usize,
    /// (index, value), values monotonic from the front (the extreme) to the back.
    dq: VecDeque<(usize, f64)>,
    last_nan: Option<usize>,
}

impl RollingExtreme {
    pub fn max(n: usize) -> RollingExtreme {
        RollingExtreme::new(n, true)
    }

    pub fn min(n: usize) -> RollingExtreme {
        RollingExtreme::new(n, false)
    }

    fn new(n: usize, max: bool) -> RollingExtreme {
        RollingExtreme { n, max, seen: 0, dq: VecDeque::with_capacity(n + 1), last_nan: None }
    }

    /// Take the next value; the extreme of the window ending on it, `NaN` before `n` values
    /// and for a window holding a `NaN` (kept out of the deque, whose ordering it would break).
    pub fn update(&mut self, v: f64) -> f64 {
        let n = self.n;
        if n == 0 {
            return f64::NAN;
        }
        let i = self.seen;
        self.seen += 1;
        if v.is_nan() {
            self.last_nan = Some(i);
        } else {
            let max = self.max;
            // The kernel's `beats`: `>=` for the maximum, `<=` for the minimum.
            while self.dq.back().is_some_and(|&(_, b)| if max { v >= b } else { v <= b }) {
                self.dq.pop_back();
            }
            self.dq.push_back((i, v));
        }
        if i + 1 < n {
            return f64::NAN;
        }
        let start = i + 1 - n;
        while self.dq.front().is_some_and(|&(f, _)| f < start) {
            self.dq.pop_front();
        }
        match self.dq.front() {
            Some(&(_, x)) if self.last_nan.is_none_or(|j| j < start) => x,
            _ => f64::NAN,
        }
    }
}

/// The Donchian channel (highest high, lowest low of the last `n` bars, this one included).
#[derive(Debug, Clone)]
pub struct Donchian {
    upper: RollingExtreme,
    lower: RollingExtreme,
}

impl Donchian {
    pub fn new(n: usize) -> Donchian {
        Donchian { upper: RollingExtreme::max(n), lower: RollingExtreme::min(n) }
    }

    /// Take the next bar's high and low; `(upper, lower)` at it.
    pub fn update(&mut self, high: f64, low: f64) -> (f64, f64) {
        (self.upper.update(high), self.lower.update(low))
    }
}
