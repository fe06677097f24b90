//! `quantlab strategies`, `quantlab run`, `quantlab runs ...`

use serde_json::json;

use super::args::{BacktestArgs, PortfolioArgs, RunArgs, RunsCmd};
use super::output::Outcome;
use crate::engine::backtest::{BacktestConfig, FillMode, Sizing};
use crate::engine::config::Config;
use crate::engine::research::IndexEntry;
use crate::engine::research::{Filter, Query};
use crate::engine::research::{PortfolioRequest, Rebalance};
use crate::engine::research::{RunReport, RunRequest, RunStatus};
use crate::engine::strategy::parse_pairs;
use crate::engine::{Engine, Result};

pub fn strategies(engine: &Engine) -> Outcome {
    let list = engine.research().strategies();
    let mut text = String::new();
    for s in &list {
        let params: Vec<String> = s.params.iter().map(|p| format!("{}={}", p.name, p.default)).collect();
        text.push_str(&format!("{:<20} {}\n{:<20} {}\n", s.name, params.join(" "), "", s.description));
    }
    Outcome::ok("strategies", &json!({ "strategies": list }), text)
}

/// Flags win over the workspace config, which wins over the built-in defaults.
pub fn backtest_config(engine: &Engine, a: &BacktestArgs) -> Result<BacktestConfig> {
    let cfg = Config::load(engine.workspace())?.research;
    let d = BacktestConfig::default();
    let fill = a.fill.clone().or(cfg.fill);
    let sizing = a.sizing.clone().or(cfg.sizing);
    Ok(BacktestConfig {
        cash: a.cash.or(cfg.cash).unwrap_or(d.cash),
        fee_bps: a.fee_bps.or(cfg.fee_bps).unwrap_or(d.fee_bps),
        slippage_bps: a.slippage_bps.or(cfg.slippage_bps).unwrap_or(d.slippage_bps),
        fill: fill.as_deref().map(FillMode::parse).transpose()?.unwrap_or(d.fill),
        sizing: sizing.as_deref().map(Sizing::parse).transpose()?.unwrap_or(d.sizing),
        whole_units: a.whole_units,
        allow_short: a.allow_short,
        close_at_end: a.close_at_end,
    })
}

fn request(engine: &Engine, a: &RunArgs) -> Result<RunRequest> {
    Ok(RunRequest {
        data: a.data.clone(),
        strategy: a.strategy.clone(),
        params: parse_pairs(&a.params)?,
        backtest: backtest_config(engine, &a.bt)?,
        start: a.bt.start.clone(),
        end: a.bt.end.clone(),
        label: a.label.clone(),
    })
}

pub fn run(engine: &Engine, a: &RunArgs) -> Result<Outcome> {
    let req = request(engine, a)?;
    let report = engine.research().run(&req)?;
    Ok(Outcome::ok("run", &report, summary(&report)))
}

pub fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |x| format!("{:.2}%", x * 100.0))
}

fn summary(r: &RunReport) -> String {
    let mut s = format!("{} {:?}\n", r.run_id, r.status);
    if let Some(m) = &r.metrics {
        s.push_str(&format!(
            "return {}  cagr {}  sharpe {}  max dd {}  trades {} (+{} open)  win {}  b&h {}\n",
            pct(Some(m.total_return)),
            pct(m.cagr),
            m.sharpe.map_or("n/a".into(), |x| format!("{x:.2}")),
            pct(Some(m.max_drawdown)),
            m.trade_count,
            m.open_trades,
            pct(m.win_rate),
            pct(Some(m.buy_and_hold_return)),
        ));
    }
    if let Some(e) = &r.error {
        s.push_str(&format!("failed: {}\n", e.message));
    }
    s.push_str(&format!("report: {}\n", r.artifacts.report_json));
    s
}

pub fn dispatch_runs(engine: &Engine, cmd: &RunsCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        RunsCmd::List { sort, desc, filters, limit } => (
            "runs list",
            (|| {
                let q = Query {
                    filters: filters.iter().map(|f| Filter::parse(f)).collect::<Result<_>>()?,
                    sort: sort.clone(),
                    desc: *desc,
                    limit: *limit,
                };
                let runs = engine.research().list_runs(&q)?;
                Ok(Outcome::ok("runs list", &json!({ "count": runs.len(), "runs": runs }), table(&runs)))
            })(),
        ),
        RunsCmd::Trades { id, limit } => ("runs trades", super::read::trades(engine, id, *limit)),
        RunsCmd::Equity { id, points } => ("runs equity", super::read::equity(engine, id, *points)),
        RunsCmd::Show { id } => (
            "runs show",
            (|| {
                let r = engine.research().show_run(id)?;
                let text = format!("{}{}", summary(&r), serde_json::to_string_pretty(&r.config)?);
                Ok(Outcome::ok("runs show", &r, text))
            })(),
        ),
        RunsCmd::Compare { ids } => (
            "runs compare",
            (|| {
                let c = engine.research().compare_runs(ids)?;
                let mut text = format!("{:<28}", "metric");
                for id in &c.runs {
                    text.push_str(&format!(" {:>28}", id));
                }
                text.push('\n');
                for (k, vals) in &c.metrics {
                    text.push_str(&format!("{k:<28}"));
                    for v in vals {
                        text.push_str(&format!(" {:>28}", v.map_or("-".into(), |x| format!("{x:.6}"))));
                    }
                    text.push('\n');
                }
                text.push_str("\nconfig differences:\n");
                if c.config_diff.is_empty() {
                    text.push_str("  none\n");
                }
                for (k, vals) in &c.config_diff {
                    let vs: Vec<String> = vals.iter().map(|v| v.to_string()).collect();
                    text.push_str(&format!("  {k}: {}\n", vs.join(" | ")));
                }
                Ok(Outcome::ok("runs compare", &c, text))
            })(),
        ),
        RunsCmd::RebuildIndex => (
            "runs rebuild-index",
            (|| {
                let o = engine.research().rebuild_index()?;
                let mut text = format!("indexed {} run(s)\n", o.indexed);
                for s in &o.skipped {
                    text.push_str(&format!("skipped {}: {}\n", s.folder, s.reason));
                }
                for t in &o.removed_temporaries {
                    text.push_str(&format!("removed {t} (left by a killed process)\n"));
                }
                Ok(Outcome::ok("runs rebuild-index", &o, text))
            })(),
        ),
    }
}

fn table(runs: &[IndexEntry]) -> String {
    if runs.is_empty() {
        return "no runs\n".into();
    }
    let mut s = format!(
        "{:<34} {:<7} {:<20} {:<22} {:>9} {:>7} {:>8} {:>6}\n",
        "run", "status", "strategy", "params", "return", "sharpe", "max dd", "trades"
    );
    for r in runs {
        let m = |k: &str| r.metrics.get(k).copied().flatten();
        s.push_str(&format!(
            "{:<34} {:<7} {:<20} {:<22} {:>9} {:>7} {:>8} {:>6}\n",
            r.run_id,
            if r.status == RunStatus::Success { "ok" } else { "failed" },
            r.strategy,
            r.params,
            pct(m("total_return")),
            m("sharpe").map_or("-".into(), |x| format!("{x:.2}")),
            pct(m("max_drawdown")),
            m("trade_count").map_or("-".into(), |x| format!("{x}")),
        ));
    }
    s
}

pub fn portfolio(engine: &Engine, a: &PortfolioArgs) -> Result<Outcome> {
    let req = PortfolioRequest {
        runs: a.runs.clone(),
        weights: a.weights.clone(),
        rebalance: Rebalance::parse(&a.rebalance)?,
        cash: a.cash,
        label: a.label.clone(),
    };
    let (report, detail) = engine.research().portfolio(&req)?;
    let mut text = summary(&report);
    text.push_str("correlation of returns:\n");
    for (id, row) in detail.runs.iter().zip(&detail.correlation) {
        let cells: Vec<String> =
            row.iter().map(|c| c.map_or("   n/a".into(), |x| format!("{x:>6.3}"))).collect();
        text.push_str(&format!("  {id:<32} {}\n", cells.join(" ")));
    }
    Ok(Outcome::ok("portfolio", &serde_json::json!({ "report": report, "portfolio": detail }), text))
}
