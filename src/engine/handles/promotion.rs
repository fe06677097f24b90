//! `engine.promotion()`: the promotion board. Every read makes the demotions the journals and
//! alerts call for first. A candidate advances only with the console's typed confirmation; a
//! script is refused.

use crate::engine::execution::OperatorKey;
use crate::engine::promotion::board::{self, Ctx};
use crate::engine::promotion::{
    advance, gates, Board, CandidateView, Decision, PromotionConfirmation, PromotionError, Stage,
};
use crate::engine::{Engine, Result};

/// The promotion board: rows, one candidate, and the typed-confirmation advance.
#[derive(Clone, Copy)]
pub struct Promotion<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// The promotion board: candidates, their evidence and gates, and promotion.
    pub fn promotion(&self) -> Promotion<'_> {
        Promotion { engine: self }
    }
}

impl Promotion<'_> {
    fn ctx(&self) -> Ctx<'_> {
        let e = self.engine;
        Ctx { ws: e.workspace(), venues: e.adapters().as_ref(), store: e.credentials() }
    }

    /// Every candidate's rows, those at `stage` only when given.
    pub fn board(&self, stage: Option<Stage>) -> Result<Board> {
        board::board(&self.ctx(), stage)
    }

    /// `--stage`'s text as a stage.
    pub fn parse_stage(text: &str) -> Result<Stage> {
        Stage::parse(text).ok_or_else(|| PromotionError::BadStage(text.into()).into())
    }

    /// One candidate: its rows in every scope, its decisions, the lines about it not trusted.
    pub fn show(&self, candidate: &str) -> Result<CandidateView> {
        board::show(&self.ctx(), candidate)
    }

    /// The gates file (written with its defaults on first use): its path and fingerprint.
    pub fn gates_file(&self) -> Result<(std::path::PathBuf, String)> {
        let ws = self.engine.workspace();
        let loaded = gates::load_or_init(ws)?;
        Ok((ws.root().join(gates::GATES_FILE), loaded.fingerprint))
    }

    /// Advancing from a script: always refused (exit 3). Promotion is the operator's typed
    /// confirmation in the console's Promotion tab.
    pub fn advance_from_cli(&self, candidate: &str) -> crate::engine::Error {
        PromotionError::FromCli { candidate: candidate.into() }.into()
    }

    /// The demo's promotion of `candidate` to micro-live on `corridor`, on the demo's engine
    /// only and only where the corridor is loopback (promotion/demo_path.rs); signed with the
    /// demo's key. Engine-internal: the demo is its one caller.
    pub(in crate::engine) fn advance_for_demo(
        &self,
        candidate: &str,
        corridor: &crate::engine::execution::CorridorId,
    ) -> Result<Vec<Decision>> {
        if self.engine.demo_loopback().is_none() {
            let why = "this is not the demo's engine".to_string();
            return Err(PromotionError::DemoOffLoopback { corridor: corridor.clone(), why }.into());
        }
        let key = self.engine.live_operator_key(corridor)?;
        crate::engine::promotion::demo_path::promote_for_demo(&self.ctx(), candidate, corridor, &key)
    }

    /// Promote with the console's typed confirmation: the gate is evaluated again here, and any
    /// failing line (an open incident on the corridor among them) refuses with nothing written.
    /// Signed with the operator's key.
    pub fn advance_confirmed(&self, confirmation: PromotionConfirmation) -> Result<Decision> {
        let e = self.engine;
        let key = match confirmation.target().corridor.as_ref().filter(|c| c.venue.is_live()) {
            Some(c) => e.live_operator_key(c)?,
            // Always signed, even where no money moves: an unsigned one would promote nothing on read.
            None => OperatorKey::load_or_create(e.credentials(), e.workspace())?,
        };
        advance::advance(&self.ctx(), confirmation, &key)
    }
}
