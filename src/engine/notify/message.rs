//! What a channel carries: a title and a body, the kind of message, and the alert it is about.
//! Rendered once when a delivery is queued, so a retry sends the same words.

use serde::{Deserialize, Serialize};

use crate::engine::alerts::{Alert, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// An alert routed to the channel.
    Alert,
    /// A critical alert still unacknowledged, sent to the next channel of the chain.
    Escalation,
    /// The console or a live session's runner is alive.
    Heartbeat,
    /// The day's PnL, fills, rejects and incidents.
    Summary,
    /// `quantlab notify test CHANNEL`.
    Test,
}

impl MessageKind {
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Alert => "alert",
            MessageKind::Escalation => "escalation",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::Summary => "summary",
            MessageKind::Test => "test",
        }
    }
}

/// The alert a message is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRef {
    pub id: String,
    pub code: String,
    pub source: String,
    pub time: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub kind: MessageKind,
    pub severity: Severity,
    pub title: String,
    pub body: String,
    pub alert: Option<AlertRef>,
}

impl Message {
    pub fn for_alert(a: &Alert) -> Message {
        Message {
            kind: MessageKind::Alert,
            severity: a.severity,
            title: format!("[{}] {} {}", a.severity.word(), a.code, a.source),
            body: format!(
                "{}\n\nalert {} at {}; acknowledge with `quantlab alerts ack {}` or in the console's Alerts tab",
                a.message, a.id, a.time, a.id
            ),
            alert: Some(AlertRef { id: a.id.clone(), code: a.code.clone(), source: a.source.clone(), time: a.time.clone() }),
        }
    }

    /// The same alert sent on to the next channel after `minutes` unacknowledged.
    pub fn escalated(original: &Message, minutes: u64) -> Message {
        Message {
            kind: MessageKind::Escalation,
            severity: original.severity,
            title: format!("ESCALATED {}", original.title),
            body: format!("unacknowledged for {minutes} min\n\n{}", original.body),
            alert: original.alert.clone(),
        }
    }

    /// Title and body as one text, for channels that carry a single text.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.title, self.body)
    }
}
