//! The runs index: outputs/runs_index.{json,csv,md}, one row per run, refreshed atomically.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;

use serde::{Deserialize, Serialize};

use super::report::{RunReport, RunStatus};
use crate::engine::backtest::metrics::METRIC_NAMES;
use crate::engine::contract::{CONTRACT_VERSION, RUNS_INDEX_SCHEMA};
use crate::engine::error::Result;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_atomic, write_json, Workspace};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub run_id: String,
    pub created_at: String,
    pub status: RunStatus,
    pub label: Option<String>,
    pub strategy: String,
    /// `k=v` pairs, space separated, in name order.
    pub params: String,
    pub symbol: String,
    pub timeframe: String,
    pub data_id: Option<String>,
    pub fingerprint: String,
    pub rows: usize,
    pub metrics: BTreeMap<String, Option<f64>>,
    pub trades_hash: Option<String>,
    pub error_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunsIndex {
    pub schema: String,
    pub schema_version: u32,
    pub updated_at: String,
    pub runs: Vec<IndexEntry>,
}

/// A run folder that could not be indexed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub folder: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RebuildOutcome {
    pub indexed: usize,
    pub skipped: Vec<Skipped>,
}

pub fn entry(r: &RunReport) -> IndexEntry {
    IndexEntry {
        run_id: r.run_id.clone(),
        created_at: r.created_at.clone(),
        status: r.status,
        label: r.label.clone(),
        strategy: r.config.strategy.clone(),
        params: r.config.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "),
        symbol: r.data.symbol.clone(),
        timeframe: r.data.timeframe.clone(),
        data_id: r.data.id.clone(),
        fingerprint: r.data.fingerprint.clone(),
        rows: r.data.rows,
        metrics: METRIC_NAMES
            .iter()
            .map(|k| (k.to_string(), r.metrics.as_ref().and_then(|m| m.get(k))))
            .collect(),
        trades_hash: r.trades_hash.clone(),
        error_code: r.error.as_ref().map(|e| e.code.clone()),
    }
}

/// The index as stored; rebuilt from the run folders if missing or unreadable.
pub fn load(ws: &Workspace) -> Result<RunsIndex> {
    match read_json::<RunsIndex>(&ws.runs_index_path("json")) {
        Ok(ix) => Ok(ix),
        Err(_) => Ok(scan(ws)?.0),
    }
}

/// Add or replace one run's row and rewrite the index files.
pub fn upsert(ws: &Workspace, report: &RunReport) -> Result<()> {
    let _lock = ws.lock()?;
    let mut ix = load(ws)?;
    let e = entry(report);
    match ix.runs.iter_mut().find(|x| x.run_id == e.run_id) {
        Some(slot) => *slot = e,
        None => ix.runs.push(e),
    }
    save(ws, &mut ix)
}

/// Rebuild the index from the run folders; corrupt folders are reported and skipped.
pub fn rebuild(ws: &Workspace) -> Result<RebuildOutcome> {
    let (indexed, skipped) = {
        let _lock = ws.lock()?;
        let (mut ix, skipped) = scan(ws)?;
        save(ws, &mut ix)?;
        (ix.runs.len(), skipped)
    };
    for s in &skipped {
        let msg = format!("run folder {} skipped by the index rebuild: {}", s.folder, s.reason);
        crate::engine::alerts::raise(ws, crate::engine::alerts::codes::INDEX_SKIPPED_RUN, &s.folder, &msg)?;
    }
    Ok(RebuildOutcome { indexed, skipped })
}

fn scan(ws: &Workspace) -> Result<(RunsIndex, Vec<Skipped>)> {
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    if let Ok(dirs) = fs::read_dir(ws.runs_dir()) {
        for d in dirs.filter_map(|d| d.ok()).filter(|d| d.path().is_dir()) {
            let folder = d.file_name().to_string_lossy().into_owned();
            match read_json::<RunReport>(&d.path().join("report.json")) {
                Ok(r) if r.run_id == folder => runs.push(entry(&r)),
                Ok(r) => {
                    skipped.push(Skipped { reason: format!("report.json names run {}", r.run_id), folder })
                }
                Err(e) => skipped.push(Skipped { folder, reason: e.message }),
            }
        }
    }
    for s in &skipped {
        tracing::warn!(folder = %s.folder, reason = %s.reason, "run folder skipped by index rebuild");
    }
    Ok((
        RunsIndex {
            schema: RUNS_INDEX_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            updated_at: fmt_ms(now_ms()),
            runs,
        },
        skipped,
    ))
}

fn save(ws: &Workspace, ix: &mut RunsIndex) -> Result<()> {
    ix.runs.sort_by(|a, b| a.run_id.cmp(&b.run_id));
    ix.updated_at = fmt_ms(now_ms());
    write_json(&ws.runs_index_path("json"), ix)?;
    write_atomic(&ws.runs_index_path("csv"), to_csv(ix).as_bytes())?;
    write_atomic(&ws.runs_index_path("md"), to_md(ix).as_bytes())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn to_csv(ix: &RunsIndex) -> String {
    let mut s = String::from(
        "run_id,created_at,status,label,strategy,params,symbol,timeframe,data_id,fingerprint,rows",
    );
    for m in METRIC_NAMES {
        s.push(',');
        s.push_str(m);
    }
    s.push_str(",trades_hash,error_code\n");
    for r in &ix.runs {
        let fixed = [
            r.run_id.clone(),
            r.created_at.clone(),
            format!("{:?}", r.status).to_lowercase(),
            r.label.clone().unwrap_or_default(),
            r.strategy.clone(),
            r.params.clone(),
            r.symbol.clone(),
            r.timeframe.clone(),
            r.data_id.clone().unwrap_or_default(),
            r.fingerprint.clone(),
            r.rows.to_string(),
        ];
        let cells: Vec<String> = fixed
            .iter()
            .map(|c| csv_field(c))
            .chain(METRIC_NAMES.iter().map(|m| opt(r.metrics.get(*m).copied().flatten())))
            .chain([r.trades_hash.clone().unwrap_or_default(), r.error_code.clone().unwrap_or_default()])
            .collect();
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    s
}

fn to_md(ix: &RunsIndex) -> String {
    let mut s = format!("# Runs index\n\n{} runs, updated {}\n\n", ix.runs.len(), ix.updated_at);
    s.push_str("| run | status | strategy | params | data | return | sharpe | max dd | trades |\n");
    s.push_str("|---|---|---|---|---|---|---|---|---|\n");
    let pct = |v: Option<f64>| v.map_or("-".into(), |x| format!("{:.2}%", x * 100.0));
    for r in &ix.runs {
        let m = |k: &str| r.metrics.get(k).copied().flatten();
        let _ = writeln!(
            s,
            "| {} | {:?} | {} | {} | {} {} | {} | {} | {} | {} |",
            r.run_id,
            r.status,
            r.strategy,
            r.params,
            r.symbol,
            r.timeframe,
            pct(m("total_return")),
            m("sharpe").map_or("-".into(), |x| format!("{x:.2}")),
            pct(m("max_drawdown")),
            m("trade_count").map_or("-".into(), |x| format!("{x}")),
        );
    }
    s
}
