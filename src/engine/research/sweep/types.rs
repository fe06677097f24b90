//! `sweeps/<sweep_id>/sweep.json`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::backtest::metrics::Metrics;
use crate::engine::backtest::BacktestConfig;
use crate::engine::research::report::DataRef;

/// Everything that determines the results; shards must agree on it to be merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepConfig {
    pub strategy: String,
    /// Axis name -> values, in grid order.
    pub grid: Vec<(String, Vec<f64>)>,
    pub constraints: Vec<String>,
    pub objective: String,
    #[serde(flatten)]
    pub backtest: BacktestConfig,
    pub start: Option<String>,
    pub end: Option<String>,
    pub periods_per_year: f64,
    /// `--save-runs top:N`: full runs were asked for the best N combinations. Absent when
    /// none were asked. Not part of what shards must agree on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_top: Option<usize>,
}

/// A sweep's state. `incomplete`: the results are written but the saved runs `--save-runs`
/// asked for are not all there yet; a sweep that stays incomplete was interrupted while
/// saving them (`saved_runs` lists those that exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SweepStatus {
    Success,
    Failed,
    Incomplete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Combination {
    /// Position in the full, constraint-filtered grid.
    pub index: usize,
    pub params: BTreeMap<String, f64>,
    /// 1 = best by the objective.
    pub rank: usize,
    /// The objective's value (null when undefined for this combination).
    pub objective: Option<f64>,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based.
    pub index: usize,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepArtifacts {
    pub sweep_json: String,
    pub results_csv: String,
    pub results_parquet: String,
    /// One per pair of swept parameters; the first pair is also `heatmap.csv`.
    pub heatmaps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepMachineContract {
    pub contract_version: u32,
    pub sweep_id: String,
    pub status: SweepStatus,
    pub objective: String,
    pub combinations: usize,
    pub best_params: Option<BTreeMap<String, f64>>,
    pub best_objective: Option<f64>,
    pub artifacts: SweepArtifacts,
    pub saved_runs: Vec<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    pub schema: String,
    pub schema_version: u32,
    pub sweep_id: String,
    pub created_at: String,
    pub status: SweepStatus,
    pub label: Option<String>,
    pub config: SweepConfig,
    pub data: DataRef,
    /// Combinations in the whole grid after constraints (all shards together).
    pub total_combinations: usize,
    /// Grid points the strategy refused (e.g. fast >= slow without a constraint saying so).
    pub skipped_invalid: usize,
    pub shard: Option<Shard>,
    pub merged_from: Vec<String>,
    pub jobs: usize,
    pub combinations: Vec<Combination>,
    pub saved_runs: Vec<String>,
    pub artifacts: SweepArtifacts,
    pub duration_ms: u64,
    pub machine_contract: SweepMachineContract,
    /// `--shard` only, and only in the command's response (never in sweep.json, which the
    /// shard's manifest hashes before this is known): what the run found of this shard's
    /// earlier attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<ShardResume>,
}

/// What a `--shard` run did about earlier attempts of the same shard in its workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardResume {
    /// The shard was already done (its manifest found and every file it lists still hashing to
    /// it): nothing was computed or written, and this is that sweep as stored.
    pub skipped: bool,
    /// The shard's manifest, relative to the workspace.
    pub manifest: String,
    /// Earlier attempts of this shard removed once this one was complete: folders whose files
    /// no longer match their manifest, or that a killed run left without one. Sweep folders,
    /// relative to the workspace.
    pub replaced: Vec<String>,
}
