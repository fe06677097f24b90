//! `quantlab signals intake|list|show|triage|research|rules`

use std::io::Read;

use serde_json::json;

use super::args::SignalsCmd;
use super::output::Outcome;
use crate::engine::signals::error::SignalError;
use crate::engine::signals::IntakeOutcome as Taken;
use crate::engine::signals::{IntakeReport, Record, SignalRow, StatusFilter, Verdict};
use crate::engine::{Engine, Result};

pub fn dispatch(engine: &Engine, cmd: &SignalsCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        SignalsCmd::Intake { file } => ("signals intake", intake(engine, file)),
        SignalsCmd::List { status } => ("signals list", list(engine, status.as_deref())),
        SignalsCmd::Show { id } => (
            "signals show",
            engine.signals().show(id).map(|r| Outcome::ok("signals show", &r, show_text(&r))),
        ),
        SignalsCmd::Triage { id } => (
            "signals triage",
            engine.signals().triage(id.as_deref()).map(|rows| {
                let text = rows.iter().map(row_line).collect();
                Outcome::ok("signals triage", &json!({ "count": rows.len(), "signals": rows }), text)
            }),
        ),
        SignalsCmd::Research { id } => (
            "signals research",
            engine.signals().research(id).map(|v| Outcome::ok("signals research", &v, verdict_text(&v))),
        ),
        SignalsCmd::Rules => (
            "signals rules",
            engine.signals().rules().map(|l| {
                let root = engine.workspace().root().join(&l.source.path);
                let text = format!(
                    "{} ({}; fingerprint {})\n",
                    root.display(),
                    if l.created { "written with the defaults" } else { "in force" },
                    &l.source.fingerprint[..12]
                );
                let doc = json!({ "path": l.source.path, "fingerprint": l.source.fingerprint, "created": l.created, "rules": l.rules });
                Outcome::ok("signals rules", &doc, text)
            }),
        ),
    }
}

fn intake(engine: &Engine, file: &str) -> Result<Outcome> {
    let text = if file == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|source| SignalError::Stdin { source })?;
        s
    } else {
        std::fs::read_to_string(file).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => SignalError::FileMissing(file.into()),
            _ => SignalError::FileUnreadable { file: file.into(), source },
        })?
    };
    let r = engine.signals().intake(file, &text)?;
    // Some refused: the report is the result, and the exit code says not everything got in.
    let code = if r.failed > 0 { 2 } else { 0 };
    Ok(Outcome::ok("signals intake", &r, intake_text(&r)).with_exit(code))
}

fn intake_text(r: &IntakeReport) -> String {
    let mut s = format!(
        "{} from {}: {} accepted, {} duplicate, {} refused\n",
        r.intake_id, r.source, r.accepted, r.duplicates, r.failed
    );
    for e in &r.signals {
        match e.status {
            Taken::Failed => {
                s.push_str(&format!("  refused   {}\n", e.message.as_deref().unwrap_or_default()))
            }
            Taken::Accepted | Taken::Duplicate => s.push_str(&format!(
                "  {:<9} {:<24} {:<10} {}\n",
                if e.status == Taken::Accepted { "accepted" } else { "duplicate" },
                e.signal_id.as_deref().unwrap_or_default(),
                e.decision.map(|d| d.name()).unwrap_or_default(),
                e.reason.as_deref().unwrap_or_default()
            )),
        }
    }
    if let Some(p) = &r.machine_contract.report_json {
        s.push_str(&format!("report: {p}\n"));
    }
    s
}

fn list(engine: &Engine, status: Option<&str>) -> Result<Outcome> {
    let filter = status.map(StatusFilter::parse).transpose()?;
    let rows = engine.signals().list(filter)?;
    let mut text: String = rows.iter().map(row_line).collect();
    if rows.is_empty() {
        text.push_str("no signals\n");
    }
    Ok(Outcome::ok("signals list", &json!({ "count": rows.len(), "signals": rows }), text))
}

fn row_line(r: &SignalRow) -> String {
    format!(
        "{:<24} {:<6} {:<14} {:<10} {:<13} {}  {}\n",
        r.signal_id,
        r.priority.name(),
        r.hypothesis_type.name(),
        r.decision.name(),
        r.verdict.map(|v| v.name()).unwrap_or("-"),
        r.affected_universe.join(","),
        r.reason
    )
}

fn show_text(r: &Record) -> String {
    let s = &r.signal.signal;
    let a = &r.triage.assessment;
    let mut out = format!(
        "signal {} ({}, {}, {}, horizon {}) from {}\n  {}\n  universe {}\n  goal: {}\n  invalidation: {}\n  created {}, received {}, expires {}\n",
        s.signal_id,
        s.priority.name(),
        s.hypothesis_type.name(),
        s.bias.name(),
        s.horizon,
        s.source,
        s.signal_summary,
        s.affected_universe.join(", "),
        s.validation_goal,
        s.invalidation_condition,
        s.created_at,
        r.signal.received_at,
        a.expires_at.as_deref().unwrap_or("-"),
    );
    out.push_str(&format!("triage: {} at {}\n  {}\n", a.decision.name(), r.triage.triaged_at, a.reason));
    for p in &a.strategies {
        out.push_str(&format!(
            "  plan {} over {} ({} combinations, {})\n",
            p.strategy,
            p.grid.join(" "),
            p.combinations,
            p.from
        ));
    }
    for n in &a.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    match &r.verdict {
        Some(v) => out.push_str(&verdict_text(v)),
        None => out.push_str("verdict: none yet\n"),
    }
    out
}

fn verdict_text(v: &Verdict) -> String {
    let mut s = format!("verdict: {} ({} at {})\n", v.verdict.name(), v.verdict_id, v.created_at);
    // One symbol's reason is the verdict's own; several get the tally first.
    if v.symbols.len() != 1 {
        s.push_str(&format!("  {}\n", v.reason));
    }
    for sym in &v.symbols {
        s.push_str(&format!("  {} {}: {}: {}\n", sym.symbol, sym.timeframe, sym.outcome.name(), sym.reason));
        for sw in &sym.sweeps {
            match (&sw.sweep_id, &sw.error) {
                (Some(id), _) => {
                    let p: Vec<String> =
                        sw.best_params.iter().flatten().map(|(k, x)| format!("{k}={x}")).collect();
                    s.push_str(&format!(
                        "    sweep {} {} best {} {} {} run {}\n",
                        sw.strategy,
                        id,
                        p.join(" "),
                        sw.objective,
                        sw.best_objective.map_or("n/a".into(), |x| format!("{x:.4}")),
                        sw.run_id.as_deref().unwrap_or("-")
                    ));
                }
                (None, e) => s.push_str(&format!(
                    "    sweep {} did not run: {}\n",
                    sw.strategy,
                    e.as_deref().unwrap_or_default()
                )),
            }
        }
        if let Some(w) = &sym.walkforward {
            s.push_str(&format!(
                "    walk-forward {} {} ({} folds of {} bars) efficiency {}  out of sample: return {:.2}% sharpe {} trades {}\n",
                w.strategy,
                w.wf_id,
                w.folds,
                w.test,
                w.efficiency.map_or("n/a".into(), |x| format!("{x:.3}")),
                w.out_of_sample.total_return * 100.0,
                w.out_of_sample.sharpe.map_or("n/a".into(), |x| format!("{x:.3}")),
                w.out_of_sample.trade_count
            ));
        }
    }
    s
}
