//! What the run detail reads: the report, its equity and drawdown (downsampled for the
//! chart), the first trades and the configuration as pairs.

use crate::engine::research::artifacts::read_equity;
use crate::engine::research::report::config_pairs;
use crate::engine::research::RunReport;
use crate::engine::{Engine, Result};
use crate::tui::widgets::list_cursor::ListCursor;
use crate::tui::widgets::series::Series;
use crate::tui::widgets::series::{downsample, CHART_POINTS};

#[derive(Debug, Clone)]
pub struct RunDetail {
    pub report: RunReport,
    pub equity: Series,
    pub drawdown: Series,
    pub trade_header: Vec<String>,
    pub trades: Vec<Vec<String>>,
    pub config: Vec<(String, String)>,
    /// The first trade shown.
    pub scroll: ListCursor,
}

/// Trades kept for the detail view; the rest stay in trades.csv.
const MAX_TRADES: usize = 2_000;

pub(crate) fn load(engine: &Engine, id: &str) -> Result<RunDetail> {
    let report = engine.research().show_run(id)?;
    let root = engine.workspace().root();
    let (equity, drawdown) = match &report.artifacts.equity_parquet {
        Some(p) => {
            let e = read_equity(&root.join(p))?;
            (downsample(&e.ts, &e.equity, CHART_POINTS), downsample(&e.ts, &e.drawdown, CHART_POINTS))
        }
        None => (Vec::new(), Vec::new()),
    };
    let (trade_header, trades) = match &report.artifacts.trades_csv {
        Some(p) => {
            let text = std::fs::read_to_string(root.join(p)).unwrap_or_default();
            let mut lines = text.lines();
            let header = lines.next().unwrap_or_default().split(',').map(String::from).collect();
            (header, lines.take(MAX_TRADES).map(|l| l.split(',').map(String::from).collect()).collect())
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut config = config_pairs(&report.config);
    config.push((
        "data".into(),
        format!("{} {} ({} rows)", report.data.symbol, report.data.timeframe, report.data.rows),
    ));
    config.push(("fingerprint".into(), report.data.fingerprint.clone()));
    Ok(RunDetail { report, equity, drawdown, trade_header, trades, config, scroll: Default::default() })
}
