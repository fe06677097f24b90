//! A sweep as a grid of its objective over two parameters, and as a ranking: what the
//! console's sweep view, the tearsheet's heatmap and `quantlab sweeps grid` show.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::research::sweep::rank::score;
use crate::engine::research::sweep::{Combination, SweepReport};

/// The objective over the grid: columns are the second parameter (or the only one), rows the
/// first; a cell holds the best-scoring combination's objective at that point (other
/// parameters may vary), `None` where nothing scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepGrid {
    pub sweep_id: String,
    pub strategy: String,
    pub objective: String,
    pub x_name: String,
    /// Empty when the sweep varies one parameter (then `ys` is one row).
    pub y_name: String,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// `cells[row][col]`, row per `ys`, column per `xs`.
    pub cells: Vec<Vec<Option<f64>>>,
    /// Every combination by rank, best first.
    pub ranking: Vec<RankRow>,
}

/// One combination's place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankRow {
    pub rank: usize,
    pub params: BTreeMap<String, f64>,
    pub objective: Option<f64>,
    pub total_return: f64,
    pub sharpe: Option<f64>,
    pub max_drawdown: f64,
    pub trade_count: usize,
}

impl RankRow {
    /// `fast=10 slow=50`.
    pub fn params_text(&self) -> String {
        self.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
    }
}

impl SweepGrid {
    pub fn of(r: &SweepReport) -> SweepGrid {
        let names: Vec<&str> = r.config.grid.iter().map(|(n, _)| n.as_str()).collect();
        let values = |i: usize| r.config.grid.get(i).map(|(_, v)| v.clone()).unwrap_or_default();
        let two = names.len() >= 2;
        let (xi, yi) = if two { (1, Some(0)) } else { (0, None) };
        let (xs, ys) = (values(xi), yi.map_or(vec![0.0], values));
        let at = |c: &Combination, name: Option<&&str>, v: f64| name.is_none_or(|n| c.params[*n] == v);
        let cells = ys
            .iter()
            .map(|y| {
                xs.iter()
                    .map(|x| {
                        r.combinations
                            .iter()
                            .filter(|c| at(c, names.get(xi), *x) && at(c, yi.map(|i| &names[i]), *y))
                            .filter_map(|c| {
                                score(&r.config.objective, Some(&c.metrics)).map(|s| (s, c.objective))
                            })
                            .max_by(|a, b| a.0.total_cmp(&b.0))
                            .and_then(|(_, v)| v)
                    })
                    .collect()
            })
            .collect();
        let mut ranked: Vec<&Combination> = r.combinations.iter().collect();
        ranked.sort_by_key(|c| c.rank);
        let ranking = ranked
            .into_iter()
            .map(|c| RankRow {
                rank: c.rank,
                params: c.params.clone(),
                objective: c.objective,
                total_return: c.metrics.total_return,
                sharpe: c.metrics.sharpe,
                max_drawdown: c.metrics.max_drawdown,
                trade_count: c.metrics.trade_count,
            })
            .collect();
        SweepGrid {
            sweep_id: r.sweep_id.clone(),
            strategy: r.config.strategy.clone(),
            objective: r.config.objective.clone(),
            x_name: names.get(xi).map(|s| s.to_string()).unwrap_or_default(),
            y_name: yi.map(|i| names[i].to_string()).unwrap_or_default(),
            xs,
            ys,
            cells,
            ranking,
        }
    }
}
