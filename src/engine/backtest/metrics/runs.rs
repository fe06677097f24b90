//! Runs of bars pushed at once: between two trades the cash and the units held do not move,
//! so a fused simulation hands the accumulator a whole stretch. Each method gives exactly the
//! state that pushing the stretch's bars one by one gives (`push` stays the definition); the
//! tests beside the fused backtest check it to the bit.

use super::Accumulator;

impl Accumulator<'_> {
    /// `count` bars flat at `cash`: what `count` calls of `push(cash, false)` do. The caller
    /// knows every one of those bars' equity is exactly `cash` (nothing held, finite closes).
    ///
    /// Once a flat bar follows a bar at the same cash, its return is exactly 0: every sum adds
    /// +0 and stays as it is, and the drawdown bookkeeping repeats itself (a bar at the peak
    /// moves the peak's index, a bar under it changes nothing). So after the bars that settle
    /// it, the rest of the run only counts. When the return series is shifted by a non-zero
    /// first return the shifted sums still move each bar, and every bar is pushed.
    pub fn push_flat(&mut self, cash: f64, count: usize) {
        let mut left = count;
        while left > 0 {
            self.push(cash, false);
            left -= 1;
            if self.steady_at(cash) {
                break;
            }
        }
        if left == 0 {
            return;
        }
        self.n += left;
        if !self.underwater {
            // At the peak: each further bar is the new peak.
            self.peak_idx = (self.n - 1) as isize;
        }
    }

    /// Whether another bar at equity `cash` would leave every sum as it is: the last bar was
    /// at this cash (so the return is `cash / cash - 1 = +0`), the shift is +0 (so the shifted
    /// return is +0 too), and no sum is NaN, infinite or -0 (the one value +0 would change).
    fn steady_at(&self, cash: f64) -> bool {
        let plain = |x: f64| x.is_finite() && x.to_bits() != (-0.0f64).to_bits();
        self.n > 0
            && self.prev.to_bits() == cash.to_bits()
            && cash.is_finite()
            && cash > 0.0
            && self.shift.to_bits() == 0
            && plain(self.sum)
            && plain(self.shifted_sum)
            && plain(self.shifted_sq)
            && plain(self.down)
    }

    /// Bars holding `units` (non-zero) with `cash` aside: `push(cash + units * c, true)` for
    /// each close `c`, in order.
    ///
    /// Past the first bar with a shift of +0 (every strategy flat on its first bar), each
    /// shifted return `r - 0` is `r` itself, bit for bit, so the shifted sums are the plain
    /// ones: the loop keeps one sum where `push` keeps two, and its state in registers.
    pub fn push_held(&mut self, cash: f64, units: f64, close: &[f64]) {
        if self.n == 0 || self.shift.to_bits() != 0 || self.shifted_sum.to_bits() != self.sum.to_bits() {
            for &c in close {
                self.push(cash + units * c, true);
            }
            return;
        }
        let mut prev = self.prev;
        let mut defined = self.returns_defined;
        let mut sum = self.sum;
        let mut sq = self.shifted_sq;
        let mut down = self.down;
        let mut peak = self.peak;
        let mut peak_idx = self.peak_idx;
        let mut underwater = self.underwater;
        let mut trough = self.trough;
        let mut i = self.n;
        // One bar, its equity, the base of its return and the return: `push` from its second
        // line on, with the shifted sums as the plain ones.
        macro_rules! bar {
            ($equity:expr, $base:expr, $r:expr) => {{
                let (equity, r) = ($equity, $r);
                defined &= $base > 0.0;
                sum += r;
                sq += r * r;
                // `r.min(0.0)`: r is never -0 (`x - 1` is +0 when x is 1), and NaN gives 0 either way.
                let neg = if r < 0.0 { r } else { 0.0 };
                down += neg * neg;
                if equity >= peak {
                    if underwater {
                        (self.peak, self.peak_idx, self.trough) = (peak, peak_idx, trough);
                        self.record_spell(i);
                        underwater = false;
                    }
                    peak = equity;
                    peak_idx = i as isize;
                } else if !underwater {
                    trough = equity;
                    underwater = true;
                } else if trough.partial_cmp(&equity) != Some(std::cmp::Ordering::Less) {
                    // `trough.min(equity)` moves only on a new low (or a NaN): a branch rarely
                    // taken, rather than a select on every bar that chains each bar to the last.
                    trough = trough.min(equity);
                }
                i += 1;
            }};
        }
        // Two bars at a time: their two divisions are independent, so they go side by side.
        let mut pairs = close.chunks_exact(2);
        for p in pairs.by_ref() {
            let e = [cash + units * p[0], cash + units * p[1]];
            let base = [prev, e[0]];
            let q = [e[0] / base[0], e[1] / base[1]];
            bar!(e[0], base[0], q[0] - 1.0);
            bar!(e[1], base[1], q[1] - 1.0);
            prev = e[1];
        }
        for &c in pairs.remainder() {
            let equity = cash + units * c;
            bar!(equity, prev, equity / prev - 1.0);
            prev = equity;
        }
        self.prev = prev;
        self.returns_defined = defined;
        self.sum = sum;
        self.shifted_sum = sum;
        self.shifted_sq = sq;
        self.down = down;
        (self.peak, self.peak_idx, self.underwater, self.trough) = (peak, peak_idx, underwater, trough);
        self.exposed += close.len();
        self.n = i;
    }
}
