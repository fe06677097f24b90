//! A corridor: one venue account behind the safety boundary. Every path to the venue runs
//! through here, in this order: intent -> preflight -> approval -> journal (fsynced) -> venue
//! -> journal -> alerts. Restart replays the journal; reconciliation settles anything the
//! journal cannot know, and ambiguity halts the corridor rather than guessing.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::adapter_factory::{AdapterFactory, NoVenues};
use super::approval_sign;
use super::arm_state::ArmState;
use super::broker::BrokerAdapter;
use super::context::ExecutionContext;
use super::error::{ExecutionError, SubmitRefusal};
use super::intent::{intent_digest, IntentSpec};
use super::journal::Journal;
use super::journal_error::JournalError;
use super::model::{
    CorridorId, Entry, Event, ExecutionIntent, OrderRef, OrderReport, OrderState, VenueError,
};
use super::policy::{self, CorridorPolicy, LoadedPolicy};
use super::preflight::{self, ExecutionPreflight};
use super::state::{CorridorState, IntentRecord, IntentStatus};
use super::{global_halt, paths};
use crate::engine::alerts::{self, codes, Severity};
use crate::engine::error::{Error, Result};
use crate::engine::time::now_ms;
use crate::engine::workspace::Workspace;

mod approve;
pub mod arming;
mod attached;
mod audit_gate;
mod halt;
mod reconcile;

/// Where a test makes the process "die": every step after it is skipped, as in a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    AfterIntentJournaled,
    AfterApprovalJournaled,
    AfterSubmitJournaled,
    AfterVenueCall,
}

/// What a submit ended in (errors aside).
#[derive(Debug, Clone, Serialize)]
pub struct SubmitOutcome {
    pub intent_id: String,
    pub dry_run: bool,
    pub status: String,
    pub report: Option<OrderReport>,
    pub message: String,
}

pub struct Corridor {
    ws: Workspace,
    id: CorridorId,
    journal: Journal,
    state: CorridorState,
    adapter: Arc<dyn BrokerAdapter>,
    policy: Option<LoadedPolicy>,
    crash_at: Option<CrashPoint>,
    /// Test hook: how far this corridor's clock runs ahead of the wall clock.
    clock_offset_ms: i64,
    /// When the last submit handed its order to the adapter.
    last_sent: Option<std::time::Instant>,
    /// The journal's approvals up to this sequence passed the audit before a send.
    audited_seq: u64,
    /// Where the adapter's credential came from (the store and name, never the value), when
    /// the opener knows; arming reports it.
    credential_source: Option<String>,
    /// The venues' factory, asked whether this corridor's endpoints are loopback (an
    /// environment-key approval is trusted only then); [`NoVenues`] unless the opener gave one.
    venues: Arc<dyn AdapterFactory>,
}

fn crashed(p: CrashPoint) -> Error {
    ExecutionError::InjectedCrash(format!("{p:?}")).into()
}

impl Corridor {
    /// Open the corridor: load the policy, verify and replay the journal.
    pub fn open(ws: &Workspace, id: &CorridorId, adapter: Arc<dyn BrokerAdapter>) -> Result<Corridor> {
        if adapter.venue() != id.venue {
            return Err(
                ExecutionError::WrongAdapter { adapter: adapter.venue(), corridor: id.clone() }.into()
            );
        }
        let policy = policy::load(ws)?;
        let path = paths::journal(ws, id);
        let journal = Journal::open(&path).inspect_err(|e| {
            if matches!(e.domain(), Some(JournalError::Tampered { .. })) {
                let _ = alerts::raise(ws, codes::JOURNAL_TAMPERED, &id.alert_source(), &e.message);
            }
        })?;
        let state = CorridorState::replay(journal.entries());
        Ok(Corridor {
            ws: ws.clone(),
            id: id.clone(),
            journal,
            state,
            adapter,
            policy,
            crash_at: None,
            clock_offset_ms: 0,
            last_sent: None,
            audited_seq: 0,
            credential_source: None,
            venues: Arc::new(NoVenues),
        })
    }

    /// Say where the adapter's credential came from (names only), for arming's report.
    pub fn with_credential_source(mut self, source: Option<String>) -> Corridor {
        self.credential_source = source;
        self
    }

    /// Give the venues' factory, so the corridor can tell whether its endpoints are loopback.
    pub fn with_venues(mut self, venues: Arc<dyn AdapterFactory>) -> Corridor {
        self.venues = venues;
        self
    }

    /// Test hook: stop dead at `point`.
    pub fn crash_at(&mut self, point: CrashPoint) {
        self.crash_at = Some(point);
    }

    /// Test hook: move this corridor's clock forward, so time windows (the breaker's, orders
    /// per minute) can be crossed without waiting. Journal entries carry the moved time.
    pub fn advance_clock(&mut self, ms: i64) {
        self.clock_offset_ms += ms.max(0);
    }

    /// Now, as this corridor sees it (the wall clock outside tests).
    fn now(&self) -> i64 {
        now_ms() + self.clock_offset_ms
    }

    fn crash(&self, p: CrashPoint) -> Result<()> {
        if self.crash_at == Some(p) {
            return Err(crashed(p));
        }
        Ok(())
    }

    /// The adapter (for reads: balances, positions, open orders).
    pub fn adapter(&self) -> &Arc<dyn BrokerAdapter> {
        &self.adapter
    }

    /// Submit, and report when the order was handed to the venue adapter (latency figures).
    pub async fn submit_timed(
        &mut self,
        intent_id: &str,
    ) -> (Result<SubmitOutcome>, Option<std::time::Instant>) {
        self.last_sent = None;
        let r = self.submit(intent_id, false).await;
        (r, self.last_sent)
    }

    pub fn id(&self) -> &CorridorId {
        &self.id
    }

    pub fn state(&self) -> &CorridorState {
        &self.state
    }

    pub fn entries(&self) -> &[Entry] {
        self.journal.entries()
    }

    pub fn journal_path(&self) -> PathBuf {
        self.journal.path().to_path_buf()
    }

    pub fn policy(&self) -> Option<&CorridorPolicy> {
        self.policy.as_ref().and_then(|p| p.corridor(&self.id))
    }

    pub fn policy_fingerprint(&self) -> Option<String> {
        self.policy.as_ref().map(|p| p.fingerprint.clone())
    }

    fn append(&mut self, event: Event, dry_run: bool) -> Result<Entry> {
        let before = self.journal.entries().len();
        let r = self.journal.append_at(event, dry_run, self.now());
        // An entry on disk is applied even when its head update failed: the state stays the
        // replay of the journal, and the caller still sees the error and stops.
        if let Some(e) = self.journal.entries().get(before).cloned() {
            self.state.apply(&e);
        }
        r
    }

    fn alert(&self, code: (&str, Severity), message: &str) {
        // An alert that cannot be written must not stop a cancel or a halt; the journal holds
        // the event either way.
        if let Err(e) = alerts::raise(&self.ws, code, &self.id.alert_source(), message) {
            tracing::error!("alert {} not written: {e}", code.0);
        }
    }

    fn record(&self, intent_id: &str) -> Result<&IntentRecord> {
        self.state.intents.get(intent_id).ok_or_else(|| {
            ExecutionError::NoIntent { intent_id: intent_id.into(), corridor: self.id.clone() }.into()
        })
    }

    /// Why the corridor may not send anything, if it may not.
    pub fn halted(&self) -> Option<String> {
        if let Some(m) = global_halt::reason(&self.ws) {
            return Some(format!("kill switch (all corridors): {m}"));
        }
        self.state.halt.as_ref().map(|h| format!("{:?}: {}", h.reason, h.message))
    }

    pub fn create_intent(&mut self, spec: IntentSpec) -> Result<ExecutionIntent> {
        if spec.venue != self.id.venue || spec.account != self.id.account {
            let (venue, account, corridor) = (spec.venue, spec.account, self.id.clone());
            return Err(ExecutionError::OtherCorridorsIntent { venue, account, corridor }.into());
        }
        let intent = spec.build(self.now())?;
        self.append(Event::IntentCreated { intent: intent.clone() }, false)?;
        self.crash(CrashPoint::AfterIntentJournaled)?;
        Ok(intent)
    }

    fn symbols(&self) -> Vec<String> {
        let mut s: Vec<String> = self.policy().map(|p| p.symbols.clone()).unwrap_or_default();
        s.extend(self.state.intents.values().map(|r| r.intent.symbol.clone()));
        s.extend(self.state.positions.keys().cloned());
        s.sort();
        s.dedup();
        s
    }

    pub async fn context(&self) -> Result<ExecutionContext> {
        ExecutionContext::gather(&self.id, self.adapter.as_ref(), &self.state, &self.symbols()).await
    }

    /// The preflight of an intent against a context, journaling nothing (the console shows it
    /// on every refresh; only a submit's preflight is the audit record).
    pub fn evaluate(
        &self,
        intent: &ExecutionIntent,
        context: std::result::Result<&ExecutionContext, &str>,
    ) -> ExecutionPreflight {
        self.evaluate_for(intent, context, false)
    }

    /// [`Corridor::evaluate`]; a dry run places nothing, so it needs the corridor not halted
    /// but not armed.
    fn evaluate_for(
        &self,
        intent: &ExecutionIntent,
        context: std::result::Result<&ExecutionContext, &str>,
        dry_run: bool,
    ) -> ExecutionPreflight {
        let halt = global_halt::reason(&self.ws);
        // The gate reads the reports, the journal and the alert log: only where it applies
        // (preflight's `promotion` rule passes every other corridor without looking).
        let gated = self.id.venue.is_live() && self.policy().is_some_and(|p| p.above_micro_live());
        let promotion = match self.policy_fingerprint() {
            Some(fp) if gated => {
                super::promote::gate(&self.ws, &self.id, &fp).map(|r| r.id).map_err(|why| why.to_string())
            }
            Some(_) => Err("not needed".to_string()),
            None => Err("none".to_string()),
        };
        let arm = self.arm_status();
        preflight::preflight(
            intent,
            &preflight::Inputs {
                policy: self.policy(),
                policy_fingerprint: self.policy.as_ref().map(|p| p.fingerprint.as_str()),
                state: &self.state,
                global_halt: halt.as_deref(),
                context,
                arm: (self.id.venue.is_live() && !dry_run).then_some(&arm),
                promotion: promotion.as_deref().map_err(String::as_str),
                now_ms: self.now(),
            },
        )
    }

    /// Check an intent against the policy and the venue now, as for a real send; journaled as
    /// an audit.
    pub async fn preflight(&mut self, intent_id: &str) -> Result<ExecutionPreflight> {
        self.preflight_for(intent_id, false).await
    }

    async fn preflight_for(&mut self, intent_id: &str, dry_run: bool) -> Result<ExecutionPreflight> {
        let intent = self.record(intent_id)?.intent.clone();
        let context = self.context().await.map_err(|e| e.message);
        if let Err(why) = &context {
            self.alert(codes::VENUE_ERROR, &format!("no execution context for {}: {why}", intent.id));
        }
        let pf = self.evaluate_for(&intent, context.as_ref().map_err(String::as_str), dry_run);
        for c in pf.failed() {
            match c.rule.as_str() {
                "mark_fresh" => self.alert(
                    codes::STALE_STREAM,
                    &format!("{}: mark {} ({})", intent.symbol, c.actual, c.limit),
                ),
                "clock_skew_ms" => self
                    .alert(codes::CLOCK_SKEW, &format!("venue clock off by {} ms ({})", c.actual, c.limit)),
                _ => {}
            }
        }
        self.append(
            Event::Preflight {
                intent_id: intent.id.clone(),
                passed: pf.passed(),
                failed_rules: pf.failed().iter().map(|c| c.rule.clone()).collect(),
                policy_fingerprint: self.policy_fingerprint().unwrap_or_default(),
            },
            false,
        )?;
        Ok(pf)
    }

    /// The digest of an intent as it stands now: what a confirmation must carry.
    pub fn digest_of(&self, intent_id: &str) -> Result<String> {
        Ok(intent_digest(&self.record(intent_id)?.intent))
    }

    fn refuse(&mut self, intent_id: &str, why: SubmitRefusal) -> Error {
        let reason = why.to_string();
        let _ =
            self.append(Event::SubmitRefused { intent_id: intent_id.into(), reason: reason.clone() }, false);
        self.alert(codes::SUBMIT_REFUSED, &format!("{intent_id}: {reason}"));
        ExecutionError::SubmitRefused(why).into()
    }

    /// Send an approved intent (or, with `dry_run`, have the venue validate it without placing
    /// anything; a dry run needs no approval). Refusals are exit 3, venue failures exit 4.
    pub async fn submit(&mut self, intent_id: &str, dry_run: bool) -> Result<SubmitOutcome> {
        self.refuse_child(intent_id)?;
        let rec = self.record(intent_id)?.clone();
        if !dry_run {
            let now = self.now();
            let why = match &rec.approval {
                _ if rec.status != IntentStatus::Approved => {
                    Some(SubmitRefusal::NotApproved(rec.status.name()))
                }
                None => Some(SubmitRefusal::NoApproval),
                Some(a) if a.expires_ms <= now => Some(SubmitRefusal::Lapsed((now - a.expires_ms) / 1000)),
                Some(a) if a.intent_digest != intent_digest(&rec.intent) => {
                    Some(SubmitRefusal::ChangedAfterApproval)
                }
                Some(_) => None,
            };
            if let Some(why) = why {
                return Err(self.refuse(intent_id, why));
            }
            // Live money moves only through an armed corridor (checked, reconciled, supervised).
            if self.id.venue.is_live() && self.arm_state() != ArmState::Armed {
                let why =
                    SubmitRefusal::NotArmed { corridor: self.id.clone(), state: self.arm_state().name() };
                return Err(self.refuse(intent_id, why));
            }
        }
        let pf = self.preflight_for(intent_id, dry_run).await?;
        if !pf.passed() {
            let rules = pf.failed().iter().map(|c| c.rule.clone()).collect();
            return Err(self.refuse(intent_id, SubmitRefusal::Preflight { rules, reasons: pf.reasons() }));
        }
        let i = &rec.intent;
        let request = i.order_request();
        // The last check before anything is journaled as sent: the approval's signature.
        if let (false, Some(a)) = (dry_run, &rec.approval) {
            if let Err(why) = approval_sign::check_for_submit(&self.ws, &self.id, a, self.venues.as_ref()) {
                // A bad approval in the journal halts the corridor too, not just this send.
                let _ = self.audit_gate();
                return Err(self.refuse(intent_id, SubmitRefusal::Approval(why)));
            }
            // Any other approval in the journal that fails its audit halts the corridor.
            if let Err(why) = self.audit_gate() {
                return Err(self.refuse(intent_id, SubmitRefusal::Audit(why)));
            }
        }
        self.append(Event::SubmitStarted { intent_id: intent_id.into(), request: request.clone() }, dry_run)?;
        self.crash(CrashPoint::AfterSubmitJournaled)?;
        if dry_run {
            let r = self.adapter.validate(&request).await;
            self.crash(CrashPoint::AfterVenueCall)?;
            let (ok, message) = match &r {
                Ok(()) => (true, "the venue would accept it".to_string()),
                Err(e) => (false, e.to_string()),
            };
            self.append(
                Event::DryRunResult { intent_id: intent_id.into(), ok, message: message.clone() },
                true,
            )?;
            return Ok(SubmitOutcome {
                intent_id: intent_id.into(),
                dry_run: true,
                status: if ok { "valid" } else { "invalid" }.into(),
                report: None,
                message,
            });
        }
        self.alert(codes::ORDER_SUBMITTED, &format!("{intent_id}: {}", i.describe()));
        self.last_sent = Some(std::time::Instant::now());
        let result = self.adapter.submit(&request).await;
        self.crash(CrashPoint::AfterVenueCall)?;
        match result {
            Ok(report) => {
                self.append(
                    Event::VenueAck { intent_id: intent_id.into(), report: report.clone(), recovered: false },
                    false,
                )?;
                self.alert(codes::VENUE_ACK, &format!("{intent_id}: venue order {}", report.venue_order_id));
                self.fill_alerts(intent_id, &report);
                if !report.filled_quantity.is_zero() && !self.state.child_ids(intent_id).is_empty() {
                    // The exits rest from the entry's fill on; a failed look is retried by
                    // the next refresh, so it does not fail a submit that went through.
                    let _ = self.refresh_children().await;
                }
                Ok(SubmitOutcome {
                    intent_id: intent_id.into(),
                    dry_run: false,
                    status: self.record(intent_id)?.status.name().into(),
                    message: format!("venue order {}", report.venue_order_id),
                    report: Some(report),
                })
            }
            Err(VenueError::Rejected { reason }) => {
                self.append(
                    Event::VenueReject { intent_id: intent_id.into(), reason: reason.clone() },
                    false,
                )?;
                self.alert(codes::ORDER_REJECTED, &format!("{intent_id}: {reason}"));
                self.check_breaker()?;
                Err(ExecutionError::VenueRejected { intent_id: intent_id.into(), reason }.into())
            }
            Err(e) => {
                let ambiguous = e.is_ambiguous();
                self.append(
                    Event::VenueError { intent_id: intent_id.into(), message: e.to_string(), ambiguous },
                    false,
                )?;
                self.alert(codes::VENUE_ERROR, &format!("{intent_id}: {e}"));
                if ambiguous {
                    // Settle it now if the venue answers; reconciliation will otherwise.
                    let _ = self.settle(intent_id).await;
                }
                self.check_breaker()?;
                let status = self.record(intent_id)?.status.name();
                Err(ExecutionError::SendFailed { intent_id: intent_id.into(), status, source: e }.into())
            }
        }
    }

    fn fill_alerts(&self, intent_id: &str, report: &OrderReport) {
        match report.state {
            OrderState::Filled => self.alert(
                codes::ORDER_FILLED,
                &format!(
                    "{intent_id}: filled {} {} at {}",
                    report.quantity,
                    report.symbol,
                    report.average_price.unwrap_or_default()
                ),
            ),
            OrderState::PartiallyFilled => self.alert(
                codes::PARTIAL_FILL,
                &format!(
                    "{intent_id}: filled {} of {} {}",
                    report.filled_quantity, report.quantity, report.symbol
                ),
            ),
            OrderState::Cancelled | OrderState::Expired => {
                self.alert(codes::ORDER_CANCELLED, &format!("{intent_id}: cancelled at the venue"))
            }
            _ => {}
        }
    }

    /// Cancel an intent: withdrawn if not yet sent, cancelled at the venue if resting there.
    pub async fn cancel_intent(&mut self, intent_id: &str, reason: &str) -> Result<IntentStatus> {
        let rec = self.record(intent_id)?.clone();
        match rec.status {
            IntentStatus::Pending | IntentStatus::Approved | IntentStatus::Waiting => {
                self.refuse_child(intent_id)?;
                self.append(
                    Event::IntentCancelled { intent_id: intent_id.into(), reason: reason.into() },
                    false,
                )?;
            }
            IntentStatus::Open | IntentStatus::PartiallyFilled => {
                self.append(Event::CancelRequested { intent_id: intent_id.into() }, false)?;
                // An exit is named by the venue's id: Kraken knows a conditional close only so.
                let order = match (&rec.intent.parent, &rec.venue_order_id) {
                    (Some(_), Some(v)) => OrderRef::Venue(v.clone()),
                    _ => OrderRef::Client(rec.intent.client_order_id.clone()),
                };
                let r = self.adapter.cancel(&order).await?;
                self.append(Event::OrderUpdate { intent_id: intent_id.into(), report: r.clone() }, false)?;
                self.fill_alerts(intent_id, &r);
            }
            s if s.in_flight() => return Err(ExecutionError::FateUnknown(intent_id.into()).into()),
            s => {
                return Err(
                    ExecutionError::AlreadyFinal { intent_id: intent_id.into(), status: s.name() }.into()
                )
            }
        }
        Ok(self.record(intent_id)?.status)
    }
}
