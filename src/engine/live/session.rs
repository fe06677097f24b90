//! A live strategy session on disk: `live_sessions/<id>/session.json` (config, status, what it
//! holds and decided) beside its intents, equity, alerts, health and restart records.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::error::LiveError;
use super::sizing::LiveSizing;
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::Result;
use crate::engine::execution::CorridorId;
pub use crate::engine::paper::Status;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_json, Workspace};

pub const SESSION_SCHEMA: &str = "quantlab.live_session";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveConfig {
    pub strategy: String,
    /// Every parameter, defaults filled in.
    pub params: BTreeMap<String, String>,
    /// `live:VENUE[/ACCOUNT]:SYMBOL@TF`, or `replay:DATA[@SPEED]` on the fake venue (rehearsals).
    pub feed: String,
    pub corridor: CorridorId,
    /// The venue's order symbol.
    pub symbol: String,
    pub sizing: LiveSizing,
    /// How long an intent waits for the keypress before it is missed, ms.
    pub intent_ttl_ms: i64,
    pub allow_short: bool,
    /// The shadow paper session's costs, basis points (the venue's fees, to compare like for like).
    #[serde(default)]
    pub fee_bps: f64,
    #[serde(default)]
    pub slippage_bps: f64,
}

/// Why a session is paused, when it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PausedBy {
    Operator,
    /// A halt, the kill switch, a disarm or a reconciliation mismatch of its corridor: it
    /// resumes only once the corridor is armed again.
    Corridor,
    /// The live sessions together hit the policy's `[portfolio] daily_loss_limit`: no session
    /// resumes before the next UTC day.
    Portfolio,
    /// Its candidate was demoted on its corridor (a kill, a breaker trip, a mismatch or its
    /// drift): it resumes only once the candidate is promoted there again.
    Promotion,
    /// Under a grant of automation, an anomaly or a failure (docs/automation.md): it resumes
    /// only by the operator (`live resume`).
    Automation,
}

/// The last change of the strategy's target, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastSignal {
    pub bar_time: String,
    pub from: i8,
    pub to: i8,
    pub reason: String,
}

/// How many intents the session made, and what became of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntentCounts {
    pub created: usize,
    pub refused: usize,
    pub missed: usize,
    pub filled: usize,
    pub rejected: usize,
    pub cancelled: usize,
    /// Intents the portfolio's `max_gross_exposure` stopped before they were journaled.
    #[serde(default)]
    pub blocked: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveSession {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub config: LiveConfig,
    pub status: Status,
    pub reason: Option<String>,
    pub paused_by: Option<PausedBy>,
    pub created_at: String,
    pub updated_at: String,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub pid: Option<u32>,
    /// The venue's position in the symbol when the session started: the session trades only
    /// the difference, so what the account held before is never sold by it. A decimal string.
    pub anchor: String,
    pub bars_processed: usize,
    pub last_bar_time: Option<String>,
    /// The session's position (venue position less the anchor) as last read; `None`: unknown.
    pub position: Option<String>,
    /// What the strategy wants the session to hold.
    pub desired: String,
    pub last_signal: Option<LastSignal>,
    /// The session's intent waiting for the keypress or the venue, if any.
    pub pending_intent: Option<String>,
    pub intents: IntentCounts,
    /// The account's equity when the session started, in the quote currency; `None`: the
    /// venue did not say.
    #[serde(default)]
    pub equity_at_start: Option<String>,
    /// The session against its shadow paper session; `None` until the first bar measured it.
    #[serde(default)]
    pub drift: Option<super::drift::Drift>,
    /// The session's share of the portfolio as of its last read of the venue; `None` until
    /// the first read.
    #[serde(default)]
    pub book: Option<super::book::Book>,
}

pub fn root(ws: &Workspace) -> PathBuf {
    ws.root().join("live_sessions")
}

pub fn dir(ws: &Workspace, id: &str) -> PathBuf {
    root(ws).join(id)
}

pub fn load(ws: &Workspace, id: &str) -> Result<LiveSession> {
    let p = dir(ws, id).join("session.json");
    if !p.exists() {
        return Err(LiveError::NoSession(id.into()).into());
    }
    read_json(&p)
}

/// Every session, oldest first.
pub fn all(ws: &Workspace) -> Result<Vec<LiveSession>> {
    let Ok(entries) = std::fs::read_dir(root(ws)) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for e in entries.flatten() {
        if e.path().join("session.json").exists() {
            out.push(read_json::<LiveSession>(&e.path().join("session.json"))?);
        }
    }
    out.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
    Ok(out)
}

impl LiveSession {
    pub fn new(id: String, config: LiveConfig, anchor: rust_decimal::Decimal) -> LiveSession {
        let now = fmt_ms(now_ms());
        LiveSession {
            schema: SESSION_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            id,
            config,
            status: Status::Created,
            reason: None,
            paused_by: None,
            created_at: now.clone(),
            updated_at: now,
            started_at: None,
            ended_at: None,
            pid: None,
            anchor: anchor.to_string(),
            bars_processed: 0,
            last_bar_time: None,
            position: None,
            desired: "0".into(),
            last_signal: None,
            pending_intent: None,
            intents: IntentCounts::default(),
            equity_at_start: None,
            drift: None,
            book: None,
        }
    }

    pub fn save(&mut self, ws: &Workspace) -> Result<()> {
        self.updated_at = fmt_ms(now_ms());
        write_json(&dir(ws, &self.id).join("session.json"), self)
    }

    /// The alert source and the prefix of every intent note this session writes.
    pub fn source(&self) -> String {
        format!("live:{}", self.id)
    }
}

/// `live_<strategy>_<symbol>_<yyyymmddThhmmss>` with the symbol made file-safe.
pub fn default_name(strategy: &str, symbol: &str, at_ms: i64) -> String {
    let sym: String = symbol.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let stamp: String = fmt_ms(at_ms).chars().filter(|c| c.is_ascii_digit() || *c == 'T').take(15).collect();
    format!("live_{strategy}_{sym}_{stamp}")
}

impl crate::engine::paper::lifecycle::Record for LiveSession {
    const KIND: &'static str = "live";
    const ABORTED_CODE: (&'static str, crate::engine::alerts::Severity) = crate::engine::alerts::codes::LIVE_SESSION_ABORTED;
    const RESUMES_FROM: &'static str = "the venue's position";

    fn id(&self) -> &str {
        &self.id
    }
    fn status(&self) -> Status {
        self.status
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
    fn source(&self) -> String {
        LiveSession::source(self)
    }
    fn runner_alive(&self, ws: &Workspace) -> bool {
        crate::engine::paper::control::alive_in(&dir(ws, &self.id))
    }
    fn set_aborted(&mut self, reason: String, at: String) {
        (self.status, self.reason, self.pid, self.ended_at) = (Status::Aborted, Some(reason), None, Some(at));
    }
    fn save(&mut self, ws: &Workspace) -> Result<()> {
        LiveSession::save(self, ws)
    }
}
