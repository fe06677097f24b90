//! The corridor state rebuilt by replaying its journal events ([`super::model::Event`]).
//! Nothing here talks to a venue or a disk: replay is a pure fold, so the state after a
//! restart is exactly the state before it.

use std::collections::BTreeMap;

use rust_decimal::prelude::Signed;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{
    Approval, Entry, Event, ExecutionIntent, OrderError, OrderProblem, OrderReport, OrderState,
};

/// What stopped a corridor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HaltReason {
    KillSwitch,
    Breaker,
    Mismatch,
    /// The journal failed its audit (a bad approval signature, an untrusted key), or this is
    /// a fresh segment started after one that did: lifted by `quantlab rearm` once the
    /// audit passes and a reconciliation is clean.
    AuditFailed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Halt {
    pub reason: HaltReason,
    pub at_ms: i64,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentStatus {
    /// Created, not approved (or its approval lapsed).
    Pending,
    Approved,
    /// Journaled as sent; no answer recorded yet.
    Submitting,
    /// An attached exit sent with its entry: the venue holds it off the book until the entry
    /// fills, then it rests as a trigger order.
    Waiting,
    /// The venue call failed without a definite answer: a status query decides.
    Uncertain,
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
    Rejected,
}

impl IntentStatus {
    pub const ALL: [IntentStatus; 10] = [
        IntentStatus::Pending,
        IntentStatus::Approved,
        IntentStatus::Submitting,
        IntentStatus::Waiting,
        IntentStatus::Uncertain,
        IntentStatus::Open,
        IntentStatus::PartiallyFilled,
        IntentStatus::Filled,
        IntentStatus::Cancelled,
        IntentStatus::Rejected,
    ];

    /// A status by its name, for `--status`.
    pub fn parse(s: &str) -> crate::engine::error::Result<IntentStatus> {
        IntentStatus::ALL.into_iter().find(|t| t.name() == s.to_ascii_lowercase()).ok_or_else(|| {
            let known: Vec<&str> = IntentStatus::ALL.iter().map(|t| t.name()).collect();
            let problem = OrderProblem::NotAStatus { given: s.into(), known: known.join(", ") };
            OrderError::new("--status", problem).into()
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            IntentStatus::Pending => "pending",
            IntentStatus::Approved => "approved",
            IntentStatus::Submitting => "submitting",
            IntentStatus::Waiting => "waiting",
            IntentStatus::Uncertain => "uncertain",
            IntentStatus::Open => "open",
            IntentStatus::PartiallyFilled => "partially_filled",
            IntentStatus::Filled => "filled",
            IntentStatus::Cancelled => "cancelled",
            IntentStatus::Rejected => "rejected",
        }
    }

    /// Nothing more will happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, IntentStatus::Filled | IntentStatus::Cancelled | IntentStatus::Rejected)
    }

    /// It may be resting at the venue.
    pub fn at_venue(self) -> bool {
        matches!(self, IntentStatus::Open | IntentStatus::PartiallyFilled)
    }

    /// Sent, and its fate is not yet known.
    pub fn in_flight(self) -> bool {
        matches!(self, IntentStatus::Submitting | IntentStatus::Uncertain)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentRecord {
    pub intent: ExecutionIntent,
    pub status: IntentStatus,
    pub approval: Option<Approval>,
    pub venue_order_id: Option<String>,
    pub filled_quantity: Decimal,
    pub average_price: Option<Decimal>,
    pub fees: Decimal,
    pub last_message: Option<String>,
    /// The latest validate-only result, if any.
    pub dry_run: Option<DryRun>,
}

impl IntentRecord {
    /// Waiting for the operator's go-ahead: pending, and not an exit (approved with its entry).
    pub fn awaits_approval(&self) -> bool {
        self.status == IntentStatus::Pending && self.intent.parent.is_none()
    }

    pub fn new(intent: ExecutionIntent) -> IntentRecord {
        IntentRecord {
            intent,
            status: IntentStatus::Pending,
            approval: None,
            venue_order_id: None,
            filled_quantity: Decimal::ZERO,
            average_price: None,
            fees: Decimal::ZERO,
            last_message: None,
            dry_run: None,
        }
    }
}

/// What the venue said of a validate-only submit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DryRun {
    pub ok: bool,
    pub message: String,
}

/// Everything a corridor knows, from its journal alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CorridorState {
    pub intents: BTreeMap<String, IntentRecord>,
    pub halt: Option<Halt>,
    /// Times of real (not dry-run) submits, for orders per minute.
    pub submit_times: Vec<i64>,
    /// Times of rejects and venue errors, for the breaker.
    pub failure_times: Vec<i64>,
    /// (time, clean, policy fingerprint) of each reconciliation.
    pub reconciliations: Vec<(i64, bool, Option<String>)>,
    /// (time, policy fingerprint) of each kill.
    pub kills: Vec<(i64, Option<String>)>,
    /// Net position per symbol: the baseline plus every fill journaled since.
    pub positions: BTreeMap<String, Decimal>,
    /// Average entry price per symbol, for realized PnL.
    avg_cost: BTreeMap<String, Decimal>,
    /// (time, realized PnL after fees) of every fill that closed some position.
    pub realized: Vec<(i64, Decimal)>,
    pub has_baseline: bool,
    /// The journal sequence of the Armed entry in force (cleared by a disarm or any halt).
    pub armed_seq: Option<u64>,
    /// Start of the current session: the last rearm, or the journal's first entry.
    pub session_start_ms: i64,
    pub entries: usize,
}

impl CorridorState {
    pub fn replay(entries: &[Entry]) -> CorridorState {
        let mut s = CorridorState::default();
        for e in entries {
            s.apply(e);
        }
        s
    }

    pub fn apply(&mut self, e: &Entry) {
        if self.entries == 0 {
            self.session_start_ms = e.time_ms;
        }
        self.entries += 1;
        let t = e.time_ms;
        match &e.event {
            Event::IntentCreated { intent } => {
                // An entry's attached exits are intents of their own, derived, never journaled
                // apart: replay makes them exactly as the entry's creation did.
                for i in std::iter::once(intent.clone()).chain(super::exits::children(intent)) {
                    self.intents.insert(i.id.clone(), IntentRecord::new(i));
                }
            }
            Event::IntentCancelled { intent_id, reason } => {
                self.update(intent_id, |r| {
                    r.status = IntentStatus::Cancelled;
                    r.last_message = Some(reason.clone());
                });
                self.children_follow(intent_id, IntentStatus::Cancelled, "its entry was withdrawn");
            }
            Event::Preflight { .. }
            | Event::Note { .. }
            | Event::CancelRequested { .. }
            | Event::OrderPreview { .. }
            | Event::PreviewResult { .. }
            // A closing is the operator's review, not a change of the corridor's state.
            | Event::IncidentClosed { .. }
            // A promotion decision is the board's record, not a change of the corridor's state.
            | Event::PromotionDecided { .. }
            // A grant is automation's record; a revoked one changes no order or halt.
            | Event::GrantMade { .. }
            | Event::GrantRevoked { .. } => {}
            Event::Approved { approval } => self.update(&approval.intent_id, |r| {
                r.status = IntentStatus::Approved;
                r.approval = Some(approval.clone());
            }),
            Event::SubmitRefused { intent_id, reason } => {
                self.update(intent_id, |r| r.last_message = Some(reason.clone()))
            }
            Event::SubmitStarted { intent_id, .. } => {
                if !e.dry_run {
                    self.submit_times.push(t);
                    self.update(intent_id, |r| r.status = IntentStatus::Submitting);
                    self.children_follow(intent_id, IntentStatus::Waiting, "sent with its entry");
                }
            }
            Event::VenueAck { intent_id, report, .. } => {
                self.update(intent_id, |r| r.venue_order_id = Some(report.venue_order_id.clone()));
                self.observe(intent_id, report, t);
            }
            Event::OrderUpdate { intent_id, report } => self.observe(intent_id, report, t),
            Event::VenueReject { intent_id, reason } => {
                if !e.dry_run {
                    self.failure_times.push(t);
                }
                self.update(intent_id, |r| {
                    r.status = IntentStatus::Rejected;
                    r.last_message = Some(reason.clone());
                });
                if !e.dry_run {
                    self.children_follow(intent_id, IntentStatus::Rejected, "its entry was rejected");
                }
            }
            Event::VenueError { intent_id, message, ambiguous } => {
                self.failure_times.push(t);
                let ambiguous = *ambiguous;
                self.update(intent_id, |r| {
                    // A definite failure sent nothing: the intent may be approved and sent again.
                    r.status = if ambiguous { IntentStatus::Uncertain } else { IntentStatus::Pending };
                    r.last_message = Some(message.clone());
                });
                if !ambiguous {
                    self.children_follow(intent_id, IntentStatus::Pending, "its entry was not sent");
                }
            }
            Event::NotReceived { intent_id } => {
                self.update(intent_id, |r| {
                    // Never placed: back to pending, a fresh approval sends it (same client id).
                    r.status = IntentStatus::Pending;
                    r.approval = None;
                    r.last_message = Some("the venue never received it; approve again to send".into());
                });
                self.children_follow(intent_id, IntentStatus::Pending, "its entry was never received");
            }
            Event::DryRunResult { intent_id, ok, message } => {
                self.update(intent_id, |r| r.dry_run = Some(DryRun { ok: *ok, message: message.clone() }))
            }
            Event::Armed { .. } => self.armed_seq = Some(e.seq),
            Event::Disarmed { .. } => self.armed_seq = None,
            Event::Killed { reason, policy_fingerprint, .. } => {
                self.armed_seq = None;
                self.kills.push((t, policy_fingerprint.clone()));
                self.halt = Some(Halt { reason: HaltReason::KillSwitch, at_ms: t, message: reason.clone() });
            }
            Event::BreakerTripped { failures, window_minutes } => {
                self.armed_seq = None;
                self.halt = Some(Halt {
                    reason: HaltReason::Breaker,
                    at_ms: t,
                    message: format!("{failures} rejects or errors within {window_minutes} min"),
                })
            }
            Event::Baseline { positions } => {
                self.has_baseline = true;
                for p in positions {
                    *self.positions.entry(p.symbol.clone()).or_default() += p.quantity;
                }
                self.positions.retain(|_, q| !q.is_zero());
            }
            Event::Reconciled { summary, policy_fingerprint } => {
                self.reconciliations.push((t, summary.clean, policy_fingerprint.clone()));
                if !summary.clean {
                    self.armed_seq = None;
                    self.halt = Some(Halt {
                        reason: HaltReason::Mismatch,
                        at_ms: t,
                        message: summary.mismatches.join("; "),
                    });
                }
            }
            Event::AuditFailed { line, problem, why } => {
                self.armed_seq = None;
                self.halt = Some(Halt {
                    reason: HaltReason::AuditFailed,
                    at_ms: t,
                    message: format!("audit: journal line {line}: {problem}: {why}"),
                });
            }
            Event::SegmentStarted { predecessor, why, .. } => {
                self.armed_seq = None;
                self.halt = Some(Halt {
                    reason: HaltReason::AuditFailed,
                    at_ms: t,
                    message: format!("fresh journal segment; {predecessor} failed its audit: {why}"),
                });
            }
            Event::Rearmed { .. } => {
                self.halt = None;
                self.failure_times.clear();
                self.session_start_ms = t;
            }
        }
    }

    /// The attached exits of an entry, by id (none for an intent without exits).
    pub fn child_ids(&self, parent_id: &str) -> Vec<String> {
        let Some(p) = self.intents.get(parent_id) else { return Vec::new() };
        super::exits::children(&p.intent).into_iter().map(|c| c.id).collect()
    }

    /// Move an entry's exits that have not reached the venue along with it.
    fn children_follow(&mut self, parent_id: &str, status: IntentStatus, why: &str) {
        for id in self.child_ids(parent_id) {
            self.update(&id, |r| {
                if matches!(r.status, IntentStatus::Pending | IntentStatus::Waiting) {
                    r.status = status;
                    r.last_message = Some(why.to_string());
                }
            });
        }
    }

    fn update(&mut self, id: &str, f: impl FnOnce(&mut IntentRecord)) {
        if let Some(r) = self.intents.get_mut(id) {
            f(r);
        }
    }

    /// A venue report for an intent: new fills move the position and realize PnL.
    fn observe(&mut self, id: &str, report: &OrderReport, t: i64) {
        let Some(r) = self.intents.get_mut(id) else { return };
        let old_qty = r.filled_quantity;
        let old_value = r.average_price.unwrap_or_default() * old_qty;
        let old_fees = r.fees;
        r.filled_quantity = report.filled_quantity;
        r.average_price = report.average_price;
        r.fees = report.fees;
        r.status = match report.state {
            OrderState::Open => IntentStatus::Open,
            OrderState::PartiallyFilled => IntentStatus::PartiallyFilled,
            OrderState::Filled => IntentStatus::Filled,
            OrderState::Cancelled | OrderState::Expired => IntentStatus::Cancelled,
            OrderState::Rejected => IntentStatus::Rejected,
        };
        let qty = report.filled_quantity - old_qty;
        if r.status.is_final() && r.filled_quantity.is_zero() {
            // An entry that ended unfilled takes its exits with it.
            let id = id.to_string();
            self.children_follow(&id, IntentStatus::Cancelled, "its entry ended unfilled");
            return;
        }
        if qty <= Decimal::ZERO {
            return;
        }
        let price = (report.average_price.unwrap_or_default() * report.filled_quantity - old_value) / qty;
        let fee = report.fees - old_fees;
        let signed = r.intent.side.sign() * qty;
        let symbol = r.intent.symbol.clone();
        self.fill(&symbol, signed, price, fee, t);
    }

    /// Average-cost accounting: a fill against the position realizes PnL on the part it closes.
    fn fill(&mut self, symbol: &str, signed: Decimal, price: Decimal, fee: Decimal, t: i64) {
        let pos = self.positions.get(symbol).copied().unwrap_or_default();
        let cost = self.avg_cost.get(symbol).copied().unwrap_or(price);
        let mut pnl = -fee;
        let after = pos + signed;
        if !pos.is_zero() && pos.signum() != signed.signum() {
            let closed = signed.abs().min(pos.abs());
            pnl += closed * (price - cost) * pos.signum();
        }
        let new_cost = if pos.is_zero() || after.signum() != pos.signum() {
            price
        } else if after.abs() > pos.abs() {
            (cost * pos.abs() + price * signed.abs()) / after.abs()
        } else {
            cost
        };
        if after.is_zero() {
            self.positions.remove(symbol);
            self.avg_cost.remove(symbol);
        } else {
            self.positions.insert(symbol.to_string(), after);
            self.avg_cost.insert(symbol.to_string(), new_cost);
        }
        self.realized.push((t, pnl));
    }

    /// Rejects and venue errors in the `window_minutes` up to `now`: what the breaker counts.
    pub fn failures_within(&self, now: i64, window_minutes: u64) -> usize {
        let from = now - window_minutes as i64 * 60_000;
        self.failure_times.iter().filter(|&&t| t > from).count()
    }

    /// Realized PnL (after fees) since `from_ms`.
    pub fn realized_since(&self, from_ms: i64) -> Decimal {
        self.realized.iter().filter(|(t, _)| *t >= from_ms).map(|(_, p)| *p).sum()
    }

    pub fn open_intents(&self) -> impl Iterator<Item = &IntentRecord> {
        self.intents.values().filter(|r| r.status.at_venue())
    }
}
