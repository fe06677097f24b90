//! What one simulation produces.

use super::trade::Trade;

/// Per-bar state after each bar's close, plus the trade list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BacktestResult {
    /// Equity marked at each bar's close (cash + position value).
    pub equity: Vec<f64>,
    /// Signed units held after each bar's close (negative = short).
    pub position: Vec<f64>,
    /// |position value| / equity after each bar's close.
    pub exposure: Vec<f64>,
    pub trades: Vec<Trade>,
    pub initial_cash: f64,
    pub total_fees: f64,
}
