//! One incident, opened from the Alerts tab's incidents section: what opened it, what became of
//! it, its timeline as the engine assembles it from the journals and the alert log (what
//! happened, what the operator saw and did), and each corridor's venue state before and after
//! as journaled. `c` closes it with a note typed in a small form ([`note`]): the same engine
//! call as `quantlab incidents close --note`, journaled (`incident_closed`). Read again on
//! every tick, so a closing or a rearm elsewhere shows.

mod draw;
pub mod note;
pub mod words;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{Cx, DrawCx, Screen, Shown};
use crate::engine::incidents::{Incident, Status};
use crate::tui::jobs::Loaded;
use crate::tui::jobs::{Cmd, JobKey};
use crate::tui::keymap::{Action, Context};
use crate::tui::widgets::list_cursor::ListCursor;
use note::{Note, NoteKey};

pub struct IncidentScreen {
    pub incident: Incident,
    /// The timeline's first row shown.
    pub scroll: ListCursor,
    /// The closing note being typed, while the form is open.
    pub note: Option<Note>,
    /// Why the last closing was refused by the engine, if it was.
    pub refused: Option<String>,
}

impl IncidentScreen {
    pub fn new(incident: Incident) -> IncidentScreen {
        IncidentScreen { incident, scroll: ListCursor::default(), note: None, refused: None }
    }

    /// Where a closing is journaled, in words.
    pub fn places(&self) -> String {
        match self.incident.corridors.as_slice() {
            [] => "the workspace's record of closings".into(),
            cs => cs.iter().map(|c| format!("{c}'s journal")).collect::<Vec<_>>().join(", "),
        }
    }

    fn close_key(&mut self, cx: &mut Cx) {
        let i = &self.incident;
        match &i.closed {
            Some(c) => {
                cx.error(format!("{} is closed already: by {} at {}", i.id, c.operator, words::time(&c.time)))
            }
            None if cx.running(&JobKey::CloseIncident(i.id.clone())) => cx.error("closing it already"),
            None => self.note = Some(Note::default()),
        }
    }
}

impl Screen for IncidentScreen {
    fn title(&self) -> &'static str {
        "Incident"
    }

    fn context(&self) -> Context {
        match self.note {
            Some(_) => Context::Form,
            None => Context::Incident,
        }
    }

    fn on_action(&mut self, action: Option<Action>, ev: &KeyEvent, cx: &mut Cx) {
        if let Some(n) = self.note.as_mut() {
            match n.key(action, ev) {
                NoteKey::Typing => {}
                NoteKey::Cancel => self.note = None,
                NoteKey::Submit(note) => {
                    self.note = None;
                    self.refused = None;
                    cx.start(Cmd::CloseIncident { id: self.incident.id.clone(), note });
                }
            }
            return;
        }
        let Some(action) = action else { return };
        if self.scroll.apply(action, self.incident.timeline.entries.len(), cx.page) {
            return;
        }
        if action == Action::CloseIncident {
            self.close_key(cx);
        }
    }

    fn on_result(&mut self, _: &JobKey, r: &mut Option<Loaded>, cx: &mut Cx) -> bool {
        let id = self.incident.id.clone();
        match r.take() {
            Some(Loaded::Incident(i)) if i.id == id => {
                let changed = *i != self.incident;
                self.scroll.clamp(i.timeline.entries.len());
                self.incident = *i;
                changed
            }
            Some(Loaded::IncidentClosed(i)) if i.id == id => {
                let by = i.closed.as_ref().map_or("unknown", |c| c.operator.as_str());
                let text =
                    format!("incident {id} closed by {by}: the note is journaled in {}", self.places());
                cx.say(text);
                self.incident = *i;
                // The Alerts tab's list shows it closed when the view closes.
                cx.start(Cmd::LoadIncidents);
                true
            }
            Some(Loaded::IncidentNotClosed(i, why)) if i == id => {
                cx.error(format!("incident {id} not closed: {why}"));
                self.refused = Some(why);
                true
            }
            other => {
                *r = other;
                false
            }
        }
    }

    fn on_tick(&mut self, _: Shown, cx: &mut Cx) {
        cx.poll(Cmd::LoadIncident(self.incident.id.clone()));
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        draw::draw(f, area, self, cx.theme);
        if let Some(n) = &self.note {
            note::draw(f, area, &self.incident.id, &self.places(), n, cx.theme);
        }
    }
}

/// Whether an incident may still be closed.
pub fn closable(i: &Incident) -> bool {
    i.status == Status::Open
}
