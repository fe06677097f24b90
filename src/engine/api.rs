//! The engine handle: one entry point per capability, shared by the CLI and the console.

use std::path::Path;

use crate::engine::alerts::{self, AlertView};
use crate::engine::check::{run_checks, CheckLine};
use crate::engine::demo::loopback::DemoLoopback;
use crate::engine::error::Result;
use crate::engine::execution::adapter_factory::AdapterFactory;
use crate::engine::execution::approval_sign::OperatorKey;
use crate::engine::runtime::VenueRuntime;
use crate::engine::venues::factory::VenueAdapters;
use crate::engine::workspace::Workspace;

/// Clones share the workspace, the credential store, the adapter factory and the venue runtime:
/// a console hands one to each of its workers.
#[derive(Clone)]
pub struct Engine {
    ws: Workspace,
    credentials: std::sync::Arc<dyn crate::engine::secrets::CredentialStore>,
    /// How execution reaches venues: the venues' own factory unless a test gave another.
    adapters: std::sync::Arc<dyn AdapterFactory>,
    /// The program that runs this engine's paper sessions, when it is not this one.
    runner: Option<std::path::PathBuf>,
    venues: VenueRuntime,
    /// The demo's loopback credentials and operator key (`quantlab demo` only).
    demo: Option<std::sync::Arc<DemoLoopback>>,
}

impl Engine {
    /// An engine on `ws` whose credentials live in the OS keyring.
    pub fn open(ws: Workspace) -> Engine {
        Engine::with_credentials(ws, std::sync::Arc::new(crate::engine::secrets::KeyringStore))
    }

    /// The same with another credential store (tests use the in-memory one).
    pub fn with_credentials(
        ws: Workspace,
        store: std::sync::Arc<dyn crate::engine::secrets::CredentialStore>,
    ) -> Engine {
        Engine {
            ws,
            credentials: store,
            venues: VenueRuntime::new(),
            adapters: std::sync::Arc::new(VenueAdapters),
            runner: None,
            demo: None,
        }
    }

    /// The demo's engine (`quantlab demo`): the OS keyring, except that the demo's simulator
    /// accounts have the demo's throwaway credentials and approvals on them are signed with
    /// the demo's in-memory key, each only while the account's endpoints are loopback
    /// (engine/demo/loopback.rs). Real venues read the keyring as ever.
    pub fn for_demo(ws: Workspace) -> Engine {
        let store = crate::engine::demo::loopback::DemoStore {
            inner: std::sync::Arc::new(crate::engine::secrets::KeyringStore),
            ws: ws.clone(),
        };
        let mut e = Engine::with_credentials(ws, std::sync::Arc::new(store));
        e.demo = Some(std::sync::Arc::new(DemoLoopback::new()));
        e
    }

    /// The demo's loopback credentials, on the demo's engine only.
    pub(crate) fn demo_loopback(&self) -> Option<&DemoLoopback> {
        self.demo.as_deref()
    }

    /// The key approvals and promotions on the live corridor `id` are signed with: the
    /// operator's from the keyring (or, for the loopback simulator where no keyring works, the
    /// environment's); on the demo's engine, the demo's own key, for a loopback corridor only.
    pub(crate) fn live_operator_key(&self, id: &crate::engine::execution::CorridorId) -> Result<OperatorKey> {
        let loopback = || self.adapters.loopback(&self.ws, id);
        match &self.demo {
            Some(demo) => {
                let (k, warning) = demo.operator_key(&self.ws, loopback)?;
                tracing::info!("{warning}");
                Ok(k)
            }
            None => Ok(OperatorKey::for_live(self.credentials(), &self.ws, loopback)?.0),
        }
    }

    /// The same engine reaching venues through `adapters` instead of the venues' own
    /// factory (tests put a fake venue behind a live venue's name).
    pub fn with_adapters(mut self, adapters: std::sync::Arc<dyn AdapterFactory>) -> Engine {
        self.adapters = adapters;
        self
    }

    /// The factory execution opens venue adapters with.
    pub fn adapters(&self) -> &std::sync::Arc<dyn AdapterFactory> {
        &self.adapters
    }

    /// The same engine launching its paper sessions' runners with `exe`, a quantlab build, rather
    /// than this program (tests and embedders whose own executable is not quantlab). Unlike
    /// `QUANTLAB_RUNNER`, it is this engine's alone, not the whole process's.
    pub fn with_runner(mut self, exe: impl Into<std::path::PathBuf>) -> Engine {
        self.runner = Some(exe.into());
        self
    }

    /// The runner program [`Engine::with_runner`] chose, if any.
    pub(crate) fn runner(&self) -> Option<&Path> {
        self.runner.as_deref()
    }

    /// The runtime every venue call and stream of this engine (and its clones) runs on.
    pub fn venue_runtime(&self) -> &VenueRuntime {
        &self.venues
    }

    /// Run a venue future to completion on the engine's runtime (see [`VenueRuntime::block_on`]).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> Result<F::Output> {
        self.venues.block_on(f)
    }

    /// Start a stream on the engine's runtime (see [`VenueRuntime::spawn`]).
    pub fn spawn<F>(&self, f: F) -> Result<tokio::task::JoinHandle<F::Output>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.venues.spawn(f)
    }

    pub fn credentials(&self) -> &dyn crate::engine::secrets::CredentialStore {
        self.credentials.as_ref()
    }

    /// The credential store, shared: for a thread of this engine's (the notification
    /// dispatcher) that outlives a borrow.
    pub(crate) fn credentials_shared(&self) -> std::sync::Arc<dyn crate::engine::secrets::CredentialStore> {
        self.credentials.clone()
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    pub fn check(&self) -> Vec<CheckLine> {
        run_checks(&self.ws)
    }

    pub fn alerts(&self) -> Result<Vec<AlertView>> {
        alerts::list(&self.ws)
    }

    /// Acknowledge one alert, or all unacknowledged ones with `None`.
    pub fn ack_alerts(&self, id: Option<&str>) -> Result<Vec<String>> {
        alerts::ack(&self.ws, id)
    }
}
