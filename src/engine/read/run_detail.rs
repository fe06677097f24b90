//! One run as its readers see it: the report, the per-bar series, the trade list and the
//! configuration as label/value rows.

use crate::engine::error::Result;
use crate::engine::research::artifacts::{read_equity, EquitySeries};
use crate::engine::research::report::{config_pairs, RunReport};
use crate::engine::workspace::Workspace;

use super::trades::TradeTable;

/// A run with everything its artifacts hold; a failed run has empty series and trades.
#[derive(Debug, Clone)]
pub struct RunDetail {
    pub report: RunReport,
    pub equity: EquitySeries,
    pub trades: TradeTable,
    /// The run's configuration, then its data and the data's fingerprint, as label/value rows.
    pub config: Vec<(String, String)>,
}

impl RunDetail {
    /// Read `report`'s artifacts from `ws`, keeping at most `trade_limit` trade rows.
    pub fn read(ws: &Workspace, report: RunReport, trade_limit: Option<usize>) -> Result<RunDetail> {
        let root = ws.root();
        let equity = match &report.artifacts.equity_parquet {
            Some(p) => read_equity(&root.join(p))?,
            None => EquitySeries::default(),
        };
        let trades = match &report.artifacts.trades_csv {
            Some(p) => TradeTable::read(&root.join(p), trade_limit)?,
            None => TradeTable::default(),
        };
        let mut config = config_pairs(&report.config);
        let d = &report.data;
        config.push(("data".into(), format!("{} {} ({} rows)", d.symbol, d.timeframe, d.rows)));
        config.push(("fingerprint".into(), d.fingerprint.clone()));
        Ok(RunDetail { report, equity, trades, config })
    }

    /// The equity curve divided by its first value (1.0 at the start), for comparing runs of
    /// different sizes on one chart.
    pub fn normalized_equity(&self) -> Vec<f64> {
        let first = self.equity.equity.first().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
        self.equity.equity.iter().map(|x| x / first).collect()
    }
}
