//! The closing note, typed in a small form over the incident: what was found and done. The
//! engine journals it in each corridor the incident touched, as `incidents close --note` does;
//! an empty note is refused here, before any job, and by the engine again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::tui::keymap::Action;
use crate::tui::panes::popup;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    pub text: String,
    /// Why the last Enter closed nothing (an empty note).
    pub refused: Option<String>,
}

/// What a key did to the note.
#[derive(Debug, PartialEq)]
pub enum NoteKey {
    Typing,
    Cancel,
    /// Enter on a note with words in it: its text, trimmed.
    Submit(String),
}

impl Note {
    pub fn key(&mut self, action: Option<Action>, ev: &KeyEvent) -> NoteKey {
        match action {
            Some(Action::Cancel | Action::Back) => return NoteKey::Cancel,
            Some(Action::Submit) => {
                let note = self.text.trim();
                if note.is_empty() {
                    self.refused = Some("a note is needed: say what was found and what was done".into());
                    return NoteKey::Typing;
                }
                return NoteKey::Submit(note.to_string());
            }
            _ => {}
        }
        match ev.code {
            KeyCode::Backspace => {
                self.text.pop();
            }
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                self.text.push(c);
                self.refused = None;
            }
            _ => {}
        }
        NoteKey::Typing
    }
}

pub fn draw(f: &mut Frame, area: Rect, id: &str, places: &str, n: &Note, t: &Theme) {
    let mut lines = vec![
        Line::styled(format!("Close incident {id}"), t.header),
        Line::raw(format!("The note is journaled in {places} with your name; the incident stays on record.")),
        Line::raw(""),
        Line::from(vec![Span::styled("note: ", t.base), Span::styled(format!("{}_", n.text), t.accent)]),
        Line::raw(""),
    ];
    if let Some(why) = &n.refused {
        lines.push(Line::styled(format!("not closed: {why}"), t.critical));
    }
    lines.push(Line::styled("Enter  close with this note      Esc  cancel", t.dim));
    popup::draw(f, area, lines, Line::styled(" Close with a note ", t.title), t.border_focus, 96, t);
}
