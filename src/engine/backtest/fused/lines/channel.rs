//! The Donchian channel line: highest high and lowest low of a window, blocks without a deque.

/// `indicators::donchian`: the highest high and the lowest low of the last `n` bars. The
/// kernel keeps a monotonic deque per series and answers each window's extreme, the latest bar
/// holding it when several do (the two differ only for ±0); here blocks of `n` bars (van Herk /
/// Gil-Werman) give the same values with no branch per bar: every window is a suffix of the
/// previous block plus a prefix of the current one, and each step keeps the later bar unless
/// the earlier beats it strictly, as the deque does. A window holding a NaN is NaN, as in the
/// kernel; no other window ever reads a NaN bar, since a prefix or suffix it reads lies inside it.
pub(super) struct Channel {
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
    pub(super) fn new(n: usize, len: usize) -> Channel {
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

    pub(super) fn fill(&mut self, high: &[f64], low: &[f64], a: usize, upper: &mut [f64], lower: &mut [f64]) {
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
        // Offsets 1..head forward (`j`) and the same bars backward (`r`), every slice cut to
        // their count so the loop indexes without checks.
        let m = head - 1;
        let (hs, ls) = (&high[1..head], &low[1..head]);
        let (fh, fl) = (&self.hi_suf[2..head + 1], &self.lo_suf[2..head + 1]);
        let (ou, ol) = (&mut up[1..head], &mut lo[1..head]);
        let (qh, ql) = (&mut self.hi_next[1..head], &mut self.lo_next[1..head]);
        for j in 0..m {
            let r = m - 1 - j;
            h = later_max(h, hs[j]);
            l = later_min(l, ls[j]);
            ou[j] = later_max(fh[j], h);
            ol[j] = later_min(fl[j], l);
            sh = later_max(hs[r], sh);
            sl = later_min(ls[r], sl);
            qh[r] = sh;
            ql[r] = sl;
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
