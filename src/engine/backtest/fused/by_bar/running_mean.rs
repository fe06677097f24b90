//! A window's mean by a running sum, with a bound on how far it can be from the SMA kernel's
//! value at the same bar. The kernel (`indicators::window_moments`) sums blocks and divides;
//! a running sum adds one close and takes one away per bar, operations the by-bar loop runs in
//! the shadow of its own work, with no pass of its own and no division. Its mean may differ
//! from the kernel's in the last bits, never by more than the bound. So where two lines'
//! running means differ by more than both bounds, the kernel's means are ordered the same way;
//! only a bar where they do not (a tie, mostly, on a flat stretch) needs the kernel's values.
//!
//! The bound, with u = EPSILON / 2 the unit roundoff and M the largest |close| read since the
//! sum was anchored (the standard error bounds of floating-point summation, as in Higham,
//! Accuracy and Stability of Numerical Algorithms, ch. 4):
//! - anchored, a plain sum of n closes is within n·n·u·M of the exact sum;
//! - each bar's `sum += x[i] - x[i - n]` adds at most (n + 2)·u·M to that;
//! - the mean `sum * (1 / n)` is then within err / n + 2·u·M of the exact mean;
//! - the kernel's mean `c + t / n` (t a sum of n differences from the block's first close c)
//!   is within (2n + 3)·u·M of the exact mean.
//!
//! The tolerance doubles their sum, which covers the bounds' own (1 + O(u)) factors and the
//! rounding of the difference it is compared with. NaN and infinite closes make a mean or the
//! tolerance NaN or infinite, and then no comparison with it is certain.

/// The unit roundoff of f64.
const U: f64 = f64::EPSILON / 2.0;

/// The running sum of one window length and its error bound.
pub(super) struct RunningMean {
    n: usize,
    /// `1 / n`, rounded: the mean is `sum * inv`.
    pub inv: f64,
    /// The sum of the window that ends at the bar before the next one to add.
    pub sum: f64,
    /// A bound on `|sum - exact sum|`.
    err: f64,
}

impl RunningMean {
    pub(super) fn new(n: usize) -> RunningMean {
        RunningMean { n, inv: 1.0 / n as f64, sum: f64::NAN, err: f64::INFINITY }
    }

    /// Start the sum over again from the `n` closes before bar `a`, `m` at least their largest
    /// magnitude.
    pub(super) fn anchor(&mut self, x: &[f64], a: usize, m: f64) {
        let n = self.n as f64;
        self.sum = x[a - self.n..a].iter().sum();
        self.err = n * n * U * m;
    }

    /// For the next `len` bars, each `m` at least the largest |close| read since the anchor:
    /// the most the running mean of any of them may be from the kernel's mean, both rounded.
    pub(super) fn tolerance(&mut self, len: usize, m: f64) -> f64 {
        let n = self.n as f64;
        self.err += len as f64 * (n + 2.0) * U * m;
        2.0 * (self.err / n + 2.0 * U * m + (2.0 * n + 3.0) * U * m)
    }
}

/// The largest magnitude among `xs`, NaNs left out (a NaN close makes its sums NaN, which no
/// tolerance makes certain). Eight running maxima, so the compiler's vector maxima do not each
/// wait on the one before.
pub(super) fn max_abs(xs: &[f64]) -> f64 {
    // `a > m` is false for a NaN `a`, which leaves it out.
    let larger = |m: f64, a: f64| if a > m { a } else { m };
    let mut acc = [0.0f64; 8];
    let mut blocks = xs.chunks_exact(8);
    for b in blocks.by_ref() {
        for (m, v) in acc.iter_mut().zip(b) {
            *m = larger(*m, v.abs());
        }
    }
    let tail = blocks.remainder().iter().fold(0.0, |m, v| larger(m, v.abs()));
    acc.iter().fold(tail, |m, &a| larger(m, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::indicators::sma;
    use proptest::prelude::*;

    /// Every bar's running mean is within its tolerance of the kernel's SMA, over a walk that
    /// moves by whole cents and far from 1 (where running sums drift the most in the last bits).
    fn check(x: &[f64], n: usize, chunk: usize) {
        let want = sma(x, n);
        let mut r = RunningMean::new(n);
        let m0 = max_abs(&x[..n]);
        r.anchor(x, n, m0);
        let mut m = m0;
        let mut a = n;
        while a < x.len() {
            let len = chunk.min(x.len() - a);
            m = m.max(max_abs(&x[a..a + len]));
            let tol = r.tolerance(len, m);
            for i in a..a + len {
                r.sum += x[i] - x[i - n];
                let got = r.sum * r.inv;
                assert!((got - want[i]).abs() <= tol / 2.0, "n {n} bar {i}: {got} vs {} (tol {tol})", want[i]);
            }
            a += len;
        }
    }

    proptest! {
        #[test]
        fn the_running_mean_stays_within_its_tolerance(
            start in 1.0..1.0e6f64,
            steps in proptest::collection::vec(-300i32..300, 50..3_000),
            n in 1usize..50,
            chunk in 1usize..5_000,
        ) {
            let mut p = start;
            let x: Vec<f64> = steps.iter().map(|&s| { p = (p + s as f64 * 0.01).abs(); p }).collect();
            prop_assume!(n < x.len());
            check(&x, n, chunk);
        }
    }

    #[test]
    fn max_abs_is_the_largest_magnitude_nan_left_out() {
        for len in [0, 1, 7, 8, 9, 31] {
            for at in 0..len {
                let mut x: Vec<f64> = (0..len).map(|i| (i as f64 * 0.7).sin()).collect();
                x[at] = -5.0;
                assert_eq!(max_abs(&x), 5.0, "len {len}, -5 at {at}");
                if len > 1 {
                    x[(at + 1) % len] = f64::NAN;
                    assert_eq!(max_abs(&x), 5.0, "len {len}, -5 at {at}: a NaN is left out");
                }
            }
        }
        assert_eq!(max_abs(&[]), 0.0);
    }

    #[test]
    fn a_nan_close_makes_no_comparison_certain() {
        let mut x: Vec<f64> = (0..100).map(|i| 100.0 + i as f64).collect();
        x[50] = f64::NAN;
        let mut r = RunningMean::new(10);
        r.anchor(&x, 10, max_abs(&x[..10]));
        let tol = r.tolerance(90, max_abs(&x));
        for i in 10..100 {
            r.sum += x[i] - x[i - 10];
        }
        let d = r.sum * r.inv - 100.0;
        assert!(d.is_nan() && d.partial_cmp(&tol).is_none(), "a sum that read a NaN compares as uncertain");
        let mut inf = x.clone();
        inf[50] = f64::INFINITY;
        assert_eq!(max_abs(&inf), f64::INFINITY, "an infinite close makes the tolerance infinite");
    }
}
