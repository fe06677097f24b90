//! Closing an incident: the operator's note, journaled in each corridor the incident touched
//! (an incident of no corridor: in the workspace's record of closings). A note, not an order,
//! so a script may close one; an empty note is refused, and so is closing one already closed.

use super::closings;
use super::error::IncidentError;
use super::model::Incident;
use super::scan;
use crate::engine::error::Result;
use crate::engine::execution::journal::Journal;
use crate::engine::execution::model::Event;
use crate::engine::execution::paths;
use crate::engine::time::fmt_ms;
use crate::engine::workspace::Workspace;

/// Close incident `id` with `note` as `operator`; the incident as it now reads.
pub fn close(ws: &Workspace, id: &str, note: &str, operator: &str) -> Result<Incident> {
    let note = note.trim();
    if note.is_empty() {
        return Err(IncidentError::NoteEmpty.into());
    }
    let snapshot = scan::read(ws)?;
    let found = snapshot.found();
    let f = found.iter().find(|f| f.id == id).ok_or_else(|| IncidentError::NoIncident(id.into()))?;
    if !f.is_open() {
        let last = f.members.iter().filter_map(|m| m.episode.closing.as_ref()).max_by_key(|c| c.time_ms);
        return Err(IncidentError::AlreadyClosed {
            id: id.into(),
            closed_at: last.map_or_else(String::new, |c| fmt_ms(c.time_ms)),
            operator: last.map_or_else(String::new, |c| c.operator.clone()),
        }
        .into());
    }
    // Only the corridors still open: a closing cut short (a journal busy) is finished by
    // closing again, never journaled twice.
    for m in f.members.iter().filter(|m| m.episode.is_open()) {
        let t = &m.episode.trigger;
        let Some(c) = &m.corridor else {
            // An incident of no corridor is opened by an alert, always: its id names it.
            closings::append(ws, id, t.alert_id.as_deref().unwrap_or_default(), operator, note)?;
            continue;
        };
        let trigger_seq = t.journal_seq;
        let trigger_alert = if trigger_seq.is_some() { None } else { t.alert_id.clone() };
        let mut j = Journal::open(&paths::journal(ws, c))?;
        let done = j.entries().iter().any(|e| {
            matches!(&e.event, Event::IncidentClosed { trigger_seq: s, trigger_alert: a, .. }
                if *s == trigger_seq && *a == trigger_alert)
        });
        if !done {
            let event = Event::IncidentClosed {
                incident_id: id.into(),
                note: note.into(),
                operator: operator.into(),
                trigger_seq,
                trigger_alert,
            };
            j.append(event, false)?;
        }
    }
    scan::find(ws, id)
}
