//! One paper session, opened over the Paper tab: its summary and health, equity chart, orders
//! and fills; the same keys pause, resume and stop it.

mod draw;
pub(crate) mod load;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::paper::paper_op;
use super::{Cx, DrawCx, Screen, Shown};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
use load::PaperDetailView;

pub struct PaperSessionScreen {
    pub view: PaperDetailView,
}

impl PaperSessionScreen {
    pub fn new(view: PaperDetailView) -> PaperSessionScreen {
        PaperSessionScreen { view }
    }

    fn id(&self) -> &str {
        &self.view.detail.view.session.id
    }
}

impl Screen for PaperSessionScreen {
    fn title(&self) -> &'static str {
        "Paper session"
    }

    fn context(&self) -> Context {
        Context::PaperDetail
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        let d = &mut self.view;
        let rows = d.detail.orders.len().max(d.detail.fills.len());
        if !d.scroll.apply(action, rows, cx.page) {
            paper_op(action, self.id().to_string(), cx);
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, _: &mut Cx) -> bool {
        match r.take() {
            // A reload keeps the operator's scroll position.
            Some(Loaded::PaperDetail(d)) if d.detail.view.session.id == self.id() => {
                self.view = PaperDetailView { scroll: self.view.scroll, ..*d };
                true
            }
            other => {
                *r = other;
                false
            }
        }
    }

    fn on_tick(&mut self, _: Shown, cx: &mut Cx) {
        cx.poll(Cmd::LoadPaperDetail(self.id().to_string()));
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, &self.view, cx.theme);
    }
}
