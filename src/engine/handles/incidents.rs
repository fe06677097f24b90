//! `engine.incidents()`: incident review. Incidents are derived from the corridors' journals
//! and the alert log on every call; closing one journals the operator's note.

use crate::engine::execution::operator_key::operator_name;
use crate::engine::incidents::{close, scan, Incident, Status};
use crate::engine::{Engine, Result};

/// Incidents: list, show, close.
#[derive(Clone, Copy)]
pub struct Incidents<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Incidents: every halt, kill, mismatch, breaker trip and critical alert, with its timeline.
    pub fn incidents(&self) -> Incidents<'_> {
        Incidents { engine: self }
    }
}

impl Incidents<'_> {
    /// The open incidents (every one with `all`), newest first, each with its timeline.
    pub fn list(&self, all: bool) -> Result<Vec<Incident>> {
        let mut out = scan::all(self.engine.workspace())?;
        out.retain(|i| all || i.status == Status::Open);
        Ok(out)
    }

    pub fn show(&self, id: &str) -> Result<Incident> {
        scan::find(self.engine.workspace(), id)
    }

    /// Close incident `id` with the operator's `note` (journaled); the incident as it now reads.
    pub fn close(&self, id: &str, note: &str) -> Result<Incident> {
        close::close(self.engine.workspace(), id, note, &operator_name()?)
    }
}
