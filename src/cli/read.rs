//! `quantlab runs trades|equity` and `quantlab sweeps grid`: the engine's read models, the
//! same ones the console and the HTML report draw, printed for scripts and terminals.

use serde_json::json;

use super::output::Outcome;
use crate::engine::read::{points, SweepGrid, TradeTable};
use crate::engine::time::fmt_ms;
use crate::engine::{Engine, Result};

/// A number, or a percentage, reads right-aligned.
fn numeric(cell: &str) -> bool {
    cell.trim_end_matches('%').parse::<f64>().is_ok()
}

/// Text rows aligned on their widest cell; numbers right-aligned.
fn aligned(header: &[String], rows: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&width)
            .map(|(c, w)| if numeric(c) { format!("{c:>w$}") } else { format!("{c:<w$}") })
            .collect();
        format!("{}\n", parts.join("  ").trim_end())
    };
    let mut s = line(header);
    for r in rows {
        s.push_str(&line(r));
    }
    s
}

pub fn trades(engine: &Engine, id: &str, limit: Option<usize>) -> Result<Outcome> {
    let t: TradeTable = engine.research().trades(id, limit)?;
    let run_id = engine.research().show_run(id)?.run_id;
    let text = if t.total == 0 {
        "no trades\n".to_string()
    } else {
        let shown: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.iter().enumerate().map(|(i, c)| t.display_cell(i, c)).collect())
            .collect();
        let mut s = aligned(&t.columns, &shown);
        if t.rows.len() < t.total {
            s.push_str(&format!("({} of {} trades)\n", t.rows.len(), t.total));
        }
        s
    };
    let mut result = serde_json::to_value(&t)?;
    result["run_id"] = json!(run_id);
    Ok(Outcome::ok("runs trades", &result, text))
}

pub fn equity(engine: &Engine, id: &str, max_points: usize) -> Result<Outcome> {
    let d = engine.research().run_detail(id, Some(0))?;
    let e = &d.equity;
    let equity = points(&e.ts, &e.equity, max_points);
    let drawdown = points(&e.ts, &e.drawdown, max_points);
    let mut text = format!("equity: {} of {} bars\n", equity.len(), e.ts.len());
    for (t, v) in &equity {
        text.push_str(&format!("{}  {v:.2}\n", fmt_ms(*t)));
    }
    text.push_str(&format!("drawdown: {} of {} bars\n", drawdown.len(), e.ts.len()));
    for (t, v) in &drawdown {
        text.push_str(&format!("{}  {:.2}%\n", fmt_ms(*t), v * 100.0));
    }
    let result = json!({
        "run_id": d.report.run_id,
        "bars": e.ts.len(),
        "equity": equity,
        "drawdown": drawdown,
    });
    Ok(Outcome::ok("runs equity", &result, text))
}

pub fn sweep_grid(engine: &Engine, id: &str) -> Result<Outcome> {
    let g: SweepGrid = engine.research().sweep_grid(id)?;
    let corner = if g.y_name.is_empty() { g.x_name.clone() } else { format!("{} \\ {}", g.y_name, g.x_name) };
    let header: Vec<String> = std::iter::once(corner).chain(g.xs.iter().map(|x| x.to_string())).collect();
    let rows: Vec<Vec<String>> =
        g.ys.iter()
            .zip(&g.cells)
            .map(|(y, row)| {
                let label = if g.y_name.is_empty() { g.objective.clone() } else { y.to_string() };
                std::iter::once(label)
                    .chain(row.iter().map(|c| c.map_or("-".into(), |v| format!("{v:.3}"))))
                    .collect()
            })
            .collect();
    let mut text = format!("{} {} on {}: {}\n", g.sweep_id, g.strategy, g.objective, "best per cell");
    text.push_str(&aligned(&header, &rows));
    let top: Vec<Vec<String>> = g
        .ranking
        .iter()
        .take(10)
        .map(|r| {
            vec![
                r.rank.to_string(),
                r.params_text(),
                r.objective.map_or("-".into(), |v| format!("{v:.3}")),
                r.trade_count.to_string(),
            ]
        })
        .collect();
    let rank_header = ["rank", "params", g.objective.as_str(), "trades"].map(String::from);
    text.push('\n');
    text.push_str(&aligned(&rank_header, &top));
    if g.ranking.len() > top.len() {
        text.push_str(&format!("({} of {} combinations)\n", top.len(), g.ranking.len()));
    }
    Ok(Outcome::ok("sweeps grid", &g, text))
}
