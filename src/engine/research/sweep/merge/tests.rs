//! The shard format round-trips every finite f64 bit for bit: what a shard writes into its
//! folder is what `merge` reads back, and what the merged sweep holds.

use std::time::Instant;

use proptest::prelude::*;

use super::*;
use crate::engine::backtest::metrics::{Metrics, METRIC_NAMES};
use crate::engine::backtest::BacktestConfig;
use crate::engine::research::report::DataRef;
use crate::engine::research::sweep::exec::rank_all;
use crate::engine::research::sweep::types::{Combination, Shard};
use crate::engine::research::sweep::{assemble, write};

/// f64 fields of [`Metrics`], plus one parameter: the values one combination takes.
const PER_COMBINATION: usize = 20;

fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

/// Metrics whose every f64 field is the next of `v`, in declaration order.
fn metrics(v: &[f64]) -> Metrics {
    let mut v = v.iter().copied();
    let mut f = || v.next().unwrap();
    Metrics {
        bars: 100,
        start_ts: 0,
        end_ts: 3_600_000,
        initial_cash: f(),
        final_equity: f(),
        total_return: f(),
        cagr: Some(f()),
        volatility_ann: Some(f()),
        sharpe: Some(f()),
        sortino: Some(f()),
        max_drawdown: f(),
        max_drawdown_duration_bars: 3,
        max_drawdown_duration_days: f(),
        calmar: Some(f()),
        trade_count: 51,
        open_trades: 0,
        win_rate: Some(f()),
        profit_factor: Some(f()),
        expectancy: Some(f()),
        avg_trade_return: Some(f()),
        best_trade_return: Some(f()),
        worst_trade_return: Some(f()),
        exposure: f(),
        buy_and_hold_return: f(),
        total_fees: f(),
    }
}

/// A one-shard sweep (shard 0/1) over `values`, written into `ws` with its manifest, as
/// `quantlab sweep --shard` writes it; returns its folder and the report as computed.
fn written_shard(ws: &Workspace, values: &[f64]) -> (std::path::PathBuf, SweepReport) {
    let evaluated: Vec<(usize, crate::engine::strategy::Params, Metrics)> = values
        .chunks_exact(PER_COMBINATION)
        .enumerate()
        .map(|(i, v)| (i, [("fast".to_string(), v[0])].into(), metrics(&v[1..])))
        .collect();
    let n = evaluated.len();
    let config = SweepConfig {
        strategy: "sma_cross".into(),
        grid: vec![("fast".into(), evaluated.iter().map(|(_, p, _)| p["fast"]).collect())],
        constraints: Vec::new(),
        objective: "sharpe".into(),
        backtest: BacktestConfig::default(),
        start: None,
        end: None,
        periods_per_year: 8766.0,
        save_top: None,
    };
    let data = DataRef {
        id: None,
        path: "bars.parquet".into(),
        symbol: "SYN".into(),
        timeframe: "1h".into(),
        fingerprint: "f".into(),
        rows: 100,
        first: None,
        last: None,
    };
    let shard = Shard { index: 0, count: 1 };
    let combos = rank_all(evaluated, "sharpe");
    let mut r = assemble(config, data, n, 0, Some(shard.clone()), Vec::new(), 1, combos, None);
    write(ws, &mut r, Instant::now()).unwrap();
    manifest::write(ws, &r, &shard).unwrap();
    (ws.root().join("sweeps").join(&r.sweep_id), r)
}

/// Every float of every combination, as bits: the parameter, the objective, each metric.
fn bits(combos: &[Combination]) -> Vec<Option<u64>> {
    combos
        .iter()
        .flat_map(|c| {
            let params = c.params.values().map(|v| Some(v.to_bits()));
            let metrics = METRIC_NAMES.iter().map(|m| c.metrics.get(m).map(f64::to_bits));
            params.chain([c.objective.map(f64::to_bits)]).chain(metrics).collect::<Vec<_>>()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any finite f64 a shard writes comes back from its folder bit for bit, and the sweep
    /// merged from it holds the same bits.
    #[test]
    fn shard_floats_survive_the_merge_bit_for_bit(
        values in prop::collection::vec(finite(), PER_COMBINATION..=8 * PER_COMBINATION)
    ) {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (dir, written) = written_shard(&Workspace::at(a.path()), &values);
        let read = read_shard(&dir).unwrap();
        prop_assert_eq!(bits(&read.combinations), bits(&written.combinations));
        let merged = merge(&Workspace::at(b.path()), &[&dir]).unwrap();
        prop_assert_eq!(bits(&merged.combinations), bits(&written.combinations));
    }
}

/// The case: a win rate of 23/51 read back through a float parser that does not
/// round-trip came back one bit short (0.4509803921568627).
#[test]
fn the_reported_win_rate_survives_the_merge() {
    let x = 23.0 / 51.0;
    assert_eq!(x.to_string(), "0.45098039215686275");
    let mut values = vec![0.5; PER_COMBINATION];
    values[1 + 10] = x; // win_rate: the 11th float of the metrics
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (dir, written) = written_shard(&Workspace::at(a.path()), &values);
    assert_eq!(written.combinations[0].metrics.win_rate, Some(x));
    let merged = merge(&Workspace::at(b.path()), &[&dir]).unwrap();
    let back = merged.combinations[0].metrics.win_rate.unwrap();
    assert_eq!(back.to_bits(), x.to_bits(), "{x} came back as {back}");
}

/// Rewrite the shard in `dir` as `edit` makes it, with a manifest that matches (a forged but
/// consistent shard from another machine); the merge must refuse it, not panic.
fn forged(ws: &Workspace, written: &SweepReport, edit: impl FnOnce(&mut SweepReport)) -> std::path::PathBuf {
    let mut r = written.clone();
    edit(&mut r);
    let dir = ws.root().join("sweeps").join(&r.sweep_id);
    crate::engine::workspace::write_json(&dir.join("sweep.json"), &r).unwrap();
    manifest::write(ws, &r, r.shard.as_ref().unwrap()).unwrap();
    dir
}

fn refusal(dir: &std::path::Path) -> SweepError {
    let into = tempfile::tempdir().unwrap();
    let e = merge(&Workspace::at(into.path()), &[dir]).unwrap_err();
    assert!(!into.path().join("sweeps").exists(), "a refused merge wrote something");
    match e.domain::<SweepError>() {
        Some(SweepError::NotAShard { index, count }) => SweepError::NotAShard { index: *index, count: *count },
        Some(SweepError::ShardsMissing(m)) => SweepError::ShardsMissing(m.clone()),
        Some(SweepError::ForeignCombination { sweep_id, index }) => {
            SweepError::ForeignCombination { sweep_id: sweep_id.clone(), index: *index }
        }
        Some(SweepError::NotASweepConfig(id)) => SweepError::NotASweepConfig(id.clone()),
        _ => panic!("{e:?}"),
    }
}

/// Shards a sweep never writes: each was a panic, an abort or a wrong merge before the merge
/// checked what a shard holds.
#[test]
fn forged_shards_are_refused_not_panicked_on() {
    let a = tempfile::tempdir().unwrap();
    let ws = Workspace::at(a.path());
    let (_, written) = written_shard(&ws, &[0.25; 3 * PER_COMBINATION]);
    // Shard 5 of 3: indexed past the shards it counts (was an index out of bounds).
    let dir = forged(&ws, &written, |r| r.shard = Some(Shard { index: 5, count: 3 }));
    assert!(matches!(refusal(&dir), SweepError::NotAShard { index: 5, count: 3 }));
    // One of a near-infinite number of shards (was an allocation of that many flags).
    let dir = forged(&ws, &written, |r| {
        r.shard = Some(Shard { index: 0, count: usize::MAX / 2 });
        r.combinations.truncate(1); // index 0: the only one of shard 0 of so many
    });
    let e = refusal(&dir);
    let SweepError::ShardsMissing(missing) = e else { panic!("{e:?}") };
    assert_eq!(missing.len(), 21, "{missing:?}");
    assert_eq!(missing[0], format!("1/{}", usize::MAX / 2));
    // A combination without the swept parameter (was a panic writing results.csv).
    let dir = forged(&ws, &written, |r| r.combinations[1].params.clear());
    assert!(matches!(refusal(&dir), SweepError::ForeignCombination { index: 1, .. }));
    // The same combination twice in place of another (was a merged sweep missing one).
    let dir = forged(&ws, &written, |r| r.combinations[2] = r.combinations[1].clone());
    assert!(matches!(refusal(&dir), SweepError::ForeignCombination { index: 1, .. }));
    // A grid far past the --grid limit (a merge would write a heatmap over it).
    let dir = forged(&ws, &written, |r| r.config.grid.push(("slow".into(), vec![1.0; 2_000_000])));
    assert!(matches!(refusal(&dir), SweepError::NotASweepConfig(_)));
}
