//! Incident review. Every halt (the kill switch, the breaker, a reconciliation mismatch, a
//! failed audit) and every critical alert opens an incident; its timeline is assembled from the
//! corridor's journal and the alert log: what happened, what the operator saw and did, and the
//! venue's state before and after as the journal recorded it. Incidents are derived, never
//! stored, so they cannot drift from the journals and alerts; the one record kept is the
//! operator's closing, journaled in each corridor the incident touched (or, for an incident of
//! no corridor, in `incidents/closings.jsonl`). An open incident on a corridor blocks its
//! promotion (execution's promotion gate). docs/incidents.md.

pub mod error;
inner_modules! {
    close,
    closings,
    derive,
    describe,
    model,
    scan,
    timeline,
}

pub use error::IncidentError;
pub use model::{Incident, Row, Status, Timeline, VenueState, VenueView, INCIDENT_SCHEMA};
