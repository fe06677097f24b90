//! What a sweep's view reads: the engine's grid of the sweep (the best objective over the first
//! two parameters, the heatmap) and its ranking.

use crate::engine::{Engine, Result};
use crate::tui::widgets::list_cursor::ListCursor;

/// One ranking line: rank, params, objective, total return, Sharpe, trades.
pub(crate) type RankRow = (usize, String, Option<f64>, f64, Option<f64>, usize);

#[derive(Debug, Clone)]
pub struct SweepView {
    pub sweep_id: String,
    pub strategy: String,
    pub objective: String,
    pub ranking: Vec<RankRow>,
    pub x_name: String,
    pub y_name: String,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// `cells[row][col]` over `ys` x `xs`: the best objective there.
    pub cells: Vec<Vec<Option<f64>>>,
    /// The first ranking row shown.
    pub scroll: ListCursor,
}

pub(crate) fn load(engine: &Engine, id: &str) -> Result<SweepView> {
    let g = engine.research().sweep_grid(id)?;
    let ranking = g
        .ranking
        .iter()
        .map(|c| (c.rank, c.params_text(), c.objective, c.total_return, c.sharpe, c.trade_count))
        .collect();
    Ok(SweepView {
        sweep_id: g.sweep_id,
        strategy: g.strategy,
        objective: g.objective,
        ranking,
        x_name: g.x_name,
        y_name: g.y_name,
        xs: g.xs,
        ys: g.ys,
        cells: g.cells,
        scroll: Default::default(),
    })
}
