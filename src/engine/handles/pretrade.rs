//! `engine.pretrade()`: plans (sized and checked against the policy), and the venue facts
//! they are sized from.

use crate::engine::execution::intent::IntentSpec;
use crate::engine::execution::model::AttachedExits;
use crate::engine::execution::model::ExecutionIntent;
use crate::engine::execution::{paths, IntentSource, OrderType, TimeInForce, Venue};
use crate::engine::pretrade::{self, EntryKind, Plan, PlanInput, Rules};
use crate::engine::{Engine, Result};

/// Pre-trade plans: size, check and draft an intent from them.
#[derive(Clone, Copy)]
pub struct Pretrade<'e> {
    pub(super) engine: &'e Engine,
}

impl Engine {
    /// Pre-trade plans: size, check and draft an intent from them.
    pub fn pretrade(&self) -> Pretrade<'_> {
        Pretrade { engine: self }
    }
}

impl Pretrade<'_> {
    /// Compute a plan without writing it.
    pub fn evaluate(&self, input: PlanInput) -> Result<Plan> {
        let policy = crate::engine::execution::policy::load(self.engine.workspace())?;
        pretrade::evaluate(input, policy.as_ref())
    }

    /// Compute and write a plan (valid or rejected).
    pub fn plan(&self, input: PlanInput) -> Result<Plan> {
        pretrade::save(self.engine.workspace(), input)
    }

    pub fn plans(&self) -> Result<Vec<Plan>> {
        pretrade::list(self.engine.workspace())
    }

    pub fn show(&self, id: &str) -> Result<Plan> {
        pretrade::show(self.engine.workspace(), id)
    }

    /// The instrument rules the fake venue knows for `symbol`; live venues' rules come from
    /// their adapters once they exist, until then from the command line.
    pub fn instrument_rules(&self, venue: Venue, account: &str, symbol: &str) -> Option<Rules> {
        if venue != Venue::Fake {
            return None;
        }
        let path = paths::fake_venue(self.engine.workspace(), account);
        let state: crate::engine::venues::fake::FakeState =
            crate::engine::workspace::read_json(&path).unwrap_or_default();
        state.rules(symbol).map(|r| Rules {
            tick_size: r.tick_size,
            lot_size: r.lot_size,
            min_size: r.min_quantity,
            min_notional: r.min_notional,
        })
    }

    /// Account equity as the venue reports it: the fake venue's account value (cash plus
    /// unrealized PnL at the marks). Live venues report theirs once their adapters exist; until
    /// then it is typed in.
    pub fn venue_equity(&self, venue: Venue, account: &str) -> Option<rust_decimal::Decimal> {
        if venue != Venue::Fake {
            return None;
        }
        let path = paths::fake_venue(self.engine.workspace(), account);
        let s: crate::engine::venues::fake::FakeState =
            crate::engine::workspace::read_json(&path).unwrap_or_default();
        Some(s.equity())
    }

    /// A draft intent from a valid plan: journaled as pending in its corridor, never sent until
    /// approved there.
    pub fn to_intent(&self, plan_id: &str) -> Result<ExecutionIntent> {
        let p = self.show(plan_id)?;
        if !p.valid() {
            let failed: Vec<String> = p.checks.iter().filter(|c| !c.passed).map(|c| c.rule.clone()).collect();
            return Err(pretrade::PretradeError::Rejected { id: p.id, failed }.into());
        }
        if p.sizing.size.is_zero() {
            return Err(pretrade::PretradeError::SizesToZero(p.id).into());
        }
        let i = &p.input;
        let targets: Vec<String> =
            i.targets.iter().map(|t| format!("{}:{}%", t.price, t.share_pct)).collect();
        self.engine.execution().intent_new(IntentSpec {
            source: IntentSource::Plan,
            venue: i.venue,
            account: i.account.clone(),
            symbol: i.symbol.clone(),
            side: i.side,
            quantity: p.sizing.size,
            order_type: match i.entry_kind {
                EntryKind::Limit => OrderType::Limit,
                EntryKind::Market => OrderType::Market,
            },
            limit_price: (i.entry_kind == EntryKind::Limit).then_some(i.entry),
            trigger_price: None,
            time_in_force: TimeInForce::Gtc,
            reduce_only: false,
            ttl_ms: None,
            note: Some(format!(
                "from plan {}: stop {}, targets {}",
                p.id,
                i.stop,
                if targets.is_empty() { "none".into() } else { targets.join(" ") }
            )),
            // The stop is the plan's risk: it rides with the entry. Targets split the position
            // (shares of it), which one attached take-profit cannot say; they stay in the note.
            exits: Some(AttachedExits { take_profit: None, stop_loss: Some(i.stop) }),
        })
    }
}
