//! The simulator's shared state as every handler holds it: one locked [`Sim`], and the faults
//! a request passes through before any venue logic runs. The server routes to the handlers;
//! the handlers know only this.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::faults::Faults;
use super::state::Sim;

/// How long a dropped acknowledgement holds the connection: longer than any client waits.
pub const DROP_ACK_HOLD: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct App {
    sim: Arc<Mutex<Sim>>,
}

impl App {
    pub fn new(sim: Sim) -> App {
        App { sim: Arc::new(Mutex::new(sim)) }
    }

    /// The lock is never held across an await.
    pub fn lock(&self) -> MutexGuard<'_, Sim> {
        self.sim.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Faults every request passes through: added latency, then an injected 5xx. `Some` is
    /// the reply to send instead of handling the request.
    pub async fn gate(&self) -> Option<Response> {
        let latency = self.lock().faults.latency_ms;
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        let mut sim = self.lock();
        if Faults::take(&mut sim.faults.http_5xx) {
            return Some(
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "<html><body><h1>503 Service Unavailable</h1></body></html>",
                )
                    .into_response(),
            );
        }
        None
    }

    /// The drop-ack fault: when it fires the action has taken effect, but the reply is held
    /// until the client has given up.
    pub async fn maybe_drop_ack(&self) {
        let fire = Faults::take(&mut self.lock().faults.drop_ack);
        if fire {
            tokio::time::sleep(DROP_ACK_HOLD).await;
        }
    }
}
