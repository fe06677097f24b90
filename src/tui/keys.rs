//! Key handling: the keymap turns a key into an action for the focused context. The app keeps
//! what works on every screen (quit, help, tabs, refresh, the kill switch, questions and the
//! order dialog); everything else goes to the screen in front. Text-capturing contexts (the
//! filter, the forms) take the keys the keymap leaves unbound.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{App, Confirm, Target};
use super::jobs::Cmd;
use super::keymap::{Action, Context, Keymap};
use super::panes::order_confirm::{self, operator, GateOutcome};
use super::panes::promotion_confirm;
use super::screens::corridors::grant::dialog as grant_dialog;
use super::screens::{help, Question};
use super::widgets::list_cursor::ListCursor;
use crate::engine::gate::TerminalKey;
use crate::engine::gate::{GrantOutcome, PromotionOutcome};

impl App {
    /// `ev`, typed as `typed` when the terminal delivered it (a paste's characters have none).
    pub(super) fn key(&mut self, ev: KeyEvent, typed: Option<&TerminalKey>, keymap: &Keymap) {
        let ctx = self.context();
        let action = keymap.action(ctx, &ev);
        match ctx {
            // The order dialog is the gate to a live order: its own handler takes every key.
            Context::Confirm if self.confirm == Some(Confirm::SendOrder) => {
                return self.order_key(typed, keymap)
            }
            // So is the Promotion dialog to a promotion: it takes every key, as typed text.
            Context::Confirm if self.confirm == Some(Confirm::Promote) => return self.promotion_key(typed),
            // And the grant dialog to a grant of automation.
            Context::Confirm if self.confirm == Some(Confirm::Grant) => return self.grant_key(typed),
            // A held key's repeats never answer a question.
            Context::Confirm if ev.kind == KeyEventKind::Repeat => return,
            Context::Confirm => return self.confirm_key(action),
            Context::Help => return self.help_key(action, keymap),
            // A form or the filter takes every key, bound or not.
            c if !c.inherits_global() => {
                self.call(self.focused(), |s, cx| s.on_action(action, &ev, cx));
                return;
            }
            _ => {}
        }
        let Some(action) = action else { return };
        self.message = None;
        let n = self.tabs.len();
        match action {
            Action::Quit if self.jobs.busy() => self.confirm = Some(Confirm::QuitWhileBusy),
            Action::Quit => self.should_quit = true,
            Action::Help => {
                self.help = true;
                self.help_scroll = ListCursor::default();
            }
            Action::NextTab => self.show((self.tab + 1) % n),
            Action::PrevTab => self.show((self.tab + n - 1) % n),
            Action::Tab1 => self.show(0),
            Action::Tab2 => self.show(1),
            Action::Tab3 => self.show(2),
            Action::Tab4 => self.show(3),
            Action::Tab5 => self.show(4),
            Action::Tab6 => self.show(5),
            Action::Tab7 => self.show(6),
            Action::Tab8 => self.show(7),
            Action::Tab9 => self.show(8),
            Action::Tab10 => self.show(9),
            // Refresh reads again everything the console read at start.
            Action::Refresh => {
                for c in self.reads() {
                    self.want(c, false);
                }
            }
            Action::KillSwitch => {
                self.confirm = Some(Confirm::KillSwitch);
                self.question = Question { subject: None, on_yes: Some(Cmd::Kill) };
            }
            // Back closes the view in front; with none, the tab hears it (a section of it, such
            // as the Alerts tab's incidents, goes back to the tab's own list).
            Action::Back if self.view.is_some() => self.view = None,
            _ => {
                self.call(self.focused(), |s, cx| s.on_action(Some(action), &ev, cx));
            }
        }
    }

    /// Bring tab `i` to the front (closing any view); it reads what it shows as it opens.
    fn show(&mut self, i: usize) {
        if i < self.tabs.len() && i != self.tab {
            self.tab = i;
            self.view = None;
            self.call(Target::Tab(i), |s, cx| s.on_show(cx));
        }
    }

    /// A paste is typed character by character into what has focus, but it never answers a
    /// confirm dialog: one open when the paste arrives ignores it, and one opened by the paste
    /// (a character bound to open) ends it. Control characters (newlines) are dropped, so a
    /// paste never presses Enter.
    pub(super) fn paste(&mut self, text: &str, keymap: &Keymap) {
        for c in text.chars().filter(|c| !c.is_control()) {
            if self.confirm.is_some() {
                self.message = Some((true, "paste ignored: a confirm dialog takes keys only".into()));
                return;
            }
            self.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), None, keymap);
        }
    }

    /// The answer to a question; only its confirm key says yes, and a yes starts its job.
    fn confirm_key(&mut self, action: Option<Action>) {
        match (self.confirm, action) {
            (Some(Confirm::QuitWhileBusy), Some(Action::Confirm)) => self.should_quit = true,
            (Some(_), Some(Action::Confirm)) => {
                self.confirm = None;
                if let Some(cmd) = std::mem::take(&mut self.question).on_yes {
                    self.want(cmd, false);
                }
            }
            (_, Some(Action::Deny | Action::Back | Action::Cancel)) => {
                self.confirm = None;
                self.question = Question::default();
            }
            _ => {}
        }
    }

    fn help_key(&mut self, action: Option<Action>, keymap: &Keymap) {
        match action {
            Some(Action::Back | Action::Help | Action::Quit) => self.help = false,
            Some(a) => {
                self.help_scroll.apply(a, help::line_count(keymap), self.page);
            }
            None => {}
        }
    }

    /// A key while the Promotion dialog is open: the dialog's handler decides. As for the order
    /// dialog, a key the console made itself (`typed` is None) never types and never confirms.
    fn promotion_key(&mut self, typed: Option<&TerminalKey>) {
        let now = self.instant();
        let Some(g) = self.promotion.as_mut() else {
            self.confirm = None;
            return;
        };
        let Some(typed) = typed else { return };
        match promotion_confirm::key(g, typed, now, &operator()) {
            PromotionOutcome::Ignored => {}
            PromotionOutcome::Typing => self.promotion_refused = None,
            PromotionOutcome::Cancelled => {
                // Nothing is promoted, nothing written.
                self.confirm = None;
                self.promotion = None;
                self.promotion_refused = None;
            }
            PromotionOutcome::Refused(why) => {
                // The dialog stays open: a mistyped id can be corrected; a failing gate is shown.
                self.message = Some((true, format!("not promoted: {why}")));
                self.promotion_refused = Some(why);
            }
            PromotionOutcome::Confirmed(witness) => {
                self.confirm = None;
                self.promotion = None;
                self.promotion_refused = None;
                let c = crate::engine::promotion::PromotionConfirmation::typed(*witness);
                self.want(Cmd::Promote(Box::new(c)), false);
            }
        }
    }

    /// A key while the grant dialog is open: the dialog's handler decides, as for the Promotion
    /// dialog; a key the console made itself never types and never confirms.
    fn grant_key(&mut self, typed: Option<&TerminalKey>) {
        let now = self.instant();
        let Some(g) = self.grant.as_mut() else {
            self.confirm = None;
            return;
        };
        let Some(typed) = typed else { return };
        match grant_dialog::key(g, typed, now, &operator()) {
            GrantOutcome::Ignored => {}
            GrantOutcome::Typing => self.grant_refused = None,
            GrantOutcome::Cancelled => {
                // Nothing granted, nothing written; the form underneath stays to correct.
                self.confirm = None;
                self.grant = None;
                self.grant_refused = None;
            }
            GrantOutcome::Refused(why) => {
                // The dialog stays open: a mistyped name can be corrected; a problem is shown.
                self.message = Some((true, format!("no grant: {why}")));
                self.grant_refused = Some(why);
            }
            GrantOutcome::Confirmed(witness) => {
                self.confirm = None;
                self.grant = None;
                self.grant_refused = None;
                let c = crate::engine::automation::GrantConfirmation::typed(*witness);
                self.want(Cmd::MakeGrant(Box::new(c)), false);
            }
        }
    }

    /// A key while the order confirm dialog is open: the dialog's handler decides.
    /// `typed` is the key as the terminal delivered it; a key made by the console itself (a
    /// paste's characters) has none and never confirms.
    fn order_key(&mut self, typed: Option<&TerminalKey>, keymap: &Keymap) {
        let now = self.instant();
        let Some(d) = self.order.as_mut() else {
            self.confirm = None;
            return;
        };
        let Some(typed) = typed else { return };
        match order_confirm::key(d, typed, keymap, now, crate::engine::time::now_ms(), &operator()) {
            GateOutcome::Ignored => {}
            GateOutcome::Cancelled => {
                // Nothing is approved, nothing is sent.
                self.confirm = None;
                self.order = None;
            }
            GateOutcome::Refused(why) => {
                self.confirm = None;
                self.order = None;
                self.message = Some((true, format!("not sent: {why}")));
            }
            GateOutcome::Confirmed(witness) => {
                self.confirm = None;
                self.order = None;
                let c = crate::engine::execution::Confirmation::keypress(*witness);
                self.want(Cmd::SendConfirmed(Box::new(c)), false);
            }
        }
    }
}
