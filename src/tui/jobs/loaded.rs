//! What a job hands back to the UI.

use crate::engine::alerts::AlertView;
use crate::engine::research::IndexEntry;
use crate::engine::research::RunReport;
use crate::engine::research::SweepSummary;
use crate::tui::screens::compare::load::CompareView;
use crate::tui::screens::new_run::fields::RunForm;
use crate::tui::screens::paper_session::load::PaperDetailView;
use crate::tui::screens::run_detail::load::RunDetail;
use crate::tui::screens::signal_detail::load::SignalDetailView;
use crate::tui::screens::sweep::load::SweepView;

/// What the status bar says of execution: what is halted, how many intents wait for an
/// operator's approval (pending and not expired), and which corridors run under automation.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionState {
    pub halted: Option<String>,
    pub awaiting_approval: usize,
    /// The live grants, or why they could not be read (then automation is unknown, not off).
    pub automation: Result<Vec<LiveGrant>, String>,
}

impl Default for ExecutionState {
    /// Before the first poll: nothing known to be halted, waiting or automated.
    fn default() -> ExecutionState {
        ExecutionState { halted: None, awaiting_approval: 0, automation: Ok(Vec::new()) }
    }
}

/// A live grant as the status bar shows it: where, today's budget left, and when it ends. Kept
/// from the poll so drawing reads no file; the time left is counted from the app's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveGrant {
    pub corridor: crate::engine::execution::CorridorId,
    pub orders_left_today: u32,
    pub max_orders_per_day: u32,
    pub expires_ms: i64,
}

impl LiveGrant {
    pub fn of(v: &crate::engine::automation::GrantView) -> LiveGrant {
        LiveGrant {
            corridor: v.grant.corridor.clone(),
            orders_left_today: v.orders_left_today,
            max_orders_per_day: v.grant.limits.max_orders_per_day,
            expires_ms: v.grant.expires_ms,
        }
    }
}

/// Everything a background job can hand back to the UI.
#[derive(Debug)]
pub enum Loaded {
    Runs(Vec<IndexEntry>),
    Sweeps(Vec<SweepSummary>),
    Alerts(Vec<AlertView>),
    Detail(Box<RunDetail>),
    Compare(Box<CompareView>),
    Sweep(Box<SweepView>),
    Form(Box<RunForm>),
    RunDone(Box<RunReport>),
    /// A run from the form failed (its report, if any, is in the index).
    RunFailed(String),
    Acked(Vec<String>),
    /// Why execution is halted, if it is.
    Corridors(ExecutionState),
    /// The kill switch is done (its alerts say what it did).
    Killed,
    /// Saved plans, and the policy they are checked against (or why it could not be read).
    Pretrade(
        Vec<crate::engine::pretrade::Plan>,
        Result<Option<crate::engine::execution::LoadedPolicy>, String>,
    ),
    VenueFacts(Box<crate::engine::pretrade::VenueFacts>),
    /// A plan was written: its id, and whether the policy accepted it.
    PlanSaved(String, bool),
    IntentDrafted(String),
    Paper(Vec<crate::engine::paper::SessionView>),
    PaperDetail(Box<PaperDetailView>),
    /// A session was started, paused, resumed or stopped: its id and what happened.
    PaperChanged(String, String),
    /// The live sessions, oldest first (as the engine lists them).
    /// The sessions, and the portfolio across them (or why it could not be read).
    Live(
        Vec<crate::engine::live::LiveSession>,
        Box<std::result::Result<crate::engine::live::Portfolio, String>>,
    ),
    /// A live session was paused, resumed or stopped: its id and what happened.
    LiveChanged(String, String),
    /// The signals, and when they were read.
    Signals(Vec<crate::engine::signals::SignalRow>, i64),
    SignalDetail(Box<SignalDetailView>),
    /// A signal's research ended: the verdict (kind, id) or why not.
    SignalResearched {
        id: String,
        outcome: Result<(crate::engine::signals::VerdictKind, String), String>,
    },
    /// A signal was triaged again: its id, and its decision now.
    SignalTriaged(String, crate::engine::signals::Decision),
    CorridorList(Vec<(crate::engine::CorridorSummary, crate::engine::execution::ArmState)>),
    /// One corridor poll's results, each applied as if it came alone: each renewal
    /// (`KeptAlive`), the detail when asked, and the snapshot (`Corridors` for the status bar,
    /// `CorridorList` for the Corridors tab).
    CorridorPoll(Vec<crate::engine::Result<Loaded>>),
    CorridorDetail(Box<crate::engine::CorridorDetail>),
    Armed(Box<crate::engine::execution::ArmReport>),
    Disarmed(crate::engine::execution::CorridorId),
    KeptAlive(crate::engine::execution::CorridorId, Result<(), String>),
    Sent(Box<crate::engine::ConfirmedSend>),
    Watching(crate::engine::execution::CorridorId),
    /// Whether the engine's venue runtime runs (a venue was used).
    VenueRuntime(bool),
    /// A send that did not happen (refused or failed): why.
    SendFailed(String),
    /// The promotion board as read (demotions made first).
    Promotion(Box<crate::engine::promotion::Board>),
    /// The board could not be read: why (the tab shows it unknown, not empty).
    PromotionUnread(String),
    /// A promotion written: the signed decision.
    Promoted(Box<crate::engine::promotion::Decision>),
    /// A promotion refused at the key or failed (the gate evaluated again, a stale dialog, the
    /// key): the candidate, and why. Nothing was written.
    PromotionRefused(String, String),
    /// Every incident, open and closed, newest first, each with its timeline.
    Incidents(Vec<crate::engine::incidents::Incident>),
    /// The incidents could not be read: why (shown unknown, not as none).
    IncidentsUnread(String),
    /// One incident read again.
    Incident(Box<crate::engine::incidents::Incident>),
    /// An incident closed: as it now reads, its closing journaled.
    IncidentClosed(Box<crate::engine::incidents::Incident>),
    /// A closing refused or failed (an empty note, closed already, a journal that cannot be
    /// written): the incident, and why. Nothing was journaled.
    IncidentNotClosed(String, String),
    /// The grant form's starting values.
    GrantSeed(Box<crate::tui::screens::corridors::grant::seed::GrantSeed>),
    /// The grant the form asks for, and what the engine finds wrong with it (empty: nothing).
    GrantChecked(Box<crate::engine::automation::GrantTarget>, Vec<String>),
    /// A grant made: the signed record.
    GrantMade(Box<crate::engine::automation::Grant>),
    /// A grant refused at the key or failed (checked again by the engine, a halt, the
    /// candidate's stage, the key): the corridor, and why. Nothing was written.
    GrantRefused(crate::engine::execution::CorridorId, String),
    /// Every grant with its state, or why they could not be read (shown unknown, not none).
    Grants(Result<Vec<crate::engine::automation::GrantView>, String>),
    /// A grant revoked: as it now reads.
    GrantRevoked(Box<crate::engine::automation::GrantView>),
    /// A revocation refused or failed: the grant, and why. Nothing was journaled.
    GrantNotRevoked(String, String),
}
