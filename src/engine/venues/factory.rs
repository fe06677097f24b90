//! The venues as the execution boundary reaches them: its [`AdapterFactory`], which the Engine
//! is built with. The fake venue from its state in the workspace; Kraken and Hyperliquid
//! through `venues.toml` and their credential ([`connect::open`]); and whether a corridor's
//! endpoints are loopback from `venues.toml` as it reads now.

use std::sync::Arc;

use super::connect::{self, corridor_loopback};
use super::fake::FakeVenue;
use crate::engine::error::Result;
use crate::engine::execution::adapter_factory::{AdapterFactory, Connection};
use crate::engine::execution::{paths, CorridorId, Venue};
use crate::engine::secrets::{CredentialKey, CredentialStore};
use crate::engine::workspace::Workspace;

/// Every venue QuantLab trades on, as adapters for the execution boundary.
pub struct VenueAdapters;

impl AdapterFactory for VenueAdapters {
    fn connect(&self, ws: &Workspace, id: &CorridorId, store: &dyn CredentialStore) -> Result<Connection> {
        if id.venue == Venue::Fake {
            let adapter = Arc::new(FakeVenue::persistent(paths::fake_venue(ws, &id.account))?);
            return Ok(Connection { adapter, credential_source: None });
        }
        let (live, _, warning) = connect::open(ws, id, store)?;
        let name = CredentialKey::new(id.venue, &id.account).name();
        let credential_source = match warning {
            Some(_) => format!("{name} from the environment (loopback simulator only: no keyring here)"),
            None => format!("{name} from {}", store.name()),
        };
        Ok(Connection { adapter: live.into_adapter(), credential_source: Some(credential_source) })
    }

    fn loopback(&self, ws: &Workspace, id: &CorridorId) -> std::result::Result<(), String> {
        corridor_loopback(ws, id)
    }
}
