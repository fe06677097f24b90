//! What the compare view reads: the engine's comparison and each run's equity, normalised to
//! its first value so the curves share one axis.

use crate::engine::research::artifacts::read_equity;
use crate::engine::research::compare::Comparison;
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
    let cmp = engine.research().compare_runs(ids)?;
    let mut curves = Vec::new();
    for id in &cmp.runs {
        let r = engine.research().show_run(id)?;
        if let Some(p) = &r.artifacts.equity_parquet {
            let e = read_equity(&engine.workspace().root().join(p))?;
            let first = e.equity.first().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
            let norm: Vec<f64> = e.equity.iter().map(|x| x / first).collect();
            curves.push((id.clone(), downsample(&e.ts, &norm, CHART_POINTS)));
        }
    }
    Ok(CompareView { cmp, curves })
}
