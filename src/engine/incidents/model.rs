//! An incident as `incidents list|show|close` print it: the `quantlab.incident` document
//! (docs/contracts/incident.schema.json). Times are UTC text with their milliseconds beside
//! them; what the journal did not record is `null` (unknown), never a zero.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::alerts::Severity;
use crate::engine::execution::incident_ledger::{ResolutionKind, TriggerKind};
use crate::engine::execution::CorridorId;

pub const INCIDENT_SCHEMA: &str = "quantlab.incident";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Closed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incident {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub status: Status,
    /// What opened it.
    pub kind: TriggerKind,
    /// One line: what opened it, where and when.
    pub summary: String,
    pub opened_at: String,
    pub opened_ms: i64,
    /// The corridors it touched (more than one: the kill switch across corridors); empty for
    /// an incident of no corridor.
    pub corridors: Vec<CorridorId>,
    /// For an incident of no corridor, the source of the alert that opened it.
    pub source: Option<String>,
    /// What opened it (the first) and what joined it while it was unresolved.
    pub triggers: Vec<TriggerRow>,
    /// How its story ended before anyone closed it, in every corridor; `null`: not yet.
    pub resolved: Option<Resolved>,
    /// The operator's closing; `null` while open (in any corridor it touched).
    pub closed: Option<Closed>,
    pub timeline: Timeline,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerRow {
    pub corridor: Option<CorridorId>,
    pub kind: TriggerKind,
    pub time: String,
    pub time_ms: i64,
    pub journal_seq: Option<u64>,
    pub alert_id: Option<String>,
    pub code: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolved {
    pub kind: ResolutionKind,
    pub time: String,
    pub time_ms: i64,
    pub corridor: Option<CorridorId>,
    pub journal_seq: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Closed {
    pub time: String,
    pub time_ms: i64,
    pub operator: String,
    pub note: String,
    /// Where the closing is on record: one journal entry per corridor (none for an incident
    /// of no corridor, closed in the workspace's record of closings).
    pub journaled: Vec<Journaled>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Journaled {
    pub corridor: CorridorId,
    pub journal_seq: u64,
}

/// What happened, from shortly before the trigger until it was closed, resolved, or now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub from: String,
    pub to: String,
    /// What ends it: `closed`, `resolved` or `now` (still unresolved).
    pub until: Until,
    pub entries: Vec<Row>,
    pub operator: OperatorView,
    /// Per corridor, the venue's state before the trigger and at the end, as journaled.
    pub venue: Vec<VenueView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Until {
    Closed,
    Resolved,
    Now,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Journal,
    Alert,
    Acknowledgement,
}

/// One line of the timeline: a journal entry, an alert, or an alert's acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub time: String,
    pub time_ms: i64,
    pub corridor: Option<CorridorId>,
    pub origin: Origin,
    /// The journal event's kind, the alert's code, or `acknowledged`.
    pub kind: String,
    pub journal_seq: Option<u64>,
    pub alert_id: Option<String>,
    pub severity: Option<Severity>,
    /// Something the operator did: an approval, the kill switch, an arm, disarm or rearm, a
    /// cancel of an operator's intent, an order preview, an acknowledgement, a closing.
    pub operator: bool,
    /// One of the incident's triggers.
    pub trigger: bool,
    pub description: String,
}

/// What the operator saw (the alerts raised in the timeline) and did (its operator rows).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorView {
    pub saw: Vec<Row>,
    pub did: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VenueView {
    pub corridor: CorridorId,
    /// Replayed from the journal up to the entry before the trigger.
    pub before: VenueState,
    /// Replayed up to the timeline's end.
    pub after: VenueState,
}

/// A corridor's state as its journal recorded it: never read from the venue afterwards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VenueState {
    /// The last journal entry this state includes; `null`: none (the journal was empty).
    pub journal_seq: Option<u64>,
    pub time: Option<String>,
    /// Net position per symbol (the baseline plus journaled fills), decimal text; `null`:
    /// unknown, no baseline of the venue's positions was journaled yet.
    pub positions: Option<BTreeMap<String, String>>,
    /// Orders resting at the venue as far as the journal knows.
    pub open_orders: Vec<OrderRow>,
    /// Orders sent whose fate the journal did not know yet.
    pub in_flight: Vec<OrderRow>,
    pub halt: Option<String>,
    /// The last reconciliation journaled before the trigger (`before`) or since it (`after`);
    /// `null`: none was journaled, so what the venue held then is unknown.
    pub reconciliation: Option<Reconciliation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderRow {
    pub intent_id: String,
    pub symbol: String,
    pub side: String,
    pub quantity: String,
    pub filled_quantity: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reconciliation {
    pub journal_seq: u64,
    pub time: String,
    pub id: String,
    pub clean: bool,
    pub mismatches: Vec<String>,
    pub resolved: Vec<String>,
}
