//! The Paper tab's state: the sessions as last read (with their health), totals across the
//! live ones, and the selection.

use crate::engine::paper::{totals, SessionView, Totals};
use crate::tui::widgets::list_cursor::ListCursor;

#[derive(Debug, Default)]
pub struct PaperScreen {
    pub sessions: Vec<SessionView>,
    pub totals: Totals,
    pub sel: ListCursor,
    pub loaded: bool,
    /// A session to select once the list is reloaded (the one just started).
    pub pending_select: Option<String>,
}

impl PaperScreen {
    pub fn loaded(&mut self, sessions: Vec<SessionView>) {
        let keep = self.selected_id().map(String::from);
        self.totals = totals(&sessions);
        self.sessions = sessions;
        self.loaded = true;
        // The list is newest first and grows at the top: follow the session, not the row.
        let want = self.pending_select.take().or(keep);
        let found = want.and_then(|id| self.sessions.iter().position(|v| v.session.id == id));
        self.sel.follow(found, self.sessions.len());
    }

    pub fn selected(&self) -> Option<&SessionView> {
        self.sel.get(&self.sessions)
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selected().map(|v| v.session.id.as_str())
    }

    /// Some session may still change on its own (a runner is alive): worth polling.
    pub fn any_live(&self) -> bool {
        self.sessions.iter().any(|v| v.session.status.is_live())
    }
}
