//! The evidence behind each gate, as lines: research's for the gate to paper, paper's and the
//! corridor's for micro-live, micro-live's for supervised live. Everything a board reads is read
//! once ([`Reads`]); each stage's file turns it into [`GateLine`]s for one candidate.

pub mod micro_live;
pub mod paper;
pub mod research;
pub mod supervised;

use super::candidate::{self, Candidate};
use super::gates::Gates;
use super::model::{GateLine, Stage};
use crate::engine::alerts::{self, AlertView};
use crate::engine::error::Result;
use crate::engine::execution::policy::{self, LoadedPolicy};
use crate::engine::execution::CorridorId;
use crate::engine::incidents;
use crate::engine::live::session::{self as live_session, LiveSession};
use crate::engine::paper::session::{self as paper_session, Session};
use crate::engine::research::sweep::{self, SweepReport, SweepStatus};
use crate::engine::research::walkforward::WalkForwardReport;
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

/// What the gates read, read once for a whole board.
pub struct Reads<'a> {
    pub ws: &'a Workspace,
    pub gates: &'a Gates,
    pub store: &'a dyn CredentialStore,
    pub sweeps: Vec<SweepReport>,
    pub walkforwards: Vec<WalkForwardReport>,
    /// Each paper session with the candidate it ran.
    pub paper: Vec<(Session, Option<Candidate>)>,
    /// Each live session with the candidate it trades.
    pub live: Vec<(LiveSession, Option<Candidate>)>,
    pub alerts: Vec<AlertView>,
    pub policy: Option<LoadedPolicy>,
    /// The open incidents, each with the corridors it touched: the ids the open-incident lines cite.
    pub open_incidents: Vec<(String, Vec<CorridorId>)>,
}

impl<'a> Reads<'a> {
    pub fn read(
        ws: &'a Workspace,
        gates: &'a Gates,
        store: &'a dyn CredentialStore,
    ) -> Result<Reads<'a>> {
        let mut sweeps = Vec::new();
        for s in sweep::list(ws)? {
            if s.status == SweepStatus::Success {
                sweeps.push(sweep::load(ws, &s.sweep_id)?);
            }
        }
        let paper = paper_session::all(ws)?.into_iter().map(|s| {
            let c = candidate::of_paper(ws, &s);
            (s, c)
        });
        let live = live_session::all(ws)?.into_iter().map(|s| {
            let c = candidate::of_live(ws, &s);
            (s, c)
        });
        Ok(Reads {
            ws,
            gates,
            store,
            sweeps,
            walkforwards: candidate::walkforwards(ws),
            paper: paper.collect(),
            live: live.collect(),
            alerts: alerts::list(ws)?,
            policy: policy::load(ws)?,
            open_incidents: incidents::scan::all(ws)?
                .into_iter()
                .filter(|i| i.status == incidents::Status::Open)
                .map(|i| (i.id, i.corridors))
                .collect(),
        })
    }

    /// The candidate's paper sessions.
    pub fn paper_of<'s>(&'s self, c: &'s Candidate) -> impl Iterator<Item = &'s Session> + 's {
        self.paper.iter().filter(move |(_, pc)| pc.as_ref().is_some_and(|pc| pc.id == c.id)).map(|(s, _)| s)
    }

    /// The candidate's live sessions (on every corridor, rehearsals included).
    pub fn live_of<'s>(&'s self, c: &'s Candidate) -> impl Iterator<Item = &'s LiveSession> + 's {
        self.live.iter().filter(move |(_, lc)| lc.as_ref().is_some_and(|lc| lc.id == c.id)).map(|(s, _)| s)
    }
}

/// The gate from the candidate's stage to `to`, on `corridor` for a live stage: every line.
pub fn gate(r: &Reads, c: &Candidate, to: Stage, corridor: Option<&CorridorId>) -> Vec<GateLine> {
    match (to, corridor) {
        (Stage::Research, _) => Vec::new(),
        (Stage::Paper, _) => research::lines(r, c),
        (Stage::MicroLive, Some(id)) => {
            let mut lines = paper::lines(r, c);
            lines.extend(micro_live::lines(r, c, id));
            lines
        }
        (Stage::SupervisedLive, Some(id)) => supervised::lines(r, c, id),
        (Stage::Automation, _) => vec![GateLine::new(
            Stage::Automation,
            "automation",
            false,
            "a grant, not a promotion, automates: make one in the console (tab Corridors, A; docs/automation.md)",
            Vec::new(),
        )],
        (stage, None) => {
            // Paper's own evidence does not depend on a corridor: shown while none is chosen.
            let mut lines = if stage == Stage::MicroLive { paper::lines(r, c) } else { Vec::new() };
            lines.push(GateLine::new(
                stage,
                "corridor",
                false,
                format!("{stage} is held per corridor: no corridor of the policy moves money yet"),
                Vec::new(),
            ));
            lines
        }
    }
}

/// A number or `unknown`, never a made-up zero.
pub fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "unknown".into(), |v| format!("{v:.4}"))
}
