//! `quantlab sweep`, `quantlab sweep merge`, `quantlab sweeps ...`

use std::io::{IsTerminal, Write};

use serde_json::json;

use super::args::{BacktestArgs, GridArgs, SweepCmd, SweepSub, SweepsCmd, WalkforwardArgs};
use super::output::Outcome;
use super::research::backtest_config;
use crate::engine::research::parse_shard;
use crate::engine::research::{Eta, ProgressTracker};
use crate::engine::research::{SweepError, SweepReport, SweepRequest, SweepStatus};
use crate::engine::research::{WalkForwardReport, WalkForwardRequest};
use crate::engine::{Engine, Result};

pub fn dispatch(engine: &Engine, cmd: &SweepCmd) -> (&'static str, Result<Outcome>) {
    match &cmd.sub {
        Some(SweepSub::Merge { dirs }) => (
            "sweep merge",
            (|| {
                let r = engine.research().merge_sweeps(dirs)?;
                Ok(Outcome::ok("sweep merge", &r, summary(&r)))
            })(),
        ),
        None => ("sweep", run(engine, cmd)),
    }
}

/// The request sweep and walkforward share: data, strategy, grid and costs.
fn grid_request(
    engine: &Engine,
    data: &str,
    strategy: &str,
    g: &GridArgs,
    bt: &BacktestArgs,
    label: &Option<String>,
) -> Result<SweepRequest> {
    Ok(SweepRequest {
        data: data.to_string(),
        strategy: strategy.to_string(),
        grid: g.grid.clone(),
        constraints: g.constraints.clone(),
        objective: g.objective.clone(),
        backtest: backtest_config(engine, bt)?,
        start: bt.start.clone(),
        end: bt.end.clone(),
        jobs: g.jobs,
        label: label.clone(),
        ..SweepRequest::default()
    })
}

fn run(engine: &Engine, cmd: &SweepCmd) -> Result<Outcome> {
    let a = &cmd.args;
    let save_top = a
        .save_runs
        .as_deref()
        .map(|s| {
            s.strip_prefix("top:")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| SweepError::SaveRuns(s.into()))
        })
        .transpose()?;
    let req = SweepRequest {
        shard: a.shard.as_deref().map(|s| parse_shard(s, &|k| std::env::var(k).ok())).transpose()?,
        save_top,
        ..grid_request(
            engine,
            a.data.as_deref().unwrap_or_default(),
            a.strategy.as_deref().unwrap_or_default(),
            &a.grid,
            &a.bt,
            &a.label,
        )?
    };
    let mode = match a.progress.as_deref() {
        None if std::io::stderr().is_terminal() => "bar",
        None => "none",
        Some(m @ ("bar" | "json" | "none")) => m,
        Some(other) => return Err(SweepError::Progress(other.into()).into()),
    };
    // The engine's tracker measures the rate the time left is estimated from.
    let tracker = ProgressTracker::new();
    tracker.begin("sweep");
    let shown = std::sync::Mutex::new((0usize, usize::MAX));
    let progress = |done: usize, total: usize| {
        tracker.report(done, total);
        let pct = done * 100 / total.max(1);
        // Workers finish in any order: report each percent once and never a count below one
        // already reported, deciding under one lock so the lines stay in order.
        let mut last = shown.lock().unwrap_or_else(|p| p.into_inner());
        if done <= last.0 || (pct == last.1 && done != total) {
            return;
        }
        *last = (done, pct);
        let eta = tracker.view().map_or(Eta::Unknown, |v| v.eta(std::time::Instant::now()));
        let mut err = std::io::stderr().lock();
        match mode {
            "bar" => {
                let filled = pct / 4;
                // Padded: a shorter estimate overwrites a longer one on the same line.
                let _ = write!(
                    err,
                    "\rsweep [{}{}] {done}/{total} {pct:>3}% {:<12}",
                    "#".repeat(filled),
                    " ".repeat(25 - filled),
                    eta.to_string()
                );
                if done == total {
                    let _ = writeln!(err);
                }
            }
            "json" => {
                // eta_secs: the time left rounded up to the second, null while unknown.
                let line = json!({
                    "event": "progress", "done": done, "total": total, "percent": pct, "eta_secs": eta.secs()
                });
                let _ = writeln!(err, "{line}");
            }
            _ => {}
        }
    };
    let r = engine.research().sweep(&req, &progress)?;
    Ok(Outcome::ok("sweep", &r, summary(&r)))
}

fn summary(r: &SweepReport) -> String {
    let mut s = format!(
        "{}: {} combination(s){} of {} by {}\n",
        r.sweep_id,
        r.combinations.len(),
        r.shard.as_ref().map(|sh| format!(" (shard {}/{})", sh.index, sh.count)).unwrap_or_default(),
        r.config.strategy,
        r.config.objective
    );
    let mut top: Vec<_> = r.combinations.iter().collect();
    top.sort_by_key(|c| c.rank);
    for c in top.iter().take(5) {
        let p: Vec<String> = c.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!(
            "  #{:<3} {:<28} {} {}\n",
            c.rank,
            p.join(" "),
            r.config.objective,
            c.objective.map_or("n/a".into(), |v| format!("{v:.4}"))
        ));
    }
    if !r.saved_runs.is_empty() {
        s.push_str(&format!("saved runs: {}\n", r.saved_runs.join(", ")));
    }
    if r.status == SweepStatus::Incomplete {
        s.push_str(&format!(
            "incomplete: {} of the {} runs asked were saved before the sweep was interrupted\n",
            r.saved_runs.len(),
            r.config.save_top.unwrap_or_default()
        ));
    }
    s.push_str(&format!("results: {}\n", r.artifacts.results_csv));
    if let Some(resume) = &r.resume {
        if resume.skipped {
            s.push_str(&format!("skipped: this shard was already done ({} verified)\n", resume.manifest));
        } else {
            s.push_str(&format!("manifest: {}\n", resume.manifest));
        }
        for d in &resume.replaced {
            s.push_str(&format!("replaced an unfinished or corrupt attempt: {d}\n"));
        }
    }
    s
}

pub fn dispatch_sweeps(engine: &Engine, cmd: &SweepsCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        SweepsCmd::List => (
            "sweeps list",
            (|| {
                let all = engine.research().list_sweeps()?;
                let mut text = String::new();
                for s in &all {
                    let p: Vec<String> =
                        s.best_params.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
                    text.push_str(&format!(
                        "{}  {} {} {}  {} combos  best {} = {}  ({})\n",
                        s.sweep_id,
                        s.strategy,
                        s.symbol,
                        s.timeframe,
                        s.combinations,
                        s.objective,
                        s.best_objective.map_or("n/a".into(), |v| format!("{v:.4}")),
                        p.join(" ")
                    ));
                }
                if all.is_empty() {
                    text.push_str("no sweeps\n");
                }
                Ok(Outcome::ok("sweeps list", &json!({ "count": all.len(), "sweeps": all }), text))
            })(),
        ),
        SweepsCmd::Grid { id } => ("sweeps grid", super::read::sweep_grid(engine, id)),
        SweepsCmd::Show { id } => (
            "sweeps show",
            (|| {
                let r = engine.research().show_sweep(id)?;
                Ok(Outcome::ok("sweeps show", &r, summary(&r)))
            })(),
        ),
    }
}

pub fn walkforward(engine: &Engine, a: &WalkforwardArgs) -> Result<Outcome> {
    let req = WalkForwardRequest {
        sweep: grid_request(engine, &a.data, &a.strategy, &a.grid, &a.bt, &a.label)?,
        train: a.train,
        test: a.test,
        step: a.step,
        anchored: a.anchored,
    };
    let r = engine.research().walkforward(&req, &|_, _| {})?;
    Ok(Outcome::ok("walkforward", &r, wf_summary(&r)))
}

fn wf_summary(r: &WalkForwardReport) -> String {
    let f = |v: Option<f64>| v.map_or("n/a".into(), |x| format!("{x:.3}"));
    let mut s = format!(
        "{}: {} fold(s), {} candidates, objective {}\n",
        r.wf_id, r.summary.folds, r.candidates, r.config.objective
    );
    for fold in &r.folds {
        let p: Vec<String> = fold.chosen.iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!(
            "  fold {:<3} test {} .. {}  {:<24} IS {:>8}  OOS {:>8}\n",
            fold.index,
            fold.test_first,
            fold.test_last,
            p.join(" "),
            f(fold.in_sample_objective),
            f(fold.out_of_sample_objective)
        ));
    }
    s.push_str(&format!(
        "mean IS {}  mean OOS {}  efficiency {}  stitched OOS return {:.2}%\n",
        f(r.summary.mean_in_sample_objective),
        f(r.summary.mean_out_of_sample_objective),
        f(r.summary.efficiency),
        r.out_of_sample.total_return * 100.0
    ));
    s
}
