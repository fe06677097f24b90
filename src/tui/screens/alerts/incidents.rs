//! The Alerts tab's incidents section: every incident the engine derives from the journals and
//! the alert log (docs/incidents.md), open and closed, newest first, as last read (or why the
//! read failed: then they are unknown, never "none"), and the selected one.

use crate::engine::incidents::{Incident, Status};
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Debug, Default)]
pub struct IncidentsList {
    /// None until read.
    pub all: Option<Vec<Incident>>,
    /// Why the last read failed, until one succeeds.
    pub error: Option<String>,
    pub sel: ListCursor,
}

impl IncidentsList {
    /// The incidents as read; returns whether anything shown changed. The selection follows
    /// its incident, not its index (a new incident comes first).
    pub fn loaded(&mut self, all: Vec<Incident>) -> bool {
        let changed = self.error.is_some() || self.all.as_ref() != Some(&all);
        let keep = self.selected().map(|i| i.id.clone());
        let found = keep.and_then(|id| all.iter().position(|i| i.id == id));
        self.sel.follow(found, all.len());
        self.all = Some(all);
        self.error = None;
        changed
    }

    /// A failed read: the list is unknown from now until a read succeeds.
    pub fn unread(&mut self, why: String) -> bool {
        let changed = self.error.as_ref() != Some(&why);
        self.error = Some(why);
        changed
    }

    pub fn rows(&self) -> &[Incident] {
        self.all.as_deref().unwrap_or(&[])
    }

    pub fn selected(&self) -> Option<&Incident> {
        self.sel.get(self.rows())
    }

    pub fn open(&self) -> usize {
        self.rows().iter().filter(|i| i.status == Status::Open).count()
    }
}
