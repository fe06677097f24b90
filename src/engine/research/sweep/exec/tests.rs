//! A sweep computes each distinct indicator once for the whole grid and shares it.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use super::*;
use crate::engine::data::synth::random_walk;
use crate::engine::strategy::Key;

/// Every valid combination of sma_cross over fast x slow, as a sweep builds them.
fn grid(fast: &[u32], slow: &[u32]) -> Vec<(Params, Box<dyn Strategy>)> {
    let mut out = Vec::new();
    for f in fast {
        for s in slow {
            let given =
                BTreeMap::from([("fast".to_string(), f.to_string()), ("slow".to_string(), s.to_string())]);
            if let Ok((strat, params)) = strategy::build("sma_cross", &given) {
                out.push((params, strat));
            }
        }
    }
    out
}

/// Wraps a strategy and records, for each series it reads, the address of the data it was
/// handed: combinations that share a computed series see the same address.
struct Probe {
    inner: Box<dyn Strategy>,
    seen: Arc<Mutex<Vec<(Key, usize)>>>,
}

impl Strategy for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }
    fn needs(&self) -> Vec<Key> {
        self.inner.needs()
    }
    fn decide(&self, bars: &Bars, inputs: &Inputs) -> Vec<strategy::Target> {
        for k in self.needs() {
            self.seen.lock().unwrap().push((k, inputs.line(k).as_ptr() as usize));
        }
        self.inner.decide(bars, inputs)
    }
}

#[test]
fn each_distinct_indicator_is_computed_once_for_the_grid() {
    let bars = random_walk(2_000, 0, 3_600_000, 0.01, 3);
    // fast 5,10,20 x slow 20,50; (20,20) is refused: 5 combinations reading 10 series, of
    // which only SMA(5), SMA(10), SMA(20), SMA(50) are distinct (SMA(20) is a fast in one
    // combination and a slow in others).
    let built = grid(&[5, 10, 20], &[20, 50]);
    let combos: Vec<(usize, &Params, &dyn Strategy)> =
        built.iter().enumerate().map(|(i, (p, s))| (i, p, s.as_ref())).collect();
    assert_eq!(combos.len(), 5);
    let needs: Vec<_> = combos.iter().flat_map(|(_, _, s)| s.needs()).collect();
    let distinct: HashSet<_> = needs.iter().copied().collect();
    assert_eq!((needs.len(), distinct.len()), (10, 4));
    let inputs = shared_inputs(&bars, &combos);
    assert_eq!(inputs.len(), distinct.len(), "one computed series per distinct key");

    // Through the sweep's own evaluation: every combination reading SMA(20) reads the same
    // series, so 10 reads touch 4 series.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let probes: Vec<Probe> = grid(&[5, 10, 20], &[20, 50])
        .into_iter()
        .map(|(_, inner)| Probe { inner, seen: seen.clone() })
        .collect();
    let probed: Vec<(usize, &Params, &dyn Strategy)> =
        probes.iter().zip(&built).enumerate().map(|(i, (s, (p, _)))| (i, p, s as &dyn Strategy)).collect();
    let cfg = BacktestConfig::default();
    evaluate_all(&bars, &probed, &cfg, 8_760.0, "sharpe", 2, &|_, _| {}).unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 10);
    let series: HashSet<usize> = seen.iter().map(|(_, addr)| *addr).collect();
    let pairs: HashSet<(Key, usize)> = seen.iter().copied().collect();
    assert_eq!((series.len(), pairs.len()), (4, 4), "one series per key, shared: {seen:?}");

    // Sharing changes nothing: every combination scores as it would in a run of its own.
    let cfg = BacktestConfig { fee_bps: 10.0, ..BacktestConfig::default() };
    let ranked = evaluate_all(&bars, &combos, &cfg, 8_760.0, "sharpe", 2, &|_, _| {}).unwrap();
    for (c, (_, _, s)) in ranked.iter().zip(&combos) {
        assert_eq!(c.metrics, simulate_metrics(&bars, &s.targets(&bars), &cfg, 8_760.0), "{:?}", c.params);
    }
}

/// Every built-in strategy's sweep (fused, in groups, on two workers) scores each combination
/// exactly as a single run of it records: every metric to the bit, for each fill mode and
/// shorting rule.
#[test]
fn sweep_equals_a_run_of_each_combination_for_every_built_in() {
    use crate::engine::backtest::metrics::check::{bits, of_run};
    use crate::engine::backtest::{simulate, FillMode};
    let bars = random_walk(6_000, 0, 3_600_000, 0.01, 21);
    /// A strategy's grid: each parameter with its values.
    type Grid = &'static [(&'static str, &'static [&'static str])];
    let grids: [(&str, Grid); 7] = [
        ("sma_cross", &[("fast", &["1", "5", "9"]), ("slow", &["10", "30"])]),
        ("ema_cross", &[("fast", &["1", "5", "9"]), ("slow", &["10", "30"])]),
        ("macd_cross", &[("fast", &["5", "12"]), ("slow", &["26"]), ("signal", &["1", "9"])]),
        ("rsi_reversion", &[("period", &["7", "14"]), ("lower", &["30", "40"]), ("upper", &["60", "70"])]),
        ("bollinger_reversion", &[("period", &["10", "20"]), ("k", &["1", "2.5"])]),
        ("donchian_breakout", &[("period", &["1", "5", "20", "100"])]),
        ("buy_and_hold", &[]),
    ];
    for (name, axes) in grids {
        // Every point of the grid, as the sweep builds them.
        let mut points: Vec<BTreeMap<String, String>> = vec![BTreeMap::new()];
        for (axis, values) in axes {
            points = points
                .into_iter()
                .flat_map(|p| values.iter().map(move |v| {
                    let mut p = p.clone();
                    p.insert(axis.to_string(), v.to_string());
                    p
                }))
                .collect();
        }
        let built: Vec<(Params, Box<dyn Strategy>)> = points
            .iter()
            .filter_map(|p| strategy::build(name, p).ok())
            .map(|(s, params)| (params, s))
            .collect();
        let combos: Vec<(usize, &Params, &dyn Strategy)> =
            built.iter().enumerate().map(|(i, (p, s))| (i, p, s.as_ref())).collect();
        for (fill, allow_short) in [(FillMode::NextOpen, false), (FillMode::Close, true)] {
            let cfg = BacktestConfig { fill, allow_short, fee_bps: 10.0, slippage_bps: 2.0, ..BacktestConfig::default() };
            let ranked = evaluate_all(&bars, &combos, &cfg, 8_760.0, "sharpe", 2, &|_, _| {}).unwrap();
            assert_eq!(ranked.len(), combos.len(), "{name}");
            for (c, (_, p, s)) in ranked.iter().zip(&combos) {
                assert_eq!(&c.params, *p);
                let run = of_run(&bars, &simulate(&bars, &s.targets(&bars), &cfg), 8_760.0);
                assert_eq!(bits(&c.metrics), bits(&run), "{name} {p:?} {fill:?} short={allow_short}");
            }
        }
    }
}
