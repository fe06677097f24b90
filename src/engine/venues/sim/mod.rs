//! The loopback venue simulator: Kraken and Hyperliquid on one loopback port, with their real
//! request and response shapes, signature and nonce checks, a matching engine fed by a
//! replayed or seeded market, fault injection, a request log, and state that survives a
//! restart. Every adapter test and demo runs against it (docs/simulator.md).

pub mod app;
pub mod attached;
pub mod book;
pub mod config;
pub mod embedded;
pub mod error;
pub mod exchange;
pub mod faults;
pub mod hl_rest;
pub mod instruments;
pub mod kraken_ids;
pub mod kraken_rest;
pub mod margin;
pub mod market;
pub mod reqlog;
pub mod server;
pub mod state;
pub mod ws;

use std::net::SocketAddr;
use std::path::Path;

use crate::engine::error::Result;
use crate::engine::workspace::Workspace;
use error::SimError;

/// Run the simulator until SIGINT or SIGTERM. `ready` gets the bound address (the port may
/// have been 0) once the listener is up, before the first request can arrive.
pub fn run(
    ws: &Workspace,
    config_path: &Path,
    listen: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    server::check_loopback(&listen)?;
    let cfg = config::SimConfig::load(config_path)?;
    let sim = state::Sim::open(&cfg, config_path, ws)?;
    // The simulator is a process of its own (`quantlab sim`), the venue side of the wire: it
    // keeps its own runtime rather than the engine's venue runtime, which carries the client's
    // traffic.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(SimError::Runtime)?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| SimError::Bind { addr: listen, source })?;
        let bound = listener.local_addr().map_err(|source| SimError::LocalAddr { addr: listen, source })?;
        let app = server::App::new(sim);
        ready(bound);
        let stopper = app.clone();
        server::serve(app, listener, async move {
            shutdown_signal().await;
            // Websockets would hold a graceful shutdown open forever: close them first.
            stopper.lock().ws_generation.send_modify(|g| *g += 1);
        })
        .await
    })
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

/// Apply a fault to a running simulator through its control path.
pub fn send_fault(
    rt: &crate::engine::runtime::VenueRuntime,
    url: &str,
    change: &faults::FaultChange,
) -> Result<serde_json::Value> {
    let endpoint = format!("{}/_sim/fault", url.trim_end_matches('/'));
    rt.block_on(async {
        let reply = reqwest::Client::new()
            .post(&endpoint)
            .json(change)
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .map_err(|source| SimError::Control { endpoint: endpoint.clone(), source })?;
        reply
            .json::<serde_json::Value>()
            .await
            .map_err(|source| SimError::Control { endpoint: endpoint.clone(), source }.into())
    })?
}
