//! The files of a run besides report.json: trades.csv, equity.parquet, report.md.

use std::fmt::Write as _;

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::report::RunReport;
use crate::engine::backtest::{BacktestResult, Trade};
use crate::engine::data::store::write_parquet;
use crate::engine::data::Bars;
use crate::engine::error::Result;
use crate::engine::time::fmt_ms;

pub const TRADES_HEADER: &str =
    "trade,side,entry_time,entry_bar,entry_price,exit_time,exit_bar,exit_price,qty,fees,pnl,return,status";

/// The canonical trade list: fixed columns, RFC 3339 times, floats in Rust's shortest
/// round-trip form. Same inputs, same bytes; `trades_hash` is the sha256 of these bytes.
pub fn trades_csv(trades: &[Trade]) -> String {
    let mut s = String::with_capacity(64 + trades.len() * 160);
    s.push_str(TRADES_HEADER);
    s.push('\n');
    for (i, t) in trades.iter().enumerate() {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            i + 1,
            t.side.as_str(),
            fmt_ms(t.entry_ts),
            t.entry_bar,
            t.entry_price,
            fmt_ms(t.exit_ts),
            t.exit_bar,
            t.exit_price,
            t.qty,
            t.fees,
            t.pnl,
            t.ret,
            if t.open { "open" } else { "closed" }
        );
    }
    s
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Per-bar equity, drawdown from the running peak, position and exposure.
pub fn write_equity(path: &std::path::Path, bars: &Bars, r: &BacktestResult) -> Result<()> {
    write_equity_series(path, &bars.ts, &r.equity, &r.position, &r.exposure(&bars.close), r.initial_cash)
}

/// The equity.parquet layout: timestamp, equity, drawdown (from the running peak, which
/// starts at `initial`), position, exposure.
pub fn write_equity_series(
    path: &std::path::Path,
    ts: &[i64],
    equity: &[f64],
    position: &[f64],
    exposure: &[f64],
    initial: f64,
) -> Result<()> {
    let drawdown = drawdown(equity, initial);
    let ts = Series::new("timestamp".into(), ts).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?;
    let mut df = DataFrame::new_infer_height(vec![
        ts.into(),
        Column::new("equity".into(), equity),
        Column::new("drawdown".into(), drawdown),
        Column::new("position".into(), position),
        Column::new("exposure".into(), exposure),
    ])?;
    write_parquet(path, &mut df)
}

/// equity / running peak - 1, the peak starting at `initial`.
pub fn drawdown(equity: &[f64], initial: f64) -> Vec<f64> {
    let mut peak = initial;
    equity
        .iter()
        .map(|&e| {
            peak = peak.max(e);
            if peak > 0.0 {
                e / peak - 1.0
            } else {
                0.0
            }
        })
        .collect()
}

/// A run's per-bar series as written by [`write_equity_series`].
#[derive(Debug, Clone, Default)]
pub struct EquitySeries {
    pub ts: Vec<i64>,
    pub equity: Vec<f64>,
    pub drawdown: Vec<f64>,
    pub position: Vec<f64>,
    pub exposure: Vec<f64>,
}

pub fn read_equity(path: &std::path::Path) -> Result<EquitySeries> {
    let file =
        std::fs::File::open(path).map_err(|e| crate::engine::error::Error::io("cannot open", path, e))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|source| super::ResearchError::CorruptEquity { path: path.into(), source })?;
    let f = |name: &str| -> Result<Vec<f64>> { Ok(df.column(name)?.f64()?.into_no_null_iter().collect()) };
    let ts_phys = df.column("timestamp")?.to_physical_repr();
    Ok(EquitySeries {
        ts: ts_phys.i64()?.into_no_null_iter().collect(),
        equity: f("equity")?,
        drawdown: f("drawdown")?,
        position: f("position")?,
        exposure: f("exposure")?,
    })
}

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{:.2}%", v * 100.0))
}

fn num(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{v:.3}"))
}

/// A human summary of the run.
pub fn report_md(r: &RunReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Run {}\n", r.run_id);
    let _ = writeln!(s, "- status: {:?}", r.status);
    let _ = writeln!(s, "- created: {}", r.created_at);
    if let Some(l) = &r.label {
        let _ = writeln!(s, "- label: {l}");
    }
    let params: Vec<String> = r.config.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(s, "- strategy: {} {}", r.config.strategy, params.join(" "));
    let _ = writeln!(
        s,
        "- data: {} {} ({} rows, {} .. {}), fingerprint {}",
        r.data.symbol,
        r.data.timeframe,
        r.data.rows,
        r.data.first.as_deref().unwrap_or("-"),
        r.data.last.as_deref().unwrap_or("-"),
        &r.data.fingerprint[..12.min(r.data.fingerprint.len())]
    );
    let b = &r.config.backtest;
    let _ = writeln!(
        s,
        "- costs: fee {} bps, slippage {} bps; fill {}; sizing {}{}; {}",
        b.fee_bps,
        b.slippage_bps,
        b.fill.as_str(),
        b.sizing.label(),
        if b.whole_units { " (whole units)" } else { "" },
        if b.allow_short { "long and short" } else { "long only" }
    );
    if let Some(e) = &r.error {
        let _ = writeln!(s, "\n**Failed** ({}): {}", e.code, e.message);
    }
    if let Some(m) = &r.metrics {
        let _ = writeln!(s, "\n| metric | value |\n|---|---|");
        for (k, v) in [
            ("initial cash", format!("{:.2}", m.initial_cash)),
            ("final equity", format!("{:.2}", m.final_equity)),
            ("total return", pct(Some(m.total_return))),
            ("CAGR", pct(m.cagr)),
            ("volatility (ann.)", pct(m.volatility_ann)),
            ("Sharpe", num(m.sharpe)),
            ("Sortino", num(m.sortino)),
            ("max drawdown", pct(Some(m.max_drawdown))),
            ("max drawdown duration", format!("{:.1} days", m.max_drawdown_duration_days)),
            ("Calmar", num(m.calmar)),
            ("trades (closed / open)", format!("{} / {}", m.trade_count, m.open_trades)),
            ("win rate", pct(m.win_rate)),
            ("profit factor", num(m.profit_factor)),
            ("expectancy", num(m.expectancy)),
            (
                "avg / best / worst trade",
                format!(
                    "{} / {} / {}",
                    pct(m.avg_trade_return),
                    pct(m.best_trade_return),
                    pct(m.worst_trade_return)
                ),
            ),
            ("exposure", pct(Some(m.exposure))),
            ("buy and hold", pct(Some(m.buy_and_hold_return))),
            ("fees", format!("{:.2}", m.total_fees)),
        ] {
            let _ = writeln!(s, "| {k} | {v} |");
        }
    }
    if let Some(h) = &r.trades_hash {
        let _ = writeln!(s, "\ntrades_hash: `{h}`");
    }
    s
}
