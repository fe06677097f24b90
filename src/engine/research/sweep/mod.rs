//! Parameter sweeps: `sweeps/<sweep_id>/` with sweep.json, results.{csv,parquet}, heatmaps.

mod artifacts;
pub mod error;
pub mod exec;
pub mod grid;
pub mod manifest;
mod merge;
pub mod rank;
pub mod resume;
pub mod shard;
pub mod types;

use std::time::Instant;

pub use error::{GridProblem, ManifestProblem, SweepError};
pub use exec::{Progress, SweepRequest};
pub use merge::merge;
pub use types::*;

use crate::engine::contract::{make_id, CONTRACT_VERSION, SWEEP_SCHEMA};
use crate::engine::error::Result;
use crate::engine::research::report::DataRef;
use crate::engine::research::{run, RunRequest};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_atomic, write_json, Workspace};

/// Validate, evaluate every combination of this shard, write the artifacts. A shard also
/// writes its manifest, last; a shard already done in this workspace (its manifest verifies)
/// is not run again, and earlier attempts of it that are not done are removed once this one is.
pub fn sweep(ws: &Workspace, req: &SweepRequest, progress: Progress) -> Result<SweepReport> {
    let started = Instant::now();
    let plan = exec::plan(ws, req)?;
    let data = DataRef::of(&plan.data, &plan.bars);
    let attempts = req.shard.as_ref().map(|sh| {
        let fp = manifest::spec_fingerprint(&plan.config, &data.fingerprint, plan.total);
        resume::scan(ws, &fp, sh, req.save_top)
    });
    let (done, stale) = attempts.map(|a| (a.done, a.stale)).unwrap_or_default();
    if let Some(done) = done {
        let mut report = done.report;
        report.resume = Some(ShardResume {
            skipped: true,
            manifest: format!("sweeps/{}/{}", report.sweep_id, manifest::MANIFEST_FILE),
            replaced: Vec::new(),
        });
        return Ok(report);
    }
    let jobs = req.jobs.unwrap_or_else(exec::default_jobs);
    let combos = exec::execute(&plan, jobs, progress)?;
    let mut report = assemble(
        plan.config,
        data,
        plan.total,
        plan.skipped_invalid,
        req.shard.clone(),
        Vec::new(),
        jobs,
        combos,
        req.label.clone(),
    );
    if req.save_top.is_some() {
        // Not success until the saved runs exist: a sweep killed while saving them stays
        // `incomplete`, with its config saying what was asked.
        report.set_status(SweepStatus::Incomplete);
    }
    write(ws, &mut report, started)?;
    if let Some(n) = req.save_top {
        save_top(ws, req, &mut report, n, started)?;
    }
    if let Some(shard) = &req.shard {
        let manifest = manifest::write(ws, &report, shard)?;
        let replaced = resume::remove(ws, &stale);
        report.resume = Some(ShardResume { skipped: false, manifest, replaced });
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble(
    config: SweepConfig,
    data: DataRef,
    total: usize,
    skipped_invalid: usize,
    shard: Option<Shard>,
    merged_from: Vec<String>,
    jobs: usize,
    combinations: Vec<Combination>,
    label: Option<String>,
) -> SweepReport {
    let created = now_ms();
    let sweep_id = make_id(
        "sweep",
        created,
        format!(
            "{}{}{:?}{created}",
            serde_json::to_string(&config).unwrap_or_default(),
            data.fingerprint,
            shard
        )
        .as_bytes(),
    );
    let rel = |f: &str| format!("sweeps/{sweep_id}/{f}");
    let artifacts = SweepArtifacts {
        sweep_json: rel("sweep.json"),
        results_csv: rel("results.csv"),
        results_parquet: rel("results.parquet"),
        heatmaps: Vec::new(),
    };
    let best = combinations.iter().find(|c| c.rank == 1);
    SweepReport {
        schema: SWEEP_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        created_at: fmt_ms(created),
        status: SweepStatus::Success,
        label,
        total_combinations: total,
        skipped_invalid,
        shard,
        merged_from,
        jobs,
        saved_runs: Vec::new(),
        duration_ms: 0,
        resume: None,
        machine_contract: SweepMachineContract {
            contract_version: CONTRACT_VERSION,
            sweep_id: sweep_id.clone(),
            status: SweepStatus::Success,
            objective: config.objective.clone(),
            combinations: combinations.len(),
            best_params: best.map(|c| c.params.clone()),
            best_objective: best.and_then(|c| c.objective),
            artifacts: artifacts.clone(),
            saved_runs: Vec::new(),
            error_code: None,
            error_message: None,
        },
        sweep_id,
        config,
        data,
        combinations,
        artifacts,
    }
}

/// Write results, heatmaps, then sweep.json last (its presence marks a complete sweep). On
/// failure the half-written folder is removed: nothing partial is left behind.
pub(crate) fn write(ws: &Workspace, r: &mut SweepReport, started: Instant) -> Result<()> {
    let dir = ws.root().join("sweeps").join(&r.sweep_id);
    let result = (|| {
        write_atomic(
            &dir.join("results.csv"),
            artifacts::results_csv(&r.config, &r.combinations).as_bytes(),
        )?;
        artifacts::write_results_parquet(&dir.join("results.parquet"), &r.config, &r.combinations)?;
        let maps = artifacts::write_heatmaps(&dir, &r.config, &r.combinations)?;
        r.artifacts.heatmaps = maps.iter().map(|f| format!("sweeps/{}/{f}", r.sweep_id)).collect();
        r.machine_contract.artifacts = r.artifacts.clone();
        r.duration_ms = exec::elapsed_ms(started);
        write_json(&dir.join("sweep.json"), r)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

/// Full runs (artifacts, index rows) for the best `n` combinations. sweep.json is rewritten
/// after each one (still `incomplete`, `saved_runs` growing), then a last time as `success`
/// once all exist, or `failed` with the error if one cannot be saved.
fn save_top(
    ws: &Workspace,
    req: &SweepRequest,
    r: &mut SweepReport,
    n: usize,
    started: Instant,
) -> Result<()> {
    let mut best: Vec<Combination> = r.combinations.clone();
    best.sort_by_key(|c| c.rank);
    let path = ws.root().join(&r.artifacts.sweep_json);
    for c in best.into_iter().take(n) {
        let rr = RunRequest {
            data: req.data.clone(),
            strategy: req.strategy.clone(),
            params: c.params.iter().map(|(k, v)| (k.clone(), v.to_string())).collect(),
            backtest: req.backtest.clone(),
            start: req.start.clone(),
            end: req.end.clone(),
            label: Some(format!("{} rank {}", r.sweep_id, c.rank)),
        };
        match run(ws, &rr) {
            Ok(saved) => {
                r.saved_runs.push(saved.run_id);
                r.machine_contract.saved_runs = r.saved_runs.clone();
                r.duration_ms = exec::elapsed_ms(started);
                write_json(&path, r)?;
            }
            Err(e) => {
                r.set_status(SweepStatus::Failed);
                r.machine_contract.error_code = Some(e.kind.code().into());
                r.machine_contract.error_message =
                    Some(format!("saving the best {n} as runs: {}", e.message));
                r.duration_ms = exec::elapsed_ms(started);
                write_json(&path, r)?;
                return Err(e.context(format!("sweep {}: saving the best {n} as runs", r.sweep_id)));
            }
        }
    }
    r.set_status(SweepStatus::Success);
    r.duration_ms = exec::elapsed_ms(started);
    write_json(&path, r)
}

impl SweepReport {
    fn set_status(&mut self, s: SweepStatus) {
        self.status = s;
        self.machine_contract.status = s;
    }
}

/// A short line per sweep for listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SweepSummary {
    pub sweep_id: String,
    pub created_at: String,
    pub strategy: String,
    pub symbol: String,
    pub timeframe: String,
    pub objective: String,
    pub combinations: usize,
    pub shard: Option<Shard>,
    /// `incomplete`: interrupted while saving the runs `--save-runs` asked for.
    pub status: SweepStatus,
    pub best_params: Option<std::collections::BTreeMap<String, f64>>,
    pub best_objective: Option<f64>,
}

pub fn list(ws: &Workspace) -> Result<Vec<SweepSummary>> {
    let Ok(dirs) = std::fs::read_dir(ws.root().join("sweeps")) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<SweepSummary> = dirs
        .flatten()
        .filter_map(|d| read_json::<SweepReport>(&d.path().join("sweep.json")).ok())
        .map(|r| SweepSummary {
            sweep_id: r.sweep_id,
            created_at: r.created_at,
            strategy: r.config.strategy,
            symbol: r.data.symbol,
            timeframe: r.data.timeframe,
            objective: r.config.objective,
            combinations: r.combinations.len(),
            shard: r.shard,
            status: r.status,
            best_params: r.machine_contract.best_params,
            best_objective: r.machine_contract.best_objective,
        })
        .collect();
    out.sort_by(|a, b| a.sweep_id.cmp(&b.sweep_id));
    Ok(out)
}

/// A sweep by id or unique prefix.
pub fn load(ws: &Workspace, id: &str) -> Result<SweepReport> {
    let all = list(ws)?;
    let hits: Vec<&SweepSummary> =
        all.iter().filter(|s| s.sweep_id == id || s.sweep_id.starts_with(id)).collect();
    let exact = all.iter().find(|s| s.sweep_id == id);
    let chosen = match (exact, hits.as_slice()) {
        (Some(e), _) => e,
        (None, [one]) => *one,
        (None, []) => return Err(SweepError::NoSweep(id.into()).into()),
        (None, many) => {
            let (id, count) = (id.into(), many.len());
            return Err(crate::engine::research::error::ResearchError::Ambiguous {
                id,
                count,
                what: "sweeps",
            }
            .into());
        }
    };
    read_json(&ws.root().join("sweeps").join(&chosen.sweep_id).join("sweep.json"))
}
