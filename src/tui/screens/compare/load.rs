//! What the compare view reads: the engine's comparison and each run's equity, normalised to
//! its first value so the curves share one axis.

use crate::engine::research::Comparison;
use crate::engine::{Engine, Result};
use crate::tui::widgets::series::Series;
use crate::tui::widgets::series::{downsample, CHART_POINTS};

#[derive(Debug, Clone)]
pub struct CompareView {
    pub cmp: Comparison,
    /// Equity of each run divided by its first value, so curves share one axis.
    pub curves: Vec<(String, Series)>,
}

pub(crate) fn load(engine: &Engine, ids: &[String]) -> Result<CompareView> {
    let research = engine.research();
    let cmp = research.compare_runs(ids)?;
    let mut curves = Vec::new();
    for id in &cmp.runs {
        let d = research.run_detail(id, Some(0))?;
        if d.report.artifacts.equity_parquet.is_some() {
            curves.push((id.clone(), downsample(&d.equity.ts, &d.normalized_equity(), CHART_POINTS)));
        }
    }
    Ok(CompareView { cmp, curves })
}
