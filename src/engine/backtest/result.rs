//! What one simulation produces.

use super::trade::Trade;

/// Per-bar state after each bar's close, plus the trade list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacktestResult {
    /// Equity marked at each bar's close (cash + position value).
    pub equity: Vec<f64>,
    /// Signed units held after each bar's close (negative = short).
    pub position: Vec<f64>,
    pub trades: Vec<Trade>,
    pub initial_cash: f64,
    pub total_fees: f64,
}

impl BacktestResult {
    /// |position value| / equity after each bar's close. Derived when an artifact needs it, so
    /// the simulation loop writes one vector fewer per bar.
    pub fn exposure(&self, close: &[f64]) -> Vec<f64> {
        self.position
            .iter()
            .zip(close)
            .zip(&self.equity)
            .map(|((u, c), e)| if *e > 0.0 { (u * c).abs() / e } else { 0.0 })
            .collect()
    }
}
