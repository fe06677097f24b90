//! The walk-forward's summary: its folds' mean objectives in and out of sample and how far
//! they part. The report and its machine contract both carry it.

use serde::{Deserialize, Serialize};

use super::compute::WalkForwardResult;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WalkForwardSummary {
    pub folds: usize,
    pub mean_in_sample_objective: Option<f64>,
    pub mean_out_of_sample_objective: Option<f64>,
    /// mean out-of-sample / mean in-sample objective (1 = no degradation).
    pub efficiency: Option<f64>,
    /// mean out-of-sample - mean in-sample objective.
    pub degradation: Option<f64>,
}

impl WalkForwardSummary {
    pub fn of(r: &WalkForwardResult) -> WalkForwardSummary {
        WalkForwardSummary {
            folds: r.folds.len(),
            mean_in_sample_objective: r.mean_in_sample(),
            mean_out_of_sample_objective: r.mean_out_of_sample(),
            efficiency: r.efficiency(),
            degradation: r.mean_out_of_sample().zip(r.mean_in_sample()).map(|(o, i)| o - i),
        }
    }
}
