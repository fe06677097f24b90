//! The incidents of one corridor, derived from its journal and the critical alerts raised about
//! it, so they can never drift from either. Here because the promotion gate needs them: an open
//! incident on a corridor blocks its promotion, and execution imports nothing that imports it
//! back. The incidents module (`engine::incidents`) joins these across corridors, names them
//! and tells their timelines.
//!
//! An incident opens on a halt journaled in the corridor (the kill switch, the breaker, an
//! unclean reconciliation, a failed audit, a fresh journal segment) or on a critical alert
//! about it. What happens while it is still unresolved joins it: a mismatch found during the
//! rearm of a killed corridor is part of the kill's story, and so is the alert that announced
//! the halt. It is resolved by the rearm that lifts the halt (or, opened by an alert alone, by
//! that alert's acknowledgement), and closed only by the operator's note, journaled here.

use std::collections::BTreeMap;

use serde::Serialize;

use super::journal;
use super::model::{CorridorId, Entry, Event, Venue};
use super::paths;
use crate::engine::alerts::{self, AlertView, Severity};
use crate::engine::error::Result;
use crate::engine::time::{fmt_ms, parse_timestamp};
use crate::engine::workspace::Workspace;

/// A critical alert joins an incident whose journaled trigger follows it within this long:
/// an alert about a halt may be written just before the halt's entry (an audit's).
pub const ALERT_LEAD_MS: i64 = 120_000;

/// What opened an incident, or joined it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    /// The kill switch (`killed`).
    Killed,
    BreakerTripped,
    /// A reconciliation the journal could not explain (`reconciled`, not clean).
    ReconciliationMismatch,
    AuditFailed,
    /// A fresh journal segment, started because the one before failed its audit.
    SegmentStarted,
    CriticalAlert,
}

impl TriggerKind {
    pub fn name(self) -> &'static str {
        match self {
            TriggerKind::Killed => "killed",
            TriggerKind::BreakerTripped => "breaker_tripped",
            TriggerKind::ReconciliationMismatch => "reconciliation_mismatch",
            TriggerKind::AuditFailed => "audit_failed",
            TriggerKind::SegmentStarted => "segment_started",
            TriggerKind::CriticalAlert => "critical_alert",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    pub kind: TriggerKind,
    pub time_ms: i64,
    /// The journal entry, for a journaled trigger.
    pub journal_seq: Option<u64>,
    /// The alert's id and code, for a critical alert.
    pub alert_id: Option<String>,
    pub code: Option<String>,
    pub message: String,
}

/// The trigger alert `a` is, raised at `time_ms`.
pub fn alert_trigger(a: &AlertView, time_ms: i64) -> Trigger {
    Trigger::alert(a, time_ms)
}

impl Trigger {
    fn alert(a: &AlertView, time_ms: i64) -> Trigger {
        Trigger {
            kind: TriggerKind::CriticalAlert,
            time_ms,
            journal_seq: None,
            alert_id: Some(a.alert.id.clone()),
            code: Some(a.alert.code.clone()),
            message: a.alert.message.clone(),
        }
    }

    /// One line: what and when.
    pub fn summary(&self) -> String {
        let what = self.code.as_deref().unwrap_or(self.kind.name());
        format!("{what} at {}: {}", fmt_ms(self.time_ms), self.message)
    }
}

/// The trigger a journal entry is, if it is one.
pub fn trigger_of(e: &Entry) -> Option<Trigger> {
    if e.dry_run {
        return None;
    }
    let (kind, message) = match &e.event {
        Event::Killed { reason, .. } => (TriggerKind::Killed, reason.clone()),
        Event::BreakerTripped { failures, window_minutes } => {
            (TriggerKind::BreakerTripped, format!("{failures} rejects or errors within {window_minutes} min"))
        }
        Event::Reconciled { summary, .. } if !summary.clean => (
            TriggerKind::ReconciliationMismatch,
            format!("reconciliation {}: {}", summary.id, summary.mismatches.join("; ")),
        ),
        Event::AuditFailed { line, problem, why } => {
            (TriggerKind::AuditFailed, format!("journal line {line}: {problem}: {why}"))
        }
        Event::SegmentStarted { predecessor, why, .. } => {
            (TriggerKind::SegmentStarted, format!("fresh journal segment; {predecessor} failed its audit: {why}"))
        }
        _ => return None,
    };
    Some(Trigger { kind, time_ms: e.time_ms, journal_seq: Some(e.seq), alert_id: None, code: None, message })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionKind {
    /// The halt was lifted by a rearm after a clean reconciliation.
    Rearmed,
    /// The alert that alone opened it was acknowledged.
    Acknowledged,
}

/// How an incident's story ended before anyone closed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolution {
    pub kind: ResolutionKind,
    pub time_ms: i64,
    pub journal_seq: Option<u64>,
}

/// The operator's closing: journaled in the corridor (`journal_seq`), or, for an incident of
/// no corridor, in the workspace's record of closings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Closing {
    pub journal_seq: Option<u64>,
    pub time_ms: i64,
    pub incident_id: String,
    pub note: String,
    pub operator: String,
}

/// One incident as one corridor (or one alert source) knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Episode {
    pub trigger: Trigger,
    /// What joined it while it was unresolved: later halts and the critical alerts about it.
    pub joined: Vec<Trigger>,
    pub resolved: Option<Resolution>,
    pub closing: Option<Closing>,
}

impl Episode {
    fn new(trigger: Trigger) -> Episode {
        Episode { trigger, joined: Vec::new(), resolved: None, closing: None }
    }

    pub fn is_open(&self) -> bool {
        self.closing.is_none()
    }

    /// When its story ended: closed or resolved, whichever came first; `None`: not yet.
    pub fn end_ms(&self) -> Option<i64> {
        let ends = [self.closing.as_ref().map(|c| c.time_ms), self.resolved.as_ref().map(|r| r.time_ms)];
        ends.into_iter().flatten().min()
    }

    /// Does its story hold time `t`?
    fn holds(&self, t: i64) -> bool {
        self.trigger.time_ms <= t && self.end_ms().is_none_or(|end| t <= end)
    }
}

/// The corridor an alert source names: `corridor:VENUE/ACCOUNT` (the corridor's own alerts) or
/// `VENUE:ACCOUNT` (its venue connection's, such as a missing credential).
pub fn alert_corridor(source: &str) -> Option<CorridorId> {
    let (venue, account) = match source.strip_prefix("corridor:") {
        Some(rest) => rest.split_once('/')?,
        None => source.split_once(':')?,
    };
    let venue = Venue::ALL.into_iter().find(|v| v.name() == venue)?;
    CorridorId::new(venue, account).ok()
}

/// When an alert was raised, ms; `None` for a time that does not parse (never guessed).
pub fn raised_ms(a: &AlertView) -> Option<i64> {
    parse_timestamp(&a.alert.time).ok()
}

/// The incidents of corridor `id`: from its journal `entries` and every alert in `alerts` (those
/// about other corridors are passed over), oldest first.
pub fn derive(id: &CorridorId, entries: &[Entry], alerts: &[AlertView]) -> Vec<Episode> {
    let mut out: Vec<Episode> = Vec::new();
    let mut current: Option<usize> = None;
    let mut alert_closings = BTreeMap::new();
    for e in entries {
        if let Some(t) = trigger_of(e) {
            match current {
                Some(i) => out[i].joined.push(t),
                None => {
                    out.push(Episode::new(t));
                    current = Some(out.len() - 1);
                }
            }
            continue;
        }
        match &e.event {
            Event::Rearmed { .. } => {
                if let Some(i) = current.take() {
                    let r = Resolution { kind: ResolutionKind::Rearmed, time_ms: e.time_ms, journal_seq: Some(e.seq) };
                    out[i].resolved = Some(r);
                }
            }
            Event::IncidentClosed { incident_id, note, operator, trigger_seq, trigger_alert } => {
                let c = Closing {
                    journal_seq: Some(e.seq),
                    time_ms: e.time_ms,
                    incident_id: incident_id.clone(),
                    note: note.clone(),
                    operator: operator.clone(),
                };
                if let Some(seq) = trigger_seq {
                    if let Some(i) = out.iter().position(|x| x.trigger.journal_seq == Some(*seq)) {
                        // A closing ends the story: what halts later opens a new incident.
                        out[i].closing.get_or_insert(c);
                        if current == Some(i) {
                            current = None;
                        }
                    }
                } else if let Some(a) = trigger_alert {
                    alert_closings.entry(a.clone()).or_insert(c);
                }
            }
            _ => {}
        }
    }
    let mut mine: Vec<(i64, &AlertView)> = alerts
        .iter()
        .filter(|a| a.alert.severity == Severity::Critical && alert_corridor(&a.alert.source).as_ref() == Some(id))
        .filter_map(|a| Some((raised_ms(a)?, a)))
        .collect();
    // Newest first in, oldest first out; same-millisecond alerts in the order raised.
    mine.reverse();
    mine.sort_by_key(|a| a.0);
    let journaled = out.len();
    let mut rest = Vec::new();
    for (t, a) in mine {
        match joining(&out[..journaled], t) {
            Some(i) => out[i].joined.push(Trigger::alert(a, t)),
            None => rest.push((t, a)),
        }
    }
    out.extend(alert_stories(&rest, &mut alert_closings));
    out.sort_by_key(|e| e.trigger.time_ms);
    out
}

/// The journaled incident an alert at `t` belongs to: the latest whose story holds `t`, else
/// the first whose trigger follows `t` within [`ALERT_LEAD_MS`].
fn joining(journaled: &[Episode], t: i64) -> Option<usize> {
    if let Some(i) = journaled.iter().rposition(|e| e.holds(t)) {
        return Some(i);
    }
    journaled.iter().position(|e| e.trigger.time_ms > t && e.trigger.time_ms - t <= ALERT_LEAD_MS)
}

/// Incidents opened by critical alerts alone (`alerts`: one owner's, oldest first, with their
/// times): each joins the last one still unresolved when it was raised (its first alert not yet
/// acknowledged, and not closed), else opens one. `closings`: by trigger alert id.
pub fn alert_stories(alerts: &[(i64, &AlertView)], closings: &mut BTreeMap<String, Closing>) -> Vec<Episode> {
    let mut out: Vec<Episode> = Vec::new();
    for &(t, a) in alerts {
        if let Some(last) = out.last_mut().filter(|e| e.holds(t)) {
            last.joined.push(Trigger::alert(a, t));
            continue;
        }
        let mut e = Episode::new(Trigger::alert(a, t));
        e.resolved = a.acknowledged_at.as_deref().and_then(|s| parse_timestamp(s).ok()).map(|ms| Resolution {
            kind: ResolutionKind::Acknowledged,
            time_ms: ms,
            journal_seq: None,
        });
        e.closing = closings.remove(&a.alert.id);
        out.push(e);
    }
    out
}

/// The incidents of corridor `id` still open, from its journal and the alert log as they are.
pub fn open_on(ws: &Workspace, id: &CorridorId) -> Result<Vec<Episode>> {
    let entries = journal::read(&paths::journal(ws, id))?;
    Ok(derive(id, &entries, &alerts::list(ws)?).into_iter().filter(Episode::is_open).collect())
}

/// The open incidents in one line each, for a refusal or a checklist's detail.
pub fn describe_open(open: &[Episode]) -> Vec<String> {
    open.iter().map(|e| e.trigger.summary()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::alerts::Alert;
    use crate::engine::execution::model::{ReconcileSummary, GENESIS};

    fn id() -> CorridorId {
        CorridorId::new(Venue::Fake, "main").unwrap()
    }

    fn entry(seq: u64, t: i64, event: Event) -> Entry {
        Entry {
            schema: "quantlab.journal_entry".into(),
            schema_version: 1,
            seq,
            time: fmt_ms(t),
            time_ms: t,
            prev: GENESIS.into(),
            dry_run: false,
            event,
            hash: String::new(),
        }
    }

    fn killed(seq: u64, t: i64) -> Entry {
        entry(seq, t, Event::Killed { reason: "drill".into(), policy_fingerprint: None })
    }

    fn rearmed(seq: u64, t: i64) -> Entry {
        entry(seq, t, Event::Rearmed { reconciliation_id: "rec".into(), policy_fingerprint: None })
    }

    fn mismatch(seq: u64, t: i64) -> Entry {
        let summary =
            ReconcileSummary { id: "rec".into(), clean: false, mismatches: vec!["BTC/USD".into()], resolved: vec![] };
        entry(seq, t, Event::Reconciled { summary, policy_fingerprint: None })
    }

    fn closed(seq: u64, t: i64, trigger_seq: Option<u64>, trigger_alert: Option<&str>) -> Entry {
        entry(
            seq,
            t,
            Event::IncidentClosed {
                incident_id: "inc".into(),
                note: "reviewed".into(),
                operator: "alice".into(),
                trigger_seq,
                trigger_alert: trigger_alert.map(str::to_string),
            },
        )
    }

    fn alert(id: &str, t: i64, code: &str, source: &str, acked: Option<i64>) -> AlertView {
        AlertView {
            alert: Alert {
                schema: "quantlab.alert".into(),
                schema_version: 1,
                id: id.into(),
                time: fmt_ms(t),
                severity: Severity::Critical,
                code: code.into(),
                source: source.into(),
                message: format!("{code} message"),
            },
            acknowledged_at: acked.map(fmt_ms),
        }
    }

    const T: i64 = 1_700_000_000_000;

    #[test]
    fn a_halt_opens_one_incident_what_follows_joins_it_until_the_rearm() {
        let entries = [
            entry(1, T - 1000, Event::Note { text: "x".into() }),
            killed(2, T),
            // Found while the kill holds: the kill's story.
            mismatch(3, T + 1000),
            rearmed(4, T + 2000),
            // After the rearm: a new incident.
            mismatch(5, T + 3000),
        ];
        let alerts = [
            alert("al_kill", T + 10, "KILL_SWITCH", "corridor:fake/main", None),
            alert("al_other", T + 10, "KILL_SWITCH", "corridor:fake/desk", None),
        ];
        let got = derive(&id(), &entries, &alerts);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!((got[0].trigger.kind, got[0].trigger.journal_seq), (TriggerKind::Killed, Some(2)));
        let joined: Vec<_> = got[0].joined.iter().map(|t| (t.kind, t.journal_seq, t.alert_id.clone())).collect();
        assert_eq!(
            joined,
            [
                (TriggerKind::ReconciliationMismatch, Some(3), None),
                (TriggerKind::CriticalAlert, None, Some("al_kill".to_string()))
            ]
        );
        assert_eq!(got[0].resolved.as_ref().map(|r| (r.kind, r.journal_seq)), Some((ResolutionKind::Rearmed, Some(4))));
        assert_eq!((got[1].trigger.kind, got[1].resolved.clone()), (TriggerKind::ReconciliationMismatch, None));
        // Resolved is not closed: both stay open until the operator's note.
        assert!(got.iter().all(Episode::is_open));
    }

    #[test]
    fn a_closing_names_its_trigger_and_ends_the_story() {
        let entries = [killed(1, T), closed(2, T + 1000, Some(1), None), mismatch(3, T + 2000)];
        let got = derive(&id(), &entries, &[]);
        assert_eq!(got.len(), 2, "a halt after the closing opens a new incident: {got:#?}");
        let c = got[0].closing.as_ref().unwrap();
        assert_eq!((c.journal_seq, c.note.as_str(), c.operator.as_str()), (Some(2), "reviewed", "alice"));
        assert_eq!(got[0].end_ms(), Some(T + 1000));
        assert!(got[1].is_open());
        // A closing that names no incident of this journal closes nothing.
        let got = derive(&id(), &[killed(1, T), closed(2, T + 1000, Some(9), None)], &[]);
        assert!(got[0].is_open());
    }

    #[test]
    fn critical_alerts_alone_open_incidents_until_acknowledged_and_close_by_their_id() {
        let alerts = [
            // A missing credential of this corridor's venue account, acknowledged later.
            alert("al_1", T, "SECRET_MISSING", "fake:main", Some(T + 5000)),
            alert("al_2", T + 1000, "JOURNAL_TAMPERED", "corridor:fake/main", None),
            // After the acknowledgement: a new one.
            alert("al_3", T + 6000, "SECRET_MISSING", "fake:main", None),
            // Warnings and other sources open nothing here.
            AlertView { alert: Alert { severity: Severity::Warning, ..alert("al_4", T, "X", "fake:main", None).alert }, acknowledged_at: None },
            alert("al_5", T, "PAPER_SESSION_FAILED", "paper:p1", None),
        ];
        let got = derive(&id(), &[closed(1, T + 7000, None, Some("al_3"))], &alerts);
        let ids: Vec<_> = got.iter().map(|e| e.trigger.alert_id.clone().unwrap()).collect();
        assert_eq!(ids, ["al_1", "al_3"]);
        assert_eq!(got[0].joined[0].alert_id.as_deref(), Some("al_2"));
        assert_eq!(got[0].resolved.as_ref().map(|r| r.kind), Some(ResolutionKind::Acknowledged));
        assert!(got[0].is_open() && !got[1].is_open());
    }

    #[test]
    fn an_alert_just_before_its_halt_joins_it() {
        let entries = [entry(
            1,
            T,
            Event::AuditFailed { line: 3, problem: "signature_invalid".into(), why: "forged".into() },
        )];
        let near = alert("al_near", T - 500, "JOURNAL_TAMPERED", "corridor:fake/main", None);
        let far = alert("al_far", T - ALERT_LEAD_MS - 1, "JOURNAL_TAMPERED", "corridor:fake/main", None);
        let got = derive(&id(), &entries, &[near, far]);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!(got[0].trigger.alert_id.as_deref(), Some("al_far"));
        assert_eq!(got[1].joined[0].alert_id.as_deref(), Some("al_near"));
    }

    #[test]
    fn dry_runs_and_clean_reconciliations_are_no_triggers() {
        let mut dry = killed(1, T);
        dry.dry_run = true;
        let clean = ReconcileSummary { id: "r".into(), clean: true, mismatches: vec![], resolved: vec![] };
        let entries = [dry, entry(2, T, Event::Reconciled { summary: clean, policy_fingerprint: None })];
        assert!(derive(&id(), &entries, &[]).is_empty());
    }

    #[test]
    fn alert_sources_name_corridors() {
        assert_eq!(alert_corridor("corridor:fake/main"), Some(id()));
        assert_eq!(alert_corridor("fake:main"), Some(id()));
        for s in ["paper:p1", "live:live_x", "kill", "corridor:binance/main", "run_x", "fake:bad/acct"] {
            assert_eq!(alert_corridor(s), None, "{s}");
        }
    }
}
