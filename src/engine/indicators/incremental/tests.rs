//! Each incremental indicator against its whole-series kernel, bar by bar and bit for bit: on
//! real hourly bitcoin data and on random series with flat stretches, equal neighbours and NaN.

use proptest::prelude::*;

use super::*;
use crate::engine::indicators as kernel;

/// Same bits, or both NaN (a NaN's payload is not a value).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn assert_same(what: &str, whole: &[f64], one_by_one: &[f64]) {
    assert_eq!(whole.len(), one_by_one.len(), "{what}");
    for (i, (a, b)) in whole.iter().zip(one_by_one).enumerate() {
        assert!(
            same(*a, *b),
            "{what} differs at {i}: whole {a:?} ({:#x}), incremental {b:?} ({:#x})",
            a.to_bits(),
            b.to_bits()
        );
    }
}

#[derive(Debug)]
struct Hlc {
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

fn btc() -> Hlc {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/BTCUSD_1h.csv");
    let b = crate::engine::data::load::load_file(&p).unwrap().bars;
    Hlc { high: b.high, low: b.low, close: b.close }
}

fn check_all(x: &Hlc, periods: &[usize]) {
    let c = &x.close;
    for &n in periods {
        let mut w = WindowMoments::new(n);
        let (mut mean, mut sd) = (vec![], vec![]);
        for &v in c {
            let m = w.update(v);
            mean.push(m.map_or(f64::NAN, |m| m.0));
            sd.push(m.map_or(f64::NAN, |m| m.1.sqrt()));
        }
        assert_same(&format!("sma({n})"), &kernel::sma(c, n), &mean);
        assert_same(&format!("std({n})"), &kernel::rolling_std(c, n), &sd);
        for k in [0.5, 2.0, 2.7] {
            let whole = kernel::bollinger(c, n, k);
            let mut b = Bollinger::new(n, k);
            let pts: Vec<_> = c.iter().map(|&v| b.update(v)).collect();
            assert_same("bollinger mid", &whole.mid, &pts.iter().map(|p| p.mid).collect::<Vec<_>>());
            assert_same("bollinger upper", &whole.upper, &pts.iter().map(|p| p.upper).collect::<Vec<_>>());
            assert_same("bollinger lower", &whole.lower, &pts.iter().map(|p| p.lower).collect::<Vec<_>>());
        }
        let mut e = Ema::new(n);
        assert_same(
            &format!("ema({n})"),
            &kernel::ema(c, n),
            &c.iter().map(|&v| e.update(v)).collect::<Vec<_>>(),
        );
        let mut r = Rsi::new(n);
        assert_same(
            &format!("rsi({n})"),
            &kernel::rsi(c, n),
            &c.iter().map(|&v| r.update(v)).collect::<Vec<_>>(),
        );
        let mut a = Atr::new(n);
        let one: Vec<f64> = (0..c.len()).map(|i| a.update(x.high[i], x.low[i], c[i])).collect();
        assert_same(&format!("atr({n})"), &kernel::atr(&x.high, &x.low, c, n), &one);
        let whole = kernel::donchian(&x.high, &x.low, n);
        let mut d = Donchian::new(n);
        let one: Vec<(f64, f64)> = (0..c.len()).map(|i| d.update(x.high[i], x.low[i])).collect();
        assert_same("donchian upper", &whole.upper, &one.iter().map(|p| p.0).collect::<Vec<_>>());
        assert_same("donchian lower", &whole.lower, &one.iter().map(|p| p.1).collect::<Vec<_>>());
    }
    for (f, s, g) in
        [(12, 26, 9), (5, 13, 4), (3, 3, 1), (26, 12, 9), (1, 2, 1), (8, 40, 20), (0, 5, 3), (4, 9, 0)]
    {
        let whole = kernel::macd(c, f, s, g);
        let mut m = Macd::new(f, s, g);
        let pts: Vec<_> = c.iter().map(|&v| m.update(v)).collect();
        let what = format!("macd({f},{s},{g})");
        assert_same(&what, &whole.line, &pts.iter().map(|p| p.line).collect::<Vec<_>>());
        assert_same(&what, &whole.signal, &pts.iter().map(|p| p.signal).collect::<Vec<_>>());
        assert_same(&what, &whole.hist, &pts.iter().map(|p| p.hist).collect::<Vec<_>>());
    }
}

#[test]
fn every_incremental_indicator_equals_its_kernel_bit_for_bit_on_real_data() {
    let x = btc();
    assert!(x.close.len() > 20_000);
    check_all(&x, &[0, 1, 2, 3, 7, 14, 20, 50, 200, 1000]);
}

#[test]
fn a_period_longer_than_the_series_gives_nan_throughout() {
    let x = btc();
    let short = Hlc { high: x.high[..30].to_vec(), low: x.low[..30].to_vec(), close: x.close[..30].to_vec() };
    check_all(&short, &[29, 30, 31, 100]);
}

#[test]
fn an_ema_seeded_with_negative_zeros_keeps_the_kernels_sign() {
    // The kernel's seed is `Iterator::sum`; a running sum from +0.0 would give +0.0 here.
    let x = [-0.0, -0.0, 1.0, -0.0];
    let mut e = Ema::new(2);
    assert_same("ema(2)", &kernel::ema(&x, 2), &x.iter().map(|&v| e.update(v)).collect::<Vec<_>>());
}

/// A random series: a walk with flat stretches (equal values, zero variance), exact repeats
/// and, when asked, NaN.
fn series(nan: bool) -> impl Strategy<Value = Hlc> {
    prop::collection::vec((0u8..10, -3.0f64..3.0, 0.0f64..2.0), 1..400).prop_map(move |steps| {
        let (mut high, mut low, mut close) = (vec![], vec![], vec![]);
        let mut p = 100.0f64;
        for (kind, step, range) in steps {
            match kind {
                0 | 1 => {}                           // flat: the same close again
                2 if nan => p = f64::NAN,             // a hole
                3 if p.is_nan() => p = 100.0,         // back after a hole
                _ => p += (step * 4.0).round() / 4.0, // quarter steps: exact ties
            }
            close.push(p);
            high.push(p + range);
            low.push(p - range);
        }
        Hlc { high, low, close }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn incremental_indicators_equal_their_kernels_on_random_walks(x in series(false)) {
        check_all(&x, &[1, 2, 3, 5, 8, 13]);
    }

    #[test]
    fn incremental_indicators_equal_their_kernels_with_nan_in_the_series(x in series(true)) {
        check_all(&x, &[1, 2, 3, 5, 8]);
    }
}
