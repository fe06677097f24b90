//! One backtest run, end to end: resolve inputs, simulate, measure, write artifacts, index.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::artifacts::{report_md, sha256_hex, trades_csv, write_equity};
use super::error::ResearchError;
use super::index;
use super::report::*;
use crate::engine::backtest::metrics::{self, MetricsInput};
use crate::engine::backtest::{simulate, BacktestConfig};
use crate::engine::contract::{make_id, CONTRACT_VERSION, RUN_REPORT_SCHEMA};
use crate::engine::data::catalog::resolve;
use crate::engine::error::{Error, Result};
use crate::engine::strategy;
use crate::engine::time::{fmt_ms, now_ms, parse_window};
use crate::engine::workspace::{write_atomic, write_json, Workspace};

/// What to run. Strings as the operator typed them; everything is validated before any
/// file is written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunRequest {
    pub data: String,
    pub strategy: String,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    #[serde(default)]
    pub backtest: BacktestConfig,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
}

/// The longest `--label`, in characters: labels are rewritten into the runs index (JSON and
/// CSV) after every run, so an unbounded one makes every later run slow.
pub const MAX_LABEL_CHARS: usize = 200;

/// Refuse a label longer than [`MAX_LABEL_CHARS`].
pub fn check_label(label: Option<&str>) -> Result<()> {
    match label.map(|l| l.chars().count()) {
        Some(n) if n > MAX_LABEL_CHARS => {
            Err(ResearchError::LabelTooLong { chars: n, max: MAX_LABEL_CHARS }.into())
        }
        _ => Ok(()),
    }
}

/// Run and record. Bad input (unknown strategy, bad parameter, bad data) is refused before a
/// run id exists, so nothing is written. Once the run exists, a failure still leaves a
/// report.json with status `failed`; the returned error carries the exit class.
pub fn run(ws: &Workspace, req: &RunRequest) -> Result<RunReport> {
    let started = Instant::now();
    check_label(req.label.as_deref())?;
    req.backtest.validate()?;
    let (strat, params) = strategy::build(&req.strategy, &req.params)?;
    let (start, end) = parse_window(req.start.as_deref(), req.end.as_deref())?;
    let mut data = resolve(ws, &req.data)?;
    ws.ensure()?;

    let created = now_ms();
    let config = RunConfig {
        strategy: req.strategy.clone(),
        params,
        backtest: req.backtest.clone(),
        start: start.map(fmt_ms),
        end: end.map(fmt_ms),
        periods_per_year: metrics::periods_per_year(data.timeframe_ms, data.weekend_bars),
    };
    let run_id = make_id(
        "run",
        created,
        format!("{}{}{}", serde_json::to_string(&config)?, data.fingerprint, created).as_bytes(),
    );
    let mut bars = std::mem::take(&mut data.bars).into_time_window(start, end);
    let dir = ws.run_dir(&run_id);
    let rel = |f: &str| format!("runs/{run_id}/{f}");
    let mut report = RunReport {
        schema: RUN_REPORT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        run_id: run_id.clone(),
        created_at: fmt_ms(created),
        status: RunStatus::Success,
        label: req.label.clone(),
        config,
        data: DataRef::of(&data, &bars),
        metrics: None,
        trades_hash: None,
        artifacts: Artifacts {
            report_json: rel("report.json"),
            report_md: None,
            trades_csv: None,
            equity_parquet: None,
        },
        error: None,
        duration_ms: 0,
        machine_contract: MachineContract {
            contract_version: CONTRACT_VERSION,
            run_id: run_id.clone(),
            status: RunStatus::Success,
            headline: BTreeMap::new(),
            artifacts: Artifacts {
                report_json: rel("report.json"),
                report_md: None,
                trades_csv: None,
                equity_parquet: None,
            },
            error_code: None,
            error_message: None,
        },
    };

    let outcome = (|| -> Result<()> {
        if bars.is_empty() {
            return Err(ResearchError::NoBars {
                start: report.config.start.as_deref().unwrap_or("the start").into(),
                end: report.config.end.as_deref().unwrap_or("the end").into(),
                data: data.path.clone(),
            }
            .into());
        }
        let targets = strat.targets(&bars);
        let result = simulate(&bars, &targets, &report.config.backtest);
        drop(targets);
        let m = metrics::compute(&MetricsInput {
            ts: &bars.ts,
            equity: &result.equity,
            exposure: &result.position,
            close: &bars.close,
            trades: &result.trades,
            initial_cash: result.initial_cash,
            periods_per_year: report.config.periods_per_year,
        });
        // A metric that overflowed would be written as null under `success`: a failed run.
        if let Some(name) = m.non_finite() {
            return Err(ResearchError::NonFiniteMetric(name).into());
        }
        let csv = trades_csv(&result.trades);
        write_atomic(&dir.join("trades.csv"), csv.as_bytes())?;
        report.artifacts.trades_csv = Some(rel("trades.csv"));
        // The bars go with the result: their times become the file's first column, the prices
        // are freed before the file's columns are built.
        write_equity(&dir.join("equity.parquet"), std::mem::take(&mut bars), result)?;
        report.artifacts.equity_parquet = Some(rel("equity.parquet"));
        report.trades_hash = Some(sha256_hex(csv.as_bytes()));
        report.metrics = Some(m);
        Ok(())
    })();

    if let Err(e) = &outcome {
        report.status = RunStatus::Failed;
        report.error = Some(RunError { code: e.kind.code().into(), message: e.message.clone() });
    }
    report.artifacts.report_md = Some(rel("report.md"));
    report.duration_ms = started.elapsed().as_millis() as u64;
    report.machine_contract.status = report.status;
    report.machine_contract.headline = headline(report.metrics.as_ref());
    report.machine_contract.artifacts = report.artifacts.clone();
    report.machine_contract.error_code = report.error.as_ref().map(|e| e.code.clone());
    report.machine_contract.error_message = report.error.as_ref().map(|e| e.message.clone());

    write_atomic(&dir.join("report.md"), report_md(&report).as_bytes())?;
    // report.json last: its presence means the run folder is complete.
    write_json(&dir.join("report.json"), &report)?;
    index::upsert(ws, &report)?;
    tracing::info!(run_id = %report.run_id, status = ?report.status, "run recorded");
    if let Some(e) = &report.error {
        let msg = format!("run {} failed: {}", report.run_id, e.message);
        crate::engine::alerts::raise(ws, crate::engine::alerts::codes::RUN_FAILED, &report.run_id, &msg)?;
    }
    match outcome {
        Ok(()) => Ok(report),
        Err(source) => Err(Error::from(ResearchError::RunFailed { run_id: report.run_id.clone(), source })
            .with_machine_contract(&report.machine_contract)),
    }
}
