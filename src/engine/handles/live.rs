//! `engine.live()`: live strategy sessions. Each runs in a runner process of its own and
//! turns its strategy's target changes into intents that wait for the operator's keypress.

use crate::engine::live::{self, LiveSession, LiveStartRequest, Portfolio};
use crate::engine::paper::launch;
use crate::engine::{Engine, Result};

/// Live strategy sessions: start, steer and read them.
#[derive(Clone, Copy)]
pub struct Live<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Live strategy sessions: start, steer and read them.
    pub fn live(&self) -> Live<'_> {
        Live { engine: self }
    }
}

impl Live<'_> {
    fn env(&self) -> live::Env<'_> {
        let e = self.engine;
        live::Env { ws: e.workspace(), rt: e.venue_runtime(), venues: e.adapters(), store: e.credentials() }
    }

    fn launch(&self, id: &str) -> Result<LiveSession> {
        let exe = match self.engine.runner() {
            Some(exe) => exe.to_path_buf(),
            None => launch::runner_exe()?,
        };
        let ws = self.engine.workspace();
        // The demo's runner reaches its simulator with the demo's loopback credential.
        let demo_env = match self.engine.demo_loopback() {
            Some(_) => {
                let s = live::status(ws, id)?;
                crate::engine::demo::loopback::DemoLoopback::runner_env(ws, &s.config.corridor)
            }
            None => None,
        };
        live::spawn_with_env(ws, id, &exe, demo_env.as_ref().map(|(n, v)| (*n, v)))
    }

    /// Check everything, create the session and launch its runner in the background. Starts
    /// and relaunches are admitted one at a time (`max_live_sessions` counts each the one
    /// before it made), until the runner has taken its session.
    pub fn start(&self, req: &LiveStartRequest) -> Result<LiveSession> {
        let _admit = self.engine.workspace().lock_named("live-admit")?;
        live::mark_dead(self.engine.workspace())?;
        let s = live::create(&self.env(), req)?;
        self.launch(&s.id)
    }

    /// Create a session and run it in this process until it ends (a script's `--foreground`).
    pub fn start_here(&self, req: &LiveStartRequest) -> Result<LiveSession> {
        let s = self.create(req)?;
        live::run(&self.env(), &s.id)
    }

    /// Run a created or resumed session in this process (what a runner process does).
    pub fn run(&self, id: &str) -> Result<LiveSession> {
        live::run(&self.env(), id)
    }

    /// [`Live::run`] on a feed the caller gives (rehearsals and tests script their bars).
    pub fn run_on(&self, id: &str, feed: Box<dyn crate::engine::paper::Feed>) -> Result<LiveSession> {
        live::run_on(&self.env(), id, feed)
    }

    /// Create a session without launching it (a caller that runs it with [`Live::run_on`]).
    pub fn create(&self, req: &LiveStartRequest) -> Result<LiveSession> {
        let _admit = self.engine.workspace().lock_named("live-admit")?;
        live::mark_dead(self.engine.workspace())?;
        live::create(&self.env(), req)
    }

    /// Every session (dead runners marked aborted first), oldest first.
    pub fn list(&self) -> Result<Vec<LiveSession>> {
        live::list(self.engine.workspace())
    }

    pub fn status(&self, id: &str) -> Result<LiveSession> {
        live::status(self.engine.workspace(), id)
    }

    pub fn pause(&self, id: &str) -> Result<LiveSession> {
        live::pause(self.engine.workspace(), id)
    }

    /// Resume a paused session (its corridor armed again), or relaunch an aborted one.
    pub fn resume(&self, id: &str) -> Result<LiveSession> {
        let _admit = self.engine.workspace().lock_named("live-admit")?;
        let (s, needs_runner) = live::resume(self.engine.workspace(), id)?;
        if needs_runner {
            return self.launch(id);
        }
        Ok(s)
    }

    /// [`Live::resume`], running an aborted session in this process.
    pub fn resume_here(&self, id: &str) -> Result<LiveSession> {
        let (s, needs_runner) = live::resume(self.engine.workspace(), id)?;
        if needs_runner {
            return self.run(id);
        }
        Ok(s)
    }

    /// The portfolio across live sessions now: each session's exposure and PnL today (unknown
    /// where a session's is), the sums and the policy's `[portfolio]` limits; written to
    /// `live_sessions/portfolio.json`.
    pub fn portfolio(&self) -> Result<Portfolio> {
        live::portfolio(self.engine.workspace())
    }

    /// The portfolio as it stands, without writing `portfolio.json`: what a console polls.
    pub fn portfolio_now(&self) -> Result<Portfolio> {
        live::portfolio_now(self.engine.workspace())
    }

    pub fn stop(&self, id: &str) -> Result<LiveSession> {
        live::stop(self.engine.workspace(), id)
    }
}
