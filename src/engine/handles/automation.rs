//! `engine.automation()`: grants of automation (docs/automation.md). Scripts list, show and
//! revoke grants; making one takes the console's typed confirmation. Every read records first
//! the revocations the journals imply (a kill, a halt, another policy, the expiry, ...).

use rust_decimal::Decimal;

use crate::engine::automation::status::Now;
use crate::engine::automation::{
    cover, make, revoke, store, Ask, AutomationError, Grant, GrantConfirmation, GrantState, GrantTarget,
    GrantView,
};
use crate::engine::execution::model::Approval;
use crate::engine::execution::{self as ex, CorridorId};
use crate::engine::live::{self, IntentOrigin};
use crate::engine::time::now_ms;
use crate::engine::{Engine, Result};

#[derive(Clone, Copy)]
pub struct Automation<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Grants of automation: list, show, revoke; made only by the typed confirmation.
    pub fn automation(&self) -> Automation<'_> {
        Automation { engine: self }
    }
}

impl Automation<'_> {
    /// Every grant and its state now, oldest first (revocations recorded first).
    pub fn grants(&self) -> Result<Vec<GrantView>> {
        let e = self.engine;
        revoke::sync(e.workspace(), e.credentials(), now_ms())?;
        revoke::views(e.workspace(), now_ms())
    }

    /// One grant by id.
    pub fn grant(&self, id: &str) -> Result<GrantView> {
        store::read(self.engine.workspace(), id)?;
        self.grants()?
            .into_iter()
            .find(|v| v.grant.id == id)
            .ok_or_else(|| AutomationError::NoGrant(id.into()).into())
    }

    /// The live grants, read without writing (the console's status bar, every poll).
    pub fn live_now(&self) -> Result<Vec<GrantView>> {
        Ok(revoke::views(self.engine.workspace(), now_ms())?
            .into_iter()
            .filter(|v| v.state == GrantState::Live)
            .collect())
    }

    /// Revoke grant `id` (the operator's, from a script or the console): journaled with `reason`.
    pub fn revoke(&self, id: &str, reason: &str) -> Result<GrantView> {
        let e = self.engine;
        let by = ex::approval_sign::operator_name()?;
        revoke::revoke(e.workspace(), e.credentials(), id, reason, &by, now_ms())
    }

    /// Making a grant from a script: always refused (exit 3). A grant is the operator's typed
    /// confirmation in the console.
    pub fn make_from_cli(&self, corridor: &str) -> crate::engine::Error {
        AutomationError::FromCli { corridor: corridor.into() }.into()
    }

    /// What is wrong with the grant `target` asks for, as the dialog shows it before anything is
    /// typed (empty: nothing).
    pub fn problems(&self, target: &GrantTarget) -> Vec<String> {
        let ws = self.engine.workspace();
        let loaded = match ex::policy::load(ws) {
            Ok(Some(p)) => p,
            Ok(None) => return vec![AutomationError::NoPolicy(target.corridor.clone()).to_string()],
            Err(e) => return vec![e.message],
        };
        match loaded.corridor(&target.corridor) {
            Some(p) => make::problems(p, &target.corridor, &target.limits, target.hours)
                .iter()
                .map(|p| p.to_string())
                .collect(),
            None => vec![AutomationError::NoPolicy(target.corridor.clone()).to_string()],
        }
    }

    /// Make the grant the operator confirmed in the dialog: checked again here, signed with the
    /// operator's key, its automation key kept in the credential store, journaled.
    pub fn make(&self, confirmation: GrantConfirmation) -> Result<Grant> {
        let e = self.engine;
        let corridor = confirmation.target().corridor.clone();
        let key = e.live_operator_key(&corridor)?;
        let loopback = || e.adapters().loopback(e.workspace(), &corridor);
        make::make(e.workspace(), e.credentials(), confirmation, &key, loopback, now_ms())
    }

    /// `quantlab intent approve`: approve `intent_id` without a keypress, only inside a live grant
    /// that covers it (its session's candidate, every limit, a passing preflight); otherwise
    /// refused (exit 3) naming the limit, and the intent waits for the keypress.
    pub fn intent_approve(&self, intent_id: &str) -> Result<Approval> {
        let e = self.engine;
        let ws = e.workspace();
        let row = e.execution().intent(intent_id)?;
        let corridor: CorridorId = row.corridor.clone();
        if !store::all(ws)?.iter().any(|s| s.grant.corridor == corridor) {
            return Err(ex::ExecutionError::ApproveOnlyByKey { corridor, intent_id: intent_id.into() }.into());
        }
        let not = |limit: &str, why: String| -> crate::engine::Error {
            AutomationError::NotCovered { intent_id: intent_id.into(), limit: limit.into(), why }.into()
        };
        let session = IntentOrigin::of(row.record.intent.note.as_deref())
            .and_then(|o| live::status(ws, &o.session).ok());
        let candidate =
            session.as_ref().and_then(|s| crate::engine::promotion::candidate::of_live(ws, s)).map(|c| c.id);
        let book = session.as_ref().and_then(|s| s.book.clone());
        let mut c = ex::open_corridor(ws, e.adapters(), &corridor, e.credentials())?;
        let rt = e.venue_runtime();
        let pf = rt.block_on(c.preflight(intent_id))??;
        if !pf.passed() {
            let failed: Vec<String> =
                pf.checks.iter().filter(|k| !k.passed).map(|k| format!("{}: {}", k.rule, k.actual)).collect();
            return Err(not("preflight", failed.join("; ")));
        }
        let ctx = rt.block_on(c.context())??;
        let mark: Option<Decimal> = ctx.marks.get(&row.record.intent.symbol).map(|m| m.price);
        let ask = Ask {
            candidate,
            mark,
            pnl_today: book.as_ref().and_then(|b| b.pnl_today()),
            drawdown: book.as_ref().and_then(|b| b.drawdown()),
        };
        let intent = row.record.intent.clone();
        let now =
            Now::read(ws, ex::global_halt::reason(ws), now_ms()).map_err(|e| not("grant", e.message))?;
        let granted = cover::cover(ws, e.credentials(), &corridor, c.entries(), &intent, &ask, &now)
            .map_err(|n| not(&n.limit, n.why))?;
        c.approve_automated(granted)
    }
}
