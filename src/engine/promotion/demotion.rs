//! Automatic demotion. A kill, a breaker trip, an unclean reconciliation or a failed audit on a
//! corridor, or a LIVE_DRIFT alert of a candidate's session there, takes the candidate one stage
//! down on that corridor, says why, pauses its sessions there and raises PROMOTION_DEMOTED.
//! Found from the journals and the alert log (so a demotion happens even if no runner saw the
//! cause) every time the board is read, and once per promotion: the first cause after the
//! promotion that put the candidate where it is demotes it; what follows before it is promoted
//! again is the same story.

use std::collections::BTreeSet;

use super::candidate::Candidate;
use super::decisions::{self, Cause, CauseKind, Decision, Kind, ReadDecision};
use crate::engine::alerts::{self, codes, AlertView};
use crate::engine::error::Result;
use crate::engine::execution::journal;
use crate::engine::execution::model::Event;
use crate::engine::execution::{paths, CorridorId};
use crate::engine::live::session::{self as live_session, LiveSession};
use crate::engine::paper::control::{self, Desired};
use crate::engine::time::parse_timestamp;
use crate::engine::workspace::Workspace;

/// The causes of demotion on `corridor`, oldest first: its journal's halts.
fn halts(ws: &Workspace, corridor: &CorridorId) -> Vec<Cause> {
    let Ok(entries) = journal::read(&paths::journal(ws, corridor)) else { return Vec::new() };
    entries
        .iter()
        .filter_map(|e| {
            let (kind, message) = match &e.event {
                Event::Killed { reason, .. } => (CauseKind::Kill, reason.clone()),
                Event::BreakerTripped { failures, window_minutes } => {
                    (CauseKind::Breaker, format!("{failures} failures within {window_minutes} min"))
                }
                Event::Reconciled { summary, .. } if !summary.clean => {
                    (CauseKind::Mismatch, summary.mismatches.join("; "))
                }
                Event::AuditFailed { line, why, .. } => (CauseKind::Audit, format!("line {line}: {why}")),
                _ => return None,
            };
            Some(Cause { kind, corridor: corridor.clone(), journal_seq: Some(e.seq), alert_id: None, time_ms: e.time_ms, message })
        })
        .collect()
}

/// LIVE_DRIFT alerts of `s`, as causes on its corridor.
fn drifts(alerts: &[AlertView], s: &LiveSession) -> Vec<Cause> {
    let source = s.source();
    let mut out: Vec<Cause> = alerts
        .iter()
        .filter(|a| a.alert.code == codes::LIVE_DRIFT.0 && a.alert.source == source)
        .filter_map(|a| {
            Some(Cause {
                kind: CauseKind::Drift,
                corridor: s.config.corridor.clone(),
                journal_seq: None,
                alert_id: Some(a.alert.id.clone()),
                time_ms: parse_timestamp(&a.alert.time).ok()?,
                message: a.alert.message.clone(),
            })
        })
        .collect();
    out.sort_by_key(|c| c.time_ms);
    out
}

/// Take `candidate` one stage down on `cause`'s corridor: record it, pause the candidate's
/// sessions there, raise PROMOTION_DEMOTED. `None` when it already was for this cause, or sits
/// at research.
pub fn demote(
    ws: &Workspace,
    all: &[ReadDecision],
    candidate: &str,
    sessions: &[&LiveSession],
    cause: &Cause,
) -> Result<Option<Decision>> {
    let corridor = &cause.corridor;
    if decisions::trusted(all).any(|d| d.candidate == candidate && d.cause.as_ref().is_some_and(|c| c.same(cause))) {
        return Ok(None);
    }
    let from = decisions::stage_of(all, candidate, Some(corridor));
    let Some(to) = from.prev() else { return Ok(None) };
    let mut d = decisions::new(candidate, from, to, Some(corridor), Kind::Demoted, Vec::new(), None, None, "system".into());
    let why = format!(
        "demoted from {from} to {to} on {corridor}: {} ({})",
        cause.kind.name(),
        if cause.message.is_empty() { "no message" } else { &cause.message }
    );
    d.reason = Some(why.clone());
    d.cause = Some(cause.clone());
    decisions::record(ws, &d, false)?;
    let mut paused = Vec::new();
    for s in sessions.iter().filter(|s| s.config.corridor == *corridor && s.status.is_live()) {
        control::set_in(&live_session::dir(ws, &s.id), Desired::Paused)?;
        paused.push(s.id.clone());
    }
    let tail = if paused.is_empty() { String::new() } else { format!("; paused {}", paused.join(", ")) };
    let _ = alerts::raise(ws, codes::PROMOTION_DEMOTED, &format!("promotion:{candidate}"), &format!("{candidate} {why}{tail}"));
    Ok(Some(d))
}

/// Demote every candidate a cause since its last promotion calls for; the demotions made.
pub fn sync(ws: &Workspace, live: &[(LiveSession, Option<Candidate>)]) -> Result<Vec<Decision>> {
    let mut all = decisions::read(ws)?;
    let alerts = alerts::list(ws)?;
    // Each candidate with a decision or a session, on each corridor it has either on.
    let mut pairs: BTreeSet<(String, CorridorId)> = BTreeSet::new();
    for d in decisions::trusted(&all) {
        if let Some(c) = &d.corridor {
            pairs.insert((d.candidate.clone(), c.clone()));
        }
    }
    for (s, c) in live {
        if let Some(c) = c {
            pairs.insert((c.id.clone(), s.config.corridor.clone()));
        }
    }
    let mut made = Vec::new();
    let mut halts_of: std::collections::BTreeMap<CorridorId, Vec<Cause>> = Default::default();
    for (cand, corridor) in pairs {
        let Some(last) = decisions::last_applied(&all, &cand, Some(&corridor)).cloned() else { continue };
        // Once per promotion: a demotion since it is the story's.
        if last.kind == Kind::Demoted {
            continue;
        }
        let sessions: Vec<&LiveSession> =
            live.iter().filter(|(_, c)| c.as_ref().is_some_and(|c| c.id == cand)).map(|(s, _)| s).collect();
        let mut causes: Vec<Cause> =
            halts_of.entry(corridor.clone()).or_insert_with(|| halts(ws, &corridor)).clone();
        for s in sessions.iter().filter(|s| s.config.corridor == corridor) {
            causes.extend(drifts(&alerts, s));
        }
        causes.sort_by_key(|c| c.time_ms);
        if let Some(cause) = causes.into_iter().find(|c| c.time_ms > last.time_ms) {
            if let Some(d) = demote(ws, &all, &cand, &sessions, &cause)? {
                all = decisions::read(ws)?;
                made.push(d);
            }
        }
    }
    Ok(made)
}
