//! The simulator inside another program (the demo's console): on a free port of 127.0.0.1, on a
//! thread with a runtime of its own (the venue side of the wire, apart from the engine's venue
//! runtime that carries the client's traffic), and stopped (its websockets closed, its state
//! saved, its port closed) when the handle is stopped or dropped. A process that dies takes it
//! along: nothing is left listening after the program that started it.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use super::error::SimError;
use super::{config, server, state};
use crate::engine::error::{Error, Result};
use crate::engine::workspace::Workspace;

/// A running simulator; [`Embedded::stop`] or drop ends it.
pub struct Embedded {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl std::fmt::Debug for Embedded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedded").field("addr", &self.addr).finish()
    }
}

/// How long a start may take before it is called failed.
const START_WITHIN: Duration = Duration::from_secs(10);

impl Embedded {
    /// Start the simulator of `config_path` (its state and request log where the config says)
    /// on 127.0.0.1 and a port the system picks.
    pub fn start(ws: &Workspace, config_path: &Path) -> Result<Embedded> {
        let listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 0));
        server::check_loopback(&listen)?;
        let cfg = config::SimConfig::load(config_path)?;
        let sim = state::Sim::open(&cfg, config_path, ws)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("sim")
            .enable_all()
            .build()
            .map_err(SimError::Runtime)?;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<SocketAddr>>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sim-server".into())
            .spawn(move || {
                rt.block_on(async move {
                    let bound = async {
                        let listener = tokio::net::TcpListener::bind(listen)
                            .await
                            .map_err(|source| SimError::Bind { addr: listen, source })?;
                        let addr = listener
                            .local_addr()
                            .map_err(|source| SimError::LocalAddr { addr: listen, source })?;
                        Ok::<_, Error>((listener, addr))
                    };
                    let (listener, addr) = match bound.await {
                        Ok(b) => b,
                        Err(e) => {
                            let message = e.message.clone();
                            let _ = ready_tx.send(Err(e));
                            return Err(Error::runtime(message));
                        }
                    };
                    let app = server::App::new(sim);
                    let _ = ready_tx.send(Ok(addr));
                    let stopper = app.clone();
                    server::serve(app, listener, async move {
                        let _ = stopped.await;
                        // Websockets would hold a graceful shutdown open forever: close them first.
                        stopper.lock().ws_generation.send_modify(|g| *g += 1);
                    })
                    .await
                })
            })
            .map_err(SimError::Runtime)?;
        let addr = match ready_rx.recv_timeout(START_WITHIN) {
            Ok(Ok(addr)) => addr,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                let _ = stop.send(());
                return Err(SimError::Runtime(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("the simulator did not start listening within {} s", START_WITHIN.as_secs()),
                ))
                .into());
            }
        };
        Ok(Embedded { addr, stop: Some(stop), thread: Some(thread) })
    }

    /// Where it listens: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Close its websockets, save its state and close its port; the server's own error, if any.
    pub fn stop(mut self) -> Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(Error::runtime("the simulator's thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::warn!("the simulator stopped with an error: {}", e.message);
        }
    }
}
