//! The dispatcher's state, `notify/state.json`: how far into the alert log it has read (a byte
//! offset: the log is append-only), what it sent when (dedup, rate limits), the critical
//! alerts it watches for escalation, the deliveries waiting for a retry, the channels now
//! failing, and when the last heartbeat and daily summary went. Written atomically after each
//! pass that changed it, so whichever process delivers next continues where the last stopped.
//! Internal to the dispatcher, not a contract (the delivery log is); it holds no secret.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::dedup::Dedup;
use super::escalation::Escalations;
use super::message::Message;
use super::rate::Rate;
use crate::engine::error::Result;
use crate::engine::workspace::{read_json, write_json, Workspace};

pub const STATE_SCHEMA: &str = "quantlab.notify_state";

/// One message waiting to go to one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub channel: String,
    pub message: Message,
    /// Attempts made so far.
    pub attempts: u32,
    /// Not before this (ms).
    pub next_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub schema: String,
    /// Bytes of alerts/alerts.jsonl already routed.
    pub cursor: u64,
    #[serde(default)]
    pub dedup: Dedup,
    #[serde(default)]
    pub rate: Rate,
    #[serde(default)]
    pub escalations: Escalations,
    #[serde(default)]
    pub queue: Vec<Job>,
    /// Channels whose last attempt failed (a NOTIFY_FAILED alert was raised when each began).
    #[serde(default)]
    pub failing: BTreeSet<String>,
    pub last_heartbeat_ms: Option<i64>,
    /// The local day (YYYY-MM-DD) of the last daily summary.
    pub last_summary_day: Option<String>,
}

pub fn dir(ws: &Workspace) -> PathBuf {
    ws.root().join("notify")
}

fn path(ws: &Workspace) -> PathBuf {
    dir(ws).join("state.json")
}

/// The saved state; `None` when the dispatcher never ran here.
pub fn load(ws: &Workspace) -> Option<State> {
    let p = path(ws);
    if !p.exists() {
        return None;
    }
    match read_json(&p) {
        Ok(s) => Some(s),
        Err(e) => {
            // A state that does not read starts over at the log's end rather than sending
            // the whole alert history again.
            tracing::error!("notify state unreadable, starting at the end of the alert log: {e}");
            None
        }
    }
}

pub fn save(ws: &Workspace, s: &State) -> Result<()> {
    write_json(&path(ws), s)
}
