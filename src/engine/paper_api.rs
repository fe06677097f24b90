//! The engine's paper-session entry points, shared by the CLI and the console. Sessions run
//! in runner processes of their own; these calls start, steer and read them.

use crate::engine::paper::{self, launch, view, Session, StartRequest};
use crate::engine::{Engine, Result};

impl Engine {
    /// Create a session and launch its runner in the background.
    pub fn paper_start(&self, req: &StartRequest) -> Result<Session> {
        paper::mark_dead(self.workspace())?;
        let s = paper::create(self.workspace(), self.venue_runtime(), req)?;
        match self.runner() {
            Some(exe) => launch::spawn_with(self.workspace(), &s.id, exe),
            None => launch::spawn(self.workspace(), &s.id),
        }
    }

    /// Every session (dead runners marked aborted first), newest first, with its health.
    pub fn paper_sessions(&self) -> Result<Vec<view::SessionView>> {
        let ws = self.workspace();
        Ok(paper::list(ws)?.into_iter().map(|s| view::view(ws, s)).collect())
    }

    pub fn paper_detail(&self, id: &str) -> Result<view::Detail> {
        view::detail(self.workspace(), paper::status(self.workspace(), id)?)
    }

    pub fn paper_pause(&self, id: &str) -> Result<Session> {
        paper::pause(self.workspace(), id)
    }

    /// Resume a paused session, or relaunch an aborted one from its last persisted bar.
    pub fn paper_resume(&self, id: &str) -> Result<Session> {
        launch::resume_in_background(self.workspace(), id, self.runner())
    }

    pub fn paper_stop(&self, id: &str) -> Result<Session> {
        paper::stop(self.workspace(), id)
    }
}
