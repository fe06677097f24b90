//! Wilder's RSI one value at a time, as the `rsi` kernel: the mean gain and loss of the first
//! `n` changes seed it at the value `n`, then `avg = (avg · (n - 1) + change) / n` in the
//! kernel's three steps.

/// Wilder's RSI ([`Rsi::update`]).
#[derive(Debug, Clone)]
pub struct Rsi {
    n: usize,
    seen: usize,
    prev: f64,
    gain: f64,
    loss: f64,
}

impl Rsi {
    pub fn new(n: usize) -> Rsi {
        Rsi { n, seen: 0, prev: f64::NAN, gain: 0.0, loss: 0.0 }
    }

    /// Take the next value; the RSI at it, `NaN` before the value `n`.
    pub fn update(&mut self, x: f64) -> f64 {
        let n = self.n;
        let i = self.seen;
        self.seen += 1;
        let prev = std::mem::replace(&mut self.prev, x);
        if n == 0 || i == 0 {
            return f64::NAN;
        }
        let d = x - prev;
        let nf = n as f64;
        if i > n {
            self.loss *= nf - 1.0;
            self.gain *= nf - 1.0;
        }
        if d < 0.0 {
            self.loss -= d;
        } else {
            self.gain += d; // a NaN change lands here and poisons the averages, as in the kernel
        }
        if i < n {
            return f64::NAN;
        }
        self.loss /= nf;
        self.gain /= nf;
        super::super::rsi_value(self.gain, self.loss)
    }
}
