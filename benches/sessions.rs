//! Session speed: the per-bar cost of each built-in strategy's incremental form (what paper and
//! live sessions decide with), over a 1M-bar random walk, default parameters. Criterion's
//! throughput is bars per second; one bar costs its inverse.
//!
//! `cargo bench --bench sessions`; figures are in docs/performance.md ("Sessions").

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use quantlab::engine::data::synth;
use quantlab::engine::strategy::{self, Bar};

/// 1M bars when benchmarking; a small series when `cargo test` runs the benches once as a
/// smoke test (no `--bench` argument).
fn n() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1_000_000
    } else {
        20_000
    }
}

fn incremental(c: &mut Criterion) {
    let b = synth::random_walk(n(), 1_577_836_800_000, 60_000, 0.001, 42);
    let bars: Vec<Bar> = (0..b.len()).map(|t| Bar::of(&b, t)).collect();
    let mut g = c.benchmark_group("incremental_1m");
    g.throughput(Throughput::Elements(n() as u64)).sample_size(10).measurement_time(Duration::from_secs(5));
    for info in strategy::catalogue() {
        let (s, _) = strategy::build(info.name, &Default::default()).unwrap();
        g.bench_function(info.name, |x| {
            x.iter_batched(
                || s.incremental().expect("every built-in has an incremental form"),
                |mut inc| {
                    let mut last = 0;
                    for bar in &bars {
                        last = inc.update(black_box(bar));
                    }
                    last
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, incremental);
criterion_main!(benches);
