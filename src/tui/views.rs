//! Data prepared off the UI thread for the detail, compare, sweep and form views.

use crate::engine::alerts::AlertView;
use crate::engine::data::catalog::DatasetMeta;
use crate::engine::research::compare::Comparison;
use crate::engine::research::index::IndexEntry;
use crate::engine::research::sweep::SweepSummary;
use crate::engine::research::RunReport;
use crate::engine::strategy::StrategyInfo;

/// Points for a chart: (epoch ms as f64, value).
pub type Series = Vec<(f64, f64)>;

#[derive(Debug, Clone)]
pub struct RunDetail {
    pub report: RunReport,
    pub equity: Series,
    pub drawdown: Series,
    pub trade_header: Vec<String>,
    pub trades: Vec<Vec<String>>,
    pub config: Vec<(String, String)>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct CompareView {
    pub cmp: Comparison,
    /// Equity of each run divided by its first value, so curves share one axis.
    pub curves: Vec<(String, Series)>,
}

/// One ranking line: rank, params, objective, total return, Sharpe, trades.
pub type RankRow = (usize, String, Option<f64>, f64, Option<f64>, usize);

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
    pub scroll: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text,
    Choice(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub value: String,
}

/// What a form submits: a research run, or a paper session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Run,
    Paper,
}

/// The new-run (or new paper session) form; rebuilt when the strategy changes so its
/// parameters show their defaults.
#[derive(Debug, Clone)]
pub struct RunForm {
    pub kind: FormKind,
    pub datasets: Vec<DatasetMeta>,
    pub strategies: Vec<StrategyInfo>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
}

/// One paper session: its summary and health, equity chart, orders and fills.
#[derive(Debug, Clone)]
pub struct PaperDetailView {
    pub detail: crate::engine::paper::view::Detail,
    pub equity: Series,
    /// Rows scrolled from the newest order and fill.
    pub scroll: usize,
}

/// What the status bar says of execution: what is halted, and how many intents wait for an
/// operator's approval (pending and not expired).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExecutionState {
    pub halted: Option<String>,
    pub awaiting_approval: usize,
}

/// Everything a background job can hand back to the UI.
#[derive(Debug)]
pub enum Loaded {
    Runs(Vec<IndexEntry>),
    Sweeps(Vec<SweepSummary>),
    Alerts(Vec<AlertView>),
    Detail(Box<RunDetail>),
    Compare(Box<CompareView>),
    Sweep(Box<SweepView>),
    Form(Box<RunForm>),
    RunDone(Box<RunReport>),
    /// A run from the form failed (its report, if any, is in the index).
    RunFailed(String),
    Acked(Vec<String>),
    /// Why execution is halted, if it is.
    Corridors(ExecutionState),
    /// The kill switch is done (its alerts say what it did).
    Killed,
    /// Saved plans, and the policy they are checked against (or why it could not be read).
    Pretrade(
        Vec<crate::engine::pretrade::Plan>,
        Result<Option<crate::engine::execution::policy::LoadedPolicy>, String>,
    ),
    /// A plan was written: its id, and whether the policy accepted it.
    PlanSaved(String, bool),
    IntentDrafted(String),
    Paper(Vec<crate::engine::paper::view::SessionView>),
    PaperDetail(Box<PaperDetailView>),
    /// A job shown as busy (its label) ended in a panic.
    JobFailed {
        label: String,
        message: String,
    },
    /// A session was started, paused, resumed or stopped: its id and what happened.
    PaperChanged(String, String),
}

/// Reduce a long series to about `max` points, keeping each bucket's min and max so spikes
/// and drawdown troughs survive.
pub fn downsample(ts: &[i64], ys: &[f64], max: usize) -> Series {
    let n = ts.len().min(ys.len());
    if n <= max || max < 4 {
        return (0..n).map(|i| (ts[i] as f64, ys[i])).collect();
    }
    let buckets = max / 2;
    let mut out = Vec::with_capacity(max + 2);
    for b in 0..buckets {
        let (lo, hi) = (b * n / buckets, ((b + 1) * n / buckets).max(b * n / buckets + 1));
        let (mut imin, mut imax) = (lo, lo);
        for i in lo..hi {
            if ys[i] < ys[imin] {
                imin = i;
            }
            if ys[i] > ys[imax] {
                imax = i;
            }
        }
        let (a, c) = if imin <= imax { (imin, imax) } else { (imax, imin) };
        out.push((ts[a] as f64, ys[a]));
        if c != a {
            out.push((ts[c] as f64, ys[c]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsample_keeps_extremes() {
        let ts: Vec<i64> = (0..10_000).collect();
        let mut ys: Vec<f64> = (0..10_000).map(|i| (i as f64 * 0.01).sin()).collect();
        ys[5_000] = 9.0;
        ys[7_000] = -9.0;
        let d = downsample(&ts, &ys, 200);
        assert!(d.len() <= 202);
        assert!(d.iter().any(|p| p.1 == 9.0) && d.iter().any(|p| p.1 == -9.0));
        assert!(d.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
