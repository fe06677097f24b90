//! What a signal's view reads: the record, and its latest verdict's research as rows.

use crate::engine::{Engine, Result};
use crate::tui::widgets::list_cursor::ListCursor;

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
pub(crate) fn research_rows(v: &crate::engine::signals::Verdict) -> Vec<ResearchRow> {
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

pub(crate) fn load(engine: &Engine, id: &str) -> Result<SignalDetailView> {
    let record = engine.signals().show(id)?;
    let research = record.verdict.as_ref().map(research_rows).unwrap_or_default();
    let read_at_ms = crate::engine::time::now_ms();
    Ok(SignalDetailView { record, research, read_at_ms, scroll: ListCursor::default() })
}
