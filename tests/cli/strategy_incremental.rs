//! Every built-in strategy's incremental form (what paper and live sessions follow) decides the
//! same target as its whole-series form on every bar: on real data (hourly bitcoin, four daily
//! stocks) for several parameter sets each, through the follower a resumed session uses, and
//! on random walks with flat stretches and ties, where thresholds are met exactly.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use quantlab::engine::data::load::load_file;
use quantlab::engine::data::Bars;
use quantlab::engine::strategy::follow::Follower;
use quantlab::engine::strategy::{build, catalogue, Bar, Strategy};

fn sample(file: &str) -> Bars {
    load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample").join(file)).unwrap().bars
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Parameter sets per strategy: the defaults, short and long windows, the extremes of what a
/// window can be (1, 2) and thresholds near and far from the middle.
fn parameter_sets(name: &str) -> Vec<BTreeMap<String, String>> {
    let sets: &[&[(&str, &str)]] = match name {
        "sma_cross" | "ema_cross" => &[
            &[],
            &[("fast", "5"), ("slow", "20")],
            &[("fast", "1"), ("slow", "2")],
            &[("fast", "50"), ("slow", "200")],
        ],
        "macd_cross" => &[
            &[],
            &[("fast", "5"), ("slow", "13"), ("signal", "4")],
            &[("fast", "1"), ("slow", "2"), ("signal", "1")],
            &[("fast", "24"), ("slow", "52"), ("signal", "18")],
        ],
        "rsi_reversion" => &[
            &[],
            &[("period", "7"), ("lower", "35"), ("upper", "65")],
            &[("period", "2"), ("lower", "10"), ("upper", "90")],
            &[("period", "30"), ("lower", "45"), ("upper", "55")],
        ],
        "bollinger_reversion" => &[
            &[],
            &[("period", "10"), ("k", "1.5")],
            &[("period", "2"), ("k", "0.5")],
            &[("period", "60"), ("k", "3")],
        ],
        "donchian_breakout" => &[&[], &[("period", "1")], &[("period", "5")], &[("period", "120")]],
        _ => &[&[]],
    };
    sets.iter().map(|s| params(s)).collect()
}

/// The incremental targets, one bar at a time from the first.
fn one_by_one(strat: &dyn Strategy, bars: &Bars) -> Vec<i8> {
    let mut inc = strat.incremental().unwrap_or_else(|| panic!("{} has no incremental form", strat.name()));
    (0..bars.len()).map(|t| inc.update(&Bar::of(bars, t))).collect()
}

fn first_difference(a: &[i8], b: &[i8]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x != y).or((a.len() != b.len()).then_some(a.len().min(b.len())))
}

#[test]
fn every_builtin_has_an_incremental_form() {
    for s in catalogue() {
        let (strat, _) = build(s.name, &BTreeMap::new()).unwrap();
        assert!(strat.incremental().is_some(), "{} has no incremental form", s.name);
        assert!(Follower::new(strat).is_incremental(), "{}", s.name);
    }
}

#[test]
fn incremental_targets_equal_the_whole_series_targets_on_real_data() {
    let data = [
        ("BTCUSD_1h", sample("BTCUSD_1h.csv")),
        ("AAPL", sample("AAPL.csv")),
        ("MSFT", sample("MSFT.csv")),
        ("GOOG", sample("GOOG.csv")),
        ("IBM", sample("IBM.csv")),
    ];
    assert!(data[0].1.len() > 20_000);
    let mut compared = 0usize;
    for s in catalogue() {
        let mut changes = 0;
        for given in parameter_sets(s.name) {
            let (strat, _) = build(s.name, &given).unwrap();
            for (what, bars) in &data {
                let whole = strat.targets(bars);
                let inc = one_by_one(&*strat, bars);
                if let Some(t) = first_difference(&whole, &inc) {
                    panic!(
                        "{} {given:?} on {what}: bar {t}: whole {:?}, incremental {:?}",
                        s.name,
                        whole.get(t),
                        inc.get(t)
                    );
                }
                changes += whole.windows(2).filter(|w| w[0] != w[1]).count();
                compared += bars.len();
            }
        }
        // Positions that never change would compare nothing but the warm-up.
        if s.name != "buy_and_hold" {
            assert!(changes > 200, "{} changed position only {changes} times", s.name);
        }
    }
    assert!(compared > 800_000, "{compared} bars compared");
}

#[test]
fn a_follower_resumed_mid_series_decides_as_the_whole_series() {
    // A resumed session: the feed holds the bars before the snapshot as history; the first bar
    // asked for catches the state up in one pass, then each bar is taken once.
    let bars = sample("BTCUSD_1h.csv");
    for s in catalogue() {
        for given in parameter_sets(s.name) {
            let (strat, _) = build(s.name, &given).unwrap();
            let whole = strat.targets(&bars);
            let mut f = Follower::new(strat);
            for t in (7_000..bars.len()).step_by(3) {
                assert_eq!(f.target_at(&bars, t), Ok(whole[t]), "{} {given:?} at bar {t}", s.name);
            }
        }
    }
}

/// Random bars: a walk in quarter steps (exact ties between averages), flat stretches (zero
/// variance, RSI's 0/0) and wide or zero ranges.
fn walk() -> impl proptest::strategy::Strategy<Value = Bars> {
    prop::collection::vec((0u8..8, -4i32..=4, 0u8..4), 2..600).prop_map(|steps| {
        let mut b = Bars::default();
        let mut p = 100.0f64;
        for (i, (kind, step, range)) in steps.into_iter().enumerate() {
            if kind > 1 {
                p = (p + f64::from(step) * 0.25).max(1.0);
            }
            let r = f64::from(range) * 0.5;
            b.push(i as i64 * 3_600_000, p, p + r, p - r, p, 1.0);
        }
        b
    })
}

/// Parameters for strategy `name` from random numbers, within what each accepts.
fn random_params(name: &str, (a, b, c, lo, k): (u32, u32, u32, u32, u32)) -> BTreeMap<String, String> {
    let (slow, upper) = (a + b, (lo + 1 + b).min(100));
    let p: Vec<(&str, String)> = match name {
        "sma_cross" | "ema_cross" => vec![("fast", a.to_string()), ("slow", slow.to_string())],
        "macd_cross" => vec![("fast", a.to_string()), ("slow", slow.to_string()), ("signal", c.to_string())],
        "rsi_reversion" => {
            vec![("period", a.to_string()), ("lower", lo.to_string()), ("upper", upper.to_string())]
        }
        "bollinger_reversion" => vec![("period", a.to_string()), ("k", format!("{}", f64::from(k) / 10.0))],
        "donchian_breakout" => vec![("period", a.to_string())],
        _ => vec![],
    };
    p.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn incremental_targets_equal_the_whole_series_targets_on_random_walks(
        bars in walk(),
        which in 0usize..7,
        numbers in (1u32..12, 1u32..30, 1u32..10, 0u32..50, 1u32..40),
    ) {
        let name = catalogue()[which].name;
        let given = random_params(name, numbers);
        let (strat, _) = build(name, &given).unwrap();
        let whole = strat.targets(&bars);
        let inc = one_by_one(&*strat, &bars);
        prop_assert_eq!(first_difference(&whole, &inc), None, "{} {:?}", name, given);
    }
}
