//! The EMA one value at a time, as the `ema` kernel: `k = 2 / (n + 1)`, seeded at the n-th
//! value with the mean of the first `n`, then `(x - prev) · k + prev` (TA-Lib's order).

/// An exponential moving average ([`Ema::update`]).
#[derive(Debug, Clone)]
pub struct Ema {
    n: usize,
    k: f64,
    seen: usize,
    /// The running sum of the seed, then the average.
    value: f64,
}

impl Ema {
    pub fn new(n: usize) -> Ema {
        // The kernel sums the seed with `Iterator::sum`, which starts from -0.0: the same
        // start gives the same bits even for a seed of negative zeros.
        Ema { n, k: super::super::ema_k(n), seen: 0, value: -0.0 }
    }

    /// Take the next value; the EMA at it, `NaN` before the n-th value.
    pub fn update(&mut self, x: f64) -> f64 {
        let n = self.n;
        if n == 1 {
            return x; // the kernel returns the input itself for n = 1
        }
        if n == 0 {
            return f64::NAN;
        }
        let i = self.seen;
        self.seen += 1;
        if i < n {
            self.value += x;
            if i + 1 < n {
                return f64::NAN;
            }
            self.value /= n as f64;
        } else {
            self.value = (x - self.value) * self.k + self.value;
        }
        self.value
    }
}
