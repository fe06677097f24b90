//! Automatic demotion. A kill, a breaker trip, an unclean reconciliation or a failed audit on a
//! corridor, or a LIVE_DRIFT alert of a candidate's session there, takes the candidate one stage
//! down on that corridor, says why, pauses its sessions there and raises PROMOTION_DEMOTED.
//! A live session's runner demotes the moment it sees the cause (it pauses for it); the board,
//! `live start` and `live resume` find the causes again from the journals and the alert log, so
//! a demotion happens even if no runner was there to see it.
//! One story, one step down: the first cause after the decision that put the candidate where it
//! is demotes it. After a demotion, what follows until the corridor is armed again is the same
//! story (a kill's reconciliation, a second drift kind); a cause after that arming is a new one.

use std::collections::BTreeSet;

use super::candidate::Candidate;
use super::decisions::{self, Cause, CauseKind, Decision, Kind, ReadDecision};
use crate::engine::alerts::{self, codes, AlertView};
use crate::engine::error::Result;
use crate::engine::execution::journal;
use crate::engine::execution::model::{Entry, Event};
use crate::engine::execution::{paths, CorridorId};
use crate::engine::live::session::{self as live_session, LiveSession};
use crate::engine::paper::control::{self, Desired};
use crate::engine::time::parse_timestamp;
use crate::engine::workspace::Workspace;

/// What `corridor`'s journal says about demotion: its halts (the causes), oldest first, and the
/// times it was armed (each starts a new story).
#[derive(Clone, Default)]
struct Story {
    halts: Vec<Cause>,
    armed_ms: Vec<i64>,
}

fn story(ws: &Workspace, corridor: &CorridorId) -> Story {
    let Ok(entries) = journal::read(&paths::journal(ws, corridor)) else { return Story::default() };
    let armed_ms = entries.iter().filter(|e| matches!(e.event, Event::Armed { .. })).map(|e| e.time_ms).collect();
    Story { halts: halts(corridor, &entries), armed_ms }
}

fn halts(corridor: &CorridorId, entries: &[Entry]) -> Vec<Cause> {
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

/// Whether `cause` demotes after `last`, the decision that put the candidate where it is: after
/// a promotion, anything later does; after a demotion, only what follows an arming of the
/// corridor after it (the demotion's own story is over once the operator armed again).
fn opens_story(last: &Decision, armed_ms: &[i64], cause: &Cause) -> bool {
    cause.time_ms > last.time_ms
        && (last.kind != Kind::Demoted || armed_ms.iter().any(|&a| a > last.time_ms && a <= cause.time_ms))
}

/// [`sync`] over every live session of the workspace and the candidate each trades.
pub fn sync_all(ws: &Workspace) -> Result<Vec<Decision>> {
    let live: Vec<_> = live_session::all(ws)?
        .into_iter()
        .map(|s| {
            let c = super::candidate::of_live(ws, &s);
            (s, c)
        })
        .collect();
    sync(ws, &live)
}

/// Demote every candidate a cause since its last decision calls for; the demotions made.
pub fn sync(ws: &Workspace, live: &[(LiveSession, Option<Candidate>)]) -> Result<Vec<Decision>> {
    // Serialized across processes (runners, the console, the CLI), the decisions read again
    // under it: one cause never demotes twice.
    let _lock = ws.lock_named("demotion")?;
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
    let mut stories: std::collections::BTreeMap<CorridorId, Story> = Default::default();
    for (cand, corridor) in pairs {
        let Some(last) = decisions::last_applied(&all, &cand, Some(&corridor)).cloned() else { continue };
        let sessions: Vec<&LiveSession> =
            live.iter().filter(|(_, c)| c.as_ref().is_some_and(|c| c.id == cand)).map(|(s, _)| s).collect();
        let story = stories.entry(corridor.clone()).or_insert_with(|| story(ws, &corridor));
        let mut causes: Vec<Cause> = story.halts.clone();
        for s in sessions.iter().filter(|s| s.config.corridor == corridor) {
            causes.extend(drifts(&alerts, s));
        }
        causes.sort_by_key(|c| c.time_ms);
        if let Some(cause) = causes.into_iter().find(|c| opens_story(&last, &story.armed_ms, c)) {
            if let Some(d) = demote(ws, &all, &cand, &sessions, &cause)? {
                all = decisions::read(ws)?;
                made.push(d);
            }
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::execution::Venue;
    use crate::engine::promotion::model::Stage;

    fn at(kind: Kind, time_ms: i64) -> Decision {
        let (from, to) = match kind {
            Kind::Demoted => (Stage::SupervisedLive, Stage::MicroLive),
            _ => (Stage::MicroLive, Stage::SupervisedLive),
        };
        let kraken = CorridorId::new(Venue::Kraken, "main").unwrap();
        let mut d = decisions::new("cand_x", from, to, Some(&kraken), kind, Vec::new(), None, None, "t".into());
        d.time_ms = time_ms;
        d
    }

    fn cause(time_ms: i64) -> Cause {
        let corridor = CorridorId::new(Venue::Kraken, "main").unwrap();
        Cause { kind: CauseKind::Kill, corridor, journal_seq: Some(1), alert_id: None, time_ms, message: String::new() }
    }

    #[test]
    fn a_cause_demotes_once_per_story_and_again_after_the_corridor_is_armed() {
        let promoted = at(Kind::Promoted, 100);
        assert!(!opens_story(&promoted, &[], &cause(100)), "what came before the promotion is not its story");
        assert!(opens_story(&promoted, &[], &cause(101)));
        let demoted = at(Kind::Demoted, 200);
        assert!(!opens_story(&demoted, &[], &cause(300)), "the demotion's story goes on until an arming");
        assert!(!opens_story(&demoted, &[150], &cause(300)), "an arming before the demotion starts nothing");
        assert!(!opens_story(&demoted, &[400], &cause(300)), "the cause came before the arming");
        assert!(opens_story(&demoted, &[250], &cause(300)), "armed again, then a new cause: a new story");
    }
}
