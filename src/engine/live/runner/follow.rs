//! What became of a live session's intents since its last bar: fills, rejects and cancels
//! counted once each, and an intent still waiting withdrawn when it outlived its TTL (missed)
//! or a new signal superseded it.

use super::{is_ours, note_prefix, Run};
use crate::engine::alerts::codes;
use crate::engine::error::Result;
use crate::engine::execution::state::IntentStatus;
use crate::engine::execution::Corridor;
use crate::engine::time::now_ms;

impl Run<'_> {
    /// Count what became of the session's intents since the last look, and withdraw one that
    /// waited past its TTL (missed) or that a new signal superseded. Returns the one still
    /// alive, if any.
    pub(super) fn follow_intents(&mut self, c: &mut Corridor, bar_time: &str, signal_changed: bool) -> Result<Option<String>> {
        let now = now_ms();
        let this_bar = note_prefix(&self.s.id, bar_time);
        let ours: Vec<(String, IntentStatus, i64, bool)> = c
            .state()
            .intents
            .values()
            .filter(|r| r.intent.parent.is_none() && is_ours(r.intent.note.as_deref(), &self.s.id))
            .map(|r| {
                let of_this_bar = r.intent.note.as_deref().is_some_and(|n| n.starts_with(&this_bar));
                (r.intent.id.clone(), r.status, r.intent.expires_ms, of_this_bar)
            })
            .collect();
        let mut alive = None;
        for (id, mut status, expires_ms, of_this_bar) in ours {
            // A restart sees its own bar's signal again: that intent is the signal's, not superseded.
            let superseded = signal_changed && !of_this_bar;
            if status == IntentStatus::Pending && (now >= expires_ms || superseded) {
                let (why, event) = if now >= expires_ms {
                    ("missed: not approved within its TTL", "missed")
                } else {
                    ("superseded: the strategy changed its target", "superseded")
                };
                status = self.parts.rt.block_on(c.cancel_intent(&id, why))??;
                if event == "missed" {
                    self.s.intents.missed += 1;
                    self.alert(codes::LIVE_INTENT_MISSED, &format!("intent {id} was not approved within its TTL; the next bar decides again"));
                }
                self.record(bar_time, event, Some(&id), serde_json::json!({ "reason": why }))?;
                self.state.seen.insert(id.clone(), status);
                continue;
            }
            let before = self.state.seen.insert(id.clone(), status);
            if before != Some(status) && status.is_final() {
                match status {
                    IntentStatus::Filled => self.s.intents.filled += 1,
                    IntentStatus::Rejected => self.s.intents.rejected += 1,
                    _ => self.s.intents.cancelled += 1,
                }
                self.record(bar_time, &format!("{status:?}").to_lowercase(), Some(&id), serde_json::Value::Null)?;
            }
            if !status.is_final() {
                alive = Some(id);
            }
        }
        Ok(alive)
    }
}
