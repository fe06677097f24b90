//! `engine.paper()`: paper sessions. Sessions run in runner processes of their own; these
//! calls start, steer and read them.

use crate::engine::paper::{self, launch, view, Session, StartRequest};
use crate::engine::{Engine, Result};

/// Paper sessions: start, steer and read them (each runs in a runner process of its own).
#[derive(Clone, Copy)]
pub struct Paper<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Paper sessions: start, steer and read them (each runs in a runner process of its own).
    pub fn paper(&self) -> Paper<'_> {
        Paper { engine: self }
    }
}

impl Paper<'_> {
    /// Create a session and launch its runner in the background.
    pub fn start(&self, req: &StartRequest) -> Result<Session> {
        paper::mark_dead(self.engine.workspace())?;
        let s = paper::create(self.engine.workspace(), self.engine.venue_runtime(), req)?;
        match self.engine.runner() {
            Some(exe) => launch::spawn_with(self.engine.workspace(), &s.id, exe),
            None => launch::spawn(self.engine.workspace(), &s.id),
        }
    }

    /// Every session (dead runners marked aborted first), newest first, with its health.
    pub fn sessions(&self) -> Result<Vec<view::SessionView>> {
        let ws = self.engine.workspace();
        Ok(paper::list(ws)?.into_iter().map(|s| view::view(ws, s)).collect())
    }

    pub fn detail(&self, id: &str) -> Result<view::Detail> {
        view::detail(self.engine.workspace(), paper::status(self.engine.workspace(), id)?)
    }

    pub fn pause(&self, id: &str) -> Result<Session> {
        paper::pause(self.engine.workspace(), id)
    }

    /// Resume a paused session, or relaunch an aborted one from its last persisted bar.
    pub fn resume(&self, id: &str) -> Result<Session> {
        launch::resume_in_background(self.engine.workspace(), id, self.engine.runner())
    }

    pub fn stop(&self, id: &str) -> Result<Session> {
        paper::stop(self.engine.workspace(), id)
    }

    /// Create a session and run it in this process until it ends (a script's `--foreground`).
    pub fn start_here(&self, req: &StartRequest) -> Result<Session> {
        let (ws, rt) = (self.engine.workspace(), self.engine.venue_runtime());
        paper::mark_dead(ws)?;
        let s = paper::create(ws, rt, req)?;
        paper::run(ws, rt, &s.id)
    }

    /// Run a created session in this process until it ends (what a runner process does).
    pub fn run(&self, id: &str) -> Result<Session> {
        paper::run(self.engine.workspace(), self.engine.venue_runtime(), id)
    }

    /// Resume a paused or aborted session; one that needs a runner runs in this process.
    pub fn resume_here(&self, id: &str) -> Result<Session> {
        let (s, needs_runner) = paper::resume(self.engine.workspace(), id)?;
        if needs_runner {
            return self.run(id);
        }
        Ok(s)
    }

    /// Every session as recorded (dead runners marked aborted first), newest first.
    pub fn list(&self) -> Result<Vec<Session>> {
        paper::list(self.engine.workspace())
    }

    /// One session as recorded.
    pub fn status(&self, id: &str) -> Result<Session> {
        paper::status(self.engine.workspace(), id)
    }
}
