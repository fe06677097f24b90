//! An incident's timeline: the journal entries and alerts of the corridors it touched (their
//! sessions' alerts and the all-corridor kill switch's included), from [`LEAD_MS`] before its
//! trigger until its story ended (closed or resolved) or now; the alerts the operator saw and
//! what they did; and each corridor's state before the trigger and at the end, replayed from
//! its journal. The operator's closing is told wherever it falls.

use std::collections::{BTreeMap, BTreeSet};

use super::derive::Found;
use super::describe;
use super::model::{
    OperatorView, OrderRow, Origin, Reconciliation, Row, Timeline, Until, VenueState, VenueView,
};
use crate::engine::alerts::AlertView;
use crate::engine::execution::incident_ledger::{alert_corridor, raised_ms};
use crate::engine::execution::model::{Entry, Event};
use crate::engine::execution::state::{CorridorState, IntentRecord};
use crate::engine::execution::{CorridorId, KILL_SOURCE};
use crate::engine::time::{fmt_ms, parse_timestamp};

/// How long before its trigger an incident's timeline begins: what led up to it.
pub const LEAD_MS: i64 = 15 * 60_000;

/// What a timeline is told from.
pub struct Sources<'a> {
    pub journals: &'a [(CorridorId, Vec<Entry>)],
    pub alerts: &'a [AlertView],
    /// Live sessions' alert sources (`live:<id>`) and the corridor each trades in.
    pub sessions: &'a BTreeMap<String, CorridorId>,
    pub now_ms: i64,
}

pub fn build(f: &Found, s: &Sources<'_>) -> Timeline {
    let from = f.first().time_ms - LEAD_MS;
    let end = f.end_ms();
    let until = match (f.is_open(), end) {
        (false, _) => Until::Closed,
        (true, Some(_)) => Until::Resolved,
        (true, None) => Until::Now,
    };
    let to = end.unwrap_or(s.now_ms);
    let mut rows = Vec::new();
    let mut venue = Vec::new();
    for m in &f.members {
        let Some(c) = &m.corridor else { continue };
        let entries = s.journals.iter().find(|(id, _)| id == c).map_or(&[][..], |(_, e)| e.as_slice());
        let e = &m.episode;
        let triggers: BTreeSet<u64> =
            std::iter::once(&e.trigger).chain(&e.joined).filter_map(|t| t.journal_seq).collect();
        let (r, v) = corridor(c, entries, &triggers, e.trigger.journal_seq, e.trigger.time_ms, (from, to), &f.id);
        rows.extend(r);
        venue.push(v);
    }
    rows.extend(alert_rows(f, s, (from, to)));
    rows.sort_by_key(|r| r.time_ms);
    let saw = rows.iter().filter(|r| r.origin == Origin::Alert).cloned().collect();
    let did = rows.iter().filter(|r| r.operator).cloned().collect();
    Timeline {
        from: fmt_ms(from),
        to: fmt_ms(to),
        until,
        entries: rows,
        operator: OperatorView { saw, did },
        venue,
    }
}

/// One corridor's journal rows in the window (and the closing of incident `id` wherever it
/// is), and its state before the trigger (the entry `trigger_seq`, or the first at or after
/// `trigger_ms` for an alert's) and at the window's end.
fn corridor(
    c: &CorridorId,
    entries: &[Entry],
    triggers: &BTreeSet<u64>,
    trigger_seq: Option<u64>,
    trigger_ms: i64,
    (from, to): (i64, i64),
    id: &str,
) -> (Vec<Row>, VenueView) {
    let mut rows = Vec::new();
    let mut state = CorridorState::default();
    let mut last: Option<&Entry> = None;
    let mut last_reconciled: Option<&Entry> = None;
    let mut before = None;
    let mut after = None;
    for e in entries {
        let is_trigger = trigger_seq.map_or(e.time_ms >= trigger_ms, |seq| e.seq == seq);
        if before.is_none() && is_trigger {
            before = Some(state_at(&state, last, last_reconciled));
            last_reconciled = None;
        }
        if after.is_none() && before.is_some() && e.time_ms > to {
            after = Some(state_at(&state, last, last_reconciled));
        }
        let closing = matches!(&e.event, Event::IncidentClosed { incident_id, .. } if incident_id == id);
        if (from <= e.time_ms && e.time_ms <= to) || closing {
            rows.push(Row {
                time: e.time.clone(),
                time_ms: e.time_ms,
                corridor: Some(c.clone()),
                origin: Origin::Journal,
                kind: describe::kind(&e.event),
                journal_seq: Some(e.seq),
                alert_id: None,
                severity: None,
                operator: describe::by_operator(&e.event, &state),
                trigger: triggers.contains(&e.seq),
                description: format!("{}{}", describe::event(&e.event), if e.dry_run { " (dry run)" } else { "" }),
            });
        }
        state.apply(e);
        last = Some(e);
        if matches!(e.event, Event::Reconciled { .. }) {
            last_reconciled = Some(e);
        }
    }
    let after = match (&before, after) {
        (_, Some(a)) => a,
        (Some(_), None) => state_at(&state, last, last_reconciled),
        // A trigger after the last entry (an alert's): nothing was journaled since it.
        (None, None) => state_at(&state, last, None),
    };
    let before = before.unwrap_or_else(|| state_at(&state, last, last_reconciled));
    (rows, VenueView { corridor: c.clone(), before, after })
}

/// The state replayed so far, as the journal recorded it.
fn state_at(state: &CorridorState, last: Option<&Entry>, reconciled: Option<&Entry>) -> VenueState {
    let orders = |pick: fn(&IntentRecord) -> bool| -> Vec<OrderRow> {
        state
            .intents
            .values()
            .filter(|r| pick(r))
            .map(|r| OrderRow {
                intent_id: r.intent.id.clone(),
                symbol: r.intent.symbol.clone(),
                side: r.intent.side.name().to_string(),
                quantity: r.intent.quantity.to_string(),
                filled_quantity: r.filled_quantity.to_string(),
                status: r.status.name().to_string(),
            })
            .collect()
    };
    VenueState {
        journal_seq: last.map(|e| e.seq),
        time: last.map(|e| e.time.clone()),
        positions: state
            .has_baseline
            .then(|| state.positions.iter().map(|(s, q)| (s.clone(), q.to_string())).collect()),
        open_orders: orders(|r| r.status.at_venue()),
        in_flight: orders(|r| r.status.in_flight()),
        halt: state.halt.as_ref().map(|h| {
            let reason = serde_json::to_value(h.reason).ok().and_then(|v| v.as_str().map(str::to_string));
            format!("{}: {}", reason.unwrap_or_default(), h.message)
        }),
        reconciliation: reconciled.and_then(|e| match &e.event {
            Event::Reconciled { summary, .. } => Some(Reconciliation {
                journal_seq: e.seq,
                time: e.time.clone(),
                id: summary.id.clone(),
                clean: summary.clean,
                mismatches: summary.mismatches.clone(),
                resolved: summary.resolved.clone(),
            }),
            _ => None,
        }),
    }
}

/// The alerts of the incident's corridors (or of its source, for one of no corridor) raised in
/// the window, its own alerts wherever they are, and acknowledgements made in the window.
fn alert_rows(f: &Found, s: &Sources<'_>, (from, to): (i64, i64)) -> Vec<Row> {
    let corridors = f.corridors();
    let belongs = |source: &str| -> bool {
        if corridors.is_empty() {
            return f.source.as_deref() == Some(source);
        }
        source == KILL_SOURCE
            || alert_corridor(source).is_some_and(|c| corridors.contains(&c))
            || s.sessions.get(source).is_some_and(|c| corridors.contains(c))
    };
    let own: BTreeSet<&str> = f
        .members
        .iter()
        .flat_map(|m| std::iter::once(&m.episode.trigger).chain(&m.episode.joined))
        .chain(&f.extra)
        .filter_map(|t| t.alert_id.as_deref())
        .collect();
    let mut rows = Vec::new();
    for a in s.alerts.iter().filter(|a| belongs(&a.alert.source)) {
        let Some(t) = raised_ms(a) else { continue };
        let trigger = own.contains(a.alert.id.as_str());
        if (from <= t && t <= to) || trigger {
            rows.push(Row {
                time: a.alert.time.clone(),
                time_ms: t,
                corridor: alert_corridor(&a.alert.source).or_else(|| s.sessions.get(&a.alert.source).cloned()),
                origin: Origin::Alert,
                kind: a.alert.code.clone(),
                journal_seq: None,
                alert_id: Some(a.alert.id.clone()),
                severity: Some(a.alert.severity),
                operator: false,
                trigger,
                description: format!("{} {} from {}: {}", a.alert.severity.word(), a.alert.code, a.alert.source, a.alert.message),
            });
        }
        let acked = a.acknowledged_at.as_deref().and_then(|at| Some((at, parse_timestamp(at).ok()?)));
        if let Some((at, ms)) = acked.filter(|&(_, ms)| from <= ms && ms <= to) {
            rows.push(Row {
                time: at.to_string(),
                time_ms: ms,
                corridor: alert_corridor(&a.alert.source).or_else(|| s.sessions.get(&a.alert.source).cloned()),
                origin: Origin::Acknowledgement,
                kind: "acknowledged".into(),
                journal_seq: None,
                alert_id: Some(a.alert.id.clone()),
                severity: Some(a.alert.severity),
                operator: true,
                trigger: false,
                description: format!("the operator acknowledged {} {}", a.alert.code, a.alert.id),
            });
        }
    }
    rows
}
