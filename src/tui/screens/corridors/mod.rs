//! The Corridors tab: every corridor with its arm state, the selected one's venue view, pending
//! intents and grants of automation. Enter on an intent opens the order confirm dialog (the
//! app's: the gate between a keypress and a live order); `a` arms, `d` disarms after asking;
//! `A` grants automation through a form and the typed-confirmation dialog, `x` revokes it
//! ([`grant`]).
//!
//! The screen also keeps armed corridors alive: it renews the dead-man timers of the ones it
//! armed itself, arms again (reconciling first) those armed by another process before renewing
//! anything, and streams the fills of armed live ones. Its one corridor poll
//! ([`Engine::corridor_poll`](crate::engine::Engine::corridor_poll)) renews, reads the shown
//! corridor's detail and summarises every corridor (the status bar's halts too), each journal
//! read once.

mod draw;
pub mod grant;
mod keys;
mod results;
mod state;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared, Shown};
use crate::engine::execution::CorridorId;
use crate::engine::venues::VenueEvent;
use crate::engine::CorridorPoll;
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
pub use state::CorridorsScreen;

impl Screen for CorridorsScreen {
    fn title(&self) -> &'static str {
        "Corridors"
    }

    fn short(&self) -> &'static str {
        "Corr"
    }

    fn badge(&self, _: &Shared) -> String {
        match self.armed().len() {
            0 => String::new(),
            n => format!(" ({n} armed)"),
        }
    }

    fn startup(&self) -> Vec<Cmd> {
        vec![Cmd::PollCorridors(CorridorPoll::default())]
    }

    fn context(&self) -> Context {
        match (&self.grant_form, &self.revoke_form) {
            (None, None) => Context::Corridors,
            _ => Context::Form,
        }
    }

    fn on_action(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx) {
        if self.grant_form.is_some() {
            return self.grant_form_key(action, ev, cx);
        }
        if self.revoke_form.is_some() {
            return self.revoke_form_key(action, ev, cx);
        }
        if let Some(action) = action {
            self.key(action, cx);
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        self.result(r, cx)
    }

    /// What the tab shows is read as it opens.
    fn on_show(&mut self, cx: &mut Cx) {
        cx.start(self.poll());
        cx.poll(Cmd::LoadGrants);
    }

    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        // The shown corridor's detail every tick; every fifth, with it, armed corridors keep
        // their venue's dead-man timer fresh (every 10 s, well inside the shortest timer the
        // policy allows, 10 s... 3600 s) and every corridor is summarised: one poll, so each
        // journal is read once a tick. A detail still being read is not asked for again.
        let reading = |id: &CorridorId| cx.running(&JobKey::CorridorDetail(id.clone()));
        let detail = self.selected().filter(|id| shown == Shown::Yes && !reading(id)).cloned();
        if cx.ticks.is_multiple_of(5) {
            // The grants with the summaries: a revocation from elsewhere (a kill, the CLI)
            // shows within a poll.
            if shown == Shown::Yes {
                cx.poll(Cmd::LoadGrants);
            }
            let keep_alive: Vec<_> = self.armed().into_iter().filter(|c| self.owned.contains(c)).collect();
            let renews = !keep_alive.is_empty();
            let poll = Cmd::PollCorridors(CorridorPoll { keep_alive, detail });
            // A renewal is never dropped: one finding a poll in flight runs right after it.
            if renews {
                cx.start(poll)
            } else {
                cx.poll(poll)
            }
        } else if let Some(id) = detail.filter(|_| !cx.running(&JobKey::CorridorPoll)) {
            cx.poll(Cmd::LoadCorridorDetail(id));
        }
    }

    fn on_venue(&mut self, corridor: &CorridorId, event: &VenueEvent, at: std::time::Instant, cx: &mut Cx) {
        self.venue_event(corridor, event, at, cx);
    }

    fn on_stream_ended(&mut self, corridor: &CorridorId) {
        self.watching.remove(corridor);
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx);
        if let Some(g) = &self.grant_form {
            grant::form::draw(f, area, g, cx.theme);
        }
        if let Some(r) = &self.revoke_form {
            grant::revoke::draw(f, area, r, cx.theme);
        }
    }
}
