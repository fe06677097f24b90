//! Per-channel rate limits: at most `max_per_hour` messages in any rolling hour. A message over
//! the limit is not sent (critical alerts always are); the next message that goes says how many
//! were held back since when, so the operator knows to read the delivery log.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const HOUR_MS: i64 = 3_600_000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub count: u32,
    pub since_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Per channel: when each message of the last hour was queued (ms).
    sent: BTreeMap<String, Vec<i64>>,
    /// Per channel: messages held back by the limit since the last one sent.
    held: BTreeMap<String, Held>,
}

impl Rate {
    /// Room for one more message on `channel` now.
    pub fn allows(&self, channel: &str, max_per_hour: Option<u32>, now: i64) -> bool {
        let Some(max) = max_per_hour else { return true };
        let recent = self.sent.get(channel).map_or(0, |v| v.iter().filter(|&&t| now - t < HOUR_MS).count());
        recent < max as usize
    }

    pub fn record(&mut self, channel: &str, now: i64) {
        let v = self.sent.entry(channel.to_string()).or_default();
        v.retain(|&t| now - t < HOUR_MS);
        v.push(now);
    }

    pub fn hold(&mut self, channel: &str, now: i64) {
        let h = self.held.entry(channel.to_string()).or_insert(Held { count: 0, since_ms: now });
        h.count += 1;
    }

    /// What was held back on `channel`, forgotten once told.
    pub fn take_held(&mut self, channel: &str) -> Option<Held> {
        self.held.remove(channel)
    }

    pub fn prune(&mut self, now: i64) {
        for v in self.sent.values_mut() {
            v.retain(|&t| now - t < HOUR_MS);
        }
        self.sent.retain(|_, v| !v.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolling_hour_per_channel() {
        let mut r = Rate::default();
        assert!(r.allows("tg", None, 0));
        r.record("tg", 0);
        r.record("tg", 1_000);
        assert!(!r.allows("tg", Some(2), 2_000));
        assert!(r.allows("mail", Some(2), 2_000));
        assert!(r.allows("tg", Some(2), HOUR_MS), "the first left the hour");
        r.hold("tg", 5);
        r.hold("tg", 9);
        assert_eq!(r.take_held("tg"), Some(Held { count: 2, since_ms: 5 }));
        assert_eq!(r.take_held("tg"), None);
    }
}
