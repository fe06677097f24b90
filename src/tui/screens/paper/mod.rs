//! The Paper tab: the paper sessions with their health and totals across the live ones; Enter
//! opens a session, `n` the new-session form, `p`/`r`/`x` pause, resume and stop (after asking).

pub(super) mod draw;
mod state;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::new_run::NewRunScreen;
use super::paper_session::PaperSessionScreen;
use super::{Cx, DrawCx, Screen, Shared, Shown};
use crate::tui::app::Confirm;
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey, SessionOp};
use crate::tui::keymap::{Action, Context};
pub use state::PaperScreen;

/// Pause, resume or stop session `id`; a stop asks first, because a stopped session never runs
/// again. What the session's state allows is the engine's to judge.
pub fn paper_op(action: Action, id: String, cx: &mut Cx) {
    match action {
        Action::Pause => cx.start(Cmd::Paper(SessionOp::Pause, id)),
        Action::Resume => cx.start(Cmd::Paper(SessionOp::Resume, id)),
        Action::Stop => {
            let stop = Cmd::Paper(SessionOp::Stop, id.clone());
            cx.ask(Confirm::StopPaper, Some(id), Some(stop));
        }
        _ => {}
    }
}

impl Screen for PaperScreen {
    fn title(&self) -> &'static str {
        "Paper"
    }

    /// The tiniest title, so ten tabs fit on 70 columns.
    fn tiny(&self) -> &'static str {
        "Pap"
    }

    fn badge(&self, _: &Shared) -> String {
        match (self.totals.live, self.sessions.len()) {
            (0, 0) => String::new(),
            (0, n) => format!(" ({n})"),
            (live, _) => format!(" ({live} live)"),
        }
    }

    fn mode(&self) -> Option<String> {
        (self.totals.live > 0).then(|| format!("paper ({} live)", self.totals.live))
    }

    fn startup(&self) -> Vec<Cmd> {
        vec![Cmd::LoadPaper]
    }

    fn context(&self) -> Context {
        Context::Paper
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        if self.sel.apply(action, self.sessions.len(), cx.page) {
            return;
        }
        match (action, self.selected_id().map(String::from)) {
            (Action::NewRun, _) => cx.start(Cmd::LoadPaperForm),
            (Action::Open, Some(id)) => cx.start(Cmd::LoadPaperDetail(id)),
            (Action::Open, None) => {}
            (_, Some(id)) => paper_op(action, id, cx),
            (Action::Pause | Action::Resume | Action::Stop, None) => {
                cx.error("no paper session selected (n starts one)")
            }
            _ => {}
        }
    }

    fn on_result(&mut self, key: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::Paper(sessions)) => {
                // A live session's age moves on every read; a finished one's list is still.
                let same = sessions == self.sessions && !self.any_live();
                self.loaded(sessions);
                return !same;
            }
            // A session the open view does not show (it takes its own).
            Some(Loaded::PaperDetail(d)) => cx.open(PaperSessionScreen::new(*d)),
            Some(Loaded::PaperChanged(id, what)) => {
                cx.say(format!("{id}: {what}"));
                self.pending_select = Some(id);
                cx.start(Cmd::LoadPaper);
                cx.start(Cmd::LoadAlerts);
            }
            Some(Loaded::Form(f)) if *key == JobKey::PaperForm => cx.open(NewRunScreen::new(*f)),
            other => {
                *r = other;
                return false;
            }
        }
        true
    }

    /// Sessions are polled while the tab is shown, or while one may still change on its own.
    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        match shown {
            Shown::Yes => cx.poll(Cmd::LoadPaper),
            Shown::No if self.any_live() => cx.poll(Cmd::LoadPaper),
            _ => {}
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.theme);
    }
}
