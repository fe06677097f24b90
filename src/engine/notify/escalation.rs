//! Escalation: a critical alert still unacknowledged `after_minutes` after it was routed goes
//! to the next channel of the chain, and after as long again to the one after, until it is
//! acknowledged (`quantlab alerts ack ID`, the console's Alerts tab) or the chain ends. A
//! channel that already had it is skipped.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::config::Escalation;
use super::message::Message;

/// A critical alert being watched for its acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watched {
    pub alert_id: String,
    pub message: Message,
    pub since_ms: i64,
    /// The index in the chain of the next channel to try.
    pub level: usize,
    /// Escalations sent so far: the next is due `after_minutes` x (steps + 1) after `since_ms`.
    pub steps: u32,
    pub sent_to: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Escalations {
    pub watched: Vec<Watched>,
}

/// One escalation to send: the channel and the message.
pub struct Step {
    pub channel: String,
    pub message: Message,
}

impl Escalations {
    pub fn watch(&mut self, alert_id: &str, message: Message, sent_to: Vec<String>, now: i64) {
        if self.watched.iter().any(|w| w.alert_id == alert_id) {
            return;
        }
        self.watched.push(Watched { alert_id: alert_id.to_string(), message, since_ms: now, level: 0, steps: 0, sent_to });
    }

    /// The steps due at `now`; acknowledged alerts and finished chains are dropped.
    pub fn due(&mut self, cfg: &Escalation, acked: &HashSet<String>, now: i64) -> Vec<Step> {
        let step_ms = i64::from(cfg.after_minutes) * 60_000;
        let mut out = Vec::new();
        self.watched.retain_mut(|w| {
            if acked.contains(&w.alert_id) {
                return false;
            }
            if now - w.since_ms >= step_ms * (w.steps as i64 + 1) {
                // The next channel of the chain that has not had it yet.
                while w.level < cfg.chain.len() && w.sent_to.contains(&cfg.chain[w.level]) {
                    w.level += 1;
                }
                if let Some(next) = cfg.chain.get(w.level) {
                    w.level += 1;
                    w.steps += 1;
                    w.sent_to.push(next.clone());
                    let minutes = ((now - w.since_ms) / 60_000).max(0) as u64;
                    out.push(Step { channel: next.clone(), message: Message::escalated(&w.message, minutes) });
                }
            }
            w.level < cfg.chain.len()
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::alerts::Severity;
    use crate::engine::notify::message::MessageKind;

    fn msg() -> Message {
        Message { kind: MessageKind::Alert, severity: Severity::Critical, title: "t".into(), body: "b".into(), alert: None }
    }

    #[test]
    fn each_step_after_its_interval_until_acknowledged() {
        let cfg = Escalation { after_minutes: 10, chain: vec!["tg".into(), "phone".into(), "mail".into()] };
        let mut e = Escalations::default();
        e.watch("al_1", msg(), vec!["tg".into()], 0);
        let none = HashSet::new();
        assert!(e.due(&cfg, &none, 599_999).is_empty());
        // tg already had it: skipped, phone is next.
        let s = e.due(&cfg, &none, 600_000);
        assert_eq!(s.iter().map(|s| s.channel.as_str()).collect::<Vec<_>>(), ["phone"]);
        assert_eq!(s[0].message.kind, MessageKind::Escalation);
        assert!(e.due(&cfg, &none, 700_000).is_empty());
        let s = e.due(&cfg, &none, 1_200_000);
        assert_eq!(s.iter().map(|s| s.channel.as_str()).collect::<Vec<_>>(), ["mail"]);
        assert!(e.watched.is_empty(), "the chain is done");
        e.watch("al_2", msg(), vec![], 0);
        let acked: HashSet<String> = ["al_2".to_string()].into();
        assert!(e.due(&cfg, &acked, 1_800_000).is_empty());
        assert!(e.watched.is_empty(), "an acknowledged alert is forgotten");
    }
}
