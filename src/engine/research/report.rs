//! `runs/<run_id>/report.json`: the record of one run, for people and for scripts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::backtest::metrics::Metrics;
use crate::engine::backtest::BacktestConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Success,
    Failed,
}

/// Everything that determined the result, fully resolved (defaults filled in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    pub strategy: String,
    pub params: BTreeMap<String, f64>,
    #[serde(flatten)]
    pub backtest: BacktestConfig,
    pub start: Option<String>,
    pub end: Option<String>,
    pub periods_per_year: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataRef {
    /// Catalogue id, or null when the run read a file directly.
    pub id: Option<String>,
    pub path: String,
    pub symbol: String,
    pub timeframe: String,
    pub fingerprint: String,
    /// Rows used by the run (after --start/--end) and their range.
    pub rows: usize,
    pub first: Option<String>,
    pub last: Option<String>,
}

impl DataRef {
    /// The reference for `used`, the bars of `d` a run or sweep actually read.
    pub fn of(d: &crate::engine::data::catalog::ResolvedData, used: &crate::engine::data::Bars) -> DataRef {
        use crate::engine::time::{fmt_ms, fmt_timeframe};
        DataRef {
            id: d.id.clone(),
            path: d.path.clone(),
            symbol: d.symbol.clone(),
            timeframe: fmt_timeframe(d.timeframe_ms),
            fingerprint: d.fingerprint.clone(),
            rows: used.len(),
            first: used.ts.first().map(|&t| fmt_ms(t)),
            last: used.ts.last().map(|&t| fmt_ms(t)),
        }
    }
}

/// Artifact paths relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Artifacts {
    pub report_json: String,
    pub report_md: Option<String>,
    pub trades_csv: Option<String>,
    pub equity_parquet: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunError {
    pub code: String,
    pub message: String,
}

/// The block scripts read: stable, small, versioned with the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineContract {
    pub contract_version: u32,
    pub run_id: String,
    pub status: RunStatus,
    pub headline: BTreeMap<String, Option<f64>>,
    pub artifacts: Artifacts,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub schema: String,
    pub schema_version: u32,
    pub run_id: String,
    pub created_at: String,
    pub status: RunStatus,
    pub label: Option<String>,
    pub config: RunConfig,
    pub data: DataRef,
    pub metrics: Option<Metrics>,
    pub trades_hash: Option<String>,
    pub artifacts: Artifacts,
    pub error: Option<RunError>,
    pub duration_ms: u64,
    pub machine_contract: MachineContract,
}

/// Metrics a script most often needs, in the machine contract.
pub const HEADLINE: [&str; 7] =
    ["total_return", "cagr", "sharpe", "max_drawdown", "trade_count", "win_rate", "final_equity"];

pub fn headline(metrics: Option<&Metrics>) -> BTreeMap<String, Option<f64>> {
    HEADLINE.iter().map(|k| (k.to_string(), metrics.and_then(|m| m.get(k)))).collect()
}

/// A config (any serializable struct of scalars and small maps) as label/value text pairs for
/// display: `{"fast": 20.0}` reads as `fast=20`, null as `-`.
pub fn config_pairs<T: Serialize>(config: &T) -> Vec<(String, String)> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".into(),
        other => other.to_string(),
    };
    match serde_json::to_value(config) {
        Ok(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    serde_json::Value::Object(o) => {
                        o.iter().map(|(a, b)| format!("{a}={}", text(b))).collect::<Vec<_>>().join(" ")
                    }
                    other => text(other),
                };
                (k.clone(), value)
            })
            .collect(),
        _ => Vec::new(),
    }
}
