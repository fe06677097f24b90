//! The Sweeps tab: every parameter sweep; Enter opens one's ranking and heatmap.

mod draw;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::sweep::SweepScreen;
use super::{Cx, DrawCx, Screen, Shared};
use crate::engine::research::SweepSummary;
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Default)]
pub struct SweepsScreen {
    pub sweeps: Vec<SweepSummary>,
    pub sel: ListCursor,
}

impl Screen for SweepsScreen {
    fn title(&self) -> &'static str {
        "Sweeps"
    }

    fn tiny(&self) -> &'static str {
        "Swp"
    }

    fn badge(&self, _: &Shared) -> String {
        match self.sweeps.len() {
            0 => String::new(),
            n => format!(" ({n})"),
        }
    }

    fn startup(&self) -> Vec<Cmd> {
        vec![Cmd::LoadSweeps]
    }

    fn context(&self) -> Context {
        Context::Sweeps
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        if self.sel.apply(action, self.sweeps.len(), cx.page) {
            return;
        }
        if let (Action::Open, Some(s)) = (action, self.sel.get(&self.sweeps)) {
            cx.start(Cmd::LoadSweep(s.sweep_id.clone()));
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::Sweeps(s)) => {
                self.sweeps = s;
                self.sel.clamp(self.sweeps.len());
            }
            Some(Loaded::Sweep(v)) => cx.open(SweepScreen::new(*v)),
            other => {
                *r = other;
                return false;
            }
        }
        true
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.theme);
    }
}
