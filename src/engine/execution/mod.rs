//! The execution safety boundary. Nothing reaches a venue except through a [`Corridor`]:
//! intents are checked against the operator's [`policy`] in [`preflight`], approved, written to
//! the [`journal`] and only then sent through a [`broker::BrokerAdapter`]. The kill switch,
//! the breaker and reconciliation halt corridors; the promotion gate guards the first live
//! stage. This module depends on no venue; venues depend on it: a live venue is reached
//! through the [`adapter_factory::AdapterFactory`] the engine gives it, and the plain data
//! shared with venues is in [`model`].

pub mod error;
pub mod journal_error;
pub mod operator_key_error;
pub mod policy_error;
pub mod signature_error;
inner_modules! {
    adapter_factory,
    approval_sign,
    arm_state,
    audit,
    audit_halt,
    audit_report,
    broker,
    confirmation,
    context,
    corridor,
    exits,
    incident_ledger,
    intent,
    journal,
    journal_head,
    journal_segment,
    model,
    operator_key,
    operators,
    policy,
    preflight,
    promote,
    state,
}
#[cfg(test)]
mod exits_replay_tests;

mod service;

pub use adapter_factory::{AdapterFactory, Connection};
pub use approval_sign::OperatorKey;
pub use arm_state::ArmState;
pub use audit_report::{AuditReport, CorridorAudit};
pub use confirmation::Confirmation;
pub use corridor::arming::ArmReport;
pub use corridor::{Corridor, CrashPoint, SubmitOutcome};
pub use error::ExecutionError;
pub use intent::IntentSpec;
pub use model::exits::leg_name;
pub use model::{parse_decimal, AttachedExits};
pub use model::{CorridorId, IntentSource, OrderType, Side, TimeInForce, Venue};
pub use policy::{LoadedPolicy, PortfolioPolicy};
pub use preflight::{Check, ExecutionPreflight};
pub use service::*;

/// Where each corridor keeps its files.
pub mod paths {
    use std::path::PathBuf;

    use super::model::CorridorId;
    use crate::engine::workspace::Workspace;

    pub fn corridors(ws: &Workspace) -> PathBuf {
        ws.root().join("corridors")
    }

    pub fn corridor(ws: &Workspace, id: &CorridorId) -> PathBuf {
        corridors(ws).join(id.venue.name()).join(&id.account)
    }

    pub fn journal(ws: &Workspace, id: &CorridorId) -> PathBuf {
        corridor(ws, id).join("journal.jsonl")
    }

    pub fn promotions(ws: &Workspace, id: &CorridorId) -> PathBuf {
        corridor(ws, id).join("promotion")
    }

    /// The fake venue's state for one account.
    pub fn fake_venue(ws: &Workspace, account: &str) -> PathBuf {
        ws.root().join("venues").join("fake").join(format!("{account}.json"))
    }
}

/// The kill switch for every corridor at once: a marker file that outlives any process and any
/// corridor created later, removed only by a rearm that reconciled every corridor.
pub mod global_halt {
    use serde::{Deserialize, Serialize};

    use crate::engine::error::Result;
    use crate::engine::time::{fmt_ms, now_ms};
    use crate::engine::workspace::{read_json, write_json, Workspace};

    #[derive(Debug, Serialize, Deserialize)]
    struct Marker {
        schema: String,
        reason: String,
        at: String,
    }

    fn path(ws: &Workspace) -> std::path::PathBuf {
        super::paths::corridors(ws).join("halt.json")
    }

    pub fn set(ws: &Workspace, reason: &str) -> Result<()> {
        let m = Marker { schema: "quantlab.global_halt".into(), reason: reason.into(), at: fmt_ms(now_ms()) };
        write_json(&path(ws), &m)
    }

    /// The reason every corridor is halted, if it is. An unreadable marker still halts.
    pub fn reason(ws: &Workspace) -> Option<String> {
        let p = path(ws);
        if !p.exists() {
            return None;
        }
        Some(
            read_json::<Marker>(&p)
                .map(|m| format!("{} (since {})", m.reason, m.at))
                .unwrap_or_else(|e| format!("halt marker {} unreadable: {e}", p.display())),
        )
    }

    pub fn clear(ws: &Workspace) -> Result<()> {
        let p = path(ws);
        match std::fs::remove_file(&p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(crate::engine::Error::io("remove the halt marker", &p, e)),
        }
    }
}
