//! The Signals tab: research signals with priority, decision, verdict and age; `r` researches
//! the selected one in the background, `t` triages it again, Enter opens it.

pub(super) mod draw;
pub(super) mod state;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::signal_detail::SignalDetailScreen;
use super::{Cx, DrawCx, Screen, Shared, Shown};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
pub use state::SignalsScreen;

/// Research signal `id` in the background, or triage it again. One research per signal at a
/// time; whether it may be researched is the engine's to judge (it triages first).
pub fn signal_op(action: Action, id: String, cx: &mut Cx) {
    match action {
        Action::Research if cx.running(&JobKey::Research(id.clone())) => {
            cx.error(format!("signal {id} is already being researched"))
        }
        Action::Research => cx.start(Cmd::ResearchSignal { id, progress: Default::default() }),
        Action::Triage => cx.start(Cmd::TriageSignal(id)),
        _ => {}
    }
}

impl Screen for SignalsScreen {
    fn title(&self) -> &'static str {
        "Signals"
    }

    fn tiny(&self) -> &'static str {
        "Sig"
    }

    fn badge(&self, _: &Shared) -> String {
        match self.rows.len() {
            0 => String::new(),
            n => format!(" ({n})"),
        }
    }

    fn startup(&self) -> Vec<Cmd> {
        vec![Cmd::LoadSignals]
    }

    fn context(&self) -> Context {
        Context::Signals
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        if self.sel.apply(action, self.rows.len(), cx.page) {
            return;
        }
        match (action, self.selected_id().map(String::from)) {
            (Action::Open, Some(id)) => cx.start(Cmd::LoadSignalDetail(id)),
            (_, Some(id)) => signal_op(action, id, cx),
            (Action::Research | Action::Triage, None) => {
                cx.error("no signal selected (take some in: quantlab signals intake FILE)")
            }
            _ => {}
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::Signals(rows, at)) => {
                let same = self.same(&rows, at);
                self.loaded(rows, at);
                return !same;
            }
            // A signal the open view does not show (it takes its own).
            Some(Loaded::SignalDetail(d)) => cx.open(SignalDetailScreen::new(*d)),
            Some(Loaded::SignalResearched { id, outcome }) => {
                match outcome {
                    Ok((v, vid)) => cx.say(format!("signal {id}: {} ({vid})", v.name().replace('_', " "))),
                    Err(e) => cx.error(e),
                }
                // Research triages again and writes runs and sweeps: all of it is news.
                self.pending_select = Some(id);
                for c in [Cmd::LoadSignals, Cmd::LoadRuns, Cmd::LoadSweeps, Cmd::LoadAlerts] {
                    cx.start(c);
                }
            }
            Some(Loaded::SignalTriaged(id, decision)) => {
                cx.say(format!("signal {id}: {}", decision.name()));
                self.pending_select = Some(id);
                cx.start(Cmd::LoadSignals);
            }
            other => {
                *r = other;
                return false;
            }
        }
        true
    }

    /// Signals arrive from other processes (an intake from cron): what the tab shows is read
    /// as it opens, and on every tick while it is shown.
    fn on_show(&mut self, cx: &mut Cx) {
        cx.start(Cmd::LoadSignals);
    }

    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        if shown == Shown::Yes {
            cx.poll(Cmd::LoadSignals);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.jobs, cx.theme);
    }
}
