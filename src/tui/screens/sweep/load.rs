//! What a sweep's view reads: its combinations ranked, and the best objective on a grid of the
//! first two parameters (the heatmap).

use crate::engine::research::sweep::rank::score;
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
    let r = engine.research().show_sweep(id)?;
    let mut ranked: Vec<_> = r.combinations.iter().collect();
    ranked.sort_by_key(|c| c.rank);
    let ranking = ranked
        .iter()
        .map(|c| {
            let p = c.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
            (c.rank, p, c.objective, c.metrics.total_return, c.metrics.sharpe, c.metrics.trade_count)
        })
        .collect();
    let names: Vec<String> = r.config.grid.iter().map(|(n, _)| n.clone()).collect();
    let vals = |i: usize| r.config.grid.get(i).map(|(_, v)| v.clone()).unwrap_or_default();
    let two = names.len() >= 2;
    let (xs, ys) = if two { (vals(1), vals(0)) } else { (vals(0), vec![0.0]) };
    let cells = ys
        .iter()
        .map(|y| {
            xs.iter()
                .map(|x| {
                    r.combinations
                        .iter()
                        .filter(|c| {
                            if two {
                                c.params[&names[1]] == *x && c.params[&names[0]] == *y
                            } else {
                                c.params[&names[0]] == *x
                            }
                        })
                        .filter_map(|c| {
                            score(&r.config.objective, Some(&c.metrics)).map(|s| (s, c.objective))
                        })
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .and_then(|(_, v)| v)
                })
                .collect()
        })
        .collect();
    Ok(SweepView {
        sweep_id: r.sweep_id.clone(),
        strategy: r.config.strategy.clone(),
        objective: r.config.objective.clone(),
        ranking,
        x_name: if two { names[1].clone() } else { names.first().cloned().unwrap_or_default() },
        y_name: if two { names[0].clone() } else { String::new() },
        xs,
        ys,
        cells,
        scroll: Default::default(),
    })
}
