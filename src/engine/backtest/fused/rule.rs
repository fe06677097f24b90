//! Each built-in strategy's decision, a chunk of bars at a time, from line chunks: the targets
//! `Strategy::decide` gives for those bars, with the state its loop keeps (the position held,
//! the previous bar's side or channel) carried from one chunk to the next. The rules are the
//! ones in `strategy::builtins`, written again over chunks; the tests beside the fused
//! backtest compare the two on real data and random walks.

use super::lines::{Line, LineKey};
use super::Spec;
use crate::engine::strategy::{Target, FLAT, LONG, SHORT};

/// One output series of one line: (line index, output index).
type Out = (usize, usize);

/// A strategy's decision state.
pub(super) enum Rule {
    /// buy_and_hold: long on every bar.
    Long,
    /// sma_cross / ema_cross: `strategy::cross_targets` of two lines.
    Cross { a: Out, b: Out, cross: Crossing },
    /// macd_cross: `cross_targets(line, signal)`, the signal EMA computed here from the shared
    /// MACD line exactly as `indicators::macd` computes it.
    Macd { line: usize, signal: Signal, cross: Crossing },
    Rsi { line: usize, lower: f64, upper: f64, cur: Target },
    /// bollinger_reversion over the window's mean and variance; the bands are derived per
    /// bar as `indicators::bollinger` derives them.
    Bollinger { line: usize, k: f64, cur: Target },
    /// donchian_breakout: the close against the previous bar's channel.
    Donchian { line: usize, upper: f64, lower: f64, cur: Target },
}

/// `cross_targets`' scan state: the position decided and the previous bar's side.
#[derive(Clone, Copy)]
pub(super) struct Crossing {
    cur: Target,
    prev: Target,
}

impl Crossing {
    pub(super) const START: Crossing = Crossing { cur: FLAT, prev: FLAT };

    /// One bar of `a` against `b`: the position after it, as [`Crossing::scan`] gives it.
    #[inline(always)]
    pub(super) fn step(&mut self, a: f64, b: f64) -> Target {
        self.step_side(side(a, b))
    }

    /// One bar whose side (`side(a, b)`) is `now`: the position after it.
    #[inline(always)]
    pub(super) fn step_side(&mut self, now: Target) -> Target {
        self.cur = crossed(now, self.prev, self.cur);
        self.prev = now;
        self.cur
    }

    /// The position after each bar of `a` against `b` into `out`, as `cross_targets` gives
    /// it: the position moves to the side (`(a > b) - (a < b)`) of a bar whose side is
    /// non-zero and opposite to the previous bar's, and holds otherwise.
    ///
    /// Every such cross flips `a > b` from one bar to the next. So eight bars at a time, one
    /// test (comparisons and bit operations the compiler vectorizes, nothing packed) says
    /// whether `a > b` flips anywhere in them; mostly it does not and the eight hold the
    /// position. Only eight bars holding a flip are looked at one by one, with both
    /// comparisons: a flip to or from a tie (or a NaN) is no cross.
    #[inline]
    fn scan(&mut self, a: &[f64], b: &[f64], out: &mut [Target]) {
        let len = out.len();
        if len == 0 {
            return;
        }
        let (a, b) = (&a[..len], &b[..len]);
        let side_at = |t: usize| side(a[t], b[t]);
        let mut cur = self.cur;
        // Bar `t` given the side of the bar before it.
        let step = |t: usize, before: Target, cur: &mut Target| *cur = crossed(side_at(t), before, *cur);
        step(0, self.prev, &mut cur);
        out[0] = cur;
        let mut t = 1;
        while t + 8 <= len {
            let (x, y) = (&a[t - 1..t + 8], &b[t - 1..t + 8]);
            let mut flips = 0u64;
            for i in 0..8 {
                flips |= ((x[i + 1] > y[i + 1]) as u64) ^ ((x[i] > y[i]) as u64);
            }
            if flips != 0 {
                for i in t..t + 8 {
                    if (a[i] > b[i]) != (a[i - 1] > b[i - 1]) {
                        step(i, side_at(i - 1), &mut cur);
                    }
                    out[i] = cur;
                }
            } else {
                out[t..t + 8].fill(cur);
            }
            t += 8;
        }
        for (i, o) in out.iter_mut().enumerate().skip(t) {
            step(i, side_at(i - 1), &mut cur);
            *o = cur;
        }
        self.prev = side_at(len - 1);
        self.cur = cur;
    }
}

/// The side of `a` against `b`: 1 above, -1 below, 0 tied or unordered (a NaN).
#[inline(always)]
pub(super) fn side(a: f64, b: f64) -> Target {
    (a > b) as Target - (a < b) as Target
}

/// The position after a bar on side `now` that follows a bar on side `before`, holding `cur`:
/// it moves to a non-zero side opposite to the previous bar's, and holds otherwise.
#[inline(always)]
fn crossed(now: Target, before: Target, cur: Target) -> Target {
    if now != FLAT && before == -now {
        now
    } else {
        cur
    }
}

/// The position after each bar when each mark (non-zero) moves it and every other bar holds
/// it: `hold_between`'s scan. Marks are rare, so it walks them eight bars at a time and only
/// looks at a bar where one is. Returns the position after the last bar.
#[inline]
fn hold_marks(marks: &[Target], out: &mut [Target], mut cur: Target) -> Target {
    let mut words = marks.chunks_exact(8);
    let mut t = 0;
    for w in words.by_ref() {
        if u64::from_ne_bytes(std::array::from_fn(|i| w[i] as u8)) == 0 {
            out[t..t + 8].fill(cur);
        } else {
            for (o, &m) in out[t..t + 8].iter_mut().zip(w) {
                if m != FLAT {
                    cur = m;
                }
                *o = cur;
            }
        }
        t += 8;
    }
    for (o, &m) in out[t..].iter_mut().zip(words.remainder()) {
        if m != FLAT {
            cur = m;
        }
        *o = cur;
    }
    cur
}

/// `LONG` when `long`, else `SHORT` when `short`, else 0: a rule's mark, without branches.
#[inline(always)]
pub(super) fn mark(long: bool, short: bool) -> Target {
    (long as Target) | (-((short & !long) as Target))
}

/// The MACD signal line: seeded on bar `first` with the mean of the MACD line over bars
/// `slow - 1 ..= first`, then an EMA of period `signal`. No bar has one when `indicators::macd`
/// gives no output at all (`first` is None).
pub(super) struct Signal {
    /// The MACD line's first bar (`slow - 1`) and the signal's (`slow - 1 + signal - 1`).
    seed: usize,
    first: Option<usize>,
    periods: f64,
    k: f64,
    sig: f64,
}

impl Signal {
    fn new(fast: usize, slow: usize, signal: usize, len: usize) -> Signal {
        let (fast, slow) = if slow < fast { (slow, fast) } else { (fast, slow) };
        let first = match (fast, signal) {
            (0, _) | (_, 0) => None,
            _ => (slow - 1).checked_add(signal - 1).filter(|&f| f < len),
        };
        Signal {
            seed: slow.saturating_sub(1),
            first,
            periods: signal as f64,
            k: 2.0 / (signal as f64 + 1.0),
            sig: 0.0,
        }
    }

    /// Bars `[a, a + line.len())`: the MACD line as the kernel shows it (NaN before `first`)
    /// into `shown`, the signal into `sig`.
    fn fill(&mut self, line: &[f64], a: usize, shown: &mut [f64], sig: &mut [f64]) {
        let Some(first) = self.first else {
            shown.fill(f64::NAN);
            sig.fill(f64::NAN);
            return;
        };
        for (j, &l) in line.iter().enumerate() {
            let i = a + j;
            if i < self.seed {
                shown[j] = f64::NAN;
                sig[j] = f64::NAN;
                continue;
            }
            if i > first {
                self.sig = (l - self.sig) * self.k + self.sig;
            } else {
                self.sig = if i == self.seed { l } else { self.sig + l };
                if i == first {
                    self.sig /= self.periods;
                }
            }
            let seen = i >= first;
            shown[j] = if seen { l } else { f64::NAN };
            sig[j] = if seen { self.sig } else { f64::NAN };
        }
    }
}

/// Scratch space a rule may need for a chunk.
pub(super) struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
    marks: Vec<Target>,
}

impl Scratch {
    pub(super) fn new(chunk: usize) -> Scratch {
        Scratch { a: vec![0.0; chunk], b: vec![0.0; chunk], marks: vec![0; chunk] }
    }
}

impl Rule {
    /// The rule of `spec`; `line` gives the index of each line it reads.
    pub(super) fn new(spec: &Spec, len: usize, line: impl Fn(LineKey) -> usize) -> Rule {
        let cross = Crossing::START;
        match *spec {
            Spec::BuyAndHold => Rule::Long,
            Spec::SmaCross { fast, slow } => {
                Rule::Cross { a: (line(LineKey::Sma(fast)), 0), b: (line(LineKey::Sma(slow)), 0), cross }
            }
            Spec::EmaCross { fast, slow } => {
                Rule::Cross { a: (line(LineKey::Ema(fast)), 0), b: (line(LineKey::Ema(slow)), 0), cross }
            }
            Spec::MacdCross { fast, slow, signal } => Rule::Macd {
                line: line(spec.lines()[0]),
                signal: Signal::new(fast, slow, signal, len),
                cross,
            },
            Spec::RsiReversion { period, lower, upper } => {
                Rule::Rsi { line: line(LineKey::Rsi(period)), lower, upper, cur: FLAT }
            }
            Spec::BollingerReversion { period, k } => {
                Rule::Bollinger { line: line(LineKey::Moments(period)), k, cur: FLAT }
            }
            Spec::DonchianBreakout { period } => Rule::Donchian {
                line: line(LineKey::Donchian(period)),
                upper: f64::NAN,
                lower: f64::NAN,
                cur: FLAT,
            },
        }
    }

    /// The targets of bars `[a, a + out.len())`, whose closes are `close`, from the lines'
    /// current chunk.
    pub(super) fn fill(&mut self, lines: &[Line], close: &[f64], a: usize, out: &mut [Target], s: &mut Scratch) {
        let len = out.len();
        match self {
            Rule::Long => out.fill(LONG),
            Rule::Cross { a: x, b: y, cross } => {
                cross.scan(&lines[x.0].out[x.1], &lines[y.0].out[y.1], out);
            }
            Rule::Macd { line, signal, cross } => {
                let (shown, sig) = (&mut s.a[..len], &mut s.b[..len]);
                signal.fill(&lines[*line].out[0][..len], a, shown, sig);
                cross.scan(shown, sig, out);
            }
            Rule::Rsi { line, lower, upper, cur } => {
                let (lower, upper) = (*lower, *upper);
                let marks = &mut s.marks[..len];
                for (m, &r) in marks.iter_mut().zip(&lines[*line].out[0][..len]) {
                    *m = mark(r < lower, r > upper);
                }
                *cur = hold_marks(marks, out, *cur);
            }
            Rule::Bollinger { line, k, cur } => {
                let l = &lines[*line];
                let (k, mut c) = (*k, *cur);
                for (((o, &close), &mean), &var) in out.iter_mut().zip(close).zip(&l.out[0][..len]).zip(&l.out[1][..len]) {
                    // The bands as `indicators::bollinger` writes them.
                    let width = k * var.sqrt();
                    let (mid, upper, lower) = (mean, mean + width, mean - width);
                    if close < lower {
                        c = LONG;
                    } else if close > upper {
                        c = SHORT;
                    } else if (c == LONG && close >= mid) || (c == SHORT && close <= mid) {
                        c = FLAT;
                    }
                    *o = c;
                }
                *cur = c;
            }
            Rule::Donchian { line, upper, lower, cur } => {
                let l = &lines[*line];
                let (up, lo) = (&l.out[0][..len], &l.out[1][..len]);
                let marks = &mut s.marks[..len];
                // Each close against the previous bar's channel: the carried one for the
                // chunk's first bar (NaN before bar 1, which no close beats).
                marks[0] = mark(close[0] > *upper, close[0] < *lower);
                for (((m, &c), &u), &d) in marks[1..].iter_mut().zip(&close[1..]).zip(up).zip(lo) {
                    *m = mark(c > u, c < d);
                }
                *upper = up[len - 1];
                *lower = lo[len - 1];
                *cur = hold_marks(marks, out, *cur);
            }
        }
    }
}
