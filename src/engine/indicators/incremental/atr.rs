//! TA-Lib's ATR one bar at a time, as the `atr` kernel: the mean true range of bars `1..=n`
//! seeds it at bar `n`, then Wilder smoothing in the kernel's three steps.

/// The average true range ([`Atr::update`]).
#[derive(Debug, Clone)]
pub struct Atr {
    n: usize,
    seen: usize,
    prev_close: f64,
    /// The running sum of the seed's true ranges, then the average.
    value: f64,
}

impl Atr {
    pub fn new(n: usize) -> Atr {
        Atr { n, seen: 0, prev_close: f64::NAN, value: 0.0 }
    }

    /// Take the next bar; the ATR at it, `NaN` before bar `n`.
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> f64 {
        let n = self.n;
        let i = self.seen;
        self.seen += 1;
        let prev_close = std::mem::replace(&mut self.prev_close, close);
        if n == 0 || i == 0 {
            return f64::NAN;
        }
        let tr = super::super::tr(high, low, prev_close);
        let nf = n as f64;
        if i <= n {
            self.value += tr;
            if i < n {
                return f64::NAN;
            }
            self.value /= nf;
        } else {
            self.value *= nf - 1.0;
            self.value += tr;
            self.value /= nf;
        }
        self.value
    }
}
