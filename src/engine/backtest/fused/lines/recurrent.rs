//! The lines that carry one recurrence from bar to bar: EMA, RSI and the MACD line.

/// `indicators::ema`: seeded at `n - 1` with the mean of the first `n` values, then
/// `prev = (v - prev) * k + prev`; `n == 1` is the input itself.
pub(super) struct Ema {
    pub(super) n: usize,
    pub(super) k: f64,
    pub(super) mode: EmaMode,
    pub(super) prev: f64,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum EmaMode {
    Copy,
    Nan,
    Run,
}

impl Ema {
    pub(super) fn new(x: &[f64], n: usize) -> Ema {
        let mode = if n == 1 {
            EmaMode::Copy
        } else if n == 0 || n > x.len() {
            EmaMode::Nan
        } else {
            EmaMode::Run
        };
        // The kernel's seed, written as it writes it.
        let prev = if mode == EmaMode::Run { x[..n].iter().sum::<f64>() / n as f64 } else { 0.0 };
        Ema { n, k: 2.0 / (n as f64 + 1.0), mode, prev }
    }

    pub(super) fn fill(&mut self, x: &[f64], a: usize, out: &mut [f64]) {
        let b = a + out.len();
        match self.mode {
            EmaMode::Copy => out.copy_from_slice(&x[a..b]),
            EmaMode::Nan => out.fill(f64::NAN),
            EmaMode::Run => {
                let seed = self.n - 1;
                // Before the seed bar: NaN; the seed bar: the seed; after it: the recurrence.
                let warm = seed.clamp(a, b);
                out[..warm - a].fill(f64::NAN);
                let mut from = warm;
                if (a..b).contains(&seed) {
                    out[seed - a] = self.prev;
                    from = seed + 1;
                }
                let (k, mut prev) = (self.k, self.prev);
                for (o, &v) in out[from - a..].iter_mut().zip(&x[from..b]) {
                    prev = (v - prev) * k + prev;
                    *o = prev;
                }
                self.prev = prev;
            }
        }
    }
}

/// `indicators::rsi`: Wilder's averages seeded at bar `n` with the mean gain and loss of the
/// first `n` changes.
pub(super) struct Rsi {
    n: usize,
    active: bool,
    gain: f64,
    loss: f64,
}

fn rsi_value(gain: f64, loss: f64) -> f64 {
    let total = gain + loss;
    if total == 0.0 {
        0.0
    } else {
        100.0 * (gain / total)
    }
}

impl Rsi {
    pub(super) fn new(x: &[f64], n: usize) -> Rsi {
        let active = n != 0 && n < x.len();
        let (mut gain, mut loss) = (0.0, 0.0);
        if active {
            let nf = n as f64;
            for w in x[..=n].windows(2) {
                let d = w[1] - w[0];
                if d < 0.0 {
                    loss -= d;
                } else {
                    gain += d;
                }
            }
            gain /= nf;
            loss /= nf;
        }
        Rsi { n, active, gain, loss }
    }

    pub(super) fn fill(&mut self, x: &[f64], a: usize, out: &mut [f64]) {
        let b = a + out.len();
        let n = self.n;
        if !self.active {
            out.fill(f64::NAN);
            return;
        }
        let warm = n.clamp(a, b);
        out[..warm - a].fill(f64::NAN);
        let mut from = warm;
        if (a..b).contains(&n) {
            out[n - a] = rsi_value(self.gain, self.loss);
            from = n + 1;
        }
        let nf = n as f64;
        let (mut gain, mut loss) = (self.gain, self.loss);
        for (i, o) in (from..b).zip(out[from - a..].iter_mut()) {
            let d = x[i] - x[i - 1];
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
        self.gain = gain;
        self.loss = loss;
    }
}

/// The MACD line of `indicators::macd`: both EMAs seeded at `slow - 1` (the slow one with the
/// mean of `x[..slow]`, the fast one with the mean of `x[slow - fast..slow]`), then
/// `line = fast - slow` on every bar. Periods are swapped when `slow < fast`, as the kernel
/// does; a zero fast period gives no line.
pub(super) struct MacdLine {
    active: bool,
    seed: usize,
    kf: f64,
    ks: f64,
    pf: f64,
    ps: f64,
}

impl MacdLine {
    pub(super) fn new(x: &[f64], fast: usize, slow: usize) -> MacdLine {
        let (fast, slow) = if slow < fast { (slow, fast) } else { (fast, slow) };
        let active = fast != 0 && slow <= x.len();
        let (mut pf, mut ps) = (0.0, 0.0);
        if active {
            let mut slow_sum = 0.0;
            for &v in &x[..slow - fast] {
                slow_sum += v;
            }
            let mut fast_sum = 0.0;
            for &v in &x[slow - fast..slow] {
                fast_sum += v;
                slow_sum += v;
            }
            pf = fast_sum / fast as f64;
            ps = slow_sum / slow as f64;
        }
        let ema_k = |n: usize| 2.0 / (n as f64 + 1.0);
        MacdLine { active, seed: slow.saturating_sub(1), kf: ema_k(fast), ks: ema_k(slow), pf, ps }
    }

    pub(super) fn fill(&mut self, x: &[f64], a: usize, out: &mut [f64]) {
        let b = a + out.len();
        if !self.active {
            out.fill(f64::NAN);
            return;
        }
        let seed = self.seed;
        let warm = seed.clamp(a, b);
        out[..warm - a].fill(f64::NAN);
        let mut from = warm;
        if (a..b).contains(&seed) {
            out[seed - a] = self.pf - self.ps;
            from = seed + 1;
        }
        let (kf, ks, mut pf, mut ps) = (self.kf, self.ks, self.pf, self.ps);
        for (o, &v) in out[from - a..].iter_mut().zip(&x[from..b]) {
            pf = (v - pf) * kf + pf;
            ps = (v - ps) * ks + ps;
            *o = pf - ps;
        }
        self.pf = pf;
        self.ps = ps;
    }
}
