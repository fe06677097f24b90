//! What the console asks of the engine: one [`Cmd`] per kind of work, and the job each is.

use super::JobKey;
use crate::engine::execution::CorridorId;
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
    SavePlan(Box<crate::engine::pretrade::PlanInput>),
    PlanToIntent(String),
    LoadPaper,
    LoadPaperDetail(String),
    LoadPaperForm,
    StartPaper(Box<crate::engine::paper::StartRequest>),
    Paper(PaperOp, String),
    LoadSignals,
    LoadSignalDetail(String),
    /// Research a signal in the background (sweeps, walk-forward, verdict).
    ResearchSignal(String),
    TriageSignal(String),
    LoadCorridorList,
    LoadCorridorDetail(CorridorId),
    Arm(CorridorId),
    Disarm(CorridorId),
    /// Renew an armed corridor's dead-man timer.
    KeepAlive(CorridorId),
    /// Stream an armed live corridor's own orders and fills (a long-lived worker).
    WatchFills(CorridorId),
    /// Approve with the confirm dialog's confirmation, and send.
    SendConfirmed(Box<crate::engine::execution::Confirmation>),
}

/// What the operator asked of a paper session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperOp {
    Pause,
    Resume,
    Stop,
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
                params: format!("{:?}", r.params),
            },
            Cmd::Ack(id) => K::Ack(id.clone()),
            Cmd::LoadCorridors => K::Execution,
            Cmd::Kill => K::Kill,
            Cmd::LoadPretrade => K::Pretrade,
            Cmd::SavePlan(_) => K::SavePlan,
            Cmd::PlanToIntent(id) => K::PlanToIntent(id.clone()),
            Cmd::LoadPaper => K::Paper,
            Cmd::LoadPaperDetail(id) => K::PaperDetail(id.clone()),
            Cmd::LoadPaperForm => K::PaperForm,
            Cmd::StartPaper(r) => K::StartPaper { strategy: r.strategy.clone(), feed: r.feed.clone() },
            Cmd::Paper(op, id) => K::PaperOp(*op, id.clone()),
            Cmd::LoadSignals => K::Signals,
            Cmd::LoadSignalDetail(id) => K::SignalDetail(id.clone()),
            Cmd::ResearchSignal(id) => K::Research(id.clone()),
            Cmd::TriageSignal(id) => K::Triage(id.clone()),
            Cmd::LoadCorridorList => K::CorridorList,
            Cmd::LoadCorridorDetail(id) => K::CorridorDetail(id.clone()),
            Cmd::Arm(id) => K::Arm(id.clone()),
            Cmd::Disarm(id) => K::Disarm(id.clone()),
            Cmd::KeepAlive(id) => K::KeepAlive(id.clone()),
            Cmd::WatchFills(id) => K::Watch(id.clone()),
            Cmd::SendConfirmed(c) => K::Send(c.intent_id().to_string()),
        }
    }
}
