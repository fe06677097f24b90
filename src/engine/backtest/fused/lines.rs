//! Indicator series a chunk of bars at a time, each value bit for bit the one the
//! whole-series kernel in `engine::indicators` gives at that bar: the same operations on the
//! same operands in the same order, with the state a kernel keeps in its loop carried from
//! one chunk to the next. So a fused pass computes a chunk, consumes it from cache and moves
//! on, and a sweep never holds 8 MB per series per million bars.
//!
//! A line is filled for consecutive chunks `[a, a + len)` starting at bar 0; each output
//! buffer then holds the chunk's values at `[..len]`. The tests beside this file check every
//! line against its kernel, for many periods and chunk sizes, NaN inputs included.

use crate::engine::data::Bars;

/// What a line computes; strategies name these through their parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineKey {
    /// `indicators::sma(close, n)`.
    Sma(usize),
    /// `indicators::ema(close, n)`.
    Ema(usize),
    /// `indicators::rsi(close, n)`.
    Rsi(usize),
    /// The mean and population variance of the last `n` closes as `indicators::bollinger`
    /// derives its bands from them: outputs `[mean, variance]`. Every `k` of one period reads
    /// the same pair, so a sweep over `k` computes the window once.
    Moments(usize),
    /// The MACD line of `indicators::macd(close, fast, slow, _)` from its seed bar `slow - 1`
    /// on, NaN before (the kernel itself shows it from `slow - 1 + signal - 1`; the signal is
    /// computed by the decision, so every signal period of one fast/slow pair shares it).
    MacdLine(usize, usize),
    /// `indicators::donchian(high, low, n)`: outputs `[upper, lower]`.
    Donchian(usize),
}

impl LineKey {
    /// How many output series the line fills.
    pub fn outputs(self) -> usize {
        match self {
            LineKey::Moments(_) | LineKey::Donchian(_) => 2,
            _ => 1,
        }
    }
}

/// One line: its key, its carried state and its output buffers for the current chunk.
pub struct Line {
    pub key: LineKey,
    state: State,
    pub out: [Vec<f64>; 2],
}

enum State {
    Sma(Moments<false>),
    Moments(Moments<true>),
    Ema(Ema),
    Rsi(Rsi),
    MacdLine(MacdLine),
    Donchian(Channel),
}

impl Line {
    /// A line over `bars`, before its first chunk; buffers sized for chunks of `chunk` bars.
    pub fn new(key: LineKey, bars: &Bars, chunk: usize) -> Line {
        let x = &bars.close;
        let state = match key {
            LineKey::Sma(n) => State::Sma(Moments::new(n, x.len())),
            LineKey::Moments(n) => State::Moments(Moments::new(n, x.len())),
            LineKey::Ema(n) => State::Ema(Ema::new(x, n)),
            LineKey::Rsi(n) => State::Rsi(Rsi::new(x, n)),
            LineKey::MacdLine(f, s) => State::MacdLine(MacdLine::new(x, f, s)),
            LineKey::Donchian(n) => {
                assert_eq!(bars.high.len(), bars.low.len(), "high and low differ in length");
                State::Donchian(Channel::new(n, bars.high.len()))
            }
        };
        let buf = |used: bool| if used { vec![f64::NAN; chunk] } else { Vec::new() };
        Line { key, state, out: [buf(true), buf(key.outputs() > 1)] }
    }

    /// Compute bars `[a, a + len)`: the chunk after the previous one.
    pub fn fill(&mut self, bars: &Bars, a: usize, len: usize) {
        let [o0, o1] = &mut self.out;
        let o0 = &mut o0[..len];
        let o1 = if o1.is_empty() { &mut o1[..] } else { &mut o1[..len] };
        match &mut self.state {
            State::Sma(m) => m.fill(&bars.close, a, o0, o1),
            State::Moments(m) => m.fill(&bars.close, a, o0, o1),
            State::Ema(e) => e.fill(&bars.close, a, o0),
            State::Rsi(r) => r.fill(&bars.close, a, o0),
            State::MacdLine(m) => m.fill(&bars.close, a, o0),
            State::Donchian(ch) => ch.fill(&bars.high, &bars.low, a, o0, o1),
        }
    }
}

/// Fill every line for bars `[a, a + len)`. EMA lines advance together, four at a time: each
/// is a chain of dependent operations per bar, and chains side by side overlap in the core.
pub fn fill_all(lines: &mut [Line], bars: &Bars, a: usize, len: usize) {
    let mut emas = Vec::new();
    for (i, l) in lines.iter_mut().enumerate() {
        match &l.state {
            State::Ema(e) if e.mode == EmaMode::Run => emas.push(i),
            _ => l.fill(bars, a, len),
        }
    }
    let x = &bars.close;
    for group in emas.chunks(4) {
        match *group {
            [i] => ema_bank(lines.get_disjoint_mut([i]).expect("distinct"), x, a, len),
            [i, j] => ema_bank(lines.get_disjoint_mut([i, j]).expect("distinct"), x, a, len),
            [i, j, k] => ema_bank(lines.get_disjoint_mut([i, j, k]).expect("distinct"), x, a, len),
            [i, j, k, l] => ema_bank(lines.get_disjoint_mut([i, j, k, l]).expect("distinct"), x, a, len),
            _ => unreachable!("chunks of at most four"),
        }
    }
}

/// `K` running EMA lines over bars `[a, a + len)`: each one's bars up to its seed alone, then
/// all of them bar by bar, each with its own operations in its own order.
fn ema_bank<const K: usize>(mut ls: [&mut Line; K], x: &[f64], a: usize, len: usize) {
    let b = a + len;
    // Where every line runs its recurrence: past the latest seed in the chunk.
    let joint = ls.iter().map(|l| l.ema().n).max().unwrap_or(0).clamp(a, b);
    for l in ls.iter_mut() {
        let Line { state, out, .. } = &mut **l;
        let State::Ema(e) = state else { unreachable!("an EMA bank holds EMA lines") };
        e.fill(x, a, &mut out[0][..joint - a]);
    }
    let mut prev = [0.0; K];
    let mut k = [0.0; K];
    for (m, l) in ls.iter().enumerate() {
        prev[m] = l.ema().prev;
        k[m] = l.ema().k;
    }
    let outs = ls.each_mut().map(|l| &mut l.out[0][joint - a..len]);
    for (j, &v) in x[joint..b].iter().enumerate() {
        for m in 0..K {
            prev[m] = (v - prev[m]) * k[m] + prev[m];
            outs[m][j] = prev[m];
        }
    }
    for (m, l) in ls.iter_mut().enumerate() {
        l.ema_mut().prev = prev[m];
    }
}

impl Line {
    fn ema(&self) -> &Ema {
        match &self.state {
            State::Ema(e) => e,
            _ => unreachable!("an EMA line"),
        }
    }

    fn ema_mut(&mut self) -> &mut Ema {
        match &mut self.state {
            State::Ema(e) => e,
            _ => unreachable!("an EMA line"),
        }
    }
}

/// The windows of `indicators::window_moments`: blocks of `n` bars starting at multiples of
/// `n`; every window is a suffix of the previous block plus a prefix of the current one, with
/// sums of `d = x - c`, `c` the current block's first bar. `VAR` also keeps the squares
/// (Bollinger); the mean alone (SMA) never reads them.
///
/// The kernel's operations, reordered only across independent chains: while a whole block's
/// prefix sums run forward, the next block's suffix sums over the same bars run backward in
/// the same loop (two chains the core overlaps), and the divisions for the means come after in
/// a pass of their own, which the compiler vectorizes.
struct Moments<const VAR: bool> {
    n: usize,
    nf: f64,
    /// `n != 0 && n <= len`: otherwise every value is NaN, as in the kernel.
    active: bool,
    len: usize,
    /// The block being walked, `[start, end)`, its first bar `c` and its prefix sums so far.
    start: usize,
    end: usize,
    c: f64,
    p1: f64,
    p2: f64,
    /// Suffix sums of the previous block against `c`, by the bar's offset in that block.
    suf1: Vec<f64>,
    suf2: Vec<f64>,
    /// The next block's, when built while walking this one.
    next1: Vec<f64>,
    next2: Vec<f64>,
    next_built: bool,
}

impl<const VAR: bool> Moments<VAR> {
    fn new(n: usize, len: usize) -> Self {
        let active = n != 0 && n <= len;
        let room = if active { n } else { 0 };
        let sq = if VAR { room } else { 0 };
        Moments {
            n,
            nf: n as f64,
            active,
            len,
            start: 0,
            end: 0,
            c: 0.0,
            p1: 0.0,
            p2: 0.0,
            suf1: vec![0.0; room],
            suf2: vec![0.0; sq],
            next1: vec![0.0; room],
            next2: vec![0.0; sq],
            next_built: false,
        }
    }

    /// Bars `[a, a + mean.len())` in order: the window's mean into `mean` and, with `VAR`,
    /// its population variance into `var`; NaN for bars without a full window.
    fn fill(&mut self, x: &[f64], a: usize, mean: &mut [f64], var: &mut [f64]) {
        let b = a + mean.len();
        if !self.active {
            mean.fill(f64::NAN);
            if VAR {
                var.fill(f64::NAN);
            }
            return;
        }
        let (n, nf) = (self.n, self.nf);
        let mut i = a;
        while i < b {
            if i == self.end {
                self.enter_block(x, i);
            }
            let (start, end, c) = (self.start, self.end, self.c);
            let stop = end.min(b);
            // Offsets in the block of the bars to walk; sums land in the outputs first.
            let (k0, k1) = (i - start, stop - start);
            let t1 = &mut mean[i - a..stop - a];
            let t2 = if VAR { &mut var[i - a..stop - a] } else { &mut var[..0] };
            if k0 == 0 && k1 == n && end < self.len {
                self.whole_block(&x[start..end], x[end], t1, t2);
            } else {
                self.prefix(&x[i..stop], k0, t1, t2);
            }
            // The divisions, as the kernel writes them: `m = t1 / n`, mean `c + m`, variance
            // `t2 / n - m * m` clamped at 0 (not with `f64::max`, which turns NaN into 0).
            if VAR {
                for (o1, o2) in t1.iter_mut().zip(t2.iter_mut()) {
                    let m = *o1 / nf;
                    let v = *o2 / nf - m * m;
                    *o1 = c + m;
                    *o2 = if v < 0.0 { 0.0 } else { v };
                }
            } else {
                for o in t1.iter_mut() {
                    *o = c + *o / nf;
                }
            }
            if start == 0 {
                // The first block's bars before `n - 1` have no full window.
                let warm = (n - 1).min(stop).saturating_sub(i);
                t1[..warm].fill(f64::NAN);
                if VAR {
                    t2[..warm].fill(f64::NAN);
                }
            }
            i = stop;
        }
    }

    /// Prefix sums of the block's bars at offsets `k0..`, plus the previous block's suffix
    /// sum for every window that reaches into it (all but the block's last bar).
    fn prefix(&mut self, xs: &[f64], k0: usize, t1: &mut [f64], t2: &mut [f64]) {
        let (n, c) = (self.n, self.c);
        let (mut p1, mut p2) = (self.p1, self.p2);
        // Bars whose window reaches into the previous block, then possibly the block's last.
        let inner = xs.len().min((n - 1).saturating_sub(k0));
        for (j, &v) in xs[..inner].iter().enumerate() {
            let d = v - c;
            p1 += d;
            t1[j] = self.suf1[k0 + j + 1] + p1;
            if VAR {
                p2 += d * d;
                t2[j] = self.suf2[k0 + j + 1] + p2;
            }
        }
        if inner < xs.len() {
            let d = xs[inner] - c;
            p1 += d;
            t1[inner] = p1;
            if VAR {
                p2 += d * d;
                t2[inner] = p2;
            }
        }
        self.p1 = p1;
        self.p2 = p2;
    }

    /// A whole block `xs` (`n` bars, `next_c` the first bar after it): its prefix sums
    /// forward and, over the same bars backward, the next block's suffix sums against
    /// `next_c`, in one loop.
    fn whole_block(&mut self, xs: &[f64], next_c: f64, t1: &mut [f64], t2: &mut [f64]) {
        let (n, c) = (self.n, self.c);
        let (mut p1, mut p2, mut s1, mut s2) = (0.0, 0.0, 0.0, 0.0);
        let head = n - 1;
        if VAR {
            let fwd = xs[..head].iter().zip(&self.suf1[1..]).zip(&self.suf2[1..]).zip(t1[..head].iter_mut().zip(t2[..head].iter_mut()));
            let back = xs[1..].iter().rev().zip(self.next1[1..].iter_mut().rev().zip(self.next2[1..].iter_mut().rev()));
            for ((((&v, &f1), &f2), (o1, o2)), (&u, (q1, q2))) in fwd.zip(back) {
                let d = v - c;
                p1 += d;
                p2 += d * d;
                *o1 = f1 + p1;
                *o2 = f2 + p2;
                let e = u - next_c;
                s1 += e;
                s2 += e * e;
                *q1 = s1;
                *q2 = s2;
            }
        } else {
            let fwd = xs[..head].iter().zip(&self.suf1[1..]).zip(t1[..head].iter_mut());
            let back = xs[1..].iter().rev().zip(self.next1[1..].iter_mut().rev());
            for (((&v, &f1), o1), (&u, q1)) in fwd.zip(back) {
                let d = v - c;
                p1 += d;
                *o1 = f1 + p1;
                let e = u - next_c;
                s1 += e;
                *q1 = s1;
            }
        }
        // The block's last bar: its window is the block itself. The suffix from offset 0.
        let d = xs[head] - c;
        p1 += d;
        t1[head] = p1;
        let e = xs[0] - next_c;
        s1 += e;
        self.next1[0] = s1;
        if VAR {
            p2 += d * d;
            t2[head] = p2;
            s2 += e * e;
            self.next2[0] = s2;
        }
        self.p1 = p1;
        self.p2 = p2;
        self.next_built = true;
    }

    /// Start the block at `start`: the previous block's suffix sums against its first bar,
    /// built while walking that block or here.
    fn enter_block(&mut self, x: &[f64], start: usize) {
        let n = self.n;
        let c = x[start];
        if self.next_built {
            std::mem::swap(&mut self.suf1, &mut self.next1);
            std::mem::swap(&mut self.suf2, &mut self.next2);
        } else {
            let prev = start.saturating_sub(n);
            let (mut s1, mut s2) = (0.0, 0.0);
            for (j, &v) in x[prev..start].iter().enumerate().rev() {
                let d = v - c;
                s1 += d;
                self.suf1[j] = s1;
                if VAR {
                    s2 += d * d;
                    self.suf2[j] = s2;
                }
            }
        }
        self.next_built = false;
        self.start = start;
        self.end = (start + n).min(self.len);
        self.c = c;
        self.p1 = 0.0;
        self.p2 = 0.0;
    }
}

/// `indicators::ema`: seeded at `n - 1` with the mean of the first `n` values, then
/// `prev = (v - prev) * k + prev`; `n == 1` is the input itself.
struct Ema {
    n: usize,
    k: f64,
    mode: EmaMode,
    prev: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum EmaMode {
    Copy,
    Nan,
    Run,
}

impl Ema {
    fn new(x: &[f64], n: usize) -> Ema {
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

    fn fill(&mut self, x: &[f64], a: usize, out: &mut [f64]) {
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
struct Rsi {
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
    fn new(x: &[f64], n: usize) -> Rsi {
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

    fn fill(&mut self, x: &[f64], a: usize, out: &mut [f64]) {
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
struct MacdLine {
    active: bool,
    seed: usize,
    kf: f64,
    ks: f64,
    pf: f64,
    ps: f64,
}

impl MacdLine {
    fn new(x: &[f64], fast: usize, slow: usize) -> MacdLine {
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

    fn fill(&mut self, x: &[f64], a: usize, out: &mut [f64]) {
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

/// `indicators::donchian`: the highest high and the lowest low of the last `n` bars. The
/// kernel keeps a monotonic deque per series and answers each window's extreme, the latest bar
/// holding it when several do (the two differ only for ±0); here blocks of `n` bars (van Herk /
/// Gil-Werman) give the same values with no branch per bar: every window is a suffix of the
/// previous block plus a prefix of the current one, and each step keeps the later bar unless
/// the earlier beats it strictly, as the deque does. A window holding a NaN is NaN, as in the
/// kernel; no other window ever reads a NaN bar, since a prefix or suffix it reads lies inside it.
struct Channel {
    n: usize,
    active: bool,
    len: usize,
    start: usize,
    end: usize,
    /// Running extremes of the current block so far.
    hi: f64,
    lo: f64,
    /// Extremes of the previous block from each of its bars to its end; the next block's.
    hi_suf: Vec<f64>,
    lo_suf: Vec<f64>,
    hi_next: Vec<f64>,
    lo_next: Vec<f64>,
    next_built: bool,
    /// The last NaN bar seen in each series.
    hi_nan: Option<usize>,
    lo_nan: Option<usize>,
}

/// The larger, the later (`b`) unless the earlier beats it strictly: the shape x86's `maxsd`
/// computes.
#[inline(always)]
fn later_max(earlier: f64, later: f64) -> f64 {
    if earlier > later {
        earlier
    } else {
        later
    }
}

#[inline(always)]
fn later_min(earlier: f64, later: f64) -> f64 {
    if earlier < later {
        earlier
    } else {
        later
    }
}

impl Channel {
    fn new(n: usize, len: usize) -> Channel {
        let active = n != 0 && n <= len;
        let room = if active { n } else { 0 };
        Channel {
            n,
            active,
            len,
            start: 0,
            end: 0,
            hi: f64::NAN,
            lo: f64::NAN,
            hi_suf: vec![0.0; room],
            lo_suf: vec![0.0; room],
            hi_next: vec![0.0; room],
            lo_next: vec![0.0; room],
            next_built: false,
            hi_nan: None,
            lo_nan: None,
        }
    }

    fn fill(&mut self, high: &[f64], low: &[f64], a: usize, upper: &mut [f64], lower: &mut [f64]) {
        let b = a + upper.len();
        if !self.active {
            upper.fill(f64::NAN);
            lower.fill(f64::NAN);
            return;
        }
        let n = self.n;
        let mut i = a;
        while i < b {
            if i == self.end {
                self.enter_block(high, low, i);
            }
            let (start, end) = (self.start, self.end);
            let stop = end.min(b);
            let (k0, k1) = (i - start, stop - start);
            let (up, lo) = (&mut upper[i - a..stop - a], &mut lower[i - a..stop - a]);
            if k0 == 0 && k1 == n && end < self.len {
                self.whole_block(&high[start..end], &low[start..end], up, lo);
            } else {
                self.prefix(&high[i..stop], &low[i..stop], k0, up, lo);
            }
            if start == 0 {
                let warm = (n - 1).min(stop).saturating_sub(i);
                up[..warm].fill(f64::NAN);
                lo[..warm].fill(f64::NAN);
            }
            i = stop;
        }
        Self::blank_nan_windows(high, a, n, &mut self.hi_nan, upper);
        Self::blank_nan_windows(low, a, n, &mut self.lo_nan, lower);
    }

    /// NaN for every window of the chunk that holds a NaN bar of `x`.
    fn blank_nan_windows(x: &[f64], a: usize, n: usize, last_nan: &mut Option<usize>, out: &mut [f64]) {
        let b = a + out.len();
        let mut blank = |j: usize| {
            let (from, to) = (j.max(a), (j + n).min(b));
            if from < to {
                out[from - a..to - a].fill(f64::NAN);
            }
        };
        if let Some(j) = *last_nan {
            blank(j);
        }
        // Prices are never NaN in loaded data: one vectorized look, then bar by bar only if.
        if !x[a..b].iter().fold(false, |any, v| any | v.is_nan()) {
            return;
        }
        for (j, v) in (a..b).zip(&x[a..b]) {
            if v.is_nan() {
                blank(j);
                *last_nan = Some(j);
            }
        }
    }

    fn prefix(&mut self, high: &[f64], low: &[f64], k0: usize, up: &mut [f64], lo: &mut [f64]) {
        let n = self.n;
        let (mut h, mut l) = (self.hi, self.lo);
        for (j, (&vh, &vl)) in high.iter().zip(low).enumerate() {
            let k = k0 + j;
            h = if k == 0 { vh } else { later_max(h, vh) };
            l = if k == 0 { vl } else { later_min(l, vl) };
            if k + 1 < n {
                up[j] = later_max(self.hi_suf[k + 1], h);
                lo[j] = later_min(self.lo_suf[k + 1], l);
            } else {
                up[j] = h;
                lo[j] = l;
            }
        }
        self.hi = h;
        self.lo = l;
    }

    /// A whole block: its running extremes forward and the next block's suffix extremes
    /// backward over the same bars, in one loop.
    fn whole_block(&mut self, high: &[f64], low: &[f64], up: &mut [f64], lo: &mut [f64]) {
        let head = self.n - 1;
        if head == 0 {
            // One-bar windows: each bar is its own extreme, and no suffix is ever read.
            (self.hi, self.lo) = (high[0], low[0]);
            (up[0], lo[0]) = (high[0], low[0]);
            return;
        }
        let (mut h, mut l) = (high[0], low[0]);
        let (mut sh, mut sl) = (high[head], low[head]);
        self.hi_next[head] = sh;
        self.lo_next[head] = sl;
        // Offset 0 starts the running extremes; the suffix from the last bar back to offset 1.
        up[0] = later_max(self.hi_suf[1], h);
        lo[0] = later_min(self.lo_suf[1], l);
        let fwd = high[1..head]
            .iter()
            .zip(&low[1..head])
            .zip(self.hi_suf[2..].iter().zip(&self.lo_suf[2..]))
            .zip(up[1..head].iter_mut().zip(lo[1..head].iter_mut()));
        let back = high[1..head]
            .iter()
            .rev()
            .zip(low[1..head].iter().rev())
            .zip(self.hi_next[1..head].iter_mut().rev().zip(self.lo_next[1..head].iter_mut().rev()));
        for ((((&vh, &vl), (&fh, &fl)), (ou, ol)), ((&uh, &ul), (qh, ql))) in fwd.zip(back) {
            h = later_max(h, vh);
            l = later_min(l, vl);
            *ou = later_max(fh, h);
            *ol = later_min(fl, l);
            sh = later_max(uh, sh);
            sl = later_min(ul, sl);
            *qh = sh;
            *ql = sl;
        }
        // The block's last bar: its window is the block itself. The suffix from offset 0.
        h = later_max(h, high[head]);
        l = later_min(l, low[head]);
        up[head] = h;
        lo[head] = l;
        self.hi_next[0] = later_max(high[0], sh);
        self.lo_next[0] = later_min(low[0], sl);
        self.hi = h;
        self.lo = l;
        self.next_built = true;
    }

    fn enter_block(&mut self, high: &[f64], low: &[f64], start: usize) {
        let n = self.n;
        if self.next_built {
            std::mem::swap(&mut self.hi_suf, &mut self.hi_next);
            std::mem::swap(&mut self.lo_suf, &mut self.lo_next);
        } else if start >= n {
            let prev = start - n;
            let (mut sh, mut sl) = (high[start - 1], low[start - 1]);
            for j in (0..n).rev() {
                if j + 1 < n {
                    sh = later_max(high[prev + j], sh);
                    sl = later_min(low[prev + j], sl);
                }
                self.hi_suf[j] = sh;
                self.lo_suf[j] = sl;
            }
        }
        self.next_built = false;
        self.start = start;
        self.end = (start + n).min(self.len);
    }
}

#[cfg(test)]
mod tests;
