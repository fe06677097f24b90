//! Alerts: canonical codes with severities, appended to `alerts/alerts.jsonl`; acknowledgements
//! appended to `alerts/acks.jsonl`. Both files are append-only and fsynced, so nothing an
//! operator has seen or acknowledged is ever lost or rewritten.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::contract::{make_id, CONTRACT_VERSION};
use crate::engine::error::{Error, Result};
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::Workspace;

pub const ALERT_SCHEMA: &str = "quantlab.alert";
pub const ACK_SCHEMA: &str = "quantlab.alert_ack";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    /// A word, so severity never depends on colour alone.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARN",
            Severity::Critical => "CRIT",
        }
    }
}

/// The canonical alert codes and their severities.
pub mod codes {
    use super::Severity;
    /// A research run ended with status failed.
    pub const RUN_FAILED: (&str, Severity) = ("RUN_FAILED", Severity::Warning);
    /// An index rebuild skipped a corrupt run folder.
    pub const INDEX_SKIPPED_RUN: (&str, Severity) = ("INDEX_SKIPPED_RUN", Severity::Warning);
    /// A stored dataset no longer matches its fingerprint.
    pub const DATA_FINGERPRINT_MISMATCH: (&str, Severity) = ("DATA_FINGERPRINT_MISMATCH", Severity::Critical);

    // Execution: one code per event an operator must see, raised by the corridor.
    /// An order was sent to a venue.
    pub const ORDER_SUBMITTED: (&str, Severity) = ("ORDER_SUBMITTED", Severity::Info);
    /// The venue accepted an order.
    pub const VENUE_ACK: (&str, Severity) = ("VENUE_ACK", Severity::Info);
    /// The venue rejected an order.
    pub const ORDER_REJECTED: (&str, Severity) = ("ORDER_REJECTED", Severity::Warning);
    /// A submit was refused before any venue call (policy, kill switch, breaker, approval).
    pub const SUBMIT_REFUSED: (&str, Severity) = ("SUBMIT_REFUSED", Severity::Warning);
    /// The venue call failed or timed out; the order's fate is settled by a status query.
    pub const VENUE_ERROR: (&str, Severity) = ("VENUE_ERROR", Severity::Warning);
    /// An order filled completely.
    pub const ORDER_FILLED: (&str, Severity) = ("ORDER_FILLED", Severity::Info);
    /// An order filled in part.
    pub const PARTIAL_FILL: (&str, Severity) = ("PARTIAL_FILL", Severity::Info);
    /// An order was cancelled.
    pub const ORDER_CANCELLED: (&str, Severity) = ("ORDER_CANCELLED", Severity::Info);
    /// Too many rejects or errors in the breaker window: the corridor halted itself.
    pub const BREAKER_TRIPPED: (&str, Severity) = ("BREAKER_TRIPPED", Severity::Critical);
    /// The kill switch cancelled everything and halted corridors.
    pub const KILL_SWITCH: (&str, Severity) = ("KILL_SWITCH", Severity::Critical);
    /// The venue and the journal disagree; the corridor stays halted.
    pub const RECONCILIATION_MISMATCH: (&str, Severity) = ("RECONCILIATION_MISMATCH", Severity::Critical);
    /// Market data is older than the policy allows.
    pub const STALE_STREAM: (&str, Severity) = ("STALE_STREAM", Severity::Warning);
    /// The venue clock and ours differ by more than the policy allows.
    pub const CLOCK_SKEW: (&str, Severity) = ("CLOCK_SKEW", Severity::Warning);
    /// A venue credential is not in the keyring.
    pub const SECRET_MISSING: (&str, Severity) = ("SECRET_MISSING", Severity::Critical);
    /// The journal's hash chain is broken.
    pub const JOURNAL_TAMPERED: (&str, Severity) = ("JOURNAL_TAMPERED", Severity::Critical);

    // Paper sessions.
    /// No bar within twice the feed's cadence.
    pub const PAPER_STALE_FEED: (&str, Severity) = ("PAPER_STALE_FEED", Severity::Warning);
    /// Bars missing between two bars (beyond weekends for markets that close).
    pub const PAPER_DATA_GAP: (&str, Severity) = ("PAPER_DATA_GAP", Severity::Warning);
    /// The strategy failed on a bar: the session failed.
    pub const PAPER_STRATEGY_ERROR: (&str, Severity) = ("PAPER_STRATEGY_ERROR", Severity::Critical);
    /// Equity fell past the session's drawdown limit: the session paused.
    pub const PAPER_DRAWDOWN_LIMIT: (&str, Severity) = ("PAPER_DRAWDOWN_LIMIT", Severity::Critical);
    pub const PAPER_SESSION_FAILED: (&str, Severity) = ("PAPER_SESSION_FAILED", Severity::Critical);
    /// The session's process died; `quantlab paper resume` continues it.
    pub const PAPER_SESSION_ABORTED: (&str, Severity) = ("PAPER_SESSION_ABORTED", Severity::Critical);

    // Live strategy sessions.
    /// A session's strategy made an intent that waits for the operator's keypress.
    pub const LIVE_INTENT_CREATED: (&str, Severity) = ("LIVE_INTENT_CREATED", Severity::Info);
    /// An intent was not approved within its TTL; the next bar decides again.
    pub const LIVE_INTENT_MISSED: (&str, Severity) = ("LIVE_INTENT_MISSED", Severity::Warning);
    /// Preflight refused a session's intent; it was withdrawn.
    pub const LIVE_INTENT_REFUSED: (&str, Severity) = ("LIVE_INTENT_REFUSED", Severity::Warning);
    /// The session's sizing came to nothing at the venue's lot and minimums.
    pub const LIVE_SIZING_ZERO: (&str, Severity) = ("LIVE_SIZING_ZERO", Severity::Warning);
    /// The corridor was halted, killed or disarmed: the session paused and makes no intent.
    pub const LIVE_SESSION_PAUSED: (&str, Severity) = ("LIVE_SESSION_PAUSED", Severity::Warning);
    /// A session's runner started again and said what it found.
    pub const LIVE_SESSION_RESTARTED: (&str, Severity) = ("LIVE_SESSION_RESTARTED", Severity::Info);
    /// A live session drifted from its shadow paper session beyond the policy's `[corridor.live]`.
    pub const LIVE_DRIFT: (&str, Severity) = ("LIVE_DRIFT", Severity::Critical);
    pub const LIVE_SESSION_FAILED: (&str, Severity) = ("LIVE_SESSION_FAILED", Severity::Critical);
    /// An intent of a live session would have raised the portfolio's gross exposure past the
    /// policy's `[portfolio] max_gross_exposure`: blocked before it was journaled.
    pub const LIVE_PORTFOLIO_LIMIT: (&str, Severity) = ("LIVE_PORTFOLIO_LIMIT", Severity::Warning);
    /// The live sessions together lost the policy's `[portfolio] daily_loss_limit` today: every
    /// session paused until the next UTC day (critical: an incident opens).
    pub const LIVE_PORTFOLIO_LOSS: (&str, Severity) = ("LIVE_PORTFOLIO_LOSS", Severity::Critical);
    /// The session's process died; `quantlab live resume` continues it.
    pub const LIVE_SESSION_ABORTED: (&str, Severity) = ("LIVE_SESSION_ABORTED", Severity::Critical);
    /// A candidate went one stage down on the promotion board (a kill, a breaker trip, a
    /// mismatch, a failed audit or drift on its corridor); its sessions there were paused. A
    /// warning: what caused it raised its own critical alert and incident.
    pub const PROMOTION_DEMOTED: (&str, Severity) = ("PROMOTION_DEMOTED", Severity::Warning);
    /// A live session saw a cause of demotion and could not record the demotion (the board,
    /// `live start` and `live resume` try again on their next read).
    pub const PROMOTION_DEMOTION_FAILED: (&str, Severity) = ("PROMOTION_DEMOTION_FAILED", Severity::Critical);

    // Automation inside grants (docs/automation.md).
    /// A live session's intent was approved inside its grant, without a keypress, and sent.
    pub const AUTOMATION_APPROVED: (&str, Severity) = ("AUTOMATION_APPROVED", Severity::Info);
    /// A live session under a grant made an intent outside one of its limits: it waits for the
    /// keypress; the message names the limit.
    pub const AUTOMATION_WAITS: (&str, Severity) = ("AUTOMATION_WAITS", Severity::Warning);
    /// A session under a grant paused for an anomaly or a failure (reject rate, an unexpected
    /// fill, a stale feed, a refused preflight, a failed send): resuming needs the operator.
    pub const AUTOMATION_PAUSED: (&str, Severity) = ("AUTOMATION_PAUSED", Severity::Warning);
    /// A session's grant stopped being live (revoked, expired, untrusted): its intents wait
    /// for the keypress again.
    pub const AUTOMATION_REVOKED: (&str, Severity) = ("AUTOMATION_REVOKED", Severity::Warning);

    /// `quantlab demo` could not start its live part (the loopback simulator, its corridors or
    /// its live session); the message says why. The research workspace works without it.
    pub const DEMO_LIVE_OFF: (&str, Severity) = ("DEMO_LIVE_OFF", Severity::Warning);

    // Notifications (docs/notifications.md). Warnings, never critical: a channel that cannot
    // deliver is not an incident of the trading, and each is routed to the other channels only.
    /// A notification channel failed a delivery (raised when it starts failing); it retries
    /// with backoff.
    pub const NOTIFY_FAILED: (&str, Severity) = ("NOTIFY_FAILED", Severity::Warning);
    /// A notification was given up after its last attempt; the delivery log has each attempt.
    pub const NOTIFY_UNDELIVERED: (&str, Severity) = ("NOTIFY_UNDELIVERED", Severity::Warning);
    /// notify.toml does not validate: nothing is sent until it is fixed.
    pub const NOTIFY_CONFIG: (&str, Severity) = ("NOTIFY_CONFIG", Severity::Warning);

    /// Every code with its severity, for docs and the promotion gate's coverage check.
    pub const EXECUTION: &[(&str, Severity)] = &[
        ORDER_SUBMITTED,
        VENUE_ACK,
        ORDER_REJECTED,
        SUBMIT_REFUSED,
        VENUE_ERROR,
        ORDER_FILLED,
        PARTIAL_FILL,
        ORDER_CANCELLED,
        BREAKER_TRIPPED,
        KILL_SWITCH,
        RECONCILIATION_MISMATCH,
        STALE_STREAM,
        CLOCK_SKEW,
        SECRET_MISSING,
        JOURNAL_TAMPERED,
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub time: String,
    pub severity: Severity,
    pub code: String,
    pub source: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ack {
    pub schema: String,
    pub schema_version: u32,
    pub alert_id: String,
    pub acknowledged_at: String,
}

/// An alert with its acknowledgement, if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    #[serde(flatten)]
    pub alert: Alert,
    pub acknowledged_at: Option<String>,
}

fn dir(ws: &Workspace) -> PathBuf {
    ws.root().join("alerts")
}

/// Append one JSON line and fsync it: the append-only records (alerts, acknowledgements, and
/// the incidents' closings) share it.
pub(crate) fn append_line<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).map_err(|e| Error::io("cannot create", d, e))?;
    }
    let mut line = serde_json::to_vec(value)?;
    line.push(b'\n');
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io("cannot open", path, e))?;
    // One write of a whole line: concurrent appenders never interleave inside a line.
    f.write_all(&line).map_err(|e| Error::io("cannot append to", path, e))?;
    f.sync_all().map_err(|e| Error::io("cannot fsync", path, e))
}

/// Lines that parse; a torn last line (a crash mid-write) is skipped, never fatal.
pub(crate) fn read_lines<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let Ok(f) = std::fs::File::open(path) else {
        return Ok(Vec::new());
    };
    Ok(BufReader::new(f)
        .lines()
        .map_while(|l| l.ok())
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect())
}

/// Record an alert. `code` is one of [`codes`].
/// Raise an alert and copy it as a JSON line into `copy` (a session's own alerts.jsonl). A
/// failure is logged, never raised: a session's bar must not fail on its alert.
pub fn raise_with_copy(
    ws: &Workspace,
    code: (&str, Severity),
    source: &str,
    message: &str,
    copy: &std::path::Path,
) {
    match raise(ws, code, source, message) {
        Ok(a) => {
            let line = serde_json::to_string(&a).unwrap_or_default();
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(copy)
                .and_then(|mut f| std::io::Write::write_all(&mut f, format!("{line}\n").as_bytes()));
            if let Err(e) = appended {
                tracing::error!("alert {} not copied to {}: {e}", code.0, copy.display());
            }
        }
        Err(e) => tracing::error!("alert {} not written: {e}", code.0),
    }
}

pub fn raise(ws: &Workspace, code: (&str, Severity), source: &str, message: &str) -> Result<Alert> {
    let now = now_ms();
    let alert = Alert {
        schema: ALERT_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: make_id("al", now, format!("{}{source}{message}{now}", code.0).as_bytes()),
        time: fmt_ms(now),
        severity: code.1,
        code: code.0.into(),
        source: source.into(),
        message: message.into(),
    };
    let _lock = ws.lock()?;
    append_line(&dir(ws).join("alerts.jsonl"), &alert)?;
    tracing::warn!(code = %alert.code, source, "{message}");
    Ok(alert)
}

/// Raise unless the same alert (code, source and message) is already raised and not yet
/// acknowledged: for conditions a poller finds again and again (a missing credential seen by
/// the console every 2 s), which would otherwise bury everything else.
pub fn raise_once(
    ws: &Workspace,
    code: (&str, Severity),
    source: &str,
    message: &str,
) -> Result<Option<Alert>> {
    let open = list(ws)?.into_iter().any(|a| {
        a.acknowledged_at.is_none()
            && a.alert.code == code.0
            && a.alert.source == source
            && a.alert.message == message
    });
    if open {
        return Ok(None);
    }
    raise(ws, code, source, message).map(Some)
}

/// Every alert, newest first, with its acknowledgement.
pub fn list(ws: &Workspace) -> Result<Vec<AlertView>> {
    let alerts: Vec<Alert> = read_lines(&dir(ws).join("alerts.jsonl"))?;
    let acks: HashMap<String, String> = read_lines::<Ack>(&dir(ws).join("acks.jsonl"))?
        .into_iter()
        .map(|a| (a.alert_id, a.acknowledged_at))
        .collect();
    let mut out: Vec<AlertView> = alerts
        .into_iter()
        .map(|a| AlertView { acknowledged_at: acks.get(&a.id).cloned(), alert: a })
        .collect();
    // Newest first; alerts raised in the same millisecond keep the log's order (the later line
    // is the newer), never an order of their random ids: an incident's first alert is the one
    // raised first.
    out.reverse();
    out.sort_by_key(|a| std::cmp::Reverse(raised_ms(a)));
    Ok(out)
}

/// Acknowledge alerts by id (or all unacknowledged with `None`); returns the ids acknowledged.
pub fn ack(ws: &Workspace, id: Option<&str>) -> Result<Vec<String>> {
    let all = list(ws)?;
    let targets: Vec<&AlertView> = match id {
        Some(id) => {
            let a = all
                .iter()
                .find(|a| a.alert.id == id)
                .ok_or_else(|| crate::engine::workspace_error::WorkspaceError::NoAlert(id.into()))?;
            vec![a]
        }
        None => all.iter().filter(|a| a.acknowledged_at.is_none()).collect(),
    };
    let _lock = ws.lock()?;
    let now = fmt_ms(now_ms());
    let mut done = Vec::new();
    for a in targets.into_iter().filter(|a| a.acknowledged_at.is_none()) {
        let rec = Ack {
            schema: ACK_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            alert_id: a.alert.id.clone(),
            acknowledged_at: now.clone(),
        };
        append_line(&dir(ws).join("acks.jsonl"), &rec)?;
        done.push(a.alert.id.clone());
    }
    Ok(done)
}

/// Counts of unacknowledged alerts by severity, and the most severe (newest first) of them.
/// When an alert was raised, ms: its text form drops `.000` on a whole second, so text order
/// is not time order.
fn raised_ms(a: &AlertView) -> i64 {
    crate::engine::time::parse_timestamp(&a.alert.time).unwrap_or(i64::MIN)
}

pub fn summary(views: &[AlertView]) -> (HashMap<Severity, usize>, Option<&AlertView>) {
    let open: Vec<&AlertView> = views.iter().filter(|a| a.acknowledged_at.is_none()).collect();
    let mut counts = HashMap::new();
    for a in &open {
        *counts.entry(a.alert.severity).or_insert(0) += 1;
    }
    // The most severe, then the newest: `views` is newest first with same-millisecond alerts in
    // the log's order, and `max_by` keeps the last of equals, so walk it oldest first.
    let worst = open
        .iter()
        .rev()
        .max_by(|a, b| a.alert.severity.cmp(&b.alert.severity).then(raised_ms(a).cmp(&raised_ms(b))))
        .copied();
    (counts, worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_of_one_millisecond_keep_the_logs_order_not_their_ids() {
        let d = tempfile::tempdir().unwrap();
        let ws = Workspace::at(d.path());
        let at = fmt_ms(1_700_000_000_000);
        // Written first with the larger id: an order by id would put it first, wrongly.
        for id in ["al_z", "al_a", "al_m"] {
            let a = Alert {
                schema: ALERT_SCHEMA.into(),
                schema_version: CONTRACT_VERSION,
                id: id.into(),
                time: at.clone(),
                severity: Severity::Critical,
                code: "X".into(),
                source: "s".into(),
                message: id.into(),
            };
            append_line(&dir(&ws).join("alerts.jsonl"), &a).unwrap();
        }
        let ids: Vec<String> = list(&ws).unwrap().into_iter().map(|a| a.alert.id).collect();
        assert_eq!(ids, ["al_m", "al_a", "al_z"], "newest (the later line) first");
    }

    #[test]
    fn raise_once_waits_for_the_acknowledgement() {
        let d = tempfile::tempdir().unwrap();
        let ws = Workspace::at(d.path());
        assert!(raise_once(&ws, codes::SECRET_MISSING, "kraken:main", "no credential").unwrap().is_some());
        assert!(raise_once(&ws, codes::SECRET_MISSING, "kraken:main", "no credential").unwrap().is_none());
        assert!(raise_once(&ws, codes::SECRET_MISSING, "kraken:desk", "no credential").unwrap().is_some());
        ack(&ws, None).unwrap();
        assert!(raise_once(&ws, codes::SECRET_MISSING, "kraken:main", "no credential").unwrap().is_some());
        assert_eq!(list(&ws).unwrap().len(), 3);
    }

    #[test]
    fn raise_list_ack_persist() {
        let d = tempfile::tempdir().unwrap();
        let ws = Workspace::at(d.path());
        let a = raise(&ws, codes::RUN_FAILED, "run_x", "no bars").unwrap();
        let c = raise(&ws, codes::DATA_FINGERPRINT_MISMATCH, "ds_y", "changed").unwrap();
        let views = list(&ws).unwrap();
        assert_eq!(views.len(), 2);
        let (counts, worst) = summary(&views);
        assert_eq!(counts[&Severity::Critical], 1);
        assert_eq!(worst.unwrap().alert.id, c.id);
        assert_eq!(ack(&ws, Some(&c.id)).unwrap(), vec![c.id.clone()]);
        // Acknowledging twice records nothing new.
        assert!(ack(&ws, Some(&c.id)).unwrap().is_empty());
        let views = list(&ws).unwrap();
        assert_eq!(summary(&views).1.unwrap().alert.id, a.id);
        assert_eq!(ack(&ws, None).unwrap(), vec![a.id]);
        assert!(summary(&list(&ws).unwrap()).1.is_none());
        assert!(ack(&ws, Some("al_nope")).is_err());
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let d = tempfile::tempdir().unwrap();
        let ws = Workspace::at(d.path());
        raise(&ws, codes::RUN_FAILED, "run_x", "m").unwrap();
        let p = dir(&ws).join("alerts.jsonl");
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"schema\":\"quantlab.al").unwrap();
        assert_eq!(list(&ws).unwrap().len(), 1);
    }
}
