//! A paper session on disk: `paper_sessions/<id>/session.json` (config, status, reason,
//! timestamps) beside its orders, fills, equity, alerts and health, and the sessions index.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::engine::backtest::BacktestConfig;
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::Result;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_json, Workspace};

pub const SESSION_SCHEMA: &str = "quantlab.paper_session";
pub const INDEX_SCHEMA: &str = "quantlab.paper_index";

/// created -> running <-> paused -> stopping -> completed | stopped | failed | aborted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Created,
    Running,
    Paused,
    Stopping,
    /// The feed ran out.
    Completed,
    /// The operator stopped it.
    Stopped,
    /// The session could not go on (a strategy error, bad data); `reason` says why.
    Failed,
    /// Its process died; found and marked on a later command. `resume` continues it.
    Aborted,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Stopping => "stopping",
            Status::Completed => "completed",
            Status::Stopped => "stopped",
            Status::Failed => "failed",
            Status::Aborted => "aborted",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Stopped | Status::Failed)
    }

    /// A runner process should be alive in this status.
    pub fn is_live(self) -> bool {
        matches!(self, Status::Created | Status::Running | Status::Paused | Status::Stopping)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionConfig {
    pub strategy: String,
    pub params: BTreeMap<String, String>,
    /// `replay:DATA[@SPEED]`.
    pub feed: String,
    #[serde(default)]
    pub from: Option<String>,
    pub backtest: BacktestConfig,
    /// Pause the session when equity falls this percent below its peak.
    #[serde(default)]
    pub max_drawdown_pct: Option<f64>,
    /// Append each change of target position as a JSON line to this file (an absolute path).
    #[serde(default)]
    pub signal_out: Option<String>,
    /// The dataset the feed resolved to when the session was created, and its fingerprint: a
    /// resume replays exactly that data, never a newer import under the same symbol.
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub fingerprint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub config: SessionConfig,
    pub symbol: String,
    pub status: Status,
    /// Why it is not running or completed normally (set for failed, aborted, stopped, and a
    /// drawdown pause).
    pub reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    /// The runner's process id, while one runs.
    pub pid: Option<u32>,
    /// Summary kept current by the runner.
    pub bars_processed: usize,
    pub last_bar_time: Option<String>,
    pub equity: f64,
    pub position: f64,
    pub trades: usize,
}

pub fn root(ws: &Workspace) -> PathBuf {
    ws.root().join("paper_sessions")
}

pub fn dir(ws: &Workspace, id: &str) -> PathBuf {
    root(ws).join(id)
}

/// `paper_<strategy>_<symbol>_<stamp>` with the symbol made filename-safe.
pub fn default_name(strategy: &str, symbol: &str, at_ms: i64) -> String {
    let sym: String = symbol.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("paper_{strategy}_{sym}_{}", crate::engine::time::id_stamp(at_ms))
}

pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(super::PaperError::BadName(name.into()).into())
    }
}

impl Session {
    pub fn path(&self, ws: &Workspace) -> PathBuf {
        dir(ws, &self.id).join("session.json")
    }

    pub fn save(&mut self, ws: &Workspace) -> Result<()> {
        self.updated_at = fmt_ms(now_ms());
        write_json(&self.path(ws), self)?;
        write_index(ws)
    }

    pub fn new(id: String, config: SessionConfig, symbol: String) -> Session {
        let now = fmt_ms(now_ms());
        Session {
            schema: SESSION_SCHEMA.into(),
            schema_version: CONTRACT_VERSION,
            id,
            equity: config.backtest.cash,
            config,
            symbol,
            status: Status::Created,
            reason: None,
            created_at: now.clone(),
            updated_at: now,
            started_at: None,
            ended_at: None,
            pid: None,
            bars_processed: 0,
            last_bar_time: None,
            position: 0.0,
            trades: 0,
        }
    }
}

pub fn load(ws: &Workspace, id: &str) -> Result<Session> {
    let p = dir(ws, id).join("session.json");
    if !p.exists() {
        return Err(super::PaperError::NoSession(id.into()).into());
    }
    read_json(&p)
}

/// Every session, newest first.
pub fn all(ws: &Workspace) -> Result<Vec<Session>> {
    let Ok(rd) = std::fs::read_dir(root(ws)) else { return Ok(Vec::new()) };
    let mut out: Vec<Session> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| read_json::<Session>(&e.path().join("session.json")).ok())
        .collect();
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    Ok(out)
}

#[derive(Debug, Serialize, Deserialize)]
struct Index {
    schema: String,
    schema_version: u32,
    sessions: Vec<IndexRow>,
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexRow {
    id: String,
    strategy: String,
    symbol: String,
    status: Status,
    reason: Option<String>,
    equity: f64,
    position: f64,
    trades: usize,
    bars_processed: usize,
    last_bar_time: Option<String>,
    updated_at: String,
}

/// `paper_sessions/index.json`, rewritten from the session files under the workspace lock.
pub fn write_index(ws: &Workspace) -> Result<()> {
    let _lock = ws.lock()?;
    let sessions = all(ws)?
        .into_iter()
        .map(|s| IndexRow {
            strategy: s.config.strategy.clone(),
            symbol: s.symbol.clone(),
            status: s.status,
            reason: s.reason.clone(),
            equity: s.equity,
            position: s.position,
            trades: s.trades,
            bars_processed: s.bars_processed,
            last_bar_time: s.last_bar_time.clone(),
            updated_at: s.updated_at.clone(),
            id: s.id,
        })
        .collect();
    write_json(
        &root(ws).join("index.json"),
        &Index { schema: INDEX_SCHEMA.into(), schema_version: CONTRACT_VERSION, sessions },
    )
}
