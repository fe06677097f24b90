//! The verdict: does the research support the signal? Judged on out-of-sample results (the
//! walk-forward's stitched test windows), never on the in-sample sweep that chose the
//! parameters, and aggregated over the universe by the rules' share.

use serde::{Deserialize, Serialize};

use super::goal::{all_pass, Check, Goal};
use super::rules::RulesRef;
use crate::engine::backtest::metrics::Metrics;
use crate::engine::backtest::BacktestConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    Supported,
    NotSupported,
    Inconclusive,
}

impl VerdictKind {
    pub fn name(self) -> &'static str {
        match self {
            VerdictKind::Supported => "supported",
            VerdictKind::NotSupported => "not_supported",
            VerdictKind::Inconclusive => "inconclusive",
        }
    }
}

/// One sweep research ran, with where to find it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepLink {
    pub strategy: String,
    pub sweep_id: Option<String>,
    pub path: Option<String>,
    pub objective: String,
    pub combinations: usize,
    pub best_params: Option<std::collections::BTreeMap<String, f64>>,
    pub best_objective: Option<f64>,
    /// The full run of the best combination (its report, equity and trades).
    pub run_id: Option<String>,
    /// Why the sweep did not run, if it did not.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkLink {
    pub strategy: String,
    pub wf_id: String,
    pub path: String,
    pub folds: usize,
    pub train: usize,
    pub test: usize,
    pub efficiency: Option<f64>,
    pub mean_in_sample_objective: Option<f64>,
    pub mean_out_of_sample_objective: Option<f64>,
    /// Metrics of the stitched out-of-sample equity: what the goal is checked against.
    pub out_of_sample: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymbolResult {
    pub entry: String,
    pub dataset_id: String,
    pub symbol: String,
    pub timeframe: String,
    pub sweeps: Vec<SweepLink>,
    /// The strategy whose best in-sample objective was highest: the one walked forward.
    pub best_strategy: Option<String>,
    pub walkforward: Option<WalkLink>,
    pub goal_checks: Vec<Check>,
    pub invalidation_checks: Vec<Check>,
    pub outcome: VerdictKind,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub supported: usize,
    pub not_supported: usize,
    pub inconclusive: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictMachineContract {
    pub contract_version: u32,
    pub verdict_id: String,
    pub signal_id: String,
    pub status: String,
    pub verdict: VerdictKind,
    pub sweeps: Vec<String>,
    pub walkforwards: Vec<String>,
    pub runs: Vec<String>,
    /// Workspace-relative paths: the verdict, and every sweep and walk-forward it read.
    pub artifacts: Vec<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// `signals/<signal_id>/verdict.json` (and `verdicts/<verdict_id>.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub schema: String,
    pub schema_version: u32,
    pub verdict_id: String,
    pub signal_id: String,
    pub created_at: String,
    pub verdict: VerdictKind,
    pub reason: String,
    pub goal: Goal,
    pub invalidation: Goal,
    pub objective: String,
    pub backtest: BacktestConfig,
    pub symbols: Vec<SymbolResult>,
    pub counts: Counts,
    pub rules: RulesRef,
    pub duration_ms: u64,
    pub machine_contract: VerdictMachineContract,
}

fn said(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| {
            format!("{} (was {})", c.condition, c.value.map_or("undefined".into(), |v| format!("{v:.4}")))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One symbol's outcome from its out-of-sample metrics. An invalidation that holds wins over
/// everything; too few trades, free text or an undefined metric cannot be judged.
pub fn judge(
    goal: &Goal,
    invalidation: &Goal,
    oos: &Metrics,
    min_trades: usize,
) -> (VerdictKind, String, Vec<Check>, Vec<Check>) {
    let goal_checks = goal.check(oos);
    let inval = invalidation.check(oos);
    if !inval.is_empty() && all_pass(&inval) == Some(true) {
        let why = format!("invalidated out of sample: {}", said(&inval));
        return (VerdictKind::NotSupported, why, goal_checks, inval);
    }
    if oos.trade_count < min_trades {
        let why = format!(
            "{} out-of-sample trade(s); the rules want at least {min_trades} to judge",
            oos.trade_count
        );
        return (VerdictKind::Inconclusive, why, goal_checks, inval);
    }
    if let Goal::Text { .. } = goal {
        let why = "the validation goal is free text: judge it from the linked runs".to_string();
        return (VerdictKind::Inconclusive, why, goal_checks, inval);
    }
    let (kind, why) = match all_pass(&goal_checks) {
        Some(true) => (VerdictKind::Supported, format!("met out of sample: {}", said(&goal_checks))),
        Some(false) => (VerdictKind::NotSupported, format!("not met out of sample: {}", said(&goal_checks))),
        None => (VerdictKind::Inconclusive, format!("undefined out of sample: {}", said(&goal_checks))),
    };
    (kind, why, goal_checks, inval)
}

/// The universe's verdict: supported once the rules' share of symbols supports it, not
/// supported once that share is out of reach even if every inconclusive symbol turned.
pub fn aggregate(outcomes: &[VerdictKind], min_share: f64) -> (VerdictKind, String, Counts) {
    let mut c = Counts::default();
    for o in outcomes {
        match o {
            VerdictKind::Supported => c.supported += 1,
            VerdictKind::NotSupported => c.not_supported += 1,
            VerdictKind::Inconclusive => c.inconclusive += 1,
        }
    }
    let n = outcomes.len();
    if n == 0 {
        return (VerdictKind::Inconclusive, "no symbol could be researched".into(), c);
    }
    let need = ((min_share * n as f64).ceil() as usize).clamp(1, n);
    let tally = format!(
        "{} of {n} symbol(s) support it, {} do not, {} inconclusive; {need} needed",
        c.supported, c.not_supported, c.inconclusive
    );
    let kind = if c.supported >= need {
        VerdictKind::Supported
    } else if c.supported + c.inconclusive < need {
        VerdictKind::NotSupported
    } else {
        VerdictKind::Inconclusive
    };
    (kind, tally, c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::signals::goal::parse;

    fn oos(sharpe: Option<f64>, max_dd: f64, trades: usize) -> Metrics {
        use crate::engine::backtest::metrics::{compute, MetricsInput};
        let mut m = compute(&MetricsInput {
            ts: &[0],
            equity: &[1.0],
            exposure: &[0.0],
            close: &[1.0],
            trades: &[],
            initial_cash: 1.0,
            periods_per_year: 252.0,
        });
        m.sharpe = sharpe;
        m.max_drawdown = max_dd;
        m.trade_count = trades;
        m
    }

    #[test]
    fn a_symbol_is_judged_on_its_out_of_sample_metrics() {
        let g = parse("sharpe > 0.5").unwrap();
        let inv = parse("max_drawdown > 30%").unwrap();
        let j = |m: Metrics| judge(&g, &inv, &m, 5);
        assert_eq!(j(oos(Some(0.8), 0.1, 9)).0, VerdictKind::Supported);
        let (k, why, checks, _) = j(oos(Some(0.2), 0.1, 9));
        assert_eq!(k, VerdictKind::NotSupported);
        assert!(why.contains("sharpe > 0.5 (was 0.2000)"), "{why}");
        assert_eq!(checks[0].passed, Some(false));
        let (k, why, ..) = j(oos(Some(0.8), 0.45, 9));
        assert_eq!(k, VerdictKind::NotSupported, "the invalidation wins: {why}");
        assert_eq!(j(oos(Some(0.8), 0.1, 2)).0, VerdictKind::Inconclusive, "too few trades");
        assert_eq!(j(oos(None, 0.1, 9)).0, VerdictKind::Inconclusive, "undefined Sharpe");
        let text = parse("momentum persists").unwrap();
        assert_eq!(judge(&text, &text, &oos(Some(3.0), 0.0, 50), 5).0, VerdictKind::Inconclusive);
    }

    #[test]
    fn the_universe_needs_its_share() {
        use VerdictKind::*;
        assert_eq!(aggregate(&[Supported], 0.5).0, Supported);
        assert_eq!(aggregate(&[NotSupported], 0.5).0, NotSupported);
        assert_eq!(aggregate(&[Inconclusive], 0.5).0, Inconclusive);
        assert_eq!(aggregate(&[Supported, NotSupported], 0.5).0, Supported);
        assert_eq!(aggregate(&[Supported, NotSupported], 1.0).0, NotSupported);
        assert_eq!(aggregate(&[Supported, Inconclusive], 1.0).0, Inconclusive);
        assert_eq!(aggregate(&[Supported, NotSupported, Inconclusive], 0.5).0, Inconclusive);
        let (k, why, c) = aggregate(&[NotSupported, NotSupported, Inconclusive], 0.5);
        assert_eq!((k, c.not_supported), (NotSupported, 2));
        assert!(why.contains("0 of 3"), "{why}");
        assert_eq!(aggregate(&[], 0.5).0, Inconclusive);
    }
}
