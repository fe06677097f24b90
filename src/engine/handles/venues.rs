//! `engine.venues()`: what the engine knows of venues outside a corridor: the credentials kept
//! for them (names only, never values), the doctor's checks, an order's preview, and the
//! loopback simulator.

use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use crate::engine::execution::{CorridorId, Venue};
use crate::engine::secrets::{self, CredentialKey, Secret, SecretsError};
use crate::engine::venues::connect::{self, Live};
use crate::engine::venues::sim::faults::FaultChange;
use crate::engine::venues::{doctor, preview, sim, VenueEvent};
use crate::engine::{Engine, Result};

/// A credential's name and whether the store holds it; never its value. A venue credential
/// names its venue and account, an operator's signing key its operator.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialName {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<Venue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    pub stored_at: String,
    pub present: Option<bool>,
}

/// Venue credentials, the doctor, previews and the loopback simulator.
#[derive(Clone, Copy)]
pub struct Venues<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Venue credentials, the doctor, previews and the loopback simulator.
    pub fn venues(&self) -> Venues<'_> {
        Venues { engine: self }
    }
}

impl Venues<'_> {
    pub fn secret_set(&self, venue: Venue, account: &str, secret: &Secret) -> Result<CredentialKey> {
        CorridorId::new(venue, account)?;
        if secret.expose().trim().is_empty() {
            return Err(SecretsError::Empty.into());
        }
        let key = CredentialKey::new(venue, account);
        self.engine.credentials().set(&key, secret)?;
        secrets::index::add(self.engine.workspace(), &key)?;
        Ok(key)
    }

    pub fn secrets(&self) -> Result<Vec<CredentialName>> {
        Ok(secrets::index::read(self.engine.workspace())
            .credentials
            .into_iter()
            .map(|n| {
                let (venue, account, operator) = match &n.key {
                    CredentialKey::Venue { venue, account } => (Some(*venue), Some(account.clone()), None),
                    CredentialKey::Operator { operator } => (None, None, Some(operator.clone())),
                    CredentialKey::Automation { .. } => (None, None, None),
                    // A notification channel's secret: its name (`notify/<channel>`) says it.
                    CredentialKey::Notify { .. } => (None, None, None),
                };
                CredentialName {
                    name: n.key.name(),
                    present: self.engine.credentials().get(&n.key).ok().map(|s| s.is_some()),
                    venue,
                    account,
                    operator,
                    stored_at: n.stored_at,
                }
            })
            .collect())
    }

    pub fn secret_delete(&self, venue: Venue, account: &str) -> Result<bool> {
        let key = CredentialKey::new(venue, account);
        let existed = self.engine.credentials().delete(&key)?;
        secrets::index::remove(self.engine.workspace(), &key)?;
        Ok(existed)
    }

    /// The doctor's checks of one corridor's venue: endpoints, credential, clock, the
    /// account's reads (see [`doctor::doctor`]).
    pub fn doctor(&self, id: &CorridorId) -> Result<doctor::Report> {
        doctor::doctor(self.engine.workspace(), self.engine.credentials(), self.engine.venue_runtime(), id)
    }

    /// The exact request an order would be, its signature withheld; with `validate`, the venue
    /// checks it without placing anything (see [`preview::preview`]).
    pub fn preview(&self, id: &CorridorId, ask: preview::Ask, validate: bool) -> Result<preview::Preview> {
        let e = self.engine;
        preview::preview(e.workspace(), e.credentials(), e.venue_runtime(), id, ask, validate)
    }

    /// Run the loopback simulator from its TOML `config` on `listen` until interrupted;
    /// `ready` is told the bound address (see [`sim::run`]).
    pub fn simulate(
        &self,
        config: &std::path::Path,
        listen: std::net::SocketAddr,
        ready: impl FnOnce(std::net::SocketAddr),
    ) -> Result<()> {
        sim::run(self.engine.workspace(), config, listen, ready)
    }

    /// Change a running simulator's faults at `url` (see [`sim::send_fault`]).
    pub fn sim_fault(&self, url: &str, change: &FaultChange) -> Result<serde_json::Value> {
        sim::send_fault(self.engine.venue_runtime(), url, change)
    }
}

type OnEnd = Box<dyn FnOnce(StreamEnd) + Send>;

fn end(slot: &Mutex<Option<OnEnd>>, how: StreamEnd) {
    if let Some(f) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
        f(how)
    }
}

/// How an account stream ended: the venue's reason, or the follower's choice to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEnd {
    /// The stream could not open or closed; the text says why (no credential, no value).
    Ended(String),
    /// `on_event` returned `false`: the follower went away.
    Stopped,
}

impl Venues<'_> {
    /// Follow one live account's own order and fill pushes (Kraken executions and balances,
    /// Hyperliquid orderUpdates and userFills) on the engine's venue runtime: `on_event` gets
    /// each as it arrives until it returns `false`, then `on_end` says how it ended. Returns at
    /// once; opening reads the credential store, which may block, so it runs on a thread of its
    /// own, not on a runtime worker.
    pub fn follow_account(
        &self,
        id: CorridorId,
        mut on_event: impl FnMut(VenueEvent) -> bool + Send + 'static,
        on_end: impl FnOnce(StreamEnd) + Send + 'static,
    ) {
        let engine = self.engine.clone();
        std::thread::spawn(move || {
            let live = match connect::open(engine.workspace(), &id, engine.credentials()) {
                Ok((live, _, _)) => live,
                Err(_) => return on_end(StreamEnd::Ended("cannot open the venue's account stream".into())),
            };
            // `on_end` goes to whichever side ends the stream: the task, or the spawn's failure.
            let on_end: OnEnd = Box::new(on_end);
            let task_end = Arc::new(Mutex::new(Some(on_end)));
            let spawn_end = task_end.clone();
            let spawned = engine.spawn(async move {
                let stream = match &live {
                    Live::Kraken(a) => a.user_stream().await,
                    Live::Hyperliquid(a) => a.user_stream().await,
                };
                let mut rx = match stream {
                    Ok(rx) => rx,
                    Err(e) => return end(&task_end, StreamEnd::Ended(e.to_string())),
                };
                while let Some(event) = rx.recv().await {
                    if !on_event(event) {
                        return end(&task_end, StreamEnd::Stopped);
                    }
                }
                end(&task_end, StreamEnd::Ended("the account stream closed".into()));
            });
            if let Err(e) = spawned {
                end(&spawn_end, StreamEnd::Ended(e.message));
            }
        });
    }
}
