//! A corridor audits its own journal before it sends, arms or rearms: a bad approval in it (a
//! forged or malformed signature, an untrusted key, an unsigned live approval) halts the
//! corridor, journaled as `audit_failed`, and refuses ([`super::super::audit_halt`]).

use super::super::audit;
use super::super::audit_halt;
use super::super::audit_report::ProblemKind;
use super::super::operators::{self, Operators};
use super::Corridor;
use crate::engine::alerts::codes;

impl Corridor {
    /// Audit the approvals journaled since the last clean check. `Err`: why the corridor is
    /// now halted.
    pub(super) fn audit_gate(&mut self) -> std::result::Result<(), String> {
        let (trusted, trust_problem) = match operators::load(&self.ws) {
            Ok(t) => (t, None),
            Err(e) => (Operators::default(), Some(e.message)),
        };
        let check = audit::check_approvals(
            &self.ws,
            self.venues.as_ref(),
            &self.id,
            self.journal.entries(),
            &trusted,
            trust_problem.as_deref(),
            self.audited_seq,
        );
        let trust_ok = trust_problem.is_none();
        let bad = check
            .problems
            .into_iter()
            .filter(|p| audit_halt::in_the_journal(p, trust_ok))
            .min_by_key(|p| p.line);
        let Some(p) = bad else {
            self.audited_seq = self.journal.entries().last().map_or(0, |e| e.seq);
            return Ok(());
        };
        debug_assert_ne!(p.kind, ProblemKind::ChainBroken, "an open journal verified");
        let what = format!("journal line {}: {}: {}", p.line, p.kind.name(), p.why);
        if !audit_halt::already(&self.state, &p) {
            if let Err(e) = self.append(audit_halt::event(&p), false) {
                tracing::error!("{}: the audit halt was not journaled: {e}", self.id);
            }
            self.alert(codes::JOURNAL_TAMPERED, &format!("audit: {what}"));
        }
        Err(format!(
            "the journal fails its audit ({what}); corridor {} is halted: {}",
            self.id,
            audit_halt::RESOLVE
        ))
    }
}
