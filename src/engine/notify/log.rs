//! The delivery log, `notify/deliveries.jsonl`: one line for every attempt and for every alert
//! a channel did not get (a repeat, quiet hours, the rate limit), append-only like the alert
//! log. Its contract is docs/contracts/notify_delivery.schema.json. No line holds a secret: the
//! error is redacted before it gets here and no URL is written.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::message::{Message, MessageKind};
use crate::engine::alerts::{append_line, read_lines, Severity};
use crate::engine::contract::{make_id, CONTRACT_VERSION};
use crate::engine::error::Result;
use crate::engine::time::fmt_ms;
use crate::engine::workspace::Workspace;

pub const DELIVERY_SCHEMA: &str = "quantlab.notify_delivery";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// The channel took it.
    Delivered,
    /// This attempt failed; another follows at `next_attempt_at`.
    Retrying,
    /// The last attempt failed: given up (a NOTIFY_UNDELIVERED alert says so).
    Failed,
    /// The same code from the same source went to this channel within the dedup window.
    Deduplicated,
    /// Quiet hours on this channel, and the alert is not critical.
    QuietHours,
    /// The channel's `max_per_hour` was reached, and the alert is not critical.
    RateLimited,
}

impl DeliveryStatus {
    pub fn name(self) -> &'static str {
        match self {
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Deduplicated => "deduplicated",
            DeliveryStatus::QuietHours => "quiet_hours",
            DeliveryStatus::RateLimited => "rate_limited",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub schema: String,
    pub schema_version: u32,
    pub id: String,
    pub time: String,
    pub channel: String,
    pub channel_kind: String,
    pub kind: MessageKind,
    pub status: DeliveryStatus,
    /// 1 for the first attempt; 0 when nothing was sent.
    pub attempt: u32,
    pub alert_id: Option<String>,
    pub code: Option<String>,
    pub severity: Severity,
    pub title: String,
    /// Why the attempt failed, redacted; `None` when it did not.
    pub error: Option<String>,
    /// How long the attempt took; `None` when nothing was sent.
    pub duration_ms: Option<u64>,
    pub next_attempt_at: Option<String>,
    /// The process that delivered: `console`, `live:<session>`, `daemon` or `cli`.
    pub by: String,
}

/// What one line says, apart from its envelope.
pub struct Outcome<'a> {
    pub channel: &'a str,
    pub channel_kind: &'static str,
    pub message: &'a Message,
    pub status: DeliveryStatus,
    pub attempt: u32,
    pub error: Option<String>,
    pub duration_ms: Option<u64>,
    pub next_attempt_ms: Option<i64>,
}

pub fn path(ws: &Workspace) -> PathBuf {
    ws.root().join("notify").join("deliveries.jsonl")
}

pub fn append(ws: &Workspace, now_ms: i64, by: &str, o: Outcome<'_>) -> Result<DeliveryRecord> {
    let alert_id = o.message.alert.as_ref().map(|a| a.id.clone());
    let seed = format!("{}{}{:?}{}{now_ms}", o.channel, o.message.title, alert_id, o.attempt);
    let rec = DeliveryRecord {
        schema: DELIVERY_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        id: make_id("dl", now_ms, seed.as_bytes()),
        time: fmt_ms(now_ms),
        channel: o.channel.to_string(),
        channel_kind: o.channel_kind.to_string(),
        kind: o.message.kind,
        status: o.status,
        attempt: o.attempt,
        code: o.message.alert.as_ref().map(|a| a.code.clone()),
        alert_id,
        severity: o.message.severity,
        title: o.message.title.clone(),
        error: o.error,
        duration_ms: o.duration_ms,
        next_attempt_at: o.next_attempt_ms.map(fmt_ms),
        by: by.to_string(),
    };
    append_line(&path(ws), &rec)?;
    Ok(rec)
}

/// Every line, oldest first (a torn last line is skipped).
pub fn read(ws: &Workspace) -> Result<Vec<DeliveryRecord>> {
    read_lines(&path(ws))
}
