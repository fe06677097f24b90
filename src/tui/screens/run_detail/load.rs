//! What the run detail reads: the engine's read model of the run (report, series, trades,
//! configuration), its equity and drawdown downsampled for the chart.

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
    let d = engine.research().run_detail(id, Some(MAX_TRADES))?;
    let e = &d.equity;
    Ok(RunDetail {
        equity: downsample(&e.ts, &e.equity, CHART_POINTS),
        drawdown: downsample(&e.ts, &e.drawdown, CHART_POINTS),
        trade_header: d.trades.columns,
        trades: d.trades.rows,
        config: d.config,
        report: d.report,
        scroll: Default::default(),
    })
}
