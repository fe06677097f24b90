//! `quantlab walkforward`: plan, compute, write `walkforward/<wf_id>/`.

use std::fmt::Write as _;
use std::time::Instant;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::compute::{compute, Fold};
use super::contract::{machine_contract, WalkForwardMachineContract};
use super::folds::layout;
use super::summary::WalkForwardSummary;
use crate::engine::backtest::metrics::Metrics;
use crate::engine::contract::{make_id, CONTRACT_VERSION, WALKFORWARD_SCHEMA};
use crate::engine::data::store::write_parquet;
use crate::engine::error::{Error, Result};
use crate::engine::research::artifacts::trades_csv;
use crate::engine::research::report::{DataRef, RunStatus};
use crate::engine::research::sweep::exec::{default_jobs, elapsed_ms, plan};
use crate::engine::research::sweep::{SweepConfig, SweepRequest};
use crate::engine::strategy::{Params, Strategy};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_atomic, write_json, Workspace};

/// A sweep request (data, strategy, grid, constraints, objective, costs, window, jobs) plus
/// the fold layout. Shard and save-top do not apply.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WalkForwardRequest {
    #[serde(flatten)]
    pub sweep: SweepRequest,
    pub train: usize,
    pub test: usize,
    /// Default: the test length (back-to-back test windows).
    #[serde(default)]
    pub step: Option<usize>,
    #[serde(default)]
    pub anchored: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WalkForwardReport {
    pub schema: String,
    pub schema_version: u32,
    pub wf_id: String,
    pub created_at: String,
    pub status: RunStatus,
    pub label: Option<String>,
    pub config: SweepConfig,
    pub train: usize,
    pub test: usize,
    pub step: usize,
    pub anchored: bool,
    pub data: DataRef,
    pub candidates: usize,
    pub folds: Vec<Fold>,
    pub summary: WalkForwardSummary,
    /// Metrics of the stitched out-of-sample equity.
    pub out_of_sample: Metrics,
    pub artifacts: Vec<String>,
    pub duration_ms: u64,
    pub machine_contract: WalkForwardMachineContract,
}

pub fn walkforward(
    ws: &Workspace,
    req: &WalkForwardRequest,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<WalkForwardReport> {
    let started = Instant::now();
    let sreq = SweepRequest { shard: None, save_top: None, ..req.sweep.clone() };
    let p = plan(ws, &sreq)?;
    let step = req.step.unwrap_or(req.test);
    let folds = layout(p.bars.len(), req.train, req.test, step, req.anchored)?;
    let combos: Vec<(usize, &Params, &dyn Strategy)> =
        p.combos.iter().map(|(i, pr, s)| (*i, pr, s.as_ref())).collect();
    let jobs = req.sweep.jobs.unwrap_or_else(default_jobs);
    let r = compute(
        &p.bars,
        &combos,
        &p.config.backtest,
        p.config.periods_per_year,
        &p.config.objective,
        &folds,
        jobs,
        progress,
    )?;

    let created = now_ms();
    let wf_id = make_id(
        "wf",
        created,
        format!("{}{}{created}", serde_json::to_string(&p.config)?, p.data.fingerprint).as_bytes(),
    );
    let dir = ws.root().join("walkforward").join(&wf_id);
    let rel = |f: &str| format!("walkforward/{wf_id}/{f}");
    let summary = WalkForwardSummary::of(&r);
    let artifacts: Vec<String> = ["walkforward.json", "folds.csv", "oos_equity.parquet", "oos_trades.csv"]
        .iter()
        .map(|f| rel(f))
        .collect();
    let contract =
        machine_contract(&wf_id, &p.config.objective, &r.folds, &summary, &r.oos_metrics, &artifacts);
    let report = WalkForwardReport {
        schema: WALKFORWARD_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        wf_id: wf_id.clone(),
        created_at: fmt_ms(created),
        status: RunStatus::Success,
        label: req.sweep.label.clone(),
        train: req.train,
        test: req.test,
        step,
        anchored: req.anchored,
        data: DataRef::of(&p.data, &p.bars),
        candidates: p.combos.len(),
        summary,
        out_of_sample: r.oos_metrics.clone(),
        artifacts,
        duration_ms: elapsed_ms(started),
        machine_contract: contract,
        folds: r.folds.clone(),
        config: p.config,
    };
    let written = (|| {
        write_atomic(&dir.join("folds.csv"), folds_csv(&report).as_bytes())?;
        write_atomic(&dir.join("oos_trades.csv"), trades_csv(&r.oos_trades).as_bytes())?;
        let ts = Series::new("timestamp".into(), &r.oos_ts)
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
        let mut df =
            DataFrame::new_infer_height(vec![ts.into(), Column::new("equity".into(), &r.oos_equity)])?;
        write_parquet(&dir.join("oos_equity.parquet"), &mut df)?;
        write_json(&dir.join("walkforward.json"), &report)
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    written.map(|_| report)
}

fn cell(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn folds_csv(r: &WalkForwardReport) -> String {
    let names: Vec<&str> = r.config.grid.iter().map(|(n, _)| n.as_str()).collect();
    let mut s = String::from("fold,train_first,train_last,test_first,test_last");
    for n in &names {
        let _ = write!(s, ",{n}");
    }
    s.push_str(",in_sample_objective,out_of_sample_objective,degradation,oos_total_return,oos_trades\n");
    for f in &r.folds {
        let _ = write!(s, "{},{},{},{},{}", f.index, f.train_first, f.train_last, f.test_first, f.test_last);
        for n in &names {
            let _ = write!(s, ",{}", f.chosen[*n]);
        }
        let _ = writeln!(
            s,
            ",{},{},{},{},{}",
            cell(f.in_sample_objective),
            cell(f.out_of_sample_objective),
            cell(f.degradation),
            f.out_of_sample.total_return,
            f.out_of_sample.trade_count
        );
    }
    s
}

/// A walk-forward report by id.
pub fn load(ws: &Workspace, id: &str) -> Result<WalkForwardReport> {
    let p = ws.root().join("walkforward").join(id).join("walkforward.json");
    if !p.exists() {
        return Err(Error::not_found(format!("no walk-forward '{id}'")));
    }
    read_json(&p)
}
