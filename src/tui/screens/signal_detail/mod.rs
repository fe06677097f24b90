//! One signal, opened over the Signals tab: the document, its triage, its latest verdict and
//! that verdict's research row by row; the same keys research and triage it.

mod draw;
pub(crate) mod load;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::signals::signal_op;
use super::{Cx, DrawCx, Screen, Shown};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
use load::SignalDetailView;

pub struct SignalDetailScreen {
    pub view: SignalDetailView,
}

impl SignalDetailScreen {
    pub fn new(view: SignalDetailView) -> SignalDetailScreen {
        SignalDetailScreen { view }
    }

    fn id(&self) -> &str {
        &self.view.record.signal.signal.signal_id
    }
}

impl Screen for SignalDetailScreen {
    fn title(&self) -> &'static str {
        "Signal"
    }

    fn context(&self) -> Context {
        Context::SignalDetail
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        if !self.view.scroll.apply(action, self.view.research.len(), cx.page) {
            signal_op(action, self.id().to_string(), cx);
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        // Researched or triaged again: read again (the Signals tab reports it, and keeps it).
        if let Some(Loaded::SignalResearched { id, .. } | Loaded::SignalTriaged(id, _)) = r.as_ref() {
            if id == self.id() {
                cx.start(Cmd::LoadSignalDetail(id.clone()));
            }
            return false;
        }
        match r.take() {
            // A reload keeps the operator's scroll position; one within the same minute that
            // found nothing new draws nothing.
            Some(Loaded::SignalDetail(d)) if d.record.signal.signal.signal_id == self.id() => {
                let old = &self.view;
                let same = old.record == d.record && old.read_at_ms / 60_000 == d.read_at_ms / 60_000;
                let mut scroll = old.scroll;
                scroll.clamp(d.research.len());
                self.view = SignalDetailView { scroll, ..*d };
                !same
            }
            other => {
                *r = other;
                false
            }
        }
    }

    fn on_tick(&mut self, _: Shown, cx: &mut Cx) {
        cx.poll(Cmd::LoadSignalDetail(self.id().to_string()));
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, &self.view, cx.jobs, cx.theme);
    }
}
