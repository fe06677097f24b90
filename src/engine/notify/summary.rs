//! The heartbeat (this process is alive, and what runs) and the daily summary: per live
//! session its PnL today and its fills and rejects, the paper sessions, fills, rejects and
//! refusals per corridor from the alert log, alerts by severity, and incidents opened and still
//! open. What could not be read is unknown (`None`, printed "unknown"), never zero.

use std::collections::BTreeMap;

use serde::Serialize;

use super::quiet::local_day;
use super::message::{Message, MessageKind};
use crate::engine::alerts::{self, codes, Alert, Severity};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::time::{fmt_ms, parse_timestamp, MS_PER_DAY};
use crate::engine::workspace::Workspace;

pub const SUMMARY_SCHEMA: &str = "quantlab.notify_summary";

/// One live session's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveLine {
    pub id: String,
    pub corridor: String,
    pub symbol: String,
    pub status: String,
    /// Since 00:00 UTC of `pnl_day`, as the session last read its venue; `None`: unknown.
    pub pnl_today: Option<String>,
    pub pnl_day: Option<String>,
    /// Since the session started; `None`: unknown.
    pub pnl_since_start: Option<String>,
    /// Since the session started (its intent counts).
    pub filled: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaperLine {
    pub id: String,
    pub symbol: String,
    pub status: String,
    /// Equity less the starting cash.
    pub pnl: f64,
    pub trades: usize,
}

/// Counts of one source (a corridor) over the day, from the alert log.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Activity {
    pub fills: usize,
    pub rejects: usize,
    pub refusals: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlertCounts {
    pub critical: usize,
    pub warning: usize,
    pub info: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentLine {
    pub id: String,
    pub summary: String,
    pub opened_at: String,
    pub status: String,
}

/// `quantlab notify summary --json`, and what the daily summary message says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub schema: String,
    pub schema_version: u32,
    /// The local day (notify.toml's `utc_offset`) it covers, from its start to `to`.
    pub day: String,
    pub from: String,
    pub to: String,
    pub live_sessions: Option<Vec<LiveLine>>,
    /// The sum over live sessions; `None` when any is unknown.
    pub live_pnl_today: Option<String>,
    pub paper_sessions: Option<Vec<PaperLine>>,
    /// Per alert source (a corridor), from ORDER_FILLED/PARTIAL_FILL, ORDER_REJECTED and
    /// SUBMIT_REFUSED alerts raised in the day.
    pub activity: Option<BTreeMap<String, Activity>>,
    pub alerts: Option<AlertCounts>,
    pub incidents_opened: Option<Vec<IncidentLine>>,
    pub incidents_open: Option<usize>,
}

fn or_unknown(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("unknown")
}

/// The summary of the local day that holds `now`, up to `now`.
pub fn build(ws: &Workspace, now: i64, utc_offset_minutes: i32) -> Summary {
    let offset_ms = i64::from(utc_offset_minutes) * 60_000;
    let from = (now + offset_ms).div_euclid(MS_PER_DAY) * MS_PER_DAY - offset_ms;
    let in_day = |t: &str| parse_timestamp(t).is_ok_and(|ms| ms >= from && ms <= now);

    let live = crate::engine::live::list(ws).ok();
    let portfolio = crate::engine::live::portfolio_now(ws).ok();
    let live_sessions = live.map(|all| {
        all.into_iter()
            .filter(|s| s.status.is_live() || s.ended_at.as_deref().is_some_and(in_day))
            .map(|s| {
                let share = portfolio.as_ref().and_then(|p| p.sessions.iter().find(|x| x.id == s.id));
                LiveLine {
                    corridor: s.config.corridor.to_string(),
                    symbol: s.config.symbol.clone(),
                    status: s.status.name().to_string(),
                    pnl_today: share.and_then(|x| x.pnl_today.clone()),
                    pnl_day: portfolio.as_ref().map(|p| p.day.clone()),
                    pnl_since_start: s.book.as_ref().and_then(|b| b.pnl.clone()),
                    filled: s.intents.filled,
                    rejected: s.intents.rejected,
                    id: s.id,
                }
            })
            .collect::<Vec<_>>()
    });
    let live_pnl_today = live_sessions.as_ref().and_then(|ls| {
        let mut sum = rust_decimal::Decimal::ZERO;
        for l in ls {
            sum += l.pnl_today.as_deref()?.parse::<rust_decimal::Decimal>().ok()?;
        }
        Some(sum.normalize().to_string())
    });
    let paper_sessions = crate::engine::paper::list(ws).ok().map(|all| {
        all.into_iter()
            .filter(|s| s.status.is_live() || s.ended_at.as_deref().is_some_and(in_day))
            .map(|s| PaperLine {
                pnl: s.equity - s.config.backtest.cash,
                id: s.id,
                symbol: s.symbol,
                status: s.status.name().to_string(),
                trades: s.trades,
            })
            .collect::<Vec<_>>()
    });
    let day_alerts: Option<Vec<Alert>> =
        alerts::read_lines::<Alert>(&ws.root().join("alerts").join("alerts.jsonl"))
            .ok()
            .map(|all| all.into_iter().filter(|a| in_day(&a.time)).collect());
    let activity = day_alerts.as_ref().map(|all| {
        let mut m: BTreeMap<String, Activity> = BTreeMap::new();
        for a in all {
            let c = a.code.as_str();
            let is = |code: (&str, Severity)| c == code.0;
            if is(codes::ORDER_FILLED) || is(codes::PARTIAL_FILL) {
                m.entry(a.source.clone()).or_default().fills += 1;
            } else if is(codes::ORDER_REJECTED) {
                m.entry(a.source.clone()).or_default().rejects += 1;
            } else if is(codes::SUBMIT_REFUSED) {
                m.entry(a.source.clone()).or_default().refusals += 1;
            }
        }
        m
    });
    let alert_counts = day_alerts.as_ref().map(|all| {
        let mut c = AlertCounts::default();
        for a in all {
            match a.severity {
                Severity::Critical => c.critical += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    });
    let incidents = crate::engine::incidents::scan::all(ws).ok();
    let incidents_opened = incidents.as_ref().map(|all| {
        all.iter()
            .filter(|i| i.opened_ms >= from && i.opened_ms <= now)
            .map(|i| IncidentLine {
                id: i.id.clone(),
                summary: i.summary.clone(),
                opened_at: i.opened_at.clone(),
                status: i.status.name().to_string(),
            })
            .collect()
    });
    let incidents_open = incidents
        .as_ref()
        .map(|all| all.iter().filter(|i| i.status == crate::engine::incidents::Status::Open).count());
    Summary {
        schema: SUMMARY_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        day: local_day(now, utc_offset_minutes),
        from: fmt_ms(from),
        to: fmt_ms(now),
        live_sessions,
        live_pnl_today,
        paper_sessions,
        activity,
        alerts: alert_counts,
        incidents_opened,
        incidents_open,
    }
}

impl Summary {
    pub fn text(&self) -> String {
        let mut t = format!("QuantLab daily summary {} ({} to {})\n", self.day, self.from, self.to);
        t.push_str("\nLive sessions:\n");
        match &self.live_sessions {
            None => t.push_str("  unknown (the live sessions could not be read)\n"),
            Some(v) if v.is_empty() => t.push_str("  none\n"),
            Some(v) => {
                for l in v {
                    t.push_str(&format!(
                        "  {} {} {} {}: PnL today {} (UTC day {}), since start {}; filled {}, rejected {}\n",
                        l.id,
                        l.corridor,
                        l.symbol,
                        l.status,
                        or_unknown(&l.pnl_today),
                        or_unknown(&l.pnl_day),
                        or_unknown(&l.pnl_since_start),
                        l.filled,
                        l.rejected
                    ));
                }
                t.push_str(&format!("  total PnL today: {}\n", or_unknown(&self.live_pnl_today)));
            }
        }
        t.push_str("\nPaper sessions:\n");
        match &self.paper_sessions {
            None => t.push_str("  unknown (the paper sessions could not be read)\n"),
            Some(v) if v.is_empty() => t.push_str("  none\n"),
            Some(v) => {
                for p in v {
                    t.push_str(&format!(
                        "  {} {} {}: PnL {:.2}, {} trades\n",
                        p.id, p.symbol, p.status, p.pnl, p.trades
                    ));
                }
            }
        }
        t.push_str("\nFills, rejects and refusals (from the alert log):\n");
        match &self.activity {
            None => t.push_str("  unknown (the alert log could not be read)\n"),
            Some(m) if m.is_empty() => t.push_str("  none\n"),
            Some(m) => {
                for (src, a) in m {
                    t.push_str(&format!("  {src}: {} fills, {} rejects, {} refusals\n", a.fills, a.rejects, a.refusals));
                }
            }
        }
        match &self.alerts {
            None => t.push_str("\nAlerts: unknown\n"),
            Some(c) => t.push_str(&format!(
                "\nAlerts: {} critical, {} warning, {} info\n",
                c.critical, c.warning, c.info
            )),
        }
        match (&self.incidents_opened, self.incidents_open) {
            (Some(v), open) => {
                t.push_str(&format!(
                    "\nIncidents: {} opened today, {} open now\n",
                    v.len(),
                    open.map_or("unknown".to_string(), |n| n.to_string())
                ));
                for i in v {
                    t.push_str(&format!("  {} {} {} ({})\n", i.id, i.status, i.summary, i.opened_at));
                }
            }
            (None, _) => t.push_str("\nIncidents: unknown (they could not be read)\n"),
        }
        t
    }

    pub fn message(&self) -> Message {
        Message {
            kind: MessageKind::Summary,
            severity: Severity::Info,
            title: format!("QuantLab daily summary {}", self.day),
            body: self.text(),
            alert: None,
        }
    }
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".into())
}

/// The heartbeat: who is alive, what runs, what waits for the operator.
pub fn heartbeat(ws: &Workspace, by: &str, now: i64) -> Message {
    let live = crate::engine::live::list(ws).ok().map(|all| {
        all.into_iter().filter(|s| s.status.is_live()).map(|s| format!("{} ({})", s.id, s.status.name())).collect::<Vec<_>>()
    });
    let paper = crate::engine::paper::list(ws).ok().map(|all| all.iter().filter(|s| s.status.is_live()).count());
    let open = alerts::list(ws).ok().map(|v| {
        let (counts, _) = alerts::summary(&v);
        (
            counts.get(&Severity::Critical).copied().unwrap_or(0),
            counts.get(&Severity::Warning).copied().unwrap_or(0),
        )
    });
    let live_text = match &live {
        None => "unknown".to_string(),
        Some(v) if v.is_empty() => "none".to_string(),
        Some(v) => format!("{}: {}", v.len(), v.join(", ")),
    };
    let body = format!(
        "{by} on {} (pid {}) is alive at {}\nlive sessions: {live_text}\npaper sessions running: {}\nunacknowledged alerts: {}",
        host(),
        std::process::id(),
        fmt_ms(now),
        paper.map_or("unknown".to_string(), |n| n.to_string()),
        open.map_or("unknown".to_string(), |(c, w)| format!("{c} critical, {w} warning")),
    );
    Message {
        kind: MessageKind::Heartbeat,
        severity: Severity::Info,
        title: format!("QuantLab heartbeat: {by} alive"),
        body,
        alert: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_workspace_is_none_not_unknown_and_unknown_is_never_zero() {
        let d = tempfile::tempdir().unwrap();
        let ws = Workspace::at(d.path());
        let s = build(&ws, 1_700_000_000_000, 60);
        assert_eq!(s.live_sessions.as_deref().map(<[_]>::len), Some(0));
        assert_eq!(s.activity.as_ref().map(BTreeMap::len), Some(0));
        let mut unknown = s.clone();
        unknown.live_sessions = Some(vec![LiveLine {
            id: "live_x".into(),
            corridor: "kraken:main".into(),
            symbol: "XBTUSD".into(),
            status: "running".into(),
            pnl_today: None,
            pnl_day: None,
            pnl_since_start: Some("1.5".into()),
            filled: 0,
            rejected: 0,
        }]);
        unknown.live_pnl_today = None;
        unknown.activity = None;
        let t = unknown.text();
        assert!(t.contains("PnL today unknown"), "{t}");
        assert!(t.contains("total PnL today: unknown"), "{t}");
        assert!(t.contains("unknown (the alert log could not be read)"), "{t}");
        assert_eq!(s.day, "2023-11-14");
    }
}
