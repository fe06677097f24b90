//! How the boundary reaches a live venue without naming one: an [`AdapterFactory`] given to it
//! from outside. The venues implement it (the Engine is built with theirs); tests can give
//! their own. Execution code never imports a venue module: it sees a venue only as a
//! [`BrokerAdapter`] trait object made here, and knows its endpoints only by asking
//! [`AdapterFactory::loopback`].

use std::sync::Arc;

use super::broker::BrokerAdapter;
use super::model::CorridorId;
use crate::engine::error::{Error, ErrorKind, Result};
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

/// A live corridor's adapter, and where its credential came from (the store and the name,
/// never the value).
pub struct Connection {
    pub adapter: Arc<dyn BrokerAdapter>,
    pub credential_source: String,
}

/// Opens the adapters of live corridors and says where they point.
pub trait AdapterFactory: Send + Sync {
    /// The adapter of live corridor `id`, with its credential from `store`. Errors never
    /// carry a credential.
    fn connect(&self, ws: &Workspace, id: &CorridorId, store: &dyn CredentialStore) -> Result<Connection>;

    /// `Ok` when every URL corridor `id` reaches (its endpoints as they read now) is loopback;
    /// else why not. Asked before an approval signed with the loopback simulator's
    /// environment key is trusted.
    fn loopback(&self, ws: &Workspace, id: &CorridorId) -> std::result::Result<(), String>;
}

/// The factory of a corridor opened without one: it reaches no live venue and vouches for no
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The boundary depends on no venue. Rust cannot forbid one module of a crate to import
    /// another, so this walks every execution source file and fails on any path into the
    /// venues module (`venues::...`, or `venues` in a `use` of any shape).
    #[test]
    fn execution_names_no_venue_module() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/execution");
        let needle = ["venues", "::"].concat();
        let mut files = vec![root.clone()];
        let mut hits = Vec::new();
        let mut seen = 0;
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            seen += 1;
            let text = std::fs::read_to_string(&p).unwrap();
            let code: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect();
            for (n, line) in code.iter().enumerate() {
                if line.contains(&needle) {
                    hits.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                }
            }
            // `use crate::engine::{alerts, venues};`, over one line or several.
            for chunk in code.join(" ").split(';') {
                let start = chunk.match_indices("use ").map(|(i, _)| i).filter(|&i| {
                    chunk[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '_')
                });
                let Some(stmt) = start.last().map(|i| &chunk[i..]) else { continue };
                if stmt.split(|c: char| !c.is_alphanumeric() && c != '_').any(|t| t == "venues") {
                    hits.push(format!("{}: {stmt}", p.display()));
                }
            }
        }
        assert!(seen > 20, "found only {seen} source files under {}", root.display());
        assert!(hits.is_empty(), "execution imports a venue module:\n{}", hits.join("\n"));
    }
}
