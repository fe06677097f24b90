//! The files of a run besides report.json: trades.csv, equity.parquet, report.md.

use std::fmt::Write as _;

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::report::RunReport;
use crate::engine::backtest::{BacktestResult, Trade};
use crate::engine::data::plain_parquet::write_plain;
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

/// Per-bar equity, drawdown from the running peak, position and exposure. Takes the bars and
/// the result: their vectors become the file's columns without a copy, and what the file does
/// not hold is freed first (a 1M-bar run's peak memory is here).
pub fn write_equity(path: &std::path::Path, bars: Bars, r: BacktestResult) -> Result<()> {
    let Bars { ts, close, open, high, low, volume } = bars;
    drop((open, high, low, volume));
    let exposure = r.exposure(&close);
    drop(close);
    let drawdown = drawdown(&r.equity, r.initial_cash);
    write_equity_columns(path, ts, r.equity, drawdown, r.position, exposure)
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
    write_equity_columns(path, ts.to_vec(), equity.to_vec(), drawdown, position.to_vec(), exposure.to_vec())
}

fn write_equity_columns(
    path: &std::path::Path,
    ts: Vec<i64>,
    equity: Vec<f64>,
    drawdown: Vec<f64>,
    position: Vec<f64>,
    exposure: Vec<f64>,
) -> Result<()> {
    let f64_col = |name: &str, v: Vec<f64>| Column::from(Float64Chunked::from_vec(name.into(), v).into_series());
    let ts = Int64Chunked::from_vec("timestamp".into(), ts).into_datetime(TimeUnit::Milliseconds, None);
    let mut df = DataFrame::new_infer_height(vec![
        Column::from(ts.into_series()),
        f64_col("equity", equity),
        f64_col("drawdown", drawdown),
        f64_col("position", position),
        f64_col("exposure", exposure),
    ])?;
    write_plain(path, &mut df, EQUITY_CODEC)
}

/// equity.parquet's codec. zstd took a fifth of a 1M-bar run for a file that is written on
/// every run and read whole by a chart or a notebook: LZ4_RAW (the Parquet format's own LZ4
/// codec, read by pyarrow, DuckDB, Spark 3.3+, polars) compresses at memory speed and stays a
/// Parquet file any of them opens. Plain-encoded, without column statistics (see
/// [`write_plain`]): neither a dictionary nor min/max helps a series read whole.
pub const EQUITY_CODEC: polars_parquet::write::CompressionOptions =
    polars_parquet::write::CompressionOptions::Lz4Raw;

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
