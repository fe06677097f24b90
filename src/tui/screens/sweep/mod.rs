//! One sweep, opened over the Sweeps tab: its combinations ranked (scrolled) and a heatmap of
//! the objective over its first two parameters.

mod draw;
pub(crate) mod load;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen};
use crate::tui::keymap::{Action, Context};
use load::SweepView;

pub struct SweepScreen {
    pub view: SweepView,
}

impl SweepScreen {
    pub fn new(view: SweepView) -> SweepScreen {
        SweepScreen { view }
    }
}

impl Screen for SweepScreen {
    fn title(&self) -> &'static str {
        "Sweep"
    }

    fn context(&self) -> Context {
        Context::SweepDetail
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        if let Some(a) = action {
            self.view.scroll.apply(a, self.view.ranking.len(), cx.page);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, &self.view, cx.theme);
    }
}
