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
    let evaluated: Vec<(usize, Params, Metrics)> = pool.install(|| {
        let inputs = shared_inputs(bars, combos);
        combos
            .par_iter()
            .map(|(i, p, s)| {
                let m = evaluate(bars, &inputs, *s, cfg, ppy);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, n);
                (*i, (*p).clone(), m)
            })
            .collect()
    });
    Ok(rank_all(evaluated, objective))
}

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
