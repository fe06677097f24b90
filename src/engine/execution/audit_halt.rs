//! A failed audit halts its corridor, and nothing is sent until the operator resolves it.
//!
//! - `quantlab audit verify` journals an `audit_failed` entry in each corridor whose journal it
//!   fails (a halt, as the kill switch's is), so the corridor reads halted and refuses to arm.
//! - A corridor also audits the approvals journaled since its last check before every send
//!   ([`super::Corridor`]'s submit), so a bad approval halts it even if nobody ran the audit.
//! - `quantlab rearm` audits again first: a halt lifts only once the audit passes and a
//!   reconciliation is clean.
//!
//! The way out: a bad entry in the journal itself (a broken chain, a forged or malformed
//! signature, an untrusted key, an unsigned live approval) stays there, so `quantlab kill`
//! cancels everything at the venue, keeps that journal aside and starts a fresh segment
//! ([`super::journal_segment`]); then `quantlab rearm`. A problem outside the journal
//! (`operators.json` unreadable, `venues.toml` no longer loopback for an environment key) is
//! fixed where it is, and `quantlab rearm` then passes.

use super::audit_report::{CorridorAudit, Problem, ProblemKind};
use super::journal::{Journal, TORN};
use super::model::{CorridorId, Event};
use super::paths;
use super::state::{CorridorState, HaltReason};
use crate::engine::workspace::Workspace;

/// How the operator resolves a journal that fails its audit; ends every refusal.
pub const RESOLVE: &str =
    "`quantlab audit verify` names the bad entry; `quantlab kill` cancels every order at the \
     venue, keeps this journal aside and starts a fresh segment, and `quantlab rearm` lifts the halt after a \
     clean reconciliation (docs/execution.md, Audit)";

/// Is `p` a fault of the journal itself (which only a fresh segment clears), rather than of
/// the trust list or `venues.toml` as they read now? `trust_ok`: the trust list was readable.
pub fn in_the_journal(p: &Problem, trust_ok: bool) -> bool {
    match p.kind {
        // A torn last line is a crash's, repaired when the corridor opens.
        ProblemKind::ChainBroken => !p.why.starts_with(TORN),
        ProblemKind::SignatureInvalid | ProblemKind::Unsigned => true,
        ProblemKind::UnknownKey => trust_ok,
        ProblemKind::EnvironmentKey => false,
        // An approval beyond its grant, or signed after the grant ended, is in the journal.
        ProblemKind::OutsideGrant | ProblemKind::RevokedKey => true,
        // A grant file changed since it was made is outside the journal: putting it back clears it.
        ProblemKind::GrantUntrusted => false,
    }
}

/// The first problem of `a` that is in the journal itself, if any.
pub fn journal_fault(a: &CorridorAudit, trust_ok: bool) -> Option<&Problem> {
    a.problems.iter().filter(|p| in_the_journal(p, trust_ok)).min_by_key(|p| p.line)
}

/// The event that halts for `p`.
pub fn event(p: &Problem) -> Event {
    Event::AuditFailed { line: p.line, problem: p.kind.name().into(), why: p.why.clone() }
}

/// Is `state` already halted for `p` (so another entry would say nothing new)?
pub fn already(state: &CorridorState, p: &Problem) -> bool {
    let Event::AuditFailed { line, problem, why } = event(p) else { return false };
    let message = format!("audit: journal line {line}: {problem}: {why}");
    state.halt.as_ref().is_some_and(|h| h.reason == HaltReason::AuditFailed && h.message == message)
}

/// Halt corridor `id` for `p`, found by `audit verify`: what was done, for the report.
pub fn halt(ws: &Workspace, id: &CorridorId, p: &Problem) -> String {
    if p.kind == ProblemKind::ChainBroken && !p.why.starts_with(TORN) {
        return "halted: a journal that does not verify is never opened, so nothing can be sent; `quantlab kill` \
                keeps it aside and starts a fresh segment"
            .into();
    }
    let mut j = match Journal::open(&paths::journal(ws, id)) {
        Ok(j) => j,
        Err(e) => {
            return format!(
                "the halt could not be journaled ({}); the corridor audits its approvals before each send",
                e.message
            )
        }
    };
    if already(&CorridorState::replay(j.entries()), p) {
        return "halted (already, for this entry)".into();
    }
    match j.append(event(p), false) {
        Ok(e) => format!("halted: journaled as audit_failed (seq {})", e.seq),
        Err(e) => format!(
            "the halt could not be journaled ({}); the corridor audits its approvals before each send",
            e.message
        ),
    }
}
