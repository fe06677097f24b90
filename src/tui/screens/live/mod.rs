//! The Live tab: the live strategy sessions (docs/live-sessions.md), newest first, and the
//! selected one's detail: what it trades and how, its status and why, the venue's position
//! against the desired one, the last signal, the intent waiting for the keypress (approved in
//! the Corridors tab), what became of its intents and its last bar. `p`/`r`/`x` pause, resume
//! and stop it (a stop after asking).
//!
//! Above the table, the portfolio across the sessions against the policy's `[portfolio]` limits;
//! each session's PnL and drift against its shadow paper session. It shows what the engine
//! records and nothing it does not: a position, PnL or exposure not read yet is unknown.

mod draw;
mod state;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared, Shown};
use crate::tui::app::Confirm;
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey, SessionOp};
use crate::tui::keymap::{Action, Context};
pub use state::LiveScreen;

impl Screen for LiveScreen {
    fn title(&self) -> &'static str {
        "Live"
    }

    fn badge(&self, _: &Shared) -> String {
        match (self.live(), self.sessions.len()) {
            (0, 0) => String::new(),
            (0, n) => format!(" ({n})"),
            (live, _) => format!(" ({live} live)"),
        }
    }

    fn startup(&self) -> Vec<Cmd> {
        vec![Cmd::LoadLive]
    }

    fn context(&self) -> Context {
        Context::Live
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        if self.sel.apply(action, self.sessions.len(), cx.page) {
            return;
        }
        let id = self.selected_id().map(String::from);
        // What the session's state allows is the engine's to judge; a stop asks first, since a
        // stopped session never runs again.
        match (action, id) {
            (Action::Pause, Some(id)) => cx.start(Cmd::Live(SessionOp::Pause, id)),
            (Action::Resume, Some(id)) => cx.start(Cmd::Live(SessionOp::Resume, id)),
            (Action::Stop, Some(id)) => {
                let stop = Cmd::Live(SessionOp::Stop, id.clone());
                cx.ask(Confirm::StopLive, Some(id), Some(stop));
            }
            (Action::Pause | Action::Resume | Action::Stop, None) => {
                cx.error("no live session selected (`quantlab live start ...` starts one)")
            }
            _ => {}
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::Live(sessions, portfolio)) => return self.loaded(sessions, *portfolio),
            Some(Loaded::LiveChanged(id, what)) => {
                cx.say(format!("{id}: {what}"));
                self.pending_select = Some(id);
                cx.start(Cmd::LoadLive);
                cx.start(Cmd::LoadAlerts);
            }
            other => {
                *r = other;
                return false;
            }
        }
        true
    }

    /// What the tab shows is read as it opens.
    fn on_show(&mut self, cx: &mut Cx) {
        cx.poll(Cmd::LoadLive);
    }

    /// Sessions are polled while the tab is shown, or while one may still change on its own
    /// (its badge counts the live ones), as the Paper tab does.
    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        match shown {
            Shown::Yes => cx.poll(Cmd::LoadLive),
            Shown::No if self.live() > 0 => cx.poll(Cmd::LoadLive),
            _ => {}
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.theme);
    }
}
