//! Research speed: indicators over 1M bars, one sma_cross backtest over 1M bars in memory,
//! the fused backtest of sma_cross, ema_cross and donchian_breakout against the generic path,
//! the whole `run` (load Parquet, simulate, metrics, artifacts, index) on 1M bars, and a
//! 1,000-combination sweep over 1M bars.
//!
//! `cargo bench --bench research`; figures and peak-memory commands are in docs/performance.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use quantlab::engine::backtest::fused::{self, Spec};
use quantlab::engine::backtest::{simulate, simulate_into, simulate_metrics, BacktestConfig, BacktestResult};
use quantlab::engine::data::{store, synth, Bars};
use quantlab::engine::indicators as ind;
use quantlab::engine::research::sweep::SweepRequest;
use quantlab::engine::research::RunRequest;
use quantlab::engine::strategy;
use quantlab::engine::workspace::Workspace;
use quantlab::engine::Engine;

/// 1M bars when benchmarking; a small series when `cargo test` runs the benches once as a
/// smoke test (no `--bench` argument), so the test suite stays fast.
fn n() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        20_000
    }
}

fn bars() -> Bars {
    synth::random_walk(n(), 1_577_836_800_000, 60_000, 0.001, 42)
}

fn indicators(c: &mut Criterion) {
    let b = bars();
    let mut g = c.benchmark_group("indicators_1m");
    g.throughput(Throughput::Elements(n() as u64)).sample_size(20);
    g.bench_function("sma_50", |x| x.iter(|| ind::sma(black_box(&b.close), 50)));
    g.bench_function("ema_50", |x| x.iter(|| ind::ema(black_box(&b.close), 50)));
    g.bench_function("rsi_14", |x| x.iter(|| ind::rsi(black_box(&b.close), 14)));
    g.bench_function("macd_12_26_9", |x| x.iter(|| ind::macd(black_box(&b.close), 12, 26, 9)));
    g.bench_function("bollinger_20_2", |x| x.iter(|| ind::bollinger(black_box(&b.close), 20, 2.0)));
    g.bench_function("atr_14", |x| x.iter(|| ind::atr(&b.high, &b.low, black_box(&b.close), 14)));
    g.bench_function("donchian_20", |x| x.iter(|| ind::donchian(&b.high, black_box(&b.low), 20)));
    g.bench_function("zscore_20", |x| x.iter(|| ind::zscore(black_box(&b.close), 20)));
    g.finish();
}

fn backtest(c: &mut Criterion) {
    let b = bars();
    let params =
        [("fast", "20"), ("slow", "100")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (s, _) = strategy::build("sma_cross", &params).unwrap();
    let targets = s.targets(&b);
    let cfg = BacktestConfig { fee_bps: 10.0, slippage_bps: 2.0, ..BacktestConfig::default() };
    let mut g = c.benchmark_group("backtest_1m");
    g.throughput(Throughput::Elements(n() as u64)).sample_size(20);
    g.bench_function("simulate_sma_cross", |x| x.iter(|| simulate(black_box(&b), &targets, &cfg)));
    // Series into buffers that are reused, so the figure is the simulation itself rather
    // than the kernel faulting in 16 MB of fresh pages.
    let mut buf = BacktestResult::default();
    g.bench_function("simulate_into_reused_buffers", |x| {
        x.iter(|| simulate_into(black_box(&b), &targets, &cfg, &mut buf))
    });
    // The sweep path: simulation and metrics in one pass, no series stored.
    g.bench_function("simulate_metrics_sweep_path", |x| {
        x.iter(|| simulate_metrics(black_box(&b), &targets, &cfg, 525_600.0))
    });
    g.bench_function("signals_and_simulate_sma_cross", |x| {
        x.iter(|| simulate(black_box(&b), &s.targets(&b), &cfg))
    });
    g.finish();
}

/// From bars to a backtest, per strategy: the generic path (indicators stored, targets
/// stored, then the simulation) against the fused one, into reused buffers so the figures are
/// the computation rather than the kernel faulting in 16 MB of fresh pages (`fused_fresh`
/// shows that cost); and the sweep's path, metrics with no series stored.
fn fused_backtest(c: &mut Criterion) {
    let b = bars();
    let cfg = BacktestConfig { fee_bps: 10.0, slippage_bps: 2.0, ..BacktestConfig::default() };
    let cases: [(&str, &[(&str, &str)]); 3] = [
        ("sma_cross", &[("fast", "20"), ("slow", "100")]),
        ("ema_cross", &[("fast", "20"), ("slow", "100")]),
        ("donchian_breakout", &[("period", "20")]),
    ];
    let mut g = c.benchmark_group("fused_1m");
    g.throughput(Throughput::Elements(n() as u64)).sample_size(20);
    for (name, pairs) in cases {
        let params = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (s, resolved) = strategy::build(name, &params).unwrap();
        let spec = Spec::of(name, &resolved).unwrap();
        let mut buf = BacktestResult::default();
        g.bench_function(format!("{name}/generic"), |x| {
            x.iter(|| simulate_into(black_box(&b), &s.targets(&b), &cfg, &mut buf))
        });
        g.bench_function(format!("{name}/fused"), |x| {
            x.iter(|| fused::simulate_into(black_box(&b), &spec, &cfg, &mut buf))
        });
        g.bench_function(format!("{name}/fused_fresh"), |x| {
            x.iter(|| fused::simulate(black_box(&b), &spec, &cfg))
        });
        g.bench_function(format!("{name}/generic_metrics"), |x| {
            x.iter(|| simulate_metrics(black_box(&b), &s.targets(&b), &cfg, 525_600.0))
        });
        g.bench_function(format!("{name}/fused_metrics"), |x| {
            x.iter(|| fused::simulate_metrics(black_box(&b), &spec, &cfg, 525_600.0))
        });
    }
    g.finish();
}

fn whole_run(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bars_1m.parquet");
    store::write_bars(&file, &bars()).unwrap();
    let req = RunRequest {
        data: file.to_string_lossy().into_owned(),
        strategy: "sma_cross".into(),
        params: [("fast", "20"), ("slow", "100")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        backtest: BacktestConfig { fee_bps: 10.0, ..BacktestConfig::default() },
        ..RunRequest::default()
    };
    let mut g = c.benchmark_group("run_1m_parquet");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("quantlab_run_sma_cross", |x| {
        x.iter_batched(
            || tempfile::tempdir().unwrap(),
            |ws| Engine::open(Workspace::at(ws.path())).research().run(&req).unwrap(),
            BatchSize::PerIteration,
        )
    });
    // The same file again in one workspace: every run after the first reads the file's Arrow
    // IPC cache instead of decoding, validating and hashing the Parquet (the usual case).
    let ws = tempfile::tempdir().unwrap();
    let engine = Engine::open(Workspace::at(ws.path()));
    engine.research().run(&req).unwrap();
    g.bench_function("quantlab_run_sma_cross_cached", |x| x.iter(|| engine.research().run(&req).unwrap()));
    g.finish();
}

/// 1,000 sma_cross combinations (fast 1..50 x slow 60..250 step 10) over 1M bars, all cores.
fn sweep_1000(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bars_1m.parquet");
    store::write_bars(&file, &bars()).unwrap();
    let req = SweepRequest {
        data: file.to_string_lossy().into_owned(),
        strategy: "sma_cross".into(),
        grid: vec!["fast=1:50:1".into(), "slow=60:250:10".into()],
        objective: "sharpe".into(),
        backtest: BacktestConfig { fee_bps: 10.0, ..BacktestConfig::default() },
        ..SweepRequest::default()
    };
    let mut g = c.benchmark_group("sweep_1000x1m");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("sma_cross_1000_combinations", |x| {
        x.iter_batched(
            || tempfile::tempdir().unwrap(),
            |ws| Engine::open(Workspace::at(ws.path())).research().sweep(&req, &|_, _| {}).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, indicators, backtest, fused_backtest, whole_run, sweep_1000);
criterion_main!(benches);
