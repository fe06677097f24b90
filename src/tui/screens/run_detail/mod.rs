//! One run, opened over the Runs tab: its metrics, equity and drawdown charts, configuration
//! and trades (scrolled).

mod draw;
pub(crate) mod load;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen};
use crate::tui::keymap::{Action, Context};
use load::RunDetail;

pub struct RunDetailScreen {
    pub detail: RunDetail,
}

impl RunDetailScreen {
    pub fn new(detail: RunDetail) -> RunDetailScreen {
        RunDetailScreen { detail }
    }
}

impl Screen for RunDetailScreen {
    fn title(&self) -> &'static str {
        "Run detail"
    }

    fn context(&self) -> Context {
        Context::RunDetail
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        if let Some(a) = action {
            self.detail.scroll.apply(a, self.detail.trades.len(), cx.page);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, &self.detail, cx.theme);
    }
}
