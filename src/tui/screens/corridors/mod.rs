//! The Corridors tab: every corridor with its arm state, the selected one's venue view and
//! pending intents. Enter on an intent opens the order confirm dialog (the app's: the gate
//! between a keypress and a live order); `a` arms, `d` disarms after asking.
//!
//! The screen also keeps armed corridors alive: it renews the dead-man timers of the ones it
//! armed itself, arms again (reconciling first) those armed by another process before renewing
//! anything, and streams the fills of armed live ones.

mod draw;
mod keys;
mod results;
mod state;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared, Shown};
use crate::engine::execution::CorridorId;
use crate::engine::venues::events::VenueEvent;
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
        vec![Cmd::LoadCorridorList]
    }

    fn context(&self) -> Context {
        Context::Corridors
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        if let Some(action) = action {
            self.key(action, cx);
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        self.result(r, cx)
    }

    /// What the tab shows is read as it opens.
    fn on_show(&mut self, cx: &mut Cx) {
        cx.start(Cmd::LoadCorridorList);
        if let Some(id) = self.selected().cloned() {
            cx.start(Cmd::LoadCorridorDetail(id));
        }
    }

    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        // Armed corridors keep their venue's dead-man timer fresh: every 10 s (five ticks),
        // well inside the shortest timer the policy allows (10 s... 3600 s).
        if cx.ticks.is_multiple_of(5) {
            for id in self.armed().into_iter().filter(|c| self.owned.contains(c)) {
                cx.poll(Cmd::KeepAlive(id));
            }
            cx.poll(Cmd::LoadCorridorList);
        }
        if shown == Shown::Yes {
            if let Some(id) = self.selected().cloned() {
                cx.poll(Cmd::LoadCorridorDetail(id));
            }
        }
    }

    fn on_venue(&mut self, corridor: &CorridorId, event: &VenueEvent, at: std::time::Instant, cx: &mut Cx) {
        self.venue_event(corridor, event, at, cx);
    }

    fn on_stream_ended(&mut self, corridor: &CorridorId) {
        self.watching.remove(corridor);
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.jobs, cx.theme);
    }
}
