//! Two or more marked runs side by side, opened over the Runs tab: their metrics, where their
//! configurations differ, and their equity normalised to one axis.

mod draw;
pub(crate) mod load;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen};
use crate::tui::keymap::{Action, Context};
use load::CompareView;

pub struct CompareScreen {
    pub view: CompareView,
}

impl CompareScreen {
    pub fn new(view: CompareView) -> CompareScreen {
        CompareScreen { view }
    }
}

impl Screen for CompareScreen {
    fn title(&self) -> &'static str {
        "Compare"
    }

    fn context(&self) -> Context {
        Context::Compare
    }

    fn on_action(&mut self, _: Option<Action>, _: &KeyEvent, _: &mut Cx) {}

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, &self.view, cx.theme);
    }
}
