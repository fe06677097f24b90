//! Deduplication: one code from one source reaches a channel once per window. An alert that
//! repeats (a stale stream seen again each poll) is recorded in the delivery log as a repeat,
//! not sent again; the window runs from the last one sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dedup {
    /// `channel|code|source` -> when it was last sent (ms).
    last: BTreeMap<String, i64>,
}

fn key(channel: &str, code: &str, source: &str) -> String {
    format!("{channel}|{code}|{source}")
}

impl Dedup {
    /// True when the same code from the same source went to `channel` within `window_ms`.
    pub fn is_repeat(&self, channel: &str, code: &str, source: &str, window_ms: i64, now: i64) -> bool {
        window_ms > 0 && self.last.get(&key(channel, code, source)).is_some_and(|&t| now - t < window_ms)
    }

    pub fn record(&mut self, channel: &str, code: &str, source: &str, now: i64) {
        self.last.insert(key(channel, code, source), now);
    }

    /// Forget what no window can still hold.
    pub fn prune(&mut self, window_ms: i64, now: i64) {
        self.last.retain(|_, t| now - *t < window_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_within_the_window_only() {
        let mut d = Dedup::default();
        assert!(!d.is_repeat("tg", "STALE_STREAM", "kraken:main", 600_000, 0));
        d.record("tg", "STALE_STREAM", "kraken:main", 0);
        assert!(d.is_repeat("tg", "STALE_STREAM", "kraken:main", 600_000, 599_999));
        assert!(!d.is_repeat("mail", "STALE_STREAM", "kraken:main", 600_000, 1));
        assert!(!d.is_repeat("tg", "STALE_STREAM", "kraken:desk", 600_000, 1));
        assert!(!d.is_repeat("tg", "STALE_STREAM", "kraken:main", 600_000, 600_000));
        assert!(!d.is_repeat("tg", "STALE_STREAM", "kraken:main", 0, 1), "a window of 0 is off");
        d.prune(600_000, 600_000);
        assert_eq!(d, Dedup::default());
    }
}
