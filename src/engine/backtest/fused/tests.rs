//! The fused path against the generic one (`Strategy::targets`, `simulate`, the metrics), bit
//! for bit (`f64::to_bits`): every metric, every trade, the equity and position series. On
//! real market data (data/sample, tests/fixtures) and random walks, for every built-in
//! strategy and every setting that changes the loop, one combination at a time and many
//! together, in chunks of the production size and in tiny ones (chunk edges everywhere).

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::engine::backtest::config::{FillMode, Sizing};
use crate::engine::backtest::metrics::check::of_run;
use crate::engine::backtest::metrics::METRIC_NAMES;
use crate::engine::backtest::{simulate as generic_simulate, simulate_metrics as generic_metrics, Trade};
use crate::engine::data::load::load_file;
use crate::engine::data::synth::random_walk;
use crate::engine::strategy::{self, Strategy as Trading};

const PPY: f64 = 8_760.0;

fn real(rel: &str) -> Bars {
    load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap().bars
}

/// The generic strategy and the fused spec of one built-in with `pairs`, both from the
/// registry's own resolution of the parameters.
fn both(name: &str, pairs: &[(&str, &str)]) -> (Box<dyn Trading>, Spec) {
    let given: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (s, params) = strategy::build(name, &given).unwrap();
    let spec = Spec::of(name, &params).expect("a built-in has a fused spec");
    (s, spec)
}

/// Parameter sets that trade often on hourly and daily data, per strategy.
fn cases() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        ("buy_and_hold", vec![]),
        ("sma_cross", vec![("fast", "5"), ("slow", "20")]),
        ("sma_cross", vec![("fast", "1"), ("slow", "60")]),
        ("sma_cross", vec![("fast", "20"), ("slow", "100")]),
        ("ema_cross", vec![("fast", "5"), ("slow", "20")]),
        ("ema_cross", vec![("fast", "1"), ("slow", "2")]),
        ("macd_cross", vec![("fast", "12"), ("slow", "26"), ("signal", "9")]),
        ("macd_cross", vec![("fast", "5"), ("slow", "13"), ("signal", "1")]),
        ("rsi_reversion", vec![("period", "7"), ("lower", "35"), ("upper", "65")]),
        ("rsi_reversion", vec![("period", "14"), ("lower", "30"), ("upper", "70")]),
        ("bollinger_reversion", vec![("period", "10"), ("k", "1.5")]),
        ("bollinger_reversion", vec![("period", "20"), ("k", "2")]),
        ("donchian_breakout", vec![("period", "10")]),
        ("donchian_breakout", vec![("period", "1")]),
    ]
}

/// Every setting that picks another loop or another branch of the book.
fn configs() -> Vec<BacktestConfig> {
    let mut out = Vec::new();
    for fill in [FillMode::NextOpen, FillMode::Close] {
        for allow_short in [false, true] {
            for close_at_end in [false, true] {
                out.push(BacktestConfig {
                    fill,
                    allow_short,
                    close_at_end,
                    fee_bps: 10.0,
                    slippage_bps: 3.0,
                    ..BacktestConfig::default()
                });
            }
        }
    }
    // Free trading; fixed quantities too big to afford at times (entries refused and retried
    // bar after bar); whole units with little cash; a partial fraction.
    let base = BacktestConfig { fee_bps: 0.0, ..BacktestConfig::default() };
    out.push(base.clone());
    out.push(BacktestConfig { sizing: Sizing::Qty(150.0), allow_short: true, ..base.clone() });
    out.push(BacktestConfig { cash: 150.0, whole_units: true, fee_bps: 25.0, ..base.clone() });
    out.push(BacktestConfig { sizing: Sizing::Fraction(0.3), fill: FillMode::Close, ..base });
    out
}

fn metric_bits(m: &Metrics) -> Vec<(&'static str, Option<u64>)> {
    METRIC_NAMES.iter().map(|n| (*n, m.get(n).map(f64::to_bits))).collect()
}

fn trade_bits(t: &Trade) -> impl PartialEq + std::fmt::Debug {
    (
        (t.side, t.entry_bar, t.entry_ts, t.exit_bar, t.exit_ts, t.open),
        [t.entry_price, t.exit_price, t.qty, t.fees, t.pnl, t.ret].map(f64::to_bits),
    )
}

fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// The fused run equals the generic one: series, trades, fees, and the metrics a run records.
fn check_run(what: &str, bars: &Bars, s: &dyn Trading, spec: &Spec, cfg: &BacktestConfig, chunk: usize) {
    let want = generic_simulate(bars, &s.targets(bars), cfg);
    let mut got = BacktestResult::default();
    simulate_chunked(bars, spec, cfg, &mut got, chunk);
    assert_eq!(bits(&got.equity), bits(&want.equity), "{what}: equity");
    assert_eq!(bits(&got.position), bits(&want.position), "{what}: position");
    assert_eq!(got.trades.len(), want.trades.len(), "{what}: trade count");
    for (i, (g, w)) in got.trades.iter().zip(&want.trades).enumerate() {
        assert_eq!(trade_bits(g), trade_bits(w), "{what}: trade {i}");
    }
    assert_eq!(got.total_fees.to_bits(), want.total_fees.to_bits(), "{what}: total fees");
    assert_eq!(got.initial_cash.to_bits(), want.initial_cash.to_bits(), "{what}: initial cash");
}

/// The metrics a run records (`compute` over the stored series) and the sweep's.
fn run_metrics(bars: &Bars, s: &dyn Trading, cfg: &BacktestConfig) -> Metrics {
    of_run(bars, &generic_simulate(bars, &s.targets(bars), cfg), PPY)
}

/// One combination at a time, then all cases in one pass: each equals its generic metrics.
fn check_all(name: &str, bars: &Bars, chunks: &[usize]) {
    let built: Vec<(Box<dyn Trading>, Spec)> = cases().iter().map(|(n, p)| both(n, p)).collect();
    let specs: Vec<Spec> = built.iter().map(|(_, sp)| *sp).collect();
    for (ci, cfg) in configs().iter().enumerate() {
        let want: Vec<Metrics> = built.iter().map(|(s, _)| run_metrics(bars, s.as_ref(), cfg)).collect();
        for &chunk in chunks {
            for ((s, spec), w) in built.iter().zip(&want) {
                let what = format!("{name} {spec:?} config {ci} chunk {chunk}");
                check_run(&what, bars, s.as_ref(), spec, cfg, chunk);
                let streamed = generic_metrics(bars, &s.targets(bars), cfg, PPY);
                assert_eq!(metric_bits(&streamed), metric_bits(w), "{what}: the generic paths differ");
            }
            let together = evaluate_chunked(bars, &specs, cfg, PPY, chunk);
            for ((spec, g), w) in specs.iter().zip(&together).zip(&want) {
                assert_eq!(metric_bits(g), metric_bits(w), "{name} {spec:?} config {ci} chunk {chunk}: metrics");
            }
        }
    }
}

#[test]
fn fused_equals_generic_on_hourly_bitcoin() {
    // 20,111 real hourly bars: five production chunks.
    let bars = real("data/sample/BTCUSD_1h.csv");
    check_all("BTCUSD_1h", &bars, &[CHUNK]);
    check_all("BTCUSD_1h[..3000]", &bars.slice(0, 3000), &[97]);
}

#[test]
fn fused_equals_generic_on_daily_stocks_and_fixtures() {
    for rel in ["data/sample/AAPL.csv", "data/sample/GOOG.csv", "tests/fixtures/backtesting_py_GOOG_head.csv"] {
        check_all(rel, &real(rel), &[CHUNK, 13]);
    }
}

#[test]
fn fused_equals_generic_when_the_account_is_ruined_or_a_close_is_missing() {
    // Wild swings with shorts drive equity through zero: returns stop being defined.
    let wild = random_walk(2_000, 0, 3_600_000, 0.2, 9);
    check_all("wild walk", &wild, &[CHUNK, 5]);
    // A NaN close: every equity after it that holds a position is NaN; flat bars are not.
    let mut hole = random_walk(1_500, 0, 3_600_000, 0.01, 4);
    hole.close[700] = f64::NAN;
    check_all("walk with a NaN close", &hole, &[CHUNK, 64]);
}

/// sma_cross by bar decides from running means wherever they are far enough apart, and from
/// the kernel's SMAs elsewhere: on prices in whole cents with long flat stretches (where both
/// SMAs tie exactly and the running sums differ from them in the last bits) and around a NaN,
/// an infinite close and a sudden tripled price, every run still equals the generic one, in
/// every chunk size.
#[test]
fn sma_cross_by_bar_takes_the_kernels_side_at_ties() {
    let mut bars = random_walk(6_000, 0, 3_600_000, 0.002, 21);
    for (i, c) in bars.close.iter_mut().enumerate() {
        // Flat for 300 bars in every 1,000, at a price no binary fraction holds exactly.
        *c = if i % 1_000 >= 700 { 123.37 } else { (*c * 100.0).round() / 100.0 };
    }
    let mut holes = bars.clone();
    holes.close[2_500] = f64::NAN;
    holes.close[4_200] = f64::INFINITY;
    // A close three times the price: the chunk's largest close, and so its bound, jumps.
    holes.close[5_300] *= 3.0;
    let cfgs = [
        BacktestConfig { fee_bps: 10.0, ..BacktestConfig::default() },
        BacktestConfig { fill: FillMode::Close, allow_short: true, ..BacktestConfig::default() },
    ];
    for (name, b) in [("cents", &bars), ("cents with holes", &holes)] {
        for (fast, slow) in [("5", "20"), ("20", "100"), ("1", "2"), ("3", "700"), ("50", "6000"), ("50", "7000")] {
            let (s, spec) = both("sma_cross", &[("fast", fast), ("slow", slow)]);
            for cfg in &cfgs {
                for chunk in [CHUNK, 4, 19, 256] {
                    check_run(&format!("{name} {spec:?} chunk {chunk}"), b, s.as_ref(), &spec, cfg, chunk);
                }
            }
        }
    }
}

/// donchian_breakout by bar passes over blocks of bars its vector check finds holding: on
/// prices in whole cents (closes that tie the channel exactly), around NaN and infinite
/// highs, lows and closes, upside-down bars (high below low, so a close can be above the
/// channel and below it), and zero and negative prices, every run still equals the generic
/// one, for both fills, long-only and short, in chunks that cut blocks anywhere.
#[test]
fn donchian_by_bar_holds_only_blocks_the_generic_path_holds() {
    let mut bars = random_walk(5_000, 0, 3_600_000, 0.004, 33);
    let cents = |x: &mut f64| *x = (*x * 100.0).round() / 100.0;
    for i in 0..bars.len() {
        cents(&mut bars.close[i]);
        cents(&mut bars.high[i]);
        cents(&mut bars.low[i]);
        if i % 7 == 0 {
            // A close at the bar's high: ties with the next bar's channel where it holds.
            bars.close[i] = bars.high[i];
        }
    }
    let mut holes = bars.clone();
    holes.high[900] = f64::NAN;
    holes.low[1_400] = f64::NAN;
    holes.close[1_900] = f64::NAN;
    holes.high[2_300] = f64::INFINITY;
    holes.close[2_600] = f64::INFINITY;
    holes.close[2_601] = f64::NEG_INFINITY;
    holes.low[2_900] = f64::NEG_INFINITY;
    for i in 3_200..3_260 {
        // Upside down: high below low.
        (holes.high[i], holes.low[i]) = (holes.low[i] - 1.0, holes.high[i] + 1.0);
    }
    for i in 4_000..4_100 {
        // Through zero: prices of -0.5 to 0.5, a negative zero among them.
        holes.close[i] = ((i as f64) - 4_050.0) / 100.0;
        holes.high[i] = holes.close[i] + 0.01;
        holes.low[i] = holes.close[i] - 0.01;
    }
    holes.close[4_050] = -0.0;
    let cfgs = [
        BacktestConfig { fee_bps: 10.0, ..BacktestConfig::default() },
        BacktestConfig { allow_short: true, ..BacktestConfig::default() },
        BacktestConfig { fill: FillMode::Close, allow_short: true, ..BacktestConfig::default() },
        BacktestConfig { fill: FillMode::Close, ..BacktestConfig::default() },
    ];
    for (name, b) in [("cents", &bars), ("cents with holes", &holes)] {
        for period in ["1", "2", "9", "20", "300"] {
            let (s, spec) = both("donchian_breakout", &[("period", period)]);
            for cfg in &cfgs {
                for chunk in [CHUNK, 9, 17, 64, 1_000] {
                    check_run(&format!("{name} {spec:?} chunk {chunk}"), b, s.as_ref(), &spec, cfg, chunk);
                }
            }
        }
    }
}

#[test]
fn a_result_reused_from_a_longer_or_shorter_run_is_written_over_whole() {
    // `simulate_into` keeps the buffers it is given: none of their old values may survive,
    // whether they held more bars, fewer, or as many.
    let long = random_walk(6_000, 0, 3_600_000, 0.01, 7);
    let cfg = BacktestConfig { fee_bps: 10.0, ..BacktestConfig::default() };
    for (name, pairs) in cases() {
        let (_, spec) = both(name, &pairs);
        for n in [3_000, 6_000, 5_000] {
            let bars = long.slice(0, n);
            let fresh = simulate(&bars, &spec, &cfg);
            for before in [0, 2_000, 6_000, n] {
                let mut out = simulate(&long.slice(0, before), &spec, &cfg);
                out.equity.iter_mut().for_each(|e| *e = -1.0);
                simulate_into(&bars, &spec, &cfg, &mut out);
                let what = format!("{spec:?}: {n} bars into a result of {before}");
                assert_eq!(bits(&out.equity), bits(&fresh.equity), "{what}: equity");
                assert_eq!(bits(&out.position), bits(&fresh.position), "{what}: position");
                assert_eq!(out.trades.len(), fresh.trades.len(), "{what}: trades");
            }
        }
    }
}

#[test]
fn empty_and_one_bar_series() {
    for n in [0, 1, 2] {
        let bars = random_walk(n, 0, 60_000, 0.01, 1);
        check_all(&format!("{n} bars"), &bars, &[CHUNK]);
    }
}

fn any_case() -> impl proptest::strategy::Strategy<Value = (String, Vec<(String, String)>)> {
    let period = || 1usize..60;
    prop_oneof![
        (period(), period()).prop_map(|(a, b)| ("sma_cross".to_string(), vec![("fast".into(), a.min(b).to_string()), ("slow".into(), (a.max(b) + 1).to_string())])),
        (period(), period()).prop_map(|(a, b)| ("ema_cross".to_string(), vec![("fast".into(), a.min(b).to_string()), ("slow".into(), (a.max(b) + 1).to_string())])),
        (period(), period(), 1usize..20).prop_map(|(a, b, s)| ("macd_cross".to_string(), vec![("fast".into(), a.min(b).to_string()), ("slow".into(), (a.max(b) + 1).to_string()), ("signal".into(), s.to_string())])),
        (period(), 5.0..50.0f64, 0.0..45.0f64).prop_map(|(p, lo, gap)| ("rsi_reversion".to_string(), vec![("period".into(), p.to_string()), ("lower".into(), lo.to_string()), ("upper".into(), (lo + gap + 0.5).to_string())])),
        (period(), 0.1..4.0f64).prop_map(|(p, k)| ("bollinger_reversion".to_string(), vec![("period".into(), p.to_string()), ("k".into(), k.to_string())])),
        period().prop_map(|p| ("donchian_breakout".to_string(), vec![("period".into(), p.to_string())])),
    ]
}

fn any_config() -> impl proptest::strategy::Strategy<Value = BacktestConfig> {
    (any::<bool>(), any::<bool>(), any::<bool>(), 0.0..50.0f64, 0.0..20.0f64, prop_oneof![Just(None), (1.0..400.0f64).prop_map(Some)], any::<bool>())
        .prop_map(|(next_open, allow_short, close_at_end, fee_bps, slippage_bps, qty, whole_units)| BacktestConfig {
            fill: if next_open { FillMode::NextOpen } else { FillMode::Close },
            allow_short,
            close_at_end,
            fee_bps,
            slippage_bps,
            sizing: qty.map_or(Sizing::Fraction(1.0), Sizing::Qty),
            whole_units,
            ..BacktestConfig::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random walks of random length and volatility, any strategy and parameters, any config,
    /// any chunk size: the fused run and metrics equal the generic ones bit for bit.
    #[test]
    fn fused_equals_generic_on_random_walks(
        (name, pairs) in any_case(),
        cfg in any_config(),
        n in 1usize..2_500,
        vol in 0.001..0.08f64,
        seed in any::<u64>(),
        chunk in prop_oneof![Just(CHUNK), 1usize..300],
    ) {
        let bars = random_walk(n, 1_600_000_000_000, 3_600_000, vol, seed);
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (s, spec) = both(&name, &pairs);
        check_run(&format!("{name} {pairs:?}"), &bars, s.as_ref(), &spec, &cfg, chunk);
        let want = run_metrics(&bars, s.as_ref(), &cfg);
        let got = evaluate_chunked(&bars, &[spec, spec], &cfg, PPY, chunk);
        prop_assert_eq!(metric_bits(&got[0]), metric_bits(&want));
        prop_assert_eq!(metric_bits(&got[1]), metric_bits(&want));
    }
}

#[test]
fn spec_of_knows_every_built_in_and_nothing_else() {
    for info in strategy::catalogue() {
        let (_, params) = strategy::build(info.name, &BTreeMap::new()).unwrap();
        assert!(Spec::of(info.name, &params).is_some(), "{}", info.name);
    }
    assert_eq!(Spec::of("probe", &BTreeMap::new()), None);
    assert_eq!(Spec::of("sma_cross", &BTreeMap::from([("fast".to_string(), 3.0)])), None);
}
