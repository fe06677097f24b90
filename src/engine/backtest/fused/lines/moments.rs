//! The rolling mean and variance lines (SMA, Bollinger's moments), a block of bars at a time.

/// The windows of `indicators::window_moments`: blocks of `n` bars starting at multiples of
/// `n`; every window is a suffix of the previous block plus a prefix of the current one, with
/// sums of `d = x - c`, `c` the current block's first bar. `VAR` also keeps the squares
/// (Bollinger); the mean alone (SMA) never reads them.
///
/// The kernel's operations, reordered only across independent chains: while a whole block's
/// prefix sums run forward, the next block's suffix sums over the same bars run backward in
/// the same loop (two chains the core overlaps), and the divisions for the means come after in
/// a pass of their own, which the compiler vectorizes.
pub(super) struct Moments<const VAR: bool> {
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
    pub(super) fn new(n: usize, len: usize) -> Self {
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
    pub(super) fn fill(&mut self, x: &[f64], a: usize, mean: &mut [f64], var: &mut [f64]) {
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

    /// Place the walk at bar `a`, whatever it walked before: the block holding `a`, the
    /// previous block's suffix sums and this block's prefix sums up to `a`, each by the
    /// operations and in the order a walk from bar 0 gives them, so `fill` from `a` gives the
    /// kernel's values. For a caller that needs the exact values of some chunks only.
    pub(super) fn seek(&mut self, x: &[f64], a: usize) {
        if !self.active {
            return;
        }
        self.next_built = false;
        self.enter_block(x, a - a % self.n);
        let c = self.c;
        for &v in &x[self.start..a] {
            let d = v - c;
            self.p1 += d;
            if VAR {
                self.p2 += d * d;
            }
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
