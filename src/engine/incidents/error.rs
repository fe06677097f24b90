//! What reviewing or closing an incident can fail on. The exit-code kind of each is in
//! `engine/error_kinds.rs`.

#[derive(Debug, Clone, thiserror::Error)]
pub enum IncidentError {
    /// A closing is the operator's note, journaled: an empty one says nothing.
    #[error("--note: closing an incident needs a note saying what was reviewed (it is journaled)")]
    NoteEmpty,
    #[error("no incident '{0}'; `quantlab incidents list --all` lists them")]
    NoIncident(String),
    #[error("incident {id} is already closed ({closed_at}, by {operator})")]
    AlreadyClosed { id: String, closed_at: String, operator: String },
}
