//! Starting a session's runner as a background process of its own, so the session outlives
//! the command (or console) that started it. The CLI and the console both launch through here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::session::{self, Session, Status};
use super::PaperError;
use super::{control, resume, Workspace};
use crate::engine::error::Result;

/// How long a new runner has to take its session before the launch is called failed.
pub const TAKE_WITHIN: Duration = Duration::from_secs(10);

/// A session (paper or live) just created whose runner has not taken it yet is being
/// launched, not dead.
pub fn launching(status: Status, created_at: &str) -> bool {
    let young = crate::engine::time::parse_timestamp(created_at)
        .is_ok_and(|at| crate::engine::time::now_ms() - at < TAKE_WITHIN.as_millis() as i64 * 2);
    status == Status::Created && young
}

/// The program that runs sessions: this one, unless `QUANTLAB_RUNNER` names another build of
/// quantlab (embedders whose own executable is not quantlab set it, or choose one per engine:
/// [`crate::engine::Engine::with_runner`]).
pub fn runner_exe() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("QUANTLAB_RUNNER") {
        return Ok(PathBuf::from(p));
    }
    Ok(std::env::current_exe().map_err(|source| PaperError::NoProgram { source })?)
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
    cmd.spawn().map_err(|source| PaperError::Spawn { source })?;
    let deadline = Instant::now() + TAKE_WITHIN;
    loop {
        let s = session::load(ws, id)?;
        let taken = control::alive(ws, id);
        if (taken && s.status != Status::Created && s.pid.is_some()) || s.status.is_terminal() {
            return Ok(s);
        }
        if Instant::now() > deadline {
            return Err(PaperError::NotTaken { id: id.into(), secs: TAKE_WITHIN.as_secs() }.into());
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
