//! The mean and population variance of the last `n` values, one value at a time, computed
//! exactly as the whole-series `window_moments` does: blocks of `n` bars from the first bar,
//! every window a suffix of the previous block plus a prefix of the current one, sums of
//! `x - c` with `c` the current block's first value. At each block's first bar the previous
//! block's suffix sums are taken once (O(n) every n bars: amortized O(1)), then each bar adds
//! one term to the prefix sums. Same operations, same order: the same bits.

/// The moments of the last `n` values ([`WindowMoments::update`]).
#[derive(Debug, Clone)]
pub struct WindowMoments {
    n: usize,
    /// Values taken so far.
    seen: usize,
    /// The current block's values (the previous block's, until the next block starts).
    block: Vec<f64>,
    /// The current block's first value, which every window ending in the block contains.
    c: f64,
    /// Prefix sums of `x - c` and its square over the current block.
    p1: f64,
    p2: f64,
    /// Suffix sums over the previous block, of `x - c` with this block's `c`: `suf[j]` sums
    /// the previous block from its j-th value to its end.
    suf1: Vec<f64>,
    suf2: Vec<f64>,
}

impl WindowMoments {
    pub fn new(n: usize) -> WindowMoments {
        WindowMoments {
            n,
            seen: 0,
            block: Vec::with_capacity(n),
            c: 0.0,
            p1: 0.0,
            p2: 0.0,
            suf1: vec![0.0; n],
            suf2: vec![0.0; n],
        }
    }

    /// Take the next value; `(mean, population variance)` of the window ending on it, or
    /// `None` before `n` values (and always for `n == 0`).
    pub fn update(&mut self, x: f64) -> Option<(f64, f64)> {
        let n = self.n;
        if n == 0 {
            return None;
        }
        let i = self.seen;
        self.seen += 1;
        if i.is_multiple_of(n) {
            // A block starts: the one before it (held in `block`, empty at the first bar)
            // becomes the suffixes, summed from its end as the kernel does.
            self.c = x;
            let (mut s1, mut s2) = (0.0, 0.0);
            for (j, &v) in self.block.iter().enumerate().rev() {
                let d = v - x;
                s1 += d;
                s2 += d * d;
                self.suf1[j] = s1;
                self.suf2[j] = s2;
            }
            self.block.clear();
            self.p1 = 0.0;
            self.p2 = 0.0;
        }
        let d = x - self.c;
        self.p1 += d;
        self.p2 += d * d;
        self.block.push(x);
        if i + 1 < n {
            return None;
        }
        // The window starts `block.len()` values into the previous block, unless this value
        // closes the current block (then the window is the block itself).
        let j = self.block.len();
        let (t1, t2) =
            if j == n { (self.p1, self.p2) } else { (self.suf1[j] + self.p1, self.suf2[j] + self.p2) };
        let nf = n as f64;
        let m = t1 / nf;
        let var = t2 / nf - m * m;
        // As the kernel: clamp rounding's tiny negatives without turning NaN into 0.
        Some((self.c + m, if var < 0.0 { 0.0 } else { var }))
    }

    /// The simple moving average at this value (`NaN` in the warm-up).
    pub fn sma(&mut self, x: f64) -> f64 {
        self.update(x).map_or(f64::NAN, |(mean, _)| mean)
    }
}

/// One bar of Bollinger bands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BollingerPoint {
    pub mid: f64,
    pub upper: f64,
    pub lower: f64,
}

/// Bollinger bands (`mid = SMA(n)`, `mid ± k · std`, population std) one value at a time.
#[derive(Debug, Clone)]
pub struct Bollinger {
    moments: WindowMoments,
    k: f64,
}

impl Bollinger {
    pub fn new(n: usize, k: f64) -> Bollinger {
        Bollinger { moments: WindowMoments::new(n), k }
    }

    /// The bands at this value (all `NaN` in the warm-up).
    pub fn update(&mut self, x: f64) -> BollingerPoint {
        match self.moments.update(x) {
            Some((mean, var)) => {
                let width = self.k * var.sqrt();
                BollingerPoint { mid: mean, upper: mean + width, lower: mean - width }
            }
            None => BollingerPoint { mid: f64::NAN, upper: f64::NAN, lower: f64::NAN },
        }
    }
}
