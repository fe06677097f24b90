//! The promotion board: one row per candidate and scope (the candidate everywhere, for research
//! and paper; each corridor, for the live stages), with its stage, the next one, and the gate to
//! it as lines. Demotions the journals and alerts call for are made first, so the board never
//! shows a stage a kill or a drift already took away.

use std::collections::BTreeSet;

use serde::Serialize;

use super::candidate::{self, Candidate};
use super::decisions::{self, Decision, ReadDecision};
use super::demotion;
use super::error::PromotionError;
use super::evidence::{self, Reads};
use super::gates::{self, GATES_FILE};
use super::model::{GateLine, Stage};
use crate::engine::contract::CONTRACT_VERSION;
use crate::engine::error::Result;
use crate::engine::execution::adapter_factory::AdapterFactory;
use crate::engine::execution::CorridorId;
use crate::engine::gate::PromotionGate;
use crate::engine::secrets::CredentialStore;
use crate::engine::workspace::Workspace;

pub const BOARD_SCHEMA: &str = "quantlab.promotion_board";
pub const CANDIDATE_SCHEMA: &str = "quantlab.promotion_candidate";

/// What the board reads with: the engine's own.
pub struct Ctx<'a> {
    pub ws: &'a Workspace,
    pub venues: &'a dyn AdapterFactory,
    pub store: &'a dyn CredentialStore,
}

/// One candidate in one scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub candidate: Candidate,
    /// The artifacts it was found in (sweeps, walk-forwards, paper and live sessions).
    pub sources: Vec<String>,
    /// The corridor of a live stage; null: the candidate everywhere (research, paper).
    pub corridor: Option<CorridorId>,
    pub stage: Stage,
    /// Where a promotion would take it; null when there is none to make here.
    pub next: Option<Stage>,
    /// The gate to `next`, every line.
    pub gates: Vec<GateLine>,
    /// Every line passed: the console's typed confirmation may advance it.
    pub ready: bool,
}

impl Row {
    /// The typed-confirmation dialog on this row's promotion, if there is one to make.
    pub fn confirm_gate(&self) -> Option<PromotionGate> {
        let to = self.next?;
        Some(PromotionGate::open(&self.candidate.id, self.stage, to, self.corridor.clone(), self.gates.clone()))
    }

    /// The failing lines, as text.
    pub fn failing(&self) -> Vec<String> {
        self.gates.iter().filter(|g| !g.passed).map(|g| format!("{}: {}", g.item, g.detail)).collect()
    }
}

/// A decisions line that is not trusted (a bad signature, an edit, an unknown key): shown, never folded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Untrusted {
    pub line: usize,
    pub candidate: Option<String>,
    pub decision_id: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Board {
    pub schema: String,
    pub schema_version: u32,
    pub gates_file: String,
    pub gates_fingerprint: String,
    pub rows: Vec<Row>,
    /// Demotions this read made (the causes found since the board was last read).
    pub demoted: Vec<Decision>,
    pub untrusted: Vec<Untrusted>,
}

/// One candidate: its rows, its decisions, and the lines about it that are not trusted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateView {
    pub schema: String,
    pub schema_version: u32,
    pub candidate: Candidate,
    pub sources: Vec<String>,
    pub rows: Vec<Row>,
    pub decisions: Vec<Decision>,
    pub untrusted: Vec<Untrusted>,
}

fn untrusted(all: &[ReadDecision]) -> Vec<Untrusted> {
    all.iter()
        .filter_map(|r| {
            Some(Untrusted {
                line: r.line,
                candidate: r.decision.as_ref().map(|d| d.candidate.clone()),
                decision_id: r.decision.as_ref().map(|d| d.id.clone()),
                why: r.untrusted.clone()?,
            })
        })
        .collect()
}

/// The row of `c` in `scope`.
pub fn row(r: &Reads, all: &[ReadDecision], f: &candidate::Found, scope: Option<&CorridorId>) -> Row {
    let c = &f.candidate;
    let stage = decisions::stage_of(all, &c.id, scope);
    // The fake venue moves no money: paper is all a candidate needs there.
    let next = match (stage.next(), scope) {
        (Some(n), Some(id)) if n.is_live() && !id.venue.is_live() => None,
        (n, _) => n,
    };
    let gates = next.map(|to| evidence::gate(r, c, to, scope)).unwrap_or_default();
    let ready = next.is_some() && !gates.is_empty() && gates.iter().all(|g| g.passed);
    Row { candidate: c.clone(), sources: f.sources.clone(), corridor: scope.cloned(), stage, next, gates, ready }
}

/// The scopes a candidate has rows in: everywhere until it reaches paper; then each corridor
/// of the policy that moves money, and each corridor it has a decision or a session on.
fn scopes(r: &Reads, all: &[ReadDecision], c: &Candidate) -> Vec<Option<CorridorId>> {
    let mut corridors: BTreeSet<CorridorId> = BTreeSet::new();
    for d in decisions::trusted(all).filter(|d| d.candidate == c.id) {
        corridors.extend(d.corridor.clone());
    }
    corridors.extend(r.live_of(c).map(|s| s.config.corridor.clone()));
    let everywhere = decisions::stage_of(all, &c.id, None);
    if everywhere >= Stage::Paper {
        if let Some(p) = &r.policy {
            corridors.extend(p.policy.corridors.iter().map(|cp| cp.id()).filter(|id| id.venue.is_live()));
        }
    }
    let mut out: Vec<Option<CorridorId>> = Vec::new();
    if everywhere < Stage::Paper || corridors.is_empty() {
        out.push(None);
    }
    out.extend(corridors.into_iter().map(Some));
    out
}

/// Every candidate's rows (only those at `stage`, when given), after the demotions due.
pub fn board(ctx: &Ctx, stage: Option<Stage>) -> Result<Board> {
    let loaded = gates::load_or_init(ctx.ws)?;
    let r = Reads::read(ctx.ws, &loaded.gates, ctx.store)?;
    let demoted = demotion::sync(ctx.ws, &r.live)?;
    let all = decisions::read(ctx.ws)?;
    let mut rows = Vec::new();
    for f in candidate::discover(ctx.ws, &[])? {
        for scope in scopes(&r, &all, &f.candidate) {
            rows.push(row(&r, &all, &f, scope.as_ref()));
        }
    }
    rows.retain(|row| stage.is_none_or(|s| row.stage == s));
    Ok(Board {
        schema: BOARD_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        gates_file: GATES_FILE.into(),
        gates_fingerprint: loaded.fingerprint,
        rows,
        demoted,
        untrusted: untrusted(&all),
    })
}

/// One candidate by id: its rows and decisions.
pub fn show(ctx: &Ctx, id: &str) -> Result<CandidateView> {
    let loaded = gates::load_or_init(ctx.ws)?;
    let r = Reads::read(ctx.ws, &loaded.gates, ctx.store)?;
    demotion::sync(ctx.ws, &r.live)?;
    let all = decisions::read(ctx.ws)?;
    let found = candidate::discover(ctx.ws, &[])?;
    let f = found.into_iter().find(|f| f.candidate.id == id).ok_or_else(|| PromotionError::NoCandidate(id.into()))?;
    let rows = scopes(&r, &all, &f.candidate).iter().map(|s| row(&r, &all, &f, s.as_ref())).collect();
    Ok(CandidateView {
        schema: CANDIDATE_SCHEMA.into(),
        schema_version: CONTRACT_VERSION,
        rows,
        decisions: decisions::trusted(&all).filter(|d| d.candidate == id).cloned().collect(),
        untrusted: untrusted(&all).into_iter().filter(|u| u.candidate.as_deref() == Some(id)).collect(),
        sources: f.sources,
        candidate: f.candidate,
    })
}
