//! The Corridors tab's keys: Left/Right choose the corridor, Up/Down the pending intent, Enter
//! reviews it in the order dialog, `a` arms, `d` disarms after asking, `A` opens the grant
//! form, `x` the revoke form.

use super::CorridorsScreen;
use crate::tui::app::Confirm;
use crate::tui::jobs::Cmd;
use crate::tui::keymap::Action;
use crate::tui::panes::order_confirm::OrderDialog;
use crate::tui::screens::Cx;
use crate::tui::widgets::list_cursor::ListCursor;

impl CorridorsScreen {
    pub(super) fn key(&mut self, action: Action, cx: &mut Cx) {
        let intents = self.detail.as_ref().map_or(0, |d| d.pending.len());
        if self.intent_sel.apply(action, intents, cx.page) {
            return;
        }
        match action {
            Action::Left | Action::Right => {
                let n = self.list.len();
                if n > 0 {
                    self.sel.cycle(if action == Action::Right { 1 } else { -1 }, n);
                    self.detail = None;
                    self.intent_sel = ListCursor::default();
                    if let Some(id) = self.selected().cloned() {
                        cx.start(Cmd::LoadCorridorDetail(id));
                    }
                }
            }
            Action::Open => {
                match (self.selected().cloned(), self.selected_intent().cloned(), self.detail.as_ref()) {
                    (Some(corridor), Some(pending), Some(d)) => {
                        cx.order(OrderDialog::open(corridor, d.state, pending))
                    }
                    (None, ..) => cx.error("no corridor selected"),
                    (Some(corridor), _, None) => cx.error(format!("{corridor} is still loading")),
                    // Also where the intent just reviewed was approved, expired or superseded
                    // by a live session's next one: say where the next comes from.
                    (Some(corridor), None, Some(_)) => cx.error(format!(
                        "no intent is waiting on {corridor}: a live session proposes its next order here, \
                         or make one with `quantlab intent new ...`"
                    )),
                }
            }
            Action::Arm => match self.selected().cloned() {
                Some(id) => cx.start(Cmd::Arm(id)),
                None => cx.error("no corridor selected"),
            },
            Action::Disarm => {
                if let Some(id) = self.selected().cloned() {
                    cx.ask(Confirm::Disarm, Some(id.to_string()), Some(Cmd::Disarm(id)));
                }
            }
            Action::Grant => self.open_grant_form(cx),
            Action::RevokeGrant => self.open_revoke_form(cx),
            _ => {}
        }
    }
}
