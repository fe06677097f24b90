//! The typing part shared by the typed-confirmation dialogs (promotion, grant): characters
//! typed one key at a time from the terminal, Backspace, Escape, and Enter, each counted only
//! after the dwell since the dialog was first drawn, and nothing after the dialog was spent.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

use super::input::TerminalKey;
use super::order_gate::DWELL;

/// What the console's keymap makes of a key in a typed-confirmation dialog
/// (promotion, grant); any other key is read as the
/// character it types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromotionAction {
    /// Enter: promote, if the id typed is the candidate's.
    Confirm,
    /// Escape: close, nothing promoted.
    Cancel,
    /// Backspace: take back the last character typed.
    Erase,
}

/// What a key did to the text.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A repeat or release, a key inside the dwell or after the dialog was spent, or one that
    /// types nothing.
    Ignored,
    /// A character typed or taken back.
    Typing,
    Cancelled,
    /// Enter: the dialog decides, and spends itself if it confirms.
    Enter,
}

#[derive(Debug, PartialEq)]
pub(super) struct Typed {
    text: String,
    shown: Option<Instant>,
    spent: bool,
    max_len: usize,
}

impl Typed {
    pub(super) fn new(max_len: usize) -> Typed {
        Typed { text: String::new(), shown: None, spent: false, max_len }
    }

    pub(super) fn text(&self) -> &str {
        &self.text
    }

    pub(super) fn shown(&mut self, at: Instant) {
        self.shown.get_or_insert(at);
    }

    pub(super) fn spend(&mut self) {
        self.spent = true;
    }

    pub(super) fn key(&mut self, key: &TerminalKey, action: Option<PromotionAction>, now: Instant) -> Step {
        if key.event().kind != KeyEventKind::Press || self.spent {
            return Step::Ignored;
        }
        match self.shown.and_then(|at| now.checked_duration_since(at)) {
            Some(d) if d >= DWELL => {}
            _ => return Step::Ignored,
        }
        match action {
            Some(PromotionAction::Cancel) => Step::Cancelled,
            Some(PromotionAction::Erase) => {
                self.text.pop();
                Step::Typing
            }
            Some(PromotionAction::Confirm) => Step::Enter,
            None => match key.event().code {
                KeyCode::Char(c)
                    if !key.event().modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                        && self.text.len() < self.max_len =>
                {
                    self.text.push(c);
                    Step::Typing
                }
                _ => Step::Ignored,
            },
        }
    }
}
