//! What the Corridors tab makes of its jobs' results and of its account streams' pushes.

use super::CorridorsScreen;
use crate::engine::execution::ArmState;
use crate::engine::execution::CorridorId;
use crate::engine::venues::VenueEvent;
use crate::tui::jobs::Cmd;
use crate::tui::jobs::Loaded;
use crate::tui::screens::Cx;

impl CorridorsScreen {
    /// Returns whether what the tab draws changed.
    pub(super) fn result(&mut self, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        if let Some(changed) = self.grant_result(r, cx) {
            return changed;
        }
        match r.take() {
            Some(Loaded::CorridorList(l)) => {
                let same = l == self.list;
                let first = self.detail.is_none();
                self.loaded_list(l);
                self.keep_armed(cx);
                if let (true, Some(id)) = (first && cx.active, self.selected().cloned()) {
                    cx.start(Cmd::LoadCorridorDetail(id));
                }
                return !same;
            }
            Some(Loaded::CorridorDetail(d)) => {
                // An order dialog open on an intent this read no longer lists can no longer
                // approve it, and says so before its key is pressed.
                cx.waiting(d.corridor.clone(), d.pending.iter().map(|p| p.intent().id.clone()).collect());
                self.loaded_detail(*d)
            }
            Some(Loaded::Armed(r)) => {
                let id = self.adopting.iter().find(|c| c.to_string() == r.corridor).cloned();
                let id = id.or_else(|| self.selected().filter(|c| c.to_string() == r.corridor).cloned());
                if let Some(id) = id {
                    self.adopting.remove(&id);
                    if r.state == ArmState::Armed {
                        self.owned.insert(id);
                    }
                }
                let failed: Vec<String> =
                    r.checks.iter().filter(|c| !c.ok).map(|c| format!("{}: {}", c.name, c.detail)).collect();
                match failed.is_empty() {
                    true => cx.say(format!("{} armed", r.corridor)),
                    false => cx.error(format!("{} {}: {}", r.corridor, r.state.name(), failed.join("; "))),
                }
                self.reload(cx);
            }
            Some(Loaded::Watching(_)) => return false,
            Some(Loaded::Disarmed(id)) => {
                cx.say(format!("{id} disarmed"));
                self.reload(cx);
            }
            Some(Loaded::KeptAlive(id, r)) => match r {
                Ok(()) => return false,
                Err(e) => {
                    cx.error(format!("{id}: dead-man refresh failed, disarmed: {e}"));
                    self.reload(cx);
                }
            },
            Some(Loaded::Sent(r)) => {
                // Timings first: the status bar cuts a long line at its right edge.
                cx.say(format!(
                    "{}: signed order out {:.1} ms after the key, reply {:.1} ms; {} ({})",
                    r.outcome.status, r.to_send_ms, r.to_reply_ms, r.outcome.intent_id, r.outcome.message
                ));
                self.reload(cx);
            }
            Some(Loaded::SendFailed(msg)) => {
                cx.error(format!("not sent: {msg}"));
                self.reload(cx);
            }
            other => {
                *r = other;
                return false;
            }
        }
        true
    }

    /// Armed live corridors stream their own fills into the status bar; one armed by another
    /// process (a console that died, the CLI) is armed again here first, reconciling it, since
    /// this console renews nothing it has not reconciled itself.
    fn keep_armed(&mut self, cx: &mut Cx) {
        for id in self.armed() {
            if id.venue.is_live() && self.watching.insert(id.clone()) {
                cx.start(Cmd::WatchFills(id.clone()));
            }
            if !self.owned.contains(&id) && self.adopting.insert(id.clone()) {
                cx.start(Cmd::Arm(id));
            }
        }
    }

    /// What to read again after anything changed a corridor.
    fn reload(&self, cx: &mut Cx) {
        cx.start(self.poll());
        cx.start(Cmd::LoadAlerts);
    }

    /// A push from an account stream: a fill is told at once, and anything that changed an
    /// order reloads the corridor.
    pub(super) fn venue_event(
        &mut self,
        corridor: &CorridorId,
        event: &VenueEvent,
        received: std::time::Instant,
        cx: &mut Cx,
    ) {
        match event {
            VenueEvent::Fill { symbol, buy, price, qty, client_order_id, .. } => {
                let side = if *buy { "buy" } else { "sell" };
                let cid = client_order_id.as_ref().map(|c| format!(" ({})", &c[..c.len().min(8)]));
                let cid = cid.unwrap_or_default();
                cx.say(format!("FILL {corridor}: {side} {qty} {symbol} @ {price}{cid}"));
                cx.fill_received(received);
                cx.start(Cmd::LoadAlerts);
                cx.start(Cmd::LoadCorridors);
                if self.selected() == Some(corridor) {
                    cx.start(Cmd::LoadCorridorDetail(corridor.clone()));
                }
            }
            VenueEvent::Order { .. } if self.selected() == Some(corridor) => {
                cx.start(Cmd::LoadCorridorDetail(corridor.clone()));
            }
            _ => {}
        }
    }
}
