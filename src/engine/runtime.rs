//! The one tokio runtime an [`Engine`](crate::engine::Engine) runs every venue call and stream
//! on. It is built on first use, so a command that never reaches a venue never starts it; the
//! engine's clones share it; and it is shut down when the last of them goes, waiting at most
//! [`SHUTDOWN_TIMEOUT`] for a stuck venue call, so a venue that never answers cannot hang exit.
//!
//! The synchronous facade (CLI commands, console jobs) waits on a venue future with
//! [`VenueRuntime::block_on`]; long-lived streams (account fills, live feeds) run as tasks
//! started with [`VenueRuntime::spawn`].

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;

use crate::engine::error::{Error, Result};

/// Worker threads: venue traffic is I/O, not compute; research runs elsewhere (rayon).
pub const WORKER_THREADS: usize = 2;
/// The name of the runtime's threads (workers and its blocking pool), as `top -H` shows them.
pub const THREAD_NAME: &str = "quantlab-venue";
/// How long dropping the last engine handle waits for venue calls still running.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// Venue runtimes built in this process so far: each one's serial is its number, so a thread
/// can tell which runtime it belongs to.
static BUILT: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The serial of the venue runtime this thread belongs to (0: none).
    static WORKER_OF: Cell<u64> = const { Cell::new(0) };
    /// Whether this thread is inside [`VenueRuntime::block_on`].
    static IN_BLOCK_ON: Cell<bool> = const { Cell::new(false) };
}

/// Marks the thread as inside `block_on` until dropped (a panic included).
struct InBlockOn;

impl InBlockOn {
    fn enter() -> InBlockOn {
        IN_BLOCK_ON.with(|b| b.set(true));
        InBlockOn
    }
}

impl Drop for InBlockOn {
    fn drop(&mut self) {
        IN_BLOCK_ON.with(|b| b.set(false));
    }
}

/// A cheap handle (clone it freely) to a lazily built multi-thread runtime.
#[derive(Clone, Default)]
pub struct VenueRuntime {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    rt: OnceLock<std::result::Result<(Runtime, u64), String>>,
}

impl std::fmt::Debug for VenueRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VenueRuntime").field("serial", &self.serial()).finish()
    }
}

impl VenueRuntime {
    /// A handle whose runtime is built on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the runtime has been built (a venue was used).
    pub fn started(&self) -> bool {
        self.serial().is_some()
    }

    /// The runtime's serial in this process (1 for the first one built), once built.
    pub fn serial(&self) -> Option<u64> {
        match self.inner.rt.get() {
            Some(Ok((_, serial))) => Some(*serial),
            _ => None,
        }
    }

    /// The serial of the venue runtime whose thread this is, if any: a task spawned from a venue
    /// call tells which runtime served it.
    pub fn of_current_thread() -> Option<u64> {
        Some(WORKER_OF.with(Cell::get)).filter(|s| *s != 0)
    }

    fn runtime(&self) -> Result<&Runtime> {
        let built = self.inner.rt.get_or_init(|| {
            let serial = BUILT.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name(THREAD_NAME)
                .on_thread_start(move || WORKER_OF.with(|w| w.set(serial)))
                .enable_all()
                .build()
                .map(|rt| (rt, serial))
                .map_err(|e| e.to_string())
        });
        match built {
            Ok((rt, _)) => Ok(rt),
            Err(e) => Err(Error::runtime(format!("cannot start the venue runtime: {e}"))),
        }
    }

    /// Run a venue future to completion from synchronous code (CLI commands, console jobs),
    /// which may call it from many threads at once. Refused on a thread of a venue runtime (a
    /// task of it, its blocking pool) and inside another `block_on`: blocking the workers a
    /// venue future needs would deadlock the runtime, so async code must `.await` instead.
    /// (Another runtime's rules are tokio's: a `spawn_blocking` thread may block, a worker not.)
    pub fn block_on<F: Future>(&self, f: F) -> Result<F::Output> {
        if VenueRuntime::of_current_thread().is_some() || IN_BLOCK_ON.with(Cell::get) {
            return Err(Error::runtime(
                "internal error: a blocking venue call was made from inside the venue runtime; \
                 async code must await the venue instead",
            ));
        }
        let rt = self.runtime()?;
        let _inside = InBlockOn::enter();
        Ok(rt.block_on(f))
    }

    /// Start a long-lived task (a stream) on the runtime; it runs until it ends or the runtime
    /// shuts down.
    pub fn spawn<F>(&self, f: F) -> Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Ok(self.runtime()?.spawn(f))
    }

    /// The runtime's handle, for code that spawns from outside it.
    pub fn handle(&self) -> Result<Handle> {
        Ok(self.runtime()?.handle().clone())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let Some(Ok((rt, _))) = self.rt.take() else { return };
        if Handle::try_current().is_ok() {
            // Dropped from async code (the last handle was held by a task): waiting is not
            // allowed there, so the workers are left to stop on their own.
            rt.shutdown_background();
        } else {
            rt.shutdown_timeout(SHUTDOWN_TIMEOUT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_built_once_on_first_use_and_shared_by_clones() {
        let rt = VenueRuntime::new();
        assert!(!rt.started(), "built before any venue call");
        let other = rt.clone();
        let probe = || async { tokio::spawn(async { VenueRuntime::of_current_thread() }).await.unwrap() };
        let a = rt.block_on(probe()).unwrap();
        let b = other.block_on(probe()).unwrap();
        assert!(a.is_some());
        assert_eq!(a, b);
        assert_eq!(a, rt.serial());
        let name = rt
            .block_on(async { tokio::spawn(async { std::thread::current().name().map(String::from) }).await })
            .unwrap()
            .unwrap();
        assert_eq!(name.as_deref(), Some(THREAD_NAME));
    }

    #[test]
    fn a_blocking_call_from_inside_the_runtime_is_an_error_not_a_deadlock() {
        let rt = VenueRuntime::new();
        let inner = rt.clone();
        let nested = rt.block_on(async move { inner.block_on(async { 1 }) }).unwrap();
        let e = nested.expect_err("nested block_on must be refused");
        assert!(e.message.contains("inside the venue runtime"), "{}", e.message);
        let inner = rt.clone();
        let from_task = rt
            .block_on(async move { tokio::spawn(async move { inner.block_on(async { 1 }).is_err() }).await })
            .unwrap()
            .unwrap();
        assert!(from_task, "block_on from a task of the runtime must be refused");
        // Refused, not poisoned: the next call from plain code works.
        assert_eq!(rt.block_on(async { 2 }).unwrap(), 2);
    }

    /// Tests (and any embedding program) call the engine from `spawn_blocking` threads of their
    /// own runtime: tokio allows blocking there, and so does the venue runtime.
    #[test]
    fn a_blocking_thread_of_another_runtime_may_wait_on_a_venue_call() {
        let other = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
        let rt = VenueRuntime::new();
        let got = other.block_on(async move {
            tokio::task::spawn_blocking(move || rt.block_on(async { 3 }).unwrap()).await.unwrap()
        });
        assert_eq!(got, 3);
    }
}
