//! One form for every form in the console (a new run, a new paper session, the pre-trade
//! plan): fields of text or choices, a focused field, the keys that move, choose and type, and
//! its rows as drawn. What a form submits, and the frame around it, are its screen's.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::{Line, Span};

use super::list_cursor::ListCursor;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text,
    Choice(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub value: String,
}

impl Field {
    pub fn text(key: &str, label: &str, value: &str) -> Field {
        Field { key: key.into(), label: label.into(), kind: FieldKind::Text, value: value.into() }
    }

    /// A choice, starting on its first option.
    pub fn choice(key: &str, label: &str, options: Vec<String>) -> Field {
        let value = options.first().cloned().unwrap_or_default();
        Field { key: key.into(), label: label.into(), kind: FieldKind::Choice(options), value }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Nothing.
    None,
    /// The focus moved.
    Moved,
    /// The value of the field with this key changed.
    Changed(String),
    /// An action the form leaves to its screen (submit, cancel, back).
    Action(Action),
}

/// How a form's rows look: the marker before the focused row (blank on the others) and the
/// width of the label column.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub marker: &'static str,
    pub label_width: usize,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub fields: Vec<Field>,
    /// The focused field; Tab and the arrows go round.
    pub focus: ListCursor,
    /// Which characters a text field takes.
    pub allow: fn(char) -> bool,
}

impl Form {
    pub fn new(fields: Vec<Field>, allow: fn(char) -> bool) -> Form {
        Form { fields, focus: ListCursor::default(), allow }
    }

    /// Any printable character.
    pub fn any(c: char) -> bool {
        !c.is_control()
    }

    /// The value of `key`, trimmed ("" if there is no such field).
    pub fn get(&self, key: &str) -> &str {
        self.fields.iter().find(|f| f.key == key).map_or("", |f| f.value.as_str()).trim()
    }

    pub fn set(&mut self, key: &str, v: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.value = v;
        }
    }

    pub fn focused(&self) -> Option<&Field> {
        self.focus.get(&self.fields)
    }

    /// Move the focus `delta` fields, going round.
    pub fn next(&mut self, delta: isize) {
        self.focus.cycle(delta, self.fields.len());
    }

    /// Left/Right on a choice field; true when the value changed.
    pub fn cycle(&mut self, delta: isize) -> bool {
        let Some(field) = self.fields.get_mut(self.focus.index) else { return false };
        let FieldKind::Choice(opts) = &field.kind else { return false };
        if opts.is_empty() {
            return false;
        }
        let i = opts.iter().position(|o| *o == field.value).unwrap_or(0) as isize;
        field.value = opts[(i + delta).rem_euclid(opts.len() as isize) as usize].clone();
        true
    }

    pub fn type_char(&mut self, c: char) -> bool {
        let allow = self.allow;
        match self.fields.get_mut(self.focus.index) {
            Some(f) if f.kind == FieldKind::Text && allow(c) => {
                f.value.push(c);
                true
            }
            _ => false,
        }
    }

    pub fn backspace(&mut self) -> bool {
        match self.fields.get_mut(self.focus.index) {
            Some(f) if f.kind == FieldKind::Text => f.value.pop().is_some(),
            _ => false,
        }
    }

    /// A key for the form: Tab and the arrows move and choose, characters type, Backspace
    /// erases; submit, cancel and back are handed back to the screen.
    pub fn key(&mut self, action: Option<Action>, ev: &KeyEvent) -> Edit {
        match action {
            Some(Action::NextField) => self.moved(1),
            Some(Action::PrevField) => self.moved(-1),
            Some(Action::Left) => self.changed(|f| f.cycle(-1)),
            Some(Action::Right) => self.changed(|f| f.cycle(1)),
            Some(a @ (Action::Submit | Action::Cancel | Action::Back)) => Edit::Action(a),
            _ => match ev.code {
                KeyCode::Left => self.changed(|f| f.cycle(-1)),
                KeyCode::Right => self.changed(|f| f.cycle(1)),
                KeyCode::Up => self.moved(-1),
                KeyCode::Down => self.moved(1),
                KeyCode::Backspace => self.changed(Form::backspace),
                KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.changed(|f| f.type_char(c))
                }
                _ => Edit::None,
            },
        }
    }

    fn moved(&mut self, delta: isize) -> Edit {
        self.next(delta);
        Edit::Moved
    }

    fn changed(&mut self, edit: impl FnOnce(&mut Form) -> bool) -> Edit {
        match (edit(self), self.focused()) {
            (true, Some(f)) => Edit::Changed(f.key.clone()),
            _ => Edit::None,
        }
    }

    /// Up to `rows` rows from `first`; the focused one is marked when the form has focus.
    /// `shown` may give a value's text instead of the form's own (a dataset's label).
    pub fn lines(
        &self,
        has_focus: bool,
        first: usize,
        rows: usize,
        look: Look,
        shown: &dyn Fn(&Field) -> Option<String>,
        t: &Theme,
    ) -> Vec<Line<'static>> {
        let blank = " ".repeat(look.marker.chars().count());
        let w = look.label_width;
        self.fields
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, fld)| {
                let focus = has_focus && self.focus.is(i);
                let value = shown(fld).unwrap_or_else(|| match &fld.kind {
                    FieldKind::Choice(_) => format!("‹ {} ›", fld.value),
                    FieldKind::Text if focus => format!("{}▏", fld.value),
                    FieldKind::Text => fld.value.clone(),
                });
                Line::from(vec![
                    Span::styled(if focus { look.marker.to_string() } else { blank.clone() }, t.accent),
                    Span::styled(format!("{:<w$}", fld.label), t.dim),
                    Span::styled(value, if focus { t.selected } else { t.base }),
                ])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_chooses_types_and_hands_back_the_rest() {
        let mut f = Form::new(
            vec![
                Field::choice("side", "side", vec!["buy".into(), "sell".into()]),
                Field::text("px", "px", "1"),
            ],
            |c| c.is_ascii_digit(),
        );
        let ev = KeyEvent::from;
        assert_eq!(f.key(None, &ev(KeyCode::Right)), Edit::Changed("side".into()));
        assert_eq!(f.get("side"), "sell");
        assert_eq!(f.key(Some(Action::NextField), &ev(KeyCode::Tab)), Edit::Moved);
        assert_eq!(f.key(None, &ev(KeyCode::Char('x'))), Edit::None, "not allowed here");
        assert_eq!(f.key(None, &ev(KeyCode::Char('2'))), Edit::Changed("px".into()));
        assert_eq!(f.get("px"), "12");
        assert_eq!(f.key(None, &ev(KeyCode::Left)), Edit::None, "a text field has no choices");
        assert_eq!(f.key(Some(Action::Submit), &ev(KeyCode::Enter)), Edit::Action(Action::Submit));
        assert_eq!(f.key(None, &ev(KeyCode::Down)), Edit::Moved);
        assert_eq!(f.focus.index, 0, "wraps");
        assert_eq!(f.focused().map(|x| x.key.as_str()), Some("side"));
    }
}
