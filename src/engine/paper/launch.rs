//! Starting a session's runner as a background process of its own, so the session outlives
//! the command (or console) that started it. The CLI and the console both launch through here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::session::{self, Session, Status};
use super::{control, resume, Workspace};
use crate::engine::error::{Error, Result};

/// How long a new runner has to take its session before the launch is called failed.
pub const TAKE_WITHIN: Duration = Duration::from_secs(10);

/// The program that runs sessions: this one, unless `QUANTLAB_RUNNER` names another build of
/// quantlab (embedders whose own executable is not quantlab set it, or choose one per engine:
/// [`crate::engine::Engine::with_runner`]).
pub fn runner_exe() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("QUANTLAB_RUNNER") {
        return Ok(PathBuf::from(p));
    }
    std::env::current_exe().map_err(|e| Error::runtime(format!("cannot find this program: {e}")))
}

/// Launch the runner for `id` (its own process group, so the terminal's Ctrl-C does not reach
/// it), then wait until it has taken the session.
pub fn spawn(ws: &Workspace, id: &str) -> Result<Session> {
    spawn_with(ws, id, &runner_exe()?)
}

/// [`spawn`] with the runner program `exe`.
pub fn spawn_with(ws: &Workspace, id: &str, exe: &Path) -> Result<Session> {
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--workspace")
        .arg(ws.root())
        .args(["paper", "run", id])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.spawn().map_err(|e| Error::runtime(format!("cannot start the session runner: {e}")))?;
    let deadline = Instant::now() + TAKE_WITHIN;
    loop {
        let s = session::load(ws, id)?;
        let taken = control::alive(ws, id);
        if (taken && s.status != Status::Created && s.pid.is_some()) || s.status.is_terminal() {
            return Ok(s);
        }
        if Instant::now() > deadline {
            return Err(Error::runtime(format!(
                "the runner for {id} did not start within {} s; see the workspace logs, then `quantlab paper resume {id}`",
                TAKE_WITHIN.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Resume a paused session (its runner picks it up) or an aborted one (a new runner is
/// launched: `runner`, else [`runner_exe`]).
pub fn resume_in_background(ws: &Workspace, id: &str, runner: Option<&Path>) -> Result<Session> {
    let (s, needs_runner) = resume(ws, id)?;
    match (needs_runner, runner) {
        (false, _) => Ok(s),
        (true, Some(exe)) => spawn_with(ws, id, exe),
        (true, None) => spawn(ws, id),
    }
}
