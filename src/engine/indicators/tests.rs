//! Tests for `indicators`: hand-worked values on short series (arithmetic in the
//! comments), warm-up lengths, edge cases, a TA-Lib cross-check and consistency checks
//! against naive implementations.

use super::*;

const NAN: f64 = f64::NAN;

/// Equal, treating NaN == NaN, within an absolute tolerance.
fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol;
        assert!(ok, "index {i}: got {g}, want {w}\n got: {got:?}\nwant: {want:?}");
    }
}

fn leading_nans(v: &[f64]) -> usize {
    v.iter().take_while(|x| x.is_nan()).count()
}

/// Tiny LCG so the tests need no dependency: uniform in [0, 1).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random walk around `level`, with high/low around the close.
fn walk(len: usize, level: f64, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut r = Lcg(seed);
    let (mut h, mut l, mut c) = (vec![], vec![], vec![]);
    let mut p = level;
    for _ in 0..len {
        p += r.next() - 0.5;
        c.push(p);
        h.push(p + r.next());
        l.push(p - r.next());
    }
    (h, l, c)
}

// ---- hand-worked values -------------------------------------------------------------

#[test]
fn sma_by_hand() {
    // [1,2,3,4,5,6], n=3: (1+2+3)/3=2, (2+3+4)/3=3, 4, 5
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    assert_close(&sma(&x, 3), &[NAN, NAN, 2.0, 3.0, 4.0, 5.0], 1e-12);
}

#[test]
fn ema_by_hand() {
    // n=3, k = 2/4 = 0.5. Seed at index 2: (2+4+6)/3 = 4.
    // i3: (8-4)*.5+4 = 6;  i4: (12-6)*.5+6 = 9;  i5: (6-9)*.5+9 = 7.5
    let x = [2.0, 4.0, 6.0, 8.0, 12.0, 6.0];
    assert_close(&ema(&x, 3), &[NAN, NAN, 4.0, 6.0, 9.0, 7.5], 1e-12);
}

#[test]
fn rsi_by_hand() {
    // n=3. Changes: +1, +1, -1, +2, -1, 0.
    // Seed (first 3 changes): gain (1+1+0)/3 = 2/3, loss (0+0+1)/3 = 1/3
    //   i3: 100 * (2/3) / (2/3 + 1/3) = 66.666...
    // i4 (+2): gain (2/3*2 + 2)/3 = 10/9, loss (1/3*2 + 0)/3 = 2/9 -> 100*10/12 = 83.333...
    // i5 (-1): gain (10/9*2)/3 = 20/27, loss (2/9*2 + 1)/3 = 13/27 -> 100*20/33 = 60.6060...
    // i6 (0):  gain 40/81, loss 26/81 -> 100*40/66 = 60.6060... (a flat bar keeps the ratio)
    let x = [10.0, 11.0, 12.0, 11.0, 13.0, 12.0, 12.0];
    let want = [NAN, NAN, NAN, 200.0 / 3.0, 250.0 / 3.0, 2000.0 / 33.0, 2000.0 / 33.0];
    assert_close(&rsi(&x, 3), &want, 1e-9);
}

#[test]
fn rsi_extremes() {
    // All gains -> 100; all losses -> 0; flat -> 0 (TA-Lib's value for gain+loss == 0).
    assert_close(&rsi(&[1.0, 2.0, 3.0, 4.0], 2), &[NAN, NAN, 100.0, 100.0], 0.0);
    assert_close(&rsi(&[4.0, 3.0, 2.0, 1.0], 2), &[NAN, NAN, 0.0, 0.0], 0.0);
    assert_close(&rsi(&[5.0; 4], 2), &[NAN, NAN, 0.0, 0.0], 0.0);
}

#[test]
fn macd_by_hand() {
    // fast 2 (kf = 2/3), slow 3 (ks = 1/2), signal 2 (kg = 2/3); first output at 3+2-2 = 3.
    // Seeds at index 2: slow (2+4+6)/3 = 4, fast over x[1..3] = (4+6)/2 = 5; line 1.
    // i3 (8):  fast (8-5)*2/3+5 = 7, slow (8-4)/2+4 = 6, line 1; signal seed (1+1)/2 = 1
    // i4 (12): fast 7+10/3 = 31/3, slow 9, line 4/3; signal (4/3-1)*2/3+1 = 11/9
    // i5 (6):  fast 31/3-26/9 = 67/9, slow 7.5, line -1/18; signal 11/9-(23/18)(2/3) = 10/27
    // i6 (10): fast 67/9+46/27 = 247/27, slow 8.75, line 43/108; signal 10/27+2/108 = 7/18
    let x = [2.0, 4.0, 6.0, 8.0, 12.0, 6.0, 10.0];
    let m = macd(&x, 2, 3, 2);
    let line = [NAN, NAN, NAN, 1.0, 4.0 / 3.0, -1.0 / 18.0, 43.0 / 108.0];
    let signal = [NAN, NAN, NAN, 1.0, 11.0 / 9.0, 10.0 / 27.0, 7.0 / 18.0];
    let hist: Vec<f64> = line.iter().zip(&signal).map(|(a, b)| a - b).collect();
    assert_close(&m.line, &line, 1e-12);
    assert_close(&m.signal, &signal, 1e-12);
    assert_close(&m.hist, &hist, 1e-12);
    // hist by hand: 0, 4/3-11/9 = 1/9, -1/18-10/27 = -23/54, 43/108-42/108 = 1/108
    assert_close(&m.hist[3..], &[0.0, 1.0 / 9.0, -23.0 / 54.0, 1.0 / 108.0], 1e-12);
    // TA-Lib swaps fast and slow when given in the wrong order.
    let swapped = macd(&x, 3, 2, 2);
    assert_close(&swapped.line, &m.line, 0.0);
    assert_close(&swapped.hist, &m.hist, 0.0);
}

#[test]
fn bollinger_std_zscore_by_hand() {
    // [2,4,4,4,5,5,7,9]: mean 5; squared deviations 9,1,1,1,0,0,4,16 sum 32; /8 = 4; std 2.
    let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
    let b = bollinger(&x, 8, 2.0);
    assert_close(&b.mid, &[NAN, NAN, NAN, NAN, NAN, NAN, NAN, 5.0], 1e-12);
    assert_close(&b.upper[7..], &[9.0], 1e-12); // 5 + 2*2
    assert_close(&b.lower[7..], &[1.0], 1e-12); // 5 - 2*2
    assert_close(&zscore(&x, 8)[7..], &[2.0], 1e-12); // (9-5)/2

    // n=2 on [1,3,3,7]: windows [1,3] mean 2 std 1; [3,3] mean 3 std 0; [3,7] mean 5 std 2
    let y = [1.0, 3.0, 3.0, 7.0];
    assert_close(&rolling_std(&y, 2), &[NAN, 1.0, 0.0, 2.0], 1e-12);
    // z: (3-2)/1 = 1; zero std -> 0; (7-5)/2 = 1
    assert_close(&zscore(&y, 2), &[NAN, 1.0, 0.0, 1.0], 1e-12);
    let b = bollinger(&y, 2, 1.5);
    assert_close(&b.upper, &[NAN, 3.5, 3.0, 8.0], 1e-12); // 2+1.5, 3+0, 5+3
    assert_close(&b.lower, &[NAN, 0.5, 3.0, 2.0], 1e-12);
}

/// Bars used by the ATR / true range / Donchian tests:
///   i:  high  low  close
///   0:   10    8     9
///   1:   11    9    10    TR = max(11-9=2, |9-11|=2, |9-9|=0)     = 2
///   2:   12   10    11    TR = max(2, |10-12|=2, |10-10|=0)        = 2
///   3:   14   11    13    TR = max(3, |11-14|=3, |11-11|=0)        = 3
///   4:   13    9    10    TR = max(4, |13-13|=0, |13-9|=4)         = 4
///   5:   16   12    15    TR = max(4, |10-16|=6, |10-12|=2)        = 6  (gap up)
///   6:   12   11  11.5    TR = max(1, |15-12|=3, |15-11|=4)        = 4  (gap down)
fn hlc() -> ([f64; 7], [f64; 7], [f64; 7]) {
    (
        [10.0, 11.0, 12.0, 14.0, 13.0, 16.0, 12.0],
        [8.0, 9.0, 10.0, 11.0, 9.0, 12.0, 11.0],
        [9.0, 10.0, 11.0, 13.0, 10.0, 15.0, 11.5],
    )
}

#[test]
fn true_range_and_atr_by_hand() {
    let (h, l, c) = hlc();
    assert_close(&true_range(&h, &l, &c), &[NAN, 2.0, 2.0, 3.0, 4.0, 6.0, 4.0], 0.0);
    // n=3: seed at index 3 = (2+2+3)/3 = 7/3
    // i4: (7/3*2 + 4)/3 = 26/9;  i5: (26/9*2 + 6)/3 = 106/27;  i6: (106/27*2 + 4)/3 = 320/81
    let want = [NAN, NAN, NAN, 7.0 / 3.0, 26.0 / 9.0, 106.0 / 27.0, 320.0 / 81.0];
    assert_close(&atr(&h, &l, &c, 3), &want, 1e-12);
}

#[test]
fn donchian_by_hand() {
    let (h, l, _) = hlc();
    let ch = donchian(&h, &l, 3);
    // highs [10,11,12,14,13,16,12]: max of 3 -> 12, 14, 14, 16, 16
    assert_close(&ch.upper, &[NAN, NAN, 12.0, 14.0, 14.0, 16.0, 16.0], 0.0);
    // lows [8,9,10,11,9,12,11]: min of 3 -> 8, 9, 9, 9, 9
    assert_close(&ch.lower, &[NAN, NAN, 8.0, 9.0, 9.0, 9.0, 9.0], 0.0);
}

#[test]
fn roc_by_hand() {
    // n=2: 25/10-1 = +150%, 10/20-1 = -50%, 0/25-1 = -100%, 5/10-1 = -50%
    let x = [10.0, 20.0, 25.0, 10.0, 0.0, 5.0];
    assert_close(&roc(&x, 2), &[NAN, NAN, 150.0, -50.0, -100.0, -50.0], 1e-12);
    // A zero base gives 0 (TA-Lib), not infinity: [0,5,10], n=1 -> 0, 10/5-1 = 100%
    assert_close(&roc(&[0.0, 5.0, 10.0], 1), &[NAN, 0.0, 100.0], 1e-12);
}

// ---- warm-up lengths and edge cases -------------------------------------------------

#[test]
fn warm_up_lengths() {
    let (h, l, c) = walk(60, 100.0, 7);
    let cases: Vec<(&str, Vec<f64>, usize)> = vec![
        ("sma", sma(&c, 10), 9),
        ("ema", ema(&c, 10), 9),
        ("rsi", rsi(&c, 14), 14),
        ("macd line", macd(&c, 12, 26, 9).line, 33),
        ("macd signal", macd(&c, 12, 26, 9).signal, 33),
        ("macd hist", macd(&c, 12, 26, 9).hist, 33),
        ("bb mid", bollinger(&c, 20, 2.0).mid, 19),
        ("bb upper", bollinger(&c, 20, 2.0).upper, 19),
        ("tr", true_range(&h, &l, &c), 1),
        ("atr", atr(&h, &l, &c, 14), 14),
        ("donchian upper", donchian(&h, &l, 20).upper, 19),
        ("donchian lower", donchian(&h, &l, 20).lower, 19),
        ("std", rolling_std(&c, 20), 19),
        ("zscore", zscore(&c, 20), 19),
        ("roc", roc(&c, 10), 10),
    ];
    for (name, v, warm) in cases {
        assert_eq!(v.len(), c.len(), "{name} length");
        assert_eq!(leading_nans(&v), warm, "{name} warm-up");
        assert!(v[warm..].iter().all(|x| x.is_finite()), "{name} has gaps");
    }
}

#[test]
fn zero_or_too_long_period_is_all_nan() {
    let (h, l, c) = walk(10, 100.0, 3);
    let all_nan = |v: &[f64]| v.len() == 10 && v.iter().all(|x| x.is_nan());
    for n in [0, 11, usize::MAX] {
        assert!(all_nan(&sma(&c, n)));
        assert!(all_nan(&ema(&c, n)));
        assert!(all_nan(&rsi(&c, n)));
        assert!(all_nan(&rolling_std(&c, n)));
        assert!(all_nan(&zscore(&c, n)));
        assert!(all_nan(&roc(&c, n)));
        assert!(all_nan(&atr(&h, &l, &c, n)));
        assert!(all_nan(&bollinger(&c, n, 2.0).mid));
        assert!(all_nan(&donchian(&h, &l, n).upper));
        assert!(all_nan(&macd(&c, n, 5, 3).line));
        assert!(all_nan(&macd(&c, 2, 5, n).signal));
    }
    // Periods that fit but leave no room for the first output.
    assert!(all_nan(&rsi(&c, 10)));
    assert!(all_nan(&atr(&h, &l, &c, 10)));
    assert!(all_nan(&roc(&c, 10)));
    assert!(all_nan(&macd(&c, 3, 6, 6).line)); // first output at 6-1+6-1 = 10
    assert_eq!(leading_nans(&macd(&c, 3, 6, 5).line), 9);
    // Empty input.
    assert!(sma(&[], 3).is_empty() && ema(&[], 1).is_empty() && rsi(&[], 2).is_empty());
    assert!(true_range(&[], &[], &[]).is_empty() && donchian(&[], &[], 1).upper.is_empty());
}

#[test]
fn period_one() {
    let (h, l, c) = walk(30, 50.0, 11);
    assert_close(&sma(&c, 1), &c, 1e-12);
    assert_eq!(ema(&c, 1), c);
    assert!(rolling_std(&c, 1).iter().all(|&s| s == 0.0));
    assert!(zscore(&c, 1).iter().all(|&z| z == 0.0));
    let ch = donchian(&h, &l, 1);
    assert_eq!((ch.upper, ch.lower), (h.clone(), l.clone()));
    // ATR(1) is the true range (TA-Lib returns TRANGE for period 1).
    assert_close(&atr(&h, &l, &c, 1), &true_range(&h, &l, &c), 1e-12);
    // RSI(1): the average is the last change alone: up -> 100, down -> 0.
    let r = rsi(&c, 1);
    for i in 1..c.len() {
        assert_eq!(r[i], if c[i] > c[i - 1] { 100.0 } else { 0.0 });
    }
}

#[test]
fn constant_series() {
    let x = vec![1.1; 1000]; // 1.1 is inexact in binary: no accidental exactness
    for n in [1, 3, 20, 999, 1000] {
        let w = n - 1;
        assert!(sma(&x, n)[w..].iter().all(|&v| v == 1.1), "sma {n}");
        assert!(ema(&x, n)[w..].iter().all(|&v| (v - 1.1).abs() < 1e-14), "ema {n}");
        assert!(rolling_std(&x, n)[w..].iter().all(|&v| v == 0.0), "std {n}");
        assert!(zscore(&x, n)[w..].iter().all(|&v| v == 0.0), "zscore {n}");
        let b = bollinger(&x, n, 2.0);
        assert!(b.upper[w..].iter().all(|&v| v == 1.1) && b.lower[w..].iter().all(|&v| v == 1.1));
    }
    // A flat stretch after movement is still exactly flat.
    let mut y: Vec<f64> = (0..100).map(|i| (i as f64 * 0.37).sin() * 10.0 + 50.0).collect();
    y.extend(std::iter::repeat_n(42.7, 50));
    assert_eq!(rolling_std(&y, 20)[140], 0.0);
    assert_eq!(sma(&y, 20)[140], 42.7);
    assert_eq!(zscore(&y, 20)[149], 0.0);
}

#[test]
fn nan_input_does_not_panic() {
    let (mut h, mut l, mut c) = walk(40, 100.0, 5);
    c[12] = NAN;
    h[12] = NAN;
    l[12] = NAN;
    // Windows give NaN exactly where the window holds the NaN (indices 12..=16 for n=5).
    let s = sma(&c, 5);
    assert!(s[11].is_finite() && s[12..=16].iter().all(|v| v.is_nan()) && s[17].is_finite());
    let sd = rolling_std(&c, 5);
    assert!(sd[12..=16].iter().all(|v| v.is_nan()) && sd[17..].iter().all(|v| v.is_finite()));
    let ch = donchian(&h, &l, 5);
    assert!(ch.upper[11].is_finite() && ch.upper[16].is_nan() && ch.upper[17].is_finite());
    assert!(ch.lower[12].is_nan() && ch.lower[17..].iter().all(|v| v.is_finite()));
    // Recursive kernels just run; the NaN propagates forward.
    assert!(ema(&c, 5)[39].is_nan());
    assert!(rsi(&c, 5)[39].is_nan());
    assert!(atr(&h, &l, &c, 5)[39].is_nan());
    assert!(macd(&c, 3, 6, 3).hist[39].is_nan());
    assert!(roc(&c, 3)[15].is_nan() && roc(&c, 3)[16].is_finite());
    let _ = (bollinger(&c, 5, 2.0), zscore(&c, 5), true_range(&h, &l, &c));
    // NaN as the very first value (the block shift) is harmless too.
    let mut d = c.clone();
    d[0] = NAN;
    assert!(sma(&d, 5)[3].is_nan() && sma(&d, 5)[4].is_nan() && sma(&d, 5)[5].is_finite());
}

#[test]
#[should_panic(expected = "differ in length")]
fn mismatched_lengths_panic() {
    atr(&[1.0, 2.0], &[1.0], &[1.0, 2.0], 1);
}

// ---- consistency ---------------------------------------------------------------------

/// Two-pass mean and population std of each window, O(n * len).
fn naive_mean_std(x: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let (mut m, mut s) = (vec![NAN; x.len()], vec![NAN; x.len()]);
    for i in n - 1..x.len() {
        let w = &x[i + 1 - n..=i];
        let mean = w.iter().sum::<f64>() / n as f64;
        let var = w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
        m[i] = mean;
        s[i] = var.sqrt();
    }
    (m, s)
}

#[test]
fn windows_match_naive() {
    let (h, l, c) = walk(500, 100.0, 42);
    for n in [1, 2, 3, 7, 20, 64, 499, 500] {
        let (m, s) = naive_mean_std(&c, n);
        assert_close(&sma(&c, n), &m, 1e-9);
        assert_close(&rolling_std(&c, n), &s, 1e-9);
        let upper: Vec<f64> =
            (0..c.len()).map(|i| h[i.saturating_sub(n - 1)..=i].iter().fold(NAN, |a, &b| b.max(a))).collect();
        let lower: Vec<f64> =
            (0..c.len()).map(|i| l[i.saturating_sub(n - 1)..=i].iter().fold(NAN, |a, &b| b.min(a))).collect();
        let ch = donchian(&h, &l, n);
        assert_eq!(ch.upper[n - 1..], upper[n - 1..], "donchian upper {n}");
        assert_eq!(ch.lower[n - 1..], lower[n - 1..], "donchian lower {n}");
    }
}

#[test]
fn long_series_does_not_drift() {
    // A high price level with small moves is where a running sum of squares breaks down.
    let (_, _, c) = walk(300_000, 1e5, 9);
    let n = 20;
    let (s, sd) = (sma(&c, n), rolling_std(&c, n));
    let (m, want) = naive_mean_std(&c[c.len() - 100..], n);
    assert_close(&s[c.len() - 81..], &m[19..], 1e-9);
    let got = &sd[c.len() - 81..];
    for (g, w) in got.iter().zip(&want[19..]) {
        assert!((g - w).abs() <= 1e-9 * w.max(1.0), "std {g} vs {w}");
    }
}

#[test]
fn ema_rsi_atr_macd_consistent_with_definitions() {
    // EMA recursion checked directly; MACD line equals fast EMA minus slow EMA when the
    // fast EMA is seeded on the same bar as the slow one (fast == slow gives 0).
    let (h, l, c) = walk(200, 100.0, 13);
    let e = ema(&c, 10);
    let k = 2.0 / 11.0;
    for i in 10..c.len() {
        assert!((e[i] - (e[i - 1] + k * (c[i] - e[i - 1]))).abs() < 1e-9);
    }
    assert!(macd(&c, 8, 8, 3).line[9..].iter().all(|&v| v == 0.0));
    // Fast seeded on x[slow-fast..slow]: equals an EMA of the series started at slow-fast.
    let m = macd(&c, 5, 12, 4);
    let fast = ema(&c[7..], 5);
    let slow = ema(&c, 12);
    for i in 14..c.len() {
        assert!((m.line[i] - (fast[i - 7] - slow[i])).abs() < 1e-9, "macd line {i}");
    }
    assert!(rsi(&c, 14)[14..].iter().all(|&v| (0.0..=100.0).contains(&v)));
    let tr = true_range(&h, &l, &c);
    let a = atr(&h, &l, &c, 14);
    assert!((a[14] - tr[1..=14].iter().sum::<f64>() / 14.0).abs() < 1e-12);
}

// ---- cross-check against TA-Lib ----------------------------------------------------

/// Outputs of the TA-Lib C library 0.8.1 (through its Python wrapper) on a 30-bar series,
/// printed to 12 significant digits: SMA(5), EMA(5), RSI(14), MACD(5,10,4),
/// BBANDS(10,2,2,SMA), TRANGE, ATR(5), MAX(high,5), MIN(low,5), STDDEV(10,1), ROC(3).
#[rustfmt::skip]
mod talib {
    use super::NAN;
    pub const C: [f64; 30] = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57];
    pub const H: [f64; 30] = [44.44, 44.29, 44.45, 44.01, 44.43, 45.03, 45.4, 45.82, 45.94, 46.28, 46.19, 46.43, 45.71, 46.48, 46.58, 46.4, 46.13, 46.61, 46.52, 46.04, 46.31, 46.45, 46.01, 46.85, 45.88, 45.55, 44.33, 44.58, 44.32, 44.77];
    pub const L: [f64; 30] = [44.04, 43.99, 43.95, 43.31, 44.23, 44.63, 44.8, 45.32, 45.64, 45.78, 45.79, 45.83, 45.31, 46.18, 46.08, 45.7, 45.93, 46.21, 45.92, 45.54, 46.01, 45.95, 45.61, 46.25, 45.48, 45.25, 43.83, 43.88, 44.12, 44.37];
    pub const SMA5: [f64; 30] = [NAN, NAN, NAN, NAN, 44.104, 44.202, 44.404, 44.658, 45.104, 45.454, 45.666, 45.852, 45.89, 45.978, 46.018, 46.04, 46.04, 46.2, 46.188, 46.06, 46.102, 46.146, 46.006, 46.052, 46.08, 45.908, 45.464, 45.158, 44.712, 44.47];
    pub const EMA5: [f64; 30] = [NAN, NAN, NAN, NAN, 44.104, 44.346, 44.5973333333, 44.8715555556, 45.1943703704, 45.4895802469, 45.6230534979, 45.758702332, 45.709134888, 45.8994232586, 46.0262821724, 46.0175214483, 46.0216809655, 46.1511206437, 46.1740804291, 45.9960536194, 46.0673690796, 46.1282460531, 45.988830702, 46.1425538014, 46.0217025342, 45.7978016895, 45.2085344597, 44.8656896398, 44.6504597599, 44.6236398399];
    pub const RSI14: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 70.4641350211, 66.2496185536, 66.4809418347, 69.3468531629, 66.2947126589, 57.9150206701, 62.88071831, 63.2087887183, 56.0115847895, 62.3399293109, 54.6709713777, 50.3868151951, 40.0194237913, 41.4926354042, 41.9024296785, 45.4994972387];
    pub const MACD_LINE: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0.447179369452, 0.453966060977, 0.430154798113, 0.348672606363, 0.287641555931, 0.294494828064, 0.251596926314, 0.125070984371, 0.134840410925, 0.138057648989, 0.049627194055, 0.110505903845, 0.0354999938009, -0.0727153506961, -0.327334911289, -0.423652555776, -0.444452934238, -0.375831750717];
    pub const MACD_SIGNAL: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0.577918579737, 0.528337572233, 0.489064462585, 0.432907720096, 0.37480125443, 0.342678683883, 0.306245980856, 0.233775982262, 0.194201753727, 0.171744111832, 0.122897344721, 0.117940768371, 0.0849644585428, 0.0218925348472, -0.117798443607, -0.240140088475, -0.32186522678, -0.343451836355];
    pub const MACD_HIST: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, -0.130739210285, -0.0743715112558, -0.0589096644717, -0.0842351137335, -0.087159698499, -0.0481838558199, -0.0546490545418, -0.108704997891, -0.0593613428022, -0.0336864628427, -0.073270150666, -0.00743486452543, -0.0494644647419, -0.0946078855433, -0.209536467682, -0.183512467301, -0.122587707458, -0.0323799143624];
    pub const BB_UPPER: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 46.3238093734, 46.5792890324, 46.7869104858, 46.8157704109, 46.7196246222, 46.6681459113, 46.5697175176, 46.4606027594, 46.4933971454, 46.5197195897, 46.5503472401, 46.581094109, 46.6130038461, 46.5881432778, 46.6394612594, 46.6139117575, 46.7009454002, 47.1777126429, 47.192982309, 47.1182211841, 47.0654692122];
    pub const BB_MID: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 44.779, 44.934, 45.128, 45.274, 45.541, 45.736, 45.853, 45.946, 46.045, 46.083, 46.039, 46.071, 46.093, 46.103, 46.12, 46.07, 46.005, 45.805, 45.582, 45.382, 45.275];
    pub const BB_LOWER: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 43.2341906266, 43.2887109676, 43.4690895142, 43.7322295891, 44.3623753778, 44.8038540887, 45.1362824824, 45.4313972406, 45.5966028546, 45.6462804103, 45.5276527599, 45.560905891, 45.5729961539, 45.6178567222, 45.6005387406, 45.5260882425, 45.3090545998, 44.4322873571, 43.971017691, 43.6457788159, 43.4845307878];
    pub const TRANGE: [f64; 30] = [NAN, 0.35, 0.5, 0.84, 0.82, 0.7, 0.6, 0.72, 0.52, 0.5, 0.4, 0.6, 0.72, 0.87, 0.5, 0.7, 0.2, 0.58, 0.6, 0.68, 0.67, 0.5, 0.64, 1.14, 0.97, 0.53, 1.52, 0.7, 0.2, 0.55];
    pub const ATR5: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, 0.642, 0.6336, 0.65088, 0.624704, 0.5997632, 0.55981056, 0.567848448, 0.5982787584, 0.65262300672, 0.622098405376, 0.637678724301, 0.550142979441, 0.556114383553, 0.564891506842, 0.587913205474, 0.604330564379, 0.583464451503, 0.594771561202, 0.703817248962, 0.75705379917, 0.711643039336, 0.873314431469, 0.838651545175, 0.71092123614, 0.678736988912];
    pub const MAX5: [f64; 30] = [NAN, NAN, NAN, NAN, 44.45, 45.03, 45.4, 45.82, 45.94, 46.28, 46.28, 46.43, 46.43, 46.48, 46.58, 46.58, 46.58, 46.61, 46.61, 46.61, 46.61, 46.61, 46.52, 46.85, 46.85, 46.85, 46.85, 46.85, 45.88, 45.55];
    pub const MIN5: [f64; 30] = [NAN, NAN, NAN, NAN, 43.31, 43.31, 43.31, 43.31, 44.23, 44.63, 44.8, 45.32, 45.31, 45.31, 45.31, 45.31, 45.31, 45.7, 45.7, 45.54, 45.54, 45.54, 45.54, 45.54, 45.48, 45.25, 43.83, 43.83, 43.83, 43.83];
    pub const STD10: [f64; 30] = [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0.772404686677, 0.822644516179, 0.829455242915, 0.770885205462, 0.589312311088, 0.466072955663, 0.358358758788, 0.257301379709, 0.224198572698, 0.218359794834, 0.255673620071, 0.255047054482, 0.26000192307, 0.242571638903, 0.259730629692, 0.271955878774, 0.347972700079, 0.686356321454, 0.805491154514, 0.868110592033, 0.895234606123];
    pub const ROC3: [f64; 30] = [NAN, NAN, NAN, -1.64636896707, 0.544341120435, 1.54020385051, 3.4166475579, 2.45883149109, 2.25295561008, 2.17294900222, 1.03478643769, 0.414485165794, -1.01996527778, 0.849858356941, 0.543124049533, 0.855075641307, -0.540190146932, 0.280898876404, 0.478260869565, -0.847273517271, -0.430941607412, 0.0649069666811, 0.153374233129, 0.519368102142, -1.01621621622, -0.787573835047, -5.20990312164, -3.49497597204, -2.49173098126, 1.22643652055];
}

#[test]
fn matches_talib() {
    use talib::*;
    let tol = 1e-9;
    assert_close(&sma(&C, 5), &SMA5, tol);
    assert_close(&ema(&C, 5), &EMA5, tol);
    assert_close(&rsi(&C, 14), &RSI14, tol);
    let m = macd(&C, 5, 10, 4);
    assert_close(&m.line, &MACD_LINE, tol);
    assert_close(&m.signal, &MACD_SIGNAL, tol);
    assert_close(&m.hist, &MACD_HIST, tol);
    let b = bollinger(&C, 10, 2.0);
    assert_close(&b.upper, &BB_UPPER, tol);
    assert_close(&b.mid, &BB_MID, tol);
    assert_close(&b.lower, &BB_LOWER, tol);
    assert_close(&true_range(&H, &L, &C), &TRANGE, tol);
    assert_close(&atr(&H, &L, &C, 5), &ATR5, tol);
    let ch = donchian(&H, &L, 5);
    assert_close(&ch.upper, &MAX5, tol);
    assert_close(&ch.lower, &MIN5, tol);
    assert_close(&rolling_std(&C, 10), &STD10, tol);
    assert_close(&roc(&C, 3), &ROC3, tol);
}
