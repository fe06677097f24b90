//! What a job is known by: its [`JobKey`]. The in-flight set, the status bar and a result's
//! routing all use it; the key also says which workers run the job.

use super::SessionOp;
use crate::engine::execution::CorridorId;

/// A job the console runs. Two commands with one key are the same job: at most one of them is
/// in flight (see [`super::Jobs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKey {
    Runs,
    Sweeps,
    Alerts,
    /// What is halted and what awaits approval.
    Execution,
    Detail(String),
    Compare(Vec<String>),
    Sweep(String),
    RunForm,
    PaperForm,
    Run {
        strategy: String,
        data: String,
        /// The parameters as the request has them (`k=v`, space separated, in name order, as
        /// the runs index writes them): another set is another run.
        params: String,
    },
    Ack(Option<String>),
    Kill,
    Pretrade,
    /// One at a time: a newer form's read replaces one held behind it.
    VenueFacts,
    SavePlan,
    PlanToIntent(String),
    Paper,
    PaperDetail(String),
    StartPaper {
        strategy: String,
        feed: String,
    },
    PaperOp(SessionOp, String),
    Live,
    LiveOp(SessionOp, String),
    Signals,
    SignalDetail(String),
    Research(String),
    Triage(String),
    /// Every corridor's summary, with the renewals and the detail it was asked for.
    CorridorPoll,
    CorridorDetail(CorridorId),
    Arm(CorridorId),
    Disarm(CorridorId),
    /// An account stream: long-lived, not a job in flight (the corridors screen tracks it).
    Watch(CorridorId),
    VenueRuntime,
    /// Approve and send this intent.
    Send(String),
    /// The promotion board.
    Promotion,
    /// Promote this candidate (the typed confirmation).
    Promote(String),
    /// Every incident.
    Incidents,
    /// One incident.
    Incident(String),
    /// Close this incident with a note.
    CloseIncident(String),
    /// The grant form's starting values for this corridor.
    GrantForm(CorridorId),
    /// The engine's look at a grant the form asks for on this corridor.
    CheckGrant(CorridorId),
    /// Make a grant on this corridor (the typed confirmation).
    MakeGrant(CorridorId),
    /// Every grant.
    Grants,
    /// Revoke this grant.
    RevokeGrant(String),
}

impl JobKey {
    /// Shown in the status bar while the job runs; loads run unannounced.
    pub fn label(&self) -> Option<String> {
        match self {
            JobKey::Run { strategy, data, .. } => Some(format!("running {strategy} on {data}")),
            JobKey::Kill => Some("kill switch: halting and cancelling".into()),
            JobKey::StartPaper { strategy, feed } => Some(format!("paper: starting {strategy} on {feed}")),
            JobKey::PaperOp(op, id) => Some(format!("paper: {op:?} {id}").to_lowercase()),
            JobKey::LiveOp(op, id) => Some(format!("live: {} {id}", op.name())),
            JobKey::Research(id) => Some(format!("researching signal {id}")),
            JobKey::Arm(id) => Some(format!("arming {id}")),
            JobKey::Send(intent) => Some(format!("sending {intent}")),
            JobKey::Promote(candidate) => Some(format!("promoting {candidate}")),
            JobKey::CloseIncident(id) => Some(format!("closing incident {id}")),
            JobKey::MakeGrant(id) => Some(format!("granting automation on {id}")),
            JobKey::RevokeGrant(id) => Some(format!("revoking {id}")),
            _ => None,
        }
    }

    /// Whether it is a job with one result (a stream is not, and is never held).
    pub fn tracked(&self) -> bool {
        !matches!(self, JobKey::Watch(_))
    }

    /// Which workers run it: see [`crate::tui::pool`].
    pub fn lane(&self) -> Lane {
        match self {
            JobKey::Kill => Lane::Kill,
            // A promotion or a grant is signed and journaled like an approval, and a revocation
            // stops automation: never behind a slow read.
            JobKey::Send(_) | JobKey::Promote(_) | JobKey::MakeGrant(_) | JobKey::RevokeGrant(_) => {
                Lane::Orders
            }
            JobKey::Watch(_) => Lane::Stream,
            JobKey::Run { .. } | JobKey::Research(_) => Lane::Research,
            JobKey::CorridorPoll | JobKey::CorridorDetail(_) | JobKey::Arm(_) | JobKey::Disarm(_) => {
                Lane::Venue
            }
            _ => Lane::Reads,
        }
    }
}

/// Where a job runs; each lane has its own workers, so a slow kind of work never holds up
/// another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Reads of the workspace and small writes (acknowledge, save a plan, steer a session).
    Reads,
    /// Backtests and signal research: seconds to minutes.
    Research,
    /// Venue calls: a corridor's detail, arming, disarming, the dead-man renewals.
    Venue,
    /// A confirmed order going out.
    Orders,
    /// The kill switch: a worker of its own that nothing else ever occupies.
    Kill,
    /// A long-lived account stream, on a thread of its own.
    Stream,
}
