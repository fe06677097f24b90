//! results.csv, results.parquet and the heatmaps of a sweep.

use std::fmt::Write as _;
use std::path::Path;

use polars::prelude::*;

use super::rank::score;
use super::types::{Combination, SweepConfig};
use crate::engine::backtest::metrics::METRIC_NAMES;
use crate::engine::data::store::write_parquet;
use crate::engine::error::Result;
use crate::engine::workspace::write_atomic;

fn cell(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// One row per combination: index, rank, objective, each parameter, each metric.
pub fn results_csv(cfg: &SweepConfig, combos: &[Combination]) -> String {
    let params: Vec<&str> = cfg.grid.iter().map(|(n, _)| n.as_str()).collect();
    let mut s = String::from("index,rank,objective");
    for p in &params {
        let _ = write!(s, ",{p}");
    }
    for m in METRIC_NAMES {
        let _ = write!(s, ",{m}");
    }
    s.push('\n');
    for c in combos {
        let _ = write!(s, "{},{},{}", c.index, c.rank, cell(c.objective));
        for p in &params {
            let _ = write!(s, ",{}", c.params[*p]);
        }
        for m in METRIC_NAMES {
            let _ = write!(s, ",{}", cell(c.metrics.get(m)));
        }
        s.push('\n');
    }
    s
}

pub fn write_results_parquet(path: &Path, cfg: &SweepConfig, combos: &[Combination]) -> Result<()> {
    let mut cols = vec![
        Column::new("index".into(), combos.iter().map(|c| c.index as u64).collect::<Vec<_>>()),
        Column::new("rank".into(), combos.iter().map(|c| c.rank as u64).collect::<Vec<_>>()),
        Column::new("objective".into(), combos.iter().map(|c| c.objective).collect::<Vec<_>>()),
    ];
    for (p, _) in &cfg.grid {
        cols.push(Column::new(p.as_str().into(), combos.iter().map(|c| c.params[p]).collect::<Vec<_>>()));
    }
    for m in METRIC_NAMES {
        cols.push(Column::new((*m).into(), combos.iter().map(|c| c.metrics.get(m)).collect::<Vec<_>>()));
    }
    write_parquet(path, &mut DataFrame::new_infer_height(cols)?)
}

/// The objective over two parameters: rows are `a`'s values, columns `b`'s; each cell is the
/// best objective among combinations with those two values (other parameters free). Empty
/// cells: no valid combination there.
pub fn heatmap_csv(cfg: &SweepConfig, combos: &[Combination], a: &str, b: &str) -> String {
    let values =
        |name: &str| cfg.grid.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (va, vb) = (values(a), values(b));
    let mut s = format!("{a}\\{b}");
    for x in &vb {
        let _ = write!(s, ",{x}");
    }
    s.push('\n');
    for x in &va {
        let _ = write!(s, "{x}");
        for y in &vb {
            let best = combos
                .iter()
                .filter(|c| c.params[a] == *x && c.params[b] == *y)
                .filter_map(|c| score(&cfg.objective, Some(&c.metrics)).map(|sc| (sc, c.objective)))
                .max_by(|p, q| p.0.total_cmp(&q.0))
                .and_then(|(_, v)| v);
            let _ = write!(s, ",{}", cell(best));
        }
        s.push('\n');
    }
    s
}

/// Write every pair's heatmap; returns their paths relative to the sweep folder.
pub fn write_heatmaps(dir: &Path, cfg: &SweepConfig, combos: &[Combination]) -> Result<Vec<String>> {
    let names: Vec<&str> = cfg.grid.iter().map(|(n, _)| n.as_str()).collect();
    let mut out = Vec::new();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            let text = heatmap_csv(cfg, combos, names[i], names[j]);
            if out.is_empty() {
                write_atomic(&dir.join("heatmap.csv"), text.as_bytes())?;
                out.push("heatmap.csv".to_string());
            }
            let f = format!("heatmap_{}_{}.csv", names[i], names[j]);
            write_atomic(&dir.join(&f), text.as_bytes())?;
            out.push(f);
        }
    }
    Ok(out)
}
