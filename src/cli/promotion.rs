//! `quantlab promote board|show|advance`: the promotion board. `advance` is refused from
//! scripts (exit 3): a promotion is the operator's typed confirmation in the console.

use super::output::Outcome;
use crate::engine::execution::Venue;
use crate::engine::handles::Promotion;
use crate::engine::promotion::{Decision, Kind, Row};
use crate::engine::{Engine, Result};

fn scope(r: &Row) -> String {
    r.corridor.as_ref().map_or_else(|| "everywhere".into(), |c| c.to_string())
}

/// A row: the candidate, where, its stage and the next, then each gate line.
fn row(r: &Row) -> String {
    let next = match r.next {
        Some(n) if r.ready => format!("-> {n} READY (typed confirmation in the console's Promotion tab)"),
        Some(n) => format!("-> {n} not ready"),
        None => "(no stage to advance to here)".into(),
    };
    let mut out =
        format!("{}  {}  {} at {}  {next}\n", r.candidate.id, r.candidate.label(), scope(r), r.stage);
    for g in &r.gates {
        out.push_str(&format!("    {}\n", g.text()));
    }
    out
}

fn decision(d: &Decision) -> String {
    let place = d.corridor.as_ref().map_or_else(|| "everywhere".into(), |c| c.to_string());
    let who = d.operator.as_deref().unwrap_or(&d.by);
    let why = d.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    let kind = match d.kind {
        Kind::Promoted => "promoted",
        Kind::Demoted => "demoted",
    };
    format!("  {}  {} {kind} {} -> {} {place} by {who}{why}\n", d.time, d.id, d.from, d.to)
}

/// `promote board [--stage S]`.
pub fn board(engine: &Engine, stage: Option<&str>) -> Result<Outcome> {
    let stage = stage.map(Promotion::parse_stage).transpose()?;
    let b = engine.promotion().board(stage)?;
    let mut text = format!("gates: {} (sha256 {})\n", b.gates_file, b.gates_fingerprint);
    for d in &b.demoted {
        text.push_str(&format!("DEMOTED {}: {}\n", d.candidate, d.reason.as_deref().unwrap_or("")));
    }
    for r in &b.rows {
        text.push_str(&row(r));
    }
    if b.rows.is_empty() {
        text.push_str("no candidates (sweeps, walk-forwards and sessions make them)\n");
    }
    for u in &b.untrusted {
        text.push_str(&format!("NOT TRUSTED decisions line {}: {}\n", u.line, u.why));
    }
    Ok(Outcome::ok("promote board", &b, text))
}

/// `promote show CANDIDATE`.
pub fn show(engine: &Engine, candidate: &str) -> Result<Outcome> {
    let v = engine.promotion().show(candidate)?;
    let mut text =
        format!("{}  {}\n  found in: {}\n", v.candidate.id, v.candidate.label(), v.sources.join(", "));
    for r in &v.rows {
        text.push_str(&row(r));
    }
    if !v.decisions.is_empty() {
        text.push_str("decisions:\n");
        v.decisions.iter().for_each(|d| text.push_str(&decision(d)));
    }
    for u in &v.untrusted {
        text.push_str(&format!("NOT TRUSTED decisions line {}: {}\n", u.line, u.why));
    }
    Ok(Outcome::ok("promote show", &v, text))
}

/// `promote advance CANDIDATE [--venue V --account A]`: always refused (exit 3). The flags are
/// checked first, so a script learns of a typo before the refusal.
pub fn advance(engine: &Engine, candidate: &str, venue: Option<&str>) -> Result<Outcome> {
    venue.map(Venue::parse).transpose()?;
    Err(engine.promotion().advance_from_cli(candidate))
}
