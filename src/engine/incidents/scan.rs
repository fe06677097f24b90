//! Read what incidents are derived from (every corridor's journal, the alert log, the closings
//! of incidents of no corridor, the live sessions' corridors) once, and tell the incidents.
//! Nothing is written: reading twice gives the same incidents.

use std::collections::BTreeMap;

use super::closings;
use super::derive::{self, Found, Inputs};
use super::error::IncidentError;
use super::model::{Closed, Incident, Journaled, Resolved, Status, Timeline, TriggerRow, INCIDENT_SCHEMA};
use super::timeline::{self, Sources};
use crate::engine::alerts::{self, AlertView};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::Result;
use crate::engine::execution::incident_ledger::{Closing, Trigger};
use crate::engine::execution::model::Entry;
use crate::engine::execution::{self as ex, journal, paths, CorridorId};
use crate::engine::live::session;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::Workspace;

/// The workspace as incidents are derived from it, read at one moment.
pub struct Snapshot {
    journals: Vec<(CorridorId, Vec<Entry>)>,
    alerts: Vec<AlertView>,
    closings: BTreeMap<String, Closing>,
    sessions: BTreeMap<String, CorridorId>,
    now_ms: i64,
}

pub fn read(ws: &Workspace) -> Result<Snapshot> {
    let mut journals = Vec::new();
    for id in ex::corridors(ws)? {
        // A journal that fails verification gives the entries before its first bad one: what
        // happened then still stands (the kill switch keeps such a journal aside).
        let (entries, _) = journal::verify_entries(&paths::journal(ws, &id))?;
        journals.push((id, entries));
    }
    // Sessions only name their alerts' corridors in timelines: one unreadable is told, not fatal.
    let sessions = match session::all(ws) {
        Ok(all) => all.into_iter().map(|s| (s.source(), s.config.corridor)).collect(),
        Err(e) => {
            tracing::warn!("incidents: live sessions unreadable, their alerts are not placed: {e}");
            BTreeMap::new()
        }
    };
    Ok(Snapshot {
        journals,
        alerts: alerts::list(ws)?,
        closings: closings::read(ws)?,
        sessions,
        now_ms: now_ms(),
    })
}

impl Snapshot {
    /// Every incident, newest first, before its timeline is told.
    pub fn found(&self) -> Vec<Found> {
        derive::derive(Inputs { journals: &self.journals, alerts: &self.alerts, closings: self.closings.clone() })
    }

    pub fn incident(&self, f: &Found) -> Incident {
        let sources =
            Sources { journals: &self.journals, alerts: &self.alerts, sessions: &self.sessions, now_ms: self.now_ms };
        assemble(f, timeline::build(f, &sources))
    }

    /// Every incident, newest first.
    pub fn incidents(&self) -> Vec<Incident> {
        self.found().iter().map(|f| self.incident(f)).collect()
    }
}

/// Every incident in the workspace, newest first.
pub fn all(ws: &Workspace) -> Result<Vec<Incident>> {
    Ok(read(ws)?.incidents())
}

/// Incident `id`.
pub fn find(ws: &Workspace, id: &str) -> Result<Incident> {
    let s = read(ws)?;
    let found = s.found();
    let f = found.iter().find(|f| f.id == id).ok_or_else(|| IncidentError::NoIncident(id.into()))?;
    Ok(s.incident(f))
}

fn row(corridor: Option<&CorridorId>, t: &Trigger) -> TriggerRow {
    TriggerRow {
        corridor: corridor.cloned(),
        kind: t.kind,
        time: fmt_ms(t.time_ms),
        time_ms: t.time_ms,
        journal_seq: t.journal_seq,
        alert_id: t.alert_id.clone(),
        code: t.code.clone(),
        message: t.message.clone(),
    }
}

fn assemble(f: &Found, timeline: Timeline) -> Incident {
    let first = f.first();
    let corridors = f.corridors();
    let mut triggers: Vec<TriggerRow> = f
        .members
        .iter()
        .flat_map(|m| {
            std::iter::once(&m.episode.trigger).chain(&m.episode.joined).map(|t| row(m.corridor.as_ref(), t))
        })
        .chain(f.extra.iter().map(|t| row(None, t)))
        .collect();
    triggers.sort_by_key(|t| t.time_ms);
    let resolved = f
        .members
        .iter()
        .map(|m| m.episode.resolved.as_ref().map(|r| (m, r)))
        .collect::<Option<Vec<_>>>()
        .and_then(|all| all.into_iter().max_by_key(|(_, r)| r.time_ms))
        .map(|(m, r)| Resolved {
            kind: r.kind,
            time: fmt_ms(r.time_ms),
            time_ms: r.time_ms,
            corridor: m.corridor.clone(),
            journal_seq: r.journal_seq,
        });
    let closed = f
        .members
        .iter()
        .map(|m| m.episode.closing.as_ref().map(|c| (m, c)))
        .collect::<Option<Vec<_>>>()
        .and_then(|all| {
            let journaled = all
                .iter()
                .filter_map(|(m, c)| Some(Journaled { corridor: m.corridor.clone()?, journal_seq: c.journal_seq? }))
                .collect();
            let (_, last) = all.into_iter().max_by_key(|(_, c)| c.time_ms)?;
            Some(Closed {
                time: fmt_ms(last.time_ms),
                time_ms: last.time_ms,
                operator: last.operator.clone(),
                note: last.note.clone(),
                journaled,
            })
        });
    let place = if corridors.is_empty() {
        format!("from {}", f.source.as_deref().unwrap_or("?"))
    } else {
        format!("on {}", corridors.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "))
    };
    let what = first.code.as_deref().unwrap_or(first.kind.name());
    Incident {
        schema: INCIDENT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: f.id.clone(),
        status: if f.is_open() { Status::Open } else { Status::Closed },
        kind: first.kind,
        summary: format!("{what} {place}: {}", first.message),
        opened_at: fmt_ms(first.time_ms),
        opened_ms: first.time_ms,
        corridors,
        source: f.source.clone(),
        triggers,
        resolved,
        closed,
        timeline,
    }
}
