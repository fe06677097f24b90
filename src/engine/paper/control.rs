//! How commands talk to a running session, and how a dead one is recognised. The operator's
//! wish is a small file the runner reads between bars; the runner holds a lock on its session
//! for as long as it lives, so a lock anyone can take means no runner.

use std::fs::{File, OpenOptions};

use serde::{Deserialize, Serialize};

use super::session;
use super::PaperError;
use crate::engine::error::{Error, Result};
use crate::engine::workspace::{read_json, write_json, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Desired {
    Running,
    Paused,
    Stopped,
}

#[derive(Debug, Serialize, Deserialize)]
struct Control {
    desired: Desired,
}

fn path(ws: &Workspace, id: &str) -> std::path::PathBuf {
    session::dir(ws, id).join("control.json")
}

pub fn set(ws: &Workspace, id: &str, desired: Desired) -> Result<()> {
    write_json(&path(ws, id), &Control { desired })
}

/// What the operator wants; running when nothing was asked.
pub fn get(ws: &Workspace, id: &str) -> Desired {
    read_json::<Control>(&path(ws, id)).map(|c| c.desired).unwrap_or(Desired::Running)
}

pub fn clear(ws: &Workspace, id: &str) {
    let _ = std::fs::remove_file(path(ws, id));
}

fn lock_file(ws: &Workspace, id: &str) -> Result<File> {
    let p = session::dir(ws, id).join("runner.lock");
    OpenOptions::new().create(true).truncate(false).write(true).open(&p).map_err(|e| Error::io("open", &p, e))
}

/// Take the session for this process; refused if another runner has it.
pub fn hold(ws: &Workspace, id: &str) -> Result<File> {
    let f = lock_file(ws, id)?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(PaperError::AlreadyRunning(id.into()).into()),
        Err(std::fs::TryLockError::Error(source)) => Err(PaperError::Lock { id: id.into(), source }.into()),
    }
}

/// A runner process holds the session now.
pub fn alive(ws: &Workspace, id: &str) -> bool {
    match lock_file(ws, id) {
        Ok(f) => matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}
