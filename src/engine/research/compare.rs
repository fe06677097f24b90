//! Runs side by side: every metric per run, and the config keys whose values differ.

use std::collections::BTreeMap;

use serde::Serialize;

use super::report::RunReport;
use crate::engine::backtest::metrics::METRIC_NAMES;
use crate::engine::contract::{CONTRACT_VERSION, RUN_COMPARE_SCHEMA};
use crate::engine::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub schema: String,
    pub schema_version: u32,
    pub runs: Vec<String>,
    /// metric -> one value per run, in `runs` order.
    pub metrics: BTreeMap<String, Vec<Option<f64>>>,
    /// Flattened config key -> one value per run, only for keys that differ.
    pub config_diff: BTreeMap<String, Vec<serde_json::Value>>,
    /// Keys present with the same value in every run.
    pub config_same: BTreeMap<String, serde_json::Value>,
}

/// Flatten nested JSON into `a.b.c` keys.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

pub fn compare(reports: &[RunReport]) -> Result<Comparison> {
    if reports.len() < 2 {
        return Err(super::ResearchError::CompareTooFew.into());
    }
    let metrics = METRIC_NAMES
        .iter()
        .map(|k| (k.to_string(), reports.iter().map(|r| r.metrics.as_ref().and_then(|m| m.get(k))).collect()))
        .collect();
    let flat: Vec<BTreeMap<String, serde_json::Value>> = reports
        .iter()
        .map(|r| {
            let mut m = BTreeMap::new();
            flatten("", &serde_json::to_value(&r.config).unwrap_or_default(), &mut m);
            // The data a run saw is part of what made it.
            m.insert("data.symbol".into(), r.data.symbol.clone().into());
            m.insert("data.timeframe".into(), r.data.timeframe.clone().into());
            m.insert("data.fingerprint".into(), r.data.fingerprint.clone().into());
            m.insert("data.rows".into(), r.data.rows.into());
            m
        })
        .collect();
    let keys: std::collections::BTreeSet<&String> = flat.iter().flat_map(|m| m.keys()).collect();
    let mut config_diff = BTreeMap::new();
    let mut config_same = BTreeMap::new();
    for k in keys {
        let vals: Vec<serde_json::Value> =
            flat.iter().map(|m| m.get(k).cloned().unwrap_or(serde_json::Value::Null)).collect();
        if vals.iter().all(|v| v == &vals[0]) {
            config_same.insert(k.clone(), vals[0].clone());
        } else {
            config_diff.insert(k.clone(), vals);
        }
    }
    Ok(Comparison {
        schema: RUN_COMPARE_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        runs: reports.iter().map(|r| r.run_id.clone()).collect(),
        metrics,
        config_diff,
        config_same,
    })
}
