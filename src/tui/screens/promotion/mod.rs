//! The Promotion tab: the promotion board (docs/promotion.md) as a table, one row per candidate
//! and scope (everywhere for research and paper, each corridor for the live stages), with its
//! stage, the next one and whether its gate passes (or the first line that fails); below, the
//! selected row's gate, every line with what it found and the artifacts it read. `P` opens the
//! Promotion dialog on the selected row (the engine's `PromotionGate`, through
//! `Row::confirm_gate`): the operator types the candidate's id and presses Enter; the app routes
//! the terminal's keys to it as it does to the order dialog, and its confirmation is promoted in
//! a job (signed and journaled by the engine, which evaluates the gate again).
//!
//! The board is read when the tab opens and polled while it is shown, not at the console's
//! start: a read writes the gates file with its defaults on first use and makes the demotions
//! due, which a workspace only browsed for research should not get.

mod draw;
mod state;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shown};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
pub use state::PromotionScreen;

impl Screen for PromotionScreen {
    fn title(&self) -> &'static str {
        "Promotion"
    }

    fn short(&self) -> &'static str {
        "Promo"
    }

    fn tiny(&self) -> &'static str {
        "Pro"
    }

    fn context(&self) -> Context {
        Context::Promotion
    }

    fn on_action(&mut self, action: Option<Action>, _: &KeyEvent, cx: &mut Cx) {
        let Some(action) = action else { return };
        if self.sel.apply(action, self.rows().len(), cx.page) {
            return;
        }
        if action != Action::Promote {
            return;
        }
        match self.selected() {
            None if self.board.is_none() => cx.error("the promotion board is not read yet"),
            None => cx.error("no candidate: a sweep, walk-forward or session makes one (docs/promotion.md)"),
            Some(r) => match r.confirm_gate() {
                Some(g) => cx.promote(g),
                None => cx.error(format!(
                    "{} is at {}{}: there is no stage to promote it to here",
                    r.candidate.id,
                    r.stage,
                    r.corridor.as_ref().map(|c| format!(" on {c}")).unwrap_or_default()
                )),
            },
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        match r.take() {
            Some(Loaded::Promotion(board)) => return self.loaded(*board),
            Some(Loaded::PromotionUnread(why)) => {
                let changed = self.error.as_ref() != Some(&why);
                self.error = Some(why);
                return changed;
            }
            Some(Loaded::Promoted(d)) => {
                let place = d.corridor.as_ref().map(|c| format!(" on {c}")).unwrap_or_default();
                let by = d.operator.as_deref().unwrap_or("unknown");
                let text = format!(
                    "{} promoted from {} to {}{place}: decision {} signed by {by}",
                    d.candidate, d.from, d.to, d.id
                );
                cx.say(text.clone());
                self.outcome = Some((false, text));
                cx.start(Cmd::LoadPromotion);
            }
            Some(Loaded::PromotionRefused(candidate, why)) => {
                let text = format!("{candidate} not promoted: {why}");
                cx.error(text.clone());
                self.outcome = Some((true, text));
                cx.start(Cmd::LoadPromotion);
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
        cx.poll(Cmd::LoadPromotion);
    }

    /// Polled while shown: evidence and demotions come from other processes.
    fn on_tick(&mut self, shown: Shown, cx: &mut Cx) {
        if shown == Shown::Yes {
            cx.poll(Cmd::LoadPromotion);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.theme);
    }
}
