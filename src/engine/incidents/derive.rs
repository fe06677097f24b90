//! Incidents across the workspace, from each corridor's (execution's incident ledger) and the
//! critical alerts no corridor owns. Pure: the same journals, alerts and closings always give
//! the same incidents with the same ids.
//!
//! - One `quantlab kill` reaches each corridor in turn: the corridors' incidents it opened
//!   (same reason, each within [`KILL_SPREAD_MS`] of the one before) are one incident, and the
//!   all-corridor kill switch's own alert joins it.
//! - A critical alert of no corridor (a paper or live session's, a dataset's) opens an incident
//!   of its source, joined by that source's next critical alerts until it is acknowledged.

use std::collections::BTreeMap;

use crate::engine::alerts::{AlertView, Severity};
use crate::engine::contract::make_id;
use crate::engine::execution::incident_ledger::{self as ledger, Closing, Episode, Trigger, TriggerKind};
use crate::engine::execution::model::Entry;
use crate::engine::execution::{kill_all_message, CorridorId, KILL_SOURCE};

/// How far apart in time one kill switch's halts of its corridors may be.
pub const KILL_SPREAD_MS: i64 = 120_000;

/// An incident's part in one corridor, or the whole of an incident of no corridor.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub corridor: Option<CorridorId>,
    pub episode: Episode,
}

/// One incident, before its timeline is told.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: String,
    /// Oldest first: the first opened it.
    pub members: Vec<Member>,
    /// The alert source of an incident of no corridor.
    pub source: Option<String>,
    /// Alerts of no corridor that joined it: the all-corridor kill switch's.
    pub extra: Vec<Trigger>,
}

impl Found {
    /// Open while any corridor it touched has not journaled its closing.
    pub fn is_open(&self) -> bool {
        self.members.iter().any(|m| m.episode.is_open())
    }

    pub fn first(&self) -> &Trigger {
        &self.members[0].episode.trigger
    }

    /// When its story ended in every corridor; `None`: not yet everywhere.
    pub fn end_ms(&self) -> Option<i64> {
        self.members.iter().map(|m| m.episode.end_ms()).collect::<Option<Vec<i64>>>()?.into_iter().max()
    }

    pub fn corridors(&self) -> Vec<CorridorId> {
        self.members.iter().filter_map(|m| m.corridor.clone()).collect()
    }
}

/// What incidents are derived from.
pub struct Inputs<'a> {
    /// Each corridor's journal entries.
    pub journals: &'a [(CorridorId, Vec<Entry>)],
    /// Every alert, with its acknowledgement, newest first as `alerts::list` gives them.
    pub alerts: &'a [AlertView],
    /// Closings of incidents of no corridor, by the id of the alert that opened each.
    pub closings: BTreeMap<String, Closing>,
}

/// Every incident, newest first.
pub fn derive(inputs: Inputs<'_>) -> Vec<Found> {
    let mut members: Vec<Member> = Vec::new();
    for (id, entries) in inputs.journals {
        members.extend(
            ledger::derive(id, entries, inputs.alerts)
                .into_iter()
                .map(|episode| Member { corridor: Some(id.clone()), episode }),
        );
    }
    members.sort_by(|a, b| (a.episode.trigger.time_ms, &a.corridor).cmp(&(b.episode.trigger.time_ms, &b.corridor)));
    let mut out: Vec<Found> = Vec::new();
    for m in members {
        let joins = (m.episode.trigger.kind == TriggerKind::Killed)
            .then(|| out.iter().rposition(|f| same_kill(f, &m)))
            .flatten();
        match joins {
            Some(i) => out[i].members.push(m),
            None => out.push(Found { id: String::new(), members: vec![m], source: None, extra: Vec::new() }),
        }
    }

    // Critical alerts of no corridor, by source, oldest first.
    let mut by_source: BTreeMap<&str, Vec<(i64, &AlertView)>> = BTreeMap::new();
    for a in inputs.alerts {
        if a.alert.severity != Severity::Critical || ledger::alert_corridor(&a.alert.source).is_some() {
            continue;
        }
        let Some(t) = ledger::raised_ms(a) else { continue };
        by_source.entry(a.alert.source.as_str()).or_default().push((t, a));
    }
    let mut closings = inputs.closings;
    for (source, mut alerts) in by_source {
        // `inputs.alerts` is newest first with same-millisecond alerts in the log's order
        // (`alerts::list`): reversed and stably sorted by time, the first raised opens the story,
        // never the one whose random id sorts first.
        alerts.reverse();
        alerts.sort_by_key(|a| a.0);
        if source == KILL_SOURCE {
            // The all-corridor kill switch's alert joins the incident of the corridors it halted.
            alerts.retain(|&(t, a)| match out.iter().rposition(|f| announces(f, t, &a.alert.message)) {
                Some(i) => {
                    out[i].extra.push(ledger::alert_trigger(a, t));
                    false
                }
                None => true,
            });
        }
        for episode in ledger::alert_stories(&alerts, &mut closings) {
            let member = Member { corridor: None, episode };
            out.push(Found { id: String::new(), members: vec![member], source: Some(source.to_string()), extra: vec![] });
        }
    }
    for f in &mut out {
        f.id = id_of(&f.members[0]);
    }
    out.sort_by(|a, b| (b.first().time_ms, &b.id).cmp(&(a.first().time_ms, &a.id)));
    out
}

/// Does `m` (a corridor's kill) belong to the kill incident `f`: the same reason, another
/// corridor, within [`KILL_SPREAD_MS`] of its last halt?
fn same_kill(f: &Found, m: &Member) -> bool {
    let first = f.first();
    let last = f.members.last().map_or(first.time_ms, |l| l.episode.trigger.time_ms);
    first.kind == TriggerKind::Killed
        && f.source.is_none()
        && first.message == m.episode.trigger.message
        && f.members.iter().all(|x| x.corridor != m.corridor)
        && m.episode.trigger.time_ms - last <= KILL_SPREAD_MS
}

/// Is the all-corridor kill switch's alert (`message`, raised at `t`) about kill incident `f`:
/// its reason, raised after its corridors' halts and within [`KILL_SPREAD_MS`] of the last?
fn announces(f: &Found, t: i64, message: &str) -> bool {
    let last = f.members.iter().map(|m| m.episode.trigger.time_ms).max().unwrap_or(i64::MIN);
    f.source.is_none()
        && f.first().kind == TriggerKind::Killed
        && kill_all_message(&f.first().message) == message
        && last <= t
        && t - last <= KILL_SPREAD_MS
}

/// `inc_<UTC stamp of the trigger>_<8 hex>`, from what opened it: stable across reads.
fn id_of(m: &Member) -> String {
    let t = &m.episode.trigger;
    let what = match (&m.corridor, t.journal_seq, &t.alert_id) {
        (Some(c), Some(seq), _) => format!("{c}#{seq}"),
        (_, _, Some(alert)) => alert.clone(),
        (c, seq, None) => format!("{c:?}#{seq:?}"),
    };
    make_id("inc", t.time_ms, what.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::alerts::Alert;
    use crate::engine::execution::model::{Event, GENESIS};
    use crate::engine::execution::Venue;
    use crate::engine::time::fmt_ms;

    const T: i64 = 1_700_000_000_000;

    fn corridor(account: &str) -> CorridorId {
        CorridorId::new(Venue::Fake, account).unwrap()
    }

    fn killed(seq: u64, t: i64, reason: &str) -> Entry {
        Entry {
            schema: "quantlab.journal_entry".into(),
            schema_version: 1,
            seq,
            time: fmt_ms(t),
            time_ms: t,
            prev: GENESIS.into(),
            dry_run: false,
            event: Event::Killed { reason: reason.into(), policy_fingerprint: None },
            hash: String::new(),
        }
    }

    fn alert(id: &str, t: i64, source: &str, message: &str) -> AlertView {
        AlertView {
            alert: Alert {
                schema: "quantlab.alert".into(),
                schema_version: 1,
                id: id.into(),
                time: fmt_ms(t),
                severity: Severity::Critical,
                code: "KILL_SWITCH".into(),
                source: source.into(),
                message: message.into(),
            },
            acknowledged_at: None,
        }
    }

    fn derive_all(journals: &[(CorridorId, Vec<Entry>)], alerts: &[AlertView]) -> Vec<Found> {
        derive(Inputs { journals, alerts, closings: BTreeMap::new() })
    }

    #[test]
    fn one_kill_across_corridors_is_one_incident_with_its_alert() {
        let rearmed = Entry {
            event: Event::Rearmed { reconciliation_id: "r".into(), policy_fingerprint: None },
            ..killed(2, T + 5000, "")
        };
        let journals = [
            (corridor("a"), vec![killed(1, T, "drill")]),
            (corridor("b"), vec![killed(4, T + 3000, "drill")]),
            // Another reason, or long after: incidents of their own.
            (corridor("c"), vec![killed(1, T + 4000, "fat finger"), rearmed, killed(3, T + 600_000, "drill")]),
        ];
        let alerts = [
            alert("al_kill", T + 5000, KILL_SOURCE, &kill_all_message("drill")),
            alert("al_paper", T - 1000, "paper:p1", "session failed"),
        ];
        let got = derive_all(&journals, &alerts);
        let shape: Vec<(Vec<String>, Option<String>)> = got
            .iter()
            .map(|f| (f.corridors().iter().map(|c| c.account.clone()).collect(), f.source.clone()))
            .collect();
        assert_eq!(
            shape,
            [
                (vec!["c".to_string()], None),
                (vec!["c".to_string()], None),
                (vec!["a".to_string(), "b".to_string()], None),
                (vec![], Some("paper:p1".to_string())),
            ],
            "newest first"
        );
        let kill = &got[2];
        assert_eq!(kill.extra.iter().map(|t| t.alert_id.clone().unwrap()).collect::<Vec<_>>(), ["al_kill"]);
        // Ids are the trigger's: the same inputs, the same ids.
        let ids: Vec<&String> = got.iter().map(|f| &f.id).collect();
        let again = derive_all(&journals, &alerts);
        assert_eq!(ids, again.iter().map(|f| &f.id).collect::<Vec<_>>());
        assert!(ids.iter().all(|id| id.starts_with("inc_")), "{ids:?}");
        assert_eq!(ids.iter().collect::<std::collections::BTreeSet<_>>().len(), ids.len(), "{ids:?}");
    }

    #[test]
    fn alerts_of_one_millisecond_open_the_story_in_the_order_raised_not_by_id() {
        // Newest first, as the alert log is listed: "al_a" was raised after "al_z".
        let mut later = alert("al_a", T, "paper:p1", "failed again");
        let mut first = alert("al_z", T, "paper:p1", "failed");
        for a in [&mut later, &mut first] {
            a.alert.code = "PAPER_SESSION_FAILED".into();
        }
        let got = derive_all(&[], &[later, first]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].first().alert_id.as_deref(), Some("al_z"));
        assert_eq!(got[0].members[0].episode.joined.len(), 1);
    }

    #[test]
    fn an_all_corridor_kill_with_no_corridor_is_an_incident_of_its_own() {
        let got = derive_all(&[], &[alert("al_kill", T, KILL_SOURCE, &kill_all_message("drill"))]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].source.as_deref(), Some(KILL_SOURCE));
        assert!(got[0].is_open());
    }
}
