//! The engine's flat methods the console still calls, each forwarding to its sub-handle. They
//! go once the console reaches the engine through the handles too.

use crate::engine::data::catalog::DatasetMeta;
use crate::engine::execution::corridor::arming::ArmReport;
use crate::engine::execution::model::ExecutionIntent;
use crate::engine::execution::{self as ex, Confirmation, Venue};
use crate::engine::handles::{
    ConfirmedSend, CorridorDetail, CorridorPoll, CorridorPollReport, CorridorSnapshot,
};
use crate::engine::paper::{view, Session, StartRequest};
use crate::engine::pretrade::{Plan, PlanInput};
use crate::engine::research::compare::Comparison;
use crate::engine::research::index::IndexEntry;
use crate::engine::research::query::Query;
use crate::engine::research::sweep::{SweepReport, SweepSummary};
use crate::engine::research::{RunReport, RunRequest};
use crate::engine::signals::store::{Record, SignalRow};
use crate::engine::signals::{StatusFilter, Verdict};
use crate::engine::strategy::StrategyInfo;
use crate::engine::{Engine, Result};

#[doc(hidden)]
impl Engine {
    #[deprecated(note = "engine.research().compare_runs")]
    pub fn compare_runs(&self, ids: &[String]) -> Result<Comparison> {
        self.research().compare_runs(ids)
    }

    #[deprecated(note = "engine.execution().corridor_arm")]
    pub fn corridor_arm(&self, venue: Venue, account: &str) -> Result<ArmReport> {
        self.execution().corridor_arm(venue, account)
    }

    #[deprecated(note = "engine.execution().corridor_detail")]
    pub fn corridor_detail(&self, venue: Venue, account: &str) -> Result<CorridorDetail> {
        self.execution().corridor_detail(venue, account)
    }

    #[deprecated(note = "engine.execution().corridor_disarm")]
    pub fn corridor_disarm(&self, venue: Venue, account: &str, keep_orders: bool) -> Result<()> {
        self.execution().corridor_disarm(venue, account, keep_orders)
    }

    #[deprecated(note = "engine.execution().corridor_poll")]
    pub fn corridor_poll(&self, poll: &CorridorPoll) -> CorridorPollReport {
        self.execution().corridor_poll(poll)
    }

    #[deprecated(note = "engine.execution().corridor_send_confirmed")]
    pub fn corridor_send_confirmed(&self, confirmation: Confirmation) -> Result<ConfirmedSend> {
        self.execution().corridor_send_confirmed(confirmation)
    }

    #[deprecated(note = "engine.execution().corridor_snapshot")]
    pub fn corridor_snapshot(&self) -> Result<CorridorSnapshot> {
        self.execution().corridor_snapshot()
    }

    #[deprecated(note = "engine.execution().kill")]
    pub fn kill(&self, venue: Option<Venue>, account: Option<&str>, reason: &str) -> Result<ex::KillReport> {
        self.execution().kill(venue, account, reason)
    }

    #[deprecated(note = "engine.data().list")]
    pub fn list_data(&self) -> Result<Vec<DatasetMeta>> {
        self.data().list()
    }

    #[deprecated(note = "engine.research().list_runs")]
    pub fn list_runs(&self, q: &Query) -> Result<Vec<IndexEntry>> {
        self.research().list_runs(q)
    }

    #[deprecated(note = "engine.research().list_sweeps")]
    pub fn list_sweeps(&self) -> Result<Vec<SweepSummary>> {
        self.research().list_sweeps()
    }

    #[deprecated(note = "engine.paper().detail")]
    pub fn paper_detail(&self, id: &str) -> Result<view::Detail> {
        self.paper().detail(id)
    }

    #[deprecated(note = "engine.paper().pause")]
    pub fn paper_pause(&self, id: &str) -> Result<Session> {
        self.paper().pause(id)
    }

    #[deprecated(note = "engine.paper().resume")]
    pub fn paper_resume(&self, id: &str) -> Result<Session> {
        self.paper().resume(id)
    }

    #[deprecated(note = "engine.paper().sessions")]
    pub fn paper_sessions(&self) -> Result<Vec<view::SessionView>> {
        self.paper().sessions()
    }

    #[deprecated(note = "engine.paper().start")]
    pub fn paper_start(&self, req: &StartRequest) -> Result<Session> {
        self.paper().start(req)
    }

    #[deprecated(note = "engine.paper().stop")]
    pub fn paper_stop(&self, id: &str) -> Result<Session> {
        self.paper().stop(id)
    }

    #[deprecated(note = "engine.pretrade().plan")]
    pub fn pretrade_plan(&self, input: PlanInput) -> Result<Plan> {
        self.pretrade().plan(input)
    }

    #[deprecated(note = "engine.pretrade().plans")]
    pub fn pretrade_plans(&self) -> Result<Vec<Plan>> {
        self.pretrade().plans()
    }

    #[deprecated(note = "engine.pretrade().to_intent")]
    pub fn pretrade_to_intent(&self, plan_id: &str) -> Result<ExecutionIntent> {
        self.pretrade().to_intent(plan_id)
    }

    #[deprecated(note = "engine.research().run")]
    pub fn run(&self, req: &RunRequest) -> Result<RunReport> {
        self.research().run(req)
    }

    #[deprecated(note = "engine.research().show_run")]
    pub fn show_run(&self, id: &str) -> Result<RunReport> {
        self.research().show_run(id)
    }

    #[deprecated(note = "engine.research().show_sweep")]
    pub fn show_sweep(&self, id: &str) -> Result<SweepReport> {
        self.research().show_sweep(id)
    }

    #[deprecated(note = "engine.signals().research")]
    pub fn signal_research(&self, id: &str) -> Result<Verdict> {
        self.signals().research(id)
    }

    #[deprecated(note = "engine.signals().show")]
    pub fn signal_show(&self, id: &str) -> Result<Record> {
        self.signals().show(id)
    }

    #[deprecated(note = "engine.signals().list")]
    pub fn signals_list(&self, status: Option<StatusFilter>) -> Result<Vec<SignalRow>> {
        self.signals().list(status)
    }

    #[deprecated(note = "engine.signals().triage")]
    pub fn signals_triage(&self, id: Option<&str>) -> Result<Vec<SignalRow>> {
        self.signals().triage(id)
    }

    #[deprecated(note = "engine.research().strategies")]
    pub fn strategies(&self) -> Vec<StrategyInfo> {
        self.research().strategies()
    }
}
