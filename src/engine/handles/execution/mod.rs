//! `engine.execution()`: the policy, intents, preflight, script submits, journals, audits, the
//! kill switch and promotion reports. Live orders are the one thing not here: they are sent only
//! by the console's confirm key ([`corridors`]).

pub mod corridors;
pub mod poll;

use serde::Serialize;

use crate::engine::execution::approval_sign::{OperatorKey, RehearsalKey};
use crate::engine::execution::arm_state::ArmStatus;
use crate::engine::execution::audit;
use crate::engine::execution::audit_report::AuditReport;
use crate::engine::execution::intent::IntentSpec;
use crate::engine::execution::journal::{self, Verification};
use crate::engine::execution::model::Entry;
use crate::engine::execution::model::ExecutionIntent;
use crate::engine::execution::model::{Event, ReconcileSummary};
use crate::engine::execution::policy::{self, LoadedPolicy};
use crate::engine::execution::preflight::ExecutionPreflight;
use crate::engine::execution::promote::{self, PromotionReport};
use crate::engine::execution::state::IntentStatus;
use crate::engine::execution::{self as ex, paths, CorridorId, ExecutionError, SubmitOutcome, Venue};
use crate::engine::time::now_ms;
use crate::engine::workspace::write_atomic;
use crate::engine::{Engine, Result};

/// One corridor at a glance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorridorSummary {
    pub corridor: CorridorId,
    pub in_policy: bool,
    pub halted: Option<String>,
    /// Armed, disarmed, lease expired or halted, from the journal and the lease.
    #[serde(flatten)]
    pub arm: ArmStatus,
    pub intents: usize,
    /// Pending intents not yet expired: what waits for an operator's approval.
    pub awaiting_approval: usize,
    pub open_orders: usize,
    pub journal_entries: usize,
}

/// Every corridor at a glance, read together: the Corridors tab's list and the status bar's
/// halts and approvals come from one snapshot, so they agree and each journal is read once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorridorSnapshot {
    pub corridors: Vec<CorridorSummary>,
    /// Why the kill switch halted every corridor, when it did.
    pub kill_switch: Option<String>,
}

impl CorridorSnapshot {
    /// Intents not yet expired that wait for an operator's approval, over every corridor.
    pub fn awaiting_approval(&self) -> usize {
        self.corridors.iter().map(|c| c.awaiting_approval).sum()
    }

    /// The corridors halted, on their own or by the kill switch.
    pub fn halted(&self) -> Vec<&CorridorId> {
        self.corridors.iter().filter(|c| c.halted.is_some()).map(|c| &c.corridor).collect()
    }
}

/// Execution: the policy, intents, corridors, journals, audits, the kill switch.
#[derive(Clone, Copy)]
pub struct Execution<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Execution: the policy, intents, corridors, journals, audits, the kill switch.
    pub fn execution(&self) -> Execution<'_> {
        Execution { engine: self }
    }
}

impl Execution<'_> {
    /// Write the example policy (for the fake venue) unless one exists.
    pub fn policy_init(&self) -> Result<std::path::PathBuf> {
        let p = policy::path(self.engine.workspace());
        if p.exists() {
            return Err(ExecutionError::PolicyExists(p).into());
        }
        self.engine.workspace().ensure()?;
        write_atomic(&p, policy::EXAMPLE.as_bytes())?;
        Ok(p)
    }

    pub fn policy(&self) -> Result<LoadedPolicy> {
        policy::load(self.engine.workspace())?
            .ok_or_else(|| ExecutionError::NoPolicy(policy::path(self.engine.workspace())).into())
    }

    /// The policy in force, or `None` when the workspace has none yet (a console shows that
    /// as a state, not an error).
    pub fn policy_if_written(&self) -> Result<Option<LoadedPolicy>> {
        policy::load(self.engine.workspace())
    }

    pub fn corridors(&self) -> Result<Vec<CorridorSummary>> {
        Ok(self.corridor_snapshot()?.corridors)
    }

    /// Every corridor at a glance and what the status bar says of them, from one read of each
    /// journal.
    pub fn corridor_snapshot(&self) -> Result<CorridorSnapshot> {
        self.snapshot_with(&std::collections::BTreeMap::new())
    }

    /// The snapshot, with the corridors in `open` (opened, so read already, by the caller)
    /// summarised from the state they hold instead of their journals read again.
    pub(crate) fn snapshot_with(
        &self,
        open: &std::collections::BTreeMap<CorridorId, ex::Corridor>,
    ) -> Result<CorridorSnapshot> {
        let ws = self.engine.workspace();
        let in_policy: Vec<CorridorId> = policy::load(ws)?
            .map(|p| p.policy.corridors.iter().map(|c| c.id()).collect())
            .unwrap_or_default();
        let global = ex::global_halt::reason(ws);
        let now = now_ms();
        let mut out = Vec::new();
        for id in ex::corridors(ws)? {
            let read;
            let (st, journal_entries) = match open.get(&id) {
                Some(c) => (c.state(), c.entries().len()),
                None => {
                    let entries = journal::read(&paths::journal(ws, &id))?;
                    read = ex::state::CorridorState::replay(&entries);
                    (&read, entries.len())
                }
            };
            out.push(CorridorSummary {
                arm: ex::arm_state::status_of(ws, &id, st, now),
                in_policy: in_policy.contains(&id),
                halted: global
                    .clone()
                    .map(|g| format!("kill switch (all corridors): {g}"))
                    .or_else(|| st.halt.as_ref().map(|h| format!("{:?}: {}", h.reason, h.message))),
                intents: st.intents.len(),
                awaiting_approval: st
                    .intents
                    .values()
                    .filter(|r| r.awaits_approval() && r.intent.expires_ms > now)
                    .count(),
                open_orders: st.open_intents().count(),
                journal_entries,
                corridor: id,
            });
        }
        Ok(CorridorSnapshot { corridors: out, kill_switch: global })
    }

    /// Record a new intent in its corridor's journal. No venue is involved.
    pub fn intent_new(&self, spec: IntentSpec) -> Result<ExecutionIntent> {
        let id = CorridorId::new(spec.venue, &spec.account)?;
        let intent = spec.build(now_ms())?;
        let ws = self.engine.workspace();
        let max_ttl =
            match policy::load(ws)?.as_ref().and_then(|p| p.corridor(&id).map(|c| c.max_intent_ttl_secs)) {
                Some(secs) => secs,
                None => policy::DEFAULT_MAX_INTENT_TTL_SECS,
            };
        intent.check_ttl(max_ttl as i64 * 1000)?;
        let fake_rule = (id.venue == Venue::Fake)
            .then(|| {
                let path = paths::fake_venue(ws, &id.account);
                let state = match std::fs::read(&path) {
                    Ok(b) => serde_json::from_slice::<crate::engine::venues::fake::FakeState>(&b).ok(),
                    Err(_) => Some(crate::engine::venues::fake::FakeState::default()),
                };
                state?.rules(&intent.symbol)
            })
            .flatten();
        match fake_rule {
            Some(r) => intent.check_price_decimals(
                r.tick_size.normalize().scale(),
                &format!("the fake venue's tick for {} ({})", r.symbol, r.tick_size),
            )?,
            None => intent.check_price_decimals(
                crate::engine::venues::max_price_decimals(id.venue),
                &format!(
                    "{} (its most price decimals; the instrument's tick is checked at preflight)",
                    id.venue
                ),
            )?,
        }
        let mut j = journal::Journal::open(&paths::journal(self.engine.workspace(), &id))?;
        j.append(Event::IntentCreated { intent: intent.clone() }, false)?;
        Ok(intent)
    }

    pub fn intents(
        &self,
        venue: Option<Venue>,
        account: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ex::IntentRow>> {
        let status = status.map(IntentStatus::parse).transpose()?;
        let scope = ex::select(self.engine.workspace(), venue, account)?;
        let rows = ex::list_intents(self.engine.workspace(), &scope)?;
        Ok(rows.into_iter().filter(|r| status.is_none_or(|s| r.record.status == s)).collect())
    }

    pub fn intent(&self, id: &str) -> Result<ex::IntentRow> {
        ex::find_intent(self.engine.workspace(), id)
    }

    /// Withdraw an intent not yet sent (no venue needed), or cancel it at the venue.
    pub fn intent_cancel(&self, id: &str, reason: &str) -> Result<IntentStatus> {
        let row = self.intent(id)?;
        let c = row.corridor.clone();
        if let Some(parent) = &row.record.intent.parent {
            if !row.record.status.at_venue() {
                let (intent_id, entry) = (id.to_string(), parent.clone());
                return Err(ExecutionError::ExitWithdrawnWithEntry { intent_id, entry }.into());
            }
        }
        if matches!(row.record.status, IntentStatus::Pending | IntentStatus::Approved) {
            let mut j = journal::Journal::open(&paths::journal(self.engine.workspace(), &c))?;
            j.append(Event::IntentCancelled { intent_id: id.into(), reason: reason.into() }, false)?;
            return Ok(IntentStatus::Cancelled);
        }
        let mut corridor = ex::open_corridor(
            self.engine.workspace(),
            self.engine.adapters(),
            &c,
            self.engine.credentials(),
        )?;
        self.engine.block_on(corridor.cancel_intent(id, reason))?
    }

    pub fn preflight(&self, intent_id: &str) -> Result<ExecutionPreflight> {
        let row = self.intent(intent_id)?;
        let mut c = ex::open_corridor(
            self.engine.workspace(),
            self.engine.adapters(),
            &row.corridor,
            self.engine.credentials(),
        )?;
        self.engine.block_on(c.preflight(intent_id))?
    }

    /// Send an intent from a script. A dry run (validate-only) works on every venue; a real
    /// submit on a venue that moves no money, or of a live intent approved inside a grant of
    /// automation (`intent approve`; the send checks the grant again): any other live order
    /// needs the console's confirm key.
    pub fn submit(&self, intent_id: &str, dry_run: bool) -> Result<SubmitOutcome> {
        let row = self.intent(intent_id)?;
        let automated = row.record.approval.as_ref().is_some_and(|a| a.automation.is_some());
        if row.corridor.venue.is_live() && !dry_run && !automated {
            return Err(ExecutionError::LiveSendFromCli(row.corridor.venue).into());
        }
        if automated && !dry_run {
            let mut c = ex::open_corridor(
                self.engine.workspace(),
                self.engine.adapters(),
                &row.corridor,
                self.engine.credentials(),
            )?;
            return self.engine.block_on(c.submit(intent_id, false))?;
        }
        let mut c = ex::open_corridor(
            self.engine.workspace(),
            self.engine.adapters(),
            &row.corridor,
            self.engine.credentials(),
        )?;
        let mut unsigned = None;
        if !dry_run {
            match OperatorKey::for_rehearsal(self.engine.credentials(), self.engine.workspace())? {
                RehearsalKey::Signed(key) => {
                    c.rehearse(intent_id, &key)?;
                }
                // No money moves on this venue: rehearse unsigned rather than not at all, and
                // say so (audit verify reports it too). Live approvals never take this path.
                RehearsalKey::Unsigned { why } => {
                    tracing::warn!("approval of {intent_id} journaled unsigned: {why}");
                    c.rehearse_unsigned(intent_id)?;
                    unsigned = Some(
                        "approval unsigned: no OS keyring could keep the operator key here \
                         (docs/secrets.md; `keyctl session - quantlab ...` on headless Linux)",
                    );
                }
            }
        }
        let mut out = self.engine.block_on(c.submit(intent_id, dry_run))??;
        if let Some(note) = unsigned {
            out.message = format!("{}; {note}", out.message);
        }
        Ok(out)
    }

    /// This process's operator signing key ($QUANTLAB_OPERATOR, else the OS user), created in
    /// the credential store on first use and trusted by the workspace. The console signs its
    /// approvals with it.
    pub fn operator_key(&self) -> Result<OperatorKey> {
        OperatorKey::load_or_create(self.engine.credentials(), self.engine.workspace())
    }

    /// A new operator signing key, made on purpose when the store lost the one the workspace
    /// trusts; refused while the store holds one.
    pub fn operator_key_replace(&self) -> Result<OperatorKey> {
        crate::engine::execution::approval_sign::replace_lost(
            self.engine.credentials(),
            self.engine.workspace(),
        )
    }

    /// Every corridor journal in scope: hash chain, head record, and each approval's signature
    /// against the trusted operator keys.
    pub fn audit_verify(&self, venue: Option<Venue>, account: Option<&str>) -> Result<AuditReport> {
        let scope = ex::select(self.engine.workspace(), venue, account)?;
        audit::verify(self.engine.workspace(), self.engine.adapters().as_ref(), &scope)
    }

    pub fn journal_entries(&self, venue: Venue, account: &str) -> Result<Vec<Entry>> {
        let id = CorridorId::new(venue, account)?;
        let p = paths::journal(self.engine.workspace(), &id);
        if !p.exists() {
            return Err(ExecutionError::NoJournal { corridor: id, path: p }.into());
        }
        journal::read(&p)
    }

    pub fn journal_verify(
        &self,
        venue: Option<Venue>,
        account: Option<&str>,
    ) -> Result<Vec<(CorridorId, Verification)>> {
        let scope = ex::select(self.engine.workspace(), venue, account)?;
        ex::verify_journals(self.engine.workspace(), &scope)
    }

    pub fn kill(&self, venue: Option<Venue>, account: Option<&str>, reason: &str) -> Result<ex::KillReport> {
        ex::kill(
            self.engine.workspace(),
            self.engine.adapters(),
            self.engine.credentials(),
            self.engine.venue_runtime(),
            venue,
            account,
            reason,
        )
    }

    pub fn rearm(&self, venue: Option<Venue>, account: Option<&str>) -> Result<Vec<ex::CorridorOutcome>> {
        ex::rearm(
            self.engine.workspace(),
            self.engine.adapters(),
            self.engine.credentials(),
            self.engine.venue_runtime(),
            venue,
            account,
        )
    }

    pub fn reconcile(&self, venue: Venue, account: &str) -> Result<ReconcileSummary> {
        let id = CorridorId::new(venue, account)?;
        let mut c = ex::open_corridor(
            self.engine.workspace(),
            self.engine.adapters(),
            &id,
            self.engine.credentials(),
        )?;
        self.engine.block_on(c.reconcile())?
    }

    pub fn promote_check(&self, venue: Venue, account: &str) -> Result<PromotionReport> {
        let id = CorridorId::new(venue, account)?;
        let loaded = policy::load(self.engine.workspace())?;
        let cp = loaded.as_ref().and_then(|p| p.corridor(&id));
        let key = self.report_key(&id)?;
        promote::check(
            self.engine.workspace(),
            &id,
            cp,
            loaded.as_ref().map(|p| p.fingerprint.as_str()),
            self.engine.credentials(),
            key.as_ref(),
        )
    }

    /// The key a promotion report is signed with: the operator's, as for a console approval
    /// (the environment's on the loopback simulator where no keyring works); on the fake venue,
    /// none where no keyring works (such a report opens no gate: the fake venue has none).
    fn report_key(&self, id: &CorridorId) -> Result<Option<OperatorKey>> {
        if !id.venue.is_live() {
            return Ok(
                match OperatorKey::for_rehearsal(self.engine.credentials(), self.engine.workspace())? {
                    RehearsalKey::Signed(k) => Some(*k),
                    RehearsalKey::Unsigned { why } => {
                        tracing::warn!("promotion report for {id} left unsigned: {why}");
                        None
                    }
                },
            );
        }
        Ok(Some(self.engine.live_operator_key(id)?))
    }
}
