//! Running a sweep: every combination of the grid, in parallel, indicators shared.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::SweepError;
use super::grid::{combinations, parse_axis, parse_constraint};
use super::rank::{check_objective, ranks, score};
use super::types::*;
use crate::engine::backtest::fused::{self, Spec};
use crate::engine::backtest::metrics::{self, Metrics};
use crate::engine::backtest::{simulate_metrics, BacktestConfig};
use crate::engine::data::catalog::{resolve, ResolvedData};
use crate::engine::data::Bars;
use crate::engine::error::Result;
use crate::engine::strategy::{self, Inputs, Params, Strategy};
use crate::engine::time::{fmt_ms, parse_window};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SweepRequest {
    pub data: String,
    pub strategy: String,
    pub grid: Vec<String>,
    #[serde(default)]
    pub constraints: Vec<String>,
    pub objective: String,
    #[serde(default)]
    pub backtest: BacktestConfig,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    /// Worker threads; default: every core.
    #[serde(default)]
    pub jobs: Option<usize>,
    #[serde(default)]
    pub shard: Option<Shard>,
    /// Write full runs for the best N combinations.
    #[serde(default)]
    pub save_top: Option<usize>,
    #[serde(default)]
    pub label: Option<String>,
}

/// A validated, ready-to-evaluate sweep: every check that can refuse the request has passed.
pub struct Plan {
    pub config: SweepConfig,
    pub data: ResolvedData,
    pub bars: Bars,
    /// (index in the full grid, params, strategy) for this shard.
    pub combos: Vec<(usize, Params, Box<dyn Strategy>)>,
    pub total: usize,
    pub skipped_invalid: usize,
}

pub fn plan(ws: &crate::engine::workspace::Workspace, req: &SweepRequest) -> Result<Plan> {
    req.backtest.validate()?;
    check_objective(&req.objective)?;
    let info = strategy::registry_info(&req.strategy)?;
    if req.grid.is_empty() {
        return Err(SweepError::NoAxis.into());
    }
    let axes =
        req.grid.iter().map(|g| parse_axis(g, &info.params, &req.strategy)).collect::<Result<Vec<_>>>()?;
    for (i, a) in axes.iter().enumerate() {
        if axes[..i].iter().any(|b| b.name == a.name) {
            return Err(SweepError::SweptTwice(a.name.clone()).into());
        }
    }
    let constraints =
        req.constraints.iter().map(|c| parse_constraint(c, &axes)).collect::<Result<Vec<_>>>()?;
    if let Some(s) = &req.shard {
        if s.count == 0 || s.index >= s.count {
            return Err(SweepError::NotAShard { index: s.index, count: s.count }.into());
        }
    }
    crate::engine::research::run::check_label(req.label.as_deref())?;
    if req.jobs == Some(0) {
        return Err(SweepError::NoJobs.into());
    }
    if let Some(j) = req.jobs.filter(|&j| j > max_jobs()) {
        return Err(SweepError::TooManyJobs { jobs: j, max: max_jobs() }.into());
    }
    let (start, end) = parse_window(req.start.as_deref(), req.end.as_deref())?;
    let grid_points = combinations(&axes, &constraints)?;
    let enumerated = grid_points.len();
    let mut valid = Vec::with_capacity(enumerated);
    for p in grid_points {
        let given: BTreeMap<String, String> = p.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
        if let Ok((s, resolved)) = strategy::build(&req.strategy, &given) {
            valid.push((resolved, s));
        }
    }
    if valid.is_empty() {
        return Err(
            SweepError::NoValidCombination { enumerated, constrained: !constraints.is_empty() }.into()
        );
    }
    let mut data = resolve(ws, &req.data)?;
    let bars = std::mem::take(&mut data.bars).into_time_window(start, end);
    if bars.is_empty() {
        return Err(SweepError::EmptyWindow.into());
    }
    let total = valid.len();
    let skipped_invalid = enumerated - total;
    let combos = valid
        .into_iter()
        .enumerate()
        .filter(|(i, _)| req.shard.as_ref().is_none_or(|s| i % s.count == s.index))
        .map(|(i, (p, s))| (i, p, s))
        .collect();
    let config = SweepConfig {
        strategy: req.strategy.clone(),
        grid: axes.into_iter().map(|a| (a.name, a.values)).collect(),
        constraints: constraints.into_iter().map(|c| c.text).collect(),
        objective: req.objective.clone(),
        backtest: req.backtest.clone(),
        start: start.map(fmt_ms),
        end: end.map(fmt_ms),
        periods_per_year: metrics::periods_per_year(data.timeframe_ms, data.weekend_bars),
        save_top: req.save_top,
    };
    Ok(Plan { config, data, bars, combos, total, skipped_invalid })
}

/// Evaluate one combination: the same simulation and metrics as a single run, without
/// storing its per-bar series.
pub fn evaluate(bars: &Bars, inputs: &Inputs, s: &dyn Strategy, cfg: &BacktestConfig, ppy: f64) -> Metrics {
    simulate_metrics(bars, &s.decide(bars, inputs), cfg, ppy)
}

/// Progress callback: (done, total), once with 0 before the first combination, then from worker
/// threads as each is done (in any order).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Evaluate every combination of the plan and rank them. Pure compute: no files.
pub fn execute(plan: &Plan, jobs: usize, progress: Progress) -> Result<Vec<Combination>> {
    let combos: Vec<(usize, &Params, &dyn Strategy)> =
        plan.combos.iter().map(|(i, p, s)| (*i, p, s.as_ref())).collect();
    evaluate_all(
        &plan.bars,
        &combos,
        &plan.config.backtest,
        plan.config.periods_per_year,
        &plan.config.objective,
        jobs,
        progress,
    )
}

/// Evaluate `combos` over `bars` on `jobs` threads, indicators computed once, and rank them.
/// Sees nothing but `bars`: walk-forward relies on that to keep test windows out of sight.
///
/// Built-in strategies take the fused path ([`fused::evaluate`]): combinations in groups, each
/// group walking the bars chunk by chunk with every line it reads computed once per chunk and
/// every combination advancing through the chunk while it is in cache. A group's results are
/// the same as a single run of each combination to the bit; progress moves a group at a time.
/// Any other strategy is evaluated on its own from indicators computed once for the grid.
pub fn evaluate_all(
    bars: &Bars,
    combos: &[(usize, &Params, &dyn Strategy)],
    cfg: &BacktestConfig,
    ppy: f64,
    objective: &str,
    jobs: usize,
    progress: Progress,
) -> Result<Vec<Combination>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|source| SweepError::Workers { jobs, source })?;
    let done = AtomicUsize::new(0);
    let n = combos.len();
    // The total before the first result: a reader shows 0 of n, not an unknown size.
    progress(0, n);
    let tick = |k: usize| progress(done.fetch_add(k, Ordering::Relaxed) + k, n);
    let specs: Vec<Option<Spec>> = combos.iter().map(|(_, p, s)| Spec::of(s.name(), p)).collect();
    let (fusable, generic): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| specs[i].is_some());
    let tasks: Vec<&[usize]> = fusable
        .chunks(group_size(fusable.len(), jobs))
        .chain(generic.chunks(1))
        .collect();
    let evaluated: Vec<(usize, Params, Metrics)> = pool.install(|| {
        let generic_combos: Vec<_> = generic.iter().map(|&i| combos[i]).collect();
        let inputs = shared_inputs(bars, &generic_combos);
        tasks
            .par_iter()
            .flat_map_iter(|task| {
                let metrics: Vec<Metrics> = match specs[task[0]] {
                    Some(_) => {
                        let group: Vec<Spec> = task.iter().filter_map(|&i| specs[i]).collect();
                        fused::evaluate(bars, &group, cfg, ppy)
                    }
                    None => task.iter().map(|&i| evaluate(bars, &inputs, combos[i].2, cfg, ppy)).collect(),
                };
                tick(task.len());
                task.iter().zip(metrics).map(|(&i, m)| (combos[i].0, combos[i].1.clone(), m)).collect::<Vec<_>>()
            })
            .collect()
    });
    Ok(rank_all(evaluated, objective))
}

/// Combinations per fused group: about four groups per worker, so the workers stay busy to
/// the end and progress moves in steps of a few percent, and at most [`MAX_GROUP`], so a
/// group's line chunks stay in a core's cache. Larger groups share more: each group computes
/// every line it reads over all the bars.
fn group_size(combos: usize, jobs: usize) -> usize {
    combos.div_ceil(4 * jobs.max(1)).clamp(1, MAX_GROUP)
}

/// The most combinations one fused group evaluates together.
const MAX_GROUP: usize = 256;

/// The indicator series the whole grid reads, each distinct key computed once: sma_cross
/// fast=10,20 slow=20,50 (3 valid pairs) needs SMA(10), SMA(20) and SMA(50), not 6 series.
pub fn shared_inputs(bars: &Bars, combos: &[(usize, &Params, &dyn Strategy)]) -> Inputs {
    let needs: Vec<_> = combos.iter().flat_map(|(_, _, s)| s.needs()).collect();
    Inputs::compute(bars, &needs)
}

/// Attach objective values and ranks; the result is ordered by grid index.
pub fn rank_all(mut evaluated: Vec<(usize, Params, Metrics)>, objective: &str) -> Vec<Combination> {
    evaluated.sort_by_key(|(i, _, _)| *i);
    let scores: Vec<(usize, Option<f64>)> =
        evaluated.iter().map(|(i, _, m)| (*i, score(objective, Some(m)))).collect();
    let r = ranks(&scores);
    evaluated
        .into_iter()
        .zip(r)
        .map(|((index, params, metrics), rank)| Combination {
            index,
            params,
            rank,
            objective: metrics.get(objective).filter(|v| v.is_finite()),
            metrics,
        })
        .collect()
}

pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// The most worker threads `--jobs` may ask for: 4 per core. More only thrash (or, in the
/// thousands, cannot be started at all).
pub fn max_jobs() -> usize {
    4 * default_jobs()
}

/// Wall-clock helper for reports.
pub fn elapsed_ms(t: Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

#[cfg(test)]
mod tests;
