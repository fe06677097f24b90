//! Data prepared off the UI thread for the detail, compare, sweep and form views.

use crate::engine::alerts::AlertView;
use crate::engine::research::compare::Comparison;
use crate::engine::research::index::IndexEntry;
use crate::engine::research::sweep::SweepSummary;
use crate::engine::research::RunReport;
use crate::tui::screens::new_run::fields::RunForm;
use crate::tui::widgets::list_cursor::ListCursor;

/// Points for a chart: (epoch ms as f64, value).
pub type Series = Vec<(f64, f64)>;

/// Points per chart: plenty for a 200-column terminal.
pub const CHART_POINTS: usize = 600;

#[derive(Debug, Clone)]
pub struct RunDetail {
    pub report: RunReport,
    pub equity: Series,
    pub drawdown: Series,
    pub trade_header: Vec<String>,
    pub trades: Vec<Vec<String>>,
    pub config: Vec<(String, String)>,
    /// The first trade shown.
    pub scroll: ListCursor,
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
    /// The first ranking row shown.
    pub scroll: ListCursor,
}

/// One paper session: its summary and health, equity chart, orders and fills.
#[derive(Debug, Clone)]
pub struct PaperDetailView {
    pub detail: crate::engine::paper::view::Detail,
    pub equity: Series,
    /// Rows scrolled from the newest order and fill.
    pub scroll: ListCursor,
}

/// One signal: the document, its triage, its latest verdict, and that verdict's research as
/// rows (sweeps, walk-forwards, goal checks) to scroll through.
#[derive(Debug, Clone)]
pub struct SignalDetailView {
    pub record: crate::engine::signals::Record,
    pub research: Vec<ResearchRow>,
    /// When it was read: the signal's age is measured against it.
    pub read_at_ms: i64,
    /// The first research row shown.
    pub scroll: ListCursor,
}

/// A line of a verdict's research: a sweep, its best run, a walk-forward, a check, or a
/// symbol's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ResearchRow {
    pub symbol: String,
    pub job: &'static str,
    /// The strategy, or the condition checked.
    pub what: String,
    /// The sweep, run or walk-forward id (empty for checks).
    pub id: String,
    pub result: String,
    /// Passed or failed, for checks and outcomes (an invalidation passes when it does not hold).
    pub passed: Option<bool>,
}

/// The rows of a verdict, symbol by symbol.
pub fn research_rows(v: &crate::engine::signals::Verdict) -> Vec<ResearchRow> {
    use crate::engine::signals::VerdictKind;
    let opt = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.3}"));
    let mut out = Vec::new();
    for s in &v.symbols {
        let row = |job, what: String, id: String, result: String, passed| ResearchRow {
            symbol: s.symbol.clone(),
            job,
            what,
            id,
            result,
            passed,
        };
        for sw in &s.sweeps {
            let result = match &sw.error {
                Some(e) => format!("did not run: {e}"),
                None => {
                    let p: Vec<String> =
                        sw.best_params.iter().flatten().map(|(k, x)| format!("{k}={x}")).collect();
                    format!("best {} {} {}", p.join(" "), sw.objective, opt(sw.best_objective))
                }
            };
            let id = sw.sweep_id.clone().unwrap_or_default();
            out.push(row("sweep", sw.strategy.clone(), id, result, None));
            if let Some(run) = &sw.run_id {
                out.push(row(
                    "run",
                    sw.strategy.clone(),
                    run.clone(),
                    "the best combination, in full".into(),
                    None,
                ));
            }
        }
        if let Some(w) = &s.walkforward {
            let m = &w.out_of_sample;
            let result = format!(
                "{} folds, eff {}, OOS return {:.2}% sharpe {} trades {}",
                w.folds,
                opt(w.efficiency),
                m.total_return * 100.0,
                opt(m.sharpe),
                m.trade_count
            );
            out.push(row("walk-forward", w.strategy.clone(), w.wf_id.clone(), result, None));
        }
        for c in &s.goal_checks {
            let value = c.value.map_or("undefined".into(), |x| format!("was {x:.4}"));
            out.push(row("goal", c.condition.clone(), String::new(), value, c.passed));
        }
        // An invalidation is good news when it does not hold: marked the other way round.
        for c in &s.invalidation_checks {
            let value = c.value.map_or("undefined".into(), |x| format!("was {x:.4}"));
            let said = match c.passed {
                Some(true) => format!("{value}: invalidated"),
                Some(false) => format!("{value}: not invalidated"),
                None => value,
            };
            let passed = c.passed.map(|p| !p);
            out.push(row("invalidation", c.condition.clone(), String::new(), said, passed));
        }
        let passed = match s.outcome {
            VerdictKind::Supported => Some(true),
            VerdictKind::NotSupported => Some(false),
            VerdictKind::Inconclusive => None,
        };
        out.push(row("outcome", s.outcome.name().replace('_', " "), String::new(), s.reason.clone(), passed));
    }
    out
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
    /// A session was started, paused, resumed or stopped: its id and what happened.
    PaperChanged(String, String),
    /// The signals, and when they were read.
    Signals(Vec<crate::engine::signals::SignalRow>, i64),
    SignalDetail(Box<SignalDetailView>),
    /// A signal's research ended: the verdict (kind, id) or why not.
    SignalResearched {
        id: String,
        outcome: Result<(crate::engine::signals::VerdictKind, String), String>,
    },
    /// A signal was triaged again: its id, and its decision now.
    SignalTriaged(String, crate::engine::signals::Decision),
    CorridorList(Vec<(crate::engine::CorridorSummary, crate::engine::execution::corridor::arming::ArmState)>),
    CorridorDetail(Box<crate::engine::corridor_api::CorridorDetail>),
    Armed(Box<crate::engine::execution::corridor::arming::ArmReport>),
    Disarmed(crate::engine::execution::CorridorId),
    KeptAlive(crate::engine::execution::CorridorId, Result<(), String>),
    Sent(Box<crate::engine::corridor_api::ConfirmedSend>),
    Watching(crate::engine::execution::CorridorId),
    /// A send that did not happen (refused or failed): why.
    SendFailed(String),
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
