//! A journal entry and the events it records. Each entry carries the sha256 of the line before
//! it and of itself; the execution `journal` module writes, seals and verifies them.

use serde::{Deserialize, Serialize};

use super::approval::Approval;
use super::balances::Position;
use super::intent::ExecutionIntent;
use super::order::{OrderReport, OrderRequest};

pub const JOURNAL_SCHEMA: &str = "quantlab.journal_entry";
/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub schema: String,
    pub schema_version: u32,
    /// 1, 2, 3, ... without gaps.
    pub seq: u64,
    pub time: String,
    pub time_ms: i64,
    /// sha256 (hex) of the previous line as written, or [`GENESIS`].
    pub prev: String,
    /// A validate-only (dry-run) audit rather than a real order event.
    #[serde(default)]
    pub dry_run: bool,
    pub event: Event,
    /// sha256 (hex) of this entry serialized with `hash` empty.
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReconcileSummary {
    pub id: String,
    pub clean: bool,
    /// Differences that could not be explained: the corridor stays halted.
    pub mismatches: Vec<String>,
    /// Differences settled from the venue's answer (a fill or cancel we had not seen).
    pub resolved: Vec<String>,
}

/// One journal event. Serialized with `kind` naming the variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    IntentCreated {
        intent: ExecutionIntent,
    },
    IntentCancelled {
        intent_id: String,
        reason: String,
    },
    Preflight {
        intent_id: String,
        passed: bool,
        failed_rules: Vec<String>,
        policy_fingerprint: String,
    },
    Approved {
        approval: Approval,
    },
    SubmitRefused {
        intent_id: String,
        reason: String,
    },
    /// Written and fsynced before the venue call.
    SubmitStarted {
        intent_id: String,
        request: OrderRequest,
    },
    VenueAck {
        intent_id: String,
        report: OrderReport,
        recovered: bool,
    },
    VenueReject {
        intent_id: String,
        reason: String,
    },
    VenueError {
        intent_id: String,
        message: String,
        ambiguous: bool,
    },
    /// A status query after a crash or timeout: the venue never saw the order.
    NotReceived {
        intent_id: String,
    },
    DryRunResult {
        intent_id: String,
        ok: bool,
        message: String,
    },
    /// Fills and cancels observed at the venue.
    OrderUpdate {
        intent_id: String,
        report: OrderReport,
    },
    CancelRequested {
        intent_id: String,
    },
    /// Written before the venue is asked to cancel, so the halt holds even if the venue is down.
    Killed {
        reason: String,
        policy_fingerprint: Option<String>,
    },
    BreakerTripped {
        failures: usize,
        window_minutes: u64,
    },
    /// Positions held at the venue when the journal first met it.
    Baseline {
        positions: Vec<Position>,
    },
    Reconciled {
        summary: ReconcileSummary,
        policy_fingerprint: Option<String>,
    },
    Rearmed {
        reconciliation_id: String,
        policy_fingerprint: Option<String>,
    },
    Note {
        text: String,
    },
    /// Armed after its checks and a clean reconciliation; the venue's dead-man timer is set.
    Armed {
        reconciliation_id: String,
        clock_skew_ms: i64,
        dead_man_secs: u32,
        policy_fingerprint: Option<String>,
    },
    Disarmed {
        reason: String,
    },
    /// `order preview`: the exact request built (and, with `validate`, sent validate-only).
    /// Journaled before anything is sent; never an order.
    OrderPreview {
        request: OrderRequest,
        validate: bool,
        /// sha256 of the signed body, so the preview printed can be matched to this record.
        body_sha256: String,
    },
    PreviewResult {
        client_order_id: String,
        ok: bool,
        message: String,
    },
    /// `audit verify` (or a submit's own audit) found a bad entry: the corridor halts.
    AuditFailed {
        /// 1-based journal line of the first bad entry (0: the head record).
        line: usize,
        problem: String,
        why: String,
    },
    /// The first entry of a fresh journal segment, started (by the kill switch) because the
    /// journal before it failed its audit. That journal was kept aside, unchanged, as
    /// `predecessor`; the segment starts halted.
    SegmentStarted {
        /// The archived journal's file name, beside this one.
        predecessor: String,
        /// sha256 of the archived journal's bytes, hex (of nothing when it was gone).
        predecessor_sha256: String,
        /// How many lines it held.
        predecessor_lines: usize,
        /// Why it failed its audit.
        why: String,
    },
    /// The operator reviewed an incident of this corridor and closed it with a note
    /// (`quantlab incidents close`). A note, not an order: it changes no state but the
    /// incident's. An incident across corridors is closed by one such entry in each.
    IncidentClosed {
        incident_id: String,
        note: String,
        /// Who closed it: the process's operator name.
        operator: String,
        /// The sequence of the entry in this journal that opened the incident here, when a
        /// journal entry did.
        trigger_seq: Option<u64>,
        /// The critical alert that opened it here, when an alert alone did.
        trigger_alert: Option<String>,
    },
    /// A candidate moved between stages on this corridor (the promotion board): the decision's
    /// id and the sha256 of its line in `promotion/decisions.jsonl`, so the record kept there
    /// is tied to this hash chain. A record, not an order: it changes no state of the corridor.
    PromotionDecided {
        decision_id: String,
        candidate: String,
        from: String,
        to: String,
        record_sha256: String,
    },
    /// A grant of automation on this corridor was made (docs/automation.md): its id, candidate,
    /// expiry and limits as signed, and the sha256 of its file `automation/grants/<id>.json`, so
    /// a grant file edited later is told apart from the one made.
    GrantMade {
        grant_id: String,
        candidate: String,
        expires_ms: i64,
        limits: serde_json::Value,
        record_sha256: String,
    },
    /// A grant was revoked by the operator (`quantlab grants revoke`) or by what revokes every
    /// grant (a kill, a halt, a policy change, a demotion): from here its key approves nothing.
    GrantRevoked { grant_id: String, reason: String, by: String },
}
