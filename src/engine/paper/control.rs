//! How commands talk to a running session, and how a dead one is recognised. The operator's
//! wish is a small file the runner reads between bars; the runner holds a lock on its session
//! for as long as it lives, so a lock anyone can take means no runner.

use std::fs::{File, OpenOptions};
use std::path::Path;

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

// The same files serve live strategy sessions: the `_in` forms take the session's folder.

pub fn set(ws: &Workspace, id: &str, desired: Desired) -> Result<()> {
    set_in(&session::dir(ws, id), desired)
}

/// What the operator wants; running when nothing was asked.
pub fn get(ws: &Workspace, id: &str) -> Desired {
    get_in(&session::dir(ws, id))
}

pub fn clear(ws: &Workspace, id: &str) {
    clear_in(&session::dir(ws, id))
}

pub fn set_in(dir: &Path, desired: Desired) -> Result<()> {
    write_json(&dir.join("control.json"), &Control { desired })
}

pub fn get_in(dir: &Path) -> Desired {
    read_json::<Control>(&dir.join("control.json")).map(|c| c.desired).unwrap_or(Desired::Running)
}

pub fn clear_in(dir: &Path) {
    let _ = std::fs::remove_file(dir.join("control.json"));
}

fn lock_file(dir: &Path) -> Result<File> {
    let p = dir.join("runner.lock");
    OpenOptions::new().create(true).truncate(false).write(true).open(&p).map_err(|e| Error::io("open", &p, e))
}

/// Take the session for this process; refused if another runner has it.
pub fn hold(ws: &Workspace, id: &str) -> Result<File> {
    match hold_in(&session::dir(ws, id))? {
        Ok(f) => Ok(f),
        Err(None) => Err(PaperError::AlreadyRunning(id.into()).into()),
        Err(Some(source)) => Err(PaperError::Lock { id: id.into(), source }.into()),
    }
}

/// The runner lock of the session in `dir`: `Ok(file)` held by this process now, `Err(None)`
/// held by another, `Err(Some(e))` the lock failed.
pub fn hold_in(dir: &Path) -> Result<std::result::Result<File, Option<std::io::Error>>> {
    let f = lock_file(dir)?;
    Ok(match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(None),
        Err(std::fs::TryLockError::Error(e)) => Err(Some(e)),
    })
}

/// A runner process holds the session now.
pub fn alive(ws: &Workspace, id: &str) -> bool {
    alive_in(&session::dir(ws, id))
}

pub fn alive_in(dir: &Path) -> bool {
    match lock_file(dir) {
        Ok(f) => matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}
