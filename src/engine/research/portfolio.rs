//! `quantlab portfolio`: runs combined into one equity curve, recorded like a run.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::artifacts::{read_equity, report_md, write_equity_series, EquitySeries};
use super::error::ResearchError;
use super::index;
use super::report::*;
use crate::engine::backtest::metrics::{self, MetricsInput};
use crate::engine::backtest::BacktestConfig;

/// Largest weight `--weights` takes (they are normalized; a larger one only risks overflow).
pub const MAX_WEIGHT: f64 = 1e6;
use crate::engine::contract::{make_id, CONTRACT_VERSION, PORTFOLIO_SCHEMA, RUN_REPORT_SCHEMA};
use crate::engine::error::Result;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_atomic, write_json, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rebalance {
    /// Each sleeve starts at its weight and drifts.
    None,
    /// Back to the target weights at the first bar of every calendar month (UTC).
    Monthly,
}

impl Rebalance {
    pub fn parse(s: &str) -> Result<Rebalance> {
        match s {
            "none" => Ok(Rebalance::None),
            "monthly" => Ok(Rebalance::Monthly),
            _ => Err(ResearchError::Rebalance(s.into()).into()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortfolioRequest {
    pub runs: Vec<String>,
    /// One per run; default equal. Normalized to sum to 1.
    #[serde(default)]
    pub weights: Option<Vec<f64>>,
    pub rebalance: Rebalance,
    #[serde(default = "default_cash")]
    pub cash: f64,
    #[serde(default)]
    pub label: Option<String>,
}

fn default_cash() -> f64 {
    10_000.0
}

/// `runs/<pf_id>/portfolio.json`: what report.json cannot say about a portfolio.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortfolioDetail {
    pub schema: String,
    pub schema_version: u32,
    pub portfolio_id: String,
    pub runs: Vec<String>,
    pub weights: Vec<f64>,
    pub rebalance: Rebalance,
    /// Common bars used (the intersection of the runs' timestamps).
    pub bars: usize,
    /// Pearson correlation of the runs' per-bar returns, `runs` order.
    pub correlation: Vec<Vec<Option<f64>>>,
}

/// Timestamps present in every series, ascending.
fn common_ts(series: &[EquitySeries]) -> Vec<i64> {
    let mut common = series[0].ts.clone();
    for s in &series[1..] {
        common.retain(|t| s.ts.binary_search(t).is_ok());
    }
    common
}

fn returns_on(s: &EquitySeries, ts: &[i64]) -> Vec<f64> {
    let eq: Vec<f64> =
        ts.iter().map(|t| s.equity[s.ts.binary_search(t).expect("common timestamp")]).collect();
    eq.windows(2).map(|w| if w[0] > 0.0 { w[1] / w[0] - 1.0 } else { 0.0 }).collect()
}

fn correlation(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    if a.len() < 2 {
        return None;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

/// Year * 12 + month of a UTC timestamp: only month changes matter here.
fn month_of(ms: i64) -> i64 {
    let (y, m, _) = super::chart_scale::civil_from_ms(ms);
    y * 12 + i64::from(m)
}

/// Portfolio equity on the common timestamps.
pub fn combine(
    returns: &[Vec<f64>],
    ts: &[i64],
    weights: &[f64],
    rebalance: Rebalance,
    cash: f64,
) -> Vec<f64> {
    let mut sleeves: Vec<f64> = weights.iter().map(|w| w * cash).collect();
    let mut out = Vec::with_capacity(ts.len());
    out.push(cash);
    for t in 1..ts.len() {
        if rebalance == Rebalance::Monthly && month_of(ts[t]) != month_of(ts[t - 1]) {
            let total: f64 = sleeves.iter().sum();
            for (s, w) in sleeves.iter_mut().zip(weights) {
                *s = total * w;
            }
        }
        for (s, r) in sleeves.iter_mut().zip(returns) {
            *s *= 1.0 + r[t - 1];
        }
        out.push(sleeves.iter().sum());
    }
    out
}

pub fn portfolio(
    ws: &Workspace,
    req: &PortfolioRequest,
    show: &dyn Fn(&str) -> Result<RunReport>,
) -> Result<RunReport> {
    let started = Instant::now();
    super::run::check_label(req.label.as_deref())?;
    if req.runs.len() < 2 {
        return Err(ResearchError::TooFewRuns.into());
    }
    let weights = match &req.weights {
        None => vec![1.0 / req.runs.len() as f64; req.runs.len()],
        Some(w) if w.len() != req.runs.len() => {
            return Err(ResearchError::WeightCount { weights: w.len(), runs: req.runs.len() }.into())
        }
        Some(w)
            if w.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > MAX_WEIGHT)
                || w.iter().sum::<f64>() <= 0.0 =>
        {
            return Err(ResearchError::Weights { weights: w.clone(), max: MAX_WEIGHT }.into())
        }
        Some(w) => {
            let s: f64 = w.iter().sum();
            w.iter().map(|x| x / s).collect()
        }
    };
    crate::engine::backtest::config::check_cash(req.cash)?;
    let reports = req.runs.iter().map(|id| show(id)).collect::<Result<Vec<_>>>()?;
    for r in &reports {
        if r.status != RunStatus::Success || r.artifacts.equity_parquet.is_none() {
            return Err(ResearchError::RunNotSucceeded(r.run_id.clone()).into());
        }
    }
    let series = reports
        .iter()
        .map(|r| read_equity(&ws.root().join(r.artifacts.equity_parquet.as_deref().expect("checked"))))
        .collect::<Result<Vec<_>>>()?;
    let ts = common_ts(&series);
    if ts.len() < 2 {
        return Err(ResearchError::NoCommonBars.into());
    }
    let rets: Vec<Vec<f64>> = series.iter().map(|s| returns_on(s, &ts)).collect();
    let equity = combine(&rets, &ts, &weights, req.rebalance, req.cash);
    let ids: Vec<String> = reports.iter().map(|r| r.run_id.clone()).collect();
    let exposure: Vec<f64> = ts
        .iter()
        .map(|t| {
            series
                .iter()
                .zip(&weights)
                .map(|(s, w)| w * s.exposure[s.ts.binary_search(t).expect("common")])
                .sum()
        })
        .collect();
    let periods = reports.iter().map(|r| r.config.periods_per_year).fold(0.0, f64::max);
    let m = metrics::compute(&MetricsInput {
        ts: &ts,
        equity: &equity,
        exposure: &exposure,
        close: &equity,
        trades: &[],
        initial_cash: req.cash,
        periods_per_year: periods,
    });
    if let Some(name) = m.non_finite() {
        return Err(ResearchError::PortfolioNonFinite(name).into());
    }
    let correlation = rets.iter().map(|a| rets.iter().map(|b| correlation(a, b)).collect()).collect();

    let created = now_ms();
    let fp = hex::encode(Sha256::digest(
        reports.iter().map(|r| r.data.fingerprint.as_str()).collect::<Vec<_>>().join(","),
    ));
    let id = make_id("pf", created, format!("{ids:?}{weights:?}{:?}{created}", req.rebalance).as_bytes());
    let rel = |f: &str| format!("runs/{id}/{f}");
    let artifacts = Artifacts {
        report_json: rel("report.json"),
        report_md: Some(rel("report.md")),
        trades_csv: None,
        equity_parquet: Some(rel("equity.parquet")),
    };
    let params: BTreeMap<String, f64> =
        ids.iter().zip(&weights).map(|(r, w)| (format!("w:{r}"), *w)).collect();
    let symbols: Vec<&str> = reports.iter().map(|r| r.data.symbol.as_str()).collect();
    let report = RunReport {
        schema: RUN_REPORT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        run_id: id.clone(),
        created_at: fmt_ms(created),
        status: RunStatus::Success,
        label: req.label.clone(),
        config: RunConfig {
            strategy: "portfolio".into(),
            params,
            backtest: BacktestConfig { cash: req.cash, ..BacktestConfig::default() },
            start: Some(fmt_ms(ts[0])),
            end: Some(fmt_ms(*ts.last().expect("two or more"))),
            periods_per_year: periods,
        },
        data: DataRef {
            id: None,
            path: format!("runs/{id}/portfolio.json"),
            symbol: symbols.join("+"),
            timeframe: reports[0].data.timeframe.clone(),
            fingerprint: fp,
            rows: ts.len(),
            first: Some(fmt_ms(ts[0])),
            last: ts.last().map(|&t| fmt_ms(t)),
        },
        machine_contract: MachineContract {
            contract_version: CONTRACT_VERSION,
            run_id: id.clone(),
            status: RunStatus::Success,
            headline: headline(Some(&m)),
            artifacts: artifacts.clone(),
            error_code: None,
            error_message: None,
        },
        metrics: Some(m),
        trades_hash: None,
        artifacts,
        error: None,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    let detail = PortfolioDetail {
        schema: PORTFOLIO_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        portfolio_id: id.clone(),
        runs: ids,
        weights,
        rebalance: req.rebalance,
        bars: ts.len(),
        correlation,
    };
    let dir = ws.run_dir(&id);
    let written = (|| {
        write_equity_series(
            &dir.join("equity.parquet"),
            &ts,
            &equity,
            &vec![0.0; ts.len()],
            &exposure,
            req.cash,
        )?;
        write_json(&dir.join("portfolio.json"), &detail)?;
        write_atomic(&dir.join("report.md"), report_md(&report).as_bytes())?;
        write_json(&dir.join("report.json"), &report)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    index::upsert(ws, &report)?;
    Ok(report)
}

/// The portfolio detail of a portfolio run.
pub fn detail(ws: &Workspace, id: &str) -> Result<PortfolioDetail> {
    read_json(&ws.run_dir(id).join("portfolio.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buy_and_hold_weights_drift_and_monthly_resets_them() {
        // Two sleeves: one doubles on the second bar, the other is flat.
        let day = 86_400_000;
        let ts = [0, 40 * day, 80 * day]; // Jan 1, Feb 10, Mar 22 1970: two month changes
        let rets = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let none = combine(&rets, &ts, &[0.5, 0.5], Rebalance::None, 100.0);
        assert_eq!(none, vec![100.0, 150.0, 200.0]);
        let monthly = combine(&rets, &ts, &[0.5, 0.5], Rebalance::Monthly, 100.0);
        // Bar 2: rebalanced to 75/75 before the second sleeve doubles -> 75 + 150.
        assert_eq!(monthly, vec![100.0, 150.0, 225.0]);
    }

    #[test]
    fn correlation_of_opposites() {
        assert!((correlation(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(correlation(&[1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(month_of(0), 1970 * 12 + 1);
        assert_eq!(month_of(40 * 86_400_000), 1970 * 12 + 2);
    }
}
