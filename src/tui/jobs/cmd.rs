//! What the console asks of the engine: one [`Cmd`] per kind of work, and the job each is.

use std::sync::Arc;

use super::JobKey;
use crate::engine::execution::CorridorId;
use crate::engine::research::ProgressTracker;
use crate::engine::research::RunRequest;

// Not Clone: a SendConfirmed carries the operator's one-time Confirmation.
#[derive(Debug)]
pub enum Cmd {
    LoadRuns,
    LoadSweeps,
    LoadAlerts,
    LoadDetail(String),
    LoadCompare(Vec<String>),
    LoadSweep(String),
    LoadForm,
    StartRun(Box<RunRequest>),
    Ack(Option<String>),
    LoadCorridors,
    /// The kill switch, after its confirm.
    Kill,
    LoadPretrade,
    /// What a corridor's venue says of an instrument and its account (the Pre-trade form).
    ReadVenueFacts(crate::engine::execution::Venue, String, String),
    SavePlan(Box<crate::engine::pretrade::PlanInput>),
    PlanToIntent(String),
    LoadPaper,
    LoadPaperDetail(String),
    LoadPaperForm,
    StartPaper(Box<crate::engine::paper::StartRequest>),
    Paper(SessionOp, String),
    /// Every live strategy session.
    LoadLive,
    Live(SessionOp, String),
    LoadSignals,
    LoadSignalDetail(String),
    /// Research a signal in the background (sweeps, walk-forward, verdict), reporting each
    /// sweep's and walk-forward's progress into `progress` (the status bar reads it).
    ResearchSignal {
        id: String,
        progress: Arc<ProgressTracker>,
    },
    TriageSignal(String),
    /// Renew armed corridors' dead-man timers, read one corridor's detail, and summarise them
    /// all (the status bar's halts and approvals, the Corridors list), each journal read once.
    PollCorridors(crate::engine::CorridorPoll),
    LoadCorridorDetail(CorridorId),
    Arm(CorridorId),
    Disarm(CorridorId),
    /// Stream an armed live corridor's own orders and fills (a long-lived worker).
    WatchFills(CorridorId),
    /// Whether the engine's venue runtime runs (the About tab).
    ReadVenueRuntime,
    /// Approve with the confirm dialog's confirmation, and send.
    SendConfirmed(Box<crate::engine::execution::Confirmation>),
    /// The promotion board: every candidate's rows (the Promotion tab).
    LoadPromotion,
    /// Promote with the Promotion dialog's typed confirmation (signed and journaled).
    Promote(Box<crate::engine::promotion::PromotionConfirmation>),
    /// Every incident, open and closed, newest first (the Alerts tab's incidents).
    LoadIncidents,
    /// One incident with its timeline, read again.
    LoadIncident(String),
    /// Close an incident with the operator's note (journaled, as `incidents close` does).
    CloseIncident {
        id: String,
        note: String,
    },
    /// What the grant form starts with for this corridor: the candidate promoted there, its
    /// policy's allowlist and limits.
    LoadGrantForm(CorridorId),
    /// What the engine finds wrong with the grant the form asks for (the dialog shows it).
    CheckGrant(Box<crate::engine::automation::GrantTarget>),
    /// Make the grant with the grant dialog's typed confirmation (signed and journaled).
    MakeGrant(Box<crate::engine::automation::GrantConfirmation>),
    /// Every grant and its state (the Corridors tab shows the selected corridor's).
    LoadGrants,
    /// Revoke a live grant with the operator's reason (journaled, its key deleted).
    RevokeGrant {
        id: String,
        reason: String,
    },
}

/// What the operator asked of a session, paper or live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOp {
    Pause,
    Resume,
    Stop,
}

impl SessionOp {
    pub fn name(self) -> &'static str {
        match self {
            SessionOp::Pause => "pause",
            SessionOp::Resume => "resume",
            SessionOp::Stop => "stop",
        }
    }
}

impl Cmd {
    /// The job this command is: at most one of each is in flight, and its result comes back
    /// paired with it.
    pub fn key(&self) -> JobKey {
        use JobKey as K;
        match self {
            Cmd::LoadRuns => K::Runs,
            Cmd::LoadSweeps => K::Sweeps,
            Cmd::LoadAlerts => K::Alerts,
            Cmd::LoadDetail(id) => K::Detail(id.clone()),
            Cmd::LoadCompare(ids) => K::Compare(ids.clone()),
            Cmd::LoadSweep(id) => K::Sweep(id.clone()),
            Cmd::LoadForm => K::RunForm,
            Cmd::StartRun(r) => K::Run {
                strategy: r.strategy.clone(),
                data: r.data.clone(),
                params: r.params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "),
            },
            Cmd::Ack(id) => K::Ack(id.clone()),
            Cmd::LoadCorridors => K::Execution,
            Cmd::Kill => K::Kill,
            Cmd::LoadPretrade => K::Pretrade,
            Cmd::ReadVenueFacts(..) => K::VenueFacts,
            Cmd::SavePlan(_) => K::SavePlan,
            Cmd::PlanToIntent(id) => K::PlanToIntent(id.clone()),
            Cmd::LoadPaper => K::Paper,
            Cmd::LoadPaperDetail(id) => K::PaperDetail(id.clone()),
            Cmd::LoadPaperForm => K::PaperForm,
            Cmd::StartPaper(r) => K::StartPaper { strategy: r.strategy.clone(), feed: r.feed.clone() },
            Cmd::Paper(op, id) => K::PaperOp(*op, id.clone()),
            Cmd::LoadLive => K::Live,
            Cmd::Live(op, id) => K::LiveOp(*op, id.clone()),
            Cmd::LoadSignals => K::Signals,
            Cmd::LoadSignalDetail(id) => K::SignalDetail(id.clone()),
            Cmd::ResearchSignal { id, .. } => K::Research(id.clone()),
            Cmd::TriageSignal(id) => K::Triage(id.clone()),
            Cmd::PollCorridors(_) => K::CorridorPoll,
            Cmd::LoadCorridorDetail(id) => K::CorridorDetail(id.clone()),
            Cmd::Arm(id) => K::Arm(id.clone()),
            Cmd::Disarm(id) => K::Disarm(id.clone()),
            Cmd::WatchFills(id) => K::Watch(id.clone()),
            Cmd::ReadVenueRuntime => K::VenueRuntime,
            Cmd::SendConfirmed(c) => K::Send(c.intent_id().to_string()),
            Cmd::LoadPromotion => K::Promotion,
            Cmd::Promote(c) => K::Promote(c.target().candidate.clone()),
            Cmd::LoadIncidents => K::Incidents,
            Cmd::LoadIncident(id) => K::Incident(id.clone()),
            Cmd::CloseIncident { id, .. } => K::CloseIncident(id.clone()),
            Cmd::LoadGrantForm(id) => K::GrantForm(id.clone()),
            Cmd::CheckGrant(t) => K::CheckGrant(t.corridor.clone()),
            Cmd::MakeGrant(c) => K::MakeGrant(c.target().corridor.clone()),
            Cmd::LoadGrants => K::Grants,
            Cmd::RevokeGrant { id, .. } => K::RevokeGrant(id.clone()),
        }
    }

    /// Where the job reports its progress, if it does.
    pub fn tracker(&self) -> Option<Arc<ProgressTracker>> {
        match self {
            Cmd::ResearchSignal { progress, .. } => Some(Arc::clone(progress)),
            _ => None,
        }
    }

    /// What runs once the job in flight is done, when `self` is held for it and `newer` is
    /// asked for too: the newer request, except that corridor polls add up, so a renewal held
    /// behind a running poll is not lost to a reload asked for after it.
    pub(super) fn then(self, newer: Cmd) -> Cmd {
        match (self, newer) {
            (Cmd::PollCorridors(old), Cmd::PollCorridors(mut new)) => {
                for id in old.keep_alive {
                    if !new.keep_alive.contains(&id) {
                        new.keep_alive.push(id);
                    }
                }
                new.detail = new.detail.or(old.detail);
                Cmd::PollCorridors(new)
            }
            (_, newer) => newer,
        }
    }
}
