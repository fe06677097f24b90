//! The walk-forward's `machine_contract`: the block scripts read, as runs and sweeps have one,
//! so an orchestrator finds the outcome of any research command in the same place.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compute::Fold;
use super::summary::WalkForwardSummary;
use crate::engine::backtest::metrics::Metrics;
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::research::report::{headline, RunStatus};
use crate::engine::strategy::Params;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkForwardMachineContract {
    pub contract_version: u32,
    pub wf_id: String,
    pub status: RunStatus,
    pub objective: String,
    pub folds: usize,
    /// The parameters each fold chose on its training window, in fold order.
    pub chosen_params: Vec<Params>,
    pub mean_in_sample_objective: Option<f64>,
    pub mean_out_of_sample_objective: Option<f64>,
    pub efficiency: Option<f64>,
    pub degradation: Option<f64>,
    /// The run headline metrics (total_return, sharpe, ...) of the stitched out-of-sample equity.
    pub headline: BTreeMap<String, Option<f64>>,
    pub artifacts: Vec<String>,
    /// Always null today: a walk-forward that fails writes no report. Kept so every
    /// machine_contract has the same error fields.
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

pub fn machine_contract(
    wf_id: &str,
    objective: &str,
    folds: &[Fold],
    summary: &WalkForwardSummary,
    out_of_sample: &Metrics,
    artifacts: &[String],
) -> WalkForwardMachineContract {
    WalkForwardMachineContract {
        contract_version: CONTRACT_VERSION,
        wf_id: wf_id.to_string(),
        status: RunStatus::Success,
        objective: objective.to_string(),
        folds: folds.len(),
        chosen_params: folds.iter().map(|f| f.chosen.clone()).collect(),
        mean_in_sample_objective: summary.mean_in_sample_objective,
        mean_out_of_sample_objective: summary.mean_out_of_sample_objective,
        efficiency: summary.efficiency,
        degradation: summary.degradation,
        headline: headline(Some(out_of_sample)),
        artifacts: artifacts.to_vec(),
        error_code: None,
        error_message: None,
    }
}
