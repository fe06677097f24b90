//! How the boundary reaches a venue without naming one: an [`AdapterFactory`] given to it
//! from outside. The venues implement it (the Engine is built with theirs); tests can give
//! their own. Execution code never imports a venue module: it sees a venue only as a
//! [`BrokerAdapter`] trait object made here, and knows its endpoints only by asking
//! [`AdapterFactory::loopback`]. (The engine's module graph test holds execution to that.)

use std::sync::Arc;

use super::broker::BrokerAdapter;
use super::model::CorridorId;
use crate::engine::error::{Error, ErrorKind, Result};
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

/// A corridor's adapter, and where its credential came from (the store and the name, never
/// the value), for a venue that takes one.
pub struct Connection {
    pub adapter: Arc<dyn BrokerAdapter>,
    pub credential_source: Option<String>,
}

/// Opens corridors' adapters (the fake venue's too) and says where live ones point.
pub trait AdapterFactory: Send + Sync {
    /// The adapter of corridor `id`; a live venue's with its credential from `store`. Errors
    /// never carry a credential.
    fn connect(&self, ws: &Workspace, id: &CorridorId, store: &dyn CredentialStore) -> Result<Connection>;

    /// `Ok` when every URL corridor `id` reaches (its endpoints as they read now) is loopback;
    /// else why not. Asked before an approval signed with the loopback simulator's
    /// environment key is trusted.
    fn loopback(&self, ws: &Workspace, id: &CorridorId) -> std::result::Result<(), String>;
}

/// The factory of a corridor opened without one: it reaches no venue and vouches for no
/// endpoint, so an environment-key approval is refused there (fail closed).
pub struct NoVenues;

impl AdapterFactory for NoVenues {
    fn connect(&self, _: &Workspace, id: &CorridorId, _: &dyn CredentialStore) -> Result<Connection> {
        Err(Error::new(
            ErrorKind::Venue,
            format!("corridor {id}: no venue adapters were given to this engine"),
        ))
    }

    fn loopback(&self, _: &Workspace, id: &CorridorId) -> std::result::Result<(), String> {
        Err(format!(
            "corridor {id} was opened without its venues' endpoints, so none is known to be loopback"
        ))
    }
}
