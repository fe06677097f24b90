//! The lifecycle paper and live sessions share: which status may pause, resume or stop, and how
//! a session whose runner died is marked aborted. One place, so the two kinds cannot drift apart;
//! each kind turns a [`Refusal`] into its own typed error.

use crate::engine::alerts;
use crate::engine::error::Result;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::Workspace;

use super::launch;
use super::session::{Session, Status};

/// What the lifecycle refuses, with the status that refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotPausable(Status),
    NotResumable(Status),
    AlreadyEnded(Status),
}

/// Only a running session, or one about to run, can be asked to pause.
pub fn pausable(status: Status) -> std::result::Result<(), Refusal> {
    match status {
        Status::Running | Status::Created => Ok(()),
        other => Err(Refusal::NotPausable(other)),
    }
}

/// A paused session resumes through its control file; an aborted one needs a new runner (`true`).
pub fn resume_needs_runner(status: Status) -> std::result::Result<bool, Refusal> {
    match status {
        Status::Paused => Ok(false),
        Status::Aborted => Ok(true),
        other => Err(Refusal::NotResumable(other)),
    }
}

/// How a stop is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopStep {
    /// No runner: the record is marked stopped here ([`STOPPED_AFTER_ABORT`]).
    MarkStopped,
    /// A runner finishes its bar and writes its artifacts.
    AskRunner,
}

pub const STOPPED_AFTER_ABORT: &str = "stopped by the operator after an abort";

pub fn stop_step(status: Status) -> std::result::Result<StopStep, Refusal> {
    match status {
        st if st.is_terminal() => Err(Refusal::AlreadyEnded(st)),
        Status::Aborted => Ok(StopStep::MarkStopped),
        _ => Ok(StopStep::AskRunner),
    }
}

/// A session record as the lifecycle sees it.
pub trait Record {
    /// `paper` or `live`: the subcommand that resumes it.
    const KIND: &'static str;
    /// The alert raised when its runner is found dead.
    const ABORTED_CODE: (&'static str, alerts::Severity);
    /// What a resume continues from, for the abort's reason.
    const RESUMES_FROM: &'static str;

    fn id(&self) -> &str;
    fn status(&self) -> Status;
    fn created_at(&self) -> &str;
    /// The alert source naming it.
    fn source(&self) -> String;
    /// Whether a runner process holds it now.
    fn runner_alive(&self, ws: &Workspace) -> bool;
    /// Set status, reason, pid and end time for an abort.
    fn set_aborted(&mut self, reason: String, at: String);
    fn save(&mut self, ws: &Workspace) -> Result<()>;
}

/// Sessions whose runner died while they were live are marked aborted (with an alert), never left
/// "running". A session just created is given its launch window first. Returns the ids marked.
pub fn mark_dead<R: Record>(ws: &Workspace, sessions: Vec<R>) -> Result<Vec<String>> {
    let mut marked = Vec::new();
    for mut s in sessions {
        let launching = launch::launching(s.status(), s.created_at());
        if !s.status().is_live() || launching || s.runner_alive(ws) {
            continue;
        }
        let reason = format!(
            "its process ended while {} (found {}); `quantlab {} resume {}` continues from {}",
            s.status().name(),
            fmt_ms(now_ms()),
            R::KIND,
            s.id(),
            R::RESUMES_FROM,
        );
        s.set_aborted(reason.clone(), fmt_ms(now_ms()));
        s.save(ws)?;
        let _ = alerts::raise(ws, R::ABORTED_CODE, &s.source(), &reason);
        marked.push(s.id().to_string());
    }
    Ok(marked)
}

/// A paper session's record.
impl Record for Session {
    const KIND: &'static str = "paper";
    const ABORTED_CODE: (&'static str, alerts::Severity) = alerts::codes::PAPER_SESSION_ABORTED;
    const RESUMES_FROM: &'static str = "the last bar";

    fn id(&self) -> &str {
        &self.id
    }
    fn status(&self) -> Status {
        self.status
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
    fn source(&self) -> String {
        format!("paper:{}", self.id)
    }
    fn runner_alive(&self, ws: &Workspace) -> bool {
        super::control::alive(ws, &self.id)
    }
    fn set_aborted(&mut self, reason: String, at: String) {
        (self.status, self.reason, self.pid, self.ended_at) = (Status::Aborted, Some(reason), None, Some(at));
    }
    fn save(&mut self, ws: &Workspace) -> Result<()> {
        Session::save(self, ws)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Status; 8] = [
        Status::Created,
        Status::Running,
        Status::Paused,
        Status::Stopping,
        Status::Completed,
        Status::Stopped,
        Status::Failed,
        Status::Aborted,
    ];

    #[test]
    fn each_status_pauses_resumes_and_stops_by_one_rule() {
        for st in ALL {
            assert_eq!(pausable(st).is_ok(), matches!(st, Status::Running | Status::Created), "{st:?}");
            match resume_needs_runner(st) {
                Ok(needs) => assert_eq!(needs, st == Status::Aborted, "{st:?}"),
                Err(r) => {
                    assert_eq!(r, Refusal::NotResumable(st));
                    assert!(!matches!(st, Status::Paused | Status::Aborted));
                }
            }
            match stop_step(st) {
                Err(r) => assert_eq!((r, st.is_terminal()), (Refusal::AlreadyEnded(st), true)),
                Ok(step) => assert_eq!(step == StopStep::MarkStopped, st == Status::Aborted, "{st:?}"),
            }
        }
    }
}
