//! `quantlab audit verify`: one line per corridor; on a failure, its first bad entry.

use super::args::AuditCmd;
use super::output::Outcome;
use crate::engine::execution::Venue;
use crate::engine::execution::{AuditReport, CorridorAudit};
use crate::engine::{Engine, ErrorKind, Result};

pub fn dispatch(engine: &Engine, cmd: &AuditCmd) -> (&'static str, Result<Outcome>) {
    match cmd {
        AuditCmd::Verify { venue, account } => ("audit verify", verify(engine, venue, account)),
    }
}

fn verify(engine: &Engine, venue: &Option<String>, account: &Option<String>) -> Result<Outcome> {
    let v = venue.as_deref().map(Venue::parse).transpose()?;
    let report = engine.execution().audit_verify(v, account.as_deref())?;
    let code = if report.ok { 0 } else { ErrorKind::Refused.exit_code() };
    Ok(Outcome::ok("audit verify", &report, text(&report)).with_exit(code))
}

fn text(r: &AuditReport) -> String {
    let mut out = String::new();
    for c in &r.corridors {
        out.push_str(&corridor_line(c));
    }
    if r.corridors.is_empty() {
        out.push_str("no corridors\n");
    }
    match &r.trust_problem {
        Some(p) => out.push_str(&format!("trusted operator keys: UNREADABLE: {p}\n")),
        None => out.push_str(&format!("trusted operator keys: {} ({})\n", r.trusted_keys, r.operators_file)),
    }
    out
}

fn corridor_line(c: &CorridorAudit) -> String {
    let Some(p) = &c.first_problem else {
        let tolerated = if c.unsigned_tolerated > 0 {
            format!(", {} unsigned (tolerated on the fake venue)", c.unsigned_tolerated)
        } else {
            String::new()
        };
        return format!(
            "{}: ok, {} entries, {} approval(s): {} signed{tolerated}\n",
            c.corridor, c.entries, c.approvals, c.signed
        );
    };
    let at = match (p.line, p.seq) {
        (0, _) => "its head record".to_string(),
        (line, Some(seq)) => format!("line {line} (seq {seq})"),
        (line, None) => format!("line {line}"),
    };
    let intent = p.intent_id.as_deref().map(|i| format!(", intent {i}")).unwrap_or_default();
    let more = match c.problems.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    format!("{}: FAILED: {} {at}{intent}: {}: {}{more}\n", c.corridor, c.journal, p.kind.name(), p.why)
}
