//! The Pre-trade tab: a plan form recomputed on every key, the sizing and policy checks it
//! gives, a price ladder, and the saved plans; `s` saves, Enter reopens a saved plan, `i`
//! drafts an intent from it.

mod draw;
mod state;
mod venue;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shared};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
pub use state::PretradeScreen;

impl Screen for PretradeScreen {
    fn title(&self) -> &'static str {
        "Pre-trade"
    }

    fn short(&self) -> &'static str {
        "Trade"
    }

    /// The tiniest title, so ten tabs fit on 70 columns.
    fn tiny(&self) -> &'static str {
        "Trd"
    }

    fn badge(&self, _: &Shared) -> String {
        match self.plans.len() {
            0 => String::new(),
            n => format!(" ({n})"),
        }
    }

    fn startup(&self) -> Vec<Cmd> {
        let mut cmds = vec![Cmd::LoadPretrade];
        cmds.extend(self.subject().map(|(v, a, s)| Cmd::ReadVenueFacts(v, a, s)));
        cmds
    }

    fn context(&self) -> Context {
        if self.editing {
            Context::PretradeForm
        } else {
            Context::Pretrade
        }
    }

    fn on_action(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx) {
        if self.editing {
            if let Some(read) = self.form_key(action, ev) {
                cx.start(read);
            }
            return;
        }
        let Some(action) = action else { return };
        if self.sel.apply(action, self.plans.len(), cx.page) {
            return;
        }
        match action {
            Action::Edit => self.editing = true,
            Action::Open => self.reopen_selected(),
            Action::SavePlan => match self.input() {
                Ok(i) => cx.start(Cmd::SavePlan(Box::new(i))),
                Err(e) => cx.error(e),
            },
            Action::ToIntent => match self.selected() {
                Some(p) if p.valid() => cx.start(Cmd::PlanToIntent(p.id.clone())),
                Some(p) => cx.error(format!("{} was rejected by the policy: no intent", p.id)),
                None => cx.error("no saved plan selected (s saves the one on screen)"),
            },
            _ => {}
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::Pretrade(plans, policy)) => self.loaded(plans, policy),
            Some(Loaded::VenueFacts(facts)) => self.facts_loaded(*facts),
            Some(Loaded::PlanSaved(id, valid)) => {
                let said = format!("saved {id}{}", if valid { "" } else { " (rejected by the policy)" });
                if valid {
                    cx.say(said);
                } else {
                    cx.error(said);
                }
                self.pending_select = Some(id);
                cx.start(Cmd::LoadPretrade);
            }
            Some(Loaded::IntentDrafted(id)) => {
                cx.say(format!("draft intent {id}: pending, approve it in its corridor"));
            }
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
