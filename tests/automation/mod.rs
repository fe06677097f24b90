//! Automation inside signed grants (docs/automation.md): grants made by the typed confirmation,
//! automated approvals inside every limit, what revokes a grant, and the chain operator ->
//! grant -> approval that `audit verify` checks.

mod anomalies;
mod chain;
mod cli;
mod grants;
pub mod rig;
