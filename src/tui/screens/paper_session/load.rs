//! What a paper session's view reads: the engine's detail, its equity downsampled for the chart.

use crate::engine::{Engine, Result};
use crate::tui::widgets::list_cursor::ListCursor;
use crate::tui::widgets::series::{downsample, Series, CHART_POINTS};

/// One paper session: its summary and health, equity chart, orders and fills.
#[derive(Debug, Clone)]
pub struct PaperDetailView {
    pub detail: crate::engine::paper::Detail,
    pub equity: Series,
    /// Rows scrolled from the newest order and fill.
    pub scroll: ListCursor,
}

pub(crate) fn load(engine: &Engine, id: &str) -> Result<PaperDetailView> {
    let detail = engine.paper().detail(id)?;
    let (ts, eq): (Vec<i64>, Vec<f64>) = detail.equity.iter().copied().unzip();
    let equity = downsample(&ts, &eq, CHART_POINTS);
    Ok(PaperDetailView { detail, equity, scroll: ListCursor::default() })
}
