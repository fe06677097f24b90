//! Times the fused backtest of the built-in strategies on the benchmark's bars, for
//! comparisons between builds run one after the other (`scripts/fused-ab.sh`): criterion's
//! figures drift with the machine's load by as much as a change is worth, and alternating two
//! binaries puts both under the same load.
//!
//! ```sh
//! cargo run --release --example fused_timing -- [all|sma_cross|ema_cross|donchian_breakout] [RUNS] [BARS]
//! ```
//!
//! One line per strategy, tab-separated: name, the fastest run and the median run in
//! milliseconds, the trade count, and a hash of the equity curve's bits (the same on two
//! builds when their curves are the same to the last bit).

use quantlab::engine::backtest::fused::{self, Spec};
use quantlab::engine::backtest::{BacktestConfig, BacktestResult};
use quantlab::engine::data::synth;
use quantlab::engine::strategy;
use std::process::ExitCode;
use std::time::Instant;

/// The strategies and parameters of `cargo bench --bench research -- fused_1m`.
const CASES: [(&str, &[(&str, &str)]); 3] = [
    ("sma_cross", &[("fast", "20"), ("slow", "100")]),
    ("ema_cross", &[("fast", "20"), ("slow", "100")]),
    ("donchian_breakout", &[("period", "20")]),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map_or("all", String::as_str);
    if which != "all" && !CASES.iter().any(|(name, _)| *name == which) {
        eprintln!("fused_timing: unknown strategy {which:?}: all, sma_cross, ema_cross or donchian_breakout");
        return ExitCode::from(2);
    }
    let number = |at: usize, what: &str, default: usize| match args.get(at) {
        None => Ok(default),
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|&v| v > 0)
            .ok_or_else(|| format!("fused_timing: {what} must be a positive whole number, got {s:?}")),
    };
    let (runs, bars) = match (number(1, "RUNS", 40), number(2, "BARS", 1_000_000)) {
        (Ok(r), Ok(b)) => (r, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // The benchmark's bars and costs (benches/research.rs).
    let b = synth::random_walk(bars, 1_577_836_800_000, 60_000, 0.001, 42);
    let cfg = BacktestConfig { fee_bps: 10.0, slippage_bps: 2.0, ..BacktestConfig::default() };
    for (name, pairs) in CASES.into_iter().filter(|(name, _)| which == "all" || *name == which) {
        let params = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (_, resolved) = strategy::build(name, &params).expect("a built-in strategy");
        let spec = Spec::of(name, &resolved).expect("a fused strategy");
        let mut out = BacktestResult::default();
        // One run first, so every timed run writes into buffers already faulted in.
        fused::simulate_into(&b, &spec, &cfg, &mut out);
        let mut ms: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                fused::simulate_into(std::hint::black_box(&b), &spec, &cfg, &mut out);
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        let hash = out.equity.iter().fold(0u64, |h, v| h.rotate_left(5) ^ v.to_bits());
        println!("{name}\t{:.3}\t{:.3}\t{}\t{hash:016x}", ms[0], ms[runs / 2], out.trades.len());
    }
    ExitCode::SUCCESS
}
