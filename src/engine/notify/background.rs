//! Where the dispatcher runs: a thread of the console's process and of each live session's
//! runner (so alerts reach the operator while anything trades, console open or not), or
//! `quantlab notify run` as a service of its own. However many run, one delivers: the one
//! holding `notify/dispatcher.lock`; the others try again each second and take over when it
//! exits. The thread never touches the trading path: it reads the alert log and sends.

use std::fs::{File, OpenOptions, TryLockError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::dispatch::Dispatcher;
use super::state;
use crate::engine::error::{Error, Result};
use crate::engine::secrets::CredentialStore;
use crate::engine::time::{fmt_ms, now_ms};
use crate::engine::workspace::{read_json, write_json, Workspace};

/// How often the dispatcher looks at the alert log.
pub const PASS: Duration = Duration::from_secs(1);

/// Who holds the dispatcher lock (`notify/dispatcher.json`), for `notify status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    pub by: String,
    pub pid: u32,
    pub since: String,
}

fn lock_path(ws: &Workspace) -> std::path::PathBuf {
    state::dir(ws).join("dispatcher.lock")
}

fn holder_path(ws: &Workspace) -> std::path::PathBuf {
    state::dir(ws).join("dispatcher.json")
}

/// The dispatcher lock if no other process holds it.
fn try_lock(ws: &Workspace, by: &str) -> Result<Option<File>> {
    let p = lock_path(ws);
    std::fs::create_dir_all(state::dir(ws)).map_err(|e| Error::io("cannot create", &state::dir(ws), e))?;
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&p)
        .map_err(|e| Error::io("cannot open lock file", &p, e))?;
    match f.try_lock() {
        Ok(()) => {
            let h = Holder { by: by.to_string(), pid: std::process::id(), since: fmt_ms(now_ms()) };
            write_json(&holder_path(ws), &h)?;
            Ok(Some(f))
        }
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(Error::io("cannot lock", &p, e)),
    }
}

/// The process delivering now, if any (a holder record whose lock is free is stale).
pub fn holder(ws: &Workspace) -> Option<Holder> {
    let p = lock_path(ws);
    let f = OpenOptions::new().create(false).write(true).open(&p).ok()?;
    match f.try_lock() {
        // Nobody holds it: nothing delivers.
        Ok(()) => None,
        Err(_) => read_json(&holder_path(ws)).ok(),
    }
}

/// Pass after pass until `stop`: take the lock when it is free, deliver while holding it.
fn serve(ws: &Workspace, store: &Arc<dyn CredentialStore>, by: &str, stop: &AtomicBool) {
    let mut lock: Option<File> = None;
    let mut dispatcher: Option<Dispatcher> = None;
    let mut last_error: Option<String> = None;
    while !stop.load(Ordering::Relaxed) {
        // Without notify.toml notifications are off: nothing is locked or written.
        if lock.is_none() && super::config::path(ws).exists() {
            match try_lock(ws, by) {
                Ok(l) => lock = l,
                Err(e) => tracing::warn!("notify: {e}"),
            }
        }
        if lock.is_some() {
            if dispatcher.is_none() {
                match Dispatcher::new(ws.clone(), store.clone(), by) {
                    Ok(d) => dispatcher = Some(d),
                    Err(e) => tracing::error!("notify: {e}"),
                }
            }
            if let Some(d) = dispatcher.as_mut() {
                match d.tick(now_ms()) {
                    Ok(_) => last_error = None,
                    // Said once, not every second.
                    Err(e) if last_error.as_deref() != Some(e.message.as_str()) => {
                        tracing::warn!("notify: {}", e.message);
                        last_error = Some(e.message);
                    }
                    Err(_) => {}
                }
            }
        }
        let mut waited = Duration::ZERO;
        while waited < PASS && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
            waited += Duration::from_millis(50);
        }
    }
}

/// The dispatcher running in a thread of this process until dropped.
pub struct Background {
    stop: Arc<AtomicBool>,
    done: Option<mpsc::Receiver<()>>,
}

impl Background {
    /// Start the thread; `by` names this process in the delivery log. A thread that cannot
    /// start is logged, never an error: the process's own work goes on without it.
    pub fn start(ws: Workspace, store: Arc<dyn CredentialStore>, by: String) -> Background {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let flag = stop.clone();
        let spawned = std::thread::Builder::new().name("quantlab-notify".into()).spawn(move || {
            serve(&ws, &store, &by, &flag);
            let _ = tx.send(());
        });
        match spawned {
            Ok(_) => Background { stop, done: Some(rx) },
            Err(e) => {
                tracing::error!("notify: the dispatcher thread did not start: {e}");
                Background { stop, done: None }
            }
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // A send in flight ends within its timeout; the process does not wait that long to
        // exit (what was not sent is in the state file for the next dispatcher).
        if let Some(rx) = self.done.take() {
            let _ = rx.recv_timeout(Duration::from_secs(2));
        }
    }
}

/// `quantlab notify run`: serve in this thread until `stop`.
pub fn run(ws: &Workspace, store: Arc<dyn CredentialStore>, by: &str, stop: &AtomicBool) {
    serve(ws, &store, by, stop);
}
