//! `quantlab report ID --html`: a run or a sweep as one self-contained HTML file.

use std::path::{Path, PathBuf};

use super::error::ResearchError;
use super::report::{config_pairs, RunReport};
use super::sweep::{self, SweepReport};
use super::tearsheet::{run_html, sweep_html, Kv, RunSheet, SweepSheet, TradeRow};
use crate::engine::data::catalog;
use crate::engine::error::Result;
use crate::engine::read::{RunDetail, SweepGrid};
use crate::engine::workspace::{write_atomic, Workspace};

fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |x| format!("{:.2}%", x * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |x| format!("{x:.3}"))
}

fn kv(label: &str, value: String) -> Kv {
    Kv { label: label.into(), value }
}

fn params_text(p: &std::collections::BTreeMap<String, f64>) -> String {
    p.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
}

/// Config as label/value rows.
fn config_rows<T: serde::Serialize>(config: &T) -> Vec<Kv> {
    config_pairs(config).into_iter().map(|(label, value)| Kv { label, value }).collect()
}

/// Render a run (or portfolio) report; returns the HTML.
pub fn run_page(ws: &Workspace, r: &RunReport) -> Result<String> {
    let m = r.metrics.as_ref().ok_or_else(|| ResearchError::NoResults(r.run_id.clone()))?;
    if r.artifacts.equity_parquet.is_none() {
        return Err(ResearchError::NoEquityFile.into());
    }
    let detail = RunDetail::read(ws, r.clone(), None)?;
    let eq = &detail.equity;
    // Buy and hold over the same bars, when the data is still at hand.
    let benchmark: Option<Vec<f64>> =
        catalog::resolve(ws, r.data.id.as_deref().unwrap_or(&r.data.path)).ok().and_then(|d| {
            let first = d.bars.ts.binary_search(eq.ts.first()?).ok()?;
            let c0 = d.bars.close[first];
            Some(
                d.bars.close[first..first + eq.ts.len()]
                    .iter()
                    .map(|c| r.config.backtest.cash * c / c0)
                    .collect(),
            )
        });
    let headline = vec![
        kv("Total return", pct(Some(m.total_return))),
        kv("CAGR", pct(m.cagr)),
        kv("Sharpe", num(m.sharpe)),
        kv("Max drawdown", pct(Some(m.max_drawdown))),
        kv("Trades", format!("{}", m.trade_count)),
        kv("Win rate", pct(m.win_rate)),
    ];
    let metrics = vec![
        kv("Initial cash", format!("{:.2}", m.initial_cash)),
        kv("Final equity", format!("{:.2}", m.final_equity)),
        kv("Volatility (ann.)", pct(m.volatility_ann)),
        kv("Sortino", num(m.sortino)),
        kv("Calmar", num(m.calmar)),
        kv("Max drawdown duration", format!("{:.1} days", m.max_drawdown_duration_days)),
        kv("Profit factor", num(m.profit_factor)),
        kv("Expectancy", num(m.expectancy)),
        kv("Average trade", pct(m.avg_trade_return)),
        kv("Best trade", pct(m.best_trade_return)),
        kv("Worst trade", pct(m.worst_trade_return)),
        kv("Exposure", pct(Some(m.exposure))),
        kv("Buy and hold", pct(Some(m.buy_and_hold_return))),
        kv("Fees", format!("{:.2}", m.total_fees)),
        kv("Open trades", format!("{}", m.open_trades)),
    ];
    let config: Vec<Kv> = detail.config.iter().map(|(label, value)| kv(label, value.clone())).collect();
    let table = &detail.trades;
    let trades: Vec<TradeRow> = table
        .rows
        .iter()
        .map(|row| TradeRow {
            cells: row.iter().enumerate().map(|(i, c)| table.display_cell(i, c)).collect(),
        })
        .collect();
    let subtitle = format!(
        "{} {} on {} {}, {} .. {}",
        r.config.strategy,
        params_text(&r.config.params),
        r.data.symbol,
        r.data.timeframe,
        r.data.first.as_deref().unwrap_or("-"),
        r.data.last.as_deref().unwrap_or("-")
    );
    Ok(run_html(&RunSheet {
        title: &format!("Run {}", r.run_id),
        subtitle: &subtitle,
        headline: &headline,
        metrics: &metrics,
        config: &config,
        ts: &eq.ts,
        equity: &eq.equity,
        drawdown: &eq.drawdown,
        benchmark: benchmark.as_deref(),
        trade_header: &table.columns,
        trades: &trades,
    }))
}

pub fn sweep_page(r: &SweepReport) -> String {
    let grid = SweepGrid::of(r);
    let ranking_header: Vec<String> =
        ["rank", "params", &r.config.objective, "total return", "sharpe", "max dd", "trades"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let ranking: Vec<TradeRow> = grid
        .ranking
        .iter()
        .map(|c| TradeRow {
            cells: vec![
                c.rank.to_string(),
                c.params_text(),
                num(c.objective),
                pct(Some(c.total_return)),
                num(c.sharpe),
                pct(Some(c.max_drawdown)),
                c.trade_count.to_string(),
            ],
        })
        .collect();
    let best = grid.ranking.first();
    let headline = vec![
        kv("Combinations", r.combinations.len().to_string()),
        kv(&format!("Best {}", r.config.objective), num(best.and_then(|c| c.objective))),
        kv("Best params", best.map(|c| c.params_text()).unwrap_or_default()),
        kv("Data rows", r.data.rows.to_string()),
    ];
    let mut config = config_rows(&r.config);
    config.push(kv("data", format!("{} {} ({})", r.data.symbol, r.data.timeframe, r.data.fingerprint)));
    sweep_html(&SweepSheet {
        title: &format!("Sweep {}", r.sweep_id),
        subtitle: &format!("{} on {} {}", r.config.strategy, r.data.symbol, r.data.timeframe),
        objective: &r.config.objective,
        headline: &headline,
        config: &config,
        x_name: &grid.x_name,
        x_values: &grid.xs,
        y_name: &grid.y_name,
        y_values: &grid.ys,
        cells: &grid.cells,
        ranking_header: &ranking_header,
        ranking: &ranking,
    })
}

/// Write the HTML report of a run or sweep id to `out` (default: beside its report). Returns
/// the path written.
pub fn write_report(
    ws: &Workspace,
    id: &str,
    out: Option<&Path>,
    show_run: &dyn Fn(&str) -> Result<RunReport>,
) -> Result<PathBuf> {
    let (html, default) = if id.starts_with("sweep_") {
        let r = sweep::load(ws, id)?;
        (sweep_page(&r), ws.root().join("sweeps").join(&r.sweep_id).join("report.html"))
    } else {
        let r = show_run(id)?;
        (run_page(ws, &r)?, ws.run_dir(&r.run_id).join("report.html"))
    };
    let path = out.map(Path::to_path_buf).unwrap_or(default);
    write_atomic(&path, html.as_bytes())?;
    Ok(path)
}
