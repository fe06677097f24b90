//! Routing: a `test` signal becomes research jobs on the existing engine. Per symbol, a sweep
//! of each planned strategy (its best combination saved as a full run), then a walk-forward
//! of the strategy that swept best; the verdict is judged on the walk-forward's out-of-sample
//! metrics. Research only writes research artifacts: nothing reaches paper or a venue.

use std::time::Instant;

use super::goal::{self, Goal};
use super::rules::Loaded;
use super::store::{rel, StoredSignal};
use super::triage::{Assessment, PlannedSweep, UniverseMatch};
use super::verdict::{
    aggregate, judge, SweepLink, SymbolResult, Verdict, VerdictKind, VerdictMachineContract, WalkLink,
};
use crate::engine::backtest::BacktestConfig;
use crate::engine::config::Config;
use crate::engine::contract::{make_id, CONTRACT_VERSION, SIGNAL_VERDICT_SCHEMA};
use crate::engine::error::Result;
use crate::engine::research::sweep::{self, rank::score, SweepRequest};
use crate::engine::research::ProgressTracker;
use crate::engine::research::walkforward::{self, WalkForwardRequest};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::Workspace;
use crate::engine::{backtest, Error};

/// Costs and sizing: the workspace's research defaults (quantlab.toml), the rules' fees and
/// slippage, shorting by the signal's bias. Positions close on the last bar, so the trade
/// statistics a goal may name count every trade.
fn backtest_config(ws: &Workspace, a: &Assessment, rules: &Loaded) -> Result<BacktestConfig> {
    let cfg = Config::load(ws)?.research;
    let d = BacktestConfig::default();
    Ok(BacktestConfig {
        cash: cfg.cash.unwrap_or(d.cash),
        fee_bps: rules.rules.research.fee_bps,
        slippage_bps: rules.rules.research.slippage_bps,
        fill: cfg.fill.as_deref().map(backtest::FillMode::parse).transpose()?.unwrap_or(d.fill),
        sizing: cfg.sizing.as_deref().map(backtest::Sizing::parse).transpose()?.unwrap_or(d.sizing),
        whole_units: false,
        allow_short: a.allow_short,
        close_at_end: true,
    })
}

fn request(
    id: &str,
    d: &UniverseMatch,
    p: &PlannedSweep,
    objective: &str,
    bt: &BacktestConfig,
) -> SweepRequest {
    SweepRequest {
        data: d.dataset_id.clone(),
        strategy: p.strategy.clone(),
        grid: p.grid.clone(),
        constraints: p.constraints.clone(),
        objective: objective.to_string(),
        backtest: bt.clone(),
        label: Some(format!("signal {id}")),
        ..SweepRequest::default()
    }
}

/// Research one symbol: its sweeps, the walk-forward of the best, and its outcome. Each sweep
/// and the walk-forward is a stage of `progress` (combinations, then folds).
#[allow(clippy::too_many_arguments)]
fn symbol(
    ws: &Workspace,
    id: &str,
    d: &UniverseMatch,
    a: &Assessment,
    bt: &BacktestConfig,
    rules: &Loaded,
    goal: &Goal,
    invalidation: &Goal,
    progress: &ProgressTracker,
) -> SymbolResult {
    let mut sweeps = Vec::new();
    let mut best: Option<(f64, usize)> = None;
    let report = |done: usize, total: usize| {
        progress.report(done, total);
    };
    for p in &a.strategies {
        let req = SweepRequest { save_top: Some(1), ..request(id, d, p, &a.objective, bt) };
        progress.begin(format!("sweep {} on {} {}", p.strategy, d.symbol, d.timeframe));
        match sweep::sweep(ws, &req, &report) {
            Ok(r) => {
                let top = r.combinations.iter().find(|c| c.rank == 1);
                if let Some(s) = top.and_then(|c| score(&a.objective, Some(&c.metrics))) {
                    if best.is_none_or(|(b, _)| s > b) {
                        best = Some((s, sweeps.len()));
                    }
                }
                sweeps.push(SweepLink {
                    strategy: p.strategy.clone(),
                    sweep_id: Some(r.sweep_id.clone()),
                    path: Some(r.artifacts.sweep_json.clone()),
                    objective: a.objective.clone(),
                    combinations: r.combinations.len(),
                    best_params: r.machine_contract.best_params.clone(),
                    best_objective: r.machine_contract.best_objective,
                    run_id: r.saved_runs.first().cloned(),
                    error: None,
                });
            }
            Err(e) => sweeps.push(SweepLink {
                strategy: p.strategy.clone(),
                sweep_id: None,
                path: None,
                objective: a.objective.clone(),
                combinations: 0,
                best_params: None,
                best_objective: None,
                run_id: None,
                error: Some(e.message),
            }),
        }
    }
    let mut out = SymbolResult {
        entry: d.entry.clone(),
        dataset_id: d.dataset_id.clone(),
        symbol: d.symbol.clone(),
        timeframe: d.timeframe.clone(),
        sweeps,
        best_strategy: None,
        walkforward: None,
        goal_checks: Vec::new(),
        invalidation_checks: Vec::new(),
        outcome: VerdictKind::Inconclusive,
        reason: String::new(),
    };
    let Some((_, i)) = best else {
        out.reason = "no sweep gave a defined objective: nothing to walk forward".into();
        return out;
    };
    let p = &a.strategies[i];
    out.best_strategy = Some(p.strategy.clone());
    let wf = &rules.rules.research.walkforward;
    let train = (d.rows as f64 * wf.train_fraction) as usize;
    let test = d.rows.saturating_sub(train) / wf.folds;
    if train == 0 || test == 0 {
        out.reason = format!("{} bars are too few for {} walk-forward folds", d.rows, wf.folds);
        return out;
    }
    let req = WalkForwardRequest {
        sweep: request(id, d, p, &a.objective, bt),
        train,
        test,
        step: None,
        anchored: wf.anchored,
    };
    progress.begin(format!("walk-forward {} on {} {}", p.strategy, d.symbol, d.timeframe));
    match walkforward::walkforward(ws, &req, &report) {
        Ok(r) => {
            let (outcome, reason, gc, ic) =
                judge(goal, invalidation, &r.out_of_sample, rules.rules.verdict.min_trades);
            out.outcome = outcome;
            out.reason = format!("{}: {reason}", p.strategy);
            out.goal_checks = gc;
            out.invalidation_checks = ic;
            out.walkforward = Some(WalkLink {
                strategy: p.strategy.clone(),
                path: format!("walkforward/{}/walkforward.json", r.wf_id),
                wf_id: r.wf_id,
                folds: r.summary.folds,
                train,
                test,
                efficiency: r.summary.efficiency,
                mean_in_sample_objective: r.summary.mean_in_sample_objective,
                mean_out_of_sample_objective: r.summary.mean_out_of_sample_objective,
                out_of_sample: r.out_of_sample,
            });
        }
        Err(e) => out.reason = format!("walk-forward of {} did not run: {}", p.strategy, e.message),
    }
    out
}

/// Run the research a `test` assessment implies and return the verdict (not yet stored),
/// reporting each sweep's and walk-forward's progress into `progress` as it runs.
pub fn run(
    ws: &Workspace,
    stored: &StoredSignal,
    a: &Assessment,
    rules: &Loaded,
    progress: &ProgressTracker,
) -> Result<Verdict> {
    let started = Instant::now();
    let sig = &stored.signal;
    let goal = goal::parse(&sig.validation_goal).map_err(|e| Error::from(e).with_field("validation_goal"))?;
    let invalidation = goal::parse(&sig.invalidation_condition)
        .map_err(|e| Error::from(e).with_field("invalidation_condition"))?;
    let bt = backtest_config(ws, a, rules)?;
    bt.validate()?;
    let symbols: Vec<SymbolResult> = a
        .datasets
        .iter()
        .map(|d| symbol(ws, &sig.signal_id, d, a, &bt, rules, &goal, &invalidation, progress))
        .collect();
    let outcomes: Vec<VerdictKind> = symbols.iter().map(|s| s.outcome).collect();
    let (verdict, tally, counts) = aggregate(&outcomes, rules.rules.verdict.min_support_share);
    let created = now_ms();
    let verdict_id = make_id("sv", created, format!("{}{created}", sig.signal_id).as_bytes());
    let reason = match symbols.as_slice() {
        [one] => format!("{} {}: {}", one.symbol, one.outcome.name(), one.reason),
        _ => tally,
    };
    let sweeps: Vec<&SweepLink> = symbols.iter().flat_map(|s| &s.sweeps).collect();
    let walks: Vec<&WalkLink> = symbols.iter().filter_map(|s| s.walkforward.as_ref()).collect();
    let mut artifacts = vec![rel(&sig.signal_id, &format!("verdicts/{verdict_id}.json"))];
    artifacts.extend(sweeps.iter().filter_map(|s| s.path.clone()));
    artifacts.extend(walks.iter().map(|w| w.path.clone()));
    let machine_contract = VerdictMachineContract {
        contract_version: CONTRACT_VERSION,
        verdict_id: verdict_id.clone(),
        signal_id: sig.signal_id.clone(),
        status: "success".into(),
        verdict,
        sweeps: sweeps.iter().filter_map(|s| s.sweep_id.clone()).collect(),
        walkforwards: walks.iter().map(|w| w.wf_id.clone()).collect(),
        runs: sweeps.iter().filter_map(|s| s.run_id.clone()).collect(),
        artifacts,
        error_code: None,
        error_message: None,
    };
    Ok(Verdict {
        schema: SIGNAL_VERDICT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        verdict_id,
        signal_id: sig.signal_id.clone(),
        created_at: fmt_ms(created),
        verdict,
        reason,
        goal,
        invalidation,
        objective: a.objective.clone(),
        backtest: bt,
        symbols,
        counts,
        rules: rules.source.clone(),
        duration_ms: started.elapsed().as_millis() as u64,
        machine_contract,
    })
}
