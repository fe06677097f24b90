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
use crate::engine::workspace::{read_json, stale_temporaries_under, write_atomic, write_json, Workspace};

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
    /// Temporaries a killed process left (workspace-relative paths), removed by this rebuild.
    pub removed_temporaries: Vec<String>,
    /// INDEX_SKIPPED_RUN alerts this rebuild raised: a skip already alerted is not raised again.
    pub alerts_raised: usize,
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

/// Rebuild the index from the run folders; corrupt folders are reported and skipped. First,
/// the temporaries killed processes left anywhere in the workspace are removed (a run folder
/// that held nothing else goes too). Each skipped folder is alerted once: a skip with the same
/// folder and reason already in the alert log, acknowledged or not, is not raised again.
pub fn rebuild(ws: &Workspace) -> Result<RebuildOutcome> {
    let (indexed, skipped, removed_temporaries) = {
        let _lock = ws.lock()?;
        let removed = remove_temporaries(ws);
        let (mut ix, skipped) = scan(ws)?;
        save(ws, &mut ix)?;
        (ix.runs.len(), skipped, removed)
    };
    let code = crate::engine::alerts::codes::INDEX_SKIPPED_RUN;
    let known = crate::engine::alerts::list(ws)?;
    let mut alerts_raised = 0;
    for s in &skipped {
        tracing::warn!(folder = %s.folder, reason = %s.reason, "run folder skipped by index rebuild");
        let msg = format!("run folder {} skipped by the index rebuild: {}", s.folder, s.reason);
        let seen = known
            .iter()
            .any(|a| a.alert.code == code.0 && a.alert.source == s.folder && a.alert.message == msg);
        if !seen {
            crate::engine::alerts::raise(ws, code, &s.folder, &msg)?;
            alerts_raised += 1;
        }
    }
    Ok(RebuildOutcome { indexed, skipped, removed_temporaries, alerts_raised })
}

/// Remove every stale temporary in the workspace, and each run folder left empty by that.
fn remove_temporaries(ws: &Workspace) -> Vec<String> {
    let stale = stale_temporaries_under(ws.root());
    let mut removed = Vec::new();
    for p in stale {
        if fs::remove_file(&p).is_err() {
            continue;
        }
        tracing::info!(path = %p.display(), "removed a temporary a killed process left");
        if let Some(dir) = p.parent().filter(|d| d.parent() == Some(ws.runs_dir().as_path())) {
            // Fails unless empty: a run folder holding only the dead writer's temporary.
            let _ = fs::remove_dir(dir);
        }
        removed.push(p.strip_prefix(ws.root()).unwrap_or(&p).to_string_lossy().into_owned());
    }
    removed
}

/// Run folders the index cannot hold (no readable report.json, or one naming another run),
/// without changing anything: for `quantlab check`.
pub fn unindexable(ws: &Workspace) -> Result<Vec<Skipped>> {
    Ok(scan(ws)?.1)
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
    skipped.sort_by(|a, b| a.folder.cmp(&b.folder));
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn finite() -> impl Strategy<Value = f64> {
        use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
        POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
    }

    fn index_of(values: &[Option<f64>]) -> RunsIndex {
        let metrics =
            METRIC_NAMES.iter().zip(values.iter().cycle()).map(|(k, v)| (k.to_string(), *v)).collect();
        RunsIndex {
            schema: RUNS_INDEX_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            updated_at: "2024-01-01T00:00:00Z".into(),
            runs: vec![IndexEntry {
                run_id: "run_20240101T000000Z_00000000".into(),
                created_at: "2024-01-01T00:00:00Z".into(),
                status: RunStatus::Success,
                label: None,
                strategy: "sma_cross".into(),
                params: "fast=10 slow=50".into(),
                symbol: "BTCUSD".into(),
                timeframe: "1h".into(),
                data_id: None,
                fingerprint: "f".into(),
                rows: 1,
                metrics,
                trades_hash: None,
                error_code: None,
            }],
        }
    }

    fn bits(ix: &RunsIndex) -> Vec<Option<u64>> {
        ix.runs[0].metrics.values().map(|v| v.map(f64::to_bits)).collect()
    }

    proptest! {
        /// write -> read -> write of the index keeps every metric bit for bit (the rebuilt
        /// index and an upsert re-read what an earlier write stored), and so does the CSV.
        #[test]
        fn index_floats_survive_write_read_write(values in prop::collection::vec(prop::option::of(finite()), 1..24)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("runs_index.json");
            let ix = index_of(&values);
            write_json(&p, &ix).unwrap();
            let first = fs::read(&p).unwrap();
            let back: RunsIndex = read_json(&p).unwrap();
            prop_assert_eq!(bits(&back), bits(&ix));
            write_json(&p, &back).unwrap();
            prop_assert_eq!(fs::read(&p).unwrap(), first);
            let csv = to_csv(&back);
            let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
            let cells = &row[11..11 + METRIC_NAMES.len()];
            let parsed: Vec<Option<u64>> =
                cells.iter().map(|c| (!c.is_empty()).then(|| c.parse::<f64>().unwrap().to_bits())).collect();
            let want: Vec<Option<u64>> =
                METRIC_NAMES.iter().map(|m| ix.runs[0].metrics[*m].map(f64::to_bits)).collect();
            prop_assert_eq!(parsed, want);
        }
    }

    #[test]
    fn the_reported_drawdown_survives_a_rebuild() {
        let x = 0.41196944671842156_f64;
        let back: f64 = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        assert_eq!(back.to_bits(), x.to_bits(), "{x} came back as {back}");
    }
}
