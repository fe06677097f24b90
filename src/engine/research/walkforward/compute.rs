//! The walk-forward computation, pure: bars in, folds and stitched out-of-sample results out.

use serde::{Deserialize, Serialize};

use super::folds::FoldRange;
use crate::engine::backtest::metrics::{self, Metrics, MetricsInput};
use crate::engine::backtest::{simulate, BacktestConfig, Trade};
use crate::engine::data::Bars;
use crate::engine::error::Result;
use crate::engine::research::sweep::exec::evaluate_all;
use crate::engine::strategy::{Params, Strategy};
use crate::engine::time::fmt_ms;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fold {
    pub index: usize,
    pub range: FoldRange,
    pub train_first: String,
    pub train_last: String,
    pub test_first: String,
    pub test_last: String,
    /// Parameters chosen on the training window alone.
    pub chosen: Params,
    pub in_sample_objective: Option<f64>,
    pub out_of_sample_objective: Option<f64>,
    /// out_of_sample_objective - in_sample_objective.
    pub degradation: Option<f64>,
    pub in_sample: Metrics,
    pub out_of_sample: Metrics,
}

#[derive(Debug, Clone)]
pub struct WalkForwardResult {
    pub folds: Vec<Fold>,
    pub oos_ts: Vec<i64>,
    pub oos_equity: Vec<f64>,
    pub oos_trades: Vec<Trade>,
    pub oos_metrics: Metrics,
}

fn mean(xs: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = xs.flatten().collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

impl WalkForwardResult {
    pub fn mean_in_sample(&self) -> Option<f64> {
        mean(self.folds.iter().map(|f| f.in_sample_objective))
    }
    pub fn mean_out_of_sample(&self) -> Option<f64> {
        mean(self.folds.iter().map(|f| f.out_of_sample_objective))
    }
    /// Walk-forward efficiency: mean out-of-sample objective / mean in-sample objective.
    pub fn efficiency(&self) -> Option<f64> {
        match (self.mean_out_of_sample(), self.mean_in_sample()) {
            (Some(o), Some(i)) if i != 0.0 => Some(o / i),
            _ => None,
        }
    }
}

/// For each fold: choose on `bars[train]` only (a copy, so no test bar can be seen), then
/// trade the choice on the test window starting flat with the equity carried from the previous
/// fold, closing any position at the window's end.
#[allow(clippy::too_many_arguments)]
pub fn compute(
    bars: &Bars,
    combos: &[(usize, &Params, &dyn Strategy)],
    cfg: &BacktestConfig,
    ppy: f64,
    objective: &str,
    folds: &[FoldRange],
    jobs: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<WalkForwardResult> {
    let mut out_folds = Vec::with_capacity(folds.len());
    let (mut oos_ts, mut oos_equity, mut oos_exposure, mut oos_close) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut oos_trades = Vec::new();
    let mut equity = cfg.cash;
    progress(0, folds.len());
    for (k, f) in folds.iter().enumerate() {
        let train = bars.slice(f.train_start, f.train_end);
        let ranked = evaluate_all(&train, combos, cfg, ppy, objective, jobs, &|_, _| {})?;
        let best = ranked
            .iter()
            .find(|c| c.rank == 1)
            .ok_or(crate::engine::research::sweep::SweepError::NothingRanked)?;
        let strat =
            combos.iter().find(|(i, _, _)| *i == best.index).map(|(_, _, s)| *s).expect("ranked from combos");

        // Decide with history up to the end of the test window (never beyond), trade the window.
        let targets = strat.targets(&bars.slice(0, f.test_end));
        let test = bars.slice(f.test_start, f.test_end);
        let fold_cfg = BacktestConfig { cash: equity, close_at_end: true, ..cfg.clone() };
        let r = simulate(&test, &targets[f.test_start..f.test_end], &fold_cfg);
        let oos = metrics::compute(&MetricsInput {
            ts: &test.ts,
            equity: &r.equity,
            exposure: &r.position,
            close: &test.close,
            trades: &r.trades,
            initial_cash: equity,
            periods_per_year: ppy,
        });
        equity = *r.equity.last().unwrap_or(&equity);
        let oos_obj = oos.get(objective).filter(|v| v.is_finite());
        out_folds.push(Fold {
            index: k,
            range: *f,
            train_first: fmt_ms(train.ts[0]),
            train_last: fmt_ms(*train.ts.last().expect("non-empty")),
            test_first: fmt_ms(test.ts[0]),
            test_last: fmt_ms(*test.ts.last().expect("non-empty")),
            chosen: best.params.clone(),
            in_sample_objective: best.objective,
            out_of_sample_objective: oos_obj,
            degradation: oos_obj.zip(best.objective).map(|(o, i)| o - i),
            in_sample: best.metrics.clone(),
            out_of_sample: oos,
        });
        oos_ts.extend_from_slice(&test.ts);
        oos_close.extend_from_slice(&test.close);
        oos_equity.extend_from_slice(&r.equity);
        oos_exposure.extend_from_slice(&r.position);
        oos_trades.extend(r.trades.into_iter().map(|mut t| {
            t.entry_bar += f.test_start;
            t.exit_bar += f.test_start;
            t
        }));
        progress(k + 1, folds.len());
    }
    let oos_metrics = metrics::compute(&MetricsInput {
        ts: &oos_ts,
        equity: &oos_equity,
        exposure: &oos_exposure,
        close: &oos_close,
        trades: &oos_trades,
        initial_cash: cfg.cash,
        periods_per_year: ppy,
    });
    Ok(WalkForwardResult { folds: out_folds, oos_ts, oos_equity, oos_trades, oos_metrics })
}
